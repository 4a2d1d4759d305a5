/**
 * Latency percentiles from an HDR histogram (hdr-histogram-js, its pure-JS
 * build): constant memory and cost per sample however long the run, 3
 * significant digits, 1 µs to 1 hour, mergeable across threads and machines
 * through HdrHistogram's standard compressed encoding (V2, base64
 * "HISTFAAA…"), which HdrHistogram's Java, C, Go and JS libraries read.
 *
 * @module
 */

import hdr, { type JsHistogram } from "hdr-histogram-js";

/** One hour, µs: the longest latency kept (longer ones count as this). */
const HIGHEST_US = 3_600_000_000;

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

/** One step of a percentile distribution: the value at or below which `percentile` % of the samples lie. */
export interface PercentilePoint {
  /** 0 to 100. */
  percentile: number;
  /** The value at that percentile, µs (its bucket's highest equivalent value, as HdrHistogram reports it). */
  valueUs: number;
  /** Samples at or below `valueUs`. */
  count: number;
}

/** The unit of every value in a {@link LatencyHistogram} and its encoding (an encoded histogram carries none). */
export const HISTOGRAM_UNIT = "us";

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
  // 64-bit counts: merged reports from many machines can pass 2^31 samples in one bucket.
  readonly #h = hdr.build({
    bitBucketSize: 64,
    useWebAssembly: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
  }) as JsHistogram;

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
    } else this.#h.recordValue(v > HIGHEST_US ? HIGHEST_US : v);
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
  #hdr(): JsHistogram {
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

  /**
   * HdrHistogram's standard compressed encoding (V2, zlib, base64:
   * "HISTFAAA…"), values in µs: what `bench --json` carries, and what
   * HdrHistogram's own libraries and tools decode.
   */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.#hdr());
  }

  /**
   * The histogram {@link encode} (or any HdrHistogram library) made, its values
   * taken as µs; `maxUs` (the sender's `summary().maxUs`) restores the exact
   * maximum, which the encoding keeps only to its bucket. Throws a RangeError
   * for text that is not such an encoding.
   */
  static decode(text: string, maxUs?: number): LatencyHistogram {
    const h = new LatencyHistogram();
    try {
      if (!text.startsWith("HIST")) throw new Error("no HIST cookie");
      // The pure-JS build decodes into a JsHistogram.
      h.#h.add(hdr.decodeFromCompressedBase64(text, 64, false) as JsHistogram);
    } catch (err) {
      throw new RangeError(
        `not an HdrHistogram compressed encoding (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    h.#max = maxUs ?? h.#h.maxValue;
    return h;
  }

  /**
   * The percentile distribution as HdrHistogram iterates it (`ticksPerHalf`
   * steps per halving of the distance to 100 %, 5 like its tools), from 0 %
   * up to 100 %; empty for an empty histogram. The table of {@link toHgrm}.
   */
  percentileDistribution(ticksPerHalf = 5): PercentilePoint[] {
    const h = this.#hdr();
    const points: PercentilePoint[] = [];
    if (h.totalCount === 0) return points;
    const it = h.percentileIterator;
    it.reset(ticksPerHalf);
    // The iterator ends at 100 %; the bound only guards against a library bug.
    for (let i = 0; it.hasNext() && i < 100_000; i++) {
      const v = it.next();
      points.push({
        percentile: v.percentileLevelIteratedTo,
        valueUs: v.valueIteratedTo,
        count: v.totalCountToThisValue,
      });
    }
    return points;
  }

  /**
   * The distribution in HdrHistogram's `.hgrm` text format, values in
   * milliseconds as its plotter expects: the "Value Percentile TotalCount
   * 1/(1-Percentile)" table and the Mean/StdDeviation/Max/Total count/Buckets
   * footer, byte for byte what HdrHistogram's `outputPercentileDistribution(…, 1000.0)` prints.
   */
  toHgrm(ticksPerHalf = 5): string {
    return this.#hdr().outputPercentileDistribution(ticksPerHalf, 1000);
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

/**
 * A histogram's percentile distribution (see
 * {@link LatencyHistogram.percentileDistribution}): the points a latency
 * chart or an `.hgrm` table is drawn from.
 *
 * @example
 * ```ts
 * import { LatencyHistogram, percentileDistribution } from "tcpecho";
 * const h = new LatencyHistogram();
 * for (let us = 1; us <= 100; us++) h.record(us);
 * const points = percentileDistribution(h);
 * points[0]; // { percentile: 0, valueUs: 1, count: 1 }
 * points.at(-1); // { percentile: 100, valueUs: 100, count: 100 }
 * ```
 */
export function percentileDistribution(h: LatencyHistogram, ticksPerHalf = 5): PercentilePoint[] {
  return h.percentileDistribution(ticksPerHalf);
}
