import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { test } from "node:test";
import { PaceClock, Pacing, type PacingPlan } from "./pacing.js";

const plan = (p: Partial<PacingPlan>): PacingPlan => ({
  connections: 3,
  totalConnections: 3,
  firstStream: 0,
  rate: 1000,
  zero: 0,
  start: 0,
  ...p,
});

/** Every message of `p` due by `now`, as [when, connection] pairs, after `advance(now)`. */
function dueBy(p: Pacing, now: number): [number, number][] {
  p.advance(now, () => {});
  return p.due.flatMap((n, j) =>
    Array.from({ length: n }, (_, k) => [p.intendedAt(j, k), j] as [number, number]),
  );
}

test("a fixed rate: the run's messages evenly spaced, taken in turn by the connections", () => {
  // 3 connections sharing 1000/s: a message every ms, each connection's every 3 ms.
  const p = new Pacing(plan({}));
  assert.equal(p.interval, 1);
  const due = dueBy(p, 9.5).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(
    due,
    Array.from({ length: 10 }, (_, m) => [m, m % 3]),
  );
  assert.deepEqual(p.due, [4, 3, 3]);
  assert.equal(p.nextDue, 10);
});

test("how many are due: counted as time passes, each connection told once per advance", () => {
  const p = new Pacing(plan({ connections: 4, totalConnections: 4, rate: 4000 })); // every 0.25 ms
  const told = (now: number): number[] => {
    const js: number[] = [];
    p.advance(now, (j) => js.push(j));
    return js;
  };
  assert.deepEqual(told(0.6), [0, 1, 2]); // messages 0, 1, 2
  assert.deepEqual(told(0.6), []); // nothing new
  assert.deepEqual(told(1.0), [3, 0]); // messages 3 and 4: connections 3 and 0
  assert.deepEqual(p.due, [2, 1, 1, 1]);
});

test("latency counts from when a message was due, however late it is sent", () => {
  const p = new Pacing(plan({ zero: 100, start: 100 }));
  // Connection 1's 5th message (k = 4) is message 4 × 3 + 1 = 13 of the run.
  assert.equal(p.intendedAt(1, 4), 113);
  // Counting due messages long after does not move when they were due.
  p.advance(500, () => {});
  assert.equal(p.intendedAt(1, 4), 113);
});

test("a thread that starts late begins with the first message due from its start", () => {
  // The schedule began at 0; this thread starts at 4.5 ms: message 5 (connection 2) is its first.
  const p = new Pacing(plan({ start: 4.5 }));
  assert.equal(p.nextDue, 5);
  assert.deepEqual(
    [0, 1, 2].map((j) => p.intendedAt(j, 0)),
    [6, 7, 5],
  );
  assert.deepEqual(dueBy(p, 4.9), []);
});

test("threads share one schedule: their messages interleave, none twice, none missing", () => {
  // A run of 5 connections at 5000/s (every 0.2 ms) split 3 + 2, each thread with its share of the rate.
  const a = new Pacing(plan({ connections: 3, totalConnections: 5, firstStream: 0, rate: 3000 }));
  const b = new Pacing(plan({ connections: 2, totalConnections: 5, firstStream: 3, rate: 2000 }));
  assert.equal(a.interval, b.interval);
  const times = [...dueBy(a, 3.9), ...dueBy(b, 3.9)].map(([at]) => at).sort((x, y) => x - y);
  assert.equal(times.length, 20);
  times.forEach((at, m) => assert.ok(Math.abs(at - m * 0.2) < 1e-9, `message ${m} at ${at}`));
});

test("far behind, whole rounds at once: the same counts as stepping one message at a time", () => {
  const o = plan({ connections: 3, totalConnections: 7, firstStream: 2, rate: 3000 });
  const stepped = new Pacing(o);
  for (let i = 0; i <= 20_000; i++) stepped.advance(i / 20, () => {});
  const leapt = new Pacing(o);
  const told: number[] = [];
  leapt.advance(1000, (j) => told.push(j));
  assert.deepEqual(leapt.due, stepped.due);
  assert.equal(leapt.nextDue, stepped.nextDue);
  assert.deepEqual(told, [0, 1, 2]); // each once
  // And from there both go on alike.
  stepped.advance(1000.5, () => {});
  leapt.advance(1000.5, () => {});
  assert.deepEqual(leapt.due, stepped.due);
});

test("the clock wakes for each due time until stopped, then never again", async () => {
  const start = performance.now();
  const p = new Pacing(plan({ connections: 1, totalConnections: 1, rate: 500, zero: start, start }));
  let ticks = 0;
  const clock = new PaceClock(p, start, (now) => {
    ticks++;
    p.advance(now, () => {});
  });
  clock.wake();
  const deadline = performance.now() + 10_000;
  while ((p.due[0] as number) < 5 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  clock.stop();
  assert.ok((p.due[0] as number) >= 5, `due ${p.due[0]}`);
  const after = ticks;
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(ticks, after);
});
