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
 * - stream-path.ts: public net.Socket streams, the fallback.
 *
 * A server's `dataPath` option chooses ("auto", the default: handles where
 * supported). `TCPECHO_DATA_PATH=streams` is for tests: it turns the Node
 * internals off for the whole process, so that "auto" means streams (and
 * "handles" is refused), and the suite runs again on the public path.
 *
 * @module
 */

import type { Server } from "node:net";
import { EchoError } from "../net/echo-error.js";
import type { DataPathName, PathOwner } from "./data-path.js";
import { attachHandlePath, handlePathSupported } from "./handle-path.js";
import { attachStreamPath } from "./stream-path.js";

/** What a server is asked to use: a {@link DataPathName}, or "auto" for handles where supported. */
export type DataPathChoice = "auto" | DataPathName;

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
 * The `dataPath` option checked: a {@link DataPathChoice}, and "handles" only
 * where this server can have it (not over TLS, not where {@link echoDataPath}
 * is "streams"). Throws an `ERR_INVALID_OPTION` {@link EchoError} otherwise.
 */
export function checkDataPath(value: unknown, secure: boolean): DataPathChoice {
  if (value === undefined) return "auto";
  if (value !== "auto" && value !== "handles" && value !== "streams")
    throw new EchoError("ERR_INVALID_OPTION", { value: String(value), reason: { kind: "data-path" } });
  if (value !== "handles") return value;
  // TLS needs Node's TLSSocket streams; elsewhere the internals may be missing, or turned off.
  if (secure) throw new EchoError("ERR_INVALID_OPTION", { value, reason: { kind: "data-path-with-tls" } });
  if (!handlePathSupported()) throw handlesUnavailable();
  return value;
}

function handlesUnavailable(): EchoError {
  return new EchoError("ERR_INVALID_OPTION", {
    value: "handles",
    reason: { kind: "data-path-unavailable" },
  });
}

/**
 * Takes over the connections of a listening server (call it from the
 * listening callback, before any connection is accepted) on the path
 * `choice` asks for. Throws the `ERR_INVALID_OPTION` {@link EchoError} of
 * {@link checkDataPath} when "handles" was asked and this listener's handle
 * is not as expected (then nothing is attached).
 */
export function attachEchoPath(
  server: Server,
  owner: PathOwner,
  secure: boolean,
  choice: DataPathChoice,
): DataPathName {
  // TLS needs Node's TLSSocket streams: its own cost dwarfs what the handle path saves.
  if (secure) {
    attachStreamPath(server, owner, "secureConnection");
    return "streams";
  }
  if (choice !== "streams" && handlePathSupported() && attachHandlePath(server, owner)) return "handles";
  if (choice === "handles") throw handlesUnavailable();
  attachStreamPath(server, owner, "connection");
  return "streams";
}
