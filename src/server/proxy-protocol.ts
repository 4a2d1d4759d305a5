/**
 * An incremental parser for HAProxy's PROXY protocol header, version 1 (one
 * line of text) and version 2 (binary), as specified in HAProxy's
 * `doc/proxy-protocol.txt`. A load balancer sends the header first on each
 * connection it opens to us; the parser is fed the received chunks as they
 * come (the header may arrive split anywhere, even one byte at a time) and says
 * when the header is complete, handing back the payload bytes that followed it
 * in the same chunk.
 *
 * The parser decides as early as the bytes allow: a connection that does not
 * start with an allowed signature fails at its first wrong byte, a v1 line
 * fails at its first stray CR or LF or at its 107th byte without CRLF, and a v2
 * header fails at its version/command byte, its family byte or its length as
 * soon as that byte arrives. It never buffers more than the header itself
 * (at most {@link PROXY_V1_MAX_LENGTH} or {@link PROXY_V2_MAX_LENGTH} bytes),
 * keeps no reference to the caller's chunks, and never throws on any input.
 *
 * @module
 */

import ipaddr from "ipaddr.js";
import type { ProxyHeaderReason } from "../net/error-reason.js";
import { reasonText } from "../net/error-text.js";

/**
 * Which header versions a listener accepts. The spec forbids guessing whether
 * a header is there at all, so every mode requires one; `"any"` tells v1 from
 * v2 by the first byte.
 *
 * @example
 * ```ts
 * import { ProxyHeaderParser } from "./proxy-protocol.js";
 * const v1 = Buffer.from("PROXY UNKNOWN\r\n");
 * new ProxyHeaderParser("any").push(v1).state; // "done"
 * new ProxyHeaderParser("v2").push(v1).state; // "error": a v1 header where v2 is required
 * ```
 */
export type ProxyVersion = "v1" | "v2" | "any";

/**
 * The transport a header describes:
 * - `"tcp4"`, `"tcp6"`: v1 `TCP4`/`TCP6`, v2 `0x11`/`0x21`; addresses and ports are given.
 * - `"udp4"`, `"udp6"`: v2 `0x12`/`0x22`; addresses and ports are given.
 * - `"unix-stream"`, `"unix-dgram"`: v2 `0x31`/`0x32`; the addresses are socket paths
 *   (an abstract socket's name is shown as `@name`) and there are no ports.
 * - `"unknown"`: v1 `UNKNOWN`, or v2 with an unspecified family or protocol (`0x00`,
 *   `0x10`, `0x01`, ...), or a v2 LOCAL header whose family byte is not one of the above.
 *
 * @example
 * ```ts
 * import { ProxyHeaderParser } from "./proxy-protocol.js";
 * const r = new ProxyHeaderParser("v1").push(Buffer.from("PROXY UNKNOWN\r\n"));
 * r.state; // "done"
 * if (r.state === "done") r.header.transport; // "unknown": no addresses to take
 * ```
 */
export type ProxyTransport = "tcp4" | "tcp6" | "udp4" | "udp6" | "unix-stream" | "unix-dgram" | "unknown";

/**
 * A complete, valid PROXY header.
 *
 * @example
 * ```ts
 * import { ProxyHeaderParser } from "./proxy-protocol.js";
 * const r = new ProxyHeaderParser("v1").push(Buffer.from("PROXY TCP4 10.0.0.1 10.0.0.2 5000 7\r\n"));
 * r.state; // "done"
 * if (r.state === "done") {
 *   r.header.command; // "proxy"
 *   r.header.transport; // "tcp4"
 *   r.header.sourceAddress; // "10.0.0.1"
 *   r.header.sourcePort; // 5000
 *   r.header.length; // 37
 * }
 * ```
 */
