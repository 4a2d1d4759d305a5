/**
 * `tcpecho serve --workers N`: the primary process forks N workers that
 * share the listening port (node:cluster), replaces a worker that dies, and
 * on SIGINT/SIGTERM (and Ctrl-Break on Windows) lets every worker drain and
 * stop. With `--metrics`, the primary serves the sum of all workers'
 * metrics. Workers report their counts to the primary over the cluster
 * channel, for one summary of them all, and a worker's start-up failure,
 * which the primary reports once.
 *
 * Each worker accepts its own connections: the primary sets cluster's
 * shared-handle mode (`SCHED_NONE`) before forking, so every worker holds
 * the one listening socket and calls accept(2) on it, and the kernel hands
 * each connection to whichever worker takes it first. Under cluster's
 * default round-robin the primary accepted every connection and passed it
 * to a worker over the IPC channel: one process's accept loop and one
 * descriptor send per connection, whatever the number of workers.
 *
 * Why not one `SO_REUSEPORT` socket per worker (`reusePort`, Node >= 22.12),
 * which the kernel balances evenly by a hash of the addresses: on Linux,
 * the connections waiting in a socket's accept queue are reset when that
 * socket closes (unless `net.ipv4.tcp_migrate_req` is set), so a worker
 * that drains or dies would drop clients the others could have served; a
 * second `--workers` server of the same user would silently share the port
 * instead of failing with "in use"; and port 0 would give each worker its
 * own port. With one shared socket, a queued connection waits for the
 * other workers, and the port is bound once. Its cost: Linux wakes every
 * idle worker for a new connection and the first to call accept wins, so
 * the split between workers is uneven (docs/performance.md measures it).
 * `NODE_CLUSTER_SCHED_POLICY=rr` in the environment brings back Node's
 * round-robin.
 *
 * How the primary stops its workers (orders over the cluster channel, not
 * signals, and why) is `serve-lifecycle.ts`'s business, with the rest of
 * the stop.
 *
 * @module
 */

import cluster, { type Worker } from "node:cluster";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { zeroEchoServerStats, type EchoServerStats } from "../server/echo-server.js";
import { zeroUdpEchoStats, type UdpEchoStats } from "../server/udp-echo.js";
import { metricsUrl } from "./serve-http.js";
import { EXIT, ServeLifecycle, StopOrders } from "./serve-lifecycle.js";
import { failureFromMessage, type ServeLog } from "./serve-log.js";
import { serveClusterMetrics } from "./serve-metrics.js";

// A worker that dies this many times within the window is not replaced again: it would only crash-loop.
const MAX_DEATHS = 5;
const DEATH_WINDOW_MS = 10_000;

/** What a worker tells the primary (other messages on the channel, such as metrics, are not ours). */
interface WorkerMessage {
  tcpecho?: unknown;
  stats?: EchoServerStats;
  udp?: UdpEchoStats;
  exitCode?: number;
  code?: unknown;
  context?: unknown;
  message?: unknown;
}

/** What the primary needs to know. */
export interface PrimaryOptions {
  workers: number;
  metrics: { host: string; port: number } | undefined;
  log: ServeLog;
}

/** A worker's last counts, TCP and UDP. */
interface Counts {
  stats: EchoServerStats;
  udp: UdpEchoStats | undefined;
}

/**
 * Runs the primary: forks, watches and stops the workers, then prints the
 * summary of them all. Resolves with the exit code once they all stopped:
 * that of a worker that could not start (1, or 2 for a usage error; the
 * primary reports its error, once for all), else 0.
 */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { workers, log } = options;
  const startedAt = performance.now();
  // Ours from the start: a signal that came before its handler would end the primary on the spot.
  const life = new ServeLifecycle().listenTo("signals");
  const pool = new WorkerPool(log, () => life.state !== "serving");
  // The first request lets each worker drain; the second makes each of them force its stop.
  life.up({ drain: () => pool.order(1), force: () => pool.order(2), kill: () => pool.kill() });
  const endpoint = await serveClusterMetrics(options.metrics, () => !pool.stopping);
  log.workersStarting(workers);
  if (endpoint !== undefined) log.metrics(metricsUrl(endpoint.host, endpoint.port));
  ownAccept();
  await pool.run(workers);
  await endpoint?.close();
  if (pool.failedToStart) return pool.failure?.exitCode ?? EXIT.failed;
  log.workersStopped(workers);
  summarize(log, [...pool.counts.values()], startedAt);
  return EXIT.stopped;
}

/** The primary's summary: the workers' last counts added up, TCP then UDP. */
function summarize(log: ServeLog, counts: Counts[], startedAt: number): void {
  const tcp = counts.map((c) => c.stats);
  log.stopped(
    { ...sumStats(tcp, zeroEchoServerStats()), uptimeMs: performance.now() - startedAt },
    counts.length,
  );
  const udp = counts.flatMap((c) => (c.udp === undefined ? [] : [c.udp]));
  if (udp.length > 0) log.udpStopped(sumStats(udp, zeroUdpEchoStats()));
}

/**
 * The workers of one run: forked, told to stop, replaced when one dies
 * (within {@link MAX_DEATHS}), and their counts and start-up failure kept.
 */
