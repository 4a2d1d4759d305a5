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
 * The primary gives its stop orders over the cluster channel, not by signal:
 * on Windows a signal sent to a process ends it at once (no drain, no
 * summary), and everywhere a signal to the whole group (Ctrl-C in a terminal
 * or a Windows console, Ctrl-Break, systemd's SIGTERM to the service's
 * processes) reaches the workers too. So a worker ignores those signals and
 * counts only the primary's orders: the first drains, the second forces.
 *
 * @module
 */

import cluster, { type Worker } from "node:cluster";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { EchoError } from "../net/echo-error.js";
import { zeroEchoServerStats, type EchoServerStats } from "../server/echo-server.js";
import { clusterRegistry, serveMetrics } from "../server/metrics.js";
import { zeroUdpEchoStats, type UdpEchoStats } from "../server/udp-echo.js";
import { failureFromMessage, type ServeLog } from "./serve-log.js";

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

/** The signals that stop the server: Ctrl-C, a service manager's stop, and Windows' Ctrl-Break. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGBREAK"] as const;

/** The primary's order to a worker: the first drains, the second forces the stop. */
const STOP_ORDER = { tcpecho: "stop" };

/**
 * In a worker: calls `onOrder` for each stop order of the primary, and
 * tells the primary it may now send them (one sent earlier would be lost:
 * nobody listened yet).
 */
export function takeStopOrders(onOrder: () => void): void {
  process.on("message", (msg: { tcpecho?: unknown } | null) => {
    if (msg?.tcpecho === STOP_ORDER.tcpecho) onOrder();
  });
  process.send?.({ tcpecho: "ready" });
}

/** What the primary needs to know. */
export interface PrimaryOptions {
  workers: number;
  metrics: { host: string; port: number } | undefined;
  log: ServeLog;
}

/**
 * Runs the primary: forks, watches and stops the workers, then prints the
 * summary of them all. Resolves with the exit code once they all stopped:
 * that of a worker that could not start (1, or 2 for a usage error; the
 * primary reports its error, once for all), else 0.
 */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { workers, log } = options;
  let stopping = false;
  let signals = 0;
  // How many stop orders each worker is due (1 drains, 2 forces), and has been given.
  let due = 0;
  const given = new WeakMap<Worker, number>();
  const order = (worker: Worker) => {
    const sent = given.get(worker);
    if (sent === undefined) return; // not listening for orders yet: it gets them when it is
    for (let i = sent; i < due; i++) worker.send(STOP_ORDER);
    given.set(worker, Math.max(sent, due));
  };
  const deaths: number[] = [];
  const startedAt = performance.now();
  // A worker is named by its cluster id, never reused: a replacement is a new worker.
  const ids = new Map<Worker, number>();
  const listening = new WeakSet<Worker>();
  let failedToStart = false;
  let failure: { exitCode: number } | undefined;
  const counts = new Map<number, { stats: EchoServerStats; udp: UdpEchoStats | undefined }>();

  const onSignal = () => {
    signals++;
    stopping = true;
    // The first signal lets each worker drain; the second makes each of them force its stop.
    due = Math.min(signals, 2);
    for (const worker of ids.keys()) order(worker);
    if (signals >= 3) for (const worker of ids.keys()) worker.process.kill("SIGKILL");
  };
  // Ours from the start: a signal that came before its handler would end the primary on the spot.
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

  const fork = () => {
    const worker = cluster.fork();
    ids.set(worker, worker.id);
    // A message to a worker that already exited (a listen error sent as it died) fails with EPIPE;
    // its "exit" says all there is to say, so the channel's error must not end the primary.
    worker.on("error", () => {});
    worker.once("listening", () => {
      listening.add(worker);
      log.workerStarted(worker.id, worker.process.pid ?? 0);
    });
  };
  cluster.on("message", (worker, msg: WorkerMessage) => {
    if (msg?.tcpecho === "ready") {
      given.set(worker, 0);
      order(worker);
    }
    if (msg?.tcpecho === "stats" && msg.stats !== undefined)
      counts.set(worker.id, { stats: msg.stats, udp: msg.udp });
    if (msg?.tcpecho === "failed" && failure === undefined) {
      // Every worker fails alike (the port is taken): one report is enough.
      failure = { exitCode: msg.exitCode ?? 1 };
      log.failed(failureFromMessage(msg), failure.exitCode, {
        worker: worker.id,
        pid: worker.process.pid ?? 0,
      });
    }
  });

  const endpoint =
    options.metrics === undefined
      ? undefined
      : await (async () => {
          const registry = clusterRegistry();
          const m = options.metrics as { host: string; port: number };
          return serveMetrics(
            m.host,
            m.port,
            () => registry.clusterMetrics(),
            () => !stopping,
          ).catch((e: unknown) => {
            throw onPort(e, "--metrics");
          });
        })();
  log.workersStarting(workers);
  if (endpoint !== undefined) log.metrics(metricsUrl(endpoint.host, endpoint.port));
  ownAccept();
  for (let i = 0; i < workers; i++) fork();

  // What a worker sent before it exited may still be in the channel: its end comes after.
  const channelDrained = (worker: Worker) =>
    worker.isConnected() ? Promise.race([once(worker, "disconnect"), sleep(1000)]) : Promise.resolve();
  const allStopped = new Promise<void>((resolve) => {
    cluster.on(
      "exit",
      (worker, code, signal) => void channelDrained(worker).then(() => exited(worker, code, signal)),
    );
    const exited = (worker: Worker, code: number, signal: string) => {
      const id = ids.get(worker) ?? 0;
      ids.delete(worker);
      if (!stopping && !listening.has(worker)) {
        // It never got to listen (port in use, bad address...): replacing it would fail the same way.
        failedToStart = true;
        stopping = true;
        due = Math.max(due, 1);
        for (const w of ids.keys()) order(w);
      } else if (!stopping) {
        const now = Date.now();
        deaths.push(now);
        while (deaths.length > 0 && (deaths[0] as number) < now - DEATH_WINDOW_MS) deaths.shift();
        const replacing = deaths.length <= MAX_DEATHS;
        log.workerDied(id, worker.process.pid ?? 0, signal ?? `exit code ${code}`, replacing);
        if (replacing) fork();
      }
      if (ids.size === 0) resolve();
    };
  });

  await allStopped;
  await endpoint?.close();
  if (failedToStart) return failure?.exitCode ?? 1;
  log.workersStopped(workers);
  const tcp = [...counts.values()].map((c) => c.stats);
  log.stopped(
    { ...sumStats(tcp, zeroEchoServerStats()), uptimeMs: performance.now() - startedAt },
    counts.size,
  );
  const udp = [...counts.values()].flatMap((c) => (c.udp === undefined ? [] : [c.udp]));
  if (udp.length > 0) log.udpStopped(sumStats(udp, zeroUdpEchoStats()));
  return 0;
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

/** A listen error that says which of the server's ports it is about (`--port`, `--metrics`, `--udp`). */
export function onPort(err: unknown, option: string): unknown {
  return err instanceof EchoError && err.context.operation === "listen"
    ? new EchoError(err.code, { ...err.context, option }, { cause: err })
    : err;
}

/** The URL people can open for an endpoint. */
export function metricsUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}/metrics`;
}
