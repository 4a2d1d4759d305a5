/**
 * A bench report's JSON, both ways: {@link benchReportJson} makes the object
 * `tcpecho bench --json` prints as its last line (`bench merge --json` too,
 * with `reports` and `targets` added), {@link readBenchJson} reads it back
 * into a {@link BenchReport}, so that `bench merge` can add reports up. Every
 * time in it is in milliseconds, named so (`p50Ms`, `elapsedMs`), but the
 * encoded latency histogram's values, µs as its `unit` says.
 *
 * Versions: the shape only grows (members are added, never renamed or
 * retyped). Members added after the first reports, and how a report from
 * before each one reads: `histogram` (refused: such a report cannot be
 * merged), `errors.neverEchoed` (0), `clientBusy` (null: not known).
 *
 * @module
 */

import { EchoError, type EchoErrorCode, type EchoErrorContext } from "../net/echo-error.js";
import { formatEndpoint } from "../net/endpoint.js";
import { ECHO_ERROR_CODES } from "../net/error-text.js";
import type { BenchErrors, BenchReport, CompareEntry } from "./bench.js";
import { ERROR_KINDS, noErrors } from "./error-counts.js";
import { HISTOGRAM_UNIT, LatencyHistogram, type LatencySummary } from "./latency-histogram.js";

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

/** Milliseconds to the microsecond. */
function msOf(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The `latency` member: times in ms; null where no message came back. */
function latencyJson(l: LatencySummary): Record<string, number | null> {
  const time = (us: number) => (l.samples > 0 ? msOf(us / 1000) : null);
  return {
    samples: l.samples,
    minMs: time(l.minUs),
    meanMs: time(l.meanUs),
    p50Ms: time(l.p50Us),
    p90Ms: time(l.p90Us),
    p99Ms: time(l.p99Us),
    p999Ms: time(l.p999Us),
    maxMs: time(l.maxUs),
  };
}

/**
 * The report as `bench --json` prints it, one object; {@link readBenchJson}
 * reads it back. `errorText` words the first connect failure (the command
 * line's English, which names its flags; default: the library's message).
 *
 * @example
 * ```ts
 * import { createEchoServer } from "tcpecho";
 * import { bench } from "./bench.js";
 * import { benchReportJson, readBenchJson } from "./report-json.js";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const { port } = await server.listen();
 * const json = benchReportJson(await bench({ port, connections: 2, count: 100 }));
 * json.requests; // 100
 * readBenchJson(JSON.stringify(json)).requests; // 100
 * await server.close();
 * ```
 */
export function benchReportJson(
  r: BenchReport,
  errorText: (e: EchoError) => string = (e) => e.message,
): Record<string, unknown> {
  const stream = r.mode === "stream";
  const seconds = r.elapsedMs / 1000;
  return {
    target: formatEndpoint(r.host, r.port),
    host: r.host,
    port: r.port,
    mode: r.mode,
    connections: r.connections,
    connected: r.connected,
    size: r.size,
    pipeline: r.pipeline,
    threads: r.threads,
    rate: r.rate,
    tls: r.tls,
    elapsedMs: msOf(r.elapsedMs),
    // A stream has no requests: its measure is bytes per second.
    ...(stream ? {} : { requests: r.requests, requestsPerSecond: r.requestsPerSecond }),
    bytes: r.bytes,
    bytesPerSecond: seconds > 0 ? r.bytes / seconds : 0,
    megabytesPerSecond: r.megabytesPerSecond,
    latency: r.latency === null ? null : latencyJson(r.latency),
    // Every sample, µs, in HdrHistogram's standard encoding: what `bench merge` adds up.
    histogram: r.latencyHistogram === null ? null : histogramJson(r.latencyHistogram),
    // The busiest load thread's event loop utilization, 0 to 1: near 1, the client was the limit.
    clientBusy: r.clientBusy === null ? null : Math.round(r.clientBusy * 1000) / 1000,
    errors: r.errors,
    ok: r.ok,
    connectError: r.connectError
      ? {
          code: r.connectError.code,
          message: errorText(r.connectError),
          // So that `bench merge` can say it again, in the reader's language.
          context: r.connectError.context,
        }
      : null,
  };
}

/**
 * The object `bench A B … --json` prints: each target's medians and its
 * ratio to the first. {@link readBenchJson} refuses it by its `rounds` and
 * `targets` (a comparison carries no histogram to merge).
 *
 * @example
 * ```ts
 * import { compareJson } from "./report-json.js";
 * const a = { host: "::1", port: 9000, requestsPerSecond: 1000, megabytesPerSecond: 0.5, ratio: 1, ok: true };
 * compareJson([a], 3, false).rounds; // 3
 * ```
 */
export function compareJson(
  entries: readonly CompareEntry[],
  rounds: number,
  stream: boolean,
): Record<string, unknown> {
  return {
    rounds,
    targets: entries.map((e) => ({
      host: e.host,
      port: e.port,
      // A stream has no requests: its measure is MB/s.
      ...(stream ? {} : { requestsPerSecond: e.requestsPerSecond }),
      megabytesPerSecond: e.megabytesPerSecond,
      ratio: e.ratio,
      ok: e.ok,
      target: formatEndpoint(e.host, e.port),
    })),
  };
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
  const counts = noErrors();
  // Not in reports of a tcpecho from before it was counted.
  const optional = (kind: string) => kind === "neverEchoed" && e[kind] === undefined;
  for (const kind of ERROR_KINDS) counts[kind] = optional(kind) ? 0 : field(e, kind, isCount, "a count");
  return { connect, ...counts };
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
  if ("rounds" in o && "targets" in o) throw new BenchFileError("comparison"); // compareJson's
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
