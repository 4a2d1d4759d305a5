/**
 * The echo server (RFC 862): the notes' listening socket (대기 소켓) bound to
 * an address and port, accepting many clients at once and handing each to the
 * data path. Owns the connections' lifecycle, the statistics and the graceful
 * shutdown; never prints.
 *
 * @module
 */

import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:net";
import { performance } from "node:perf_hooks";
import { parseHost, parsePort } from "../net/address.js";
import { DEFAULT_PORT, SERVER_DEFAULTS } from "../net/defaults.js";
import { effectiveBacklog, MAX_BACKLOG } from "../net/backlog.js";
import { EchoError, toEchoError, type DescriptorReason } from "../net/echo-error.js";
import {
  checkKeepAlive,
  checkNumber,
  DEFAULT_TEXT_ENCODING,
  MAX_TIMER_MS,
  parseTextEncoding,
} from "../net/options.js";
import type { TextEncoding } from "../net/text-encoding.js";
import { AccessRules } from "./access-rules.js";
import type { Connection, ConnectionInfo, DisconnectInfo } from "./connection.js";
import { ConnectionLimits, type RefusalReason } from "./connection-limits.js";
import { descriptorsExhausted, openFileLimit } from "./descriptors.js";
import { IdleSweeper } from "./idle-sweeper.js";
import { ProxyGate } from "./proxy-preamble.js";
import type { ProxyVersion } from "./proxy-protocol.js";
import type { DataPathName, DataTap, FaultSlot, PathOwner } from "./data-path.js";
import type { FaultEffect } from "./faults/faulted-echo.js";
import { FaultBook } from "./faults/plan.js";
import type { FaultSpec } from "./faults/spec.js";
import { attachEchoPath, checkDataPath, type DataPathChoice } from "./echo-path.js";
import { steps, type SocketObserver, type SocketStepMessage } from "./diagnostics.js";
import { ServerStats, type EchoServerStats } from "./server-stats.js";
import { createTlsListener, type TlsFailureInfo } from "./tls-server.js";
import { listeningSocketProblem, NOT_LISTENING_TCP } from "./socket-activation.js";

export { zeroEchoServerStats, type EchoServerStats } from "./server-stats.js";

// Descriptors a server process holds besides its clients' (Node's own, the listener, logs, metrics):
// within this many of the limit, a path that cannot see descriptor numbers starts checking for a full table.
const DESCRIPTOR_MARGIN = 64;

