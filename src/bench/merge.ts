/**
 * Load from several machines, one report: {@link BenchReport}s (read back
 * from `tcpecho bench --json` lines by `report-json.ts`) merged. Counts add
 * up; rates add up (each machine's over its own measured period: the usual
 * answer for load run at the same time from several machines); latency
 * percentiles come from the sum of the HDR histograms, exactly as if one
 * histogram had held every sample.
 *
 * @module
 */

import type { EchoError } from "../net/echo-error.js";
import type { BenchErrors, BenchReport } from "./bench.js";
import { addErrorCounts, noErrors } from "./error-counts.js";
import { LatencyHistogram } from "./latency-histogram.js";
import { BenchFileError } from "./report-json.js";

/**
 * One report of load run at the same time from several machines (or
 * processes): counts, bytes and errors add up; `requestsPerSecond` and
 * `megabytesPerSecond` are the sums of each report's own rate; `elapsedMs`
 * is the longest; latency comes from the sum of the histograms;
 * `clientBusy` is the busiest load generator's. Host, port,
 * size and pipeline are the first report's. Throws a {@link BenchFileError}
 * ("mixed", with `index`) when stream and message reports meet.
 *
 * @example
 * ```ts
 * import { bench, createEchoServer, mergeBenchReports } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const { port } = await server.listen();
 * const a = await bench({ port, connections: 2, count: 100 });
 * const b = await bench({ port, connections: 2, count: 50 });
 * const both = mergeBenchReports([a, b]);
 * both.requests; // 150
 * both.latency?.samples; // 150
 * await server.close();
 * ```
 */
export function mergeBenchReports(reports: readonly BenchReport[]): BenchReport {
  const first = reports[0];
  if (first === undefined) throw new RangeError("mergeBenchReports: no report");
  const stream = first.mode === "stream";
  const hist = new LatencyHistogram();
  const errors: BenchErrors = { connect: {}, ...noErrors() };
  const sum = { connections: 0, connected: 0, threads: 0, requests: 0, bytes: 0, rps: 0, mbps: 0, rate: 0 };
  let elapsedMs = 0;
  let connectError: EchoError | undefined;
  reports.forEach((r, i) => {
    if ((r.mode === "stream") !== stream) throw new BenchFileError("mixed", "", i);
    sum.connections += r.connections;
    sum.connected += r.connected;
    sum.threads += r.threads;
    sum.requests += r.requests;
    sum.bytes += r.bytes;
    sum.rps += r.requestsPerSecond;
    sum.mbps += r.megabytesPerSecond;
    sum.rate += r.rate ?? 0;
    elapsedMs = Math.max(elapsedMs, r.elapsedMs);
    if (r.latencyHistogram) hist.add(r.latencyHistogram);
    connectError ??= r.connectError;
    addErrorCounts(errors, errors.connect, r.errors, r.errors.connect);
  });
  return {
    host: first.host,
    port: first.port,
    mode: reports.every((r) => r.mode === first.mode) ? first.mode : stream ? "stream" : "pingpong",
    connections: sum.connections,
    connected: sum.connected,
    size: first.size,
    pipeline: first.pipeline,
    threads: sum.threads,
    rate: reports.every((r) => r.rate !== null) ? sum.rate : null,
    tls: reports.every((r) => r.tls),
    elapsedMs,
    requests: sum.requests,
    requestsPerSecond: sum.rps,
    bytes: sum.bytes,
    megabytesPerSecond: sum.mbps,
    latency: stream ? null : hist.summary(),
    latencyHistogram: stream ? null : hist,
    // The busiest of the machines' load generators.
    clientBusy: reports.reduce<number | null>(
      (busiest, r) => (r.clientBusy === null ? busiest : Math.max(busiest ?? 0, r.clientBusy)),
      null,
    ),
    errors,
    ok: reports.every((r) => r.ok),
    connectError,
  };
}
