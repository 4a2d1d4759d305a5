/**
 * The English sentence for each {@link EchoErrorCode}, from its code and
 * context: what an `EchoError`'s `message` says. Options are named as
 * the library spells them (`tls.ca`, `proxyTrusted`); the CLI words the same
 * codes with its flags (`--tls-ca FILE`) by passing its own namer, and in
 * Korean from its own catalogue (`src/i18n/errors.ts`). The codes and the
 * context live here too, so that `echo-error.ts` imports this and nothing
 * imports back.
 *
 * @module
 */

import { formatEndpoint } from "./endpoint.js";
import type { EchoErrorReason, EchoErrorReasonKind } from "./error-reason.js";
import { systemCode, textPlatform, winsockFor, type TextPlatform } from "./winsock.js";

/** Codes that say what the caller got wrong: the CLI exits 2 on these. */
export type UsageErrorCode = "ERR_INVALID_PORT" | "ERR_INVALID_HOST" | "ERR_INVALID_OPTION";

/** Codes for what went wrong on the network or with the peer. */
export type NetworkErrorCode =
  | "ECONNREFUSED"
  | "ETIMEDOUT"
  | "EHOSTUNREACH"
  | "ENETUNREACH"
  | "ENOTFOUND"
  | "EAI_AGAIN"
  | "ECONNRESET"
  | "EPIPE"
  | "EADDRINUSE"
  | "EACCES"
  | "EADDRNOTAVAIL"
  | "EMFILE"
  | "ENFILE"
  | "ERR_PEER_CLOSED"
  | "ERR_ECHO_MISMATCH"
  | "ERR_SOCKET"
  | "ERR_TLS"
  | "ERR_TLS_VERIFY"
  | "ERR_PROXY";

/** Every code an {@link EchoError} can carry. */
export type EchoErrorCode = UsageErrorCode | NetworkErrorCode;

// Every code once, checked by the compiler: a code added to EchoErrorCode must be added here.
const CODES: Record<EchoErrorCode, true> = {
  ERR_INVALID_PORT: true,
  ERR_INVALID_HOST: true,
  ERR_INVALID_OPTION: true,
  ECONNREFUSED: true,
  ETIMEDOUT: true,
  EHOSTUNREACH: true,
  ENETUNREACH: true,
  ENOTFOUND: true,
  EAI_AGAIN: true,
  ECONNRESET: true,
  EPIPE: true,
  EADDRINUSE: true,
  EACCES: true,
  EADDRNOTAVAIL: true,
  EMFILE: true,
  ENFILE: true,
  ERR_PEER_CLOSED: true,
  ERR_ECHO_MISMATCH: true,
  ERR_SOCKET: true,
  ERR_TLS: true,
  ERR_TLS_VERIFY: true,
  ERR_PROXY: true,
};

/**
 * Every {@link EchoErrorCode}, for programs (and tests) that go through them all.
 *
 * @example
 * ```ts
 * import { ECHO_ERROR_CODES } from "./error-text.js";
 * ECHO_ERROR_CODES.includes("ECONNREFUSED"); // true
 * ```
 */
export const ECHO_ERROR_CODES: readonly EchoErrorCode[] = Object.keys(CODES) as EchoErrorCode[];

/**
 * The kinds of option value worded as "give --x <what it takes>" (see
 * {@link TAKES_EN}): a duration, a whole number ("count") or any number
 * ("number") within min…max, a number above zero, …
 */
export type PlainExpectation =
  | "duration"
  | "positive-duration"
  | "count"
  | "number"
  | "positive-number"
  | "cidr"
  | "hostname"
  // Well written, but beyond the limit: `max` (a count), `min`, or `max` ms (a duration).
  | "too-large"
  | "too-small"
  | "too-long"
  // A text encoding: utf-8 or cp949.
  | "encoding";

/** What a kind of option value takes (`expect` in a context), worded for ERR_INVALID_OPTION. */
export type OptionExpectation =
  | PlainExpectation
  // A readable PEM file (`reason` or `detail`: why it is not).
  | "pem"
  // A descriptor from the service manager that must be a listening TCP socket (`reason`: why it is not).
  | "listening-socket"
  // An option that means nothing (or cannot be) while the service manager passes the sockets.
  | "socket-activation"
  // A word given as an argument where the command takes it as `option` (`serve 9000`: `--port 9000`).
  | "as-option"
  // `option` was not given, and `needs` cannot do without it; `reason` says what it is.
  | "missing"
  // `option`'s address `value` is the port `detail` already listens on.
  | "same-port"
  // `option` (`--ipv6-only`) with an IPv4 `value` to listen on.
  | "ipv6"
  // A fault (`KIND[=VALUE][@CIDR][%PERCENT]`); `fault` says which part is wrong.
  | "fault"
  // `--control` without a token on a listener beyond loopback (`value`, set by `detail`), or with several workers.
  | "control-token"
  | "control-workers"
  // `--control` without an HTTP listener (`--ui` or `--metrics`) to serve it on.
  | "control-listener"
  // `option` (`--ui`) with several workers: the page watches one process's sockets.
  | "ui-workers"
  // `option` (`--udp`) with several workers on Windows, where Node's cluster cannot share a UDP socket.
  | "udp-workers"
  // Text for `option` (`--send`) with characters CP949 has no code for (`detail` lists them).
  | "cp949"
  // `option` (`--encoding`) with piped input, which goes through byte for byte.
  | "encoding-piped";

