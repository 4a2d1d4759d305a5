/**
 * Latency percentiles from an HDR histogram (hdr-histogram-js): constant
 * memory and cost per sample however long the run, 3 significant digits,
 * mergeable across threads.
 *
 * @module
 */

import hdr from "hdr-histogram-js";

/** Percentiles in microseconds. */
export interface LatencySummary {
  samples: number;
  minUs: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

/** Latencies below this many microseconds are counted in a flat array first. */
const FLAT_US = 200_000;

/**
 * Records latencies in microseconds. The hot path is one array increment:
 * samples under 200 ms are counted exactly per microsecond and folded into
 * the HDR histogram when read; longer ones go straight into it.
 *
 * @example
 * ```ts
 * import { LatencyHistogram } from "tcpecho";
 * const h = new LatencyHistogram();
 * for (const us of [100, 200, 300]) h.record(us);
 * h.summary().p50Us; // 200
 * ```
 */
export class LatencyHistogram {
  readonly #h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });

  #flat: Uint32Array | null = null;
  #pending = 0;
  /** The largest sample exactly (the HDR histogram knows it only to its bucket once encoded). */
  #max = 0;

  /** Adds one sample; values are rounded to whole microseconds, at least 1. */
  record(us: number): void {
    const v = us < 1 ? 1 : Math.round(us);
    if (v > this.#max) this.#max = v;
    if (v < FLAT_US) {
      const flat = (this.#flat ??= new Uint32Array(FLAT_US));
      flat[v] = (flat[v] as number) + 1;
      this.#pending++;
    } else this.#h.recordValue(v);
  }

  get count(): number {
    return this.#hdr().totalCount;
  }

  reset(): void {
    this.#flat?.fill(0);
    this.#pending = 0;
    this.#max = 0;
    this.#h.reset();
  }

  /** The HDR histogram with the flat counts folded in. */
  #hdr(): ReturnType<typeof hdr.build> {
    const flat = this.#flat;
    if (flat !== null && this.#pending > 0) {
      for (let v = 0; v < FLAT_US; v++) if (flat[v] !== 0) this.#h.recordValueWithCount(v, flat[v] as number);
      flat.fill(0);
      this.#pending = 0;
    }
    return this.#h;
  }

  /** Adds another histogram's samples (from another thread, decoded). */
  add(other: LatencyHistogram): void {
    this.#hdr().add(other.#hdr());
    this.#max = Math.max(this.#max, other.#max);
  }

  /** A compact text form, to send between threads. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#hdr());
  }

  /**
   * The histogram {@link encode} made; `maxUs` (the sender's `summary().maxUs`)
   * restores the exact maximum, which the encoding keeps only to its bucket.
   */
  static decode(text: string, maxUs?: number): LatencyHistogram {
    const h = new LatencyHistogram();
    h.#h.add(hdr.decodeFromCompressedBase64(text));
    h.#max = maxUs ?? h.#h.maxValue;
    return h;
  }

  summary(): LatencySummary {
    const h = this.#hdr();
    if (h.totalCount === 0)
      return { samples: 0, minUs: 0, meanUs: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 };
    // A percentile is its bucket's upper bound, which can lie above every sample: no percentile above the maximum.
    const max = this.#max > 0 ? this.#max : h.maxValue;
    const at = (p: number) => Math.min(h.getValueAtPercentile(p), max);
    return {
      samples: h.totalCount,
      minUs: h.minNonZeroValue,
      meanUs: h.mean,
      p50Us: at(50),
      p90Us: at(90),
      p99Us: at(99),
      p999Us: at(99.9),
      maxUs: max,
    };
  }
}
