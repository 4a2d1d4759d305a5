/**
 * The figures a `ping` user expects at the end: sent, echoed, loss, and the
 * round-trip times' min/avg/max/mdev and percentiles. Pure arithmetic, no I/O.
 *
 * @module
 */

/** What {@link summarizeRtts} returns. Times are in milliseconds; `null` when nothing was echoed. */
export interface PingStats {
  /** Probes sent (for a connect-only ping: handshakes attempted). */
  sent: number;
  /** Probes whose echo came back intact and in time (connect-only: handshakes completed). */
  echoed: number;
  /** `sent - echoed`. */
  lost: number;
  /**
   * Share of probes lost, in percent, rounded to two decimals, but 0 and 100
   * only when exactly none or all were lost (one lost in 100,000 reads 0.01,
   * not 0). 0 when nothing was sent.
   */
  lossPercent: number;
  min: number | null;
  avg: number | null;
  max: number | null;
  /** iputils `ping`'s mdev: sqrt(mean(x²) − mean(x)²), the population standard deviation. */
  mdev: number | null;
  /** Percentiles by the nearest-rank method. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * The `p`-th percentile (0 < p ≤ 100) of ascending `sorted` samples by the
 * nearest-rank method: the smallest sample with at least p % of the samples at
 * or below it, i.e. `sorted[ceil(p / 100 × n) − 1]`. Always one of the samples,
 * never an interpolation.
 */
function nearestRank(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

function lossPercentOf(lost: number, sent: number): number {
  if (sent <= 0 || lost <= 0) return 0;
  if (lost >= sent) return 100;
  const rounded = Math.round((lost / sent) * 10_000) / 100;
  return Math.min(99.99, Math.max(0.01, rounded));
}

/**
 * Summarizes the round-trip times of the echoed probes (`rttsMs`, in any
 * order) out of `sent` probes. min/avg/max/mdev are those of iputils `ping`
 * (mdev = sqrt(mean(x²) − mean(x)²), the population standard deviation);
 * p50/p95/p99 use the nearest-rank method on the sorted samples, so each is
 * one of the measured times. Every time is `null` when nothing was echoed.
 *
 * @example
 * ```ts
 * import { summarizeRtts } from "tcpecho";
 * const s = summarizeRtts([1, 2, 3, 4], 5);
 * // { sent: 5, echoed: 4, lost: 1, lossPercent: 20, min: 1, avg: 2.5, max: 4,
 * //   mdev: 1.118…, p50: 2, p95: 4, p99: 4 }
 * summarizeRtts([], 3).lossPercent; // 100, and min … p99 are null
 * ```
 */
export function summarizeRtts(rttsMs: readonly number[], sent: number): PingStats {
  const echoed = rttsMs.length;
  const total = Math.max(sent, echoed);
  const lost = total - echoed;
  const base = { sent: total, echoed, lost, lossPercent: lossPercentOf(lost, total) };
  if (echoed === 0) {
    return { ...base, min: null, avg: null, max: null, mdev: null, p50: null, p95: null, p99: null };
  }
  const sorted = [...rttsMs].sort((a, b) => a - b);
  const min = sorted[0] as number;
  const max = sorted[echoed - 1] as number;
  let sum = 0;
  for (const x of sorted) sum += x;
  // Rounding in the sum must not put the mean outside the samples.
  const avg = Math.min(max, Math.max(min, sum / echoed));
  // mean(x²) − mean(x)² equals mean((x − avg)²); the second form does not cancel
  // catastrophically. Equal samples give exactly 0, not a rounding residue.
  let squares = 0;
  if (min !== max) for (const x of sorted) squares += (x - avg) * (x - avg);
  const mdev = Math.sqrt(squares / echoed);
  return {
    ...base,
    min,
    avg,
    max,
    mdev,
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
  };
}
