/**
 * The echo of one connection with faults: what the client sent goes back
 * through the connection's {@link FaultPlan}, in a stated order:
 *
 * 1. `hold`: the connection is not read for a while after accept;
 * 2. `reset-after` / `close-after` / `stall-after`: only so many bytes are
 *    taken for echo; once they are all sent, the connection is reset,
 *    closed, or left alone;
 * 3. `corrupt`: one bit of a chunk flipped;
 * 4. `delay`: when the echo of a chunk may leave;
 * 5. `slice`: the chunk cut into pieces, a gap between writes;
 * 6. `bandwidth`: pieces paced to a rate;
 * 7. `slow-close`: after the client's FIN, the rest and our FIN wait.
 *
 * Pieces leave one write at a time, in order: nothing is lost or reordered
 * (`corrupt` aside, which changes a bit, never a length). What waits here is
 * bounded: past {@link HIGH_WATER} bytes the client is not read until the
 * queue is down to a quarter of that, as a client that does not read makes
 * the plain echo stop reading.
 *
 * The engine knows nothing of sockets: it works through an
 * {@link EchoTransport}, which the data path provides.
 *
 * @module
 */

import { performance } from "node:perf_hooks";
import type { FaultPlan } from "./plan.js";
import type { FaultKind } from "./spec.js";

/** Bytes held for a connection before it is no longer read. */
export const HIGH_WATER = 1024 * 1024;
const LOW_WATER = HIGH_WATER / 4;

/** What a fault did, for observers (the trace, a live view). */
export interface FaultEffect {
  readonly kind: FaultKind;
  /** The fault as written (normalised), e.g. `delay=200ms~50ms`. */
  readonly spec: string;
  /** Bytes it acted on: the echo delayed or cut, the bytes echoed before a reset, close or stall. */
  readonly bytes?: number;
  /** How long it made something wait, in ms. */
  readonly ms?: number;
  /** `slice`: into how many pieces. */
  readonly pieces?: number;
  /** `corrupt`: the offset of the changed byte within the chunk. */
  readonly offset?: number;
}

/** What the engine needs of a connection; each data path provides it. */
export interface EchoTransport {
  /** Writes `bytes`; calls `done` once the kernel has them all. Returns the bytes still queued. */
  write(bytes: Buffer, done: () => void): number;
  pauseInput(): void;
  resumeInput(): void;
  /** Sends our FIN after what is queued; `byFault`: a fault ends the connection (close-after). */
  finish(byFault: boolean): void;
  /** Resets the connection (RST), dropping anything unsent. */
  reset(): void;
  /** Closes the connection now, its descriptor freed (a stalled one, whose client's FIN is never read). */
  close(): void;
  /** A piece was written: `bytes` the kernel took, `queued` left for later. */
  wrote(bytes: number, queued: number): void;
  /** A fault acted (every time); `first`: the first time this kind acted on the connection. */
  faulted(effect: FaultEffect, first: boolean): void;
}

interface Piece {
  bytes: Buffer;
  /** performance.now() before which it may not leave. */
  at: number;
}

/** One connection's echo through its faults. */
export class FaultedEcho {
  readonly plan: FaultPlan;
  readonly #t: EchoTransport;
  readonly #queue: Piece[] = [];
  #held = 0;
  #echoed = 0;
  #writing = false;
  #timer: NodeJS.Timeout | undefined = undefined;
  // Why the client is not read: held at accept, too much queued, or its bytes are all taken.
  #holding = false;
  #full = false;
  #limited = false;
  #inputEnded = false;
  // slow-close: nothing leaves before this, once the client's FIN came.
  #closeAt = 0;
  // slice's gap: the next write not before this.
  #nextWrite = 0;
  // The limit's reset, close or stall has been done.
  #acted = false;
  #serverEnded = false;
  #finished = false;
  #stopped = false;
  readonly #seen = new Set<FaultKind>();

  constructor(plan: FaultPlan, transport: EchoTransport) {
    this.plan = plan;
    this.#t = transport;
  }

  /** Bytes handed to the kernel so far. */
  get echoed(): number {
    return this.#echoed;
  }

  /** Stalled on purpose (`stall-after` acted): it reads and writes nothing more, ever. */
  get stalled(): boolean {
    return this.#acted && this.plan.limit?.action === "stall";
  }

  /** Bytes taken for echo and not yet handed to the kernel. */
  get held(): number {
    return this.#held;
  }