/** Options of {@link createEchoServer}. */
export interface EchoServerOptions {
  /**
   * Listen on these descriptors, TCP sockets already bound and listening that
   * a service manager passed (socket activation: see {@link listenFds}),
   * instead of binding `host` and `port`, which must then be left out, as
   * `ipv6Only` (the sockets' own settings hold). One server serves them all.
   * `backlog` still applies: listen() on a listening socket sets it again.
   *
   * @example
   * ```ts
   * // not run: needs sockets passed by systemd or systemd-socket-activate
   * import { createEchoServer, listenFds } from "tcpecho";
   * const sockets = listenFds();
   * const server = createEchoServer(sockets.length > 0 ? { fds: sockets.map((s) => s.fd) } : { port: 9000 });
   * await server.listen();
   * for (const a of server.addresses()) console.log(`${a.host}:${a.port}`, a.fd === undefined ? "bound" : `fd ${a.fd}`);
   * ```
   */
  fds?: readonly number[];
  /** Address to bind: `0.0.0.0` (every IPv4 interface, the default), `::` (dual stack), `127.0.0.1`, … */
  host?: string;
  /** Port to bind, 0 for any free one. Default 9000. */
  port?: number;
  /** Accept-queue length asked of listen(), at most 2147483647; the kernel caps it at its SOMAXCONN. Default 511. */
  backlog?: number;
  /** With host `::`, refuse IPv4 clients. Default false (dual stack). */
  ipv6Only?: boolean;
  /** How long {@link EchoServer.close} lets open connections finish, in ms. Default 10000. */
  drainTimeout?: number;
  /**
   * How long {@link EchoServer.close} goes on accepting and serving new
   * clients while the server already says it is not ready (`draining` is
   * true: `/readyz` answers 503), in ms, before it closes the listener and
   * drains. A load balancer (HAProxy's health check, Kubernetes' endpoint
   * removal) needs that long to stop sending clients; closing at once would
   * reset those already in the accept queue. Default 0: close at once.
   */
  shutdownDelay?: number;
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
  /**
   * With `tls`: how long a client may take to finish its handshake, in ms;
   * then it is closed (a `handshakeError` with failure `timeout`). Default 10000.
   */
  tlsHandshakeTimeout?: number;
  /**
   * TCP keepalive on accepted connections, in ms (whole seconds; 0: off):
   * a client silent this long is probed by the kernel, and when it stops
   * answering (its host or link went away without a FIN or RST) its
   * connection is closed with reason `keepalive`. On Linux the probes go a
   * second apart, ten of them: a dead client is found about this + 10 s
   * after it went silent. Default 60000; at most 32767000 (Linux takes no
   * longer keepalive idle time).
   */
  keepAlive?: number;
  /**
   * Faults to put into the echo on purpose, each `KIND[=VALUE][@CIDR][%PERCENT]`
   * (`delay=200ms`, `slice=1-3:50ms`, `reset-after=1KiB@10.0.0.0/8%25`): see
   * {@link parseFault}. Each new connection gets those whose range covers its
   * client, each with its own chance; change them later with
   * {@link EchoServer.setFaults}. Default: none.
   *
   * @example
   * ```ts
   * import { createEchoServer } from "tcpecho";
   * // Every echo 200 ms late, in pieces of 1 to 3 bytes.
   * const server = createEchoServer({ host: "127.0.0.1", port: 0, faults: ["delay=200ms", "slice=1-3"] });
   * await server.listen();
   * console.log(server.faults()); // ["delay=200ms", "slice=1-3"]
   * await server.close();
   * ```
   */
  faults?: readonly (string | FaultSpec)[];
  /**
   * How the server moves bytes (see {@link EchoServer.dataPath}): "auto"
   * (the default) takes "handles", the fast path, where this Node has the
   * internals it needs, else "streams" (public `net.Socket` streams, as over
   * TLS). "handles" insists on the fast path: where it is not available (on
   * Windows, with `tls`, or under `TCPECHO_DATA_PATH=streams`, the switch
   * the test suite uses to run everything on the stream path)
   * `createEchoServer` throws an `ERR_INVALID_OPTION` {@link EchoError}
   * rather than quietly serving streams. Both paths echo the same bytes with
   * the same events.
   *
   * @example
   * ```ts
   * import { createEchoServer } from "tcpecho";
   * const server = createEchoServer({ host: "127.0.0.1", port: 0, dataPath: "streams" });
   * await server.listen();
   * console.log(server.dataPath); // "streams"
   * await server.close();
   * ```
   */
  dataPath?: DataPathChoice;
  /**
   * Sees every connection's socket steps from the start, as
   * `EchoServer.observe` would (it stays attached until the server closes).
   */
  observer?: SocketObserver;
  /**
   * How clients' bytes are read where they are shown as text: "utf-8" (the
   * default) or "cp949", the code page of Korean Windows, in which a program
   * built with Visual Studio there sends its Korean strings. The
   * `LiveView`'s previews read it, and so may a program's own log
   * ({@link EchoServer.textEncoding}); the echo never changes a byte.
   */
  textEncoding?: TextEncoding;
}

