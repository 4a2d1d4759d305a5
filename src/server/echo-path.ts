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
 * @module
 */

import type { Connection } from "./connection.js";

/**
 * A place to look at received bytes, for logs. `fn` is null when nobody
 * looks, so the hot path pays one comparison. The chunk is only valid during
 * the call: copy it to keep it.
 */
export interface DataTap {
  fn: ((conn: Connection, chunk: Buffer) => void) | null;
}

/** Starts echoing on a freshly accepted connection. */
export function startEcho(conn: Connection, tap: DataTap): void {
  const socket = conn.socket;
  socket.on("data", (chunk: Buffer) => {
    conn.bytesIn += chunk.length;
    const look = tap.fn;
    if (look !== null) look(conn, chunk);
    if (!socket.write(chunk)) socket.pause();
  });
  socket.on("drain", () => socket.resume());
  socket.on("end", () => {
    conn.endWith("end");
    socket.end();
  });
}

/**
 * Stops reading and closes our side once what was already received has been
 * sent (the drain deadline of a graceful shutdown).
 */
export function finishEcho(conn: Connection): void {
  const socket = conn.socket;
  socket.removeAllListeners("data");
  socket.pause();
  socket.end();
}
