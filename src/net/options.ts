/**
 * Option values, checked in one place: numbers a program gives the library
 * (`{ backlog: 511 }`, `{ interval: 200 }`), and strings a person types on the
 * command line (`--backlog 511`, `-i 0.2`, `--timeout 500ms`). Every range
 * check of every command and of the library is {@link checkNumber}'s; a bad
 * value is an {@link EchoError} with code `ERR_INVALID_OPTION`, naming the
 * option and what it takes, so each language can word it.
 *
 * @module
 */

import { EchoError, type EchoErrorContext } from "./echo-error.js";
import { DEFAULT_KEEPALIVE_MS } from "./defaults.js";
import { TEXT_ENCODINGS, type TextEncoding } from "./text-encoding.js";

/** The longest a Node timer can wait, in ms (2^31-1, about 24.8 days): the cap of every duration. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * The longest TCP keepalive idle time Linux takes, in ms (`TCP_KEEPIDLE` is at
 * most 32767 s, about 9.1 hours); a longer one is refused by the kernel, and
 * the socket silently keeps the system's default (2 hours).
 */
export const MAX_KEEPALIVE_MS = 32_767_000;

/** What a numeric option takes: bounds are inclusive, the lower one 0 unless given. */
export interface NumberRule {
  /** Whole numbers only (safe integers); otherwise any finite number. */
  integer?: boolean;
  /** The smallest value allowed (default 0). */
  min?: number;
  /** The largest value allowed (default: none). */
  max?: number;
  /** More than zero, for a rate or a wait where 0 means nothing; `min` is then ignored. */
  positive?: boolean;
}

function inRange(n: number, rule: NumberRule): boolean {
  const { min = 0, max = Infinity } = rule;
  if (!(rule.integer ? Number.isSafeInteger(n) : Number.isFinite(n))) return false;
  return (rule.positive ? n > 0 : n >= min) && n <= max;
}

/** The error for a value outside `rule`, `value` as it was given. */
function invalid(value: string, option: string, rule: NumberRule): EchoError {
  const context: EchoErrorContext = rule.positive
    ? { value, option, expect: "positive-number" }
    : {
        value,
        option,
        expect: rule.integer ? "count" : "number",
        min: rule.min ?? 0,
        ...(rule.max === undefined ? {} : { max: rule.max }),
      };
  return new EchoError("ERR_INVALID_OPTION", context);
}

/**
 * Checks a number given in a library options object and returns it; throws
 * `ERR_INVALID_OPTION` naming `option` (the library's name for it) and the
 * range when it is not a finite number (a whole one, with `integer`) within
 * `rule`.
 *
 * @example
 * ```ts
 * import { checkNumber } from "./options.js";
 * checkNumber(511, "backlog", { integer: true, min: 1 }); // 511
 * checkNumber(2.5, "idleTimeout"); // 2.5: any finite number of at least 0
 * checkNumber(0, "backlog", { integer: true, min: 1 }); // throws: "give backlog a whole number of at least 1, not '0'"
 * ```
 */
export function checkNumber(value: number, option: string, rule: NumberRule = {}): number {
  if (!inRange(value, rule)) throw invalid(String(value), option, rule);
  return value;
}

/**
 * Checks a TCP keepalive idle time given to the library, in ms (0: off), and
 * returns it, or {@link DEFAULT_KEEPALIVE_MS} when not given. Every part that
 * takes `keepAlive` (server, client, ping, bench) checks it here, so the range
 * is the same everywhere.
 *
 * @example
 * ```ts
 * import { checkKeepAlive } from "./options.js";
 * checkKeepAlive(undefined); // 60000
 * checkKeepAlive(0); // 0: off
 * ```
 */
export function checkKeepAlive(keepAlive: number | undefined): number {
  return checkNumber(keepAlive ?? DEFAULT_KEEPALIVE_MS, "keepAlive", { max: MAX_KEEPALIVE_MS });
}

/**
 * A keepalive idle time in ms as the system call takes it, in whole seconds
 * (`TCP_KEEPIDLE`): rounded, and at least 1 unless off, because Node's own
 * conversion floors and a 0 would mean the system's default of two hours.
 *
 * @example
 * ```ts
 * import { keepAliveSeconds } from "./options.js";
 * keepAliveSeconds(1500); // 2
 * keepAliveSeconds(200); // 1
 * keepAliveSeconds(0); // 0: off
 * ```
 */
