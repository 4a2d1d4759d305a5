/**
 * `delay=DURATION[~JITTER]`: each echo leaves that much later, jitter
 * uniform within ±JITTER, in the order it came (a later chunk never
 * overtakes an earlier one, as on a real path).
 *
 * @module
 */

/** When each echo may leave. */
export class Delay {
  readonly ms: number;
  readonly jitterMs: number;
  readonly #random: () => number;
  #last = 0;

  constructor(ms: number, jitterMs: number, random: () => number = Math.random) {
    this.ms = ms;
    this.jitterMs = jitterMs;
    this.#random = random;
  }

  /**
   * The time (performance.now() ms) the echo of a chunk received at `now`
   * may leave: `now` plus the delay and its jitter, never before the one before it.
   *
   * @example
   * ```ts
   * import { Delay } from "./delay.js";
   * const d = new Delay(200, 0);
   * d.due(1000); // 1200
   * ```
   */
  due(now: number): number {
    const jitter = this.jitterMs === 0 ? 0 : (this.#random() * 2 - 1) * this.jitterMs;
    this.#last = Math.max(this.#last, now + Math.max(0, this.ms + jitter));
    return this.#last;
  }
}
