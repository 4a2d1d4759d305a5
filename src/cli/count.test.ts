/** Whole-number option values. */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { EchoError } from "../net/echo-error.js";
import { parseCount } from "./count.js";

function rejects(fn: () => unknown): EchoError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof EchoError, "should throw an EchoError");
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
    "invalid value '-3' for --backlog (a whole number of at least 1)",
  );
  assert.equal(
    rejects(() => parseCount("300", "--n", 0, 255)).message,
    "invalid value '300' for --n (a whole number from 0 to 255)",
  );
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
