/**
 * The client side of the notes: one socket, connect() to the server's address
 * and port, send(), then read back as many bytes as were sent.
 *
 * @module
 */

import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { DEFAULT_PORT, parseHost, parsePort } from "../net/address.js";
import { clientTls, tlsClientError, tlsConnectOptions, type ClientTls } from "../net/client-tls.js";
import { EchoError, toEchoError } from "../net/echo-error.js";
import { checkNumber, MAX_KEEPALIVE_MS } from "../net/options.js";
import { readExactly } from "./read-exactly.js";

/** TCP keepalive's default on client connections, in ms: a silent connection is probed after a minute. */
export const DEFAULT_CLIENT_KEEPALIVE_MS = 60_000;

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Server address or name. Default `127.0.0.1`. */
  host?: string;
  /** Server port. Default 9000. */
  port?: number;
  /** Milliseconds for the connection to be made, and for each echo to come back. None by default. */
  timeout?: number;
  /** Local address to connect from. */
  localAddress?: string;
  signal?: AbortSignal;
  /**
   * Speak TLS: `true` trusts the system's CAs and checks the host name;
   * an object names the CA to trust, the name to check, or turns checks off.
   * The timeout covers the TCP and the TLS handshake together.
   */
  tls?: ClientTls;
  /**
   * TCP keepalive: probe the connection after this many ms of silence, so a
   * server that vanished (no FIN, no RST) is noticed. 0 turns it off. Default 60000;
   * at most 32767000 (Linux takes no longer keepalive idle time).
   */
  keepAlive?: number;
  /**
   * Called with the TCP socket as soon as it is made, before it connects
   * (and before any TLS): to watch its steps, as `--trace` does.
   */
  onSocket?: (socket: Socket) => void;
}

/**
 * A connection to an echo server. Get one from {@link connect}.
 *
 * @example
 * ```ts
 * import { connect, createEchoServer } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const client = await connect({ host: "127.0.0.1", port: (await server.listen()).port });
 * (await client.echo("hello")).length; // 5
 * client.encrypted; // false: plain TCP
 * await client.close();
 * await server.close();
 * ```
 */
export class EchoClient {
  /**
   * The underlying socket, in paused mode; use it directly for streaming.
   * With `tls` it is a `TLSSocket`: read and write it the same way.
   */
  readonly socket: Socket;
  readonly host: string;
  readonly port: number;
  readonly #timeout: number | undefined;
  #closing: Promise<void> | undefined;
  #error: EchoError | undefined;

  constructor(socket: Socket, host: string, port: number, timeout: number | undefined) {
    this.socket = socket;
    this.host = host;
    this.port = port;
    this.#timeout = timeout;
    // Between echoes nobody else listens; an unheard 'error' would end the process.
    socket.on("error", (err) => {
      this.#error ??= toEchoError(err, { host, port });
    });
  }

  /** The error that broke the connection, if one did. */
  get error(): EchoError | undefined {
    return this.#error;
  }

  /** The address the connection came to (the server's IP, resolved). */
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  /** Our side's address and port, as the server sees them. */
  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  /**
   * Sends `data` and resolves with exactly as many bytes read back. Does not
   * compare them; the caller decides what a differing echo means.
   */
  async echo(
    data: Uint8Array | string,
    options: { timeout?: number; signal?: AbortSignal } = {},
  ): Promise<Buffer> {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    if (this.#error !== undefined) throw this.#error;
    const reading = readExactly(this.socket, bytes.length, {
      timeout: options.timeout ?? this.#timeout,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    this.socket.write(bytes);
    return reading;
  }

  /** True when the connection speaks TLS. */
  get encrypted(): boolean {
    return (this.socket as Socket & { encrypted?: boolean }).encrypted === true;
  }

  /**
   * Closes politely: sends FIN (half-close; over TLS a close_notify first),
   * waits for the server to close its side, then releases the socket.
   * Anything still arriving is dropped. Gives up waiting after `timeout` ms
   * (default 2000).
   */
  close(timeout = 2000): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const socket = this.socket;
    this.#closing = new Promise((resolve) => {
      if (socket.destroyed) return resolve();
      const timer = setTimeout(() => socket.destroy(), timeout);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.resume(); // drain whatever the server still sends, so its FIN is seen
      socket.end();
    });
    return this.#closing;
  }