/** A connection being served, as {@link EchoServer.connections} lists it. */
export interface OpenConnectionInfo extends ConnectionInfo {
  /** Bytes echoed and handed to the kernel so far. */
  readonly bytesOut: number;
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
  /** The descriptor of a socket the server was given (the `fds` option), rather than one it bound. */
  fd?: number;
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
  /**
   * A TLS client failed its handshake, stalled past the handshake timeout, or
   * left part-way; it is closed. (One that left without sending a byte is not
   * reported: a health check.)
   */
  handshakeError: [info: TlsFailureInfo, error: EchoError];
  /**
   * accept() failed, or the descriptor table is full (code `EMFILE`, the limit
   * in `error.context.limit`): clients are dropped unseen until connections
   * close. The server goes on, and serves again once descriptors are free.
   */
  acceptError: [error: EchoError];
  /**
   * A close with a shutdown delay began: the server is not ready (`draining`
   * is true) but still accepts and serves new clients for `delayMs`; then
   * `draining` follows.
   */
  notReady: [delayMs: number];
  /**
   * The listener closed: no new connections; `open` are still being served
   * (and clients still sending their PROXY header, who get the rest of their
   * header timeout).
   */
  draining: [open: number];
  /**
   * A fault (the `faults` option) acted on a connection for the first time:
   * what it did (every `corrupt` flip is counted in the stats).
   */
  fault: [conn: ConnectionInfo, effect: FaultEffect];
  /** {@link EchoServer.setFaults} changed the faults after listen (an HTTP `PUT /faults`): the new list. */
  faultsChanged: [faults: string[]];
  close: [stats: EchoServerStats];
}

