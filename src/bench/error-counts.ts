/**
 * The errors a load run counts, but connect failures: one list of kinds, so
 * that a thread's counts, a run's report, the report's JSON and a merge of
 * several reports count, add up and read back the same kinds in the same order.
 *
 * @module
 */

import type { EchoErrorCode } from "../net/echo-error.js";

/** Each kind of error counted, in the order reports list them. */
export const ERROR_KINDS = [
  "resets",
  "closedEarly",
  "corruptedBytes",
  "missingBytes",
  "extraBytes",
  "neverEchoed",
] as const;

/** What went wrong, counted, but connect failures. */
export interface ErrorCounts {
  /** Connections reset (or broken while sending) by the server while bytes were outstanding. */
  resets: number;
  /** Connections closed by the server while bytes were outstanding. */
  closedEarly: number;
  /** Bytes that came back different from what was sent. */
  corruptedBytes: number;
  /** Bytes sent that never came back. */
  missingBytes: number;
  /** Bytes that came back beyond what was sent. */
  extraBytes: number;
  /**
   * Connections still open at the end that never got a byte back: the server
   * accepted them but did not answer (past its capacity, or stuck).
   */
  neverEchoed: number;
}

/** Connect failures, counted by code. */
export type ConnectErrorCounts = Partial<Record<EchoErrorCode, number>>;

/**
 * Every kind counted zero.
 *
 * @example
 * ```ts
 * import { noErrors } from "./error-counts.js";
 * noErrors().resets; // 0
 * ```
 */
export function noErrors(): ErrorCounts {
  return { resets: 0, closedEarly: 0, corruptedBytes: 0, missingBytes: 0, extraBytes: 0, neverEchoed: 0 };
}

/**
 * The error counts of `from` alone, in {@link ERROR_KINDS}' order.
 *
 * @example
 * ```ts
 * import { errorCounts } from "./error-counts.js";
 * import { emptyCounts } from "./load.js";
 * const counts = { ...emptyCounts(), resets: 2, completed: 7 };
 * errorCounts(counts).resets; // 2
 * ```
 */
export function errorCounts(from: Readonly<ErrorCounts>): ErrorCounts {
  const into = noErrors();
  for (const k of ERROR_KINDS) into[k] = from[k];
  return into;
}

/**
 * True when every kind is zero and no connect failed.
 *
 * @example
 * ```ts
 * import { noErrors, noneCounted } from "./error-counts.js";
 * noneCounted(noErrors(), {}); // true
 * noneCounted(noErrors(), { ECONNREFUSED: 1 }); // false
 * ```
 */
export function noneCounted(e: Readonly<ErrorCounts>, connect: Readonly<ConnectErrorCounts>): boolean {
  return ERROR_KINDS.every((k) => e[k] === 0) && Object.values(connect).every((n) => (n ?? 0) === 0);
}

/**
 * Adds error counts into others: each kind, and connect failures by code.
 * The one way both threads' counts and reports from several machines are added up.
 *
 * @example
 * ```ts
 * import { addErrorCounts, noErrors } from "./error-counts.js";
 * const into = noErrors();
 * const connect = {};
 * addErrorCounts(into, connect, { ...noErrors(), resets: 1 }, { ECONNREFUSED: 2 });
 * into.resets; // 1
 * ```
 */
export function addErrorCounts(
  into: ErrorCounts,
  intoConnect: ConnectErrorCounts,
  from: Readonly<ErrorCounts>,
  fromConnect: Readonly<ConnectErrorCounts>,
): void {
  for (const k of ERROR_KINDS) into[k] += from[k];
  for (const [code, n] of Object.entries(fromConnect)) {
    const k = code as EchoErrorCode;
    intoConnect[k] = (intoConnect[k] ?? 0) + (n ?? 0);
  }
}