/** Where an error happened, so that messages can name the address. */
export interface EchoErrorContext {
  host?: string;
  port?: number;
  /** What was being done: "connect", "listen", "read", "write". */
  operation?: string;
  /** The offending value, for usage errors. */
  value?: string;
  /** The smallest valid port, for ERR_INVALID_PORT (0 where "any free port" makes sense). */
  min?: number;
  /**
   * The option a bad value was given to, with `expect` saying what it takes:
   * the library's name (`proxyTrusted`), or the CLI's flag (`--timeout`) for
   * errors the CLI makes. For ERR_PROXY, the option whose ranges refused the peer.
   */
  option?: string;
  /** For ERR_INVALID_OPTION: the option that `option` is meaningless without (`proxyProtocol`). */
  needs?: string;
  /**
   * What the option takes, worded by each language: a duration, a whole number
   * ("count") or any number ("number") within min…max, a number above zero, …
   */
  expect?: OptionExpectation;
  /** The largest valid value, with expect "count" or "number". */
  max?: number;
  /** Why, beyond the code: a kind and its facts, which each language words. */
  reason?: EchoErrorReason;
  /**
   * Text the message quotes as it came, never a sentence of tcpecho's own:
   * OpenSSL's reason, the system's message, or a value the sentence names (an
   * address, a host name, a flag, the characters CP949 has no code for).
   */
  detail?: string;
  /** Bytes that arrived before the peer closed, for ERR_PEER_CLOSED. */
  received?: number;
  /** Bytes expected, for ERR_PEER_CLOSED. */
  expected?: number;
  /** Byte offset of the first difference, for ERR_ECHO_MISMATCH. */
  offset?: number;
  /** Milliseconds waited, for ETIMEDOUT. */
  timeoutMs?: number;
  /**
   * For ERR_TLS_VERIFY: the check the server's certificate failed, as Node
   * names it (`DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`,
   * `CERT_HAS_EXPIRED`, …).
   */
  tlsCheck?: string;
  /** The process's open-files limit (its soft limit), for EMFILE. */
  limit?: number;
  /**
   * For ERR_PEER_CLOSED, ECONNRESET and ERR_ECHO_MISMATCH on a plain
   * connection: what came back was a TLS record, or the port answered a TLS
   * handshake tried after: it speaks TLS, not plain TCP.
   */
  peerTls?: boolean;
  /**
   * For ERR_PEER_CLOSED: the server closed after our half-close (FIN), before
   * echoing everything (ncat --exec does that): `halfClose: false` waits instead.
   */
  afterFin?: boolean;
  /** With expect "fault": what is wrong with it. */
  fault?: FaultProblem;
}

/** What the value of a kind of fault is, for the sentence that says so. */
export type FaultValue = "duration" | "bytes" | "fraction" | "delay" | "slice" | "rate";

/** What is wrong with a fault as written (`KIND[=VALUE][@CIDR][%PERCENT]`). */
export interface FaultProblem {
  readonly reason: "unknown-kind" | "value-missing" | "bad-value" | "bad-cidr" | "bad-percent";
  /** The kind, once known. */
  readonly kind?: string;
  /** What its value takes. */
  readonly takes?: FaultValue;
  /** The part that is wrong, as written. */
  readonly part?: string;
}

/** The kinds of fault, as the grammar names them (kept here so that messages can list them). */
export const FAULT_KIND_NAMES =
  "hold, reset-after, close-after, stall-after, corrupt, delay, slice, bandwidth, slow-close";

/** What each kind of fault value takes, in English. */
export const FAULT_VALUE_EN: Readonly<Record<FaultValue, string>> = {
  duration: "a duration such as 200ms or 2s",
  bytes: "a byte count such as 100, 64KiB or 1MB",
  fraction: "a fraction from 0 to 1, such as 0.01",
  delay: "a duration, with an optional jitter after ~, such as 200ms or 200ms~50ms",
  slice:
    "piece sizes in bytes, MIN-MAX or one size (MIN at least 1 and no more than MAX), with an optional gap after :, such as 1-3:50ms",
  rate: "bytes per second such as 64KiB/s or 1MB/s",
};

/** A fault that does not parse, in English: what to give, then what was given. */
function faultProblemEn(ctx: EchoErrorContext, option: string): string {
  const p = ctx.fault;
  const given = `${option} '${ctx.value ?? ""}'`;
  switch (p?.reason) {
    case "unknown-kind":
      return `give ${option} one of the kinds ${FAULT_KIND_NAMES}, not '${p.part ?? ""}'`;
    case "value-missing":
      return `fix ${given}: ${p.kind} needs a value, ${FAULT_VALUE_EN[p.takes ?? "duration"]}`;
    case "bad-value":
      return `fix ${given}: ${p.kind} takes ${FAULT_VALUE_EN[p.takes ?? "duration"]}`;
    case "bad-cidr":
      return `put an address range such as 10.0.0.0/8 or ::1 after @ in ${given}, not '${p.part ?? ""}'`;
    case "bad-percent":
      return `put the share of connections, from 0 to 100, after % in ${given}, not '${p.part ?? ""}'`;
    default:
      return `give ${option} a fault as KIND[=VALUE][@CIDR][%PERCENT], not '${ctx.value ?? ""}'`;
  }
}

