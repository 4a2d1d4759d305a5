/**
 * `reset-after`, `close-after` and `stall-after`: exactly BYTES are echoed,
 * then the connection is reset (RST), closed (FIN), or left alone (nothing
 * read, echoed or closed). One type, as the three differ only in what
 * follows the last byte.
 *
 * @module
 */

/** What a connection does once its bytes are echoed. */
export type LimitAction = "reset" | "close" | "stall";

/** Counts the bytes a connection may still echo. */
export class ByteLimit {
  readonly bytes: number;
  readonly action: LimitAction;
  #left: number;

  constructor(bytes: number, action: LimitAction) {
    this.bytes = bytes;
    this.action = action;
    this.#left = bytes;
  }

  /** True once every byte allowed has been taken. */
  get reached(): boolean {
    return this.#left === 0;
  }

  /**
   * How many of `n` more bytes may be echoed (the rest are never echoed).
   *
   * @example
   * ```ts
   * import { ByteLimit } from "./byte-limit.js";
   * const limit = new ByteLimit(5, "reset");
   * limit.take(3); // 3
   * limit.take(3); // 2
   * limit.reached; // true
   * ```
   */
  take(n: number): number {
    const taken = Math.min(n, this.#left);
    this.#left -= taken;
    return taken;
  }
}
