/**
 * `tcpecho bench`: load for any echo server, and the numbers a benchmarker
 * wants. The text report ends with its errors (none, or each kind counted);
 * with `--json` the last line is one JSON object, every time in it in
 * milliseconds named so (`p50Ms`, `elapsedMs`) but the encoded latency
 * histogram's values, µs as its `unit` says.
 *
 * @module
 */

import { writeFileSync } from "node:fs";
import { Option, type Command } from "commander";
import {
  bench,
  benchCompare,
  benchMode,
  CLIENT_BUSY,
  MAX_RATE,
  planBench,
  type BenchOptions,
  type BenchProgress,
  type BenchReport,
} from "../bench/bench.js";
import type { LatencyHistogram } from "../bench/latency-histogram.js";
import { benchReportJson, compareJson } from "../bench/report-json.js";
import { benchMessages, type BenchMessages } from "../i18n/bench.js";
import { errorMessages } from "../i18n/errors.js";
import { EchoError } from "../net/echo-error.js";
import { formatEndpoint } from "../net/endpoint.js";
import { parseCount, parseDuration, parsePositiveDuration } from "../net/options.js";
import {
  addAddressOptions,
  TARGETS_ARGUMENT,
  targetsFromCli,
  type AddressCliOptions,
} from "./address-options.js";
import { fileProblem, parsePlotFile, writableFile, writeBenchPlot, type PlotFile } from "./bench-plot.js";
import { addConnectionOptions, tlsFromCli, type ConnectionCliOptions } from "./connection-options.js";
import { openTerminal, type Terminal } from "./terminal.js";

interface BenchCliOptions extends ConnectionCliOptions, AddressCliOptions {
  connections: number;
  size?: number;
  pipeline: number;
  duration: number;
  count?: number;
  rate?: number;
  stream?: boolean;
  threads: number;
  warmup: number;
  timeout: number;
  rounds: number;
  json?: boolean;
  plot?: PlotFile;
  hgrm?: string;
  lang?: string;
}

/** Adds `bench` to the program. */
export function registerBench(program: Command): void {
  const cmd = program
    .command("bench")
    .description(
      "load generator for any echo server: request rate, throughput, latency, and every echoed byte checked",
    )
    .argument("[targets...]", TARGETS_ARGUMENT);
  addOutputOptions(addLoadOptions(cmd));
  addConnectionOptions(cmd).addHelpText("after", BENCH_EXAMPLES).action(benchAction);
}

/** The options that shape the load: the connections, what they send, for how long. */
function addLoadOptions(cmd: Command): Command {
  return addAddressOptions(cmd)
    .addOption(
      new Option("-c, --connections <n>", "connections")
        .default(50)
        .argParser((v) => parseCount(v, "--connections", 1, 100_000)),
    )
    .addOption(
      // Its default depends on --stream, so commander cannot hold it: said in the description.
      new Option(
        "-s, --size <bytes>",
        "message size; with --stream, the size of each write (default: 512, with --stream 65536)",
      ).argParser((v) => parseCount(v, "--size", 1, 16 * 1024 * 1024)),
    )
    .addOption(
      new Option("--pipeline <n>", "messages in flight per connection")
        .default(1)
        .argParser((v) => parseCount(v, "--pipeline", 1, 65_536)),
    )
    .addOption(
      new Option("-d, --duration <duration>", "how long to measure")
        .default(10_000, "10s")
        .argParser((v) => parsePositiveDuration(v, "--duration")),
    )
    .addOption(
      new Option("-n, --count <n>", "complete this many messages instead of a duration (not with -d)")
        .conflicts("duration")
        .argParser((v) => parseCount(v, "--count", 1)),
    )
    .addOption(
      new Option(
        "--rate <per-second>",
        `hold this request rate (all connections together, at most ${MAX_RATE}); latency counts from when each message was due`,
      ).argParser((v) => parseCount(v, "--rate", 1, MAX_RATE)),
    )
    .option("--stream", "saturate: each connection streams writes and reads the echo back (MB/s)")
    .addOption(
      new Option("--threads <n>", "worker threads generating load")
        .default(1)
        .argParser((v) => parseCount(v, "--threads", 1, 256)),
    )
    .addOption(
      new Option("--warmup <duration>", "unmeasured time before measuring")
        .default(0, "0s")
        .argParser((v) => parseDuration(v, "--warmup")),
    )
    .addOption(
      new Option(
        "-t, --timeout <duration>",
        "connect timeout; with --tls, the handshake included; 0: no timeout",
      )
        .default(5000, "5s")
        .argParser((v) => parseDuration(v, "--timeout")),
    );
}

