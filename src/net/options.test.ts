/** Option values: numbers given to the library, whole numbers and durations typed on a command line. */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { EchoError } from "./echo-error.js";
import {
  checkNumber,
  MAX_KEEPALIVE_MS,
  MAX_TIMER_MS,
  parseCount,
  parseDuration,
  parsePositiveDuration,
} from "./options.js";

function rejects(fn: () => unknown, call = "it"): EchoError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof EchoError, `${call} should throw an EchoError`);
  assert.equal(caught.code, "ERR_INVALID_OPTION");
  return caught;
}

test("parseCount reads whole numbers, trimming whitespace", () => {
  assert.equal(parseCount("511", "--backlog", 1), 511);
  assert.equal(parseCount("0", "--data-lines"), 0);
  assert.equal(parseCount(" 7 ", "--backlog", 1), 7);
  assert.equal(parseCount("007", "--backlog", 1), 7);
  assert.equal(parseCount(String(Number.MAX_SAFE_INTEGER), "--n"), Number.MAX_SAFE_INTEGER);
});

test("parseCount enforces min and max, inclusive", () => {
  assert.equal(parseCount("1", "--backlog", 1), 1);
  rejects(() => parseCount("0", "--backlog", 1));
  assert.equal(parseCount("255", "--n", 0, 255), 255);
  rejects(() => parseCount("256", "--n", 0, 255));
});

test("parseCount rejects signs, decimals, exponents, hex, empty and unsafe integers", () => {
  for (const bad of [
    "-3",
    "+3",
    "1.5",
    "1.0",
    "1e3",
    "0x10",
    "",
    " ",
    "abc",
    "1 2",
    "٣",
    String(Number.MAX_SAFE_INTEGER + 1),
  ]) {
    const err = rejects(() => parseCount(bad, "--backlog", 0));
    assert.equal(err.context.value, bad);
  }
});

test("parseCount's error names the option and the allowed range", () => {
  assert.equal(
    rejects(() => parseCount("-3", "--backlog", 1)).message,
    "give --backlog a whole number of at least 1, not '-3'",
  );
  assert.equal(
    rejects(() => parseCount("x", "--n", 0, 255)).message,
    "give --n a whole number from 0 to 255, not 'x'",
  );
  assert.equal(rejects(() => parseCount("300", "--n", 0, 255)).message, "give --n at most 255, not '300'");
});

test("parseCount: a whole number out of range is told the limit it passed, not the format", () => {
  assert.equal(rejects(() => parseCount("300", "--n", 0, 255)).message, "give --n at most 255, not '300'");
  assert.equal(rejects(() => parseCount("0", "--backlog", 1)).message, "give --backlog at least 1, not '0'");
  const unsafe = rejects(() => parseCount("9007199254740992", "--count", 1));
  assert.deepEqual(unsafe.context, {
    value: "9007199254740992",
    option: "--count",
    expect: "too-large",
    max: Number.MAX_SAFE_INTEGER,
  });
  assert.equal(rejects(() => parseCount("9".repeat(400), "--n")).context.expect, "too-large");
});

test("parseCount round-trips every safe non-negative integer", () => {
  fc.assert(fc.property(fc.maxSafeNat(), (n) => assert.equal(parseCount(String(n), "--n"), n)));
});

test("parseCount accepts exactly the integers in [min, max]", () => {
  fc.assert(
    fc.property(fc.nat(1000), fc.nat(1000), fc.nat(1000), (a, b, n) => {
      const [min, max] = a <= b ? [a, b] : [b, a];
      if (n >= min && n <= max) assert.equal(parseCount(String(n), "--n", min, max), n);
      else rejects(() => parseCount(String(n), "--n", min, max));
    }),
  );
});

test("parseCount throws only ERR_INVALID_OPTION for any string", () => {
  for (const arb of [fc.string(), fc.string({ unit: "binary" })]) {
    fc.assert(
      fc.property(arb, (s) => {
        try {
          const n = parseCount(s, "--n");
          assert.ok(Number.isSafeInteger(n) && n >= 0);
        } catch (err) {
          assert.ok(err instanceof EchoError, `threw a non-EchoError: ${String(err)}`);
          assert.equal(err.code, "ERR_INVALID_OPTION");
        }
      }),
    );
  }
});

