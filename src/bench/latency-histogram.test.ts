import assert from "node:assert/strict";
import { test } from "node:test";
import { LatencyHistogram, percentileDistribution } from "./latency-histogram.js";

test("percentiles of known samples", () => {
  const h = new LatencyHistogram();
  for (let us = 1; us <= 1000; us++) h.record(us);
  const s = h.summary();
  assert.equal(s.samples, 1000);
  assert.equal(s.minUs, 1);
  assert.equal(s.p50Us, 500);
  assert.equal(s.p90Us, 900);
  assert.equal(s.p99Us, 990);
  assert.equal(s.maxUs, 1000);
});

test("long latencies beyond the flat range are kept, to 3 significant digits", () => {
  const h = new LatencyHistogram();
  h.record(100);
  h.record(5_000_000);
  const s = h.summary();
  assert.equal(s.samples, 2);
  assert.ok(Math.abs(s.maxUs - 5_000_000) / 5_000_000 < 0.001);
});

test("encode, decode and add merge histograms from threads", () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 0; i < 100; i++) a.record(10);
  for (let i = 0; i < 100; i++) b.record(1000);
  const merged = LatencyHistogram.decode(a.encode());
  merged.add(LatencyHistogram.decode(b.encode()));
  const s = merged.summary();
  assert.equal(s.samples, 200);
  assert.equal(s.p50Us, 10);
  assert.equal(s.maxUs, 1000);
});

test("empty and reset histograms summarise to zeros", () => {
  const h = new LatencyHistogram();
  assert.equal(h.summary().samples, 0);
  h.record(5);
  h.reset();
  assert.equal(h.summary().samples, 0);
});

test("no percentile lies above the largest sample, across threads too", () => {
  // 20813 µs falls in a bucket whose upper bound is 20815: the percentiles say 20813.
  const h = new LatencyHistogram();
  h.record(20_000);
  h.record(20_813);
  const s = h.summary();
  assert.equal(s.maxUs, 20_813);
  assert.equal(s.p99Us, 20_813);
  assert.equal(s.p999Us, 20_813);
  const back = LatencyHistogram.decode(h.encode(), s.maxUs).summary();
  assert.equal(back.maxUs, 20_813);
  assert.equal(back.p99Us, 20_813);
  const merged = new LatencyHistogram();
  merged.add(LatencyHistogram.decode(h.encode(), s.maxUs));
  assert.ok(merged.summary().p999Us <= merged.summary().maxUs);
});

test("decode refuses what is not HdrHistogram's compressed encoding, with a RangeError", () => {
  const good = new LatencyHistogram();
  good.record(42);
  const text = good.encode();
  assert.match(text, /^HISTFAAA/);
  for (const bad of ["", "hello", "HISTFAAA", text.slice(0, text.length - 5)])
    assert.throws(() => LatencyHistogram.decode(bad), RangeError, JSON.stringify(bad));
  assert.equal(LatencyHistogram.decode(text).count, 1);
});

test("the percentile distribution climbs to 100 % and every sample, as the .hgrm table says", () => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) h.record(i * 10);
  const points = percentileDistribution(h);
  assert.deepEqual(points[0], { percentile: 0, valueUs: 10, count: 1 });
  assert.equal(points.at(-1)?.percentile, 100);
  assert.equal(points.at(-1)?.count, 1000);
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    assert.ok(a && b && a.percentile <= b.percentile && a.valueUs <= b.valueUs && a.count <= b.count);
  }
  const rows = h
    .toHgrm()
    .split("\n")
    .filter((l) => /^ +\d/.test(l));
  assert.equal(rows.length, points.length);
  assert.match(rows.at(-1) ?? "", /^ +10\.00\d 1\.000000000000 +1000$/);
  assert.deepEqual(percentileDistribution(new LatencyHistogram()), []);
});
