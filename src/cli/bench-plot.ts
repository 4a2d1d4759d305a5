/**
 * `tcpecho bench --plot FILE.svg|FILE.png`: the latency percentile curve the
 * way HdrHistogram's plotter draws it. The x axis is the percentile on a log
 * scale of 1/(1−p), so that 90 %, 99 %, 99.9 % … are evenly spaced and the
 * tail gets the room; the y axis is latency in ms. Each curve is the whole
 * percentile distribution of a histogram (the points of its `.hgrm` table).
 * Several targets (A B A B …) share one chart, one series each, named in the
 * legend; `bench merge --plot` draws each file's and the merged one.
 *
 * Drawn by Apache ECharts (server-side, SVG without a DOM); a PNG is that SVG
 * rendered by resvg. Both are imported only when a chart is asked for, so
 * every other command starts as fast as before.
 *
 * @module
 */

import { closeSync, openSync, statfsSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { extname } from "node:path";
import type { BenchOptions, BenchReport } from "../bench/bench.js";
import {
  LatencyHistogram,
  percentileDistribution,
  type PercentilePoint,
} from "../bench/latency-histogram.js";
import { benchMessages, type BenchMessages } from "../i18n/bench.js";
import { EchoError } from "../net/echo-error.js";
import { formatEndpoint } from "../net/endpoint.js";
import type { Terminal } from "./terminal.js";

/** The chart's file and its format, from its extension. */
export interface PlotFile {
  path: string;
  format: "svg" | "png";
}

/**
 * Checks a `--plot` value before anything runs: the extension says the
 * format, and the file must be writable (tried by opening it; a file made for
 * the try is removed again). A bad value is a usage error naming `--plot`.
 *
 * @example
 * ```ts
 * import { parsePlotFile } from "./bench-plot.js";
 * import { tmpdir } from "node:os";
 * parsePlotFile(`${tmpdir()}/latency.svg`).format; // "svg"
 * ```
 */
export function parsePlotFile(path: string): PlotFile {
  const ext = extname(path).toLowerCase();
  if (ext !== ".svg" && ext !== ".png")
    throw new EchoError("ERR_INVALID_OPTION", {
      value: path,
      reason: { kind: "plot-file-name" },
    });
  return { path: writableFile(path, "--plot"), format: ext === ".svg" ? "svg" : "png" };
}

/**
 * Checks that a file given to `option` (`--plot`, `--hgrm`) can be written,
 * before anything runs: tried by opening it, and a file made for the try is
 * removed again. Returns the path; a usage error naming the option if not.
 *
 * @example
 * ```ts
 * import { writableFile } from "./bench-plot.js";
 * import { tmpdir } from "node:os";
 * writableFile(`${tmpdir()}/latency.hgrm`, "--hgrm").endsWith(".hgrm"); // true
 * ```
 */
export function writableFile(path: string, option: string): string {
  const why = unwritable(path);
  if (why !== undefined)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: path,
      reason: { kind: "file-unwritable", flag: option, why },
    });
  return path;
}

/**
 * The file systems of the kernel's own files (proc, sysfs, debugfs, tracefs,
 * cgroup v1 and v2, by `statfs` magic): they open for writing, but a report
 * written there fails (`EIO`, `EINVAL`) or, worse, means something to the kernel.
 */
const KERNEL_FILE_SYSTEMS: ReadonlySet<number> = new Set([
  0x9fa0, 0x62656572, 0x64626720, 0x74726163, 0x27e0eb, 0x63677270,
]);

/** Why a file cannot be written, or undefined when it can: tried for real (root passes every access check). */
function unwritable(path: string): string | undefined {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) return "it is a directory";
    if (st !== undefined) {
      if (KERNEL_FILE_SYSTEMS.has(statfsSync(path).type)) return "a file of the kernel (/proc, /sys)";
      closeSync(openSync(path, "r+"));
    } else {
      closeSync(openSync(path, "wx"));
      unlinkSync(path);
    }
    return undefined;
  } catch (err) {
    return fileProblem(err);
  }
}

/**
 * Why a file could not be opened or written, in words (never the system's
 * raw `EIO: i/o error, write`); the Korean is {@link fileProblemKo}'s.
 *
 * @example
 * ```ts
 * import { fileProblem } from "./bench-plot.js";
 * fileProblem(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }));
 * // "no space left on the device"
 * ```
 */
export function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  if (code === "ENOENT" || code === "ENOTDIR") return "no such directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  return FILE_PROBLEMS[code] ?? `the system refused it (${code || String(err)})`;
}

const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  EROFS: "a read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is used up",
  EIO: "the device reported an input/output error",
  ENAMETOOLONG: "the name is too long",
  ENXIO: "no device behind it",
  ELOOP: "a loop of symbolic links",
  ETXTBSY: "a program that is running",
};