function rejectsDuration(value: string, what?: string): EchoError {
  const err = rejects(() => parseDuration(value, what), `parseDuration(${JSON.stringify(value)})`);
  assert.equal(err.context.value, value);
  return err;
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
    rejectsDuration(bad);
  }
});

test("parseDuration rejects values beyond what a timer can wait (2^31-1 ms)", () => {
  assert.equal(parseDuration(`${MAX_TIMER_MS}ms`), MAX_TIMER_MS);
  rejectsDuration(`${MAX_TIMER_MS + 1}ms`);
  assert.equal(parseDuration("596h"), 596 * 3_600_000);
  rejectsDuration("597h");
  rejectsDuration("99999999999999999999999");
  rejectsDuration("9".repeat(400)); // Number() gives Infinity
});

test("parseDuration: a duration too long says the limit, in ms and roughly in days or hours", () => {
  const timer = rejectsDuration("597h", "--timeout");
  assert.deepEqual(timer.context, {
    value: "597h",
    option: "--timeout",
    expect: "too-long",
    max: MAX_TIMER_MS,
  });
  assert.equal(timer.message, "give --timeout at most 2147483647ms (about 24.8 days), not '597h'");
  assert.equal(parseDuration("9h", "--keepalive", MAX_KEEPALIVE_MS), 9 * 3_600_000);
  assert.equal(
    rejects(() => parseDuration("10h", "--keepalive", MAX_KEEPALIVE_MS)).message,
    "give --keepalive at most 32767s (about 9.1 hours), not '10h'",
  );
  assert.equal(rejectsDuration("1x").context.expect, "duration");
});

