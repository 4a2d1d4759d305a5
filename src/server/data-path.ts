/**
 * The contract between the echo server and its data paths (handle-path.ts,
 * stream-path.ts): what a path tells its {@link PathOwner}, the
 * {@link Preamble} a connection may have to send before its echo, the
 * {@link DataTap} for logs. (The socket steps observers see are
 * diagnostics.ts's.) A leaf: the paths and the server
 * import it, it imports no path. (echo-path.ts chooses the path.)
 *
 * The tap sits in a slot whose `fn` is null when nobody looks, and a step is
 * published only when the channel has subscribers, so the hot path pays one
 * check per step.
 *
 * @module
 */

import type { EchoError } from "../net/echo-error.js";
import type { Connection } from "./connection.js";
import type { FaultEffect } from "./faults/faulted-echo.js";
import { END, publishStep, steps } from "./diagnostics.js";
import type { FaultBook } from "./faults/plan.js";

/**
 * A place to look at received bytes, for logs. `fn` is null when nobody
 * looks, so the hot path pays one comparison. The chunk is only valid during
 * the call: copy it to keep it.
 */
export interface DataTap {
  fn: ((conn: Connection, chunk: Buffer) => void) | null;
}

/** What a {@link Preamble} made of the bytes it was given. */
export type PreambleResult =
  | { state: "more" }
  /** Echo from here: `rest` (maybe empty) is the client's first payload, to be echoed first. */
  | { state: "done"; rest: Buffer }
  | { state: "failed"; error: EchoError };

/**
 * Something a connection must send before its echo starts (a PROXY protocol
 * header). The path feeds it the first bytes through {@link passPreamble};
 * each chunk is only valid during the call. Once done, the connection's
 * client address is the one the preamble said, and the owner is asked to
 * admit it.
 */
export interface Preamble {
  push(chunk: Buffer): PreambleResult;
  /** The peer closed before the preamble was done: null when that is no error (nothing was sent). */
  endedEarly(): EchoError | null;
}

/** Where the paths find the faults configured now: `book` is null when there are none. */
export interface FaultSlot {
  book: FaultBook | null;
}

/** What a data path tells the server. */
export interface PathOwner {
  readonly tap: DataTap;
  /** The `EchoServer`, named in every published step. */
  readonly server: object;
  readonly faults: FaultSlot;
  /** Connections send a PROXY header first: their client, and so their faults, are known only after it. */
  readonly proxied: boolean;
  /** A fault acted on a connection (each time; `first`: the first time this kind did, on this connection). */
  faulted(conn: Connection, effect: FaultEffect, first: boolean): void;
  /** TCP keepalive for accepted connections: idle ms before the first probe, 0 for off. */
  readonly keepAliveMs: number;
  /**
   * Called first for every accepted connection, with its descriptor where the
   * path knows it: lets the server notice the descriptor table filling up.
   */
  accepted(fd: number | undefined): void;
  /**
   * What a new connection must send first, or null to admit it at once.
   * Called before {@link opened}; a connection with a preamble is only
   * opened (or refused) once the preamble is done.
   */
  preamble(conn: Connection): Preamble | null;
  /** The preamble failed or the peer left in its middle; the connection is being closed. */
  preambleFailed(conn: Connection, error: EchoError): void;
  /** The id of the next connection. */
  nextId(): number;
  /**
   * A connection was accepted and its client's address is known. Returns
   * true to serve it (echoing starts when this returns), false to refuse it:
   * the path then destroys it at once without reading.
   */
  opened(conn: Connection): boolean;
  /** A connection failed; it is being closed. */
  failed(conn: Connection, err: NodeJS.ErrnoException): void;
  /**
   * A connection is closed and its descriptor released: every connection the
   * path made, refused and pending ones too (the owner ignores those it did not open).
   */
  closed(conn: Connection): void;
  /** accept() failed (e.g. out of descriptors); the listener goes on. */
  acceptFailed(err: NodeJS.ErrnoException): void;
}

/** Which data path a server uses. */
export type DataPathName = "handles" | "streams";

/** A connection as the gates below need it: either path's. */
export interface PathConnection extends Connection {
  preamble: Preamble | null;
  readonly owner: PathOwner;
}

/**
 * The one gate before the echo, for both paths: feeds `chunk` to the
 * connection's preamble. Returns what to echo now (maybe empty), or null
 * when nothing is: the preamble wants more, or it failed or the owner
 * refused the client, and then the connection is destroyed here.
 */
export function passPreamble(conn: PathConnection, preamble: Preamble, chunk: Buffer): Buffer | null {
  const r = preamble.push(chunk);
  if (r.state === "more") return null;
  if (r.state === "failed") {
    conn.owner.preambleFailed(conn, r.error);
    conn.destroy();
    return null;
  }
  conn.preamble = null;
  if (!conn.owner.opened(conn)) {
    conn.destroy();
    return null;
  }
  return r.rest;
}

/**
 * The client's FIN, on either path: the end of its input. Before its
 * preamble was done, the connection is destroyed (reported when that is an
 * error); otherwise it ends politely: what is queued goes out, then our FIN.
 */
export function inputEnded(conn: PathConnection): void {
  if (steps.hasSubscribers) publishStep(conn.owner.server, conn, END);
  const preamble = conn.preamble;
  if (preamble !== null) {
    const error = preamble.endedEarly();
    if (error !== null) conn.owner.preambleFailed(conn, error);
    conn.destroy();
    return;
  }
  conn.setReason("end");
  conn.end();
}
