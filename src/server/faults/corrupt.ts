/**
 * `corrupt=FRACTION`: that share of echoed chunks gets one bit flipped, at
 * a random place. The only fault that changes a byte, and it says so (the
 * server counts each, and the trace shows where).
 *
 * @module
 */

/** Flips one bit in some chunks. */
export class Corrupt {
  readonly fraction: number;
  readonly #random: () => number;

  constructor(fraction: number, random: () => number = Math.random) {
    this.fraction = fraction;
    this.#random = random;
  }

  /**
   * Maybe flips one bit of `chunk` in place; returns the offset of the
   * changed byte, or -1 when the chunk was left alone.
   *
   * @example
   * ```ts
   * import { Corrupt } from "./corrupt.js";
   * const chunk = Buffer.from([0]);
   * new Corrupt(1).flip(chunk); // 0
   * chunk[0] !== 0; // true
   * ```
   */
  flip(chunk: Buffer): number {
    if (chunk.length === 0 || this.#random() >= this.fraction) return -1;
    const bit = Math.floor(this.#random() * chunk.length * 8);
    const at = bit >> 3;
    chunk[at] = (chunk[at] as number) ^ (1 << (bit & 7));
    return at;
  }
}
