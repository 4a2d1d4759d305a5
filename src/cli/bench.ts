/**
 * `tcpecho bench`: load for any echo server, and the numbers a benchmarker
 * wants. The last line of the text report ends with the request rate; with
 * `--json` the last line is one JSON object.
 *
 * @module
 */

import { Option, type Command } from "commander";
import { bench, benchCompare, planBench, type BenchOptions, type BenchReport } from "../bench/bench.js";
import { benchMessages, type BenchMessages } from "../i18n/bench.js";
import { DEFAULT_PORT, parseHostPort } from "../net/address.js";
import { EchoError } from "../net/echo-error.js";
import { formatEndpoint } from "../net/endpoint.js";
import { parseCount } from "./count.js";
import { parseDuration } from "./duration.js";
import { openTerminal, type Terminal } from "./terminal.js";

interface BenchCliOptions {
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
  rounds?: number;
  json?: boolean;
  lang?: string;
}

/** Adds `bench` to the program. */
export function registerBench(program: Command): void {
  program
    .command("bench")
    .description(
      "load generator for any echo server: request rate, throughput, latency, and every echoed byte checked",
    )
    .argument(
      "[targets...]",
      "HOST[:PORT] of each server; several are run in turn, A B A B …, and compared",
      ["127.0.0.1"],
    )
    .addOption(
      new Option("-c, --connections <n>", "connections")
        .default(50)
        .argParser((v) => parseCount(v, "--connections", 1, 100_000)),
    )
    .addOption(
      new Option("-s, --size <bytes>", "message size (stream: write size)").argParser((v) =>
        parseCount(v, "--size", 1, 16 * 1024 * 1024),
      ),
    )
    .addOption(
      new Option("--pipeline <n>", "messages in flight per connection")
        .default(1)
        .argParser((v) => parseCount(v, "--pipeline", 1, 65_536)),
    )
    .addOption(
      new Option("-d, --duration <duration>", "how long to measure")
        .default(10_000, "10s")
        .argParser((v) => positiveDuration(v, "--duration")),
    )
    .addOption(
      new Option("-n, --count <n>", "complete this many messages instead of a duration").argParser((v) =>
        parseCount(v, "--count", 1),
      ),
    )
    .addOption(
      new Option("--rate <per-second>", "hold this request rate (all connections together)").argParser((v) =>
        parseCount(v, "--rate", 1),
      ),
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
      new Option("-t, --timeout <duration>", "connect timeout")
        .default(5000, "5s")
        .argParser((v) => positiveDuration(v, "--timeout")),
    )
    .addOption(
      new Option("--rounds <n>", "with several targets: rounds of A B A B … (default 3)").argParser((v) =>
        parseCount(v, "--rounds", 1, 1000),
      ),
    )
    .option("--json", "print one JSON object as the last line")
    .addHelpText(
      "after",
      `
Examples:
  tcpecho bench 127.0.0.1:9000                        50 connections, 512-byte ping-pong, 10 s
  tcpecho bench :9000 -c 1000 -s 64 -d 5s             many connections, small messages
  tcpecho bench 127.0.0.1:9000 --pipeline 16 -s 64    16 messages in flight per connection
  tcpecho bench 127.0.0.1:9000 --rate 20000 -c 20     a fixed rate; latency includes queueing
  tcpecho bench 127.0.0.1:9000 --stream -c 4          throughput of 64 KiB streams
  tcpecho bench 127.0.0.1:9000 127.0.0.1:9001 -d 3s   A B A B A B, reported as ratios to the first

Every echoed byte is checked; corrupted, missing or extra bytes make the exit code 1.`,
    )
    .action(async (targets: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<BenchCliOptions>();
      const parsed = targets.map((t) => {
        const hp = parseHostPort(t.startsWith(":") ? `127.0.0.1${t}` : t);
        return { host: hp.host, port: hp.port ?? DEFAULT_PORT };
      });
      const options: BenchOptions = {
        connections: opts.connections,
        pipeline: opts.pipeline,
        durationMs: opts.duration,
        stream: opts.stream ?? false,
        threads: opts.threads,
        warmupMs: opts.warmup,
        connectTimeoutMs: opts.timeout,
        ...(opts.size !== undefined ? { size: opts.size } : {}),
        ...(opts.count !== undefined ? { count: opts.count } : {}),
        ...(opts.rate !== undefined ? { rate: opts.rate } : {}),
      };
      if (opts.stream && opts.rate !== undefined)
        throw new EchoError("ERR_INVALID_OPTION", {
          value: "--stream --rate",
          detail: "the mode: --rate paces messages, --stream has none",
        });
      planBench({ ...options, ...parsed[0] }); // bad combinations fail before any connection
      const code = await runBench(openTerminal(opts.lang), parsed, options, opts);
      if (code !== 0) process.exitCode = code;
    });
}

