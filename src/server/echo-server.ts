/**
 * The echo server (RFC 862): the notes' listening socket (대기 소켓) bound to
 * an address and port, accepting many clients at once and handing each to the
 * data path. Owns the connections' lifecycle, the statistics and the graceful
 * shutdown; never prints.
 *
 * @module
 */

import { EventEmitter } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { performance } from "node:perf_hooks";
import { parseHost, parsePort, DEFAULT_PORT } from "../net/address.js";
import { effectiveBacklog } from "../net/backlog.js";
import { plainAddress } from "../net/endpoint.js";
import { EchoError, toEchoError } from "../net/echo-error.js";
import { AccessRules } from "./access-rules.js";
import type { Connection, ConnectionInfo, DisconnectInfo } from "./connection.js";
import { ConnectionLimits, type RefusalReason } from "./connection-limits.js";
import { IdleSweeper } from "./idle-sweeper.js";
import { proxyPreamble } from "./proxy-preamble.js";
import type { ProxyVersion } from "./proxy-protocol.js";
import { attachEchoPath, type DataPathName, type DataTap, type PathOwner } from "./echo-path.js";

/** Options of {@link createEchoServer}. */
export interface EchoServerOptions {
  /** Address to bind: `0.0.0.0` (every IPv4 interface, the default), `::` (dual stack), `127.0.0.1`, … */
  host?: string;
  /** Port to bind, 0 for any free one. Default 9000. */
  port?: number;
  /** Accept-queue length asked of listen(); the kernel caps it at its SOMAXCONN. Default 511. */
  backlog?: number;
  /** With host `::`, refuse IPv4 clients. Default false (dual stack). */
  ipv6Only?: boolean;
  /** How long {@link EchoServer.close} lets open connections finish, in ms. Default 10000. */
  drainTimeout?: number;
  /** Serve at most this many clients at once; more are refused. Default 0: no limit. */
  maxConnections?: number;
  /** Serve at most this many clients from one address at once. Default 0: no limit. */
  maxPerIp?: number;
  /** Close a connection whose client has sent nothing for this long, in ms. Default 0: never. */
  idleTimeout?: number;
  /** Serve only clients in these ranges (`10.0.0.0/8`, `::1`). Default: everyone. */
  allow?: readonly string[];
  /** Refuse clients in these ranges; deny wins over allow. */
  deny?: readonly string[];
  /** The first connection's id; later ones count up by one. Default 1 (for keeping several servers' ids apart). */
  firstConnectionId?: number;
  /**
   * Expect a PROXY protocol header (HAProxy's) before each client's bytes:
   * "v1" (text), "v2" (binary) or "any". Its source address becomes the
   * client's, for events, limits and access rules.
   */
  proxyProtocol?: ProxyVersion;
  /**
   * The peers allowed to send PROXY headers (load balancers), as ranges.
   * Default: every peer must. Others are served as direct clients, and a
   * header from one of them closes its connection.
   */
  proxyTrusted?: readonly string[];
  /** How long a peer may take to send its whole PROXY header, in ms. Default 10000. */
  proxyTimeout?: number;
  /** Echo over TLS with this certificate chain and private key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** A client turned away before being served. */
export interface RefusedInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteFamily: "IPv4" | "IPv6";
  readonly reason: RefusalReason;
}

/** Where the server listens. */
export interface EchoServerAddress {
  host: string;
  port: number;
  family: "IPv4" | "IPv6";
  /** The accept queue's length as the kernel applies it (the request, capped at SOMAXCONN). */
  backlog: number;
}

/** Counters since the server started. */
export interface EchoServerStats {
  connectionsOpen: number;
  connectionsTotal: number;
  bytesIn: number;
  bytesOut: number;
  /** Connections the client reset. */
  resets: number;
  /** Connections that ended on another error. */
  errors: number;
  /** Connections still open when the drain deadline passed. */
  cutOff: number;
  /** Connections closed by the idle timeout. */
  idle: number;
  /** Connections closed for a bad, missing or untrusted PROXY header. */
  proxyErrors: number;
  /** Clients refused, by reason. */
  refused: Record<RefusalReason, number>;
  uptimeMs: number;
}

