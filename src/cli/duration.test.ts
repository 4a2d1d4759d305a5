/** Durations as people type them. */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { EchoError } from "../net/echo-error.js";
import { parseDuration } from "./duration.js";

const MAX_TIMER_MS = 2_147_483_647;

function rejects(value: string, what?: string): EchoError {
  let caught: unknown;
  try {
    parseDuration(value, what);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof EchoError, `parseDuration(${JSON.stringify(value)}) should throw an EchoError`);
  assert.equal(caught.code, "ERR_INVALID_OPTION");
  assert.equal(caught.context.value, value);
  return caught;
}

test("parseDuration reads ms, s, m and h", () => {
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("10s"), 10_000);
  assert.equal(parseDuration("2m"), 120_000);
  assert.equal(parseDuration("1h"), 3_600_000);
});

test("parseDuration reads a bare number as seconds", () => {
  assert.equal(parseDuration("10"), 10_000);
  assert.equal(parseDuration("0"), 0);
  assert.equal(parseDuration("0.25"), 250);
});

test("parseDuration reads decimals, including a leading dot", () => {
  assert.equal(parseDuration("1.5m"), 90_000);
  assert.equal(parseDuration(".5s"), 500);
  assert.equal(parseDuration("0.5h"), 1_800_000);
  assert.equal(parseDuration("2.5ms"), 3); // rounded to whole milliseconds
  assert.equal(parseDuration("0.4ms"), 0);
});

test("parseDuration ignores whitespace around the number and the unit, and the unit's case", () => {
  assert.equal(parseDuration(" 10 s "), 10_000);
  assert.equal(parseDuration("\t250 ms\n"), 250);
  assert.equal(parseDuration("10S"), 10_000);
  assert.equal(parseDuration("5MS"), 5);
  assert.equal(parseDuration("1H"), 3_600_000);
});

test("parseDuration rejects negatives, garbage and unknown units", () => {
  for (const bad of [
    "-1",
    "-1s",
    "soon",
    "",
    "   ",
    "1.",
    "1e3",
    "1x",
    "10 sec",
    "1d",
    "s",
    "ms",
    "1.2.3",
    "1,5s",
    "+1s",
    "Infinity",
    "NaN",
    "1 2",
  ]) {
    rejects(bad);
  }
});

test("parseDuration rejects values beyond what a timer can wait (2^31-1 ms)", () => {
  assert.equal(parseDuration(`${MAX_TIMER_MS}ms`), MAX_TIMER_MS);
  rejects(`${MAX_TIMER_MS + 1}ms`);
  assert.equal(parseDuration("596h"), 596 * 3_600_000);
  rejects("597h");
  rejects("99999999999999999999999");
  rejects("9".repeat(400)); // Number() gives Infinity
});

test("parseDuration's error names the option it was given", () => {
  const err = rejects("soon", "--timeout");
  assert.match(err.message, /^invalid value 'soon' for --timeout \(a duration such as 500ms/);
  assert.match(rejects("x").message, /for a duration \(/);
});

test("parseDuration: n with each unit is n times the unit", () => {
  const units = [
    ["ms", 1],
    ["s", 1000],
    ["m", 60_000],
    ["h", 3_600_000],
    ["", 1000],
  ] as const;
  for (const [unit, factor] of units) {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Math.floor(MAX_TIMER_MS / factor) }), (n) => {
        assert.equal(parseDuration(`${n}${unit}`), n * factor);
      }),
    );
  }
});

const durationish = fc.string({
  unit: fc.constantFrom(..."0123456789.-+ \tsmhMSHxe", "ms", "\u00a0"),
  maxLength: 20,
});

test("parseDuration throws only ERR_INVALID_OPTION and otherwise returns a timer-safe whole number", () => {
  for (const arb of [fc.string(), fc.string({ unit: "binary" }), durationish]) {
    fc.assert(
      fc.property(arb, (s) => {
        let ms: number;
        try {
          ms = parseDuration(s);
        } catch (err) {
          assert.ok(err instanceof EchoError, `threw a non-EchoError: ${String(err)}`);
          assert.equal(err.code, "ERR_INVALID_OPTION");
          return;
        }
        assert.ok(Number.isInteger(ms), `${JSON.stringify(s)} -> ${ms}`);
        assert.ok(ms >= 0 && ms <= MAX_TIMER_MS, `${JSON.stringify(s)} -> ${ms}`);
      }),
      { numRuns: 1000 },
    );
  }
});