/**
 * How a sentence names an option, given its library name (`tls.ca`,
 * `tls.insecure`, `tls.servername`, `tls`, `port`, `proxyTrusted`, or the
 * `option` of a context). The library says the name itself.
 */
export type OptionNamer = (name: string) => string;

const ownName: OptionNamer = (name) => name;

/** Where it happened: the endpoint, or "the server" when the context has no host. */
export function errorPlace(ctx: EchoErrorContext): string {
  return ctx.host === undefined ? "the server" : formatEndpoint(ctx.host, ctx.port);
}

/** Milliseconds as seconds with `unit` (`" s"`, `"초"`), or nothing when unknown. */
export function errorSeconds(ms: number | undefined, unit: string): string {
  return ms === undefined ? "" : `${+(ms / 1000).toFixed(3)}${unit}`;
}

/**
 * The command that shows who holds a port (UDP or TCP) on `platform`: `ss` on
 * Linux, `lsof` on macOS, `netstat -ano` on Windows (its last column is the
 * process id, which {@link pidCommand} names). On Windows findstr looks for
 * the port followed by netstat's column space (`/R /C:` keeps the space in
 * one pattern; cmd and PowerShell pass it alike), so port 1 is not found in
 * `[::1]:135` or `:10000`, and for TCP only the LISTENING line.
 */
export function portHolderCommand(
  port: number | string | undefined,
  udp: boolean,
  platform: TextPlatform = textPlatform(),
): string {
  switch (platform) {
    case "win32":
      return `netstat -ano | findstr /R /C:"${udp ? `UDP .*:${port} ` : `:${port} .*LISTENING`}"`;
    case "darwin":
      return udp ? `lsof -nP -iUDP:${port}` : `lsof -nP -iTCP:${port} -sTCP:LISTEN`;
    case "linux":
      return `ss -l${udp ? "u" : "t"}np 'sport = :${port}'`;
  }
}

/** Windows: the command that names the program with process id PID (netstat's last column). */
export const pidCommand = 'tasklist /FI "PID eq PID"';

/** The command that lists the ports Windows reserves (Hyper-V, WSL2, Docker): no program may listen on them. */
export const excludedPortsCommand = "netsh int ipv4 show excludedportrange protocol=tcp";

/** The command that shows the range of local (ephemeral) ports connections are given, on `platform`. */
export function localPortsCommand(platform: TextPlatform): string {
  switch (platform) {
    case "win32":
      return "netsh int ipv4 show dynamicport tcp";
    case "darwin":
      return "sysctl net.inet.ip.portrange.first net.inet.ip.portrange.last";
    case "linux":
      return "net.ipv4.ip_local_port_range";
  }
}

/**
 * What goes before an error's sentence on `platform`: on Windows, a system
 * error's code with its Winsock number and name
 * (`ECONNREFUSED (10061, WSAECONNREFUSED): `), which is what a Windows
 * program's WSAGetLastError() reports and what its documentation is found by;
 * elsewhere nothing.
 */
export function systemPrefix(code: string, platform: TextPlatform = textPlatform()): string {
  return platform === "win32" && winsockFor(code) !== undefined ? `${systemCode(code, platform)}: ` : "";
}

/** OpenSSL's reasons when the bytes that came back are no TLS at all (a plain TCP server, an echo of our hello). */
const NOT_TLS: ReadonlySet<string> = new Set([
  "wrong version number",
  "unexpected message",
  "packet length too long",
  "record layer failure",
  "http request",
]);

/** How a client's failed TLS handshake reads: its answer was no TLS, it closed, it sent an alert, or other. */
export type HandshakeFailure = "not-tls" | "closed" | "alert" | "other";

/**
 * Sorts a client handshake's failure (ERR_TLS, operation "tls handshake") into
 * a {@link HandshakeFailure}: by its reason, else by OpenSSL's (`detail`).
 */
export function handshakeFailure(ctx: EchoErrorContext): HandshakeFailure {
  if (ctx.reason?.kind === "tls-closed") return "closed";
  if (ctx.reason !== undefined) return "other";
  const detail = ctx.detail;
  if (detail !== undefined && NOT_TLS.has(detail)) return "not-tls";
  if (detail !== undefined && detail.includes("alert")) return "alert";
  return "other";
}

/** How a failed certificate check reads (ERR_TLS_VERIFY): which advice it takes. */
export type CertificateCheck =
  "self-signed" | "untrusted-ca" | "expired" | "not-yet-valid" | "name" | "other";

/** Sorts Node's name for a failed certificate check (`tlsCheck`) into a {@link CertificateCheck}. */
export function certificateCheck(tlsCheck: string | undefined): CertificateCheck {
  switch (tlsCheck) {
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
      return "self-signed";
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
      return "untrusted-ca";
    case "CERT_HAS_EXPIRED":
      return "expired";
    case "CERT_NOT_YET_VALID":
      return "not-yet-valid";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return "name";
    default:
      return "other";
  }
}

/**
 * Milliseconds in the largest unit that reads well, rounded down so that the
 * words never promise more than the limit: `24.8 days`, `9.1 hours`.
 */
