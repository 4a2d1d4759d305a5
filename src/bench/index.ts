/**
 * `tcpecho/bench`: the load generator (`bench`, `benchCompare`, `runLoad`),
 * its latency histograms and the merging of several machines' reports, with
 * the errors they count. It loads the client's code it shares, never the
 * server's (nor prom-client). `tcpecho` exports the same functions, and
 * everything else.
 *
 * @example
 * ```ts
 * import { bench } from "tcpecho/bench";
 * import { createEchoServer } from "tcpecho/server";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const { port } = await server.listen();
 * const report = await bench({ host: "127.0.0.1", port, connections: 2, count: 100 });
 * report.requests; // 100
 * await server.close();
 * ```
 *
 * @module
 */

export {
  bench,
  benchCompare,
  planBench,
  median,
  MAX_RATE,
  type BenchOptions,
  type BenchReport,
  type BenchErrors,
  type BenchProgress,
  type CompareEntry,
} from "./bench.js";
export { runLoad, type LoadPlan, type LoadCounts, type LoadResult, type LoadProgress } from "./load.js";
export {
  LatencyHistogram,
  percentileDistribution,
  HISTOGRAM_UNIT,
  type LatencySummary,
  type PercentilePoint,
} from "./latency-histogram.js";
export { mergeBenchReports } from "./merge.js";
export {
  readBenchJson,
  histogramJson,
  BenchFileError,
  HISTOGRAM_ENCODING,
  type BenchFileProblem,
  type BenchHistogramJson,
} from "./report-json.js";
export { Pattern } from "./pattern.js";
export { type ClientTls, type ClientTlsOptions } from "../net/client-tls.js";
export * from "../net/errors-and-addresses.js";
