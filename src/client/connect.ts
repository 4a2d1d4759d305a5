/**
 * The client side of the notes: one socket, connect() to the server's address
 * and port, send(), then read back as many bytes as were sent.
 *
 * @module
 */

import type { Socket } from "node:net";
import { DEFAULT_PORT, parseHost, parsePort } from "../net/address.js";
import { clientTls, type ClientTls } from "../net/client-tls.js";
import { dial } from "../net/connector.js";
import { DEFAULT_HOST } from "../net/defaults.js";
import { EchoError, toEchoError } from "../net/echo-error.js";
import { checkKeepAlive } from "../net/options.js";
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
export async function connect(options: ConnectOptions = {}): Promise<EchoClient> {
  const host = parseHost(options.host ?? DEFAULT_HOST);
  const port = parsePort(options.port ?? DEFAULT_PORT, 1);
  const keepAlive = checkKeepAlive(options.keepAlive);
  const { socket } = await dial({
    host,
    port,
    keepAlive,
    tls: clientTls(options.tls),
    timeout: options.timeout,
    localAddress: options.localAddress,
    signal: options.signal,
    onSocket: options.onSocket,
  });
  return new EchoClient(socket, host, port, options.timeout);
}