export function roughly(ms: number, unit: { days: string; hours: string; seconds: string }): string {
  const down = (n: number) => Math.floor(n * 10) / 10;
  if (ms >= 172_800_000) return `${down(ms / 86_400_000)}${unit.days}`;
  if (ms >= 7_200_000) return `${down(ms / 3_600_000)}${unit.hours}`;
  return `${down(ms / 1000)}${unit.seconds}`;
}

/** A duration's limit: in s when whole seconds, else in ms, and roughly in days or hours. */
function durationLimitEn(max: number): string {
  const exact = max % 1000 === 0 ? `${max / 1000}s` : `${max}ms`;
  return `at most ${exact} (about ${roughly(max, { days: " days", hours: " hours", seconds: " s" })})`;
}

/** What each plain kind of option value takes, in English: "give --timeout " + this. */
export const TAKES_EN: Readonly<Record<PlainExpectation, (ctx: EchoErrorContext) => string>> = {
  duration: () => "a duration such as 500ms, 10s, 2m or 1h (a bare number is seconds)",
  "positive-duration": () => "a duration of at least 1ms, such as 500ms or 10s",
  cidr: () => "an address range such as 10.0.0.0/8 or 2001:db8::/32, or one address",
  hostname: () => "a host name such as echo.example.org (no IP address)",
  count: (ctx) =>
    ctx.max !== undefined
      ? `a whole number from ${ctx.min ?? 0} to ${ctx.max}`
      : `a whole number of at least ${ctx.min ?? 0}`,
  number: (ctx) =>
    ctx.max !== undefined
      ? `a number from ${ctx.min ?? 0} to ${ctx.max}`
      : `a number of at least ${ctx.min ?? 0}`,
  "positive-number": () => "a number greater than 0",
  "too-large": (ctx) => `at most ${ctx.max}`,
  "too-small": (ctx) => `at least ${ctx.min ?? 0}`,
  "too-long": (ctx) => durationLimitEn(ctx.max ?? 0),
  encoding: () => "utf-8, or cp949 (the code page of Korean Windows)",
};

/** How one language words each kind of {@link EchoErrorReason}: the compiler asks for every kind. */
export type ReasonWords<Args extends unknown[]> = {
  readonly [K in EchoErrorReasonKind]: (
    reason: Extract<EchoErrorReason, { kind: K }>,
    ...args: Args
  ) => string;
};

/** bench's options that --stream has nothing for, and what each does instead. */
const STREAM_HAS_NONE_EN = {
  "--rate": "paces messages",
  "--plot": "draws latency",
  "--hgrm": "writes latency",
};

const V2_FIELD_EN = {
  version: (n: number) => `version ${n}, expected 2`,
  command: (n: number) => `command ${n} is neither LOCAL nor PROXY`,
  "address family": (n: number) => `address family ${n}`,
  "transport protocol": (n: number) => `transport protocol ${n}`,
};

/**
 * Each reason in English, given the value the context carries (`v`) and the
 * namer of options. A usage reason is the whole sentence (what to do); the
 * others are the clause that says why, which the code's sentence takes in.
 */
