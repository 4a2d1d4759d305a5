/**
 * UDP echo (RFC 862 over UDP) for `tcpecho serve --udp`: each datagram goes
 * back, unchanged, to the address and port it came from.
 *
 * UDP sources are trivially forged, so an echo service is a reflector: an
 * attacker sends datagrams "from" a victim and we send them on. The reply is
 * never larger than the request (no amplification), and on top of that this
 * server is defensive:
 *
 * - datagrams from the ports of the classic small services (echo, daytime,
 *   chargen, …) and from port 0 are dropped: two such services, pointed at
 *   each other by one forged datagram, would bounce it forever;
 * - each source address has a token bucket (a rate with a burst), kept in a
 *   table of bounded size, so no single victim gets more than that from us;
 * - the server's `--allow`/`--deny` rules apply.
 *
 * Dropped datagrams get no reply at all (an error reply would itself be
 * reflected). They are counted and reported as events; this module never prints.
 *
 * @module
 */

import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { EventEmitter } from "node:events";
import { isIPv6 } from "node:net";
import { performance } from "node:perf_hooks";
import { parseHost, parsePort } from "../net/address.js";
import { EchoError, toEchoError } from "../net/echo-error.js";
import { plainAddress } from "../net/endpoint.js";
import { checkNumber } from "../net/options.js";

/**
 * Source ports never answered. RFC 862 echo (7), RFC 866 active users (11),
 * RFC 867 daytime (13), RFC 865 quote of the day (17), RFC 864 chargen (19)
 * and RFC 868 time (37) all answer any datagram over UDP, so a reply to one of
 * them starts a loop that only packet loss ends. Port 0 is never a real sender.
 *
 * @example
 * ```ts
 * import { UDP_SERVICE_PORTS } from "./udp-echo.js";
 * UDP_SERVICE_PORTS.has(19); // true: chargen would answer our echo, and so on forever
 * ```
 */
export const UDP_SERVICE_PORTS: ReadonlySet<number> = new Set([0, 7, 11, 13, 17, 19, 37]);

/**
 * Defaults of {@link UdpEchoOptions}. 100 datagrams a second with a burst of
 * 200 is far more than a person, `ping` or a test suite sends from one
 * address, yet caps what one (possibly forged) source gets from us. 10,000
 * tracked sources cost about a megabyte.
 *
 * @example
 * ```ts
 * import { UDP_ECHO_DEFAULTS } from "./udp-echo.js";
 * console.log(`at most ${UDP_ECHO_DEFAULTS.ratePerSource} datagrams/s per source`);
 * ```
 */
export const UDP_ECHO_DEFAULTS = {
  ratePerSource: 100,
  burstPerSource: 200,
  maxSources: 10_000,
} as const;

/** Options of {@link createUdpEchoServer}. */
export interface UdpEchoOptions {
  /**
   * Address to bind, as for the TCP server: `0.0.0.0`, `::` (dual stack unless ipv6Only), `127.0.0.1`, …
   * An IPv6 literal makes an IPv6 socket; anything else, host names included, an IPv4 one.
   */
  host: string;
  /** Port to bind (the TCP listener's), 0 for any free one. */
  port: number;
  /** With an IPv6 host such as `::`, ignore IPv4 senders. Default false. */
  ipv6Only?: boolean;
  /** Datagrams per second each source address may have echoed, sustained. Default 100; 0: no limit. */
  ratePerSource?: number;
  /** Datagrams a source may send at once after being quiet. Default 200 (at least 1). */
  burstPerSource?: number;
  /**
   * Source addresses whose buckets are tracked at once. Default 10,000. When
   * the table is full, datagrams from new sources are dropped as "rate-limit"
   * until tracked ones go quiet (see {@link UdpEchoServer}).
   */
  maxSources?: number;
  /** Admission check (the server's `--allow`/`--deny`): false drops the datagram. Gets a plain address. */
  permits?: (address: string) => boolean;
}

/** Why a datagram got no reply. */
export type UdpDropReason = "service-port" | "rate-limit" | "denied";

/** Where the UDP echo server listens. */
export interface UdpEchoAddress {
  host: string;
  port: number;
  family: "IPv4" | "IPv6";
}

/**
 * Counters since the server started. Every datagram is either echoed or
 * dropped, so `datagramsIn` equals `datagramsOut` plus the drops at all times.
 */
export interface UdpEchoStats {
  datagramsIn: number;
  /** Replies handed to the socket (each one exactly the datagram received). */
  datagramsOut: number;
  /** Bytes of every datagram received, dropped ones included. */
  bytesIn: number;
  bytesOut: number;
  /** Datagrams dropped, by reason. */
  dropped: Record<UdpDropReason, number>;
  /** Replies the socket failed to send (also counted in datagramsOut): e.g. an unreachable sender. */
  sendErrors: number;
}

