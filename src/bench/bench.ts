/**
 * `bench`: load for any echo server, in one or more threads, and the report:
 * request rate, throughput, latency percentiles and every kind of error.
 *
 * @module
 */

import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { DEFAULT_PORT, parseHost, parsePort } from "../net/address.js";
import { clientTls, type ClientTls } from "../net/client-tls.js";
import { EchoError, type EchoErrorCode } from "../net/echo-error.js";
import { checkKeepAlive, checkNumber, MAX_TIMER_MS } from "../net/options.js";
import {
  addErrorCounts,
  errorCounts,
  noneCounted,
  type ConnectErrorCounts,
  type ErrorCounts,
} from "./error-counts.js";
import { LatencyHistogram, type LatencySummary } from "./latency-histogram.js";
import { emptyCounts, runLoad, type LoadCounts, type LoadPlan } from "./load.js";
import type { WorkerCommand, WorkerMessage } from "./worker.js";

/** Options of {@link bench}. */
export interface BenchOptions {
  host?: string;
  port?: number;
  /** Connections (default 50). */
  connections?: number;
  /** Message size in bytes (default 512, the notes' BUFSIZE). */
  size?: number;
  /** Messages in flight per connection (default 1: ping-pong). */
  pipeline?: number;
  /** Measured duration in ms (default 10000); ignored with `count`. */
  durationMs?: number;
  /** Complete this many messages instead of running for a duration. */
  count?: number;
  /** Hold a fixed request rate (messages per second, all connections together; at most {@link MAX_RATE}). */
  rate?: number;
  /** Saturate with one-way streams of `size`-byte writes instead of messages. */
  stream?: boolean;
  /** Worker threads (default 1). */
  threads?: number;
  /** Unmeasured time before measuring, ms (default 0). */
  warmupMs?: number;
  /** Connect timeout, ms (default 5000); with TLS it covers the handshake too. 0: none. */
  connectTimeoutMs?: number;
  /**
   * Speak TLS: `true` trusts the system's CAs; `{ ca }` trusts that CA or
   * self-signed certificate, `{ servername }` asks for and checks that name,
   * `{ insecure: true }` verifies nothing. A certificate that fails
   * verification fails the connections with `ERR_TLS_VERIFY` (counted in
   * `errors.connect`, explained in `connectError`).
   */
  tls?: ClientTls;
  /** TCP keepalive on each connection: probe after this many idle ms; 0 = off (default 60000). */
  keepAlive?: number;
  /** Called about once a second while running. */
  onProgress?: (p: BenchProgress) => void;
  /**
   * Stops the run early, as the end of its duration would (what is in
   * flight still gets its time to come back): the report is what was
   * measured until then. With several targets, no further run starts.
   */
  signal?: AbortSignal;
}

/** Progress, about once a second. */
export interface BenchProgress {
  elapsedMs: number;
  completed: number;
  bytes: number;
}

/** What went wrong, counted: connect failures by code, and each other kind. */
export interface BenchErrors extends ErrorCounts {
  connect: ConnectErrorCounts;
}

/**
 * The highest `rate` a run takes, requests per second: far beyond what one
 * machine's load generator sends, and low enough that a run's message
 * numbers stay exact.
 *
 * @example
 * ```ts
 * import { MAX_RATE } from "./bench.js";
 * MAX_RATE; // 1000000000
 * ```
 */
export const MAX_RATE = 1_000_000_000;

/**
 * From this event loop utilization of the load generator's busiest thread
 * up, a report says the load generator was near its limit.
 *
 * @example
 * ```ts
 * import { CLIENT_BUSY } from "./bench.js";
 * CLIENT_BUSY; // 0.9
 * ```
 */
export const CLIENT_BUSY = 0.9;