const REASON_EN: ReasonWords<[v: string, name: OptionNamer]> = {
  "host-twice": (_, v) => `give the host once: as an argument ('${v}') or with --host, not both`,
  "port-twice": (_, v) => `give the port only once (here twice: ${v})`,
  "crlf-and-lf": () => "give only one of --crlf and --lf",
  "ca-and-insecure": () =>
    "give only one of --tls-ca and --insecure: with --insecure nothing is verified, so a CA means nothing",
  "send-and-interactive": () =>
    "give only one of --send and --interactive: --send sends one message, --interactive holds a dialogue",
  "connect-only-data": (_, v) => `leave out ${v} with --connect-only: it sends no data`,
  "stream-has-none": (r) =>
    `give only one of ${r.flag} and --stream: ${r.flag} ${STREAM_HAS_NONE_EN[r.flag]}, --stream has none`,
  "hgrm-one-target": (_, v) =>
    `give one target only with --hgrm: it writes one distribution; to compare several (${v}), use --plot`,
  "plot-file-name": (_, v) => `give --plot a file name ending in .svg or .png, not '${v}'`,
  "file-unwritable": (r, v) => `give ${r.flag} a file it can write ('${v}': ${r.why})`,
  "stream-reports": (r, v) =>
    `leave out ${r.flag}, or give reports with latency: stream reports (${v}) have none`,
  "host-port": (r, v) => `give ${r.flag} an address as HOST:PORT, such as 127.0.0.1:9100, not '${v}'`,
  "tls-key-pair": (r) => `check the TLS certificate and key: ${r.cause}`,
  fds: (_, v, name) => `give ${name("fds")} one or more descriptors, each once, not '${v}'`,
  "listen-fdnames": (_, v) =>
    `give LISTEN_FDNAMES one name per descriptor of LISTEN_FDS, separated by ':', not '${v}'`,
  "proxy-protocol": (_, v, name) => `give ${name("proxyProtocol")} v1, v2 or any, not '${v}'`,
  "data-path": (_, v, name) => `give ${name("dataPath")} auto, handles or streams, not '${v}'`,
  "data-path-with-tls": (_, v, name) =>
    `give ${name("dataPath")} auto or streams with ${name("tls")}, not '${v}': TLS connections are served as streams`,
  "data-path-unavailable": (_, v, name) =>
    `give ${name("dataPath")} auto or streams, not '${v}': the handle path is not available here (on Windows, on a Node whose internals differ, or under TCPECHO_DATA_PATH=streams)`,
  "in-flight": (_, v, name) =>
    `keep ${name("size")} × ${name("pipeline")} within 64 MiB, the most one connection may have in flight, not ${v}`,
  "no-such-file": () => "no such file",
  "permission-denied": () => "permission denied",
  "no-pem-block": () => "no PEM block in it",
  "no-certificate": () => "no certificate in it",
  "no-private-key": () => "no private key in it",
  "key-mismatch": () => "not the private key of that certificate",
  "needs-certificate": () => "the certificate",
  "needs-private-key": () => "the certificate's private key",
  "fd-not-open": () => "not open",
  "fd-not-socket": () => "not a socket",
  "fd-connected": () => "a connected socket, not a listening one (Accept=yes in the .socket unit?)",
  "fd-not-tcp": () => "not a TCP socket (a UDP or Unix socket?)",
  "tls-closed": () => "the server closed the connection during the handshake",
  "tls-client-closed": () => "the client closed the connection during the handshake",
  "tls-client-reset": () => "the client reset the connection during the handshake",
  "tls-timeout": (r) => `no complete handshake within ${r.ms} ms`,
  "closed-before-listening": () => "closed before listening",
  "proxy-required": () => "no PROXY header where one is required",
  "proxy-transport": (r) => `a ${r.transport} client cannot be echoed over TCP`,
  "proxy-no-source": () => "the header carries no source address",
  "proxy-closed": () => "the peer closed in the middle of the header",
  "proxy-timeout": (r) => `no complete header within ${r.ms} ms`,
  "proxy-signature": (r) => `expected a PROXY ${r.expected} signature; byte ${r.offset} is ${hex(r.byte)}`,
  "proxy-v1-lf-without-cr": (r) => `v1: LF without CR at byte ${r.at}`,
  "proxy-v1-cr-without-lf": (r) => `v1: CR without LF at byte ${r.at}`,
  "proxy-v1-no-crlf": (r) => `v1: no CRLF within ${r.limit} bytes`,
  "proxy-v1-protocol": (r) => `v1: protocol must be TCP4, TCP6 or UNKNOWN, not ${JSON.stringify(r.protocol)}`,
  "proxy-v1-fields": (r) =>
    `v1: expected "${r.protocol} <source> <destination> <source port> <destination port>" separated by single spaces`,
  "proxy-v1-address": (r) =>
    `v1: ${r.end} address ${JSON.stringify(r.address)} is not a valid ${r.protocol} address`,
  "proxy-v1-port": (r) => `v1: ${r.end} port ${JSON.stringify(r.port)} is not a port number`,
  "proxy-v2-unsupported": (r) => `v2: ${V2_FIELD_EN[r.field](r.value)}`,
  "proxy-v2-too-long": (r) => `v2: header of ${r.length} bytes, over the ${r.limit}-byte cap`,
  "proxy-v2-short": (r) =>
    `v2: length ${r.length} is shorter than the ${r.size}-byte ${r.transport} address block`,
  "proxy-v2-tlv-truncated": (r) =>
    `v2: truncated TLV at byte ${r.at}: ${r.left} bytes left, a TLV takes at least 3`,
  "proxy-v2-tlv-overrun": (r) =>
    `v2: TLV ${hex(r.type)} at byte ${r.at} claims ${r.length} bytes, only ${r.left} left`,
  "proxy-unparseable": (r) => `unparseable header (${r.cause})`,
};

/** A byte as the PROXY sentences show it: `0x0a`. */
export function hex(byte: number): string {
  return "0x" + byte.toString(16).padStart(2, "0");
}

/**
 * A reason in English: for a usage reason the whole sentence, else the
 * clause that says why. `v` is the value given (the context's `value`).
 *
 * @example
 * ```ts
 * import { reasonText } from "./error-text.js";
 * reasonText({ kind: "proxy-v1-no-crlf", limit: 107 }); // "v1: no CRLF within 107 bytes"
 * ```
 */
export function reasonText(reason: EchoErrorReason, v = "", name: OptionNamer = ownName): string {
  return (REASON_EN[reason.kind] as (r: EchoErrorReason, v: string, name: OptionNamer) => string)(
    reason,
    v,
    name,
  );
}

/** Why, in English: the reason worded, else the text quoted in `detail`, else undefined. */
function why(ctx: EchoErrorContext, name: OptionNamer): string | undefined {
  return ctx.reason === undefined ? ctx.detail : reasonText(ctx.reason, ctx.value ?? "", name);
}

/** A usage error without an option, in English: its reason's sentence, else the detail and the value. */
function usageWithoutOption(ctx: EchoErrorContext, v: string, name: OptionNamer): string {
  if (ctx.reason !== undefined) return reasonText(ctx.reason, v, name);
  if (ctx.detail === undefined) return `check the options (given: '${v}')`;
  return `check ${ctx.detail} (given: '${v}')`;
}

/** Whether values of this kind are worded as "give --x <what it takes>". */
export function isPlainExpectation(expect: OptionExpectation | undefined): expect is PlainExpectation {
  return expect !== undefined && Object.hasOwn(TAKES_EN, expect);
}

