/**
 * `--proxy-protocol`: the PROXY header a load balancer puts before the
 * client's bytes, as a {@link Preamble} the data paths run before the echo.
 * From a trusted peer the header is required and its source address becomes
 * the connection's client (for logs, limits and access rules). From an
 * untrusted peer no header is expected, and one is refused: anyone could
 * claim any address with it.
 *
 * @module
 */

import { EchoError } from "../net/echo-error.js";
import type { AccessRules } from "./access-rules.js";
import type { Connection } from "./connection.js";
import type { Preamble, PreambleResult } from "./echo-path.js";
import { ProxyHeaderParser, type ProxyVersion } from "./proxy-protocol.js";

const MORE: PreambleResult = { state: "more" };
const NOTHING = Buffer.alloc(0);

function proxyError(conn: Connection, detail: string): EchoError {
  return new EchoError("ERR_PROXY", { host: conn.remoteAddress, port: conn.remotePort, detail });
}

/**
 * The preamble for one connection under `--proxy-protocol VERSION`, with
 * `trusted` the peers that may send headers (null: every peer must).
 *
 * @example
 * ```ts
 * import { proxyPreamble } from "./proxy-preamble.js";
 * // What EchoServer does for each connection with proxyProtocol "v1":
 * // const preamble = proxyPreamble(conn, "v1", null);
 * // preamble.push(Buffer.from("PROXY TCP4 203.0.113.7 10.0.0.1 51234 9000\r\nhello"));
 * // → { state: "done", rest: <"hello"> }, and conn.remoteAddress is now 203.0.113.7
 * console.log(typeof proxyPreamble);
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
      const detail = r.code === "ERR_PROXY_NOT_PROXY" ? "no PROXY header where one is required" : r.detail;
      return { state: "failed", error: proxyError(this.#conn, detail) };
    }
    const h = r.header;
    if (h.command === "proxy") {
      if (h.transport !== "tcp4" && h.transport !== "tcp6") {
        return {
          state: "failed",
          error: proxyError(this.#conn, `a ${h.transport} client cannot be echoed over TCP`),
        };
      }
      if (h.sourceAddress === undefined || h.sourcePort === undefined) {
        return { state: "failed", error: proxyError(this.#conn, "the header carries no source address") };
      }
      this.#conn.setClient(h.sourceAddress, h.sourcePort);
    }
    // LOCAL (or v1 UNKNOWN): the load balancer's own connection, a health check: serve it as it is.
    return { state: "done", rest: r.rest };
  }

  endedEarly(): EchoError | null {
    // A health check connects and leaves without a byte: that is no error.
    return this.#seen === 0 ? null : proxyError(this.#conn, "the peer closed in the middle of the header");
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