/** The events an {@link EchoServer} emits, with their arguments. */
export interface EchoServerEvents {
  listening: [address: EchoServerAddress];
  connection: [conn: ConnectionInfo];
  /** Received bytes, for logs; the chunk is only valid during the call. */
  data: [conn: ConnectionInfo, chunk: Buffer];
  disconnect: [info: DisconnectInfo];
  /** A client was refused (limits or access rules) and closed without being read. */
  refused: [info: RefusedInfo];
  /** A connection failed other than by a reset; it is closed. */
  connectionError: [conn: ConnectionInfo, error: EchoError];
  /** A PROXY header was missing, malformed, or came from an untrusted peer; that connection is closed. */
  proxyError: [peer: { remoteAddress: string; remotePort: number }, error: EchoError];
  /** A TLS client failed its handshake (or spoke something else); it is closed. */
  handshakeError: [peer: { remoteAddress: string; remotePort: number }, error: EchoError];
  /** accept() failed (e.g. out of file descriptors); the server goes on. */
  acceptError: [error: EchoError];
  /** Shutdown began: no new connections; `open` are still being served. */
  draining: [open: number];
  close: [stats: EchoServerStats];
}

type State = "new" | "listening" | "draining" | "closed";

/**
 * An echo server. Create it with {@link createEchoServer}.
 *
 * @example
 * ```ts
 * import { createEchoServer } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * server.on("connection", (c) => console.log("client", c.remoteAddress, c.remotePort));
 * const { port } = await server.listen();
 * console.log("echoing on", port);
 * const stats = await server.close();
 * console.log(stats.connectionsTotal);
 * ```
 */
export class EchoServer extends EventEmitter<EchoServerEvents> {
  readonly #server: Server;
  readonly #host: string;
  readonly #port: number;
  readonly #backlog: number;
  readonly #ipv6Only: boolean;
  readonly #drainTimeout: number;
  readonly #limits: ConnectionLimits;
  readonly #rules: AccessRules;
  readonly #idleTimeout: number;
  readonly #proxy: { version: ProxyVersion; trusted: AccessRules | null; timeout: number } | null;
  // Connections still sending their PROXY header: not served yet, but closed at shutdown too.
  readonly #pending = new Set<Connection>();
  #proxyErrors = 0;
  #sweeper: IdleSweeper | undefined;
  readonly #conns = new Set<Connection>();
  readonly #tap: DataTap = { fn: null };
  #dataPath: DataPathName | undefined;
  readonly #secure: boolean;
  #state: State = "new";
  #nextId = 1;
  #startedAt = 0;
  #closing: Promise<EchoServerStats> | undefined;
  #finishClose: (() => void) | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #address: EchoServerAddress | undefined;
  // Totals of connections that have closed; open ones are added in stats().
  #closed = { total: 0, bytesIn: 0, bytesOut: 0, resets: 0, errors: 0, cutOff: 0, idle: 0 };
  readonly #refused: Record<RefusalReason, number> = { "max-connections": 0, "max-per-ip": 0, denied: 0 };

