/**
 * The client side of the notes: one socket, connect() to the server's address
 * and port, send(), then read back as many bytes as were sent.
 *
 * @module
 */

import { connect as netConnect, type Socket } from "node:net";
import { DEFAULT_PORT, parseHost, parsePort } from "../net/address.js";
import { EchoError, toEchoError } from "../net/echo-error.js";
import { readExactly } from "./read-exactly.js";

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
}

/**
 * A connection to an echo server. Get one from {@link connect}.
 *
 * @example
 * ```ts
 * import { connect } from "tcpecho";
 * const client = await connect({ host: "127.0.0.1", port: 9000 });
 * const reply = await client.echo("hello"); // Buffer with exactly 5 bytes
 * await client.close();
 * ```
 */
export class EchoClient {
  /** The underlying socket, in paused mode; use it directly for streaming. */
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

  /**
   * Closes politely: sends FIN (half-close), waits for the server to close
   * its side, then releases the socket. Anything still arriving is dropped.
   * Gives up waiting after `timeout` ms (default 2000).
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
 * Connects to an echo server. Rejects with an {@link EchoError} whose code says
 * what went wrong: ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH,
 * ENOTFOUND, …
 *
 * @example
 * ```ts
 * import { connect } from "tcpecho";
 * const client = await connect({ host: "127.0.0.1", port: 9000, timeout: 3000 });
 * console.log((await client.echo("hi")).toString()); // "hi"
 * await client.close();
 * ```
 */
export function connect(options: ConnectOptions = {}): Promise<EchoClient> {
  let host: string;
  let port: number;
  try {
    host = parseHost(options.host ?? "127.0.0.1");
    port = parsePort(options.port ?? DEFAULT_PORT, 1);
  } catch (err) {
    return Promise.reject(err);
  }
  const timeout = options.timeout;
  const where = { host, port, operation: "connect" };
  return new Promise((resolve, reject) => {
    const socket = netConnect({
      host,
      port,
      noDelay: true,
      allowHalfOpen: true,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    socket.pause();
    let timer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      socket.off("error", onError);
      options.signal?.removeEventListener("abort", onAbort);
    };
    const onError = (err: Error) => {
      cleanup();
      socket.destroy();
      reject(toEchoError(err, where));
    };
    const onAbort = () => onError(options.signal?.reason ?? new Error("aborted"));
    socket.once("error", onError);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (timeout !== undefined && timeout > 0) {
      timer = setTimeout(() => {
        cleanup();
        socket.destroy();
        reject(new EchoError("ETIMEDOUT", { ...where, timeoutMs: timeout }));
      }, timeout);
    }
    socket.once("connect", () => {
      cleanup();
      resolve(new EchoClient(socket, host, port, timeout));
    });
  });
}
