/**
 * The data path: the notes' `recv` / `send` loop, and the contract between
 * it and the server. The server owns connections' lifecycle, statistics and
 * shutdown; a data path accepts connections from a listening net.Server,
 * echoes their bytes, and tells its {@link PathOwner} what happened. TLS,
 * PROXY protocol and limits plug in here rather than copy a path.
 *
 * Two paths, one behaviour, both run by the whole test suite:
 * - handle-path.ts (the default where supported): accepted connections stay
 *   bare libuv handles that read into one buffer shared by the server and
 *   write straight back. Uses Node internals, kept in that one module.
 * - stream-path.ts: public net.Socket streams, the fallback, forced with
 *   `TCPECHO_DATA_PATH=streams`.
 *
 * @module
 */

import type { Server } from "node:net";
import type { EchoError } from "../net/echo-error.js";
import type { Connection } from "./connection.js";
import { attachHandlePath, handlePathSupported } from "./handle-path.js";
import { attachStreamPath } from "./stream-path.js";

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
 * header). The path feeds it the first bytes; each chunk is only valid during
 * the call. Once done, the connection's client address is the one the
 * preamble said, and the path asks the owner to admit it.
 */
export interface Preamble {
  push(chunk: Buffer): PreambleResult;
  /** The peer closed before the preamble was done: null when that is no error (nothing was sent). */
  endedEarly(): EchoError | null;
}

/** What a data path tells the server. */
export interface PathOwner {
  readonly tap: DataTap;
  /** TCP keepalive for accepted connections: idle seconds before the first probe, 0 for off. */
  readonly keepAliveSeconds: number;
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
   * the path then closes it at once without reading, and never reports it
   * as closed.
   */
  opened(conn: Connection): boolean;
  /** A connection failed; it is being closed. */
  failed(conn: Connection, err: NodeJS.ErrnoException): void;
  /** A connection is closed and its descriptor released. */
  closed(conn: Connection): void;
  /** accept() failed (e.g. out of descriptors); the listener goes on. */
  acceptFailed(err: NodeJS.ErrnoException): void;
}

/** Which data path a server uses. */
export type DataPathName = "handles" | "streams";

/**
 * The data path servers use on this Node: "handles" where the internals it
 * needs are where expected and `TCPECHO_DATA_PATH` is not `streams`.
 *
 * @example
 * ```ts
 * import { echoDataPath } from "tcpecho";
 * console.log(echoDataPath()); // "handles" or "streams"
 * ```
 */
export function echoDataPath(): DataPathName {
  return handlePathSupported() ? "handles" : "streams";
}

/**
 * Takes over the connections of a listening server (call it from the
 * listening callback, before any connection is accepted).
 */
export function attachEchoPath(server: Server, owner: PathOwner, secure = false): DataPathName {
  // TLS needs Node's TLSSocket streams: its own cost dwarfs what the handle path saves.
  if (secure) {
    attachStreamPath(server, owner, "secureConnection");
    return "streams";
  }
  if (handlePathSupported() && attachHandlePath(server, owner)) return "handles";
  attachStreamPath(server, owner, "connection");
  return "streams";
}