/** Where a server is in its life: `draining` from the start of a graceful close to its end. */
export type EchoServerState = "new" | "listening" | "draining" | "closed";
type State = EchoServerState;

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
  // One listener, or one per descriptor given (`fds`).
  readonly #servers: Server[];
  readonly #fds: readonly number[] | undefined;
  readonly #host: string;
  readonly #port: number;
  readonly #backlog: number;
  readonly #ipv6Only: boolean;
  readonly #drainTimeout: number;
  readonly #shutdownDelay: number;
  readonly #limits: ConnectionLimits;
  readonly #rules: AccessRules;
  readonly #idleTimeout: number;
  readonly #keepAliveMs: number;
  readonly #tlsHandshakeTimeout: number;
  // The soft open-files limit, read at listen (undefined where unknown).
  #fdLimit: number | undefined;
  readonly #proxyGate: ProxyGate | null;
  #sweeper: IdleSweeper | undefined;
  readonly #conns = new Set<Connection>();
  readonly #tap: DataTap = { fn: null };
  readonly #faults: FaultSlot = { book: null };
  #dataPath: DataPathName | undefined;
  readonly #dataPathChoice: DataPathChoice;
  readonly #secure: boolean;
  readonly #textEncoding: TextEncoding;
  #state: State = "new";
  #nextId = 1;
  #startedAt = 0;
  #closing: Promise<EchoServerStats> | undefined;
  #finishClose: (() => void) | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  // During a shutdown delay: ends it now (the listener closes and the drain begins).
  #endDelay: (() => void) | undefined;
  #addresses: EchoServerAddress[] = [];
  readonly #stats = new ServerStats();

  constructor(options: EchoServerOptions = {}) {
    super();
    this.#nextId = checkNumber(options.firstConnectionId ?? 1, "firstConnectionId", { integer: true });
    this.#fds = options.fds === undefined ? undefined : checkFds(options);
    this.#host = parseHost(options.host ?? SERVER_DEFAULTS.host);
    this.#port = parsePort(options.port ?? DEFAULT_PORT, 0);
    this.#backlog = checkNumber(options.backlog ?? SERVER_DEFAULTS.backlog, "backlog", {
      integer: true,
      min: 1,
      max: MAX_BACKLOG,
    });
    this.#ipv6Only = options.ipv6Only ?? false;
    this.#drainTimeout = checkNumber(options.drainTimeout ?? SERVER_DEFAULTS.drainTimeoutMs, "drainTimeout");
    this.#shutdownDelay = checkNumber(
      options.shutdownDelay ?? SERVER_DEFAULTS.shutdownDelayMs,
      "shutdownDelay",
      { max: MAX_TIMER_MS },
    );
    this.#limits = new ConnectionLimits({
      maxConnections: checkNumber(
        options.maxConnections ?? SERVER_DEFAULTS.maxConnections,
        "maxConnections",
        { integer: true },
      ),
      maxPerIp: checkNumber(options.maxPerIp ?? SERVER_DEFAULTS.maxPerIp, "maxPerIp", { integer: true }),
    });
    this.#idleTimeout = checkNumber(options.idleTimeout ?? SERVER_DEFAULTS.idleTimeoutMs, "idleTimeout");
    this.#keepAliveMs = checkKeepAlive(options.keepAlive);
    this.#tlsHandshakeTimeout = checkNumber(
      options.tlsHandshakeTimeout ?? SERVER_DEFAULTS.tlsHandshakeTimeoutMs,
      "tlsHandshakeTimeout",
      {
        positive: true,
      },
    );
    this.#rules = new AccessRules(options.allow, options.deny);
    this.#textEncoding =
      options.textEncoding === undefined
        ? DEFAULT_TEXT_ENCODING
        : parseTextEncoding(options.textEncoding, "textEncoding");
    if (options.observer !== undefined) {
      const detach = this.observe(options.observer);
      this.once("close", detach);
    }
    this.setFaults(options.faults ?? []);
    this.#proxyGate = null;
    if (options.proxyProtocol !== undefined) {
      if (!["v1", "v2", "any"].includes(options.proxyProtocol))
        throw new EchoError("ERR_INVALID_OPTION", {
          value: String(options.proxyProtocol),
          reason: { kind: "proxy-protocol" },
        });
      const trusted = options.proxyTrusted ?? [];
      this.#proxyGate = new ProxyGate(
        options.proxyProtocol,
        trusted.length === 0
          ? null
          : new AccessRules(trusted.map(String), [], { allow: "proxyTrusted", deny: "deny" }),
        checkNumber(options.proxyTimeout ?? SERVER_DEFAULTS.proxyTimeoutMs, "proxyTimeout"),
        (conn, error) => {
          this.#stats.count("proxyErrors");
          this.emit("proxyError", { remoteAddress: conn.remoteAddress, remotePort: conn.remotePort }, error);
        },
      );
    } else if (options.proxyTrusted !== undefined && options.proxyTrusted.length > 0) {
      throw new EchoError("ERR_INVALID_OPTION", {
        value: options.proxyTrusted.join(","),
        option: "proxyTrusted",
        needs: "proxyProtocol",
      });
    }
    this.#secure = options.tls !== undefined;
    this.#dataPathChoice = checkDataPath(options.dataPath, this.#secure);
    const { tls } = options;
    this.#servers = (this.#fds ?? [undefined]).map(() => {
      const server = tls === undefined ? createServer({ allowHalfOpen: true }) : this.#tlsServer(tls);
      server.on("error", (err) => {
        if (this.#state !== "new") this.#onAcceptError(err);
      });
      return server;
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

  /**
   * Binds and listens (or listens on the descriptors given as `fds`);
   * resolves with the address (the real port when 0 was asked; the first
   * socket's with several: see {@link addresses}).
   */
  async listen(): Promise<EchoServerAddress> {
    if (this.#state !== "new") throw new Error("listen() may be called once");
    const fds = this.#fds;
    this.#fdLimit = openFileLimit()?.soft;
    const owner = this.#owner();
    const results = await Promise.allSettled(
      this.#servers.map((server, i) => this.#listenOne(server, owner, fds?.[i])),
    );
    const addresses: EchoServerAddress[] = [];
    for (const result of results) {
      if (result.status === "fulfilled") {
        addresses.push(result.value);
        continue;
      }
      // One socket failed: none is served.
      this.#state = "closed";
      for (const server of this.#servers) if (server.listening) server.close();
      throw result.reason;
    }
    if (this.#idleTimeout > 0) {
      this.#sweeper = new IdleSweeper(
        this.#idleTimeout,
        () => this.#conns,
        (c) => {
          c.setReason("idle");
          c.end();
          // A client that does not read cannot be flushed to: do not wait for it long.
          setTimeout(() => c.destroy(), 1000).unref();
        },
      );
    }
    this.#state = "listening";
    this.#startedAt = performance.now();
    this.#addresses = addresses;
    const first = addresses[0] as EchoServerAddress;
    this.emit("listening", first);
    return first;
  }

  /** One listener, bound to host and port or on an inherited descriptor `fd`, handed to the data path. */
  #listenOne(server: Server, owner: PathOwner, fd: number | undefined): Promise<EchoServerAddress> {
    const notTcp = (reason: DescriptorReason) =>
      new EchoError("ERR_INVALID_OPTION", {
        value: String(fd),
        option: "fds",
        expect: "listening-socket",
        reason,
      });
    const problem = fd === undefined ? null : listeningSocketProblem(fd);
    if (problem !== null) return Promise.reject(notTcp(problem));
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        if (fd !== undefined && err.code === "EINVAL") reject(notTcp(NOT_LISTENING_TCP));
        else reject(toEchoError(err, { host: this.#host, port: this.#port, operation: "listen" }));
      };
      server.once("error", onError);
      const where =
        fd === undefined
          ? { host: this.#host, port: this.#port, backlog: this.#backlog, ipv6Only: this.#ipv6Only }
          : { fd, backlog: this.#backlog };
      server.listen(where, () => {
        server.off("error", onError);
        const a = server.address();
        // A Unix socket listens too, on a path: not an echo server's.
        if (a === null || typeof a === "string") {
          server.close();
          reject(notTcp(NOT_LISTENING_TCP));
          return;
        }
        // Before any connection is accepted.
        try {
          this.#dataPath = attachEchoPath(server, owner, this.#secure, this.#dataPathChoice);
        } catch (err) {
          reject(err); // listen() closes the listeners
          return;
        }
        resolve({
          host: a.address,
          port: a.port,
          family: a.family === "IPv6" ? "IPv6" : "IPv4",
          backlog: effectiveBacklog(this.#backlog),
          ...(fd === undefined ? {} : { fd }),
        });
      });
    });
  }

  /** Where the server listens. Throws before {@link listen} resolved. */
  address(): EchoServerAddress {
    const first = this.#addresses[0];
    if (first === undefined) throw new Error("the server is not listening yet");
    return first;
  }

  /**
   * Every socket the server listens on: one, or one per descriptor of `fds`,
   * in their order. Throws before {@link listen} resolved.
   */
  addresses(): readonly EchoServerAddress[] {
    this.address();
    return this.#addresses;
  }

  /**
   * How this server moves bytes: "handles" (the fast path) or "streams"
   * (public net.Socket streams), as the `dataPath` option chose. Undefined
   * before {@link listen} resolved.
   */
  get dataPath(): DataPathName | undefined {
    return this.#dataPath;
  }

  /** How clients' bytes are read where they are shown as text (the `textEncoding` option). */
  get textEncoding(): TextEncoding {
    return this.#textEncoding;
  }

  /**
   * True between the start of a graceful close and its end, the shutdown
   * delay included: the server is not ready for new clients.
   */
  get draining(): boolean {
    return this.#state === "draining";
  }

  /** Where the server is in its life: new, listening, draining (closing gracefully) or closed. */
  get state(): EchoServerState {
    return this.#state;
  }

  /** Connections open now. */
  get connectionCount(): number {
    return this.#conns.size;
  }

  /**
   * The connections being served now, in the order they were opened (not
   * those still sending their PROXY header). Live objects: their counters
   * move on, so read what you need during the iteration.
   *
   * @example
   * ```ts
   * import { createEchoServer } from "tcpecho";
   * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
   * await server.listen();
   * for (const c of server.connections()) console.log(c.id, c.remoteAddress, c.bytesIn, c.bytesOut);
   * await server.close();
   * ```
   */
  connections(): IterableIterator<OpenConnectionInfo> {
    return this.#conns.values();
  }

  /** Counters since start, open connections included. */
  stats(): EchoServerStats {
    return this.#stats.snapshot(this.#conns, this.#startedAt === 0 ? 0 : performance.now() - this.#startedAt);
  }

  /**
   * Attaches `observer` to every connection's socket steps (accepted, read,
   * written, end, shutdown, failed, closed: a {@link SocketObserver}), for a
   * trace or a live view. Any number may watch at once (each is a subscriber
   * of the `tcpecho:connection:step` diagnostics channel that sees only this
   * server's steps); returns the function that detaches this one. Unobserved,
   * the data path pays one check per step.
   *
   * @example
   * ```ts
   * import { createEchoServer } from "tcpecho";
   * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
   * const detach = server.observe((conn, step) => {
   *   if (step.kind === "written" && step.queued > 0) console.log(conn.id, "queued", step.queued);
   * });
   * await server.listen();
   * detach();
   * await server.close();
   * ```
   */
  observe(observer: SocketObserver): () => void {
    const watch = (message: unknown) => {
      const m = message as SocketStepMessage;
      if (m.server === this) observer(m.connection, m.step);
    };
    steps.subscribe(watch);
    let attached = true;
    return () => {
      if (attached) steps.unsubscribe(watch);
      attached = false;
    };
  }

  /**
   * Replaces the faults (see the `faults` option) for connections accepted
   * from now on; those open keep theirs. An empty list turns them off. A bad
   * fault throws (`ERR_INVALID_OPTION`) and changes nothing.
   *
   * @example
   * ```ts
   * import { createEchoServer } from "tcpecho";
   * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
   * await server.listen();
   * server.setFaults(["reset-after=100"]); // every new client is reset after 100 bytes of echo
   * server.setFaults([]); // and no longer
   * await server.close();
   * ```
   */
  setFaults(faults: readonly (string | FaultSpec)[]): void {
    const book = new FaultBook(faults);
    const before = this.faults();
    this.#faults.book = book.specs.length === 0 ? null : book;
    const now = this.faults();
    if (this.#state !== "new" && now.join("\n") !== before.join("\n")) this.emit("faultsChanged", now);
  }

  /** The faults new connections get, as written (normalised): what `GET /faults` answers. */
  faults(): string[] {
    return this.#faults.book?.texts() ?? [];
  }

  /**
   * Graceful shutdown: say not ready (`draining`), go on accepting for the
   * shutdown delay (0 by default), then stop accepting, let open connections
   * finish on their own (and clients still sending their PROXY header finish
   * it, within its timeout), and at the drain deadline stop reading from the
   * rest, send back what they had sent, and close them. Options override the
   * server's own, in ms. Resolves with the final statistics.
   *
   * @example
   * ```ts
   * import { createEchoServer } from "tcpecho";
   * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
   * await server.listen();
   * // Behind a balancer: 503 on /readyz and still serving for 100 ms, then 5 s to drain.
   * const stats = await server.close({ shutdownDelay: 100, drainTimeout: 5000 });
   * console.log(stats.connectionsTotal); // 0
   * ```
   */
  close(options: { drainTimeout?: number; shutdownDelay?: number } = {}): Promise<EchoServerStats> {
    if (this.#closing !== undefined) return this.#closing;
    const deadline = checkNumber(options.drainTimeout ?? this.#drainTimeout, "drainTimeout");
    const delay = checkNumber(options.shutdownDelay ?? this.#shutdownDelay, "shutdownDelay", {
      max: MAX_TIMER_MS,
    });
    this.#closing = new Promise((resolve) => {
      const wasListening = this.#state === "listening";
      this.#state = "draining";
      let listenersOpen = wasListening ? this.#servers.length : 0;
      // Done when the listeners are closed, the last 'disconnect' has been emitted and no client is
      // still sending its PROXY header (net.Server's own callback comes before our 'close' handlers run).
      this.#finishClose = () => {
        if (listenersOpen > 0 || this.#open() > 0 || this.#state === "closed") return;
        clearTimeout(this.#drainTimer);
        this.#sweeper?.stop();
        this.#state = "closed";
        const stats = this.stats();
        this.emit("close", stats);
        resolve(stats);
      };
      const drain = () => {
        this.#endDelay = undefined;
        clearTimeout(delayTimer);
        if (wasListening) {
          for (const server of this.#servers) {
            server.close(() => {
              listenersOpen--;
              this.#finishClose?.();
            });
          }
        }
        // Only now: close() closed the listening descriptors at once, so a client that connects on
        // hearing of it is refused. Said before, it could land in the accept queue and be reset.
        this.emit("draining", this.#conns.size);
        for (const c of this.#conns) c.draining();
        if (this.#open() > 0) this.#drainTimer = setTimeout(() => this.#cutOff(), deadline);
        this.#finishClose?.();
      };
      let delayTimer: NodeJS.Timeout | undefined;
      if (wasListening && delay > 0) {
        this.emit("notReady", delay);
        delayTimer = setTimeout(drain, delay);
        this.#endDelay = drain;
      } else {
        drain();
      }
    });
    return this.#closing;
  }

  /** Forced shutdown: closes every connection now. Resolves like {@link close}. */
  destroy(): Promise<EchoServerStats> {
    const closing = this.close({ shutdownDelay: 0 });
    this.#endDelay?.();
    for (const c of this.#conns) {
      c.setReason("shutdown");
      c.destroy();
    }
    this.#proxyGate?.destroyAll();
    return closing;
  }

  /** Connections served now and those still sending their PROXY header. */
  #open(): number {
    return this.#conns.size + (this.#proxyGate?.pending ?? 0);
  }

  #cutOff(): void {
    // Nothing of theirs was echoed yet: a header not finished by the drain deadline ends here.
    this.#proxyGate?.destroyAll();
    for (const c of this.#conns) {
      c.setReason("shutdown");
      this.#stats.count("cutOff");
      c.end();
    }
    // A client that does not read cannot be flushed to; do not wait for it forever.
    if (this.#open() > 0) this.#drainTimer = setTimeout(() => this.#destroyAll(), 1000);
  }

  #destroyAll(): void {
    for (const c of this.#conns) c.destroy();
    this.#proxyGate?.destroyAll();
  }

  #tlsServer(tls: { cert: string | Buffer; key: string | Buffer }): Server {
    // Access rules need no handshake: a denied client is refused before it costs one.
    // (Limits still count at secureConnection, where the connection is admitted.)
    return createTlsListener(tls, this.#tlsHandshakeTimeout, {
      permits: (address) => this.#rules.empty || this.#rules.permits(address),
      denied: (peer) => {
        this.#stats.refused("denied");
        this.emit("refused", { ...peer, reason: "denied" });
      },
      accepted: (open) => this.#accepted(undefined, open),
      keepAliveMs: this.#keepAliveMs,
      failed: (info, error) => {
        this.#stats.count("tlsErrors");
        this.emit("handshakeError", info, error);
      },
    });
  }

  /**
   * After each accept: is the descriptor table full now? Then libuv drops the
   * next clients unseen (see descriptors.ts), so say so. `fd` is the new
   * connection's descriptor where the path knows it (lowest free first: the
   * highest one the limit allows means none is left); otherwise, near the
   * limit, try to open one.
   */
  #accepted(fd: number | undefined, open: number): void {
    const limit = this.#fdLimit;
    if (limit === undefined) return;
    if (fd !== undefined) {
      if (fd >= limit - 1) this.#outOfDescriptors("EMFILE");
    } else if (open + DESCRIPTOR_MARGIN >= limit) {
      const code = descriptorsExhausted();
      if (code !== null) this.#outOfDescriptors(code);
    }
  }

  #outOfDescriptors(code: "EMFILE" | "ENFILE"): void {
    this.#stats.count("acceptErrors");
    this.emit(
      "acceptError",
      new EchoError(code, { operation: "accept", ...(this.#fdLimit ? { limit: this.#fdLimit } : {}) }),
    );
  }

  #onAcceptError(err: Error): void {
    this.#stats.count("acceptErrors");
    const limit = this.#fdLimit === undefined ? {} : { limit: this.#fdLimit };
    this.emit("acceptError", toEchoError(err, { operation: "accept", ...limit }));
  }

  /** What the data path reports to: this server's bookkeeping and events. */
  #owner(): PathOwner {
    return {
      tap: this.#tap,
      server: this,
      faults: this.#faults,
      proxied: this.#proxyGate !== null,
      faulted: (conn, effect, first) => this.#onFault(conn, effect, first),
      keepAliveMs: this.#keepAliveMs,
      accepted: (fd) => this.#accepted(fd, this.#open()),
      nextId: () => this.#nextId++,
      preamble: (conn) => this.#proxyGate?.open(conn) ?? null,
      preambleFailed: (conn, error) => this.#proxyGate?.fail(conn, error),
      opened: (conn) => {
        this.#proxyGate?.settle(conn);
        const refusal = this.#rules.permits(conn.remoteAddress)
          ? this.#limits.admit(conn.remoteAddress)
          : "denied";
        if (refusal !== null) {
          this.#stats.refused(refusal);
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
        if (this.#state !== "new") this.#onAcceptError(err);
      },
    };
  }

  #onFault(conn: Connection, effect: FaultEffect, first: boolean): void {
    if (effect.kind === "corrupt") this.#stats.count("corruptedChunks");
    if (!first) return;
    this.#stats.faulted(effect.kind);
    this.emit("fault", conn, effect);
  }

  #onConnectionError(conn: Connection, err: NodeJS.ErrnoException): void {
    const error = toEchoError(err, { host: conn.remoteAddress, port: conn.remotePort });
    if (error.code === "ECONNRESET" || error.code === "EPIPE") {
      conn.setReason("reset", error);
    } else if (this.#keepAliveMs > 0 && DEAD_PEER.has(error.code)) {
      // The kernel gave up on a silent client: its keepalive probes went unanswered. (An ICMP
      // error met on the way, e.g. no ARP reply, is reported instead of ETIMEDOUT.)
      conn.setReason("keepalive", error);
    } else {
      conn.setReason("error", error);
      this.emit("connectionError", conn, error);
    }
  }

  #onClose(conn: Connection): void {
    this.#proxyGate?.settle(conn);
    if (this.#conns.delete(conn)) {
      this.#limits.release(conn.remoteAddress);
      const info = conn.toDisconnectInfo(performance.now());
      this.#stats.closed(info);
      this.emit("disconnect", info);
    }
    // Also after one that never got past its PROXY header: the drain may wait for it alone.
    this.#finishClose?.();
  }
}

/** The `fds` option checked: descriptors, each once, and nothing of what binding would take. */
function checkFds(options: EchoServerOptions): readonly number[] {
  const fds = options.fds ?? [];
  if (fds.length === 0)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: "[]",
      reason: { kind: "fds" },
    });
  for (const fd of fds) checkNumber(fd, "fds", { integer: true });
  const duplicate = fds.find((fd, i) => fds.indexOf(fd) !== i);
  if (duplicate !== undefined)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: String(duplicate),
      reason: { kind: "fds" },
    });
  for (const option of ["host", "port", "ipv6Only"] as const) {
    const value = options[option];
    if (value !== undefined)
      throw new EchoError("ERR_INVALID_OPTION", {
        value: String(value),
        option,
        expect: "socket-activation",
      });
  }
  return [...fds];
}

// What a read returns when the kernel dropped a connection whose peer stopped answering.
const DEAD_PEER: ReadonlySet<string> = new Set(["ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * Creates an echo server; call `listen()` to start it.
 *
 * @example
 * ```ts
 * import { createEchoServer } from "tcpecho";
 * // At most 100 clients, 2 from any one address; one silent for 30 s is closed.
 * const options = { maxConnections: 100, maxPerIp: 2, idleTimeout: 30_000 };
 * const server = createEchoServer({ host: "127.0.0.1", port: 0, ...options });
 * const { port } = await server.listen();
 * console.log(`echoing on 127.0.0.1:${port}`);
 * await server.close();
 * ```
 */
export function createEchoServer(options: EchoServerOptions = {}): EchoServer {
  return new EchoServer(options);
}
