/**
 * `bench --plot`: the chart looked at. Runs `tcpecho bench` against
 * `tcpecho serve` processes on loopback, then reads the file it drew: the
 * SVG parsed as XML (each series' line, the legend, the percentile labels,
 * the axis titles, and the points where the reported latencies put them),
 * the PNG decoded (its size, its colours). Bad `--plot` values fail before
 * any connection, with one line and exit code 2.
 */

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { PNG } from "pngjs";
import { percentilePoints, PLOT_COLORS } from "../src/cli/bench-plot.js";
import { freePort, runCli, startCliServer, stopCli } from "./helpers.js";

const DIR = mkdtempSync(join(tmpdir(), "tcpecho-plot-"));
after(() => rmSync(DIR, { recursive: true, force: true }));

type Element = Record<string, unknown>;

/** Every element named `tag` in a parsed XML tree, depth first. */
function elements(node: unknown, tag: string, into: Element[] = []): Element[] {
  if (Array.isArray(node)) for (const n of node) elements(n, tag, into);
  else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node as Element)) {
      if (k === tag)
        for (const e of Array.isArray(v) ? v : [v]) if (typeof e === "object") into.push(e as Element);
      if (!k.startsWith("@_")) elements(v, tag, into);
    }
  }
  return into;
}

/** The SVG parsed: its root, its texts, and the series' lines (paths drawn only by a series). */
function readSvg(file: string) {
  const xml = readFileSync(file, "utf8");
  assert.equal(XMLValidator.validate(xml), true, "the SVG is well-formed XML");
  const tree: unknown = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    parseAttributeValue: false,
  }).parse(xml);
  const root = (tree as { svg?: Element }).svg;
  assert.ok(root, "the root element is <svg>");
  const texts = elements(root, "text").map((t) => ({
    text: String(t["#text"] ?? ""),
    anchor: String(t["@_text-anchor"] ?? ""),
    transform: String(t["@_transform"] ?? ""),
  }));
  // A series' line is the only unfilled path with its width (the legend's marks are thinner).
  const lines = elements(root, "path")
    .filter((p) => p["@_fill"] === "none" && p["@_stroke-width"] === "2.5")
    .map((p) => ({
      stroke: String(p["@_stroke"]),
      points: [...String(p["@_d"]).matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((m) => ({
        x: Number(m[1]),
        y: Number(m[2]),
      })),
    }));
  return { root, texts, lines, words: texts.map((t) => t.text) };
}

/** Where the y axis puts a latency in ms: the pixel map of its own numbered labels. */
function yOf(texts: { text: string; anchor: string; transform: string }[], ms: number): number {
  const ticks = texts
    .filter((t) => t.anchor === "end" && /^\d+(\.\d+)?$/.test(t.text))
    .map((t) => ({
      value: Number(t.text),
      y: Number(/translate\([\d.]+ ([\d.]+)\)/.exec(t.transform)?.[1]),
    }));
  assert.ok(ticks.length >= 2, `y axis labels: ${JSON.stringify(ticks)}`);
  const a = ticks[0] as { value: number; y: number };
  const b = ticks[ticks.length - 1] as { value: number; y: number };
  return a.y + ((ms - a.value) * (b.y - a.y)) / (b.value - a.value);
}

function lastJson(stdout: Buffer): Record<string, unknown> {
  const lines = stdout.toString("utf8").trim().split("\n");
  return JSON.parse(lines[lines.length - 1] as string) as Record<string, unknown>;
}

const PERCENTILE_LABELS = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%"];