export interface ProxyHeader {
  version: 1 | 2;
  /**
   * `"proxy"`: the addresses below are the real client's (and the address it
   * connected to). `"local"`: a health check or the proxy's own connection, or
   * a connection whose addresses the proxy could not tell: use the connection's
   * own addresses. `"local"` comes from a v2 LOCAL command, a v1 `UNKNOWN` line,
   * or a v2 PROXY command with an unspecified family or protocol (the v2 spelling
   * of `UNKNOWN`). There are never addresses with `"local"`.
   */
  command: "proxy" | "local";
  /**
   * What the header says was proxied; see {@link ProxyTransport}. With a v2
   * LOCAL command it is informational only (the spec says the family is ignored).
   */
  transport: ProxyTransport;
  /**
   * The client's address: dotted-quad IPv4; IPv6 in the compressed lower-case
   * form of ipaddr.js (`2001:db8::1`, an IPv4-mapped address as `::ffff:a00:1`);
   * a path for the unix transports.
   */
  sourceAddress?: string;
  sourcePort?: number;
  /** The address the client connected to, in the same form as `sourceAddress`. */
  destinationAddress?: string;
  destinationPort?: number;
  /**
   * v2 TLVs, type → value (the first one when a type repeats). Values are views
   * into the parser's private copy of the header, never into the caller's
   * chunks. Empty for v1. For a LOCAL or unspecified-family header the TLVs are
   * read when they parse cleanly and left empty otherwise (such a header must be
   * accepted whatever follows its fixed part).
   */
  tlvs: Map<number, Buffer>;
  /** Total header length in bytes (v1: including the CRLF; v2: 16 + its length field). */
  length: number;
}

/**
 * Why a header was refused:
 * - `ERR_PROXY_NOT_PROXY`: the first bytes are not an allowed signature (v1 `"PROXY "`,
 *   v2 `\r\n\r\n\0\r\nQUIT\n`), or are the signature of a version the parser does not accept.
 * - `ERR_PROXY_MALFORMED`: the header breaks the spec's syntax (spacing, addresses,
 *   ports, CR/LF, v2 lengths, TLVs).
 * - `ERR_PROXY_TOO_LONG`: a v1 line without CRLF within 107 bytes, or a v2 header longer
 *   than {@link PROXY_V2_MAX_LENGTH}.
 * - `ERR_PROXY_UNSUPPORTED`: a well-formed v2 header with a version, command, address
 *   family or protocol that the spec does not define.
 *
 * @example
 * ```ts
 * import { ProxyHeaderParser } from "./proxy-protocol.js";
 * const r = new ProxyHeaderParser("any").push(Buffer.from("GET / HTTP/1.1\r\n"));
 * r.state; // "error"
 * if (r.state === "error") r.code; // "ERR_PROXY_NOT_PROXY"
 * ```
 */
export type ProxyErrorCode =
  "ERR_PROXY_NOT_PROXY" | "ERR_PROXY_MALFORMED" | "ERR_PROXY_TOO_LONG" | "ERR_PROXY_UNSUPPORTED";

/**
 * What {@link ProxyHeaderParser.push} says: `"more"` (feed the next chunk),
 * `"done"` with the header and `rest`, the payload bytes that followed the
 * header in the last chunk (a copy, possibly empty, to be processed before any
 * later chunk), or `"error"` (close the connection).
 *
 * @example
 * ```ts
 * import { ProxyHeaderParser } from "./proxy-protocol.js";
 * const r = new ProxyHeaderParser("v1").push(Buffer.from("PROXY UNKNOWN\r\nhello"));
 * r.state; // "done"
 * if (r.state === "done") r.rest.toString(); // "hello"
 * ```
 */
export type ProxyParseResult =
  | { state: "more" }
  | { state: "done"; header: ProxyHeader; rest: Buffer }
  | { state: "error"; code: ProxyErrorCode; reason: ProxyHeaderReason; detail: string };

/**
 * The longest v1 header, CRLF included, that the spec allows (`"PROXY UNKNOWN"`
 * followed by two full IPv6 addresses and two ports).
 *
 * @example
 * ```ts
 * import { PROXY_V1_MAX_LENGTH, ProxyHeaderParser } from "./proxy-protocol.js";
 * const r = new ProxyHeaderParser("v1").push(Buffer.alloc(PROXY_V1_MAX_LENGTH, "PROXY "));
 * r.state === "error" && r.code; // "ERR_PROXY_TOO_LONG": no CRLF within 107 bytes
 * ```
 */
export const PROXY_V1_MAX_LENGTH = 107;