  constructor(options: EchoServerOptions = {}) {
    super();
    this.#nextId = nonNegativeInteger(options.firstConnectionId ?? 1, "firstConnectionId");
    this.#host = parseHost(options.host ?? "0.0.0.0");
    this.#port = parsePort(options.port ?? DEFAULT_PORT, 0);
    this.#backlog = positiveInteger(options.backlog ?? 511, "backlog");
    this.#ipv6Only = options.ipv6Only ?? false;
    this.#drainTimeout = nonNegative(options.drainTimeout ?? 10_000, "drainTimeout");
    this.#limits = new ConnectionLimits({
      maxConnections: nonNegativeInteger(options.maxConnections ?? 0, "maxConnections"),
      maxPerIp: nonNegativeInteger(options.maxPerIp ?? 0, "maxPerIp"),
    });
    this.#idleTimeout = nonNegative(options.idleTimeout ?? 0, "idleTimeout");
    this.#rules = new AccessRules(options.allow, options.deny);
    this.#proxy = null;
    if (options.proxyProtocol !== undefined) {
      if (!["v1", "v2", "any"].includes(options.proxyProtocol))
        throw new EchoError("ERR_INVALID_OPTION", {
          value: String(options.proxyProtocol),
          detail: "proxyProtocol",
        });
      const trusted = options.proxyTrusted ?? [];
      this.#proxy = {
        version: options.proxyProtocol,
        trusted: trusted.length === 0 ? null : new AccessRules(trusted.map(String), []),
        timeout: nonNegative(options.proxyTimeout ?? 10_000, "proxyTimeout"),
      };
    } else if (options.proxyTrusted !== undefined && options.proxyTrusted.length > 0) {
      throw new EchoError("ERR_INVALID_OPTION", {
        value: options.proxyTrusted.join(","),
        detail: "--proxy-trusted without --proxy-protocol",
      });
    }
    this.#secure = options.tls !== undefined;
    this.#server =
      options.tls === undefined ? createServer({ allowHalfOpen: true }) : this.#tlsServer(options.tls);
    this.#server.on("error", (err) => {
      if (this.#state !== "new") this.emit("acceptError", toEchoError(err, { operation: "accept" }));
    });
    // Look at data only while someone listens for it: the hot path then pays nothing.
    const plain = this as EventEmitter;
    plain.on("newListener", (event: string | symbol) => {
      if (event === "data" && this.#tap.fn === null)
        this.#tap.fn = (conn, chunk) => this.emit("data", conn, chunk);
    });
    plain.on("removeListener", (event: string | symbol) => {
      if (event === "data" && this.listenerCount("data") === 0) this.#tap.fn = null;
    });
  }

  /** Binds and listens; resolves with the address (the real port when 0 was asked). */
  listen(): Promise<EchoServerAddress> {
    if (this.#state !== "new") return Promise.reject(new Error("listen() may be called once"));
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        this.#state = "closed";
        reject(toEchoError(err, { host: this.#host, port: this.#port, operation: "listen" }));
      };
      this.#server.once("error", onError);
      this.#server.listen(
        { host: this.#host, port: this.#port, backlog: this.#backlog, ipv6Only: this.#ipv6Only },
        () => {
          this.#server.off("error", onError);
          this.#dataPath = attachEchoPath(this.#server, this.#owner(), this.#secure);
          if (this.#idleTimeout > 0) {
            this.#sweeper = new IdleSweeper(
              this.#idleTimeout,
              () => this.#conns,
              (c) => {
                c.endWith("idle");
                c.finish();
                // A client that does not read cannot be flushed to: do not wait for it long.
                setTimeout(() => c.destroy(), 1000).unref();
              },
            );
          }
          this.#state = "listening";
          this.#startedAt = performance.now();
          const a = this.#server.address();
          if (a === null || typeof a === "string") throw new Error("unexpected listening address");
          this.#address = {
            host: a.address,
            port: a.port,
            family: a.family === "IPv6" ? "IPv6" : "IPv4",
            backlog: effectiveBacklog(this.#backlog),
          };
          this.emit("listening", this.#address);
          resolve(this.#address);
        },
      );
    });
  }

  /** Where the server listens. Throws before {@link listen} resolved. */
  address(): EchoServerAddress {
    if (this.#address === undefined) throw new Error("the server is not listening yet");
    return this.#address;
  }

  /**
   * How this server moves bytes: "handles" (the fast path) or "streams"
   * (public net.Socket streams). Undefined before {@link listen} resolved.
   */
  get dataPath(): DataPathName | undefined {
    return this.#dataPath;
  }

  /** True between the start of a graceful close and its end. */
  get draining(): boolean {
    return this.#state === "draining";
  }

  /** Connections open now. */
  get connectionCount(): number {
    return this.#conns.size;
  }

  /** Counters since start, open connections included. */
  stats(): EchoServerStats {
    let bytesIn = this.#closed.bytesIn;
    let bytesOut = this.#closed.bytesOut;
    for (const c of this.#conns) {
      bytesIn += c.bytesIn;
      bytesOut += c.bytesOut;
    }
    return {
      connectionsOpen: this.#conns.size,
      connectionsTotal: this.#closed.total + this.#conns.size,
      bytesIn,
      bytesOut,
      resets: this.#closed.resets,
      errors: this.#closed.errors,
      cutOff: this.#closed.cutOff,
      idle: this.#closed.idle,
      proxyErrors: this.#proxyErrors,
      refused: { ...this.#refused },
      uptimeMs: this.#startedAt === 0 ? 0 : performance.now() - this.#startedAt,
    };
  }

  /**
   * Graceful shutdown: stop accepting, let open connections finish on their
   * own, and at the deadline stop reading from the rest, send back what they
   * had sent, and close them. Resolves with the final statistics.
   */
  close(options: { drainTimeout?: number } = {}): Promise<EchoServerStats> {
    if (this.#closing !== undefined) return this.#closing;
    const deadline = nonNegative(options.drainTimeout ?? this.#drainTimeout, "drainTimeout");
    this.#closing = new Promise((resolve) => {
      const wasListening = this.#state === "listening";
      this.#state = "draining";
      this.emit("draining", this.#conns.size);
      let listenerClosed = !wasListening;
      // Done when the listener is closed and the last 'disconnect' has been emitted
      // (net.Server's own callback comes before our 'close' handlers run).
      this.#finishClose = () => {
        if (!listenerClosed || this.#conns.size > 0 || this.#state === "closed") return;
        clearTimeout(this.#drainTimer);
        this.#sweeper?.stop();
        this.#state = "closed";
        const stats = this.stats();
        this.emit("close", stats);
        resolve(stats);
      };
      // Nobody is served who had not finished their PROXY header.
      for (const c of this.#pending) c.destroy();
      if (wasListening) {
        this.#server.close(() => {
          listenerClosed = true;
          this.#finishClose?.();
        });
      }
      if (this.#conns.size > 0) this.#drainTimer = setTimeout(() => this.#cutOff(), deadline);
      this.#finishClose();
    });
    return this.#closing;
  }

  /** Forced shutdown: closes every connection now. Resolves like {@link close}. */
  destroy(): Promise<EchoServerStats> {
    const closing = this.close();
    for (const c of this.#conns) {
      c.endWith("shutdown");
      c.destroy();
    }
    for (const c of this.#pending) c.destroy();
    return closing;
  }

  #cutOff(): void {
    for (const c of this.#conns) {
      c.endWith("shutdown");
      this.#closed.cutOff++;
      c.finish();
    }
    // A client that does not read cannot be flushed to; do not wait for it forever.
    if (this.#conns.size > 0) this.#drainTimer = setTimeout(() => this.#destroyAll(), 1000);
  }

  #destroyAll(): void {
    for (const c of this.#conns) c.destroy();
    for (const c of this.#pending) c.destroy();
  }

  #tlsServer(tls: { cert: string | Buffer; key: string | Buffer }): Server {
    let server: Server;
    try {
      // A client that opens a connection and never finishes the handshake holds a descriptor: not for long.
      server = createTlsServer({
        cert: tls.cert,
        key: tls.key,
        allowHalfOpen: true,
        handshakeTimeout: 10_000,
      });
    } catch (err) {
      throw new EchoError("ERR_INVALID_OPTION", {
        value: "tls",
        detail: `the TLS certificate and key: ${(err as Error).message}`,
      });
    }
    // Access rules need no handshake: a denied client is refused before it costs one, by
    // running tls.Server's own connection listener only for clients the rules let in.
    // (Limits still count at secureConnection, where the connection is admitted.)
    const handshake = server.listeners("connection");
    if (handshake.length === 1 && typeof handshake[0] === "function") {
      const startHandshake = handshake[0] as (this: Server, socket: Socket) => void;
      server.removeAllListeners("connection");
      server.on("connection", (socket: Socket) => {
        const remoteAddress = plainAddress(socket.remoteAddress ?? "");
        if (this.#rules.empty || this.#rules.permits(remoteAddress)) {
          startHandshake.call(server, socket);
          return;
        }
        this.#refused.denied++;
        socket.on("error", () => {});
        socket.destroy();
        const remoteFamily = remoteAddress.includes(":") ? "IPv6" : "IPv4";
        this.emit("refused", {
          remoteAddress,
          remotePort: socket.remotePort ?? 0,
          remoteFamily,
          reason: "denied",
        });
      });
    }
    server.on("tlsClientError", (err: Error, socket: Socket) => {
      const remoteAddress = plainAddress(socket.remoteAddress ?? "");
      const remotePort = socket.remotePort ?? 0;
      const error = new EchoError(
        "ERR_TLS",
        { host: remoteAddress, port: remotePort, detail: err.message },
        { cause: err },
      );
      this.emit("handshakeError", { remoteAddress, remotePort }, error);
    });
    return server;
  }

  /** What the data path reports to: this server's bookkeeping and events. */
  #owner(): PathOwner {
    return {
      tap: this.#tap,
      nextId: () => this.#nextId++,
      preamble: (conn) => {
        const proxy = this.#proxy;
        if (proxy === null) return null;
        this.#pending.add(conn);
        // A peer that never finishes its header must not hold a descriptor for long.
        const timer = setTimeout(() => {
          if (!this.#pending.has(conn)) return;
          this.#onProxyError(
            conn,
            new EchoError("ERR_PROXY", {
              host: conn.remoteAddress,
              port: conn.remotePort,
              detail: `no complete header within ${proxy.timeout} ms`,
            }),
          );
          conn.destroy();
        }, proxy.timeout);
        timer.unref();
        return proxyPreamble(conn, proxy.version, proxy.trusted);
      },
      preambleFailed: (conn, error) => this.#onProxyError(conn, error),
      opened: (conn) => {
        this.#pending.delete(conn);
        const refusal = this.#rules.permits(conn.remoteAddress)
          ? this.#limits.admit(conn.remoteAddress)
          : "denied";
        if (refusal !== null) {
          this.#refused[refusal]++;
          const { remoteAddress, remotePort, remoteFamily } = conn;
          this.emit("refused", { remoteAddress, remotePort, remoteFamily, reason: refusal });
          return false;
        }
        this.#conns.add(conn);
        this.emit("connection", conn);
        return true;
      },
      failed: (conn, err) => this.#onConnectionError(conn, err),
      closed: (conn) => this.#onClose(conn),
      acceptFailed: (err) => {
        if (this.#state !== "new") this.emit("acceptError", toEchoError(err, { operation: "accept" }));
      },
    };
  }

  #onConnectionError(conn: Connection, err: NodeJS.ErrnoException): void {
    const error = toEchoError(err, { host: conn.remoteAddress, port: conn.remotePort });
    if (error.code === "ECONNRESET" || error.code === "EPIPE") {
      conn.endWith("reset", error);
    } else {
      conn.endWith("error", error);
      this.emit("connectionError", conn, error);
    }
  }

  #onProxyError(conn: Connection, error: EchoError): void {
    if (!this.#pending.delete(conn)) return;
    this.#proxyErrors++;
    this.emit("proxyError", { remoteAddress: conn.remoteAddress, remotePort: conn.remotePort }, error);
  }

  #onClose(conn: Connection): void {
    this.#pending.delete(conn);
    if (!this.#conns.delete(conn)) return;
    this.#limits.release(conn.remoteAddress);
    const info = conn.toDisconnectInfo(performance.now());
    const closed = this.#closed;
    closed.total++;
    closed.bytesIn += info.bytesIn;
    closed.bytesOut += info.bytesOut;
    if (info.reason === "reset") closed.resets++;
    else if (info.reason === "error") closed.errors++;
    else if (info.reason === "idle") closed.idle++;
    this.emit("disconnect", info);
    this.#finishClose?.();
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new EchoError("ERR_INVALID_OPTION", { value: String(value), detail: name });
  return value;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new EchoError("ERR_INVALID_OPTION", { value: String(value), detail: name });
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0)
    throw new EchoError("ERR_INVALID_OPTION", { value: String(value), detail: name });
  return value;
}

/**
 * Creates an echo server; call `listen()` to start it.
 *
 * @example
 * ```ts
 * import { createEchoServer } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const { port } = await server.listen();
 * // ... clients connect to 127.0.0.1:port and get back every byte they send
 * await server.close();
 * ```
 */
export function createEchoServer(options: EchoServerOptions = {}): EchoServer {
  return new EchoServer(options);
}
