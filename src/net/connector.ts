/**
 * The one way tcpecho's clients open a connection: `connect`, `ping` and the
 * load generator all dial through {@link dial}, so Nagle's delay, half-close,
 * keepalive, the handshake timeout, SNI and the wording of a failed TLS
 * handshake are decided here once.
 *
 * Aborting through `signal` rejects with the signal's reason wrapped as the
 * failure of the handshake under way (callers that stop on purpose check
 * `signal.aborted` rather than the error).
 *
 * @module
 */

import { connect as netConnect, type OnReadOpts, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { connect as tlsConnect } from "node:tls";
import { tlsClientError, tlsConnectOptions, type ClientTlsOptions } from "./client-tls.js";
import { EchoError, toEchoError } from "./echo-error.js";
import { keepAliveSeconds } from "./options.js";

/** What {@link dial} needs: everything already checked by the caller. */
export interface DialOptions {
  host: string;
  port: number;
  /** Local address to connect from. */
  localAddress?: string | undefined;
  /** TCP keepalive's idle time in ms before the first probe; 0 turns it off. */
  keepAlive: number;
  /** TLS over the TCP connection, or null for plain TCP. */
  tls: ClientTlsOptions | null;
  /** Ms for the TCP and TLS handshakes together; 0 or undefined: none (the kernel's retries decide). */
  timeout?: number | undefined;
  /** Gives up the attempt: the socket is destroyed and the promise rejects. */
  signal?: AbortSignal | undefined;
  /** Called with the TCP socket as soon as it exists, before it connects (to watch its steps). */
  onSocket?: ((socket: Socket) => void) | undefined;
  /**
   * Plain TCP only: read into this buffer through `callback` (Node's
   * `onread`), no allocation per read. Without it the socket is returned
   * paused, so no byte arrives before its reader does.
   */
  onread?: OnReadOpts | undefined;
}

/** A connection {@link dial} made, and how long its handshakes took. */
export interface Dialed {
  /** The connection: a `TLSSocket` with TLS. Paused unless `onread` was given. */
  socket: Socket;
  /** Ms from the call to TCP's 'connect'. */
  tcpMs: number;
  /** Ms of the TLS handshake after TCP connected; undefined for plain TCP. */
  tlsMs: number | undefined;
}

/** A TLS handshake that ends with the server closing the connection, in {@link EchoError} context. */
export const TLS_CLOSED = { operation: "tls handshake", reason: { kind: "tls-closed" } } as const;

/**
 * Opens a TCP connection, and TLS over it when asked, as every client here
 * makes one: no Nagle delay, half-close allowed, keepalive after `keepAlive`
 * ms of silence. Rejects with an {@link EchoError}: the system's code for a
 * failed connect, `ETIMEDOUT` naming the handshake the timeout stopped,
 * `ERR_TLS`/`ERR_TLS_VERIFY` for a failed TLS handshake.
 *
 * @example
 * ```ts
 * import { createServer } from "node:net";
 * import { dial } from "./connector.js";
 * const server = createServer((s) => s.pipe(s)).listen(0, "127.0.0.1");
 * await new Promise((r) => server.once("listening", r));
 * const port = (server.address() as { port: number }).port;
 * const { socket, tlsMs } = await dial({ host: "127.0.0.1", port, keepAlive: 0, tls: null });
 * tlsMs; // undefined: plain TCP
 * socket.destroy();
 * server.close();
 * ```
 */
export function dial(o: DialOptions): Promise<Dialed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const where = { host: o.host, port: o.port, operation: "connect" };
    let socket = openTcp(o);
    let tcpMs: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off("error", onError);
      socket.off("close", onClose);
      o.signal?.removeEventListener("abort", onAbort);
    };
    const fail = (err: EchoError | unknown): void => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onError = (err: Error): void =>
      fail(tcpMs === undefined ? toEchoError(err, where) : handshakeError(err, o.host, o.port, o.tls));
    // A server that closes during the TLS handshake: Node may say only 'close'.
    const onClose = (): void => fail(new EchoError("ERR_TLS", { ...where, ...TLS_CLOSED }));
    const onAbort = (): void => onError(o.signal?.reason ?? new Error("aborted"));
    const done = (): void => {
      cleanup();
      const tlsMs = o.tls === null ? undefined : performance.now() - started - (tcpMs as number);
      resolve({ socket, tcpMs: tcpMs as number, tlsMs });
    };
    if (o.signal?.aborted) return onAbort();
    socket.once("error", onError);
    o.signal?.addEventListener("abort", onAbort, { once: true });
    if (o.timeout !== undefined && o.timeout > 0) {
      const timeoutMs = o.timeout;
      timer = setTimeout(() => {
        const operation = tcpMs === undefined ? "connect" : "tls handshake";
        fail(new EchoError("ETIMEDOUT", { ...where, operation, timeoutMs }));
      }, timeoutMs);
    }
    socket.once("connect", () => {
      tcpMs = performance.now() - started;
      if (o.tls === null) return done();
      // From here the TLS socket reports the TCP socket's errors too.
      socket.off("error", onError);
      socket.on("error", () => {});
      socket = tlsConnect({ ...tlsConnectOptions(o.host, o.port, o.tls), socket });
      socket.pause();
      socket.once("error", onError);
      socket.once("close", onClose);
      socket.once("secureConnect", done);
    });
  });
}

function openTcp(o: DialOptions): Socket {
  const socket = netConnect({
    host: o.host,
    port: o.port,
    noDelay: true,
    allowHalfOpen: true,
    ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    ...(o.onread && o.tls === null ? { onread: o.onread } : {}),
  });
  if (!o.onread || o.tls !== null) socket.pause();
  // Node floors ms to whole seconds (and 0 would mean the system's two hours): give it whole seconds.
  // Once connected: asked before, libuv arms the kernel's timer at its own 60 s until Node sees the connect.
  const keepAlive = keepAliveSeconds(o.keepAlive) * 1000;
  if (keepAlive > 0) socket.once("connect", () => socket.setKeepAlive(true, keepAlive));
  o.onSocket?.(socket);
  return socket;
}

/**
 * What a failed TLS handshake was: ERR_TLS_VERIFY, ERR_TLS, or (for a reset
 * or a close before the server said anything in TLS) ERR_TLS saying that the
 * server closed the connection during the handshake. With `tls.ca` given, a
 * certificate no trusted CA signed is said to be not signed by that CA.
 *
 * @example
 * ```ts
 * import { handshakeError } from "./connector.js";
 * const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
 * handshakeError(reset, "127.0.0.1", 9000, {}).code; // "ERR_TLS"
 * ```
 */
export function handshakeError(
  err: unknown,
  host: string,
  port: number,
  tls: ClientTlsOptions | null,
): EchoError {
  const where = { host, port, operation: "tls handshake" };
  const tlsError = tlsClientError(err, where, tls?.servername, tls?.ca !== undefined);
  if (tlsError !== undefined) return tlsError;
  const code = (err as { code?: unknown } | null)?.code;
  // Node words a close or reset before the handshake ended as ECONNRESET ("socket disconnected before secure TLS connection").
  if (code === "ECONNRESET" || code === "EPIPE")
    return new EchoError("ERR_TLS", { ...where, ...TLS_CLOSED }, { cause: err });
  return toEchoError(err, where);
}