/**
 * The longest v2 header accepted, in bytes: the 16-byte fixed part plus a
 * length field of at most 4096, which holds a UNIX address block (216 bytes)
 * and well over 3 KiB of TLVs. The spec allows up to 16 + 65535; longer headers
 * than this cap fail with `ERR_PROXY_TOO_LONG` as soon as the length field is
 * read, before any of the body is buffered.
 *
 * @example
 * ```ts
 * import { ProxyHeaderParser } from "./proxy-protocol.js";
 * const signature = Buffer.from("0d0a0d0a000d0a515549540a", "hex");
 * // v2 PROXY over TCP/IPv4 whose length field says 65535: refused before the body comes
 * const r = new ProxyHeaderParser("v2").push(Buffer.concat([signature, Buffer.from([0x21, 0x11, 0xff, 0xff])]));
 * r.state === "error" && r.code; // "ERR_PROXY_TOO_LONG"
 * ```
 */
export const PROXY_V2_MAX_LENGTH = 16 + 4096;

const V1_SIGNATURE = Buffer.from("PROXY ", "latin1");
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V2_FIXED = 16;
const CR = 0x0d;
const LF = 0x0a;

const MORE: ProxyParseResult = Object.freeze({ state: "more" });

/** A v2 header's field the spec does not define, with the value found. */
function unsupported(field: "version" | "command" | "address family" | "transport protocol", value: number) {
  return { kind: "proxy-v2-unsupported", field, value } as const;
}

/** v2 family/protocol bytes the spec lists, with their address block sizes. */
const V2_FAMILIES: ReadonlyMap<number, { transport: ProxyTransport; size: number }> = new Map([
  [0x11, { transport: "tcp4", size: 12 }],
  [0x12, { transport: "udp4", size: 12 }],
  [0x21, { transport: "tcp6", size: 36 }],
  [0x22, { transport: "udp6", size: 36 }],
  [0x31, { transport: "unix-stream", size: 216 }],
  [0x32, { transport: "unix-dgram", size: 216 }],
]);

/** A refusal: its code, what is wrong (`reason`), and that in English (`detail`). */
function fail(code: ProxyErrorCode, reason: ProxyHeaderReason): ProxyParseResult {
  return { state: "error", code, reason, detail: reasonText(reason) };
}

/**
 * Reads a PROXY header from the first chunks of a connection. Feed every
 * received chunk to {@link ProxyHeaderParser.push} until it returns `"done"`
 * or `"error"`; the chunk is only read during the call, so the caller may
 * reuse its buffer afterwards. Pushing again after `"done"` or `"error"` is a
 * programming error and throws.
 *
 * @example
 * ```ts
 * import { ProxyHeaderParser } from "./proxy-protocol.js";
 * const parser = new ProxyHeaderParser("any");
 * parser.push(Buffer.from("PROXY TCP6 2001:db8::1 ")); // { state: "more" }
 * const r = parser.push(Buffer.from("2001:db8::2 40000 443\r\nGET /"));
 * if (r.state === "done") {
 *   console.log(r.header.sourceAddress, r.header.sourcePort); // "2001:db8::1" 40000
 *   console.log(r.rest.toString()); // "GET /": the client's first bytes
 * } else if (r.state === "error") {
 *   console.log(r.code, r.detail); // close the connection (r.reason: the same, as facts)
 * }
 * ```
 */
export class ProxyHeaderParser {
  readonly #allowV1: boolean;
  readonly #allowV2: boolean;
  /** 0 until the first byte picks the version. */
  #version: 0 | 1 | 2 = 0;
  /** The header bytes seen so far (v1: up to 107; v2: 16, then exactly the whole header). */
  #buf: Buffer = Buffer.alloc(0);
  #have = 0;
  /** v2 total header length, known once 16 bytes are in. */
  #total = 0;
  #finished = false;

  /** `version`: which header versions to accept (see {@link ProxyVersion}). */
  constructor(version: ProxyVersion) {
    if (version !== "v1" && version !== "v2" && version !== "any") {
      throw new TypeError(`ProxyHeaderParser: version must be "v1", "v2" or "any", not ${String(version)}`);
    }
    this.#allowV1 = version !== "v2";
    this.#allowV2 = version !== "v1";
  }

