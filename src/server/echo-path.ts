/**
 * The plain-TCP data path: the notes' `recv` / `send` loop. Everything the
 * server echoes goes through here; TLS, PROXY protocol and limits sit in
 * front of it and never copy it. Kept small and allocation-free per chunk.
 *
 * Backpressure: when the kernel will not take more (write() returns false) the
 * socket stops reading until 'drain', so a client that sends and never reads
 * holds at most one chunk plus the stream's high-water mark in memory.
 * Half-close: after the client's FIN, end() flushes what is queued, then
 * sends ours.
 *
 * Two ways in, one behaviour. Where Node allows it (see user-buffer.ts), every
 * connection reads into one shared buffer and writes it straight back, so a
 * read allocates nothing; otherwise the public 'data' stream path is used.
 * A write that does not complete at once keeps a reference to the shared
 * bytes, so then every connection is moved to a fresh buffer before anyone
 * reads again: nothing is copied on the common path, nothing is overwritten
 * on the rare one.
 *
 * @module
 */

import type { Socket } from "node:net";
import { connectionOf, type Connection } from "./connection.js";
import { getSystemErrorName } from "node:util";
import {
  userBufferSupported,
  directWriteSupported,
  PENDING,
  readIntoBuffer,
  switchBuffer,
  WRITTEN,
  writeDirect,
} from "./user-buffer.js";

/**
 * A place to look at received bytes, for logs. `fn` is null when nobody
 * looks, so the hot path pays one comparison. The chunk is only valid during
 * the call: copy it to keep it.
 */
export interface DataTap {
  fn: ((conn: Connection, chunk: Buffer) => void) | null;
}

const READ_BUFFER_SIZE = 64 * 1024;

/** The read buffer every connection of one server shares, and who reads into it. */
export class SharedReadBuffer {
  buffer: Buffer = Buffer.allocUnsafe(READ_BUFFER_SIZE);
  readonly sockets = new Set<Socket>();

  /** The current buffer is held by a pending write: move every reader to a fresh one. */
  renew(): void {
    this.buffer = Buffer.allocUnsafe(READ_BUFFER_SIZE);
    for (const s of this.sockets) switchBuffer(s, this.buffer);
  }
}

/** What every connection of one server shares on the data path. */
export interface EchoPath {
  tap: DataTap;
  /** Null where the fast path is unavailable: then the public stream path is used. */
  shared: SharedReadBuffer | null;
  /** Write through the handle (fast path only). */
  direct: boolean;
}

/** The data-path state for a new server: the fast path where this Node allows it. */
export function createEchoPath(tap: DataTap): EchoPath {
  const shared = userBufferSupported() ? new SharedReadBuffer() : null;
  return { tap, shared, direct: shared !== null && directWriteSupported() };
}

// Listeners shared by every connection (`this` is the socket): an idle
// connection carries no closures of its own.
function onDrain(this: Socket): void {
  this.resume();
}

function onEnd(this: Socket): void {
  connectionOf(this).endWith("end");
  this.end();
}

function onData(this: Socket, chunk: Buffer): void {
  const conn = connectionOf(this);
  conn.bytesIn += chunk.length;
  const look = conn.path.tap.fn;
  if (look !== null) look(conn, chunk);
  if (!this.write(chunk)) this.pause();
}

/** The fast path's read callback; returning false stops reading until 'drain'. */
function onBytes(this: Socket, nread: number, buf: Buffer): boolean {
  const conn = connectionOf(this);
  if (conn.finishing) return false;
  conn.bytesIn += nread;
  const chunk = buf.subarray(0, nread);
  const path = conn.path;
  const look = path.tap.fn;
  if (look !== null) look(conn, chunk);
  if (path.direct && this.writableLength === 0) {
    const r = writeDirect(this, chunk, onDirectWritten);
    if (r === WRITTEN) return true;
    if (r === PENDING) {
      // The rest goes out later and holds the shared bytes; read no more until then.
      conn.pendingBytes = nread;
      (path.shared as SharedReadBuffer).renew();
      return false;
    }
    this.destroy(errnoError(r));
    return false;
  }
  const ok = this.write(chunk);
  // A write that did not complete at once still holds the shared bytes.
  if (this.writableLength !== 0) (path.shared as SharedReadBuffer).renew();
  return ok;
}

/** A direct write's rest went out (or failed): go back to reading. */
function onDirectWritten(this: { socket: Socket | null }, status: number): void {
  const socket = this.socket;
  if (socket === null) return;
  this.socket = null;
  connectionOf(socket).pendingBytes = 0;
  if (status < 0) {
    if (!socket.destroyed) socket.destroy(errnoError(status));
  } else if (!socket.destroyed && !connectionOf(socket).finishing) socket.resume();
}

function errnoError(errno: number): NodeJS.ErrnoException {
  const code = getSystemErrorName(errno);
  return Object.assign(new Error(`write ${code}`), { code, errno, syscall: "write" });
}

/** Starts echoing on a freshly accepted connection. */
export function startEcho(conn: Connection): void {
  const socket = conn.socket;
  socket.on("drain", onDrain);
  socket.on("end", onEnd);
  const shared = conn.path.shared;
  if (shared !== null && readIntoBuffer(socket, shared.buffer, onBytes)) {
    shared.sockets.add(socket);
    socket.resume(); // flowing, so that the client's FIN is seen as 'end'
    return;
  }
  socket.on("data", onData);
}

/** Forgets a closed connection. */
export function stopEcho(conn: Connection): void {
  conn.path.shared?.sockets.delete(conn.socket);
}

/**
 * Stops reading and closes our side once what was already received has been
 * sent (the drain deadline of a graceful shutdown).
 */
export function finishEcho(conn: Connection): void {
  const socket = conn.socket;
  conn.finishing = true;
  socket.removeAllListeners("data");
  socket.pause();
  socket.end();
}
