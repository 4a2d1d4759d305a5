/**
 * What a merged bench report must be, checked against its parts: counts the
 * sum of theirs, and latency that of one histogram holding every sample
 * (the parts' histograms decoded by hdr-histogram-js itself and added up).
 * Shared by the loopback and the network-namespace tests.
 */

import assert from "node:assert/strict";
import hdr from "hdr-histogram-js";

/** The parts of a `bench --json` line the checks read. */
export interface BenchJsonLine {
  requests: number;
  requestsPerSecond: number;
  bytes: number;
  connections: number;
  connected: number;
  threads: number;
  elapsedMs: number;
  latency: Record<"samples" | "minMs" | "p50Ms" | "p90Ms" | "p99Ms" | "p999Ms" | "maxMs", number>;
  histogram: { encoding: string; unit: string; significantDigits: number; data: string };
  errors: Record<string, number | Record<string, number>>;
  ok: boolean;
}

/** The last line of a command's output, parsed. */
export function lastJson(stdout: string | Buffer): BenchJsonLine {
  const lines = stdout.toString().trim().split("\n");
  return JSON.parse(lines.at(-1) ?? "") as BenchJsonLine;
}

/** The histograms of `parts`, decoded and added into one. */
export function allSamples(parts: readonly BenchJsonLine[]): ReturnType<typeof hdr.build> {
  const all = hdr.build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (const p of parts) {
    assert.equal(p.histogram.unit, "us");
    assert.match(p.histogram.data, /^HISTFAAA/);
    all.add(hdr.decodeFromCompressedBase64(p.histogram.data, 64));
  }
  return all;
}

const sum = (parts: readonly BenchJsonLine[], f: (p: BenchJsonLine) => number) =>
  parts.reduce((a, p) => a + f(p), 0);

/** Asserts that `merged` is the merge of `parts`. */
export function checkMerged(parts: readonly BenchJsonLine[], merged: BenchJsonLine): void {
  for (const key of ["requests", "bytes", "connections", "connected", "threads"] as const)
    assert.equal(
      merged[key],
      sum(parts, (p) => p[key]),
      key,
    );
  for (const key of ["resets", "closedEarly", "corruptedBytes", "missingBytes", "extraBytes"])
    assert.equal(
      merged.errors[key],
      sum(parts, (p) => p.errors[key] as number),
      key,
    );
  assert.equal(
    merged.ok,
    parts.every((p) => p.ok),
  );
  assert.equal(merged.elapsedMs, Math.max(...parts.map((p) => p.elapsedMs)));
  // Rates add up: each part's own, over its own measured period.
  const rates = sum(parts, (p) => p.requests / (p.elapsedMs / 1000));
  assert.ok(
    Math.abs(merged.requestsPerSecond - rates) <= rates * 1e-9,
    `${merged.requestsPerSecond} vs ${rates}`,
  );

  const all = allSamples(parts);
  const m = hdr.decodeFromCompressedBase64(merged.histogram.data, 64);
  assert.equal(m.totalCount, merged.requests);
  assert.equal(all.totalCount, merged.requests);
  assert.equal(merged.latency.samples, merged.requests);
  // The whole distribution, bucket by bucket as the iteration sees it, and each percentile reported.
  assert.equal(m.outputPercentileDistribution(5, 1), all.outputPercentileDistribution(5, 1));
  const maxUs = Math.max(...parts.map((p) => Math.round(p.latency.maxMs * 1000)));
  assert.equal(merged.latency.maxMs, maxUs / 1000);
  const ms = (us: number) => Math.round((us / 1000) * 1000) / 1000;
  for (const [key, percentile] of [
    ["p50Ms", 50],
    ["p90Ms", 90],
    ["p99Ms", 99],
    ["p999Ms", 99.9],
  ] as const)
    assert.equal(merged.latency[key], ms(Math.min(all.getValueAtPercentile(percentile), maxUs)), key);
}