  /**
   * Feeds the next received chunk. Returns `"more"` while the header is
   * incomplete, then `"done"` or `"error"` once; throws if called after that.
   */
  push(chunk: Buffer): ProxyParseResult {
    if (this.#finished)
      throw new Error("ProxyHeaderParser.push() called after the header was done or failed");
    let result: ProxyParseResult;
    try {
      result = this.#feed(chunk);
    } catch (err) {
      // Not expected on any input; refuse the connection rather than throw into the data path.
      const cause = (err as Error)?.message ?? String(err);
      result = fail("ERR_PROXY_MALFORMED", { kind: "proxy-unparseable", cause });
    }
    if (result.state !== "more") {
      this.#finished = true;
      if (result.state === "error") this.#buf = Buffer.alloc(0);
    }
    return result;
  }

  #feed(chunk: Buffer): ProxyParseResult {
    if (chunk.length === 0) return MORE;
    if (this.#version === 0) {
      const first = chunk[0]!;
      if (first === V1_SIGNATURE[0] && this.#allowV1) {
        this.#version = 1;
        this.#buf = Buffer.alloc(PROXY_V1_MAX_LENGTH);
      } else if (first === V2_SIGNATURE[0] && this.#allowV2) {
        this.#version = 2;
        this.#buf = Buffer.alloc(V2_FIXED);
      } else {
        return this.#notProxy(0, first);
      }
    }
    return this.#version === 1 ? this.#feedV1(chunk) : this.#feedV2(chunk);
  }