export function keepAliveSeconds(ms: number): number {
  return ms === 0 ? 0 : Math.max(1, Math.round(ms / 1000));
}

/**
 * Parses a whole number of at least `min` (and at most `max`), as typed on
 * a command line: digits only, surrounding whitespace ignored. `option`
 * names the option in the error.
 *
 * @example
 * ```ts
 * import { parseCount } from "./options.js";
 * parseCount("511", "--backlog", 1); // 511
 * parseCount("-3", "--backlog", 1); // throws: "give --backlog a whole number of at least 1, not '-3'"
 * ```
 */
export function parseCount(value: string, option: string, min = 0, max?: number): number {
  if (!/^\s*\d+\s*$/.test(value)) {
    const rule = {
      integer: true,
      min,
      ...(max === undefined || max === Number.MAX_SAFE_INTEGER ? {} : { max }),
    };
    throw invalid(value, option, rule);
  }
  // Written as a count should be: out of range, the error says the limit it passed, not the format.
  const n = Number(value);
  const most = Math.min(max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (n > most) throw new EchoError("ERR_INVALID_OPTION", { value, option, expect: "too-large", max: most });
  if (n < min) throw new EchoError("ERR_INVALID_OPTION", { value, option, expect: "too-small", min });
  return n;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, "": 1000 };

/**
 * Parses a duration as people type them (`500ms`, `10s`, `1.5m`, `2h`, or a
 * bare number of seconds, as `timeout(1)` and `ping -W` read them) into whole
 * milliseconds, at most `max` ({@link MAX_TIMER_MS} unless given). `what` names
 * the option in the error, if any; a duration well written but too long says the limit.
 *
 * @example
 * ```ts
 * import { parseDuration } from "tcpecho";
 * parseDuration("250ms"); // 250
 * parseDuration("10"); // 10000
 * parseDuration("soon", "--timeout"); // throws EchoError with code "ERR_INVALID_OPTION"
 * ```
 */
export function parseDuration(value: string, what?: string, max = MAX_TIMER_MS): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|)\s*$/i.exec(value);
  const perUnit = UNIT_MS[m?.[2]?.toLowerCase() ?? "?"];
  const option = what === undefined ? {} : { option: what };
  if (!m || perUnit === undefined) {
    throw new EchoError("ERR_INVALID_OPTION", { value, ...option, expect: "duration" });
  }
  const ms = Math.round(Number(m[1]) * perUnit);
  // Written as a duration should be: too long, the error says the limit, not the format.
  if (!(ms <= max)) throw new EchoError("ERR_INVALID_OPTION", { value, ...option, expect: "too-long", max });
  return ms;
}

/**
 * Parses a duration, as {@link parseDuration} does, that must be at least
 * 1 ms once rounded: a wait or an interval of zero would mean nothing (or a flood).
 *
 * @example
 * ```ts
 * import { parsePositiveDuration } from "./options.js";
 * parsePositiveDuration("0.2", "--interval"); // 200
 * parsePositiveDuration("0", "--interval"); // throws: "give --interval a duration of more than zero, …, not '0'"
 * ```
 */
export function parsePositiveDuration(value: string, what: string): number {
  const ms = parseDuration(value, what);
  if (!inRange(ms, { positive: true })) {
    throw new EchoError("ERR_INVALID_OPTION", { value, option: what, expect: "positive-duration" });
  }
  return ms;
}

/** The encoding text is shown and typed in unless `--encoding` (or the library's `textEncoding`) says otherwise. */
export const DEFAULT_TEXT_ENCODING: TextEncoding = "utf-8";

/**
 * Parses a text encoding: `utf-8` (or `utf8`) or `cp949`, in any case; throws
 * `ERR_INVALID_OPTION` naming `option` otherwise. Also checks the library's
 * option (`textEncoding`).
 *
 * @example
 * ```ts
 * import { parseTextEncoding } from "./options.js";
 * parseTextEncoding("CP949", "--encoding"); // "cp949"
 * parseTextEncoding("euc-jp", "--encoding"); // throws: "give --encoding utf-8 or cp949 …, not 'euc-jp'"
 * ```
 */
export function parseTextEncoding(value: string, option: string): TextEncoding {
  const name = String(value).trim().toLowerCase();
  const found = TEXT_ENCODINGS.find((e) => e === (name === "utf8" ? "utf-8" : name));
  if (found === undefined)
    throw new EchoError("ERR_INVALID_OPTION", { value: String(value), option, expect: "encoding" });
  return found;
}