/**
 * Statistics with every count at zero: a server's before it starts, and the
 * start of a sum over several servers' (as `serve --workers` adds them up).
 *
 * @example
 * ```ts
 * import { zeroUdpEchoStats } from "tcpecho";
 * console.log(zeroUdpEchoStats().dropped["rate-limit"]); // 0
 * ```
 */
export function zeroUdpEchoStats(): UdpEchoStats {
  return {
    datagramsIn: 0,
    datagramsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    dropped: { "service-port": 0, "rate-limit": 0, denied: 0 },
    sendErrors: 0,
  };
}

/** The events a {@link UdpEchoServer} emits, with their arguments. */
export interface UdpEchoEvents {
  listening: [address: UdpEchoAddress];
  /** A datagram is being echoed. `data` is the reply being sent: read it, do not change it. */
  datagram: [address: string, port: number, data: Buffer];
  /** A datagram got no reply. Can come at line rate: a logger must rate-limit its own lines. */
  dropped: [address: string, port: number, reason: UdpDropReason];
  /** A socket error while running; the server goes on. Emitted only when someone listens. */
  error: [error: EchoError];
  close: [stats: UdpEchoStats];
}

/** One source's token bucket: tokens left at time `at` (performance.now() ms). */
interface Bucket {
  tokens: number;
  at: number;
}

type State = "new" | "binding" | "listening" | "closed";

/**
 * A UDP echo server. Create it with {@link createUdpEchoServer}.
 *
 * The source table is kept in least-recently-seen order. A source quiet long
 * enough for its bucket to be full again is forgotten, by a sweep every
 * second or on demand when the table is full: forgetting it changes nothing,
 * since a new source starts with a full bucket. When the table is full of
 * sources still inside their refill time, new sources are dropped rather
 * than old ones evicted: eviction would hand a forged source a fresh burst
 * whenever an attacker churns the table, while dropping fails closed and
 * lasts only until the flood pauses for one refill time (2 s by default).
 *
 * @example
 * ```ts
 * import { createUdpEchoServer } from "./udp-echo.js";
 * const server = createUdpEchoServer({ host: "127.0.0.1", port: 0 });
 * server.on("dropped", (address, port, reason) => console.log(address, port, reason));
 * const { port } = await server.listen();
 * console.log("UDP echo on", port);
 * const stats = await server.close();
 * console.log(stats.datagramsIn, stats.dropped["rate-limit"]);
 * ```
 */
export class UdpEchoServer extends EventEmitter<UdpEchoEvents> {
  readonly #socket: Socket;
  readonly #host: string;
  readonly #port: number;
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxSources: number;
  /** How long a bucket takes to fill from empty, in ms: a source quiet this long can be forgotten. */
  readonly #refillMs: number;
  readonly #permits: ((address: string) => boolean) | undefined;
  // Least recently seen first: Map keeps insertion order and each datagram re-inserts its source.
  readonly #buckets = new Map<string, Bucket>();
  #sweepTimer: NodeJS.Timeout | undefined;
  #state: State = "new";
  #rejectListen: ((err: EchoError) => void) | undefined;
  #closing: Promise<UdpEchoStats> | undefined;
  readonly #stats = zeroUdpEchoStats();