function positiveDuration(value: string, what: string): number {
  const ms = parseDuration(value, what);
  if (ms <= 0)
    throw new EchoError("ERR_INVALID_OPTION", { value, option: what, expect: "positive-duration" });
  return ms;
}

function ms(us: number): string {
  const v = us / 1000;
  return `${v < 1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
}

async function runBench(
  t: Terminal,
  targets: { host: string; port: number }[],
  options: BenchOptions,
  opts: BenchCliOptions,
): Promise<number> {
  const b = benchMessages[t.lang];
  const tty = process.stderr.isTTY === true && !opts.json;
  const progress = (
    p: { elapsedMs: number; completed: number; bytes: number },
    last: { completed: number; bytes: number; at: number },
  ) => {
    const dt = (p.elapsedMs - last.at) / 1000;
    if (dt > 0)
      process.stderr.write(
        `\r\x1b[2K${b.progress(Math.round(p.elapsedMs / 1000), (p.completed - last.completed) / dt, (p.bytes - last.bytes) / 1e6 / dt)}`,
      );
    last.completed = p.completed;
    last.bytes = p.bytes;
    last.at = p.elapsedMs;
  };
  const withProgress = (): BenchOptions => {
    if (!tty) return options;
    const last = { completed: 0, bytes: 0, at: 0 };
    return { ...options, onProgress: (p) => progress(p, last) };
  };
  const clearProgress = () => tty && process.stderr.write("\r\x1b[2K");

  if (targets.length === 1) {
    const target = targets[0] as { host: string; port: number };
    if (!opts.json) t.out(headerLine(b, target, options));
    const report = await bench({ ...withProgress(), ...target });
    clearProgress();
    if (opts.json) t.out(JSON.stringify(toJson(report)));
    else printReport(t, b, report);
    return report.ok ? 0 : 1;
  }

  const rounds = opts.rounds ?? 3;
  if (!opts.json) for (const target of targets) t.out(headerLine(b, target, options));
  const { entries } = await benchCompare(targets, withProgress(), rounds, (r, _i, report) => {
    clearProgress();
    if (!opts.json) {
      t.out(
        b.round(
          r + 1,
          formatEndpoint(report.host, report.port),
          report.requestsPerSecond,
          report.latency ? ms(report.latency.p99Us) : "-",
          report.ok,
        ),
      );
      if (!report.ok) printErrors(t, b, report);
    }
  });
  if (opts.json) {
    t.out(
      JSON.stringify({
        rounds,
        targets: entries.map((e) => ({ ...e, target: formatEndpoint(e.host, e.port) })),
      }),
    );
  } else {
    t.out("");
    t.out(b.compareHeader);
    entries.forEach((e, i) =>
      t.out(
        b.compareRow(
          formatEndpoint(e.host, e.port),
          e.requestsPerSecond,
          e.megabytesPerSecond,
          e.ratio,
          i === 0,
        ),
      ),
    );
  }
  return entries.every((e) => e.ok) ? 0 : 1;
}

function headerLine(b: BenchMessages, target: { host: string; port: number }, o: BenchOptions): string {
  const plan = planBench({ ...o, ...target });
  const mode = plan.stream
    ? "stream"
    : plan.rate !== undefined
      ? "rate"
      : plan.pipeline > 1
        ? "pipelined"
        : "pingpong";
  const length = plan.count !== undefined ? b.forCount(plan.count) : b.forDuration(plan.durationMs / 1000);
  return b.header(
    formatEndpoint(plan.host, plan.port),
    b.modes[mode],
    plan.connections,
    plan.size,
    plan.pipeline,
    length,
  );
}

function printReport(t: Terminal, b: BenchMessages, r: BenchReport): void {
  if (r.connected > 0) {
    t.out(b.requests(r.requests, r.elapsedMs / 1000));
    t.out(b.throughput(r.megabytesPerSecond));
  }
  const l = r.latency;
  if (l && l.samples > 0) t.out(b.latency(ms(l.p50Us), ms(l.p90Us), ms(l.p99Us), ms(l.p999Us), ms(l.maxUs)));
  printErrors(t, b, r);
  t.out(b.rate(r.requestsPerSecond));
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
        r.connectError ? t.m.error(r.connectError.code, r.connectError.context) : "",
      ),
    );
  if (e.resets > 0) t.out(b.resets(e.resets));
  if (e.closedEarly > 0) t.out(b.closedEarly(e.closedEarly));
  if (e.corruptedBytes > 0) t.out(b.corrupted(e.corruptedBytes));
  if (e.missingBytes > 0) t.out(b.missing(e.missingBytes));
  if (e.extraBytes > 0) t.out(b.extra(e.extraBytes));
}

function toJson(r: BenchReport): Record<string, unknown> {
  const { connectError, ...rest } = r;
  return {
    target: formatEndpoint(r.host, r.port),
    ...rest,
    connectError: connectError ? { code: connectError.code, message: connectError.message } : null,
  };
}