function invalidOption(ctx: EchoErrorContext, name: OptionNamer): string {
  const v = ctx.value ?? "";
  if (ctx.option === undefined)
    return isPlainExpectation(ctx.expect)
      ? `give ${TAKES_EN[ctx.expect](ctx)}, not '${v}'`
      : usageWithoutOption(ctx, v, name);
  const option = name(ctx.option);
  switch (ctx.expect) {
    case "as-option":
      return `give ${option} ${v} as an option: serve takes no address or port as an argument`;
    case "missing":
      return `give ${option} too: ${name(ctx.needs ?? "")} needs ${why(ctx, name) ?? option}`;
    case "same-port":
      return `give ${option} another port: ${v} and the echo server (${ctx.detail ?? ""}) would be the same port`;
    case "ipv6":
      return `listen on :: (or another IPv6 address), or leave out ${option}: it takes IPv6 clients only, and ${v} is an IPv4 address`;
    case "fault":
      return faultProblemEn(ctx, option);
    case "control-workers":
      return `leave out ${option} with --workers: each worker has its own faults, and the primary serves the HTTP listener`;
    case "control-token":
      return `give --control-token TOKEN (or set TCPECHO_CONTROL_TOKEN) with ${option}, or listen on 127.0.0.1: the ${ctx.detail === undefined ? "" : `${ctx.detail} `}listener ${v} is reachable beyond this machine`;
    case "control-listener":
      return `give --ui HOST:PORT or --metrics HOST:PORT too: ${option} serves /faults on their HTTP listener`;
    case "ui-workers":
      return `leave out ${option} with --workers, or run one process: the live page watches the sockets of one process`;
    case "udp-workers":
      return `leave out ${option} with --workers on Windows, or run one process: Node's cluster cannot share a UDP socket there`;
    case "cp949":
      return `give ${option} only characters CP949 can write, or leave out --encoding cp949 (no CP949 code for ${ctx.detail ?? v})`;
    case "encoding-piped":
      return `leave out ${option} ${v} when piping, or give --interactive for the dialogue over a pipe: piped bytes go through unchanged (convert them with iconv -f UTF-8 -t CP949, which Git Bash has on Windows; cmd and PowerShell have none); ${option} converts the dialogue's lines and --send's text`;
  }
  const because = why(ctx, name);
  if (ctx.needs !== undefined)
    return `give ${name(ctx.needs)} too, or leave out ${option} ('${v}'): it works only with ${name(ctx.needs)}`;
  switch (ctx.expect) {
    case "pem":
      return `give ${option} a readable PEM file ('${v}'${because ? `: ${because}` : ""})`;
    case "listening-socket":
      return `give ${option} only listening TCP sockets from the service manager: descriptor ${v} is ${because ?? "not one"}`;
    case "socket-activation":
      return ctx.option === "--workers"
        ? `leave out ${option} ('${v}') with socket activation: it runs one process; for more, use several socket units`
        : `leave out ${option} ('${v}') with socket activation: the listening sockets come from the service manager (LISTEN_FDS); set their addresses with ListenStream= in the .socket unit`;
    default:
      return `give ${option} ${TAKES_EN[ctx.expect ?? "count"](ctx)}, not '${v}'`;
  }
}

function certificateAdvice(ctx: EchoErrorContext, name: OptionNamer): string {
  const trust = `trust it with ${name("tls.ca")} (the server's certificate or its CA, PEM), or skip every check with ${name("tls.insecure")}`;
  if (ctx.option === "tls.ca") {
    // A CA was given and does not vouch for this certificate: "self-signed; trust it with tls.ca" would mislead.
    const ca = ctx.value === undefined ? `given as ${name("tls.ca")}` : `in ${ctx.value}`;
    return `it is not signed by the CA ${ca}; trust the server's own certificate or the CA that signed it (PEM) with ${name("tls.ca")}, or skip every check with ${name("tls.insecure")}`;
  }
  switch (certificateCheck(ctx.tlsCheck)) {
    case "self-signed":
      return `it is self-signed; ${trust}`;
    case "untrusted-ca":
      return `it is signed by a CA this machine does not trust; ${trust}`;
    case "expired":
      return `it has expired; renew it on the server (or skip every check with ${name("tls.insecure")})`;
    case "not-yet-valid":
      return `it is not valid yet (check both machines' clocks), or skip every check with ${name("tls.insecure")}`;
    case "name":
      return `it is not made out for the name ${ctx.detail ? `'${ctx.detail}'` : "connected to"}; connect by a name it lists, or give that name with ${name("tls.servername")}`;
    case "other":
      return `${ctx.tlsCheck ?? "verification failed"}; ${trust}`;
  }
}

/** What a plain connection's failure adds when the server seems to speak TLS, or stopped at our FIN. */
function plainAdvice(ctx: EchoErrorContext, name: OptionNamer): string {
  if (ctx.peerTls) return `; this port seems to speak TLS: try ${name("tls")}`;
  if (ctx.afterFin)
    return `; it closed after our end of input (FIN) without echoing everything: if it stops at a FIN, as ncat --exec does, try ${name("halfClose: false")}`;
  return "";
}

function notTlsAdvice(name: OptionNamer): string {
  return `is this port a TLS server? (for plain TCP, leave out ${name("tls")})`;
}