  constructor(options: UdpEchoOptions) {
    super();
    this.#host = parseHost(options.host);
    this.#port = parsePort(options.port, 0);
    this.#rate = checkNumber(options.ratePerSource ?? UDP_ECHO_DEFAULTS.ratePerSource, "ratePerSource");
    this.#burst = checkNumber(options.burstPerSource ?? UDP_ECHO_DEFAULTS.burstPerSource, "burstPerSource", {
      min: 1,
    });
    this.#maxSources = checkNumber(options.maxSources ?? UDP_ECHO_DEFAULTS.maxSources, "maxSources", {
      integer: true,
      min: 1,
    });
    this.#refillMs = this.#rate === 0 ? 0 : (this.#burst / this.#rate) * 1000;
    this.#permits = options.permits;
    const ipv6 = isIPv6(this.#host.replace(/%[\w.-]+$/, ""));
    this.#socket = createSocket({
      type: ipv6 ? "udp6" : "udp4",
      ...(ipv6 ? { ipv6Only: options.ipv6Only ?? false } : {}),
    });
    this.#socket.on("message", (data, rinfo) => this.#onMessage(data, rinfo));
    this.#socket.on("error", (err) => {
      if (this.#state !== "binding") return this.#report(err, { operation: "read" });
      // bind() failed: the socket is unbound but open.
      this.#state = "closed";
      this.#socket.close();
      this.#rejectListen?.(toEchoError(err, { host: this.#host, port: this.#port, operation: "listen" }));
    });
  }

  /** Binds and listens; resolves with the address (the real port when 0 was asked). */
  listen(): Promise<UdpEchoAddress> {
    if (this.#state !== "new") return Promise.reject(new Error("listen() may be called once"));
    this.#state = "binding";
    return new Promise((resolve, reject) => {
      this.#rejectListen = (err) => {
        this.#rejectListen = undefined;
        reject(err);
      };
      this.#socket.bind({ address: this.#host, port: this.#port }, () => {
        if (this.#state !== "binding") return;
        this.#rejectListen = undefined;
        this.#state = "listening";
        if (this.#rate > 0) {
          this.#sweepTimer = setInterval(() => this.#sweep(performance.now()), 1000);
          this.#sweepTimer.unref();
        }
        const a = this.#socket.address();
        const address: UdpEchoAddress = {
          host: a.address,
          port: a.port,
          family: a.family === "IPv6" ? "IPv6" : "IPv4",
        };
        this.emit("listening", address);
        resolve(address);
      });
    });
  }

  /** Counters since start. */
  stats(): UdpEchoStats {
    return { ...this.#stats, dropped: { ...this.#stats.dropped } };
  }

  /** Source addresses whose buckets are tracked now (at most `maxSources`). */
  get trackedSources(): number {
    return this.#buckets.size;
  }

  /** Closes the socket; resolves with the final statistics. */
  close(): Promise<UdpEchoStats> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closing = new Promise((resolve) => {
      const finish = () => {
        clearInterval(this.#sweepTimer);
        this.#buckets.clear();
        const stats = this.stats();
        this.emit("close", stats);
        resolve(stats);
      };
      const was = this.#state;
      this.#state = "closed";
      // dgram never calls back a bind() overtaken by close(): settle listen() here.
      this.#rejectListen?.(
        new EchoError("ERR_SOCKET", {
          host: this.#host,
          port: this.#port,
          operation: "listen",
          reason: { kind: "closed-before-listening" },
        }),
      );
      // After a failed bind() the socket is closed already.
      if (was === "closed") finish();
      else this.#socket.close(finish);
    });
    return this.#closing;
  }

  #onMessage(data: Buffer, rinfo: RemoteInfo): void {
    if (this.#state !== "listening") return;
    const stats = this.#stats;
    stats.datagramsIn++;
    stats.bytesIn += data.length;
    const { address, port } = rinfo;
    // Cheapest first; a denied or looping source must not take a slot in the table.
    if (UDP_SERVICE_PORTS.has(port)) return this.#drop(address, port, "service-port");
    const source = plainAddress(address);
    if (this.#permits !== undefined && !this.#permits(source)) return this.#drop(address, port, "denied");
    if (this.#rate > 0 && !this.#take(source)) return this.#drop(address, port, "rate-limit");
    stats.datagramsOut++;
    stats.bytesOut += data.length;
    // The received buffer itself, whole: the reply can be neither larger nor different.
    this.#socket.send(data, port, address, (err) => {
      if (err) {
        this.#stats.sendErrors++;
        this.#report(err, { host: address, port, operation: "write" });
      }
    });
    this.emit("datagram", address, port, data);
  }

  #drop(address: string, port: number, reason: UdpDropReason): void {
    this.#stats.dropped[reason]++;
    this.emit("dropped", address, port, reason);
  }

  /** Takes a token from `source`'s bucket; false when it has none (or no slot can be had). */
  #take(source: string): boolean {
    const now = performance.now();
    const buckets = this.#buckets;
    let b = buckets.get(source);
    if (b === undefined) {
      if (buckets.size >= this.#maxSources) {
        this.#sweep(now);
        if (buckets.size >= this.#maxSources) return false;
      }
      b = { tokens: this.#burst, at: now };
    } else {
      b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) * this.#rate) / 1000);
      b.at = now;
      buckets.delete(source);
    }
    buckets.set(source, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Forgets sources whose buckets have refilled; least recently seen first, so stop at one that has not. */
  #sweep(now: number): void {
    for (const [source, b] of this.#buckets) {
      if (now - b.at < this.#refillMs) break;
      this.#buckets.delete(source);
    }
  }

  #report(err: Error, context: { host?: string; port?: number; operation: string }): void {
    // Without a listener, EventEmitter would throw: one unreachable sender must not stop the server.
    if (this.#state === "closed" || this.listenerCount("error") === 0) return;
    this.emit("error", toEchoError(err, context));
  }
}

/**
 * Creates a UDP echo server; call `listen()` to start it.
 *
 * @example
 * ```ts
 * import { createUdpEchoServer } from "./udp-echo.js";
 * import { AccessRules } from "./access-rules.js";
 * const rules = new AccessRules(["127.0.0.0/8"], ["127.0.0.2"]);
 * const server = createUdpEchoServer({ host: "127.0.0.1", port: 0, permits: (a) => rules.permits(a) });
 * const { port } = await server.listen();
 * // ... datagrams to 127.0.0.1:port come back unchanged, at most 100/s per sender, except from 127.0.0.2
 * await server.close();
 * ```
 */
export function createUdpEchoServer(options: UdpEchoOptions): UdpEchoServer {
  return new UdpEchoServer(options);
}
