/**
 * Reading accepted sockets into a caller's buffer, and writing to them
 * without the stream layer: the one place tcpecho touches Node internals. Node's public `onread` option (one reused read
 * buffer instead of a new one per read) exists only for sockets we connect;
 * a server's accepted sockets carry the same machinery, unset. This module
 * finds its three symbol-keyed slots on a probe socket made with the public
 * option, and sets them on accepted sockets. If anything is not where
 * expected, {@link userBufferSupported} is false and the server uses the
 * public stream path instead (also forced by TCPECHO_DATA_PATH=streams).
 *
 * {@link writeDirect} hands a chunk to the socket's handle as Node's own
 * stream code does (a WriteWrap from the stream_wrap binding), skipping the
 * Writable state machine and its tick per write. Where the binding is not as
 * expected it is unavailable and socket.write() is used.
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

interface WriteReq {
  handle: unknown;
  oncomplete: (this: WriteReq, status: number) => void;
  async: boolean;
  buffer: Buffer | null;
  socket: Socket | null;
}

interface DirectWriting {
  WriteWrap: new () => WriteReq;
  state: Int32Array;
  lastWriteWasAsync: number;
}

let direct: DirectWriting | null | undefined;

function discoverDirect(): DirectWriting | null {
  if (!userBufferSupported()) return null;
  try {
    const binding = (process as unknown as { binding(name: string): Record<string, unknown> }).binding(
      "stream_wrap",
    );
    const { WriteWrap, streamBaseState, kLastWriteWasAsync } = binding;
    if (
      typeof WriteWrap !== "function" ||
      !(streamBaseState instanceof Int32Array) ||
      typeof kLastWriteWasAsync !== "number"
    ) {
      return null;
    }
    return {
      WriteWrap: WriteWrap as DirectWriting["WriteWrap"],
      state: streamBaseState,
      lastWriteWasAsync: kLastWriteWasAsync,
    };
  } catch {
    return null;
  }
}

/**
 * True when {@link writeDirect} can be used on this Node.
 *
 * @example
 * ```ts
 * import { directWriteSupported } from "tcpecho";
 * console.log(directWriteSupported());
 * ```
 */
export function directWriteSupported(): boolean {
  if (direct === undefined) direct = discoverDirect();
  return direct !== null;
}

/** The outcome of {@link writeDirect}. */
export const WRITTEN = 0;
export const PENDING = 1;

/**
 * Writes `chunk` through the socket's handle. Returns WRITTEN when the kernel
 * took it all, PENDING when the rest goes out later (then `done(status)` runs,
 * `this` being the request, whose `socket` is set; `chunk` is referenced until
 * then), or a negative errno. Only for sockets with nothing queued in their
 * Writable (writableLength 0), or bytes would be reordered.
 */
export function writeDirect(
  socket: Socket,
  chunk: Buffer,
  done: (this: WriteReq, status: number) => void,
): number {
  const d = direct;
  const handle = handleOf(socket) as
    { writeBuffer?: (req: WriteReq, data: Buffer) => number } | null | undefined;
  if (d == null || handle == null || typeof handle.writeBuffer !== "function") return -1;
  const req = new d.WriteWrap();
  req.handle = handle;
  req.oncomplete = done;
  req.async = false;
  req.buffer = null;
  req.socket = null;
  const err = handle.writeBuffer(req, chunk);
  if (err !== 0) return err;
  if (d.state[d.lastWriteWasAsync] === 0) return WRITTEN;
  req.async = true;
  req.buffer = chunk;
  req.socket = socket;
  return PENDING;
}
