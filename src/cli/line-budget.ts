/**
 * A per-second budget of log lines. Logging must never limit the echo: once
 * a second's lines are spent, the caller stops listening for data entirely
 * until the next second, so the data path pays nothing meanwhile.
 *
 * @module
 */

/**
 * Counts lines within one-second windows.
 *
 * @example
 * ```ts
 * import { LineBudget } from "./line-budget.js";
 * const budget = new LineBudget(2, () => console.log("quiet for the rest of this second"));
 * budget.take(); // true
 * budget.take(); // true
 * budget.take(); // false: prints the note once; resumes after the window
 * ```
 */
export class LineBudget {
  readonly perSecond: number;
  #used = 0;
  #windowStart = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #onExhausted: () => void;
  readonly #onRefill: () => void;

  /**
   * `onExhausted` runs when a line is refused (say so, or stop listening);
   * `onRefill` when the next window opens (listen again). Both are optional.
   */
  constructor(
    perSecond: number,
    onExhausted: () => void = () => {},
    onRefill: () => void = () => {},
    private readonly now = Date.now,
  ) {
    this.perSecond = perSecond;
    this.#onExhausted = onExhausted;
    this.#onRefill = onRefill;
  }

  /** True if one more line may be printed in this second. */
  take(): boolean {
    const t = this.now();
    if (t - this.#windowStart >= 1000) {
      this.#windowStart = t;
      this.#used = 0;
    }
    if (this.#used < this.perSecond) {
      this.#used++;
      return true;
    }
    if (this.#timer === undefined) {
      this.#onExhausted();
      this.#timer = setTimeout(
        () => {
          this.#timer = undefined;
          this.#onRefill();
        },
        Math.max(1, 1000 - (t - this.#windowStart)),
      );
      this.#timer.unref();
    }
    return false;
  }

  /** Cancels a pending refill. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