/** `tcpecho bench A B` against two `tcpecho serve` processes, drawing into `file`. */
async function benchAB(file: string, extra: string[]) {
  const [a, b] = await Promise.all([startCliServer(), startCliServer()]);
  try {
    const targets = [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`];
    const args = ["bench", ...targets, "-c", "2", "-s", "32", "-d", "500ms", ...extra, "--plot", file];
    const r = await runCli(args, { timeout: 20_000 });
    assert.equal(r.code, 0, r.stderr);
    return { targets, stderr: r.stderr };
  } finally {
    await Promise.all([stopCli(a), stopCli(b)]);
  }
}

test(
  "one target, SVG: the curve sits where the reported percentiles put it",
  { timeout: 30_000 },
  async () => {
    const srv = await startCliServer();
    try {
      const file = join(DIR, "one.svg");
      const target = `127.0.0.1:${srv.port}`;
      const r = await runCli(["bench", target, "-c", "4", "-s", "64", "-d", "1s", "--json", "--plot", file]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`latency chart written to ${file}`));
      const report = lastJson(r.stdout);
      const latency = report.latency as Record<string, number>;
      const samples = latency.samples ?? 0;
      assert.ok(samples > 1000, `samples: ${samples}`);

      const svg = readSvg(file);
      assert.equal(svg.root["@_width"], "1000");
      assert.equal(svg.root["@_height"], "600");
      for (const w of [...PERCENTILE_LABELS, "Percentile", "Latency (ms)", "Latency by percentile", target])
        assert.ok(svg.words.includes(w), `"${w}" among the SVG's texts: ${JSON.stringify(svg.words)}`);
      assert.ok(
        svg.words.some((w) => w.includes("ping-pong, 4 connections × 64-byte messages, 1 s")),
        "the workload in the subtitle",
      );

      assert.equal(svg.lines.length, 1, "one series");
      const line = svg.lines[0] as (typeof svg.lines)[number];
      assert.equal(line.stroke, PLOT_COLORS[0]);
      // min, p50, p90, p99, p99.9 (over 1000 samples) and the maximum, left to right, never falling.
      const reported = [
        latency.minMs,
        latency.p50Ms,
        latency.p90Ms,
        latency.p99Ms,
        latency.p999Ms,
        latency.maxMs,
      ];
      assert.equal(line.points.length, reported.length, JSON.stringify(line.points));
      line.points.forEach((p, i) => {
        const ms = reported[i] as number;
        assert.ok(Math.abs(p.y - yOf(svg.texts, ms)) < 1.5, `point ${i}: y ${p.y} for ${ms} ms`);
        if (i > 0) assert.ok(p.x > (line.points[i - 1] as { x: number }).x, "percentiles rise left to right");
      });
    } finally {
      await stopCli(srv);
    }
  },
);

test(
  "A B in Korean, SVG: one line per target, legend and axis titles in Korean",
  { timeout: 30_000 },
  async () => {
    const file = join(DIR, "ab.svg");
    const { targets, stderr } = await benchAB(file, ["--rounds", "2", "--lang", "ko"]);
    assert.match(stderr, /지연 시간 그래프를 .*ab\.svg 에 저장했습니다/);
    const svg = readSvg(file);
    for (const w of [...PERCENTILE_LABELS, "백분위", "지연 시간 (ms)", "백분위별 지연 시간", ...targets])
      assert.ok(svg.words.includes(w), `"${w}" among the SVG's texts: ${JSON.stringify(svg.words)}`);
    assert.ok(
      svg.words.some((w) => w.includes("연결 2개 × 32바이트 메시지") && w.includes("대상마다 2회차")),
    );
    assert.deepEqual(
      svg.lines.map((l) => l.stroke),
      [PLOT_COLORS[0], PLOT_COLORS[1]],
      "one line per target, in the legend's colours",
    );
    for (const l of svg.lines) assert.ok(l.points.length >= 4, JSON.stringify(l.points));
  },
);