function handshakeFailed(ctx: EchoErrorContext, name: OptionNamer): string {
  switch (handshakeFailure(ctx)) {
    case "not-tls":
      return `the server's answer is not TLS; ${notTlsAdvice(name)}`;
    case "closed":
      return `${why(ctx, name)}; ${notTlsAdvice(name)}`;
    case "alert":
      return `the server refused the handshake (${ctx.detail})`;
    case "other":
      return why(ctx, name) ?? "unknown";
  }
}

/**
 * The English sentence for an error code in its context. `name` spells the
 * options it mentions: by default as the library names them. `platform`
 * (by default the one this runs on) picks the system's commands and rules
 * (`ss`, `lsof` or `netstat`; who may bind below 1024), and on Windows puts
 * the Winsock number and name first: `ECONNREFUSED (10061, WSAECONNREFUSED): …`.
 *
 * @example
 * ```ts
 * import { errorText } from "./error-text.js";
 * errorText("EACCES", { host: "0.0.0.0", port: 80, operation: "listen" });
 * // "no permission to listen on port 80: … use 1024 or above, e.g. port 9000"
 * ```
 */
export function errorText(
  code: EchoErrorCode,
  ctx: EchoErrorContext,
  name: OptionNamer = ownName,
  platform: TextPlatform = textPlatform(),
): string {
  return systemPrefix(code, platform) + errorSentence(code, ctx, name, platform);
}

/** {@link errorText} without the Windows prefix. */
export function errorSentence(
  code: EchoErrorCode,
  ctx: EchoErrorContext,
  name: OptionNamer,
  platform: TextPlatform,
): string {
  const at = errorPlace(ctx);
  switch (code) {
    case "ERR_INVALID_PORT":
      return `give ${ctx.option === undefined ? "" : `${name(ctx.option)} `}a port number from ${ctx.min ?? 0} to 65535, not '${ctx.value}'`;
    case "ERR_INVALID_HOST":
      return `give ${ctx.option === undefined ? "" : `${name(ctx.option)} `}an IP address such as 127.0.0.1 or ::1, or a host name such as localhost, not '${ctx.value}'`;
    case "ERR_INVALID_OPTION":
      return invalidOption(ctx, name);
    case "ECONNREFUSED":
      return `connection refused by ${at}: nothing is listening on that port there (is the server running, on this port?${
        platform === "linux"
          ? ""
          : ` on its machine, see what listens with: ${portHolderCommand(ctx.port, false, platform)}`
      })`;
    case "ETIMEDOUT":
      if (ctx.operation === "tls handshake")
        return `no TLS handshake from ${at} within ${errorSeconds(ctx.timeoutMs, " s")}: the server accepted the connection but did not answer in TLS; ${notTlsAdvice(name)}`;
      if (ctx.operation === "read" && ctx.received)
        return `the echo from ${at} stopped: nothing more for ${errorSeconds(ctx.timeoutMs, " s")} after ${ctx.received} of ${ctx.expected} bytes came back`;
      return ctx.operation === "read"
        ? `no echo from ${at} within ${errorSeconds(ctx.timeoutMs, " s")}: the server accepted the connection but sent nothing back`
        : `no answer from ${at}${ctx.timeoutMs ? ` within ${errorSeconds(ctx.timeoutMs, " s")}` : ""}: a firewall may be dropping the packets, or the host is down or not on a network this machine reaches${
            platform === "win32"
              ? " (a server on Windows: Windows Defender Firewall drops them unless node was allowed when Windows asked at its first listen)"
              : ""
          }`;
    case "EHOSTUNREACH":
      return `no route to ${at}: the host is down, not on this network, or a firewall rejects the packets`;
    case "ENETUNREACH":
      return `the network of ${at} is unreachable: no interface or gateway of this machine leads there`;
    case "ENOTFOUND":
      return `the name '${ctx.host}' was not found: check the spelling, or give an IP address`;
    case "EAI_AGAIN":
      return `the name '${ctx.host}' could not be looked up right now (the DNS server did not answer); try again, or give an IP address`;
    case "ECONNRESET":
      return `the connection to ${at} was reset: the other side closed it abruptly${plainAdvice(ctx, name)}`;
    case "EPIPE":
      return `the connection to ${at} was closed by the other side while data was still being sent`;
    case "EADDRINUSE":
      if (ctx.operation === "connect")
        return `no local port was free to connect to ${at} from (too many connections at once, or many in TIME_WAIT)`;
      return portInUse(`port ${ctx.port}`, ctx, false, platform);
    case "EACCES":
      if (ctx.operation === "connect")
        return `permission denied connecting to ${at}: a broadcast address, or a local firewall rule forbids it`;
      return listenDenied(ctx, name, platform);
    case "EADDRNOTAVAIL":
      if (ctx.operation === "connect")
        return `cannot connect to ${at}: no local address or port is available for it (the local ports may be used up: see ${localPortsCommand(platform)})`;
      return `this machine has no address ${ctx.host}${setBy(ctx, name, "host")}: listen on 0.0.0.0 (every interface), 127.0.0.1, or one of this machine's own addresses`;
    case "EMFILE":
      if (platform === "win32")
        return "too many sockets are open: Windows refused another one, so new clients are dropped until connections close";
      return `out of file descriptors: this process may have ${ctx.limit ?? "no more"} files open at once (its "Max open files" limit) and all are in use, so new clients are dropped until connections close; raise the limit with ulimit -n 65536 before starting${
        platform === "darwin"
          ? " (sysctl kern.maxfilesperproc is the most it may be)"
          : ", or LimitNOFILE=65536 in a systemd unit"
      }`;
    case "ENFILE":
      if (platform === "win32")
        return "the whole system is out of handles, so new clients are dropped until some are freed; close other programs";
      return platform === "darwin"
        ? "the whole system is out of file descriptors (kern.maxfiles), so new clients are dropped until some are freed; raise kern.maxfiles with sysctl, or close other programs' files"
        : "the whole system is out of file descriptors (fs.file-max), so new clients are dropped until some are freed; raise fs.file-max with sysctl, or close other programs' files";
    case "ERR_PEER_CLOSED":
      return `${at} closed the connection after sending back ${ctx.received ?? 0} of ${ctx.expected ?? "?"} bytes${plainAdvice(ctx, name)}`;
    case "ERR_ECHO_MISMATCH":
      return `the echo from ${at} differs from what was sent, first at byte ${ctx.offset}${plainAdvice(ctx, name)}`;
    case "ERR_SOCKET":
      return `socket error with ${at}: ${why(ctx, name) ?? "unknown"}`;
    case "ERR_PROXY":
      return `PROXY protocol from ${at}: ${
        ctx.option === undefined
          ? (why(ctx, name) ?? "bad header")
          : `a PROXY header from a peer outside ${name(ctx.option)}`
      }; connection closed`;
    case "ERR_TLS":
      if (ctx.operation === "tls handshake") return `TLS with ${at} failed: ${handshakeFailed(ctx, name)}`;
      return `TLS with ${at} failed: ${why(ctx, name) ?? "unknown"} (is the client speaking TLS, and does it trust this certificate?)`;
    case "ERR_TLS_VERIFY":
      return `the TLS certificate of ${at} is not trusted: ${certificateAdvice(ctx, name)}`;
  }
}

