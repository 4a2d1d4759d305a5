/**
 * `tcpecho serve --workers N`: the primary process forks N workers that
 * share the listening port (node:cluster), replaces a worker that dies, and
 * on SIGINT/SIGTERM lets every worker drain and stop. With `--metrics`, the
 * primary serves the sum of all workers' metrics.
 *
 * @module
 */

import cluster, { type Worker } from "node:cluster";
import { clusterRegistry, serveMetrics } from "../server/metrics.js";
import type { ServeLog } from "./serve-log.js";

// A worker that dies this many times within the window is not replaced again: it would only crash-loop.
const MAX_DEATHS = 5;
const DEATH_WINDOW_MS = 10_000;

/** What the primary needs to know. */
export interface PrimaryOptions {
  workers: number;
  metrics: { host: string; port: number } | undefined;
  log: ServeLog;
}

/**
 * Runs the primary: forks, watches and stops the workers. Resolves with the
 * exit code once they all stopped: 1 if a worker could not start (its own
 * error line says why), else 0.
 */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { workers, log } = options;
  let stopping = false;
  let signals = 0;
  const deaths: number[] = [];
  const ids = new Map<Worker, number>();
  const listening = new WeakSet<Worker>();
  let failedToStart = false;
  let nextId = 1;

  const fork = (id: number) => {
    const worker = cluster.fork({ TCPECHO_WORKER_ID: String(id) });
    ids.set(worker, id);
    worker.once("listening", () => {
      listening.add(worker);
      log.workerStarted(id, worker.process.pid ?? 0);
    });
  };

  log.workersStarting(workers);
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
          );
        })();
  if (endpoint !== undefined) log.metrics(metricsUrl(endpoint.host, endpoint.port));
  for (let i = 0; i < workers; i++) fork(nextId++);

  const allStopped = new Promise<void>((resolve) => {
    cluster.on("exit", (worker, code, signal) => {
      const id = ids.get(worker) ?? 0;
      ids.delete(worker);
      if (!stopping && !listening.has(worker)) {
        // It never got to listen (port in use, bad address...): replacing it would fail the same way.
        failedToStart = true;
        stopping = true;
        for (const w of ids.keys()) w.process.kill("SIGTERM");
      } else if (!stopping) {
        const now = Date.now();
        deaths.push(now);
        while (deaths.length > 0 && (deaths[0] as number) < now - DEATH_WINDOW_MS) deaths.shift();
        const replacing = deaths.length <= MAX_DEATHS;
        log.workerDied(id, worker.process.pid ?? 0, signal ?? `exit code ${code}`, replacing);
        if (replacing) fork(id);
      }
      if (ids.size === 0) resolve();
    });
  });

  const onSignal = () => {
    signals++;
    stopping = true;
    // The first signal lets each worker drain; the second makes each of them force its stop.
    for (const worker of ids.keys()) worker.process.kill("SIGTERM");
    if (signals >= 3) for (const worker of ids.keys()) worker.process.kill("SIGKILL");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  await allStopped;
  await endpoint?.close();
  if (failedToStart) return 1;
  log.workersStopped(workers);
  return 0;
}

/** The URL people can open for an endpoint. */
export function metricsUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}/metrics`;
}
