/**
 * The fault grammar, one string per fault, the same on the command line
 * (`serve --fault`), in the library (`faults: [...]`) and in the HTTP API
 * (`PUT /faults`): `KIND[=VALUE][@CIDR][%PERCENT]`.
 *
 * - `@CIDR` limits the fault to clients in that range (default: every client);
 * - `%PERCENT` applies it to that share of connections, chosen once at accept
 *   (default 100).
 *
 * A string that does not parse is an `ERR_INVALID_OPTION` whose context says
 * which part is wrong (`fault`), so that each language can word it.
 *
 * @module
 */

import { cidrContains, parseCidr, type Cidr } from "../../net/cidr.js";
import { EchoError, type FaultProblem, type FaultValue } from "../../net/echo-error.js";
import { MAX_TIMER_MS, parseDuration } from "../../net/options.js";

/** Every kind of fault, in the order they act on a connection's echo. */
export const FAULT_KINDS = [
  "hold",
  "reset-after",
  "close-after",
  "stall-after",
  "corrupt",
  "delay",
  "slice",
  "bandwidth",
  "slow-close",
] as const;

/** A kind of fault. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What each kind's value is. */
export interface FaultParams {
  hold: { ms: number };
  "reset-after": { bytes: number };
  "close-after": { bytes: number };
  "stall-after": { bytes: number };
  corrupt: { fraction: number };
  delay: { ms: number; jitterMs: number };
  slice: { min: number; max: number; gapMs: number };
  bandwidth: { bytesPerSecond: number };
  "slow-close": { ms: number };
}

/** One parsed fault: what it does, to whom, how often. */
export type FaultSpec = {
  [K in FaultKind]: {
    readonly kind: K;
    readonly params: Readonly<FaultParams[K]>;
    /** Only clients in this range; null: every client. */
    readonly range: Cidr | null;
    /** The share of connections it applies to, 0–100. */
    readonly percent: number;
    /** The fault as written, normalised (`delay=200ms~50ms@10.0.0.0/8%50`). */
    readonly text: string;
  };
}[FaultKind];

// What each kind's value takes, and the value when none is given (undefined: one must be).
const VALUES: Readonly<Record<FaultKind, { takes: FaultValue; omitted?: string }>> = {
  hold: { takes: "duration" },
  "reset-after": { takes: "bytes", omitted: "0" },
  "close-after": { takes: "bytes", omitted: "0" },
  "stall-after": { takes: "bytes", omitted: "0" },
  corrupt: { takes: "fraction", omitted: "1" },
  delay: { takes: "delay" },
  slice: { takes: "slice" },
  bandwidth: { takes: "rate" },
  "slow-close": { takes: "duration" },
};

const SIZE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** A byte count as people write one (`100`, `64KiB`, `1MB`): whole bytes, or NaN. */
function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b|)$/i.exec(text.trim());
  if (m === null) return NaN;
  const bytes = Number(m[1]) * (SIZE_UNITS[(m[2] ?? "").toLowerCase()] ?? NaN);
  return Number.isSafeInteger(bytes) ? bytes : NaN;
}

function problem(text: string, option: string, fault: FaultProblem): EchoError {
  return new EchoError("ERR_INVALID_OPTION", { value: text, option, expect: "fault", fault });
}

/** A duration within a fault's value, or NaN (the fault's own error names the whole value). */
function duration(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    return NaN;
  }
}