/**
 * One target's latency curve: the percentile distribution of the sum of its
 * runs' histograms (one run per round), as HdrHistogram's plotter draws it
 * from an `.hgrm` table — the same points, 5 per halving of the distance to
 * 100 %. Rounds are added up sample for sample, as one histogram holding
 * every round's samples, not as a median of their points. Empty when no
 * run measured latency.
 *
 * @example
 * ```ts
 * import { LatencyHistogram } from "tcpecho";
 * import { latencyCurve } from "./bench-plot.js";
 * const a = new LatencyHistogram();
 * const b = new LatencyHistogram();
 * for (let us = 1; us <= 100; us++) (us % 2 ? a : b).record(us);
 * const curve = latencyCurve([a, b]);
 * curve[0]; // { percentile: 0, valueUs: 1, count: 1 }
 * curve.at(-1); // { percentile: 100, valueUs: 100, count: 100 }
 * ```
 */
export function latencyCurve(histograms: readonly (LatencyHistogram | null)[]): PercentilePoint[] {
  const sum = new LatencyHistogram();
  for (const h of histograms) if (h !== null) sum.add(h);
  return percentileDistribution(sum);
}

/** A named curve on the chart. */
export interface LatencySeries {
  name: string;
  /** The curve, percentile 0–100 against µs; points at 100 % lie at infinity on the axis and are left out. */
  points: readonly { percentile: number; valueUs: number }[];
}

/** The chart's words, in one language. */
export interface ChartText {
  title: string;
  subtitle: string;
  percentile: string;
  latency: string;
}

/** The series' colours, in order (Okabe and Ito's, told apart with any colour vision). */
export const PLOT_COLORS = [
  "#0072b2",
  "#d55e00",
  "#009e73",
  "#cc79a7",
  "#e69f00",
  "#56b4e9",
  "#000000",
] as const;

/** The percentile at 1/(1−p) = 10^k, as the axis labels it: 0%, 90%, 99%, 99.9% … */
function percentileLabel(x: number): string {
  const k = Math.round(Math.log10(x));
  return `${+(100 - 10 ** (2 - k)).toFixed(Math.max(0, k))}%`;
}

/**
 * Draws latency curves as an SVG document: title and subtitle, axis titles,
 * percentile labels (0%, 90%, 99% … at least to 99.999%), one line per series
 * and a legend naming each. Pure: data in, SVG text out.
 *
 * @example
 * ```ts
 * import { latencyChartSvg } from "./bench-plot.js";
 * const text = { title: "Latency by percentile", subtitle: "", percentile: "Percentile", latency: "Latency (ms)" };
 * const points = [{ percentile: 0, valueUs: 90 }, { percentile: 99, valueUs: 400 }];
 * const svg = await latencyChartSvg([{ name: "127.0.0.1:9000", points }], text);
 * svg.startsWith("<svg"); // true
 * ```
 */
