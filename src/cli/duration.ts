/**
 * Durations as people type them: `500ms`, `10s`, `1.5m`, `2h`, or a bare
 * number of seconds (as `timeout(1)` and `ping -W` read them).
 *
 * @module
 */

import { EchoError } from "../net/echo-error.js";

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, "": 1000 };

/**
 * Parses a duration into milliseconds. `what` names the option in the error.
 *
 * @example
 * ```ts
 * import { parseDuration } from "tcpecho";
 * parseDuration("250ms"); // 250
 * parseDuration("10"); // 10000
 * parseDuration("soon"); // throws EchoError with code "ERR_INVALID_OPTION"
 * ```
 */
export function parseDuration(value: string, what = "a duration"): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|)\s*$/i.exec(value);
  const unit = m?.[2]?.toLowerCase();
  const ms = m && unit !== undefined ? Number(m[1]) * (UNIT_MS[unit] ?? NaN) : NaN;
  // Timers take at most 2^31-1 ms (about 24.8 days).
  if (!Number.isFinite(ms) || ms > 2_147_483_647) {
    throw new EchoError("ERR_INVALID_OPTION", { value, option: what, expect: "duration" });
  }
  return Math.round(ms);
}