  #notProxy(offset: number, byte: number): ProxyParseResult {
    const expected = this.#allowV1 && this.#allowV2 ? "v1 or v2" : this.#allowV1 ? "v1" : "v2";
    return fail("ERR_PROXY_NOT_PROXY", { kind: "proxy-signature", expected, offset, byte });
  }

  #feedV1(chunk: Buffer): ProxyParseResult {
    const buf = this.#buf;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      const pos = this.#have;
      if (pos < V1_SIGNATURE.length) {
        if (b !== V1_SIGNATURE[pos]) return this.#notProxy(pos, b);
      } else if (b === LF) {
        if (buf[pos - 1] !== CR)
          return fail("ERR_PROXY_MALFORMED", { kind: "proxy-v1-lf-without-cr", at: pos });
        return this.#finishV1(pos + 1, chunk.subarray(i + 1));
      } else if (buf[pos - 1] === CR) {
        return fail("ERR_PROXY_MALFORMED", { kind: "proxy-v1-cr-without-lf", at: pos - 1 });
      } else if (pos + 1 >= PROXY_V1_MAX_LENGTH) {
        return fail("ERR_PROXY_TOO_LONG", { kind: "proxy-v1-no-crlf", limit: PROXY_V1_MAX_LENGTH });
      }
      buf[pos] = b;
      this.#have = pos + 1;
    }
    return MORE;
  }

  #finishV1(length: number, after: Buffer): ProxyParseResult {
    const line = this.#buf.toString("latin1", V1_SIGNATURE.length, length - 2);
    const header = parseV1Line(line, length);
    if ("kind" in header) return fail("ERR_PROXY_MALFORMED", header);
    this.#buf = Buffer.alloc(0);
    return { state: "done", header, rest: Buffer.from(after) };
  }

  #feedV2(chunk: Buffer): ProxyParseResult {
    let i = 0;
    while (this.#have < V2_FIXED && i < chunk.length) {
      const b = chunk[i++]!;
      const pos = this.#have;
      if (pos < V2_SIGNATURE.length) {
        if (b !== V2_SIGNATURE[pos]) return this.#notProxy(pos, b);
      } else if (pos === 12) {
        if (b >> 4 !== 2) return fail("ERR_PROXY_UNSUPPORTED", unsupported("version", b >> 4));
        if ((b & 0x0f) > 1) return fail("ERR_PROXY_UNSUPPORTED", unsupported("command", b & 0x0f));
      } else if (pos === 13 && (this.#buf[12]! & 0x0f) === 1) {
        if (b >> 4 > 3) return fail("ERR_PROXY_UNSUPPORTED", unsupported("address family", b >> 4));
        if ((b & 0x0f) > 2) return fail("ERR_PROXY_UNSUPPORTED", unsupported("transport protocol", b & 0x0f));
      }
      this.#buf[pos] = b;
      this.#have = pos + 1;
      if (this.#have === V2_FIXED) {
        const error = this.#sizeV2();
        if (error !== undefined) return error;
      }
    }
    if (this.#have < V2_FIXED) return MORE;
    const take = Math.min(this.#total - this.#have, chunk.length - i);
    chunk.copy(this.#buf, this.#have, i, i + take);
    this.#have += take;
    i += take;
    if (this.#have < this.#total) return MORE;
    return this.#finishV2(chunk.subarray(i));
  }

  /** With the fixed part in: checks the length field and makes room for the whole header. */
  #sizeV2(): ProxyParseResult | undefined {
    const fixed = this.#buf;
    const length = fixed.readUInt16BE(14);
    const total = V2_FIXED + length;
    if (total > PROXY_V2_MAX_LENGTH) {
      return fail("ERR_PROXY_TOO_LONG", {
        kind: "proxy-v2-too-long",
        length: total,
        limit: PROXY_V2_MAX_LENGTH,
      });
    }
    const family = V2_FAMILIES.get(fixed[13]!);
    if ((fixed[12]! & 0x0f) === 1 && family !== undefined && length < family.size) {
      const { size, transport } = family;
      return fail("ERR_PROXY_MALFORMED", { kind: "proxy-v2-short", length, size, transport });
    }
    this.#total = total;
    this.#buf = Buffer.alloc(total);
    fixed.copy(this.#buf, 0, 0, V2_FIXED);
    return undefined;
  }

  #finishV2(after: Buffer): ProxyParseResult {
    const buf = this.#buf;
    const total = this.#total;
    const local = (buf[12]! & 0x0f) === 0;
    const family = V2_FAMILIES.get(buf[13]!);
    const header: ProxyHeader = {
      version: 2,
      command: "local",
      transport: family?.transport ?? "unknown",
      tlvs: new Map(),
      length: total,
    };
    if (local || family === undefined) {
      // LOCAL (the spec says to accept it and ignore the family and addresses) or PROXY with an
      // unspecified family or protocol (the receiver should ignore the address information).
      const start = V2_FIXED + (family !== undefined && total - V2_FIXED >= family.size ? family.size : 0);
      const tlvs = parseTlvs(buf, start, total);
      if (tlvs instanceof Map) header.tlvs = tlvs;
    } else {
      header.command = "proxy";
      const a = V2_FIXED;
      if (family.size === 12) {
        header.sourceAddress = `${buf[a]}.${buf[a + 1]}.${buf[a + 2]}.${buf[a + 3]}`;
        header.destinationAddress = `${buf[a + 4]}.${buf[a + 5]}.${buf[a + 6]}.${buf[a + 7]}`;
        header.sourcePort = buf.readUInt16BE(a + 8);
        header.destinationPort = buf.readUInt16BE(a + 10);
      } else if (family.size === 36) {
        header.sourceAddress = ipaddr.fromByteArray([...buf.subarray(a, a + 16)]).toString();
        header.destinationAddress = ipaddr.fromByteArray([...buf.subarray(a + 16, a + 32)]).toString();
        header.sourcePort = buf.readUInt16BE(a + 32);
        header.destinationPort = buf.readUInt16BE(a + 34);
      } else {
        header.sourceAddress = unixPath(buf.subarray(a, a + 108));
        header.destinationAddress = unixPath(buf.subarray(a + 108, a + 216));
      }
      const tlvs = parseTlvs(buf, a + family.size, total);
      if (!(tlvs instanceof Map)) return fail("ERR_PROXY_MALFORMED", tlvs);
      header.tlvs = tlvs;
    }
    return { state: "done", header, rest: Buffer.from(after) };
  }
}

/** The TLVs in `buf[start, end)`, or what is wrong with them. */
function parseTlvs(buf: Buffer, start: number, end: number): Map<number, Buffer> | ProxyHeaderReason {
  const tlvs = new Map<number, Buffer>();
  let at = start;
  while (at < end) {
    if (end - at < 3) return { kind: "proxy-v2-tlv-truncated", at, left: end - at };
    const type = buf[at]!;
    const length = buf.readUInt16BE(at + 1);
    const valueEnd = at + 3 + length;
    if (valueEnd > end) return { kind: "proxy-v2-tlv-overrun", type, at, length, left: end - at - 3 };
    if (!tlvs.has(type)) tlvs.set(type, buf.subarray(at + 3, valueEnd));
    at = valueEnd;
  }
  return tlvs;
}

/** A 108-byte sun_path: up to its first NUL; a Linux abstract name (leading NUL) as `@name`. */
function unixPath(raw: Buffer): string {
  if (raw[0] === 0) {
    let end = raw.length;
    while (end > 1 && raw[end - 1] === 0) end--;
    return end > 1 ? "@" + raw.toString("utf8", 1, end) : "";
  }
  const nul = raw.indexOf(0);
  return raw.toString("utf8", 0, nul === -1 ? raw.length : nul);
}

const PORT = /^(?:0|[1-9][0-9]{0,4})$/;
const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const IPV6_CHARS = /^[0-9a-fA-F:.]+$/;

/** The header a v1 line (after "PROXY ", before CRLF) describes, or what is wrong with it. */
function parseV1Line(line: string, length: number): ProxyHeader | ProxyHeaderReason {
  if (line === "UNKNOWN" || line.startsWith("UNKNOWN ")) {
    return { version: 1, command: "local", transport: "unknown", tlvs: new Map(), length };
  }
  const fields = line.split(" ");
  const [protocol, source, destination, sourcePort, destinationPort] = fields;
  if (protocol !== "TCP4" && protocol !== "TCP6") {
    return { kind: "proxy-v1-protocol", protocol: protocol ?? "" };
  }
  if (fields.length !== 5 || fields.some((f) => f === "")) {
    return { kind: "proxy-v1-fields", protocol };
  }
  let src: string | undefined;
  let dst: string | undefined;
  if (protocol === "TCP4") {
    src = IPV4.test(source!) ? source : undefined;
    dst = IPV4.test(destination!) ? destination : undefined;
  } else {
    src = canonicalIPv6(source!);
    dst = canonicalIPv6(destination!);
  }
  if (src === undefined) return { kind: "proxy-v1-address", end: "source", address: source!, protocol };
  if (dst === undefined)
    return { kind: "proxy-v1-address", end: "destination", address: destination!, protocol };
  const sport = parseV1Port(sourcePort!);
  if (sport === undefined) return { kind: "proxy-v1-port", end: "source", port: sourcePort! };
  const dport = parseV1Port(destinationPort!);
  if (dport === undefined) return { kind: "proxy-v1-port", end: "destination", port: destinationPort! };
  return {
    version: 1,
    command: "proxy",
    transport: protocol === "TCP4" ? "tcp4" : "tcp6",
    sourceAddress: src,
    sourcePort: sport,
    destinationAddress: dst,
    destinationPort: dport,
    tlvs: new Map(),
    length,
  };
}

/** A v1 header's port: decimal, without sign or leading zero, at most 65535; undefined otherwise. */
function parseV1Port(text: string): number | undefined {
  if (!PORT.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/**
 * Strict IPv6 text (hex groups of 1 to 4 digits, at most one `::`, an optional
 * dotted-quad tail, no zone) in ipaddr.js's compressed form; undefined if
 * invalid. ipaddr.js reads the groups; a dotted-quad tail is turned into its
 * two hex groups first, as ipaddr.js reads `::1.2.3.4` as `::ffff:1.2.3.4`
 * and takes a leading zero (`::01.2.3.4`), which the PROXY spec does not.
 */
function canonicalIPv6(text: string): string | undefined {
  if (text.length < 2 || text.length > 45 || !IPV6_CHARS.test(text)) return undefined;
  const lastColon = text.lastIndexOf(":");
  const last = text.slice(lastColon + 1);
  let hexOnly = text;
  if (last.includes(".")) {
    if (!IPV4.test(last)) return undefined;
    const [a, b, c, d] = ipaddr.IPv4.parse(last).octets as [number, number, number, number];
    hexOnly = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  // Only groups of 1 to 4 hex digits reach ipaddr.js (a dot elsewhere than the tail is no IPv6 text).
  if (!hexOnly.split(":").every((g) => g === "" || HEX_GROUP.test(g))) return undefined;
  return ipaddr.IPv6.isValid(hexOnly) ? ipaddr.IPv6.parse(hexOnly).toString() : undefined;
}
