/**
 * `bench --json` with its latency histogram, `bench merge` over several
 * reports, `--hgrm`, and bad files, on loopback. HdrHistogram's own Java
 * library (Debian's libhdrhistogram-java) reads our encoding and prints the
 * same .hgrm as ours: the proof that both are the standard formats.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BenchFileError, LatencyHistogram, percentileDistribution, readBenchJson } from "tcpecho";
import { checkMerged, lastJson, type BenchJsonLine } from "./bench-merge-check.js";
import { PLOT_COLORS } from "../src/cli/bench-plot.js";
import { benchMessages } from "../src/i18n/bench.js";
import { englishWords } from "../src/i18n/english-words.js";
import { needs, requiredInCi, runCli, startCliServer, stopCli, type RunningCli } from "./helpers.js";
import { assertCurve, readSvg } from "./svg-chart.js";

const JAR = "/usr/share/java/hdrhistogram.jar";

let server: (RunningCli & { port: number }) | undefined;
let dir = "";
/** Two runs of different sizes against the same server, the second with --hgrm. */
const runs: { text: string; json: BenchJsonLine }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "tcpecho-merge-"));
  server = await startCliServer();
  for (const [connections, count, extra] of [
    ["3", "1500", []],
    ["2", "1000", ["--hgrm", join(dir, "b.hgrm")]],
  ] as const) {
    const r = await runCli(
      ["bench", `127.0.0.1:${server.port}`, "-c", connections, "-n", count, "-s", "64", "--json", ...extra],
      { timeout: 30_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    runs.push({ text: r.stdout.toString(), json: lastJson(r.stdout) });
  }
  writeFileSync(join(dir, "a.json"), runs[0]?.text ?? "");
  writeFileSync(join(dir, "b.json"), runs[1]?.text ?? "");
});

