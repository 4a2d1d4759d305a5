/**
 * `bench --plot`: the chart looked at. Runs `tcpecho bench` against
 * `tcpecho serve` processes on loopback, then reads the file it drew: the
 * SVG parsed as XML (each series' line, the legend, the percentile labels,
 * the axis titles, and the points: the run's own histogram's distribution,
 * through the percentiles its report states),
 * the PNG decoded (its size, its colours). Bad `--plot` values fail before
 * any connection, with one line and exit code 2.
 */

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { PNG } from "pngjs";
import { LatencyHistogram, percentileDistribution } from "tcpecho";
import { latencyCurve, PLOT_COLORS } from "../src/cli/bench-plot.js";
import { freePort, linuxOnly, notSimulated, runCli, startCliServer, stopCli } from "./helpers.js";
import { assertCurve, readSvg, xOf, yOf } from "./svg-chart.js";

const DIR = mkdtempSync(join(tmpdir(), "tcpecho-plot-"));
after(() => rmSync(DIR, { recursive: true, force: true }));

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
      // The whole distribution of the run's own histogram, point for point, as HdrHistogram's plotter draws it …
      const histogram = report.histogram as { data: string };
      const h = LatencyHistogram.decode(histogram.data, (latency.maxMs ?? 0) * 1000);
      const points = percentileDistribution(h);
      assertCurve(svg.texts, line, points);
      // … which passes through the percentiles the report states: the minimum, p50 and p90 are points of
      // it; p99 and p99.9 lie between the two points either side; the last point is the maximum.
      const yAt = (i: number) => (line.points[i] as { y: number }).y;
      assert.ok(Math.abs(yAt(0) - yOf(svg.texts, latency.minMs ?? 0)) < 1, "the minimum at 0 %");
      assert.ok(
        Math.abs(yAt(line.points.length - 1) - yOf(svg.texts, latency.maxMs ?? 0)) < 1,
        "the maximum",
      );
      for (const [percentile, ms] of [
        [50, latency.p50Ms],
        [90, latency.p90Ms],
        [99, latency.p99Ms],
        [99.9, latency.p999Ms],
      ] as [number, number][]) {
        const x = xOf(svg.texts, percentile);
        const before = line.points.findLastIndex((p) => p.x <= x + 0.1);
        const after = line.points.findIndex((p) => p.x >= x - 0.1);
        assert.ok(before >= 0 && after >= 0, `points around ${percentile} %`);
        const y = yOf(svg.texts, ms);
        const [lo, hi] = [Math.min(yAt(before), yAt(after)), Math.max(yAt(before), yAt(after))];
        assert.ok(y >= lo - 1 && y <= hi + 1, `p${percentile} ${ms} ms: y ${y}, the curve ${lo}…${hi} there`);
      }
      for (let i = 1; i < line.points.length; i++) {
        const [p, q] = [
          line.points[i - 1] as { x: number; y: number },
          line.points[i] as { x: number; y: number },
        ];
        assert.ok(
          q.x >= p.x && q.y <= p.y + 0.1,
          `point ${i}: percentiles rise left to right, latency never falls`,
        );
      }
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
    // Each target's curve is dense (the distribution of its rounds' histograms added up; the sum itself is
    // checked below, as a --json comparison carries no histogram).
    for (const l of svg.lines) assert.ok(l.points.length >= 20, `${l.points.length} points`);
  },
);