/** ` for --metrics`: the option a bad host or port was given to, when known. */
/**
 * ` (--metrics)`: the option that set a listen error's address or port. The
 * server's own port (`port`) goes unsaid for a port, and is its `host` for an address.
 */
export function setBy(ctx: EchoErrorContext, name: OptionNamer, part: "host" | "port"): string {
  if (ctx.option === undefined) return "";
  const own = ctx.option === "port" || name(ctx.option) === name("port");
  if (!own) return ` (${name(ctx.option)})`;
  return part === "host" ? ` (${name("host")})` : "";
}

/** A listen error's sentence for a port already taken; `which` says which port (`port 9000`). */
export function portInUse(
  which: string,
  ctx: EchoErrorContext,
  udp: boolean,
  platform: TextPlatform = textPlatform(),
): string {
  const see = portHolderCommand(ctx.port, udp, platform);
  return `${which} on ${ctx.host} is already in use by another program; see which with: ${see}${
    platform === "win32" ? ` (the last column is its process id; ${pidCommand} names it)` : ""
  }`;
}

/** Which kind of refusal a listen's EACCES is, on `platform`: a port below 1024, a reserved one (Windows), or other. */
export function listenDeniedKind(
  port: number | undefined,
  platform: TextPlatform,
): "privileged" | "reserved" | "other" {
  if (platform === "win32") return "reserved";
  return port !== undefined && port > 0 && port < 1024 ? "privileged" : "other";
}

/**
 * EACCES on listen, in English. Linux: below 1024 needs root or
 * CAP_NET_BIND_SERVICE. macOS 10.14 and later: below 1024 needs no root on
 * the wildcard address (0.0.0.0, ::), but does on a specific address (127.0.0.1).
 * Windows: no port needs privilege, so the port is in a range Windows
 * reserves (Hyper-V, WSL2, Docker) or another socket holds it exclusively.
 */
function listenDenied(ctx: EchoErrorContext, name: OptionNamer, platform: TextPlatform): string {
  const by = setBy(ctx, name, "port");
  const eg = by === "" ? `, e.g. ${name("port")} 9000` : "";
  switch (listenDeniedKind(ctx.port, platform)) {
    case "reserved":
      return `permission denied for port ${ctx.port}${by} on ${ctx.host}: Windows needs no privilege for any port, so the port is reserved (an excluded port range, e.g. of Hyper-V, WSL2 or Docker: see ${excludedPortsCommand}) or another program holds it exclusively (see ${portHolderCommand(ctx.port, false, platform)}); use a port outside those ranges${eg}`;
    case "privileged":
      return platform === "darwin"
        ? `no permission to listen on port ${ctx.port}${by}: below 1024, macOS 10.14 and later let any user listen on the wildcard address (0.0.0.0 or ::) but listening on a specific address such as 127.0.0.1 needs root (on older macOS, every address does); listen on 0.0.0.0, run with sudo, or use 1024 or above${eg}`
        : `no permission to listen on port ${ctx.port}${by}: ports below 1024 are well-known ports and need root (or CAP_NET_BIND_SERVICE); use 1024 or above${eg}`;
    case "other":
      return `permission denied for ${errorPlace(ctx)}${by}`;
  }
}
