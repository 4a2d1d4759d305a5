/**
 * `tcpecho bench --plot FILE.svg|FILE.png`: the latency percentile curve the
 * way HdrHistogram's plotter draws it. The x axis is the percentile on a log
 * scale of 1/(1−p), so that 90 %, 99 %, 99.9 % … are evenly spaced and the
 * tail gets the room; the y axis is latency in ms. Several targets (A B A B …)
 * share one chart, one series each, named in the legend.
 *
 * Drawn by Apache ECharts (server-side, SVG without a DOM); a PNG is that SVG
 * rendered by resvg. Both are imported only when a chart is asked for, so
 * every other command starts as fast as before.
 *
 * @module
 */

import { closeSync, openSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { extname } from "node:path";
import { median, type BenchOptions, type BenchReport } from "../bench/bench.js";
import type { LatencySummary } from "../bench/latency-histogram.js";
import { benchMessages } from "../i18n/bench.js";
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
      detail: "--plot (a file name ending in .svg or .png)",
    });
  const why = unwritable(path);
  if (why !== undefined)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: path,
      detail: `--plot (a file it can write: ${why})`,
    });
  return { path, format: ext === ".svg" ? "svg" : "png" };
}

/** Why a file cannot be written, or undefined when it can: tried for real (root passes every access check). */
function unwritable(path: string): string | undefined {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) return "it is a directory";
    if (st !== undefined) closeSync(openSync(path, "r+"));
    else {
      closeSync(openSync(path, "wx"));
      unlinkSync(path);
    }
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "no such directory";
    if (code === "EACCES" || code === "EPERM" || code === "EROFS") return "permission denied";
    if (code === "EISDIR") return "it is a directory";
    return (err as Error).message;
  }
}

/** One point of a latency curve: at `percentile` (0–100), `us` microseconds. */
export interface PercentilePoint {
  percentile: number;
  us: number;
}

/**
 * One target's latency curve from its runs (one per round).
 *
 * The one adapter between the bench's latency record and the chart: today a
 * report carries its histogram's summary, so the curve has its points — the
 * minimum at 0 %, p50, p90, p99, p99.9 (each only where samples lie beyond
 * it), and the maximum at the last sample's rank, 1 − 1/N (100 % itself lies
 * at infinity on this axis). Over several rounds each percentile is the
 * median of the rounds' (a typical round) and the maximum the largest of all.
 * A full percentile distribution of the histogram drops in here unchanged
 * for the chart.
 *
 * @example
 * ```ts
 * import { percentilePoints } from "./bench-plot.js";
 * const run = { samples: 10_000, minUs: 80, meanUs: 120, p50Us: 110, p90Us: 150, p99Us: 300, p999Us: 900, maxUs: 2000 };
 * percentilePoints([run]).map((p) => p.us); // [80, 110, 150, 300, 900, 2000]
 * ```
 */
export function percentilePoints(runs: readonly LatencySummary[]): PercentilePoint[] {
  const measured = runs.filter((r) => r.samples > 0);
  if (measured.length === 0) return [];
  const mid = (pick: (r: LatencySummary) => number) => median(measured.map(pick));
  const typical = mid((r) => r.samples);
  const total = measured.reduce((a, r) => a + r.samples, 0);
  const points: PercentilePoint[] = [{ percentile: 0, us: mid((r) => r.minUs) }];
  for (const [percentile, pick] of [
    [50, (r: LatencySummary) => r.p50Us],
    [90, (r: LatencySummary) => r.p90Us],
    [99, (r: LatencySummary) => r.p99Us],
    [99.9, (r: LatencySummary) => r.p999Us],
  ] as const) {
    if (1 / (1 - percentile / 100) < typical) points.push({ percentile, us: mid(pick) });
  }
  if (total > 1)
    points.push({ percentile: 100 * (1 - 1 / total), us: Math.max(...measured.map((r) => r.maxUs)) });
  return points;
}

/** A named curve on the chart. */
export interface LatencySeries {
  name: string;
  points: readonly PercentilePoint[];
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
 * const points = [{ percentile: 0, us: 90 }, { percentile: 99, us: 400 }];
 * const svg = await latencyChartSvg([{ name: "127.0.0.1:9000", points }], text);
 * svg.startsWith("<svg"); // true
 * ```
 */
export async function latencyChartSvg(
  series: readonly LatencySeries[],
  text: ChartText,
  size: { width: number; height: number } = { width: 1000, height: 600 },
): Promise<string> {
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
  // Every point below 100 %; the axis reaches 99.999 % at least, further when the samples do.
  const data = series.map((s) =>
    s.points.filter((p) => p.percentile < 100).map((p) => [1 / (1 - p.percentile / 100), p.us / 1000]),
  );
  const widest = Math.max(1e5, ...data.flat().map((d) => d[0] as number));
  const chart = core.init(null, null, { renderer: "svg", ssr: true, ...size });
  try {
    chart.setOption({
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
      series: series.map((s, i) => ({
        name: s.name,
        type: "line",
        data: data[i],
        showSymbol: true,
        symbolSize: 6,
        lineStyle: { width: 2.5 },
      })),
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
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

/**
 * Draws the bench's latency curves, one per target, into the `--plot` file
 * and says so on standard error. The chart speaks the terminal's language;
 * a PNG speaks English, as a machine without a Hangul font would draw
 * Korean as empty boxes there (an SVG leaves the font to its viewer).
 */
export async function writeBenchPlot(
  t: Terminal,
  file: PlotFile,
  targets: readonly (readonly BenchReport[])[],
  options: BenchOptions,
  rounds: number,
): Promise<void> {
  const b = benchMessages[file.format === "png" ? "en" : t.lang];
  const first = targets[0]?.[0];
  if (first === undefined) return;
  const length =
    options.count !== undefined
      ? b.forCount(options.count)
      : b.forDuration((options.durationMs ?? 10_000) / 1000);
  const workload = b.workload({ ...first, rate: first.rate ?? undefined, length });
  const seen = new Map<string, number>();
  const series = targets.map((runs) => {
    const r = runs[0] as BenchReport;
    let name = formatEndpoint(r.host, r.port);
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n > 1) name += ` #${n}`; // the same target twice: two series, told apart
    return { name, points: percentilePoints(runs.flatMap((x) => (x.latency === null ? [] : [x.latency]))) };
  });
  const svg = await latencyChartSvg(series, {
    title: b.plotTitle,
    subtitle: targets.length > 1 ? `${workload} · ${b.plotRounds(rounds)}` : workload,
    percentile: b.plotPercentile,
    latency: b.plotLatency,
  });
  writeFileSync(file.path, file.format === "svg" ? svg : await svgToPng(svg));
  t.note(benchMessages[t.lang].plotWritten(file.path));
}
