/**
 * The fast data path. The Node internals it uses (the TCP handles, the
 * stream and fs bindings) are found and checked in `net/node-internals.ts`.
 *
 * Accepted connections never become net.Socket streams: each stays the bare
 * libuv TCP handle Node's own net module wraps (`tcp_wrap`), reading into one
 * buffer shared by every connection of the server (`useUserBuffer`), with
 * the read's length in `streamBaseState`, and echoing with one write(2) on
 * the descriptor (the fs binding's synchronous `writeBuffer`, what
 * `fs.writeSync` calls, without its argument checks and per-call error
 * object; it never queues). A read costs no allocation and an idle
 * connection is little more than its handle.
 *
 * Idle memory: connections are long-lived objects, and V8 answers many
 * survivors by growing its young generation for good; as this path
 * allocates nothing per read, `tcpecho serve` keeps the young generation at
 * its starting size when this path is in use (a process-wide V8 flag, so
 * the command sets it, not the library; see docs/performance.md).
 *
 * What the kernel does not take at once is copied out of the shared buffer
 * and queued on the handle (a `WriteWrap`), and the connection reads no more
 * until that is sent: a client that never reads holds at most one read's
 * worth of memory, as in the C reference server. The shared buffer is never
 * held by a pending write, so it can be reused by the next read, whoever
 * makes it. After the client's FIN, a `ShutdownWrap` sends ours once the
 * queue is empty; then the handle is closed.
 *
 * {@link handlePathSupported} says whether everything is where expected; if
 * not (or with `TCPECHO_DATA_PATH=streams`) servers use the public
 * stream-path.ts. The whole test suite runs on both.
 *
 * @module
 */

import type { Server } from "node:net";
import { performance } from "node:perf_hooks";
import {
  errnoError,
  listenHandle,
  socketFromHandle,
  streamInternals,
  type HandleRequest,
  type StreamInternals,
  type TcpHandle,
} from "../net/node-internals.js";
import { keepAliveSeconds } from "../net/options.js";
import { Connection } from "./connection.js";
import { ACCEPTED, CLOSED, publishStep, SHUTDOWN, steps } from "./diagnostics.js";
import { inputEnded, passPreamble, type PathOwner, type Preamble } from "./data-path.js";
import { serveSocket } from "./stream-path.js";

// The size of one read: as in the C reference server.
const READ_BUFFER_SIZE = 64 * 1024;

const CONNECTION = Symbol("tcpecho.connection");

// The accepted handles carry their connection.
interface ConnectionHandle extends TcpHandle {
  [CONNECTION]: HandleConnection;
}

// Set by handlePathSupported(), which every way in checks first.
let internals = null as unknown as StreamInternals;

/**
 * True when servers on this Node can use the handle path (and
 * `TCPECHO_DATA_PATH` is not `streams`).
 */
export function handlePathSupported(): boolean {
  const found = streamInternals();
  if (found !== null) internals = found;
  return found !== null;
}

// Where the fs binding would note an error; the result already carries it, so one object serves every write.
const writeContext = {};

/** A connection carried by a bare TCP handle. */
class HandleConnection extends Connection {
  readonly handle: ConnectionHandle;
  readonly owner: PathOwner;
  readonly readBuffer: Buffer;
  readonly fd: number;
  /** The size of the queued write under way, 0 when none is (then the connection reads). */
  queuedBytes = 0;
  /** What was still queued when the connection was destroyed: dropped, never sent. */
  dropped = 0;
  /** No more reading: end() was called (the client's FIN, the drain deadline, the idle timeout). */
  ending = false;
  destroyed = false;
  /** What must come before the echo (a PROXY header), until it has. */
  preamble: Preamble | null = null;

  constructor(
    id: number,
    handle: ConnectionHandle,
    owner: PathOwner,
    readBuffer: Buffer,
    address: string,
    port: number,
  ) {
    super(id, address, port, performance.now());
    this.handle = handle;
    this.owner = owner;
    this.readBuffer = readBuffer;
    this.fd = handle.fd;
  }

  get bytesOut(): number {
    if (this.destroyed) return this.bytesIn - this.dropped;
    return this.bytesIn - (this.queuedBytes !== 0 ? this.handle.writeQueueSize : 0);
  }

  /** The recv/send step: `nread` bytes are at the start of the shared buffer. */
  echo(nread: number): void {
    this.echoFrom(this.readBuffer, nread);
  }

  /** Echoes the first `nread` bytes of `buffer`. */
  echoFrom(buffer: Buffer, nread: number): void {
    this.bytesIn += nread;
    const look = this.owner.tap.fn;
    if (look !== null) look(this, buffer.subarray(0, nread));
    let written = internals.write(this.fd, buffer, 0, nread, null, undefined, writeContext);
    if (written < 0) {
      if (written !== internals.eagain) {
        this.destroy(errnoError(written, "write"));
        return;
      }
      written = 0;
    }
    if (written < nread) this.queue(buffer.subarray(written, nread));
    if (steps.hasSubscribers && !this.destroyed) {
      const step = { kind: "written", bytes: nread - this.queuedBytes, queued: this.queuedBytes } as const;
      publishStep(this.owner.server, this, step);
    }
  }