after(async () => {
  if (server !== undefined) await stopCli(server);
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string) => join(dir, name);
const parts = () => runs.map((r) => r.json);

test("bench --json carries its histogram: µs, HdrHistogram's encoding, every sample", () => {
  for (const { json } of runs) {
    assert.deepEqual(
      { ...json.histogram, data: json.histogram.data.slice(0, 8) },
      { encoding: "HdrHistogram-V2-compressed-base64", unit: "us", significantDigits: 3, data: "HISTFAAA" },
    );
    const h = LatencyHistogram.decode(json.histogram.data);
    assert.equal(h.count, json.requests);
    assert.equal(h.summary().p50Us / 1000, json.latency.p50Ms);
  }
});

test("bench merge --json: counts summed, percentiles of all samples in one histogram", async () => {
  const r = await runCli(["bench", "merge", file("a.json"), file("b.json"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const merged = lastJson(r.stdout);
  assert.equal(merged.requests, 2500);
  checkMerged(parts(), merged);
  const extra = merged as unknown as { reports: number; targets: string[]; clientBusy: number | null };
  assert.equal(extra.reports, 2);
  // The busiest load generator's utilization.
  const busy = parts().map((p) => (p as unknown as { clientBusy: number }).clientBusy);
  assert.ok(
    busy.every((b) => typeof b === "number" && b >= 0 && b <= 1),
    String(busy),
  );
  assert.equal(extra.clientBusy, Math.max(...busy));
  assert.deepEqual(extra.targets, [`127.0.0.1:${server?.port}`]);

  // A merged report merges again, standard input too.
  writeFileSync(file("ab.json"), r.stdout);
  const again = await runCli(["bench", "merge", file("ab.json"), "-", "--json"], {
    input: runs[0]?.text ?? "",
  });
  assert.equal(again.code, 0, again.stderr);
  checkMerged([merged, parts()[0] as BenchJsonLine], lastJson(again.stdout));
  assert.equal(lastJson(again.stdout).requests, 4000);
});

test("bench merge prints bench's own report, in English and Korean", async () => {
  const merged = lastJson(
    (await runCli(["bench", "merge", file("a.json"), file("b.json"), "--json"])).stdout,
  );
  const en = await runCli(["bench", "merge", file("a.json"), file("b.json")]);
  assert.equal(en.code, 0, en.stderr);
  const lines = en.stdout.toString().trimEnd().split("\n");
  assert.match(lines[0] ?? "", /^tcpecho bench merge: 2 reports \(127\.0\.0\.1:\d+\); rates are the sum/);
  assert.match(
    lines[1] ?? "",
    new RegExp(`^  requests +2500 in [\\d.]+ (ms|s): ${merged.requestsPerSecond.toFixed(1)} requests/s$`),
  );
  const p99 = merged.latency.p99Ms;
  const ms = p99 < 1 ? p99.toFixed(3) : p99 < 10 ? p99.toFixed(2) : p99.toFixed(1);
  assert.match(en.stdout.toString(), new RegExp(`  latency +p50 .* p99 ${ms} ms`));
  assert.match(lines.at(-1) ?? "", /errors +none/);
  const ko = await runCli(["bench", "merge", file("a.json"), file("b.json"), "--lang", "ko"]);
  assert.equal(ko.code, 0, ko.stderr);
  assert.match(ko.stdout.toString(), /보고서 2개/);
  assert.match(ko.stdout.toString(), /요청 +[\d.]+( ms|초) 동안 2500개/);
  assert.match(ko.stdout.toString(), /오류 +없음/);
});

/** The rows of an .hgrm table and its footer. */
function parseHgrm(text: string) {
  const lines = text.split("\n");
  assert.match(lines[0] ?? "", /^ +Value +Percentile +TotalCount 1\/\(1-Percentile\)$/);
  assert.equal(lines[1], "");
  const rows = lines
    .slice(2)
    .filter((l) => /^ +\d/.test(l))
    .map((l) => {
      const [value, percentile, count, inverse] = l.trim().split(/ +/);
      return { value: Number(value), percentile: Number(percentile), count: Number(count), inverse };
    });
  const footer = text.match(
    /#\[Mean {4}= +([\d.]+), StdDeviation {3}= +([\d.]+)\]\n#\[Max {5}= +([\d.]+), Total count {4}= +(\d+)\]\n#\[Buckets = +(\d+), SubBuckets {5}= +(\d+)\]\n$/,
  );
  assert.ok(footer, text.slice(-300));
  return {
    rows,
    max: Number(footer[3]),
    total: Number(footer[4]),
    buckets: Number(footer[5]),
    subBuckets: Number(footer[6]),
  };
}

test("bench --hgrm: HdrHistogram's .hgrm table, values in ms, that parses back to the histogram", () => {
  const run = runs[1]?.json as BenchJsonLine;
  const hgrm = parseHgrm(readFileSync(file("b.hgrm"), "utf8"));
  const points = percentileDistribution(LatencyHistogram.decode(run.histogram.data));
  assert.equal(hgrm.rows.length, points.length);
  hgrm.rows.forEach((row, i) => {
    const p = points[i];
    assert.ok(p);
    assert.equal(row.value, Number((p.valueUs / 1000).toFixed(3)));
    assert.equal(row.percentile, Number((p.percentile / 100).toFixed(12)));
    assert.equal(row.count, p.count);
    if (i > 0)
      assert.ok(row.value >= (hgrm.rows[i - 1]?.value ?? 0) && row.count >= (hgrm.rows[i - 1]?.count ?? 0));
  });
  assert.equal(hgrm.rows.at(-1)?.percentile, 1);
  assert.equal(hgrm.rows.at(-1)?.inverse, undefined, "the 100 % row has no 1/(1-Percentile)");
  assert.equal(hgrm.total, run.requests);
  assert.equal(hgrm.max, run.latency.maxMs);
  assert.deepEqual([hgrm.buckets, hgrm.subBuckets], [22, 2048]);
});

test("HdrHistogram's Java library decodes our histograms and prints the same .hgrm as bench merge --hgrm", async (t) => {
  const skip = needs("java", "default-jre-headless") || (existsSync(JAR) ? false : jarMissing());
  if (skip) {
    t.skip(skip);
    return;
  }
  const r = await runCli([
    "bench",
    "merge",
    file("a.json"),
    file("b.json"),
    "--json",
    "--hgrm",
    file("m.hgrm"),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const ours = readFileSync(file("m.hgrm"), "utf8");
  assert.equal(parseHgrm(ours).total, 2500);
  assert.equal(javaHgrm("m", lastJson(r.stdout).histogram.data), ours);
  // And a single run's histogram: the same table (its Max line is the bucket's, ours the exact sample).
  const single = (text: string) => text.split("\n").filter((l) => !l.startsWith("#[Max"));
  assert.deepEqual(
    single(javaHgrm("b", runs[1]?.json.histogram.data ?? "")),
    single(readFileSync(file("b.hgrm"), "utf8")),
  );
});

/**
 * The .hgrm that HdrHistogram's Java HistogramLogProcessor prints for an
 * encoded histogram (µs, shown in ms), given as a histogram log of one
 * interval the way HdrHistogram's own tools write them.
 */
function javaHgrm(name: string, data: string): string {
  writeFileSync(
    file(`${name}.hlog`),
    `"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"\n0.000,1.000,1.000,${data}\n`,
  );
  const args = ["-i", file(`${name}.hlog`), "-o", file(`java-${name}`), "-outputValueUnitRatio", "1000"];
  const java = spawnSync("java", ["-cp", JAR, "org.HdrHistogram.HistogramLogProcessor", ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(java.status, 0, java.stderr);
  const theirs = readFileSync(file(`java-${name}.hgrm`), "utf8");
  // Its first line says which interval it covers; the rest is the .hgrm.
  assert.match(theirs, /^#\[Overall percentile distribution/);
  return theirs.slice(theirs.indexOf("\n") + 1);
}

function jarMissing(): string {
  if (requiredInCi()) throw new Error(`${JAR} is required in CI (.ci/run installs libhdrhistogram-java)`);
  const reason = `HdrHistogram's Java library is not installed (apt-get install libhdrhistogram-java); skipping`;
  console.log(`# ${reason}`);
  return reason;
}

/** Writes `text` to a new file and runs `bench merge` on a good file and it: exit 2, one line naming it. */
async function badFile(name: string, text: string | null, pattern: RegExp, first = file("a.json")) {
  if (text !== null) writeFileSync(file(name), text);
  const r = await runCli(["bench", "merge", first, file(name)]);
  assert.equal(r.code, 2, `${name}: ${r.stderr}`);
  assert.equal(r.stdout.toString(), "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0]?.startsWith(`tcpecho bench merge: ${file(name)}: `), lines[0]);
  assert.match(lines[0] ?? "", pattern);
  assert.ok(lines[0]?.endsWith(" (see: tcpecho bench merge --help)"), lines[0]);
}

test("bench merge of reports from before clientBusy: null, and no client line", async () => {
  const old = (json: BenchJsonLine) => {
    const o = { ...(json as unknown as Record<string, unknown>) };
    delete o.clientBusy;
    return JSON.stringify(o);
  };
  writeFileSync(file("old-a.json"), old(parts()[0] as BenchJsonLine) + "\n");
  writeFileSync(file("old-b.json"), old(parts()[1] as BenchJsonLine) + "\n");
  const j = await runCli(["bench", "merge", file("old-a.json"), file("old-b.json"), "--json"]);
  assert.equal(j.code, 0, j.stderr);
  assert.equal((lastJson(j.stdout) as unknown as { clientBusy: unknown }).clientBusy, null);
  const t = await runCli(["bench", "merge", file("old-a.json"), file("old-b.json")]);
  assert.equal(t.code, 0, t.stderr);
  assert.doesNotMatch(t.stdout.toString(), /busy/);
  // One that has it still counts.
  const mixed = await runCli(["bench", "merge", file("old-a.json"), file("b.json"), "--json"]);
  const b = (parts()[1] as unknown as { clientBusy: number }).clientBusy;
  assert.equal((lastJson(mixed.stdout) as unknown as { clientBusy: unknown }).clientBusy, b);
});

test("bench merge: a bad file is one clear line and exit code 2", async () => {
  const good = JSON.parse(runs[0]?.text.trim().split("\n").at(-1) ?? "") as Record<string, unknown>;
  const hist = good.histogram as Record<string, unknown>;
  const data = hist.data as string;
  await badFile("text.txt", "hello\n", /no line of JSON/);
  await badFile("empty.json", "", /no line of JSON/);
  await badFile("broken.json", '{"requests": 1,', /no line of JSON/);
  await badFile("other.json", '{"hello":"world"}\n', /not a report of tcpecho bench --json \(mode: /);
  await badFile("compare.json", '{"rounds":3,"targets":[]}\n', /comparison of several targets/);
  await badFile("old.json", JSON.stringify({ ...good, histogram: undefined }), /without a latency histogram/);
  await badFile(
    "garbled.json",
    JSON.stringify({ ...good, histogram: { ...hist, data: data.slice(0, 40) + "AAAA" + data.slice(44) } }),
    /latency histogram does not decode/,
  );
  await badFile(
    "notbase64.json",
    JSON.stringify({ ...good, histogram: { ...hist, data: "HISTFAAA!!" } }),
    /does not decode/,
  );
  await badFile(
    "ns.json",
    JSON.stringify({ ...good, histogram: { ...hist, unit: "ns" } }),
    /is in ns, not in microseconds/,
  );
  await badFile(
    "samples.json",
    JSON.stringify({ ...good, latency: { ...(good.latency as object), samples: 7 } }),
    /disagree on the number of samples \(1500\/7\)/,
  );
  await badFile(
    "stream.json",
    JSON.stringify({ ...good, mode: "stream", latency: null, histogram: null }),
    /stream report .* cannot be merged with message reports/,
  );
  await badFile("missing.json", null, /cannot be read \(ENOENT\)/);
  const ko = await runCli(["bench", "merge", file("text.txt"), "--lang", "ko"]);
  assert.equal(ko.code, 2);
  assert.match(ko.stderr, /JSON 줄이 없습니다.*\(도움말: tcpecho bench merge --help\)$/m);
});

test("bench merge: the same report twice is refused, by name or as a copy", async () => {
  writeFileSync(file("copy.json"), runs[0]?.text ?? "");
  for (const [second, said] of [
    [file("a.json"), /: given twice; each report is merged once/],
    [file("copy.json"), new RegExp(`: the same report as ${file("a.json").replace(/[.]/g, "\\.")}; `)],
  ] as const) {
    const r = await runCli(["bench", "merge", file("a.json"), file("b.json"), second]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout.toString(), "", "nothing merged");
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, said);
    assert.match(r.stderr, /\(see: tcpecho bench merge --help\)$/m);
  }
  const stdin = await runCli(["bench", "merge", "-", "-"], { input: runs[0]?.text ?? "" });
  assert.equal(stdin.code, 2, stdin.stderr);
  const ko = await runCli(["bench", "merge", file("a.json"), file("a.json"), "--lang", "ko"]);
  assert.equal(ko.code, 2);
  assert.match(ko.stderr, /두 번 주었습니다/);
});

/** Every way the library finds a report wrong: each field given a value of the wrong kind, and each histogram fault. */
function brokenReports(good: Record<string, unknown>): string[] {
  const hist = good.histogram as Record<string, unknown>;
  const texts = Object.keys(good).map((key) =>
    JSON.stringify({ ...good, [key]: typeof good[key] === "string" ? 7 : "seven" }),
  );
  const errors = good.errors as Record<string, unknown>;
  texts.push(
    JSON.stringify({ ...good, errors: { ...errors, resets: -1 } }),
    JSON.stringify({ ...good, errors: { ...errors, connect: { EBOGUS: 1 } } }),
    JSON.stringify({ ...good, histogram: { ...hist, data: "XISTFAAA" } }),
    JSON.stringify({ ...good, histogram: { ...hist, data: "HISTFAAA!!" } }),
    JSON.stringify({ ...good, histogram: { ...hist, encoding: "base64" } }),
    JSON.stringify({ ...good, histogram: { ...hist, unit: "nanoseconds" } }),
    JSON.stringify({ ...good, latency: { ...(good.latency as object), samples: 7 } }),
  );
  return texts;
}

test("bench merge --lang ko: why a file is not a report, in Korean, without English", async () => {
  const good = JSON.parse(runs[0]?.text.trim().split("\n").at(-1) ?? "") as Record<string, unknown>;
  const said = new Set<string>();
  for (const text of brokenReports(good)) {
    let problem: BenchFileError | undefined;
    try {
      readBenchJson(text);
    } catch (err) {
      if (err instanceof BenchFileError) problem = err;
      else throw err;
    }
    if (problem === undefined) continue; // a field the reader does not check (tcpecho's own extras)
    const ko = benchMessages.ko.mergeBadFile("a.json", problem.problem, problem.detail);
    said.add(problem.detail);
    assert.deepEqual(englishWords(ko), [], ko);
    // A reason quoted whole would hide its English from the check: those two are worded.
    if (problem.problem === "report" || problem.problem === "histogram")
      assert.ok(!ko.includes(`'${problem.detail}'`), ko);
  }
  assert.ok(said.size >= 15, [...said].join(" | "));
  // The two the issue showed, from the command.
  writeFileSync(file("mode.json"), JSON.stringify({ ...good, mode: "fast" }));
  writeFileSync(
    file("hist.json"),
    JSON.stringify({ ...good, histogram: { ...(good.histogram as object), data: "XIST" } }),
  );
  for (const [name, korean] of [
    [
      "mode.json",
      /보고서가 아닙니다 \('mode' 에는 'pingpong', 'pipelined', 'rate', 'stream' 중 하나가 있어야 합니다\) \(도움말: tcpecho bench merge --help\)$/,
    ],
    [
      "hist.json",
      /해독할 수 없습니다: HdrHistogram 압축 인코딩이 아닙니다 \('no HIST cookie'\) \(도움말: tcpecho bench merge --help\)$/,
    ],
  ] as const) {
    const r = await runCli(["bench", "merge", file(name), "--lang", "ko"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr.trimEnd(), korean);
  }
});

test("--hgrm needs latency, one target and a file it can write: refused before any load", async () => {
  const nowhere = join(dir, "no-such-dir", "x.hgrm");
  const cases: [string[], RegExp][] = [
    [
      ["bench", "127.0.0.1:1", "--stream", "--hgrm", file("x.hgrm")],
      /^tcpecho: give only one of --hgrm and --stream: --hgrm writes latency, --stream has none \(see: tcpecho bench --help\)\n$/,
    ],
    [
      ["bench", "127.0.0.1:1", "127.0.0.1:2", "--plot", file("x.svg"), "--hgrm", file("x.hgrm")],
      /^tcpecho: give one target only with --hgrm: .*\(127\.0\.0\.1:1 127\.0\.0\.1:2\), use --plot \(see: tcpecho bench --help\)\n$/,
    ],
    [
      ["bench", "127.0.0.1:1", "127.0.0.1:2", "--hgrm", file("x.hgrm"), "--lang", "ko"],
      /^tcpecho: --hgrm 을 쓰려면 대상을 하나만 주세요: .*\(127\.0\.0\.1:1 127\.0\.0\.1:2\)을 비교하려면 --plot 을 쓰세요/,
    ],
    [
      ["bench", "127.0.0.1:1", "--stream", "--hgrm", file("x.hgrm"), "--lang", "ko"],
      /^tcpecho: --hgrm 과 --stream 중 하나만 주세요: --hgrm 은 지연 시간을 쓰는데 --stream 에는 지연 시간이 없습니다/,
    ],
    [
      ["bench", `127.0.0.1:${server?.port}`, "-n", "10", "--hgrm", nowhere],
      /^tcpecho: give --hgrm a file it can write \('.*x\.hgrm': no such directory\) \(see: tcpecho bench --help\)\n$/,
    ],
    [
      ["bench", "merge", file("a.json"), "--hgrm", nowhere],
      /^tcpecho: give --hgrm a file it can write \('.*x\.hgrm': no such directory\) \(see: tcpecho bench merge --help\)\n$/,
    ],
    [
      ["bench", "merge", file("a.json"), "--hgrm", nowhere, "--lang", "ko"],
      /^tcpecho: --hgrm 에는 쓸 수 있는 파일을 주세요 \('.*x\.hgrm': 그런 디렉터리가 없습니다\)/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout.toString(), "", "nothing ran");
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, message);
  }
  assert.equal(existsSync(file("x.hgrm")), false);
  assert.equal(existsSync(file("x.svg")), false);
});

test("bench merge of stream reports with --hgrm or --plot: one line, exit code 2, no file", async () => {
  const r = await runCli(
    ["bench", `127.0.0.1:${server?.port}`, "--stream", "-c", "1", "-d", "300ms", "--json"],
    { timeout: 20_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  writeFileSync(file("s.json"), r.stdout);
  for (const [flag, out] of [
    ["--hgrm", file("s.hgrm")],
    ["--plot", file("s.svg")],
  ] as const) {
    const m = await runCli(["bench", "merge", file("s.json"), flag, out]);
    assert.equal(m.code, 2, m.stderr);
    assert.match(
      m.stderr,
      new RegExp(
        `^tcpecho: leave out ${flag}, or give reports with latency: stream reports \\(.*s\\.json\\) have none \\(see: tcpecho bench merge --help\\)`,
      ),
    );
    assert.equal(m.stderr.trim().split("\n").length, 1, m.stderr);
    assert.equal(existsSync(out), false, `no ${out}`);
  }
});

test("bench merge --plot: each file's curve and the merged one, named in the legend", async () => {
  const out = file("merged.svg");
  const r = await runCli(["bench", "merge", file("a.json"), file("b.json"), "--plot", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /latency chart written to .*merged\.svg/);
  const svg = readSvg(out);
  for (const w of [file("a.json"), file("b.json"), "merged (2 reports)", "Latency by percentile", "99.99%"])
    assert.ok(svg.words.includes(w), `"${w}" among the SVG's texts: ${JSON.stringify(svg.words)}`);
  assert.ok(svg.words.some((w) => w.includes("2 reports") && w.includes("every sample in one histogram")));
  assert.deepEqual(
    svg.lines.map((l) => l.stroke),
    [PLOT_COLORS[0], PLOT_COLORS[1], PLOT_COLORS[2]],
    "three lines in the legend's colours",
  );
  // Each file's own distribution, and that of the sum of both histograms.
  const [ha, hb] = parts().map((p) => LatencyHistogram.decode(p.histogram.data, p.latency.maxMs * 1000)) as [
    LatencyHistogram,
    LatencyHistogram,
  ];
  const all = LatencyHistogram.decode(parts()[0]?.histogram.data ?? "");
  all.add(hb);
  [ha, hb, all].forEach((h, i) =>
    assertCurve(svg.texts, svg.lines[i] as (typeof svg.lines)[number], percentileDistribution(h)),
  );

  const ko = await runCli(["bench", "merge", file("a.json"), file("b.json"), "--plot", out, "--lang", "ko"]);
  assert.equal(ko.code, 0, ko.stderr);
  assert.ok(readSvg(out).words.includes("합친 결과 (보고서 2개)"));
});
