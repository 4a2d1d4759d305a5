/**
 * Whether a server speaks TLS. A TLS server (Node's, `openssl s_server`)
 * answers a plain client's bytes by closing the connection without a word,
 * which reads like any server that hangs up; a handshake tried on a fresh
 * connection tells the two apart, so that a client can say "try --tls".
 *
 * @module
 */

import { isIP } from "node:net";
import { connect as tlsConnect } from "node:tls";

/** How long {@link speaksTls} waits for an answer unless told otherwise, in ms. */
export const SPEAKS_TLS_TIMEOUT = 2000;

/**
 * The wait for a check made after a command's own attempt: the command's
 * `timeout`, but no longer than {@link SPEAKS_TLS_TIMEOUT}, which is also
 * the wait when the command has none (0 or undefined).
 *
 * @example
 * ```ts
 * import { speaksTlsTimeout } from "./speaks-tls.js";
 * speaksTlsTimeout(500); // 500
 * speaksTlsTimeout(0); // 2000
 * ```
 */
export function speaksTlsTimeout(timeout: number | undefined): number {
  return timeout ? Math.min(timeout, SPEAKS_TLS_TIMEOUT) : SPEAKS_TLS_TIMEOUT;
}

/**
 * Tries a TLS handshake with `host:port` on a fresh connection, checking
 * nothing (no certificate, no name), and resolves true if the server answered
 * in TLS: the handshake completed, or the server sent a TLS alert. False when
 * it closed, answered something else (an echo server sends our hello back),
 * or said nothing within `timeout` ms, or `signal` aborted. Never rejects;
 * the connection is closed at once either way, without sending any data.
 *
 * @example
 * ```ts
 * import { createEchoServer } from "tcpecho";
 * import { speaksTls } from "./speaks-tls.js";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const { port } = await server.listen();
 * await speaksTls("127.0.0.1", port); // false
 * await server.close();
 * ```
 */
export function speaksTls(
  host: string,
  port: number,
  timeout = SPEAKS_TLS_TIMEOUT,
  signal?: AbortSignal,
): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const socket = tlsConnect({
      host,
      port,
      rejectUnauthorized: false,
      ...(isIP(host) === 0 ? { servername: host } : {}),
    });
    const onAbort = () => done(false);
    const done = (yes: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(yes);
    };
    const timer = setTimeout(() => done(false), timeout);
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.once("secureConnect", () => done(true));
    // An alert from the server (`ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION`, …) is TLS too.
    socket.on("error", (err: NodeJS.ErrnoException) => done(/_ALERT_/.test(err.code ?? "")));
    socket.once("close", () => done(false));
  });
}
