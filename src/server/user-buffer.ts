/**
 * Reading accepted sockets into a caller's buffer: the one place tcpecho
 * touches Node internals. Node's public `onread` option (one reused read
 * buffer instead of a new one per read) exists only for sockets we connect;
 * a server's accepted sockets carry the same machinery, unset. This module
 * finds its three symbol-keyed slots on a probe socket made with the public
 * option, and sets them on accepted sockets. If anything is not where
 * expected, {@link userBufferSupported} is false and the server uses the
 * public stream path instead (also forced by TCPECHO_DATA_PATH=streams).
 *
 * @module
 */

import { Socket } from "node:net";

interface Slots {
  buffer: symbol;
  callback: symbol;
  generator: symbol;
}

type Handle = { useUserBuffer?: (buf: Uint8Array) => void } | null | undefined;

/** The bytes callback: return false to stop reading (backpressure). */
export type OnBytes = (nread: number, buffer: Buffer) => boolean;

let slots: Slots | null | undefined;

function discover(): Slots | null {
  if (process.env.TCPECHO_DATA_PATH === "streams") return null;
  try {
    const options = { onread: { buffer: Buffer.alloc(1), callback: () => true } };
    const probe = new Socket(options as ConstructorParameters<typeof Socket>[0]);
    const owned = Object.getOwnPropertySymbols(probe);
    const find = (name: string) => owned.find((s) => s.description === name);
    const buffer = find("kBuffer");
    const callback = find("kBufferCb");
    const generator = find("kBufferGen");
    const ok =
      buffer !== undefined &&
      callback !== undefined &&
      generator !== undefined &&
      Buffer.isBuffer((probe as unknown as Record<symbol, unknown>)[buffer]) &&
      typeof (probe as unknown as Record<symbol, unknown>)[callback] === "function" &&
      typeof Socket.prototype.pause === "function";
    probe.destroy();
    return ok ? { buffer, callback, generator } : null;
  } catch {
    return null;
  }
}

/**
 * True when accepted sockets can read into a caller's buffer on this Node.
 *
 * @example
 * ```ts
 * import { userBufferSupported } from "tcpecho";
 * console.log(userBufferSupported() ? "onread fast path" : "stream path");
 * ```
 */
export function userBufferSupported(): boolean {
  if (slots === undefined) slots = discover();
  return slots !== null;
}

function handleOf(socket: Socket): Handle {
  return (socket as unknown as { _handle: Handle })._handle;
}

/**
 * Makes `socket` deliver its bytes to `onBytes`, read into `buffer`, instead
 * of emitting 'data'. Returns false (and changes nothing) where unsupported.
 * 'end', 'error', pause() and resume() keep working.
 */
export function readIntoBuffer(socket: Socket, buffer: Buffer, onBytes: OnBytes): boolean {
  if (!userBufferSupported() || slots == null) return false;
  const handle = handleOf(socket);
  if (handle == null || typeof handle.useUserBuffer !== "function") return false;
  const s = socket as unknown as Record<symbol, unknown>;
  s[slots.buffer] = buffer;
  s[slots.callback] = onBytes;
  s[slots.generator] = null;
  handle.useUserBuffer(buffer);
  return true;
}

/** Points a socket set up by {@link readIntoBuffer} at another buffer for its next reads. */
export function switchBuffer(socket: Socket, buffer: Buffer): void {
  const handle = handleOf(socket);
  if (slots == null || handle == null || typeof handle.useUserBuffer !== "function") return;
  (socket as unknown as Record<symbol, unknown>)[slots.buffer] = buffer;
  handle.useUserBuffer(buffer);
}
