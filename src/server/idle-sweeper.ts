/**
 * `--idle-timeout`: closes connections whose client has sent nothing for a
 * while. It costs the data path nothing: one timer for the whole server
 * compares each connection's received-byte count with what it was at the
 * previous sweep, so any traffic resets the clock.
 *
 * @module
 */

import type { Connection } from "./connection.js";

interface Mark {
  bytesIn: number;
  since: number;
}

/**
 * Watches a set of connections and reports those idle for `timeoutMs`.
 *
 * @example
 * ```ts
 * import { IdleSweeper } from "./idle-sweeper.js";
 * // What EchoServer does with `idleTimeout: 30_000`:
 * const sweeper = new IdleSweeper(30_000, () => [], (conn) => conn.end());
 * sweeper.stop();
 * ```
 */
export class IdleSweeper {
  readonly timeoutMs: number;
  readonly #marks = new WeakMap<Connection, Mark>();
  readonly #timer: NodeJS.Timeout;

  /**
   * `connections` is read at every sweep; `onIdle` is called once per idle
   * connection and must start closing it.
   */
  constructor(
    timeoutMs: number,
    connections: () => Iterable<Connection>,
    onIdle: (conn: Connection) => void,
  ) {
    this.timeoutMs = timeoutMs;
    // Sweep often enough that a connection is closed within a tenth of the timeout after it (at most 1 s).
    const every = Math.min(1000, Math.max(10, Math.floor(timeoutMs / 10)));
    this.#timer = setInterval(() => {
      const now = performance.now();
      for (const c of connections()) {
        const mark = this.#marks.get(c);
        if (mark === undefined || mark.bytesIn !== c.bytesIn) {
          const since = mark === undefined && c.bytesIn === 0 ? c.acceptedAt : now;
          this.#marks.set(c, { bytesIn: c.bytesIn, since });
        } else if (now - mark.since >= timeoutMs) {
          mark.since = Infinity; // report once
          onIdle(c);
        }
      }
    }, every);
    this.#timer.unref();
  }

  /** Stops sweeping. */
  stop(): void {
    clearInterval(this.#timer);
  }
}
