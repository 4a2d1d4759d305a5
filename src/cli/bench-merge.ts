/**
 * `tcpecho bench merge FILE…`: load from several machines, one report. Each
 * FILE is the output of `bench --json` (its last JSON line is read; `-` is
 * standard input); the merged report is printed like bench's own, or as
 * one JSON line (`--json`) that merges again. A file that is not a report
 * is named in one line, exit code 2.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { Argument, Option, type Command } from "commander";
import type { BenchReport } from "../bench/bench.js";
import { mergeBenchReports } from "../bench/merge.js";
import { BenchFileError, readBenchJson } from "../bench/report-json.js";
import { benchMessages } from "../i18n/bench.js";
import { EchoError } from "../net/echo-error.js";
import { formatEndpoint } from "../net/endpoint.js";
import { parsePlotFile, writableFile, writeMergePlot, type PlotFile } from "./bench-plot.js";
import { printReport, reportJson, writeHgrm, written } from "./bench.js";
import { openTerminal, type Terminal } from "./terminal.js";

interface MergeCliOptions {
  json?: boolean;
  hgrm?: string;
  plot?: PlotFile;
  lang?: string;
}

/** Adds `merge` to the `bench` command of the program. */
export function registerBenchMerge(program: Command): void {
  const bench = program.commands.find((c) => c.name() === "bench");
  if (bench === undefined) throw new Error("registerBenchMerge: register bench first");
  bench
    .command("merge")
    .description(
      "one report from the bench --json outputs of several machines: counts and rates summed, percentiles from the merged histograms",
    )
    .addArgument(
      new Argument("<files...>", "outputs of tcpecho bench --json (the last JSON line of each; - for stdin)"),
    )
    // bench's own --json, --hgrm and --plot are parsed by bench and read here too; declared again for the help.
    .option("--json", "print the merged report as one JSON object (as bench --json, histogram included)")
    .addOption(
      new Option(
        "--hgrm <file>",
        "write the merged percentile distribution to FILE in HdrHistogram's .hgrm format (ms)",
      ).argParser((v) => writableFile(v, "--hgrm")),
    )
    .addOption(
      new Option(
        "--plot <file>",
        "draw each file's latency curve and the merged one to FILE.svg or FILE.png",
      ).argParser(parsePlotFile),
    )
    .addHelpText(
      "after",
      `
Examples:
  tcpecho bench merge a.json b.json               the merged report
  tcpecho bench merge a.json b.json --json        the same as one JSON line, which merges again
  tcpecho bench merge *.json --hgrm all.hgrm      and the percentile distribution for HdrHistogram's plotter
  tcpecho bench merge a.json b.json --plot all.svg each machine's latency curve and the merged one
  ssh load2 tcpecho bench HOST --json | tcpecho bench merge a.json -

Requests/s and MB/s are the sum of each report's own rate (load run at the same
time from several machines); the duration shown is the longest.`,
    )
    .action(async (files: string[], _opts: unknown, command: Command) => {
      const opts = command.optsWithGlobals<MergeCliOptions>();
      const t = openTerminal(opts.lang);
      const code = await runMerge(t, files, opts);
      if (code !== 0) process.exitCode = code;
    });
}

/** Reads and merges; 2 for a bad file (said in one line), else 1 if any report had errors. */
async function runMerge(t: Terminal, files: string[], opts: MergeCliOptions): Promise<number> {
  const b = benchMessages[t.lang];
  const reports: BenchReport[] = [];
  let stdin: string | undefined;
  // Each report once: the same file (or the same text under another name) twice would count one run twice.
  const seen = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = file === "-" ? (stdin ??= readFileSync(0, "utf8")) : readFileSync(file, "utf8");
    } catch (err) {
      t.err(b.mergeUnreadable(file, (err as NodeJS.ErrnoException).code ?? String(err)));
      return 2;
    }
    try {
      reports.push(readBenchJson(text));
    } catch (err) {
      if (!(err instanceof BenchFileError)) throw err;
      t.err(b.mergeBadFile(file, err.problem, err.detail));
      return 2;
    }
    const first = seen.get(text.trim());
    if (first !== undefined) {
      t.err(b.mergeTwice(file, first));
      return 2;
    }
    seen.set(text.trim(), file);
  }
  let merged: BenchReport;
  try {
    merged = mergeBenchReports(reports);
  } catch (err) {
    if (!(err instanceof BenchFileError)) throw err;
    t.err(b.mergeBadFile(files[err.index ?? 0] ?? "", err.problem, err.detail));
    return 2;
  }
  const targets = [...new Set(reports.map((r) => formatEndpoint(r.host, r.port)))];
  for (const flag of ["--hgrm", "--plot"] as const)
    if (opts[flag.slice(2) as "hgrm" | "plot"] !== undefined && merged.latencyHistogram === null)
      throw new EchoError("ERR_INVALID_OPTION", {
        value: files.join(" "),
        reason: { kind: "stream-reports", flag },
      });
  const { hgrm, plot } = opts;
  const histogram = merged.latencyHistogram;
  const kept =
    hgrm === undefined || histogram === null || (await written(t, hgrm, () => writeHgrm(hgrm, histogram)));
  if (opts.json) t.out(JSON.stringify({ ...reportJson(merged), reports: reports.length, targets }));
  else {
    t.out(b.mergeHeader(reports.length, targets));
    printReport(t, b, merged);
  }
  const drawn =
    plot === undefined ||
    (await written(t, plot.path, () => writeMergePlot(t, plot, files, reports, merged, targets)));
  return merged.ok && kept && drawn ? 0 : 1;
}