// Each kind's value parsed; NaN anywhere (or a range turned round) means the value is wrong.
const PARSE: { [K in FaultKind]: (value: string) => FaultParams[K] | null } = {
  hold: (v) => ms(duration(v)),
  "slow-close": (v) => ms(duration(v)),
  "reset-after": (v) => bytes(parseSize(v)),
  "close-after": (v) => bytes(parseSize(v)),
  "stall-after": (v) => bytes(parseSize(v)),
  corrupt: (v) => {
    const fraction = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(v) ? Number(v) : NaN;
    return fraction >= 0 && fraction <= 1 ? { fraction } : null;
  },
  delay: (v) => {
    const [base = "", jitter = "0"] = v.split("~");
    const d = duration(base);
    const j = duration(jitter);
    return v.split("~").length <= 2 && d >= 0 && j >= 0 && d + j <= MAX_TIMER_MS
      ? { ms: d, jitterMs: j }
      : null;
  },
  slice: (v) => {
    // MIN-MAX, or one size for pieces all alike.
    const m = /^([^-:]+)(?:-([^-:]+))?(?::(.+))?$/.exec(v.trim());
    if (m === null) return null;
    const min = parseSize(m[1] as string);
    const max = m[2] === undefined ? min : parseSize(m[2]);
    const gapMs = m[3] === undefined ? 0 : duration(m[3]);
    return min >= 1 && max >= min && gapMs >= 0 ? { min, max, gapMs } : null;
  },
  bandwidth: (v) => {
    const bytesPerSecond = parseSize(v.replace(/\/s$/i, ""));
    return bytesPerSecond >= 1 ? { bytesPerSecond } : null;
  },
};

function ms(n: number): { ms: number } | null {
  return n >= 0 ? { ms: n } : null;
}

function bytes(n: number): { bytes: number } | null {
  return n >= 0 ? { bytes: n } : null;
}

function isKind(name: string): name is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(name);
}

/**
 * Parses one fault, `KIND[=VALUE][@CIDR][%PERCENT]`. Throws an EchoError
 * (`ERR_INVALID_OPTION`, `context.fault` saying what is wrong) when it does not.
 *
 * @example
 * ```ts
 * import { parseFault } from "tcpecho";
 * parseFault("delay=200ms~50ms").params; // { ms: 200, jitterMs: 50 }
 * parseFault("reset-after=1KiB@10.0.0.0/8%25").percent; // 25
 * parseFault("slice=5-2"); // throws: the smallest piece is larger than the largest
 * ```
 */
export function parseFault(text: string, option = "faults"): FaultSpec {
  let rest = text.trim();
  let percent = 100;
  const pct = rest.lastIndexOf("%");
  if (pct >= 0) {
    const p = rest.slice(pct + 1);
    percent = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(p) ? Number(p) : NaN;
    if (!(percent >= 0 && percent <= 100)) throw problem(text, option, { reason: "bad-percent", part: p });
    rest = rest.slice(0, pct);
  }
  let range: Cidr | null = null;
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const r = rest.slice(at + 1);
    try {
      range = parseCidr(r, "faults");
    } catch {
      throw problem(text, option, { reason: "bad-cidr", part: r });
    }
    rest = rest.slice(0, at);
  }
  const eq = rest.indexOf("=");
  const name = (eq >= 0 ? rest.slice(0, eq) : rest).trim().toLowerCase();
  if (!isKind(name)) throw problem(text, option, { reason: "unknown-kind", part: name });
  const { takes, omitted } = VALUES[name];
  const value = eq >= 0 ? rest.slice(eq + 1).trim() : omitted;
  if (value === undefined) throw problem(text, option, { reason: "value-missing", kind: name, takes });
  const params = PARSE[name](value);
  if (params === null) throw problem(text, option, { reason: "bad-value", kind: name, takes, part: value });
  const where = range === null ? "" : `@${range.text}`;
  const share = percent === 100 ? "" : `%${percent}`;
  return { kind: name, params, range, percent, text: `${name}=${value}${where}${share}` } as FaultSpec;
}

/**
 * Whether a fault is for this client at all (its range); the percent is rolled elsewhere, once.
 *
 * @example
 * ```ts
 * import { parseFault, faultCovers } from "tcpecho";
 * faultCovers(parseFault("delay=1s@10.0.0.0/8"), "10.1.2.3"); // true
 * faultCovers(parseFault("delay=1s@10.0.0.0/8"), "127.0.0.1"); // false
 * ```
 */
export function faultCovers(spec: FaultSpec, address: string): boolean {
  return spec.range === null || cidrContains(spec.range, address);
}