/** The options for what becomes of the results: a comparison's rounds, JSON, files. */
function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--rounds <n>", "with several targets: rounds of A B A B …")
        .default(3)
        .argParser((v) => parseCount(v, "--rounds", 1, 1000)),
    )
    .option("--json", "print one JSON object as the last line (times in ms, the latency histogram included)")
    .addOption(
      new Option(
        "--hgrm <file>",
        "write the latency percentile distribution to FILE in HdrHistogram's .hgrm format (ms); one target",
      ).argParser((v) => writableFile(v, "--hgrm")),
    )
    .addOption(
      new Option("--plot <file>", "draw the latency percentile curve to FILE.svg or FILE.png").argParser(
        parsePlotFile,
      ),
    );
}

const BENCH_EXAMPLES = `
Examples:
  tcpecho bench 127.0.0.1:9000                        50 connections, 512-byte ping-pong, 10 s
  tcpecho bench :9000 -c 1000 -s 64 -d 5s             many connections, small messages
  tcpecho bench 127.0.0.1:9000 --pipeline 16 -s 64    16 messages in flight per connection
  tcpecho bench 127.0.0.1:9000 --rate 20000 -c 20     a fixed rate; latency includes queueing
  tcpecho bench 127.0.0.1:9000 --stream -c 4          throughput of 64 KiB streams
  tcpecho bench 127.0.0.1:9000 127.0.0.1:9001 -d 3s   A B A B A B, reported as ratios to the first
  tcpecho bench localhost:9000 --tls --tls-ca cert.pem over TLS, trusting that certificate
  tcpecho bench :9000 :9001 --plot latency.svg        both latency curves on one chart
  tcpecho bench 10.0.0.5:9000 --json > a.json         on each load machine, then:
  tcpecho bench merge a.json b.json                   one report: counts and rates summed, merged percentiles

Every echoed byte is checked; corrupted, missing or extra bytes make the exit code 1.
Ctrl-C prints the report of what was measured so far, exit code 130.`;

/** `tcpecho bench TARGET…`: checks the command line, then runs. */
async function benchAction(targets: string[], _opts: unknown, command: Command): Promise<void> {
  const opts = command.optsWithGlobals<BenchCliOptions>();
  const parsed = targetsFromCli(targets, opts);
  const options = benchOptions(opts);
  refuseCombinations(opts, targets, parsed.length);
  planBench({ ...options, ...parsed[0] }); // bad combinations fail before any connection
  const t = openTerminal(opts.lang);
  const tls = tlsFromCli(opts, () => t.note(t.messages.tlsInsecure));
  if (tls !== undefined) options.tls = tls;
  const code = await runBench(t, parsed, options, opts);
  if (code !== 0) process.exitCode = code;
}

/** The library's options from the command line's. */
function benchOptions(opts: BenchCliOptions): BenchOptions {
  return {
    connections: opts.connections,
    pipeline: opts.pipeline,
    durationMs: opts.duration,
    stream: opts.stream ?? false,
    threads: opts.threads,
    warmupMs: opts.warmup,
    connectTimeoutMs: opts.timeout,
    keepAlive: Math.round(opts.keepalive),
    ...(opts.size !== undefined ? { size: opts.size } : {}),
    ...(opts.count !== undefined ? { count: opts.count } : {}),
    ...(opts.rate !== undefined ? { rate: opts.rate } : {}),
  };
}

/** Flags that cannot go together, refused before any connection. */
function refuseCombinations(opts: BenchCliOptions, targets: string[], count: number): void {
  if (opts.stream && opts.rate !== undefined)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: "--stream --rate",
      reason: { kind: "stream-has-none", flag: "--rate" },
    });
  if (opts.stream && opts.plot !== undefined)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: "--stream --plot",
      reason: { kind: "stream-has-none", flag: "--plot" },
    });
  if (opts.stream && opts.hgrm !== undefined)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: "--stream --hgrm",
      reason: { kind: "stream-has-none", flag: "--hgrm" },
    });
  // An .hgrm file holds one distribution; several targets are compared on one chart with --plot.
  if (opts.hgrm !== undefined && count > 1)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: targets.join(" "),
      reason: { kind: "hgrm-one-target" },
    });
}