test(
  "A B, PNG: a 1000×600 picture that decodes, with both series' colours",
  { timeout: 30_000 },
  async () => {
    const file = join(DIR, "ab.png");
    await benchAB(file, ["--rounds", "1"]);
    const png = readFileSync(file);
    assert.deepEqual(
      [...png.subarray(0, 8)],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      "PNG signature",
    );
    assert.equal(png.toString("latin1", 12, 16), "IHDR");
    assert.equal(png.readUInt32BE(16), 1000);
    assert.equal(png.readUInt32BE(20), 600);
    const image = PNG.sync.read(png);
    const d = image.data;
    /** Pixels within a little of a colour (the lines are antialiased). */
    const near = (hex: string) => {
      const [r0, g0, b0] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [
        number,
        number,
        number,
      ];
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        const off =
          Math.abs((d[i] as number) - r0) +
          Math.abs((d[i + 1] as number) - g0) +
          Math.abs((d[i + 2] as number) - b0);
        if (off <= 24) n++;
      }
      return n;
    };
    const colours = new Set<number>();
    for (let i = 0; i < d.length; i += 4) colours.add(d.readUInt32BE(i));
    assert.ok(colours.size > 20, `only ${colours.size} colours: blank?`);
    for (const c of [PLOT_COLORS[0], PLOT_COLORS[1]])
      assert.ok(near(c) > 100, `the series colour ${c} is drawn`);
    assert.ok(near(PLOT_COLORS[2]) < 20, "no third series");
  },
);

test("bad --plot values: one line, exit code 2, before any connection", { timeout: 30_000 }, async () => {
  // Nothing listens on this port: had the run started, it would end with exit code 1.
  const target = `127.0.0.1:${await freePort()}`;
  mkdirSync(join(DIR, "dir.svg"));
  const cases: [string[], RegExp][] = [
    [
      ["--plot", join(DIR, "chart.jpg")],
      /^tcpecho: invalid value '.*chart\.jpg' for --plot \(a file name ending in \.svg or \.png\)/,
    ],
    [["--plot", join(DIR, "none", "chart.svg")], /for --plot \(a file it can write: no such directory\)/],
    [["--plot", join(DIR, "dir.svg")], /for --plot \(a file it can write: it is a directory\)/],
    [["--stream", "--plot", join(DIR, "stream.svg")], /--plot draws latency, --stream has none/],
    [["--lang", "ko", "--plot", join(DIR, "chart.gif")], /\.svg 나 \.png 로 끝나는 파일 이름/],
    [["--lang", "ko", "--plot", join(DIR, "none", "chart.png")], /쓸 수 있는 파일: 그런 디렉터리가 없습니다/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(["bench", target, "-d", "1s", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] as string, message);
    assert.equal(r.stdout.length, 0, "nothing ran");
  }
  assert.equal(existsSync(join(DIR, "stream.svg")), false, "the writability probe leaves no file behind");
});

test("the curve of a run's summary: its percentiles, the median over rounds, the maximum last", () => {
  const run = (k: number, samples = 10_000) => ({
    samples,
    minUs: 10 * k,
    meanUs: 30 * k,
    p50Us: 20 * k,
    p90Us: 40 * k,
    p99Us: 80 * k,
    p999Us: 160 * k,
    maxUs: 1000 * k,
  });
  assert.deepEqual(percentilePoints([run(1)]), [
    { percentile: 0, us: 10 },
    { percentile: 50, us: 20 },
    { percentile: 90, us: 40 },
    { percentile: 99, us: 80 },
    { percentile: 99.9, us: 160 },
    { percentile: 99.99, us: 1000 },
  ]);
  // Three rounds: the middle one's percentiles, the worst maximum, at the rank of the last of all samples.
  const three = percentilePoints([run(3), run(1), run(2)]);
  assert.deepEqual(
    three.map((p) => p.us),
    [20, 40, 80, 160, 320, 3000],
  );
  assert.equal(three[5]?.percentile, 100 * (1 - 1 / 30_000));
  // 50 samples: nothing beyond p99 or p99.9 to tell them from the maximum.
  assert.deepEqual(
    percentilePoints([run(1, 50)]).map((p) => p.percentile),
    [0, 50, 90, 98],
  );
  assert.deepEqual(percentilePoints([{ ...run(1), samples: 0 }]), []);
});