/** The result of one run. */
export interface BenchReport {
  host: string;
  port: number;
  mode: "pingpong" | "pipelined" | "rate" | "stream";
  connections: number;
  connected: number;
  size: number;
  pipeline: number;
  threads: number;
  rate: number | null;
  /** Over TLS. */
  tls: boolean;
  elapsedMs: number;
  /** Messages completed (stream mode: `size`-byte units echoed; use `bytes` there). */
  requests: number;
  /** Messages completed per second (stream mode: `size`-byte units; use `megabytesPerSecond` there). */
  requestsPerSecond: number;
  /** Echoed and checked bytes. */
  bytes: number;
  /** Echoed megabytes (10^6 bytes) per second. */
  megabytesPerSecond: number;
  /** Per-message latency; null in stream mode. */
  latency: LatencySummary | null;
  /**
   * Every latency sample (µs), all threads' merged; null in stream mode. Its
   * `encode()` is HdrHistogram's standard form, for merging with other runs
   * ({@link mergeBenchReports}) and HdrHistogram's tools.
   */
  latencyHistogram: LatencyHistogram | null;
  /**
   * How busy the load generator was while measuring: its busiest thread's
   * event loop utilization, 0 to 1. Near 1 (see {@link CLIENT_BUSY}), the
   * figures may be the load generator's limit rather than the server's.
   * Null when not known (a report read back from an older version).
   */
  clientBusy: number | null;
  errors: BenchErrors;
  /** No error of any kind. */
  ok: boolean;
  /** The first connect failure, explained. */
  connectError: EchoError | undefined;
}

/**
 * What a plan does, as reports name it: streams, messages at a fixed rate,
 * several in flight per connection, or one (ping-pong).
 *
 * @example
 * ```ts
 * import { benchMode } from "./bench.js";
 * benchMode({ stream: false, pipeline: 16 }); // "pipelined"
 * ```
 */
export function benchMode(plan: Pick<LoadPlan, "stream" | "rate" | "pipeline">): BenchReport["mode"] {
  if (plan.stream) return "stream";
  if (plan.rate !== undefined) return "rate";
  return plan.pipeline > 1 ? "pipelined" : "pingpong";
}

/** The TLS options as a plan carries them to a thread: the CA as text, which survives structured cloning. */
function planTls(option: ClientTls | undefined): LoadPlan["tls"] {
  const tls = clientTls(option);
  if (tls === null) return undefined;
  const ca = tls.ca;
  return { ...tls, ...(ca !== undefined && typeof ca !== "string" ? { ca: ca.toString("utf8") } : {}) };
}

/** Checks options and fills defaults: the plan of the whole run. */
export function planBench(options: BenchOptions): LoadPlan & { threads: number } {
  const stream = options.stream ?? false;
  const plan = {
    host: parseHost(options.host ?? "127.0.0.1"),
    port: parsePort(options.port ?? DEFAULT_PORT, 1),
    connections: checkNumber(options.connections ?? 50, "connections", { integer: true, min: 1 }),
    size: checkNumber(options.size ?? (stream ? 65_536 : 512), "size", {
      integer: true,
      min: 1,
      max: 16 * 1024 * 1024,
    }),
    pipeline: checkNumber(options.pipeline ?? 1, "pipeline", { integer: true, min: 1 }),
    durationMs: checkNumber(options.durationMs ?? 10_000, "durationMs", { integer: true, min: 1 }),
    count:
      options.count === undefined
        ? undefined
        : checkNumber(options.count, "count", { integer: true, min: 1 }),
    rate:
      options.rate === undefined
        ? undefined
        : // Two checks, so that a rate too high is told the maximum.
          checkNumber(checkNumber(options.rate, "rate", { positive: true }), "rate", { max: MAX_RATE }),
    stream,
    warmupMs: checkNumber(options.warmupMs ?? 0, "warmupMs", { integer: true }),
    connectTimeoutMs: checkNumber(options.connectTimeoutMs ?? 5000, "connectTimeoutMs", {
      integer: true,
      max: MAX_TIMER_MS,
    }),
    graceMs: 2000,
    threads: checkNumber(options.threads ?? 1, "threads", { integer: true, min: 1 }),
    tls: planTls(options.tls),
    keepAlive: checkKeepAlive(options.keepAlive),
  };
  if (plan.size * plan.pipeline > 64 * 1024 * 1024) {
    throw new EchoError("ERR_INVALID_OPTION", {
      value: `${plan.size} × ${plan.pipeline}`,
      reason: { kind: "in-flight" },
    });
  }
  plan.threads = Math.min(plan.threads, plan.connections);
  return plan;
}