function ms(us: number): string {
  const v = us / 1000;
  return `${v < 1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
}

/**
 * Runs the bench; Ctrl-C ends the run as its duration would, the report
 * says what was measured until then, and the exit code is 130. A second
 * Ctrl-C ends the process at once.
 */
async function runBench(
  t: Terminal,
  targets: { host: string; port: number }[],
  options: BenchOptions,
  opts: BenchCliOptions,
): Promise<number> {
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  try {
    const code = await runTargets(t, targets, { ...options, signal: stop.signal }, opts);
    if (!stop.signal.aborted) return code;
    t.note(benchMessages[t.lang].interrupted);
    return 130;
  } finally {
    process.off("SIGINT", onSignal);
  }
}

/** What running the targets needs: the terminal, its words, the options, the progress line. */
interface BenchRun {
  t: Terminal;
  b: BenchMessages;
  options: BenchOptions;
  opts: BenchCliOptions;
  progress: ProgressLine;
}

async function runTargets(
  t: Terminal,
  targets: { host: string; port: number }[],
  options: BenchOptions,
  opts: BenchCliOptions,
): Promise<number> {
  const b = benchMessages[t.lang];
  const run = { t, b, options, opts, progress: new ProgressLine(b, options, opts) };
  if (targets.length === 1) return runOne(run, targets[0] as { host: string; port: number });
  return runCompare(run, targets);
}

/** One target: its report (text or JSON), then the --plot and --hgrm files. */
async function runOne(run: BenchRun, target: { host: string; port: number }): Promise<number> {
  const { t, b, options, opts } = run;
  if (!opts.json) t.out(headerLine(b, target, options));
  const report = await bench({ ...run.progress.options(), ...target });
  run.progress.clear();
  if (opts.json) t.out(JSON.stringify(reportJson(report)));
  else printReport(t, b, report);
  const { plot, hgrm } = opts;
  const histogram = report.latencyHistogram;
  const drawn =
    plot === undefined ||
    (await written(t, plot.path, () => writeBenchPlot(t, plot, [[report]], options, 1)));
  const kept =
    hgrm === undefined || histogram === null || (await written(t, hgrm, () => writeHgrm(hgrm, histogram)));
  return report.ok && drawn && kept ? 0 : 1;
}

/** Several targets, A B A B …: a line per run, then the comparison (text or JSON), then --plot. */
async function runCompare(run: BenchRun, targets: { host: string; port: number }[]): Promise<number> {
  const { t, b, options, opts } = run;
  const rounds = opts.rounds;
  if (!opts.json) for (const target of targets) t.out(headerLine(b, target, options));
  const { entries, runs } = await benchCompare(targets, run.progress.options(), rounds, (r, _i, report) => {
    run.progress.clear();
    if (!opts.json) printRound(t, b, r, report);
  });
  if (opts.json) t.out(JSON.stringify(compareJson(entries, rounds, options.stream === true)));
  else {
    t.out("");
    t.out(options.stream ? b.compareHeaderStream : b.compareHeader);
    entries.forEach((e, i) => {
      const target = formatEndpoint(e.host, e.port);
      t.out(
        options.stream
          ? b.compareRowStream(target, e.megabytesPerSecond, e.ratio, i === 0)
          : b.compareRow(target, e.requestsPerSecond, e.megabytesPerSecond, e.ratio, i === 0),
      );
    });
  }
  const plot = opts.plot;
  const drawn =
    plot === undefined || (await written(t, plot.path, () => writeBenchPlot(t, plot, runs, options, rounds)));
  return entries.every((e) => e.ok) && drawn ? 0 : 1;
}

/** One run of a comparison, in a line (and its errors, if any). */
function printRound(t: Terminal, b: BenchMessages, r: number, report: BenchReport): void {
  const target = formatEndpoint(report.host, report.port);
  t.out(
    report.mode === "stream"
      ? b.roundStream(r + 1, target, report.megabytesPerSecond, report.ok)
      : b.round(
          r + 1,
          target,
          report.requestsPerSecond,
          report.latency && report.latency.samples > 0 ? ms(report.latency.p99Us) : "-",
          report.ok,
        ),
  );
  if (!report.ok) printErrors(t, b, report);
}

/** Progress on standard error, one line rewritten about once a second: on a terminal only, never with --json. */
class ProgressLine {
  readonly #b: BenchMessages;
  readonly #options: BenchOptions;
  readonly #on: boolean;

  constructor(b: BenchMessages, options: BenchOptions, opts: BenchCliOptions) {
    this.#b = b;
    this.#options = options;
    this.#on = process.stderr.isTTY === true && !opts.json;
  }

  /** The options of a run, with its progress shown (each run counts from its own start). */
  options(): BenchOptions {
    if (!this.#on) return this.#options;
    const last = { completed: 0, bytes: 0, at: 0 };
    return { ...this.#options, onProgress: (p) => this.#show(p, last) };
  }

  clear(): void {
    if (this.#on) process.stderr.write("\r\x1b[2K");
  }

  #show(p: BenchProgress, last: { completed: number; bytes: number; at: number }): void {
    const b = this.#b;
    const dt = (p.elapsedMs - last.at) / 1000;
    if (dt > 0)
      process.stderr.write(
        `\r\x1b[2K${
          this.#options.stream
            ? b.progressStream(Math.round(p.elapsedMs / 1000), (p.bytes - last.bytes) / 1e6 / dt)
            : b.progress(
                Math.round(p.elapsedMs / 1000),
                (p.completed - last.completed) / dt,
                (p.bytes - last.bytes) / 1e6 / dt,
              )
        }`,
      );
    last.completed = p.completed;
    last.bytes = p.bytes;
    last.at = p.elapsedMs;
  }
}

/**
 * Writes a `--plot` or `--hgrm` file after the run; a failure the check
 * before the run could not see (a full disk) is said in words. False if it failed.
 */
export async function written(t: Terminal, file: string, write: () => unknown): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (typeof (err as NodeJS.ErrnoException).code !== "string") throw err;
    t.err(benchMessages[t.lang].writeFailed(file, fileProblem(err)));
    return false;
  }
}

function headerLine(b: BenchMessages, target: { host: string; port: number }, o: BenchOptions): string {
  const plan = planBench({ ...o, ...target });
  const mode = benchMode(plan);
  return b.header({
    target: formatEndpoint(plan.host, plan.port),
    mode,
    connections: plan.connections,
    size: plan.size,
    pipeline: plan.pipeline,
    rate: plan.rate,
    tls: plan.tls !== undefined,
    length: plan.count !== undefined ? b.forCount(plan.count) : b.forDuration(plan.durationMs / 1000),
  });
}

/** Writes `h`'s percentile distribution to `file` in HdrHistogram's `.hgrm` format, values in ms. */
export function writeHgrm(file: string, h: LatencyHistogram): void {
  writeFileSync(file, h.toHgrm());
}

/** The report, ending with its errors: none, or each kind counted (connect failures said in words). */
export function printReport(t: Terminal, b: BenchMessages, r: BenchReport): void {
  if (r.connected > 0) {
    // A stream has no requests: its measure is bytes.
    t.out(
      r.mode === "stream"
        ? b.echoed(r.bytes, r.elapsedMs)
        : b.requests(r.requests, r.elapsedMs, r.requestsPerSecond),
    );
    t.out(b.throughput(r.megabytesPerSecond, r.errors.corruptedBytes > 0));
  }
  const l = r.latency;
  if (l && l.samples > 0) t.out(b.latency(ms(l.p50Us), ms(l.p90Us), ms(l.p99Us), ms(l.p999Us), ms(l.maxUs)));
  if (r.connected > 0 && r.clientBusy !== null)
    t.out(b.clientBusy(Math.round(r.clientBusy * 100), r.threads, r.clientBusy >= CLIENT_BUSY));
  printErrors(t, b, r);
}

function printErrors(t: Terminal, b: BenchMessages, r: BenchReport): void {
  if (r.ok) {
    t.out(b.errorsNone);
    return;
  }
  t.out(b.errorsLead);
  const e = r.errors;
  const failed = Object.values(e.connect).reduce((a, n) => a + (n ?? 0), 0);
  if (failed > 0)
    t.out(
      b.connectFailed(
        failed,
        r.connections,
        r.connectError ? t.messages.error(r.connectError.code, r.connectError.context) : "",
      ),
    );
  if (e.resets > 0) t.out(b.resets(e.resets));
  if (e.closedEarly > 0) t.out(b.closedEarly(e.closedEarly));
  if (e.corruptedBytes > 0) t.out(b.corrupted(e.corruptedBytes));
  if (e.missingBytes > 0) t.out(b.missing(e.missingBytes));
  if (e.extraBytes > 0) t.out(b.extra(e.extraBytes));
  if (e.neverEchoed > 0) t.out(b.neverEchoed(e.neverEchoed, r.connected));
}

/**
 * The report as `--json` prints it (`bench merge --json` too): the first
 * connect failure in English, as always, with the command line's flags
 * where the library names its options.
 */
export function reportJson(r: BenchReport): Record<string, unknown> {
  return benchReportJson(r, (e) => errorMessages.en.error(e.code, e.context));
}
