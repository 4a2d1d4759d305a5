/**
 * Which faults a connection gets. The server holds a {@link FaultBook}, the
 * faults configured now; at accept (after its PROXY header, where there is
 * one) each new connection gets a {@link FaultPlan}: every fault whose range
 * covers the client, each kept with its own chance (`%PERCENT`), rolled
 * once. A plan is fixed for the connection's life: changing the book
 * changes only connections accepted later.
 *
 * @module
 */

import { Bandwidth } from "./bandwidth.js";
import { ByteLimit, type LimitAction } from "./byte-limit.js";
import { Corrupt } from "./corrupt.js";
import { Delay } from "./delay.js";
import { Slice } from "./slice.js";
import { FAULT_KINDS, faultCovers, parseFault, type FaultKind, type FaultSpec } from "./spec.js";

/** The faults of one connection, ready to act on its echo. */
export interface FaultPlan {
  /** The faults it got, one per kind, in the order they act. */
  readonly specs: readonly FaultSpec[];
  /** `hold`: ms before the connection is first read; 0 for none. */
  readonly holdMs: number;
  /** `reset-after`, `close-after` or `stall-after` (the one with the fewest bytes). */
  readonly limit: ByteLimit | null;
  readonly corrupt: Corrupt | null;
  readonly delay: Delay | null;
  readonly slice: Slice | null;
  readonly bandwidth: Bandwidth | null;
  /** `slow-close`: ms the rest of the echo and our FIN wait after the client's FIN; 0 for none. */
  readonly slowCloseMs: number;
}

const LIMITS: Readonly<Partial<Record<FaultKind, LimitAction>>> = {
  "reset-after": "reset",
  "close-after": "close",
  "stall-after": "stall",
};

/**
 * The faults a server applies now, as parsed specs; chooses each new
 * connection's plan.
 *
 * @example
 * ```ts
 * import { FaultBook } from "tcpecho";
 * const book = new FaultBook(["delay=200ms@127.0.0.0/8", "slice=1-3"]);
 * book.choose("127.0.0.1")?.specs.map((s) => s.kind); // ["delay", "slice"]
 * book.choose("10.0.0.1")?.specs.map((s) => s.kind); // ["slice"]
 * ```
 */
export class FaultBook {
  readonly specs: readonly FaultSpec[];
  readonly #random: () => number;

  /** Faults as strings (`KIND[=VALUE][@CIDR][%PERCENT]`) or parsed; a bad one throws (ERR_INVALID_OPTION). */
  constructor(faults: readonly (string | FaultSpec)[], random: () => number = Math.random) {
    this.specs = faults.map((f) => (typeof f === "string" ? parseFault(f) : f));
    this.#random = random;
  }

  /** The faults as written, normalised: what `GET /faults` returns. */
  texts(): string[] {
    return this.specs.map((s) => s.text);
  }

  /**
   * The plan of a new connection from `address`: of each kind, the last
   * fault given that covers it and whose chance came up; null when none did.
   */
  choose(address: string): FaultPlan | null {
    const chosen = new Map<FaultKind, FaultSpec>();
    for (const spec of this.specs) {
      if (!faultCovers(spec, address)) continue;
      if (spec.percent < 100 && this.#random() * 100 >= spec.percent) continue;
      chosen.set(spec.kind, spec);
    }
    if (chosen.size === 0) return null;
    return planOf(
      FAULT_KINDS.flatMap((k) => chosen.get(k) ?? []),
      this.#random,
    );
  }
}

function planOf(specs: readonly FaultSpec[], random: () => number): FaultPlan {
  const plan = {
    specs,
    holdMs: 0,
    limit: null as ByteLimit | null,
    corrupt: null as Corrupt | null,
    delay: null as Delay | null,
    slice: null as Slice | null,
    bandwidth: null as Bandwidth | null,
    slowCloseMs: 0,
  };
  for (const s of specs) {
    const action = LIMITS[s.kind];
    if (s.kind === "hold") plan.holdMs = s.params.ms;
    else if (s.kind === "slow-close") plan.slowCloseMs = s.params.ms;
    else if (s.kind === "corrupt") plan.corrupt = new Corrupt(s.params.fraction, random);
    else if (s.kind === "delay") plan.delay = new Delay(s.params.ms, s.params.jitterMs, random);
    else if (s.kind === "slice") plan.slice = new Slice(s.params.min, s.params.max, s.params.gapMs, random);
    else if (s.kind === "bandwidth") plan.bandwidth = new Bandwidth(s.params.bytesPerSecond);
    else if (action !== undefined && "bytes" in s.params) {
      // Several limits: the first to come acts (on a tie, reset before close before stall).
      if (plan.limit === null || s.params.bytes < plan.limit.bytes)
        plan.limit = new ByteLimit(s.params.bytes, action);
    }
  }
  return plan;
}