export async function latencyChartSvg(
  series: readonly LatencySeries[],
  text: ChartText,
  size: { width: number; height: number } = { width: 1000, height: 600 },
): Promise<string> {
  const core = await loadEcharts();
  const chart = core.init(null, null, { renderer: "svg", ssr: true, ...size });
  try {
    chart.setOption(chartOption(series, text));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** ECharts' core with what the chart uses (loaded only when a chart is asked for). */
async function loadEcharts(): Promise<typeof import("echarts/core")> {
  const [core, charts, components, renderers] = await Promise.all([
    import("echarts/core"),
    import("echarts/charts"),
    import("echarts/components"),
    import("echarts/renderers"),
  ]);
  core.use([
    charts.LineChart,
    components.GridComponent,
    components.TitleComponent,
    components.LegendComponent,
    renderers.SVGRenderer,
  ]);
  return core;
}

/** The chart: title, legend, a log axis of percentiles, one line per series. */
function chartOption(series: readonly LatencySeries[], text: ChartText): Record<string, unknown> {
  // Every point below 100 %; the axis reaches 99.999 % at least, further when the samples do.
  const data = series.map((s) =>
    s.points.filter((p) => p.percentile < 100).map((p) => [1 / (1 - p.percentile / 100), p.valueUs / 1000]),
  );
  const widest = Math.max(1e5, ...data.flat().map((d) => d[0] as number));
  return {
    animation: false,
    backgroundColor: "#ffffff",
    color: [...PLOT_COLORS],
    textStyle: { fontFamily: "sans-serif" },
    title: {
      text: text.title,
      subtext: text.subtitle,
      left: "center",
      textStyle: { fontSize: 18 },
      subtextStyle: { fontSize: 13, color: "#444444" },
    },
    legend: {
      top: 100,
      left: 110,
      orient: "vertical",
      backgroundColor: "#ffffff",
      borderColor: "#cccccc",
      borderWidth: 1,
      padding: 8,
      textStyle: { fontSize: 13 },
    },
    grid: { left: 90, right: 50, top: 85, bottom: 70 },
    ...axes(text, widest),
    series: series.map((s, i) => ({
      name: s.name,
      type: "line",
      data: data[i],
      // A dense curve (a hundred points or more): a marker on each would hide the line.
      showSymbol: false,
      lineStyle: { width: 2.5 },
    })),
  };
}

/** Percentiles across, log scale up to `widest` (1 / (1 - p)); latency up, in ms. */
function axes(text: ChartText, widest: number): Record<string, unknown> {
  return {
    xAxis: {
      type: "log",
      logBase: 10,
      min: 1,
      max: 10 ** Math.ceil(Math.log10(widest)),
      name: text.percentile,
      nameLocation: "middle",
      nameGap: 35,
      nameTextStyle: { fontSize: 14 },
      axisLabel: { fontSize: 13, formatter: (v: number) => percentileLabel(v) },
      splitLine: { show: true },
    },
    yAxis: {
      type: "value",
      min: 0,
      name: text.latency,
      nameLocation: "middle",
      nameGap: 55,
      nameTextStyle: { fontSize: 14 },
      axisLabel: { fontSize: 13 },
    },
  };
}

/**
 * Renders an SVG document to PNG at its own size, on white, with the
 * machine's fonts (resvg: no browser, no DOM).
 */
export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import("@resvg/resvg-js");
  const font = { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" };
  return new Resvg(svg, { background: "#ffffff", font, fitTo: { mode: "original" } }).render().asPng();
}

/** Names told apart: the second of the same name gets " #2", and so on. */
function distinct(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n > 1 ? `${name} #${n}` : name;
  });
}

/**
 * Draws `series` into the `--plot` file and says so on standard error. The
 * chart speaks the terminal's language; a PNG speaks English, as a machine
 * without a Hangul font would draw Korean as empty boxes there (an SVG
 * leaves the font to its viewer). `subtitle` is asked in the chart's language.
 */
async function writeLatencyPlot(
  t: Terminal,
  file: PlotFile,
  series: readonly LatencySeries[],
  subtitle: (b: BenchMessages) => string,
): Promise<void> {
  const b = benchMessages[file.format === "png" ? "en" : t.lang];
  const svg = await latencyChartSvg(series, {
    title: b.plotTitle,
    subtitle: subtitle(b),
    percentile: b.plotPercentile,
    latency: b.plotLatency,
  });
  writeFileSync(file.path, file.format === "svg" ? svg : await svgToPng(svg));
  t.note(benchMessages[t.lang].plotWritten(file.path));
}

/**
 * Draws the bench's latency curves, one per target (its rounds' histograms
 * added up), into the `--plot` file.
 */
export async function writeBenchPlot(
  t: Terminal,
  file: PlotFile,
  targets: readonly (readonly BenchReport[])[],
  options: BenchOptions,
  rounds: number,
): Promise<void> {
  const first = targets[0]?.[0];
  if (first === undefined) return;
  const names = distinct(targets.map((runs) => formatEndpoint(runs[0]?.host ?? "", runs[0]?.port ?? 0)));
  const series = targets.map((runs, i) => ({
    name: names[i] as string,
    points: latencyCurve(runs.map((r) => r.latencyHistogram)),
  }));
  await writeLatencyPlot(t, file, series, (b) => {
    const length =
      options.count !== undefined
        ? b.forCount(options.count)
        : b.forDuration((options.durationMs ?? 10_000) / 1000);
    const workload = b.workload({ ...first, rate: first.rate ?? undefined, length });
    return targets.length > 1 ? `${workload} · ${b.plotRounds(rounds)}` : workload;
  });
}

/**
 * `bench merge --plot`: one curve per merged file, named by the file as
 * given, and the merged curve (every file's samples in one histogram) last.
 */
export async function writeMergePlot(
  t: Terminal,
  file: PlotFile,
  files: readonly string[],
  reports: readonly BenchReport[],
  merged: BenchReport,
  targets: readonly string[],
): Promise<void> {
  const names = distinct(files);
  const series = reports.map((r, i) => ({
    name: names[i] as string,
    points: latencyCurve([r.latencyHistogram]),
  }));
  const b = benchMessages[file.format === "png" ? "en" : t.lang];
  series.push({ name: b.plotMerged(reports.length), points: latencyCurve([merged.latencyHistogram]) });
  await writeLatencyPlot(t, file, series, (m) => m.plotMergeSubtitle(reports.length, [...targets]));
}
