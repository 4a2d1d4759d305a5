/**
 * Whole-number option values (`--backlog 511`, `--data-lines 0`).
 *
 * @module
 */

import { EchoError } from "../net/echo-error.js";

/**
 * Parses a whole number of at least `min`. `what` names the option in the error.
 *
 * @example
 * ```ts
 * import { parseCount } from "./count.js";
 * parseCount("511", "--backlog", 1); // 511
 * parseCount("-3", "--backlog", 1); // throws EchoError with code "ERR_INVALID_OPTION"
 * ```
 */
export function parseCount(value: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new EchoError("ERR_INVALID_OPTION", {
      value,
      option: what,
      expect: "count",
      min,
      ...(max === Number.MAX_SAFE_INTEGER ? {} : { max }),
    });
  }
  return n;
}
