/** The bench catalogue in Korean: every sentence, and no English left in it. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { benchMessages, type BenchMessages } from "./bench.js";
import { englishWords } from "./english-words.js";

/** Sample calls of every entry; the mapped type makes the compiler demand each key. */
const SAMPLES: { [K in keyof BenchMessages]: (m: BenchMessages) => string[] } = {
  header: (m) =>
    (["pingpong", "pipelined", "rate", "stream"] as const).map((mode) =>
      m.header({
        target: "127.0.0.1:9000",
        mode,
        connections: 50,
        size: 512,
        pipeline: mode === "pipelined" ? 16 : 1,
        rate: 20_000,
        tls: mode === "stream",
        length: m.forDuration(10),
      }),
    ),
  modes: (m) => Object.values(m.modes),
  forDuration: (m) => [m.forDuration(10)],
  forCount: (m) => [m.forCount(1000)],
  progress: (m) => [m.progress(1, 20_000, 10.2)],
  progressStream: (m) => [m.progressStream(1, 900.5)],
  requests: (m) => [m.requests(200_000, 10_010, 19_980.1), m.requests(2, 0.82, 2439)],
  echoed: (m) => [m.echoed(1e9, 10_000), m.echoed(1e6, 250)],
  throughput: (m) => [m.throughput(100, false), m.throughput(100, true)],
  latency: (m) => [m.latency("0.1 ms", "0.2 ms", "0.3 ms", "0.4 ms", "5 ms")],
  clientBusy: (m) => [m.clientBusy(83, 1, false), m.clientBusy(97, 2, true)],
  errorsNone: (m) => [m.errorsNone],
  errorsLead: (m) => [m.errorsLead],
  connectFailed: (m) => [m.connectFailed(2, 50, "—")],
  resets: (m) => [m.resets(1), m.resets(3)],
  closedEarly: (m) => [m.closedEarly(1), m.closedEarly(3)],
  corrupted: (m) => [m.corrupted(1), m.corrupted(3)],
  missing: (m) => [m.missing(1), m.missing(3)],
  extra: (m) => [m.extra(1), m.extra(3)],
  neverEchoed: (m) => [m.neverEchoed(1, 2), m.neverEchoed(50, 150)],
  interrupted: (m) => [m.interrupted],
  round: (m) => [m.round(1, "A", 100, "0.3 ms", true), m.round(2, "B", 100, "0.3 ms", false)],
  roundStream: (m) => [m.roundStream(1, "A", 900, true), m.roundStream(2, "B", 900, false)],
  compareHeader: (m) => [m.compareHeader],
  compareRow: (m) => [
    m.compareRow("127.0.0.1:9000", 100, 1, 1, true),
    m.compareRow("127.0.0.1:9001", 90, 1, 0.9, false),
    m.compareRow("127.0.0.1:9000", 0, 0, null, true),
    m.compareRow("127.0.0.1:9001", 90, 1, null, false),
  ],
  compareHeaderStream: (m) => [m.compareHeaderStream],
  compareRowStream: (m) => [
    m.compareRowStream("127.0.0.1:9000", 900, 1, true),
    m.compareRowStream("127.0.0.1:9001", 800, 0.889, false),
    m.compareRowStream("127.0.0.1:9001", 800, null, false),
  ],
  workload: (m) => [
    m.workload({
      mode: "pipelined",
      connections: 1,
      size: 64,
      pipeline: 4,
      tls: false,
      length: m.forCount(10),
    }),
  ],
  plotTitle: (m) => [m.plotTitle],
  plotRounds: (m) => [m.plotRounds(1), m.plotRounds(3)],
  plotPercentile: (m) => [m.plotPercentile],
  plotLatency: (m) => [m.plotLatency],
  plotWritten: (m) => [m.plotWritten("latency.svg")],
  plotMerged: (m) => [m.plotMerged(1), m.plotMerged(3)],
  plotMergeSubtitle: (m) => [m.plotMergeSubtitle(2, ["a:9000", "b:9000"])],
  mergeHeader: (m) => [m.mergeHeader(1, ["10.0.0.1:9000"]), m.mergeHeader(2, ["a:9000", "b:9000"])],
  mergeBadFile: (m) =>
    (["json", "report", "comparison", "no-histogram", "histogram", "unit", "samples", "mixed"] as const).map(
      (p) => m.mergeBadFile("a.json", p, p === "unit" ? "ns" : "12/13"),
    ),
  mergeUnreadable: (m) => [m.mergeUnreadable("a.json", "ENOENT")],
  mergeTwice: (m) => [m.mergeTwice("a.json", "a.json"), m.mergeTwice("b.json", "a.json")],
  writeFailed: (m) => [
    m.writeFailed("/dev/full", "no space left on the device"),
    m.writeFailed("x.hgrm", "the system refused it (EINVAL)"),
  ],
};

test("Korean bench sentences hold no English; English ones are English", () => {
  for (const [key, sample] of Object.entries(SAMPLES)) {
    for (const text of sample(benchMessages.ko))
      assert.deepEqual(englishWords(text), [], `ko.${key}: ${text}`);
    for (const text of sample(benchMessages.en))
      assert.doesNotMatch(text, /[\uac00-\ud7a3]/, `en.${key}: ${text}`);
  }
});
