/**
 * Chooses the data path: the notes' `recv` / `send` loop. The server owns
 * connections' lifecycle, statistics and shutdown; a data path accepts
 * connections from a listening net.Server, echoes their bytes, and tells its
 * owner what happened, by the contract in data-path.ts. TLS, PROXY protocol
 * and limits plug in there rather than copy a path.
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
import type { DataPathName, PathOwner } from "./data-path.js";
import { attachHandlePath, handlePathSupported } from "./handle-path.js";
import { attachStreamPath } from "./stream-path.js";

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
