/**
 * Load from several machines, one report: reading `tcpecho bench --json`
 * lines back into {@link BenchReport}s and merging them. Counts add up;
 * rates add up (each machine's over its own measured period: the usual
 * answer for load run at the same time from several machines); latency
 * percentiles come from the sum of the HDR histograms, exactly as if one
 * histogram had held every sample.
 *
 * @module
 */

import { EchoError, type EchoErrorCode, type EchoErrorContext } from "../net/echo-error.js";
import { ECHO_ERROR_CODES } from "../net/error-text.js";
import { addErrorCounts, type BenchErrors, type BenchReport } from "./bench.js";
import { HISTOGRAM_UNIT, LatencyHistogram } from "./latency-histogram.js";

/** How `bench --json` names the encoding of its `histogram.data`. */
export const HISTOGRAM_ENCODING = "HdrHistogram-V2-compressed-base64";

/** The latency histogram as `bench --json` carries it. */
export interface BenchHistogramJson {
  /** {@link HISTOGRAM_ENCODING}. */
  encoding: string;
  /** The unit of the values ("us": an encoded histogram carries none). */
  unit: string;
  /** 3: values are kept to 3 significant digits. */
  significantDigits: number;
  /** The encoded histogram, "HISTFAAA…". */
  data: string;
}

/**
 * The `histogram` member of a `bench --json` line.
 *
 * @example
 * ```ts
 * import { histogramJson, LatencyHistogram } from "tcpecho";
 * const h = new LatencyHistogram();
 * h.record(250);
 * histogramJson(h).unit; // "us"
 * histogramJson(h).data.startsWith("HISTFAAA"); // true
 * ```
 */
export function histogramJson(h: LatencyHistogram): BenchHistogramJson {
  return { encoding: HISTOGRAM_ENCODING, unit: HISTOGRAM_UNIT, significantDigits: 3, data: h.encode() };
}

/** Why a text is not a bench report that can be merged. */
export type BenchFileProblem =
  /** No line of JSON. */
  | "json"
  /** JSON, but not a `bench --json` report (`detail`: the field that is missing or wrong). */
  | "report"
  /** A comparison of several targets (`bench A B --json`), which has no histogram. */
  | "comparison"
  /** A report without a histogram (from a tcpecho before histograms were carried). */
  | "no-histogram"
  /** A histogram that does not decode (`detail`: why). */
  | "histogram"
  /** A histogram in another unit (`detail`: that unit). */
  | "unit"
  /** A histogram whose sample count differs from the report's (`detail`: "histogram/report"). */
  | "samples"
  /** A stream report among message reports, or the reverse: they measure different things. */
  | "mixed";

const PROBLEM_TEXT: Record<BenchFileProblem, (detail: string) => string> = {
  json: () => "no line of JSON in it",
  report: (d) => `not a report of tcpecho bench --json (${d})`,
  comparison: () => "a comparison of several targets, which carries no histogram: run one target per file",
  "no-histogram": () => "a report without a latency histogram (made by an older tcpecho?)",
  histogram: (d) => `its latency histogram does not decode: ${d}`,
  unit: (d) => `its latency histogram is in ${d}, not in ${HISTOGRAM_UNIT}`,
  samples: (d) => `its histogram and its latency disagree on the number of samples (${d})`,
  mixed: () => "a stream report cannot be merged with message reports (or the reverse)",
};

/**
 * A text that is not a mergeable bench report; `problem` says why in a word
 * a program can switch on, `message` in English.
 *
 * @example
 * ```ts
 * import { BenchFileError, readBenchJson } from "tcpecho";
 * try {
 *   readBenchJson("hello");
 * } catch (err) {
 *   if (err instanceof BenchFileError) console.log(err.problem); // "json"
 * }
 * ```
 */
export class BenchFileError extends Error {
  override readonly name = "BenchFileError";
  readonly problem: BenchFileProblem;
  readonly detail: string;
  /** With {@link mergeBenchReports}: the index of the report at fault. */
  readonly index: number | undefined;

