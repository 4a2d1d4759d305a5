/**
 * `--proxy-protocol`: the PROXY header a load balancer puts before the
 * client's bytes, as a {@link Preamble} the data paths run before the echo.
 * From a trusted peer the header is required and its source address becomes
 * the connection's client (for logs, limits and access rules). From an
 * untrusted peer no header is expected, and one is refused: anyone could
 * claim any address with it. {@link ProxyGate} is the policy the server
 * runs: which peers must send a header, how long they may take, and which
 * connections are still sending one. (The header's format is in
 * proxy-protocol.ts.)
 *
 * @module
 */

import { EchoError, type ProxyReason } from "../net/echo-error.js";
import type { AccessRules } from "./access-rules.js";
import type { Connection } from "./connection.js";
import type { Preamble, PreambleResult } from "./data-path.js";
import { ProxyHeaderParser, type ProxyVersion } from "./proxy-protocol.js";

/**
 * The PROXY protocol policy of one server: hands each new connection its
 * {@link Preamble}, closes the peers that do not finish their header in
 * time, and keeps the connections still sending one (pending: not served
 * yet; a graceful shutdown waits for them, a forced one closes them).
 *
 * @example
 * ```ts
 * import { ProxyGate } from "./proxy-preamble.js";
 * // What EchoServer does with proxyProtocol "v1" and no proxyTrusted:
 * const gate = new ProxyGate("v1", null, 10_000, (conn, error) => console.log(conn.id, error.message));
 * // const preamble = gate.open(conn); … gate.settle(conn) once it is served or closed
 * console.log(gate.pending); // 0
 * ```
 */
export class ProxyGate {
  readonly #version: ProxyVersion;
  readonly #trusted: AccessRules | null;
  readonly #timeout: number;
  readonly #rejected: (conn: Connection, error: EchoError) => void;
  readonly #pending = new Set<Connection>();

  /**
   * `trusted`: the peers that may send headers (null: every peer must);
   * `timeout`: ms a peer has for its whole header; `rejected`: told once
   * for each connection whose header failed, was refused or came too late.
   */
  constructor(
    version: ProxyVersion,
    trusted: AccessRules | null,
    timeout: number,
    rejected: (conn: Connection, error: EchoError) => void,
  ) {
    this.#version = version;
    this.#trusted = trusted;
    this.#timeout = timeout;
    this.#rejected = rejected;
  }

  /** Connections still sending their header. */
  get pending(): number {
    return this.#pending.size;
  }

  /** The preamble of a new connection; it is pending until {@link settle} or {@link fail}. */
  open(conn: Connection): Preamble {
    this.#pending.add(conn);
    // A peer that never finishes its header must not hold a descriptor for long.
    const timer = setTimeout(() => {
      if (!this.#pending.has(conn)) return;
      this.fail(conn, proxyError(conn, { kind: "proxy-timeout", ms: this.#timeout }));
      conn.destroy();
    }, this.#timeout);
    timer.unref();
    return proxyPreamble(conn, this.#version, this.#trusted);
  }

  /** The header failed (the path closes the connection): reported once, if it was pending. */
  fail(conn: Connection, error: EchoError): void {
    if (this.#pending.delete(conn)) this.#rejected(conn, error);
  }

  /** The connection is pending no more: served, refused or closed. */
  settle(conn: Connection): void {
    this.#pending.delete(conn);
  }

  /**
   * Forced shutdown (the drain deadline, `destroy()`): nobody is served who
   * had not finished their header. (A graceful one leaves them the rest of
   * their timeout.)
   */
  destroyAll(): void {
    for (const c of this.#pending) c.destroy();
  }
}

const MORE: PreambleResult = { state: "more" };
const NOTHING = Buffer.alloc(0);

function proxyError(conn: Connection, reason: ProxyReason): EchoError {
  return new EchoError("ERR_PROXY", { host: conn.remoteAddress, port: conn.remotePort, reason });
}

/**
 * The preamble for one connection under `--proxy-protocol VERSION`, with
 * `trusted` the peers that may send headers (null: every peer must).
 *
 * @example
 * ```ts
 * // not run: needs a Connection, which EchoServer makes for each accepted socket
 * import type { Connection } from "./connection.js";
 * import { proxyPreamble } from "./proxy-preamble.js";
 * declare const conn: Connection; // with proxyProtocol "v1", every peer trusted:
 * const preamble = proxyPreamble(conn, "v1", null);
 * preamble.push(Buffer.from("PROXY TCP4 203.0.113.7 10.0.0.1 51234 9000\r\nhello"));
 * // → { state: "done", rest: <"hello"> }, and conn.remoteAddress is now 203.0.113.7
 * ```
 */
export function proxyPreamble(
  conn: Connection,
  version: ProxyVersion,
  trusted: AccessRules | null,
): Preamble {
  return trusted === null || trusted.permits(conn.remoteAddress)
    ? new TrustedPeer(conn, version)
    : new UntrustedPeer(conn);
}

/** A load balancer: its header is required. */
class TrustedPeer implements Preamble {
  readonly #conn: Connection;
  readonly #parser: ProxyHeaderParser;
  #seen = 0;

  constructor(conn: Connection, version: ProxyVersion) {
    this.#conn = conn;
    this.#parser = new ProxyHeaderParser(version);
  }

  push(chunk: Buffer): PreambleResult {
    this.#seen += chunk.length;
    const r = this.#parser.push(chunk);
    if (r.state === "more") return MORE;
    if (r.state === "error") {
      const reason: ProxyReason = r.code === "ERR_PROXY_NOT_PROXY" ? { kind: "proxy-required" } : r.reason;
      return { state: "failed", error: proxyError(this.#conn, reason) };
    }
    const h = r.header;
    if (h.command === "proxy") {
      if (h.transport !== "tcp4" && h.transport !== "tcp6") {
        return {
          state: "failed",
          error: proxyError(this.#conn, { kind: "proxy-transport", transport: h.transport }),
        };
      }
      if (h.sourceAddress === undefined || h.sourcePort === undefined) {
        return { state: "failed", error: proxyError(this.#conn, { kind: "proxy-no-source" }) };
      }
      this.#conn.setClient(h.sourceAddress, h.sourcePort);
    }
    // LOCAL (or v1 UNKNOWN): the load balancer's own connection, a health check: serve it as it is.
    return { state: "done", rest: r.rest };
  }

  endedEarly(): EchoError | null {
    // A health check connects and leaves without a byte: that is no error.
    return this.#seen === 0 ? null : proxyError(this.#conn, { kind: "proxy-closed" });
  }
}

/** A direct client: no header expected, and one that looks like a header is refused. */
class UntrustedPeer implements Preamble {
  readonly #conn: Connection;
  readonly #parser = new ProxyHeaderParser("any");
  // The first bytes, kept until they prove not to be a PROXY signature (at most 12).
  #held: Buffer = NOTHING;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  push(chunk: Buffer): PreambleResult {
    const r = this.#parser.push(chunk);
    if (r.state === "error" && r.code === "ERR_PROXY_NOT_PROXY") {
      return {
        state: "done",
        rest: this.#held.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#held, chunk]),
      };
    }
    if (r.state === "more") {
      this.#held = Buffer.concat([this.#held, chunk]);
      return MORE;
    }
    return {
      state: "failed",
      // Named by its option, which the CLI spells as its flag.
      error: new EchoError("ERR_PROXY", {
        host: this.#conn.remoteAddress,
        port: this.#conn.remotePort,
        option: "proxyTrusted",
      }),
    };
  }

  endedEarly(): EchoError | null {
    return null;
  }
}