test(
  "A B, PNG: a 1000×600 picture that decodes, with both series' colours",
  { timeout: 30_000 },
  async (t) => {
    const skip = notSimulated("the PNG renderer's native binary for this system (@resvg/resvg-js)");
    if (skip) return t.skip(skip);
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
      /^tcpecho: give --plot a file name ending in \.svg or \.png, not '.*chart\.jpg'/,
    ],
    [["--plot", join(DIR, "none", "chart.svg")], /--plot a file it can write \('.*': no such directory\)/],
    [["--plot", join(DIR, "dir.svg")], /--plot a file it can write \('.*': it is a directory\)/],
    [["--stream", "--plot", join(DIR, "stream.svg")], /--plot draws latency, --stream has none/],
    [["--lang", "ko", "--plot", join(DIR, "chart.gif")], /\.svg 나 \.png 로 끝나는 파일 이름/],
    [
      ["--lang", "ko", "--plot", join(DIR, "none", "chart.png")],
      /쓸 수 있는 파일을 .*: 그런 디렉터리가 없습니다/,
    ],
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

test("with rounds, the curve is that of one histogram holding every round's samples", () => {
  const rounds = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
  const all = new LatencyHistogram();
  // Three rounds, each with its own spread: a median of their points would not be the whole's.
  for (let i = 0; i < 30_000; i++) {
    const k = i % 3;
    const us = 50 + ((i * 7919) % 1000) * (k + 1) + (i % 997 === 0 ? 20_000 * (k + 1) : 0);
    (rounds[k] as LatencyHistogram).record(us);
    all.record(us);
  }
  const curve = latencyCurve([...rounds, null]);
  assert.deepEqual(curve, percentileDistribution(all));
  assert.equal(curve.at(-1)?.count, 30_000);
  // The last point is the maximum's bucket (3 significant digits, as HdrHistogram reports it).
  const max = all.summary().maxUs;
  assert.ok(
    Math.abs((curve.at(-1)?.valueUs ?? 0) - max) <= max / 1000,
    `${curve.at(-1)?.valueUs} for ${max}`,
  );
  assert.ok(curve.length > 50, `${curve.length} points`);
  assert.deepEqual(latencyCurve([null]), []);
});

test(
  "--hgrm or --plot to a file of the kernel fails before the run, in words; a full disk after it, in words",
  { timeout: 60_000 },
  async (t) => {
    const skip = linuxOnly("/proc/self/mem and /dev/full");
    if (skip) return t.skip(skip);
    // /proc/self/mem opens for writing, but writing a report to it fails (EIO): refused before any connection.
    const target = `127.0.0.1:${await freePort()}`;
    symlinkSync("/proc/self/mem", join(DIR, "mem.svg"));
    for (const [args, words] of [
      [
        ["--hgrm", "/proc/self/mem"],
        /give --hgrm a file it can write \('\/proc\/self\/mem': a file of the kernel \(\/proc, \/sys\)\)/,
      ],
      [
        ["--plot", join(DIR, "mem.svg")],
        /give --plot a file it can write \('.*mem\.svg': a file of the kernel/,
      ],
      [
        ["--hgrm", "/proc/self/mem", "--lang", "ko"],
        /--hgrm 에는 쓸 수 있는 파일을 주세요 \('\/proc\/self\/mem': 커널의 파일입니다/,
      ],
    ] as const) {
      const r = await runCli(["bench", target, "-d", "1s", ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout.length, 0, "nothing ran");
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, words);
      assert.doesNotMatch(r.stderr, /EIO|i\/o error/);
    }
    if (!existsSync("/dev/full")) {
      t.skip("no /dev/full");
      return;
    }
    // A device that opens but takes nothing: found out only when writing, after the run, and said in words.
    const srv = await startCliServer();
    try {
      for (const [lang, words] of [
        ["en", /^tcpecho bench: could not write \/dev\/full: no space left on the device$/],
        ["ko", /^tcpecho bench: \/dev\/full 에 쓰지 못했습니다: 장치에 남은 공간이 없습니다$/],
      ] as const) {
        const r = await runCli([
          "bench",
          `127.0.0.1:${srv.port}`,
          "-c",
          "1",
          "-n",
          "10",
          "--hgrm",
          "/dev/full",
          "--lang",
          lang,
        ]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stdout.toString(), /^ {2}(errors|오류) /m, "the report came first");
        assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
        assert.match(r.stderr.trim(), words);
        assert.doesNotMatch(r.stderr, /ENOSPC/);
      }
    } finally {
      await stopCli(srv);
    }
  },
);