  #faulted(effect: Omit<FaultEffect, "spec">): void {
    const first = !this.#seen.has(effect.kind);
    if (first) this.#seen.add(effect.kind);
    const spec = this.plan.specs.find((s) => s.kind === effect.kind)?.text ?? effect.kind;
    this.#t.faulted({ ...effect, spec }, first);
  }

  /** Starts the connection: `hold` keeps it unread for a while; a limit of 0 bytes acts at once. */
  start(): void {
    const { holdMs, limit } = this.plan;
    if (holdMs > 0) {
      this.#holding = true;
      this.#t.pauseInput();
      this.#faulted({ kind: "hold", ms: holdMs });
      this.#wait(holdMs, () => {
        this.#holding = false;
        this.#readIfAllowed();
        this.#pump();
      });
    }
    if (limit !== null && limit.bytes === 0) this.#limitReached();
  }

  /** The client sent `chunk` (this engine may keep it: the caller must not reuse it). */
  push(chunk: Buffer): void {
    if (this.#limited || this.#stopped) return; // past the limit: never echoed
    const { limit, corrupt, delay, slice } = this.plan;
    if (limit !== null) {
      chunk = chunk.subarray(0, limit.take(chunk.length));
      // The limit acts once the bytes it let through are echoed: queue them first.
      if (limit.reached) this.#limited = true;
      if (chunk.length === 0) {
        this.#limitReached();
        return;
      }
    }
    if (corrupt !== null) {
      const offset = corrupt.flip(chunk);
      if (offset >= 0) this.#faulted({ kind: "corrupt", bytes: chunk.length, offset });
    }
    const now = performance.now();
    const at = delay === null ? 0 : delay.due(now);
    if (delay !== null) this.#faulted({ kind: "delay", bytes: chunk.length, ms: Math.round(at - now) });
    const pieces = slice === null ? [chunk] : slice.cut(chunk);
    if (pieces.length > 1) this.#faulted({ kind: "slice", bytes: chunk.length, pieces: pieces.length });
    for (const bytes of pieces) this.#queue.push({ bytes, at });
    this.#held += chunk.length;
    if (this.#held >= HIGH_WATER && !this.#full) {
      this.#full = true;
      this.#t.pauseInput();
    }
    if (this.#limited) this.#limitReached();
    else this.#pump();
  }

  /** The client's FIN: the rest goes out (after `slow-close`), then ours. */
  clientEnded(): void {
    if (this.#inputEnded) return;
    this.#inputEnded = true;
    const ms = this.plan.slowCloseMs;
    if (ms > 0 && !this.#limited) {
      this.#closeAt = performance.now() + ms;
      this.#faulted({ kind: "slow-close", ms });
    }
    this.#pump();
  }

  /**
   * The server ends the connection (drain deadline, idle timeout): no more
   * reading, the rest goes out as its faults allow, then our FIN; a stalled
   * connection is closed now.
   */
  serverEnded(): void {
    this.#inputEnded = true;
    this.#serverEnded = true;
    this.#closeAt = 0;
    if (this.#holding) {
      this.#holding = false;
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#t.pauseInput();
    if (this.#acted && this.plan.limit?.action === "stall") this.#close();
    else this.#pump();
  }

  /** The connection is gone: no more timers. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #limitReached(): void {
    this.#limited = true;
    // A reset or a stall reads no more; a closing connection reads on (and drops) until the client's FIN.
    if (this.plan.limit?.action !== "close") this.#t.pauseInput();
    this.#pump();
  }

  #readIfAllowed(): void {
    if (this.#stopped || this.#serverEnded || this.#holding) return;
    const closing = this.#limited && this.plan.limit?.action === "close";
    if (closing || (!this.#full && !this.#limited)) this.#t.resumeInput();
  }

  #wait(ms: number, then: () => void): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        then();
      },
      Math.max(1, Math.ceil(ms)),
    );
  }

  /** Writes the next piece when everything in front of it allows. */
  #pump(): void {
    if (this.#writing || this.#timer !== undefined || this.#stopped || this.#finished) return;
    if (this.#holding) return;
    const piece = this.#queue[0];
    if (piece === undefined) {
      this.#drained();
      return;
    }
    const now = performance.now();
    const closeWait = this.#inputEnded ? this.#closeAt - now : 0;
    const wait = Math.max(piece.at - now, this.#nextWrite - now, closeWait);
    if (wait > 0) {
      this.#wait(wait, () => this.#pump());
      return;
    }
    const bw = this.plan.bandwidth;
    let bytes = piece.bytes;
    if (bw !== null) {
      if (bytes.length > bw.burst) bytes = bytes.subarray(0, bw.burst);
      const paced = bw.wait(bytes.length, now);
      if (paced > 0) {
        this.#faulted({ kind: "bandwidth", bytes: bytes.length, ms: Math.ceil(paced) });
        this.#wait(paced, () => this.#pump());
        return;
      }
    }
    if (bytes.length === piece.bytes.length) this.#queue.shift();
    else piece.bytes = piece.bytes.subarray(bytes.length);
    this.#write(bytes);
  }

  #write(bytes: Buffer): void {
    this.#writing = true;
    const queued = this.#t.write(bytes, () => this.#written(bytes.length));
    this.#t.wrote(bytes.length - queued, queued);
  }

  #written(n: number): void {
    this.#writing = false;
    this.#held -= n;
    this.#echoed += n;
    const gap = this.plan.slice?.gapMs ?? 0;
    if (gap > 0) this.#nextWrite = performance.now() + gap;
    if (this.#full && this.#held <= LOW_WATER) {
      this.#full = false;
      this.#readIfAllowed();
    }
    this.#pump();
  }

  /** Nothing left to write: act on a limit reached, or end after the client's FIN. */
  #drained(): void {
    const limit = this.plan.limit;
    if (this.#limited && limit !== null) {
      if (this.#acted) return;
      this.#acted = true;
      const kind =
        limit.action === "reset" ? "reset-after" : limit.action === "close" ? "close-after" : "stall-after";
      this.#faulted({ kind, bytes: this.#echoed });
      if (limit.action === "reset") {
        this.#finished = true;
        this.#t.reset();
      } else if (limit.action === "close") {
        this.#finish(true);
      }
      // A stall does nothing more: the connection waits for its client, its idle timeout or the server's end.
      else if (this.#serverEnded) this.#close();
      return;
    }
    if (!this.#inputEnded) return;
    const wait = this.#closeAt - performance.now();
    if (wait > 0) this.#wait(wait, () => this.#pump());
    else this.#finish();
  }

  // A stalled connection reads nothing, not even its client's FIN: a polite close would wait for
  // that forever, so the server's end (idle timeout, shutdown) closes it outright.
  #close(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#t.close();
  }

  #finish(byFault = false): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#t.finish(byFault);
  }
}
