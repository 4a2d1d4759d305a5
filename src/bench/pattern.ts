/**
 * What the load generator sends, so that every echoed byte can be checked
 * without keeping a copy: each connection's stream is a window into one
 * shared pseudo-random pattern, starting at an offset of its own (so bytes
 * crossed between connections are caught too). Sending and checking are
 * slices of the same buffer, with no allocation and a native compare.
 *
 * @module
 */

/** The pattern's period: a prime, so message boundaries drift across it. */
export const PATTERN_PERIOD = 65_521;

/**
 * A repeating byte pattern, laid out long enough that any window of up to
 * `maxWindow` bytes is contiguous.
 *
 * @example
 * ```ts
 * import { Pattern } from "tcpecho";
 * const p = new Pattern(1024);
 * const sent = p.window(7, 100, 16); // 16 bytes of connection 7's stream at offset 100
 * p.mismatches(7, 100, sent, 0, 16); // 0
 * ```
 */
export class Pattern {
  readonly bytes: Buffer;
  readonly maxWindow: number;

  constructor(maxWindow: number, seed = 0x9e3779b9) {
    this.maxWindow = maxWindow;
    this.bytes = Buffer.allocUnsafe(PATTERN_PERIOD + maxWindow);
    let x = seed >>> 0 || 1;
    for (let i = 0; i < PATTERN_PERIOD; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.bytes[i] = x & 0xff;
    }
    for (let i = PATTERN_PERIOD; i < this.bytes.length; i++)
      this.bytes[i] = this.bytes[i - PATTERN_PERIOD] as number;
  }

  /** Where stream `stream`'s byte at `offset` sits in the pattern. */
  position(stream: number, offset: number): number {
    return (stream * 7919 + offset) % PATTERN_PERIOD;
  }

  /** The pattern position `n` bytes after `pos` (hot paths keep positions, not offsets). */
  advance(pos: number, n: number): number {
    const next = pos + n;
    return next < PATTERN_PERIOD ? next : next % PATTERN_PERIOD;
  }

  /** `n` bytes from pattern position `pos` (a view, not a copy). */
  at(pos: number, n: number): Buffer {
    return this.bytes.subarray(pos, pos + n);
  }

  /** How many of `n` received bytes (`chunk[from…]`) differ from the pattern at `pos`. */
  mismatchesAt(pos: number, chunk: Uint8Array, from: number, n: number): number {
    if (this.bytes.compare(chunk, from, from + n, pos, pos + n) === 0) return 0;
    let bad = 0;
    for (let i = 0; i < n; i++) if (this.bytes[pos + i] !== chunk[from + i]) bad++;
    return bad;
  }

  /** The `n` bytes stream `stream` sends at `offset` (a view, not a copy). */
  window(stream: number, offset: number, n: number): Buffer {
    const at = this.position(stream, offset);
    return this.bytes.subarray(at, at + n);
  }

  /**
   * Checks `n` received bytes (`chunk[from…]`) against what stream `stream`
   * sent at `offset`; returns how many differ (0 when all match).
   */
  mismatches(stream: number, offset: number, chunk: Uint8Array, from: number, n: number): number {
    return this.mismatchesAt(this.position(stream, offset), chunk, from, n);
  }
}