/**
 * Runs a benchmark against one echo server and reports it. Rejects only for
 * bad options; network trouble is in the report (`ok: false`).
 *
 * @example
 * ```ts
 * import { bench, createEchoServer } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const { port } = await server.listen();
 * const r = await bench({ host: "127.0.0.1", port, connections: 50, size: 512, durationMs: 1000 });
 * console.log(r.requestsPerSecond, r.latency?.p99Us); // e.g. 60000 2100 (µs)
 * console.log(r.clientBusy); // e.g. 0.83: the load generator waited 17 % of the time
 * r.ok; // true: no error of any kind
 * await server.close();
 * ```
 */
export async function bench(options: BenchOptions): Promise<BenchReport> {
  const plan = planBench(options);
  const parts = splitPlan(plan);
  const started = Date.now();
  const progress = new Map<number, { completed: number; bytes: number }>();
  const tick = () => {
    let completed = 0;
    let bytes = 0;
    for (const p of progress.values()) {
      completed += p.completed;
      bytes += p.bytes;
    }
    options.onProgress?.({ elapsedMs: Date.now() - started, completed, bytes });
  };
  const results =
    parts.length === 1
      ? [
          await runLoad(
            parts[0] as LoadPlan,
            (p) => {
              progress.set(0, p);
              tick();
            },
            options.signal,
          ),
        ]
      : await Promise.all(
          parts.map((part, i) =>
            runInWorker(
              part,
              (p) => {
                progress.set(i, p);
                if (i === 0) tick();
              },
              options.signal,
            ),
          ),
        );
  const counts = emptyCounts();
  const latency = new LatencyHistogram();
  let connectError: EchoError | undefined;
  for (const r of results) {
    mergeCounts(counts, r.counts);
    latency.add(r.latency);
    connectError ??= r.connectError;
  }
  return report(plan, counts, latency, connectError);
}

function splitPlan(plan: LoadPlan & { threads: number }): LoadPlan[] {
  const parts: LoadPlan[] = [];
  let first = 0;
  // Each connection gets the same share of the rate; one schedule for every thread keeps their messages interleaved evenly.
  const rateEpoch = plan.rate !== undefined ? performance.timeOrigin + performance.now() : undefined;
  for (let t = 0; t < plan.threads; t++) {
    const share = (total: number) => Math.floor(total / plan.threads) + (t < total % plan.threads ? 1 : 0);
    const connections = share(plan.connections);
    parts.push({
      ...plan,
      connections,
      totalConnections: plan.connections,
      firstStream: first,
      count: plan.count === undefined ? undefined : share(plan.count),
      rate: plan.rate === undefined ? undefined : (plan.rate * connections) / plan.connections,
      rateEpoch,
    });
    first += connections;
  }
  return parts.filter((p) => p.count === undefined || p.count > 0);
}

function runInWorker(
  plan: LoadPlan,
  onProgress: (p: { completed: number; bytes: number }) => void,
  signal: AbortSignal | undefined,
): Promise<{ counts: LoadCounts; latency: LatencyHistogram; connectError: EchoError | undefined }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: plan });
    const stop = () => worker.postMessage("stop" satisfies WorkerCommand);
    if (signal?.aborted) stop();
    else signal?.addEventListener("abort", stop, { once: true });
    worker.on("exit", () => signal?.removeEventListener("abort", stop));
    worker.on("message", (m: WorkerMessage) => {
      if (m.kind === "progress") onProgress(m);
      else {
        const e = m.connectError;
        resolve({
          counts: m.counts,
          latency: LatencyHistogram.decode(m.latency, m.latencyMaxUs),
          connectError: e ? new EchoError(e.code as EchoErrorCode, e.context) : undefined,
        });
      }
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (code !== 0) reject(new Error(`a load thread exited with code ${code}`));
    });
  });
}

function mergeCounts(into: LoadCounts, c: LoadCounts): void {
  into.completed += c.completed;
  into.bytes += c.bytes;
  into.connected += c.connected;
  into.elapsedMs = Math.max(into.elapsedMs, c.elapsedMs);
  into.busy = Math.max(into.busy, c.busy);
  addErrorCounts(into, into.connectErrors, c, c.connectErrors);
}

