/** The end-of-ping statistics: known inputs, the empty case, loss rounding. */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { summarizeRtts } from "./ping-stats.js";

test("[1,2,3,4]: min/avg/max, mdev as iputils computes it, nearest-rank percentiles", () => {
  assert.deepEqual(summarizeRtts([4, 2, 1, 3], 4), {
    sent: 4,
    echoed: 4,
    lost: 0,
    lossPercent: 0,
    min: 1,
    avg: 2.5,
    max: 4,
    mdev: Math.sqrt(1.25),
    p50: 2,
    p95: 4,
    p99: 4,
  });
});

test("one sample: every figure is that sample, mdev 0", () => {
  const s = summarizeRtts([0.215], 1);
  assert.equal(s.min, 0.215);
  assert.equal(s.avg, 0.215);
  assert.equal(s.max, 0.215);
  assert.equal(s.mdev, 0);
  assert.equal(s.p50, 0.215);
  assert.equal(s.p99, 0.215);
});

test("nearest rank on 1..100: p50 is 50, p95 is 95, p99 is 99; on 1..10 p95 and p99 are 10", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  const s = summarizeRtts(hundred, 100);
  assert.deepEqual([s.p50, s.p95, s.p99], [50, 95, 99]);
  const ten = summarizeRtts(
    Array.from({ length: 10 }, (_, i) => i + 1),
    10,
  );
  assert.deepEqual([ten.p50, ten.p95, ten.p99], [5, 10, 10]);
});

test("equal samples give mdev exactly 0 and their value as avg, without rounding residue", () => {
  const s = summarizeRtts([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], 7);
  assert.equal(s.mdev, 0);
  assert.equal(s.avg, 0.1);
  // The same quantity as iputils' sqrt(mean(x²) − mean(x)²), on figures where that form is exact.
  const xs = [0.5, 1.5, 2.5, 3.5];
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  assert.equal(summarizeRtts(xs, 4).mdev, Math.sqrt(mean(xs.map((x) => x * x)) - mean(xs) ** 2));
});

test("nothing echoed: 100% loss and every time null; nothing sent: 0% loss", () => {
  assert.deepEqual(summarizeRtts([], 3), {
    sent: 3,
    echoed: 0,
    lost: 3,
    lossPercent: 100,
    min: null,
    avg: null,
    max: null,
    mdev: null,
    p50: null,
    p95: null,
    p99: null,
  });
  const none = summarizeRtts([], 0);
  assert.equal(none.sent, 0);
  assert.equal(none.lossPercent, 0);
  assert.equal(none.avg, null);
});

test("loss is rounded to two decimals, but reads 0 or 100 only when exact", () => {
  assert.equal(summarizeRtts([1, 1], 3).lossPercent, 33.33);
  assert.equal(summarizeRtts([1], 3).lossPercent, 66.67);
  assert.equal(summarizeRtts([1], 2).lossPercent, 50);
  assert.equal(summarizeRtts(new Array<number>(99_999).fill(1), 100_000).lossPercent, 0.01);
  assert.equal(summarizeRtts(new Array<number>(999_999).fill(1), 1_000_000).lossPercent, 0.01);
  assert.equal(summarizeRtts([1], 1_000_000).lossPercent, 99.99);
});

test("properties: min ≤ p50 ≤ p95 ≤ p99 ≤ max, min ≤ avg ≤ max, mdev ≥ 0, lost = sent − echoed", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 200 }),
      fc.nat(50),
      (rtts, extra) => {
        const s = summarizeRtts(rtts, rtts.length + extra);
        assert.equal(s.lost, extra);
        assert.equal(s.sent - s.echoed, s.lost);
        const [min, avg, max, mdev] = [s.min!, s.avg!, s.max!, s.mdev!];
        assert.ok(min <= s.p50! && s.p50! <= s.p95! && s.p95! <= s.p99! && s.p99! <= max);
        assert.ok(min <= avg && avg <= max);
        assert.ok(mdev >= 0 && Number.isFinite(mdev));
        assert.ok(rtts.includes(s.p50!) && rtts.includes(s.p99!));
        assert.ok(s.lossPercent >= 0 && s.lossPercent <= 100);
        assert.equal(s.lossPercent === 0, extra === 0);
      },
    ),
  );
});