  /** Sends the rest later, from a copy, and reads no more until it is sent (backpressure). */
  queue(rest: Buffer): void {
    const { WriteWrap, state, lastWriteWasAsync } = internals;
    const copy = Buffer.from(rest);
    const req = new WriteWrap();
    req.handle = this.handle;
    req.oncomplete = onQueuedWritten;
    req.async = false;
    req.buffer = copy; // keeps the bytes alive until the kernel has them
    const err = this.handle.writeBuffer(req, copy);
    if (err !== 0) {
      this.destroy(errnoError(err, "write"));
      return;
    }
    if (state[lastWriteWasAsync] === 0) return;
    req.async = true;
    this.queuedBytes = copy.length;
    this.handle.readStop();
  }

  /** Reads no more; sends our FIN once the queue is sent (a `ShutdownWrap`), then closes. */
  end(): void {
    if (this.ending || this.destroyed) return;
    this.ending = true;
    this.handle.readStop();
    const req = new internals.ShutdownWrap();
    req.handle = this.handle;
    req.oncomplete = onShutdown;
    const err = this.handle.shutdown(req);
    if (err !== 0) this.destroy(); // 1: done at once; otherwise not connected any more
  }

  destroy(err?: NodeJS.ErrnoException): void {
    if (this.destroyed) return;
    if (err !== undefined) {
      this.owner.failed(this, err);
      if (steps.hasSubscribers) publishStep(this.owner.server, this, { kind: "failed", error: err });
    }
    if (this.queuedBytes !== 0) this.dropped = this.handle.writeQueueSize;
    this.destroyed = true;
    this.handle.close(onClosed);
  }
}

// Callbacks shared by every connection (`this` is the handle or the request).
function onRead(this: TcpHandle): void {
  const { state, readResult, eof } = internals;
  const nread = state[readResult] as number;
  const conn = (this as ConnectionHandle)[CONNECTION];
  if (nread > 0) {
    if (steps.hasSubscribers) publishStep(conn.owner.server, conn, { kind: "read", bytes: nread });
    if (conn.preamble === null) {
      conn.echo(nread);
      return;
    }
    const rest = passPreamble(conn, conn.preamble, conn.readBuffer.subarray(0, nread));
    if (rest !== null && rest.length > 0) conn.echoFrom(rest, rest.length);
  } else if (nread === eof) {
    inputEnded(conn);
  } else if (nread < 0) {
    conn.destroy(errnoError(nread, "read"));
  }
}

function onQueuedWritten(this: HandleRequest, status: number): void {
  const conn = (this.handle as ConnectionHandle)[CONNECTION];
  if (status < 0) {
    conn.destroy(errnoError(status, "write")); // nothing if we destroyed it: the queue was dropped
    return;
  }
  conn.queuedBytes = 0;
  if (!conn.destroyed && !conn.ending) conn.handle.readStart();
}

function onShutdown(this: HandleRequest, status: number): void {
  const conn = (this.handle as ConnectionHandle)[CONNECTION];
  if (steps.hasSubscribers && status >= 0) publishStep(conn.owner.server, conn, SHUTDOWN);
  conn.destroy();
}

function onClosed(this: TcpHandle): void {
  const conn = (this as ConnectionHandle)[CONNECTION];
  conn.owner.closed(conn);
  if (steps.hasSubscribers) publishStep(conn.owner.server, conn, CLOSED);
}

/**
 * A connection with faults is served by the stream path, where its echo
 * can wait, be cut and be paced (with PROXY, every connection: its client
 * and so its faults are known only after the header). True if handed over.
 */
function toStreams(handle: TcpHandle, owner: PathOwner, address: string): boolean {
  const plan = owner.proxied ? undefined : (owner.faults.book?.choose(address) ?? null);
  if (plan === null) return false;
  serveSocket(socketFromHandle(handle, (plan?.holdMs ?? 0) > 0), owner, false, plan);
  return true;
}

/**
 * Takes over the accepted connections of a listening server: they are handed
 * to the handle path instead of becoming net.Sockets. Returns false (and
 * changes nothing) when the server's listening handle is not as expected.
 */
export function attachHandlePath(server: Server, owner: PathOwner): boolean {
  if (!handlePathSupported()) return false;
  const listener = listenHandle(server);
  if (listener === null) return false;
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_SIZE);
  listener.onconnection = function (status, handle) {
    if (status !== 0 || handle === undefined) {
      owner.acceptFailed(errnoError(status, "accept"));
      return;
    }
    owner.accepted(handle.fd);
    const peer: { address?: string; port?: number } = {};
    if (handle.getpeername(peer) !== 0 || peer.address === undefined || peer.port === undefined) {
      handle.close(() => {}); // reset before we got to it: nothing to serve
      return;
    }
    handle.setNoDelay(true);
    // A peer that vanishes without FIN or RST is found by the kernel's probes (Linux: ten, a second apart).
    if (owner.keepAliveMs > 0) handle.setKeepAlive(true, keepAliveSeconds(owner.keepAliveMs));
    if (owner.faults.book !== null && toStreams(handle, owner, peer.address)) return;
    const held = handle as ConnectionHandle;
    const conn = new HandleConnection(owner.nextId(), held, owner, readBuffer, peer.address, peer.port);
    held[CONNECTION] = conn;
    handle.onread = onRead;
    if (steps.hasSubscribers) publishStep(owner.server, conn, ACCEPTED);
    const preamble = owner.preamble(conn);
    if (preamble !== null) {
      conn.preamble = preamble;
    } else if (!owner.opened(conn)) {
      conn.destroy();
      return;
    }
    handle.useUserBuffer(readBuffer);
    const err = handle.readStart();
    if (err !== 0) conn.destroy(errnoError(err, "read"));
  };
  return true;
}