  /** Closes at once, without waiting for the server. */
  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Connects to an echo server, over TLS when `tls` is given. Rejects with an
 * {@link EchoError} whose code says what went wrong: ECONNREFUSED, ETIMEDOUT,
 * EHOSTUNREACH, ENETUNREACH, ENOTFOUND, …; with TLS also ERR_TLS_VERIFY (the
 * server's certificate failed a check: `context.tlsCheck` says which) or
 * ERR_TLS (any other handshake failure, such as a server that does not speak
 * TLS).
 *
 * @example
 * ```ts
 * import { connect, createEchoServer } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const { port } = await server.listen();
 * const client = await connect({ host: "127.0.0.1", port, timeout: 3000 });
 * console.log((await client.echo("hi")).toString()); // "hi"
 * await client.close();
 * await server.close();
 * ```
 *
 * @example
 * ```ts
 * // not run: needs `tcpecho serve --tls-cert cert.pem --tls-key key.pem` on localhost:9000
 * import { readFileSync } from "node:fs";
 * import { connect } from "tcpecho";
 * const client = await connect({ host: "localhost", port: 9000, tls: { ca: readFileSync("cert.pem") } });
 * await client.echo("over TLS");
 * await client.close();
 * ```
 */
export function connect(options: ConnectOptions = {}): Promise<EchoClient> {
  let host: string;
  let port: number;
  let keepAlive: number;
  try {
    host = parseHost(options.host ?? "127.0.0.1");
    port = parsePort(options.port ?? DEFAULT_PORT, 1);
    keepAlive = checkKeepAlive(options.keepAlive);
  } catch (err) {
    return Promise.reject(err);
  }
  const tls = clientTls(options.tls);
  const timeout = options.timeout;
  const where = { host, port, operation: "connect" };
  return new Promise((resolve, reject) => {
    let socket: Socket = openSocket(host, port, keepAlive, options.localAddress);
    socket.pause();
    options.onSocket?.(socket);
    let timer: NodeJS.Timeout | undefined;
    let handshaking = false;
    const cleanup = () => {
      clearTimeout(timer);
      socket.off("error", onError);
      socket.off("close", onClose);
      options.signal?.removeEventListener("abort", onAbort);
    };
    const onError = (err: Error) => {
      cleanup();
      socket.destroy();
      reject(
        handshaking
          ? handshakeError(err, host, port, tls?.servername, tls?.ca !== undefined)
          : toEchoError(err, where),
      );
    };
    // A server that closes during the handshake: Node may say only 'close'.
    const onClose = () => onError(new EchoError("ERR_TLS", { ...where, ...TLS_CLOSED }));
    const onAbort = () => onError(options.signal?.reason ?? new Error("aborted"));
    socket.once("error", onError);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (timeout !== undefined && timeout > 0) {
      timer = setTimeout(() => {
        cleanup();
        socket.destroy();
        const operation = handshaking ? "tls handshake" : "connect";
        reject(new EchoError("ETIMEDOUT", { ...where, operation, timeoutMs: timeout }));
      }, timeout);
    }
    socket.once("connect", () => {
      if (tls === null) {
        cleanup();
        resolve(new EchoClient(socket, host, port, timeout));
        return;
      }
      // From here the TLS socket reports the TCP socket's errors too.
      socket.off("error", onError);
      socket.on("error", () => {});
      handshaking = true;
      socket = tlsConnect({ ...tlsConnectOptions(host, port, tls), socket });
      socket.pause();
      socket.once("error", onError);
      socket.once("close", onClose);
      socket.once("secureConnect", () => {
        cleanup();
        resolve(new EchoClient(socket, host, port, timeout));
      });
    });
  });
}

/** A TLS handshake that ends with the server closing the connection, in {@link EchoError} context. */
export const TLS_CLOSED = { operation: "tls handshake", detail: "closed during the handshake" } as const;

/**
 * What a failed TLS handshake was: ERR_TLS_VERIFY, ERR_TLS, or (for a reset
 * or a close before the server said anything in TLS) ERR_TLS saying that the
 * server closed the connection during the handshake. `caGiven`: the client
 * trusts a CA of its own (`tls.ca`).
 */
export function handshakeError(
  err: unknown,
  host: string,
  port: number,
  servername?: string,
  caGiven = false,
): EchoError {
  const where = { host, port, operation: "tls handshake" };
  const tlsError = tlsClientError(err, where, servername, caGiven);
  if (tlsError !== undefined) return tlsError;
  const code = (err as { code?: unknown } | null)?.code;
  // Node words a close or reset before the handshake ended as ECONNRESET ("socket disconnected before secure TLS connection").
  if (code === "ECONNRESET" || code === "EPIPE")
    return new EchoError("ERR_TLS", { ...where, ...TLS_CLOSED }, { cause: err });
  return toEchoError(err, where);
}

/** Checks the keepAlive option (ms, 0 = off); returns the default when not given. */
export function checkKeepAlive(keepAlive: number | undefined): number {
  return checkNumber(keepAlive ?? DEFAULT_CLIENT_KEEPALIVE_MS, "keepAlive", { max: MAX_KEEPALIVE_MS });
}

/**
 * A TCP connection as every client here makes it: no Nagle delay, half-close
 * allowed, keepalive after `keepAlive` ms of silence (0: off).
 */
export function openSocket(host: string, port: number, keepAlive: number, localAddress?: string): Socket {
  const socket = netConnect({
    host,
    port,
    noDelay: true,
    allowHalfOpen: true,
    ...(localAddress ? { localAddress } : {}),
  });
  if (keepAlive > 0) socket.setKeepAlive(true, keepAlive);
  return socket;
}