class WorkerPool {
  /** A worker is named by its cluster id, never reused: a replacement is a new worker. */
  readonly #ids = new Map<Worker, number>();
  readonly #listening = new WeakSet<Worker>();
  readonly #deaths: number[] = [];
  readonly #orders = new StopOrders<Worker>();
  /** Each worker's last counts, by id; one that died counts as of its last report. */
  readonly counts = new Map<number, Counts>();
  /** The first start-up failure a worker reported. */
  failure: { exitCode: number } | undefined;
  /** A worker exited before it listened: the others were told to stop. */
  failedToStart = false;

  constructor(
    private readonly log: ServeLog,
    private readonly stopRequested: () => boolean,
  ) {}

  get stopping(): boolean {
    return this.stopRequested() || this.failedToStart;
  }

  /** Each worker is due `n` stop orders (1 drains, 2 forces). */
  order(n: number): void {
    this.#orders.raise(n, this.#ids.keys());
  }

  kill(): void {
    for (const worker of this.#ids.keys()) worker.process.kill("SIGKILL");
  }

  /** Forks `n` workers; resolves once every worker, replacements too, has exited. */
  run(n: number): Promise<void> {
    cluster.on("message", (worker, msg: WorkerMessage) => this.#message(worker, msg));
    for (let i = 0; i < n; i++) this.#fork();
    // What a worker sent before it exited may still be in the channel: its end comes after.
    const channelDrained = (worker: Worker) =>
      worker.isConnected() ? Promise.race([once(worker, "disconnect"), sleep(1000)]) : Promise.resolve();
    return new Promise<void>((resolve) => {
      cluster.on("exit", (worker, code, signal) => {
        void channelDrained(worker).then(() => {
          this.#exited(worker, code, signal);
          if (this.#ids.size === 0) resolve();
        });
      });
    });
  }

  #fork(): void {
    const worker = cluster.fork();
    this.#ids.set(worker, worker.id);
    // A message to a worker that already exited (a listen error sent as it died) fails with EPIPE;
    // its "exit" says all there is to say, so the channel's error must not end the primary.
    worker.on("error", () => {});
    worker.once("listening", () => {
      this.#listening.add(worker);
      this.log.workerStarted(worker.id, worker.process.pid ?? 0);
    });
  }

  #message(worker: Worker, msg: WorkerMessage): void {
    if (msg?.tcpecho === "ready") this.#orders.ready(worker);
    if (msg?.tcpecho === "stats" && msg.stats !== undefined)
      this.counts.set(worker.id, { stats: msg.stats, udp: msg.udp });
    if (msg?.tcpecho === "failed" && this.failure === undefined) {
      // Every worker fails alike (the port is taken): one report is enough.
      this.failure = { exitCode: msg.exitCode ?? EXIT.failed };
      this.log.failed(failureFromMessage(msg), this.failure.exitCode, {
        worker: worker.id,
        pid: worker.process.pid ?? 0,
      });
    }
  }

  #exited(worker: Worker, code: number, signal: string): void {
    const id = this.#ids.get(worker) ?? 0;
    this.#ids.delete(worker);
    if (this.stopping) return;
    if (!this.#listening.has(worker)) {
      // It never got to listen (port in use, bad address...): replacing it would fail the same way.
      this.failedToStart = true;
      this.order(1);
      return;
    }
    const now = Date.now();
    this.#deaths.push(now);
    while (this.#deaths.length > 0 && (this.#deaths[0] as number) < now - DEATH_WINDOW_MS)
      this.#deaths.shift();
    const replacing = this.#deaths.length <= MAX_DEATHS;
    this.log.workerDied(id, worker.process.pid ?? 0, signal ?? `exit code ${code}`, replacing);
    if (replacing) this.#fork();
  }
}
/**
 * Lets each worker accept on the shared listening socket (cluster's
 * `SCHED_NONE`), unless `NODE_CLUSTER_SCHED_POLICY` asks for a policy. Takes
 * effect only before the first fork.
 */
export function ownAccept(): void {
  if (process.env.NODE_CLUSTER_SCHED_POLICY === undefined) cluster.schedulingPolicy = cluster.SCHED_NONE;
}

/** Every count of the workers' statistics added up, however many counters they grow. */
export function sumStats<T extends object>(all: readonly T[], zero: T): T {
  const add = (a: unknown, b: unknown): unknown => {
    if (typeof a === "number" && typeof b === "number") return a + b;
    if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
      const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
      for (const [k, v] of Object.entries(b)) out[k] = k in out ? add(out[k], v) : v;
      return out;
    }
    return b ?? a;
  };
  return all.reduce<T>((sum, s) => add(sum, s) as T, zero);
}

/** A worker's counts, TCP and UDP, to the primary over the cluster channel (nothing when not a worker). */
export function reportStats(stats: EchoServerStats, udp?: UdpEchoStats): Promise<void> {
  const send = process.send?.bind(process);
  if (!cluster.isWorker || send === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    try {
      send({ tcpecho: "stats", stats, udp }, undefined, {}, () => resolve());
    } catch {
      resolve(); // the primary is gone: nobody to tell
    }
  });
}
