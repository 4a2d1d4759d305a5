/** The per-second budget of data log lines, on an injected clock and fake timeouts. */

import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { LineBudget } from "./line-budget.js";

/**
 * Replaces setTimeout and clearTimeout for one test; `tick` fires what falls
 * due. Node's MockTimers would do this, but on Node 20 it prints an
 * ExperimentalWarning into every `npm test`; `mock.method` is stable.
 */
function fakeTimeouts(t: TestContext) {
  let now = 0;
  const due = new Map<object, { at: number; fn: () => void }>();
  const fakeSet = (fn: () => void, ms = 0) => {
    const handle = { unref: () => handle };
    due.set(handle, { at: now + ms, fn });
    return handle;
  };
  t.mock.method(globalThis, "setTimeout", fakeSet as unknown as typeof setTimeout);
  t.mock.method(globalThis, "clearTimeout", ((h: object) => void due.delete(h)) as typeof clearTimeout);
  return {
    tick(ms: number) {
      now += ms;
      for (;;) {
        const next = [...due].filter(([, d]) => d.at <= now).sort(([, a], [, b]) => a.at - b.at)[0];
        if (!next) return;
        due.delete(next[0]);
        next[1].fn();
      }
    },
  };
}

/** A LineBudget on a fake clock, counting its callbacks. Timeouts are fake: move time with `advance`. */
function budgetOn(t: TestContext, perSecond: number, start = 1_000_000) {
  const timers = fakeTimeouts(t);
  let clock = start;
  const calls = { exhausted: 0, refilled: 0 };
  const budget = new LineBudget(
    perSecond,
    () => calls.exhausted++,
    () => calls.refilled++,
    () => clock,
  );
  t.after(() => budget.stop());
  return {
    budget,
    calls,
    /** Moves the clock and the fake timeouts forward together. */
    advance(ms: number) {
      clock += ms;
      timers.tick(ms);
    },
    takeN(n: number): boolean[] {
      return Array.from({ length: n }, () => budget.take());
    },
  };
}

test("take() is true perSecond times, then false", (t) => {
  const { budget, calls, takeN } = budgetOn(t, 3);
  assert.equal(budget.perSecond, 3);
  assert.deepEqual(takeN(5), [true, true, true, false, false]);
  assert.equal(calls.exhausted, 1);
  assert.equal(calls.refilled, 0);
});

test("a budget of 0 refuses the first line", (t) => {
  const { calls, takeN } = budgetOn(t, 0);
  assert.deepEqual(takeN(2), [false, false]);
  assert.equal(calls.exhausted, 1);
});

test("onExhausted runs once per window, however many lines are refused", (t) => {
  const { calls, takeN, advance } = budgetOn(t, 2);
  takeN(2);
  for (let i = 0; i < 50; i++) {
    assert.equal(takeN(1)[0], false);
    advance(10);
  }
  assert.equal(calls.exhausted, 1);
});

test("onRefill runs exactly when the window ends, and the next window has a full budget", (t) => {
  const { calls, takeN, advance } = budgetOn(t, 2);
  assert.deepEqual(takeN(2), [true, true]); // window opens at the first take
  advance(400);
  assert.equal(takeN(1)[0], false); // refused 400 ms into the window: refill due in 600 ms
  assert.equal(calls.exhausted, 1);

  advance(599);
  assert.equal(calls.refilled, 0);
  advance(1);
  assert.equal(calls.refilled, 1);

  assert.deepEqual(takeN(3), [true, true, false]);
  assert.equal(calls.exhausted, 2);
  advance(1000);
  assert.equal(calls.refilled, 2);
});

test("a refusal in the last millisecond of a window still waits at least 1 ms", (t) => {
  const { calls, takeN, advance } = budgetOn(t, 1);
  takeN(1);
  advance(999);
  assert.equal(takeN(1)[0], false);
  assert.equal(calls.refilled, 0);
  advance(1);
  assert.equal(calls.refilled, 1);
  assert.equal(takeN(1)[0], true);
});

test("a new window resets the count even without a refusal", (t) => {
  const { calls, takeN, advance } = budgetOn(t, 2);
  assert.deepEqual(takeN(2), [true, true]);
  advance(1000);
  assert.deepEqual(takeN(2), [true, true]);
  advance(2500);
  assert.deepEqual(takeN(3), [true, true, false]);
  assert.equal(calls.exhausted, 1);
});

test("stop() cancels a pending refill", (t) => {
  const { budget, calls, takeN, advance } = budgetOn(t, 1);
  takeN(2);
  assert.equal(calls.exhausted, 1);
  budget.stop();
  advance(5000);
  assert.equal(calls.refilled, 0);
});

test("stop() without a pending refill is harmless, and may be called twice", (t) => {
  const { budget, takeN } = budgetOn(t, 1);
  budget.stop();
  budget.stop();
  assert.deepEqual(takeN(2), [true, false]);
});

test("with real timers the refill fires on its own (its timer is unref'd, so a ref'd guard keeps the loop up)", async () => {
  // The injected clock says we are 990 ms into the window: the refill is due in about 10 ms of real time.
  let clock = 5000;
  let exhausted = 0;
  const refilled = new Promise<number>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error("onRefill was not called within 1 s")), 1000);
    const budget = new LineBudget(
      1,
      () => exhausted++,
      () => {
        clearTimeout(guard);
        resolve(clock);
      },
      () => clock,
    );
    assert.equal(budget.take(), true);
    clock += 990;
    assert.equal(budget.take(), false);
  });
  const started = performance.now();
  await refilled;
  assert.equal(exhausted, 1);
  assert.ok(performance.now() - started < 500);
});
