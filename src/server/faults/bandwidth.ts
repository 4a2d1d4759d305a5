/**
 * `bandwidth=RATE`: the echo is paced to RATE bytes a second, a token
 * bucket holding 20 ms of it (at least one byte), so that pieces stay
 * small and the pace even.
 *
 * @module
 */

/** How long a piece must wait for the rate to allow it. */
export class Bandwidth {
  readonly bytesPerSecond: number;
  /** The largest piece written at once: 20 ms worth, at least one byte. */
  readonly burst: number;
  #tokens: number;
  #at = -1;

  constructor(bytesPerSecond: number) {
    this.bytesPerSecond = bytesPerSecond;
    this.burst = Math.max(1, Math.floor(bytesPerSecond / 50));
    this.#tokens = this.burst;
  }

  /**
   * Ms to wait before `n` bytes (at most {@link burst}) may go at `now`; 0
   * means now, and then they are taken from the bucket.
   *
   * @example
   * ```ts
   * import { Bandwidth } from "./bandwidth.js";
   * const b = new Bandwidth(1000); // 1000 B/s: a burst of 20 bytes
   * b.wait(20, 0); // 0: the bucket starts full
   * b.wait(20, 0); // 20: 20 bytes at 1000 B/s
   * ```
   */
  wait(n: number, now: number): number {
    if (this.#at >= 0)
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) * this.bytesPerSecond) / 1000);
    this.#at = now;
    if (this.#tokens >= n) {
      this.#tokens -= n;
      return 0;
    }
    return Math.ceil(((n - this.#tokens) * 1000) / this.bytesPerSecond);
  }
}
