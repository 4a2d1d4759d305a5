/**
 * `slice=MIN-MAX[:GAP]`: the echo is written in pieces of MIN to MAX bytes,
 * GAP apart. TCP carries a byte stream, not messages: a reader that takes
 * one `recv` for a whole message meets this on any real network sooner or
 * later; here it meets it on demand.
 *
 * @module
 */

/** Cuts an echo into pieces. */
export class Slice {
  readonly min: number;
  readonly max: number;
  readonly gapMs: number;
  readonly #random: () => number;

  constructor(min: number, max: number, gapMs: number, random: () => number = Math.random) {
    this.min = min;
    this.max = max;
    this.gapMs = gapMs;
    this.#random = random;
  }

  /**
   * The pieces of `bytes`, in order, each MIN to MAX bytes (the last may be shorter).
   *
   * @example
   * ```ts
   * import { Slice } from "./slice.js";
   * new Slice(2, 2, 0).cut(Buffer.from("hello")).map(String); // ["he", "ll", "o"]
   * ```
   */
  cut(bytes: Buffer): Buffer[] {
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.length;) {
      const size = this.min + Math.floor(this.#random() * (this.max - this.min + 1));
      pieces.push(bytes.subarray(at, at + size));
      at += size;
    }
    return pieces;
  }
}