test("parseDuration's error names the option it was given", () => {
  const err = rejectsDuration("soon", "--timeout");
  assert.match(err.message, /^give --timeout a duration such as 500ms, .*, not 'soon'$/);
  assert.match(rejectsDuration("x").message, /^give a duration such as 500ms, .*, not 'x'$/);
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

test("MAX_TIMER_MS is the longest a Node timer waits", () => {
  assert.equal(MAX_TIMER_MS, 2 ** 31 - 1);
});

test("parsePositiveDuration takes what parseDuration takes, except what rounds to 0 ms", () => {
  assert.equal(parsePositiveDuration("0.2", "--interval"), 200);
  assert.equal(parsePositiveDuration("1ms", "--interval"), 1);
  assert.equal(parsePositiveDuration("0.5ms", "--interval"), 1);
  assert.equal(parsePositiveDuration(`${MAX_TIMER_MS}ms`, "--interval"), MAX_TIMER_MS);
  for (const [bad, expect] of [
    ["0", "positive-duration"],
    ["0s", "positive-duration"],
    ["0.4ms", "positive-duration"],
    ["soon", "duration"],
    ["-1", "duration"],
  ] as const) {
    const err = rejects(() => parsePositiveDuration(bad, "--interval"));
    assert.deepEqual(err.context, { value: bad, option: "--interval", expect });
  }
  assert.equal(
    rejects(() => parsePositiveDuration(`${MAX_TIMER_MS + 1}ms`, "--d")).context.expect,
    "too-long",
  );
  assert.equal(
    rejects(() => parsePositiveDuration("0", "--interval")).message,
    "give --interval a duration of at least 1ms, such as 500ms or 10s, not '0'",
  );
});

test("parsePositiveDuration agrees with parseDuration on every string", () => {
  fc.assert(
    fc.property(durationish, (s) => {
      let ms: number | undefined;
      try {
        ms = parseDuration(s, "--d");
      } catch {
        ms = undefined;
      }
      if (ms !== undefined && ms > 0) assert.equal(parsePositiveDuration(s, "--d"), ms);
      else rejects(() => parsePositiveDuration(s, "--d"));
    }),
    { numRuns: 1000 },
  );
});

test("checkNumber returns the value within the rule, bounds included", () => {
  assert.equal(checkNumber(0, "idleTimeout"), 0);
  assert.equal(checkNumber(2.5, "idleTimeout"), 2.5);
  assert.equal(checkNumber(1, "backlog", { integer: true, min: 1 }), 1);
  assert.equal(checkNumber(16, "size", { integer: true, min: 16, max: 65_535 }), 16);
  assert.equal(checkNumber(65_535, "size", { integer: true, min: 16, max: 65_535 }), 65_535);
  assert.equal(checkNumber(Number.MAX_SAFE_INTEGER, "n", { integer: true }), Number.MAX_SAFE_INTEGER);
  assert.equal(checkNumber(0.001, "rate", { positive: true }), 0.001);
  assert.equal(checkNumber(1.5, "burstPerSource", { min: 1 }), 1.5);
});

test("checkNumber rejects NaN, infinities, values out of range, and fractions where whole numbers are due", () => {
  const cases: [number, Parameters<typeof checkNumber>[2]][] = [
    [NaN, {}],
    [Infinity, {}],
    [-Infinity, {}],
    [-1, {}],
    [-0.001, {}],
    [0, { integer: true, min: 1 }],
    [1.5, { integer: true }],
    [Number.MAX_SAFE_INTEGER + 1, { integer: true }],
    [15, { integer: true, min: 16, max: 65_535 }],
    [65_536, { integer: true, min: 16, max: 65_535 }],
    [0, { positive: true }],
    [-1, { positive: true }],
    [Infinity, { positive: true }],
    [0.5, { min: 1 }],
    [MAX_TIMER_MS + 1, { max: MAX_TIMER_MS }],
  ];
  for (const [value, rule] of cases) {
    const err = rejects(() => checkNumber(value, "opt", rule));
    assert.equal(err.context.value, String(value));
    assert.equal(err.context.option, "opt");
  }
});

test("checkNumber's error names the library option and what it takes", () => {
  const message = (value: number, option: string, rule?: Parameters<typeof checkNumber>[2]) =>
    rejects(() => checkNumber(value, option, rule)).message;
  assert.equal(
    message(0, "backlog", { integer: true, min: 1 }),
    "give backlog a whole number of at least 1, not '0'",
  );
  assert.equal(
    message(8, "size", { integer: true, min: 16, max: 65_535 }),
    "give size a whole number from 16 to 65535, not '8'",
  );
  assert.equal(message(-1, "idleTimeout"), "give idleTimeout a number of at least 0, not '-1'");
  assert.equal(
    message(0, "interval", { min: 1, max: MAX_TIMER_MS }),
    `give interval a number from 1 to ${MAX_TIMER_MS}, not '0'`,
  );
  assert.equal(message(0, "rate", { positive: true }), "give rate a number greater than 0, not '0'");
  assert.equal(message(NaN, "keepAlive"), "give keepAlive a number of at least 0, not 'NaN'");
});

test("checkNumber accepts exactly the numbers in [min, max], and parseCount the same range", () => {
  fc.assert(
    fc.property(fc.nat(1000), fc.nat(1000), fc.double({ min: -10, max: 1010, noNaN: true }), (a, b, n) => {
      const [min, max] = a <= b ? [a, b] : [b, a];
      if (n >= min && n <= max) assert.equal(checkNumber(n, "x", { min, max }), n);
      else rejects(() => checkNumber(n, "x", { min, max }));
      const whole = Math.round(Math.abs(n));
      let viaString: number | EchoError;
      let viaNumber: number | EchoError;
      try {
        viaString = parseCount(String(whole), "x", min, max);
      } catch (err) {
        viaString = err as EchoError;
      }
      try {
        viaNumber = checkNumber(whole, "x", { integer: true, min, max });
      } catch (err) {
        viaNumber = err as EchoError;
      }
      assert.equal(typeof viaString, typeof viaNumber);
      // A whole number typed out of range is told its limit.
      if (viaString instanceof EchoError)
        assert.ok(["too-large", "too-small"].includes(String(viaString.context.expect)), viaString.message);
    }),
  );
});
