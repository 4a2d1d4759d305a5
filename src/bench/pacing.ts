/**
 * A fixed request rate (`bench --rate`): when each message is due, how many
 * of each connection's messages have fallen due by a given time, and the
 * clock that wakes the load generator when the next one does.
 *
 * Message k of the connection with run-wide index g (of `total`) is message
 * m = k × total + g of the run, due at zero + m run-wide intervals, so each
 * connection keeps its share and the run's messages are evenly spaced, across
 * threads too (they share `zero`). A message is sent as soon as it is due and
 * its connection has room in its pipeline, and its latency counts from when
 * it was due ({@link Pacing.intendedAt}): a server that falls behind cannot
 * hide it by holding the pipeline full (no coordinated omission).
 *
 * @module
 */

import { performance } from "node:perf_hooks";

/** What a thread's schedule is made of; times are `performance.now()` ms. */
export interface PacingPlan {
  /** This thread's connections. */
  connections: number;
  /** The run's connections, all threads together (at least this thread's last one + 1). */
  totalConnections: number;
  /** The run-wide index of this thread's first connection. */
  firstStream: number;
  /** This thread's rate, messages per second, shared evenly by its connections. */
  rate: number;
  /** When the run's message 0 is due. */
  zero: number;
  /** When this thread starts: each connection's first message is its first one due from then. */
  start: number;
}

/**
 * The schedule of one thread's connections (numbered 0 to `connections - 1`
 * here, `firstStream + j` run-wide).
 *
 * @example
 * ```ts
 * import { Pacing } from "./pacing.js";
 * // 2 connections at 1000/s: a message every ms, each connection's every 2 ms.
 * const p = new Pacing({ connections: 2, totalConnections: 2, firstStream: 0, rate: 1000, zero: 0, start: 0 });
 * p.intendedAt(1, 3); // 7
 * p.advance(2.5, () => {});
 * p.due; // [2, 1]
 * ```
 */
export class Pacing {
  /** Ms between two messages of the run. */
  readonly interval: number;
  /** Per connection: how many of its messages have fallen due so far. */
  readonly due: number[];
  /** When this thread's next message falls due. */
  nextDue = 0;
  readonly #n: number;
  readonly #total: number;
  readonly #firstStream: number;
  readonly #zero: number;
  /** Per connection: the round of its first message. */
  readonly #first: number[];
  // The next message to fall due in this thread: round #k of connection #i.
  #k = 0;
  #i = 0;

