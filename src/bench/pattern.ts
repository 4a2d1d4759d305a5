/**
 * What the load generator sends, so that every echoed byte can be checked
 * without keeping a copy: each connection's stream is a walk through one
 * shared pseudo-random pattern, starting at a place of its own (so bytes
 * crossed between connections are caught too). Sending and checking are
 * slices of the same buffer, with a native compare and no copy.
 *
 * The pattern's period is a prime number K of messages, so a message always
 * starts at one of K places: the hot path writes one of K views made once,
 * instead of making a view per write.
 *
 * @module
 */

/** Upper bound on the pattern's size before the window overhang, in bytes. */
const PATTERN_BYTES = 256 * 1024;

function largestPrimeAtMost(n: number): number {
  for (let k = Math.max(2, n); k > 2; k--) {
    let prime = k % 2 === 1;
    for (let d = 3; prime && d * d <= k; d += 2) if (k % d === 0) prime = false;
    if (prime) return k;
  }
  return 2;
}

/**
 * A repeating byte pattern for messages of `messageSize` bytes, laid out so
 * that any window of up to `maxWindow` bytes is contiguous.
 *
 * @example
 * ```ts
 * import { Pattern } from "tcpecho";
 * const p = new Pattern(16, 1024);
 * const sent = p.window(7, 100, 16); // 16 bytes of connection 7's stream at offset 100
 * p.mismatches(7, 100, sent, 0, 16); // 0
 * ```
 */
export class Pattern {
  readonly bytes: Buffer;
  readonly messageSize: number;
  /** Messages in one period (prime). */
  readonly messages: number;
  /** The period in bytes: messages × messageSize. */
  readonly period: number;
  readonly #views: (Buffer | undefined)[];
  /** The last buffer a whole message was checked in, and a view of its first message. */
  #gotChunk: Uint8Array | null = null;
  #gotView: Buffer | null = null;

  constructor(messageSize: number, maxWindow: number, seed = 0x9e3779b9) {
    this.messageSize = messageSize;
    // Many distinct messages where memory allows; never fewer than 3.
    this.messages = largestPrimeAtMost(
      Math.min(65_521, Math.max(3, Math.floor(PATTERN_BYTES / messageSize))),
    );
    this.period = this.messages * messageSize;
    this.bytes = Buffer.allocUnsafe(this.period + Math.max(maxWindow, messageSize));
    let x = seed >>> 0 || 1;
    for (let i = 0; i < this.period; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.bytes[i] = x & 0xff;
    }
    this.bytes.copyWithin(this.period, 0, this.bytes.length - this.period);
    this.#views = new Array<Buffer | undefined>(this.messages);
  }

  /** Where stream `stream`'s byte at `offset` sits in the pattern. */
  position(stream: number, offset: number): number {
    return (((stream * 7919) % this.messages) * this.messageSize + offset) % this.period;
  }

  /** The pattern position `n` bytes after `pos` (hot paths keep positions, not offsets). */
  advance(pos: number, n: number): number {
    const next = pos + n;
    return next < this.period ? next : next % this.period;
  }

  /** `n` bytes from pattern position `pos` (a view, not a copy; one message's view is made once). */
  at(pos: number, n: number): Buffer {
    if (n === this.messageSize && pos % n === 0) {
      const i = pos / n;
      return (this.#views[i] ??= this.bytes.subarray(pos, pos + n));
    }
    return this.bytes.subarray(pos, pos + n);
  }

  /** How many of `n` received bytes (`chunk[from…]`) differ from the pattern at `pos`. */
  mismatchesAt(pos: number, chunk: Uint8Array, from: number, n: number): number {
    if (from === 0 && n === this.messageSize && pos % n === 0) {
      // The common read, one whole message at the start of a reused buffer:
      // `equals` of two views made once skips `compare`'s five range checks.
      if (chunk !== this.#gotChunk) {
        this.#gotChunk = chunk;
        this.#gotView = Buffer.from(chunk.buffer, chunk.byteOffset, n);
      }
      if (this.at(pos, n).equals(this.#gotView as Buffer)) return 0;
    } else if (this.bytes.compare(chunk, from, from + n, pos, pos + n) === 0) return 0;
    let bad = 0;
    for (let i = 0; i < n; i++) if (this.bytes[pos + i] !== chunk[from + i]) bad++;
    return bad;
  }

  /** The `n` bytes stream `stream` sends at `offset` (a view, not a copy). */
  window(stream: number, offset: number, n: number): Buffer {
    return this.at(this.position(stream, offset), n);
  }

  /**
   * Checks `n` received bytes (`chunk[from…]`) against what stream `stream`
   * sent at `offset`; returns how many differ (0 when all match).
   */
  mismatches(stream: number, offset: number, chunk: Uint8Array, from: number, n: number): number {
    return this.mismatchesAt(this.position(stream, offset), chunk, from, n);
  }
}
