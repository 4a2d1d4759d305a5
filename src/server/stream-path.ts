/**
 * The public-API data path: accepted net.Socket streams, echoing each 'data'
 * chunk with write(). The fallback where handle-path.ts is unavailable, and
 * forced with `TCPECHO_DATA_PATH=streams`.
 *
 * Backpressure: when the kernel will not take more (write() returns false)
 * the socket stops reading until 'drain', so a client that sends and never
 * reads holds at most one chunk plus the stream's high-water mark in memory.
 * Half-close: after the client's FIN, end() flushes what is queued, then
 * sends ours.
 *
 * Connections with faults (`serve --fault`) are served here, whichever path
 * accepted them: their echo goes through a {@link FaultedEcho} instead of
 * straight back, one null check per read for the others.
 *
 * @module
 */

import type { Server, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { socketFd, tcpUnderTls } from "../net/node-internals.js";
import { keepAliveSeconds } from "../net/options.js";
import { Connection } from "./connection.js";
import { ACCEPTED, CLOSED, END, publishStep, SHUTDOWN, steps } from "./diagnostics.js";
import { inputEnded, passPreamble, type PathOwner, type Preamble } from "./data-path.js";
import { FaultedEcho, type EchoTransport, type FaultEffect } from "./faults/faulted-echo.js";
import type { FaultPlan } from "./faults/plan.js";

// Where a socket keeps its connection, so shared listeners need no closure per connection.
const CONNECTION = Symbol("tcpecho.connection");

function connectionOf(socket: Socket): StreamConnection {
  return (socket as unknown as Record<symbol, StreamConnection>)[CONNECTION] as StreamConnection;
}

/** A connection carried by a net.Socket. */
class StreamConnection extends Connection {
  readonly socket: Socket;
  readonly owner: PathOwner;
  readonly fd: number | undefined;

  constructor(id: number, socket: Socket, owner: PathOwner, address: string, port: number) {
    super(id, address, port, performance.now());
    this.socket = socket;
    this.owner = owner;
    this.fd = socketFd(socket);
    (socket as unknown as Record<symbol, StreamConnection>)[CONNECTION] = this;
  }

  /** What was still queued when the socket was destroyed: dropped, never sent. */
  dropped = 0;
  /** What must come before the echo (a PROXY header), until it has. */
  preamble: Preamble | null = null;
  /** The echo through this connection's faults; null for a plain echo. */
  faults: FaultedEcho | null = null;

  get bytesOut(): number {
    // The faulted echo counts a write once the kernel took it all.
    if (this.faults !== null) return this.faults.echoed;
    return this.bytesIn - Math.max(this.socket.writableLength, this.dropped);
  }

  /** From now on the echo goes through `plan`'s faults. */
  startFaults(plan: FaultPlan): void {
    this.faults = new FaultedEcho(plan, new SocketTransport(this));
    this.faults.start();
  }

  override draining(): void {
    if (this.faults?.stalled !== true) return;
    this.setReason("shutdown");
    this.end();
  }

  /** Remembers what is queued before the stream forgets it on destroy. */
  noteDropped(): void {
    if (this.dropped === 0) this.dropped = this.socket.writableLength;
  }

  end(): void {
    if (this.faults !== null) {
      this.faults.serverEnded();
      return;
    }
    this.socket.removeListener("data", onData);
    this.socket.pause();
    // As the handle path does: once our FIN is out after the queue, close.
    this.socket.end(() => this.socket.destroy());
  }

  destroy(err?: NodeJS.ErrnoException): void {
    this.noteDropped();
    this.faults?.stop();
    this.socket.destroy(err);
  }
}

/** A faulted connection's socket, as its {@link FaultedEcho} uses it. */
class SocketTransport implements EchoTransport {
  readonly #conn: StreamConnection;

  constructor(conn: StreamConnection) {
    this.#conn = conn;
  }

  write(bytes: Buffer, done: () => void): number {
    const { socket } = this.#conn;
    if (socket.destroyed) return bytes.length;
    socket.write(bytes, (err) => {
      if (!err) done();
    });
    return socket.writableLength;
  }

  pauseInput(): void {
    this.#conn.socket.pause();
  }

  resumeInput(): void {
    this.#conn.socket.resume();
  }

  finish(byFault: boolean): void {
    if (byFault) this.#conn.setReason("fault");
    // The client may still be sending (close-after): read on, and close once it has ended too.
    this.#conn.socket.end();
  }

  reset(): void {
    const { socket } = this.#conn;
    const tcp = tcpUnderTls(socket) ?? socket;
    this.#conn.setReason("fault");
    // resetAndDestroy() closes with SO_LINGER 0: an RST, not a FIN (a TLS socket: its TCP connection).
    if (typeof tcp.resetAndDestroy === "function" && !tcp.destroyed) tcp.resetAndDestroy();
    socket.destroy();
  }

  close(): void {
    this.#conn.socket.destroy();
  }

  wrote(bytes: number, queued: number): void {
    if (steps.hasSubscribers)
      publishStep(this.#conn.owner.server, this.#conn, { kind: "written", bytes, queued });
  }

  faulted(effect: FaultEffect, first: boolean): void {
    this.#conn.owner.faulted(this.#conn, effect, first);
    if (steps.hasSubscribers) publishStep(this.#conn.owner.server, this.#conn, { kind: "fault", effect });
  }
}

// Listeners shared by every connection (`this` is the socket): an idle
// connection carries no closures of its own.
function onData(this: Socket, chunk: Buffer): void {
  const conn = connectionOf(this);
  if (steps.hasSubscribers) publishStep(conn.owner.server, conn, { kind: "read", bytes: chunk.length });
  if (conn.preamble !== null) {
    const rest = passPreamble(conn, conn.preamble, chunk);
    if (rest === null) return;
    // The client is known now: its faults too.
    const book = conn.owner.faults.book;
    const plan = book === null ? null : book.choose(conn.remoteAddress);
    if (plan !== null) conn.startFaults(plan);
    if (rest.length === 0) return;
    chunk = rest;
  }
  conn.bytesIn += chunk.length;
  const look = conn.owner.tap.fn;
  if (look !== null) look(conn, chunk);
  if (conn.faults !== null) {
    conn.faults.push(chunk);
    return;
  }
  if (!steps.hasSubscribers) {
    if (!this.write(chunk)) this.pause();
    return;
  }
  const before = this.writableLength;
  const more = this.write(chunk);
  // What the socket still holds of this chunk; a write the kernel took only part of counts whole.
  const queued = Math.max(0, this.writableLength - before);
  publishStep(conn.owner.server, conn, { kind: "written", bytes: chunk.length - queued, queued });
  if (!more) this.pause();
}

function onDrain(this: Socket): void {
  this.resume();
}

function onEnd(this: Socket): void {
  const conn = connectionOf(this);
  if (conn.faults === null) {
    inputEnded(conn);
    return;
  }
  if (steps.hasSubscribers) publishStep(conn.owner.server, conn, END);
  conn.setReason("end");
  conn.faults.clientEnded();
}

function onFinish(this: Socket): void {
  const conn = connectionOf(this);
  if (steps.hasSubscribers) publishStep(conn.owner.server, conn, SHUTDOWN);
}

function onError(this: Socket, err: NodeJS.ErrnoException): void {
  const conn = connectionOf(this);
  conn.noteDropped();
  conn.owner.failed(conn, err);
  if (steps.hasSubscribers) publishStep(conn.owner.server, conn, { kind: "failed", error: err });
}

function onClose(this: Socket): void {
  const conn = connectionOf(this);
  conn.faults?.stop();
  conn.owner.closed(conn);
  if (steps.hasSubscribers) publishStep(conn.owner.server, conn, CLOSED);
}

/**
 * Echoes the server's connections as net.Socket streams: those of its
 * `event` ("connection", or "secureConnection" for a TLS server).
 */
export function attachStreamPath(
  server: Server,
  owner: PathOwner,
  event: "connection" | "secureConnection",
): void {
  server.on(event, (socket: Socket) => {
    // A TLS server's raw connections were seen (and given keepalive) before their handshake.
    if (event === "connection") owner.accepted(undefined);
    serveSocket(socket, owner, event === "connection", undefined);
  });
}

/**
 * Serves one accepted socket. `fresh`: a plain TCP connection just
 * accepted (a TLS one was set up before its handshake). `plan`: its faults
 * where the caller chose them already (null: none), undefined to choose here.
 */
export function serveSocket(
  socket: Socket,
  owner: PathOwner,
  fresh: boolean,
  plan: FaultPlan | null | undefined,
): void {
  const { remoteAddress, remotePort } = socket;
  if (remoteAddress === undefined || remotePort === undefined) {
    // Reset before we got to it: nothing to serve.
    socket.destroy();
    return;
  }
  socket.setNoDelay(true);
  if (fresh && owner.keepAliveMs > 0) socket.setKeepAlive(true, keepAliveSeconds(owner.keepAliveMs) * 1000);
  const conn = new StreamConnection(owner.nextId(), socket, owner, remoteAddress, remotePort);
  if (steps.hasSubscribers) publishStep(owner.server, conn, ACCEPTED);
  conn.preamble = owner.preamble(conn);
  socket.on("close", onClose);
  if (conn.preamble === null && !owner.opened(conn)) {
    socket.on("error", () => {}); // a reset while we close it is no news
    socket.destroy();
    return;
  }
  socket.on("error", onError);
  socket.on("finish", onFinish);
  socket.on("drain", onDrain);
  socket.on("end", onEnd);
  socket.on("data", onData);
  if (conn.preamble !== null) return;
  const book = owner.faults.book;
  const chosen = plan !== undefined ? plan : book === null ? null : book.choose(conn.remoteAddress);
  if (chosen !== null) conn.startFaults(chosen);
}