  constructor(problem: BenchFileProblem, detail = "", index?: number) {
    super(PROBLEM_TEXT[problem](detail));
    this.problem = problem;
    this.detail = detail;
    this.index = index;
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function field<T>(o: Json, name: string, check: (v: unknown) => v is T, what: string): T {
  const v = o[name];
  if (!check(v)) throw new BenchFileError("report", `${name}: ${what}`);
  return v;
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;
const isString = (v: unknown): v is string => typeof v === "string";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const MODES: ReadonlySet<string> = new Set(["pingpong", "pipelined", "rate", "stream"]);
const isMode = (v: unknown): v is BenchReport["mode"] => typeof v === "string" && MODES.has(v);
const CODES: ReadonlySet<string> = new Set(ECHO_ERROR_CODES);

function readErrors(o: Json): BenchErrors {
  const e = field(o, "errors", isObject, "an object");
  const connect: BenchErrors["connect"] = {};
  for (const [code, n] of Object.entries(field(e, "connect", isObject, "an object"))) {
    if (!CODES.has(code) || !isCount(n)) throw new BenchFileError("report", `errors.connect.${code}`);
    connect[code as EchoErrorCode] = n;
  }
  const count = (name: string) => field(e, name, isCount, "a count");
  return {
    connect,
    resets: count("resets"),
    closedEarly: count("closedEarly"),
    corruptedBytes: count("corruptedBytes"),
    missingBytes: count("missingBytes"),
    extraBytes: count("extraBytes"),
    // Not in reports of a tcpecho from before it was counted.
    neverEchoed: e.neverEchoed === undefined ? 0 : count("neverEchoed"),
  };
}

function readHistogram(o: Json): LatencyHistogram {
  const h = o.histogram;
  if (h === undefined || h === null) throw new BenchFileError("no-histogram");
  if (!isObject(h)) throw new BenchFileError("report", "histogram: an object");
  if (h.unit !== HISTOGRAM_UNIT) throw new BenchFileError("unit", String(h.unit));
  if (h.encoding !== HISTOGRAM_ENCODING)
    throw new BenchFileError("histogram", `encoding ${String(h.encoding)}`);
  const data = field(h, "data", isString, "text");
  const latency = field(o, "latency", isObject, "an object");
  const maxMs = latency.maxMs;
  let hist: LatencyHistogram;
  try {
    // The report's maximum is exact; the histogram's only to its bucket.
    hist = LatencyHistogram.decode(data, isNumber(maxMs) ? Math.round(maxMs * 1000) : undefined);
  } catch (err) {
    throw new BenchFileError("histogram", err instanceof Error ? err.message : String(err));
  }
  const samples = field(latency, "samples", isCount, "a count");
  if (hist.count !== samples) throw new BenchFileError("samples", `${hist.count}/${samples}`);
  return hist;
}

/**
 * Reads back the report in a `tcpecho bench --json` output: the last line of
 * `text` that is a JSON object (the output of `bench merge --json` too, so
 * merged reports merge again). Throws a {@link BenchFileError} for anything
 * else. Latency is recomputed from the decoded histogram.
 *
 * @example
 * ```ts
 * // not run: needs a file from `tcpecho bench --json > a.json`
 * import { readBenchJson } from "tcpecho";
 * import { readFileSync } from "node:fs";
 * const report = readBenchJson(readFileSync("a.json", "utf8"));
 * console.log(report.requests, report.latency?.p99Us);
 * ```
 */
export function readBenchJson(text: string): BenchReport {
  const line = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("{"))
    .at(-1);
  let o: unknown;
  try {
    if (line === undefined) throw new Error("no JSON");
    o = JSON.parse(line);
  } catch {
    throw new BenchFileError("json");
  }
  if (!isObject(o)) throw new BenchFileError("json");
  if ("rounds" in o && "targets" in o) throw new BenchFileError("comparison");
  const mode = field(o, "mode", isMode, "pingpong, pipelined, rate or stream");
  const elapsedMs = field(o, "elapsedMs", isNumber, "a number");
  const bytes = field(o, "bytes", isCount, "a count");
  const stream = mode === "stream";
  const requests = stream ? 0 : field(o, "requests", isCount, "a count");
  const latencyHistogram = stream ? null : readHistogram(o);
  const rate = o.rate;
  const ce = o.connectError;
  const connectError =
    isObject(ce) && typeof ce.code === "string" && CODES.has(ce.code)
      ? new EchoError(ce.code as EchoErrorCode, isObject(ce.context) ? (ce.context as EchoErrorContext) : {})
      : undefined;
  const seconds = elapsedMs / 1000;
  return {
    host: field(o, "host", isString, "text"),
    port: field(o, "port", isCount, "a port"),
    mode,
    connections: field(o, "connections", isCount, "a count"),
    connected: field(o, "connected", isCount, "a count"),
    size: field(o, "size", isCount, "a count"),
    pipeline: field(o, "pipeline", isCount, "a count"),
    threads: field(o, "threads", isCount, "a count"),
    rate: isNumber(rate) ? rate : null,
    tls: field(o, "tls", isBoolean, "true or false"),
    elapsedMs,
    requests,
    requestsPerSecond: seconds > 0 ? requests / seconds : 0,
    bytes,
    megabytesPerSecond: seconds > 0 ? bytes / 1e6 / seconds : 0,
    latency: latencyHistogram?.summary() ?? null,
    latencyHistogram,
    clientBusy: isNumber(o.clientBusy) ? o.clientBusy : null,
    errors: readErrors(o),
    ok: field(o, "ok", isBoolean, "true or false"),
    connectError,
  };
}

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
  const errors: BenchErrors = {
    connect: {},
    resets: 0,
    closedEarly: 0,
    corruptedBytes: 0,
    missingBytes: 0,
    extraBytes: 0,
    neverEchoed: 0,
  };
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