function report(
  plan: LoadPlan & { threads: number },
  c: LoadCounts,
  latency: LatencyHistogram,
  connectError: EchoError | undefined,
): BenchReport {
  const seconds = c.elapsedMs / 1000;
  const errors: BenchErrors = { connect: c.connectErrors, ...errorCounts(c) };
  return {
    host: plan.host,
    port: plan.port,
    mode: benchMode(plan),
    connections: plan.connections,
    connected: c.connected,
    size: plan.size,
    pipeline: plan.pipeline,
    threads: plan.threads,
    rate: plan.rate ?? null,
    tls: plan.tls !== undefined,
    elapsedMs: c.elapsedMs,
    requests: c.completed,
    requestsPerSecond: seconds > 0 ? c.completed / seconds : 0,
    bytes: c.bytes,
    megabytesPerSecond: seconds > 0 ? c.bytes / 1e6 / seconds : 0,
    latency: plan.stream ? null : latency.summary(),
    latencyHistogram: plan.stream ? null : latency,
    clientBusy: c.busy,
    errors,
    ok: noneCounted(errors, errors.connect),
    connectError,
  };
}

/** One target's standing in a comparison. */
export interface CompareEntry {
  host: string;
  port: number;
  /** Median requests per second over the rounds. */
  requestsPerSecond: number;
  megabytesPerSecond: number;
  /**
   * Median of this target's rate over the first target's, per round, over
   * the rounds where the first measured anything; null when it never did
   * (nothing to compare with).
   */
  ratio: number | null;
  ok: boolean;
}

/**
 * Runs several targets in turn, A B A B …, `rounds` times, and compares each
 * with the first by the median of per-round ratios: one machine's absolute
 * figures drift between runs, ratios taken side by side drift much less.
 * Stopped by `options.signal`, it compares the runs made until then.
 *
 * @example
 * ```ts
 * // not run: needs echo servers on 127.0.0.1:9000 and 127.0.0.1:9001
 * import { benchCompare } from "tcpecho";
 * const { entries } = await benchCompare([{ port: 9000 }, { port: 9001 }], { durationMs: 3000 }, 3);
 * console.log(entries[1]?.ratio); // e.g. 0.93: the second is 7 % slower
 * ```
 */
export async function benchCompare(
  targets: { host?: string; port?: number }[],
  options: BenchOptions,
  rounds: number,
  onRun?: (round: number, target: number, report: BenchReport) => void,
): Promise<{ entries: CompareEntry[]; runs: BenchReport[][] }> {
  const runs: BenchReport[][] = targets.map(() => []);
  const stopped = () => options.signal?.aborted === true;
  for (let r = 0; r < rounds && !stopped(); r++) {
    for (let t = 0; t < targets.length && !stopped(); t++) {
      const report = await bench({ ...options, ...targets[t] });
      (runs[t] as BenchReport[]).push(report);
      onRun?.(r, t, report);
    }
  }
  const base = runs[0] as BenchReport[];
  const measure = options.stream
    ? (rep: BenchReport) => rep.megabytesPerSecond
    : (rep: BenchReport) => rep.requestsPerSecond;
  const entries = runs.map((reports, t) => {
    // The rounds where the first target measured something: a ratio to nothing is no ratio.
    const ratios = reports.flatMap((x, i) => {
      const b = base[i] as BenchReport;
      return measure(b) > 0 ? [measure(x) / measure(b)] : [];
    });
    // A target that never ran (stopped before its turn) is named as it was given.
    return {
      host: reports[0]?.host ?? targets[t]?.host ?? "127.0.0.1",
      port: reports[0]?.port ?? targets[t]?.port ?? DEFAULT_PORT,
      requestsPerSecond: median(reports.map((x) => x.requestsPerSecond)),
      megabytesPerSecond: median(reports.map((x) => x.megabytesPerSecond)),
      ratio: ratios.length > 0 ? median(ratios) : null,
      ok: reports.every((x) => x.ok),
    };
  });
  return { entries, runs };
}

/**
 * The median of some numbers (the mean of the middle two for an even count).
 *
 * @example
 * ```ts
 * import { median } from "tcpecho";
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