  constructor(p: PacingPlan) {
    this.#n = p.connections;
    this.#total = Math.max(p.totalConnections, p.firstStream + p.connections);
    this.#firstStream = p.firstStream;
    this.#zero = p.zero;
    this.interval = (1000 * p.connections) / (p.rate * this.#total);
    this.due = new Array<number>(p.connections).fill(0);
    this.#seek(Math.max(0, Math.ceil((p.start - p.zero) / this.interval)));
    this.#first = this.due.map((_, j) => (j < this.#i ? this.#k + 1 : this.#k));
  }

  /** When message `m` of the run is due. */
  dueAt(m: number): number {
    return this.#zero + m * this.interval;
  }

  /** When message `msg` of connection `j` (0: its first) is due: where its latency counts from. */
  intendedAt(j: number, msg: number): number {
    return this.dueAt(((this.#first[j] as number) + msg) * this.#total + this.#firstStream + j);
  }

  /**
   * Counts the messages fallen due by `now` into {@link due}, then calls
   * `onDue(j)` for each connection that has more due, once each (every
   * connection, when a whole round or more fell due).
   */
  advance(now: number, onDue: (j: number) => void): void {
    if (this.nextDue > now) return;
    // The last message of the run due by now, by the same sum as dueAt's, so that rounding cannot set them apart.
    let last = Math.floor((now - this.#zero) / this.interval);
    while (this.dueAt(last + 1) <= now) last++;
    while (this.dueAt(last) > now) last--;
    if (last - this.#next() >= this.#total) this.#leap(last, onDue);
    else this.#step(now, onDue);
  }

  /** The run-wide number of the next message to fall due in this thread. */
  #next(): number {
    return this.#k * this.#total + this.#firstStream + this.#i;
  }

  /** Moves to the first of this thread's messages numbered m or later. */
  #seek(m: number): void {
    this.#k = Math.floor(m / this.#total);
    this.#i = (m % this.#total) - this.#firstStream;
    if (this.#i < 0) this.#i = 0;
    else if (this.#i >= this.#n) {
      this.#i = 0;
      this.#k++;
    }
    this.nextDue = this.dueAt(this.#next());
  }

  /**
   * A whole round of the run or more fell due (a rate beyond what the loop
   * can keep up with): each connection's count is worked out, not stepped
   * through message by message, so that a turn of the event loop costs at
   * most one pass over the connections and timers, progress and Ctrl-C still run.
   */
  #leap(last: number, onDue: (j: number) => void): void {
    this.#seek(last + 1);
    for (let j = 0; j < this.#n; j++) {
      const due = Math.floor((last - this.#firstStream - j) / this.#total) - (this.#first[j] as number) + 1;
      this.due[j] = Math.max(this.due[j] as number, due);
      onDue(j);
    }
  }

  /** Steps through the messages fallen due by `now`, one by one. */
  #step(now: number, onDue: (j: number) => void): void {
    const first = this.#i;
    let fell = 0;
    while (this.nextDue <= now) {
      (this.due[this.#i] as number)++;
      fell++;
      if (++this.#i === this.#n) {
        this.#i = 0;
        this.#k++;
      }
      this.nextDue = this.dueAt(this.#next());
    }
    if (fell >= this.#n) for (let j = 0; j < this.#n; j++) onDue(j);
    else for (let j = 0; j < fell; j++) onDue((first + j) % this.#n);
  }
}

/**
 * Wakes `tick` when the next message is due: a timer to within a millisecond
 * of it (Node's timers count whole milliseconds), then, for the rest, a turn
 * of the event loop at a time (I/O still runs), as long as that waiting stays
 * under a tenth of the run's time; past that budget the timer alone decides
 * (at most about a millisecond late).
 *
 * @example
 * ```ts
 * import { performance } from "node:perf_hooks";
 * import { PaceClock, Pacing } from "./pacing.js";
 * const start = performance.now();
 * const p = new Pacing({ connections: 1, totalConnections: 1, firstStream: 0, rate: 1000, zero: start, start });
 * let sent = 0;
 * const clock = new PaceClock(p, start, (now) => p.advance(now, () => sent++));
 * clock.wake();
 * setTimeout(() => clock.stop(), 20);
 * ```
 */
export class PaceClock {
  readonly #pacing: Pacing;
  readonly #start: number;
  readonly #tick: (now: number) => void;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #stopped = false;
  /** Ms spent waiting turn by turn, and since when the current wait (-1: none). */
  #spentMs = 0;
  #spinFrom = -1;

  /** `tick(now)` sends what has fallen due by `now`; `start` is when the run started. */
  constructor(pacing: Pacing, start: number, tick: (now: number) => void) {
    this.#pacing = pacing;
    this.#start = start;
    this.#tick = tick;
  }

  /** Sends what is due now, and sets the next wake-up. */
  readonly wake = (): void => {
    this.#timer = undefined;
    this.#immediate = undefined;
    if (this.#stopped) return;
    let now = performance.now();
    if (this.#spinFrom >= 0) this.#spentMs += now - this.#spinFrom;
    this.#spinFrom = -1;
    this.#tick(now);
    if (this.#stopped) return;
    now = performance.now();
    const left = this.#pacing.nextDue - now;
    if (left < 1 && this.#spentMs < 2 + (now - this.#start) / 10) {
      this.#spinFrom = now;
      this.#immediate = setImmediate(this.wake);
    } else this.#timer = setTimeout(this.wake, Math.floor(left));
  };

  /** No more wake-ups. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
  }
}
