/**
 * The one module that reaches into Node's internals: the bindings under
 * `net` (`tcp_wrap`, `stream_wrap`), the `fs` binding's synchronous write,
 * the handle behind a `net.Socket` or `net.Server` (`_handle`) and the TCP
 * socket under a TLS one (`_parent`). It finds them, checks that each is
 * what this code expects, and hands out typed views of them; when anything
 * is missing or different (another Node, or `TCPECHO_DATA_PATH=streams`),
 * {@link streamInternals} returns null and every user falls back to the
 * public API. The whole test suite runs both ways. Every other module goes
 * through the functions here (test/node-internals.test.ts checks it), so a
 * Node that changes one of them breaks one file.
 *
 * Its users: the server's fast path (`server/handle-path.ts`: bare TCP
 * handles, reads into one shared buffer); the load generator's direct
 * sockets ({@link directSocket}: the same reads and writes for a client
 * connection opened with `net.connect`); a socket's descriptor
 * ({@link socketFd}: for `--trace` and the server's connection info); the
 * TCP connection under a TLS socket ({@link tcpUnderTls}: a reset, a failed
 * handshake's peer and byte count).
 *
 * @module
 */

import { Socket as NetSocket, type Server, type Socket } from "node:net";
import { getSystemErrorMap, getSystemErrorName } from "node:util";

/** A write or shutdown request: `oncomplete` runs when libuv is done with it. */
export interface HandleRequest {
  handle: TcpHandle;
  oncomplete: (this: HandleRequest, status: number) => void;
}

/** A queued write: `buffer` keeps its bytes alive until the kernel has them. */
export interface WriteRequest extends HandleRequest {
  async: boolean;
  buffer: Uint8Array | null;
}

/** The libuv TCP handle Node's `net` wraps (`tcp_wrap`), as far as tcpecho uses it. */
export interface TcpHandle {
  readonly fd: number;
  /** Bytes of queued writes the kernel has not taken yet. */
  readonly writeQueueSize: number;
  onread: ((this: TcpHandle, arrayBuffer?: unknown) => unknown) | null;
  readStart(): number;
  readStop(): number;
  useUserBuffer(buffer: Uint8Array): void;
  setNoDelay(on: boolean): number;
  setKeepAlive(on: boolean, delaySeconds: number): number;
  getpeername(out: { address?: string; port?: number }): number;
  /** Writes what the kernel takes now and queues the rest as `req` (which then must not be reused). */
  writeBuffer(req: WriteRequest, data: Uint8Array): number;
  shutdown(req: HandleRequest): number;
  close(callback: (this: TcpHandle) => void): void;
}

/** A listening handle: `onconnection` gets each accepted client's handle. */
export interface ListenHandle {
  onconnection: (this: ListenHandle, status: number, handle?: TcpHandle) => void;
}

/** What Node's stream bindings provide, checked. */
export interface StreamInternals {
  /** The class of TCP handles (a TLS socket's handle is not one). */
  TCP: abstract new (...args: never[]) => TcpHandle;
  WriteWrap: new () => WriteRequest;
  ShutdownWrap: new () => HandleRequest;
  /** Where a read's length (or negative errno) and a write's "went async" flag are left. */
  state: Int32Array;
  readResult: number;
  lastWriteWasAsync: number;
  /** libuv's end-of-stream and would-block codes. */
  eof: number;
  eagain: number;
  /**
   * The fs binding's synchronous write(2) (what `fs.writeSync` calls, without its
   * checks): bytes written, or a negative errno. It never queues.
   */
  write: (
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: null,
    req: undefined,
    ctx: object,
  ) => number;
}

let internals: StreamInternals | null | undefined;

const STREAM_METHODS = ["readStart", "readStop", "useUserBuffer", "writeBuffer", "shutdown"];
const TCP_METHODS = [...STREAM_METHODS, "getpeername", "setNoDelay", "setKeepAlive", "close"];

function discover(): StreamInternals | null {
  if (process.env.TCPECHO_DATA_PATH === "streams" || process.platform === "win32") return null;
  try {
    const binding = (process as unknown as { binding(name: string): Record<string, unknown> }).binding;
    const stream = binding("stream_wrap");
    const TCP = binding("tcp_wrap").TCP;
    const { WriteWrap, ShutdownWrap, streamBaseState, kReadBytesOrError, kLastWriteWasAsync } = stream;
    const errors = [...getSystemErrorMap()];
    const eof = errors.find(([, [name]]) => name === "EOF")?.[0];
    const eagain = errors.find(([, [name]]) => name === "EAGAIN")?.[0];
    const write = binding("fs").writeBuffer;
    if (
      typeof WriteWrap !== "function" ||
      typeof ShutdownWrap !== "function" ||
      !(streamBaseState instanceof Int32Array) ||
      typeof kReadBytesOrError !== "number" ||
      typeof kLastWriteWasAsync !== "number" ||
      typeof TCP !== "function" ||
      eof === undefined ||
      eagain === undefined ||
      typeof write !== "function"
    ) {
      return null;
    }
    const proto = (TCP as { prototype: Record<string, unknown> }).prototype;
    for (const name of TCP_METHODS) if (typeof proto[name] !== "function") return null;
    if (!("fd" in proto) || !("onread" in proto) || !("writeQueueSize" in proto)) return null;
    return {
      TCP: TCP as StreamInternals["TCP"],
      WriteWrap: WriteWrap as StreamInternals["WriteWrap"],
      ShutdownWrap: ShutdownWrap as StreamInternals["ShutdownWrap"],
      state: streamBaseState,
      readResult: kReadBytesOrError,
      lastWriteWasAsync: kLastWriteWasAsync,
      eof,
      eagain,
      write: write as StreamInternals["write"],
    };
  } catch {
    return null;
  }
}

/**
 * Node's stream bindings, or null when they are not as expected (or
 * `TCPECHO_DATA_PATH` is `streams`): then use the public API.
 *
 * @example
 * ```ts
 * import { streamInternals } from "./node-internals.js";
 * // null under TCPECHO_DATA_PATH=streams: then everything uses the public API
 * console.log(streamInternals() === null ? "public API" : "handles");
 * ```
 */
export function streamInternals(): StreamInternals | null {
  if (internals === undefined) internals = discover();
  return internals;
}

/**
 * An `Error` like Node's own for a libuv error number (negative errno).
 *
 * @example
 * ```ts
 * import { errnoError } from "./node-internals.js";
 * errnoError(-104, "read").code; // "ECONNRESET"
 * ```
 */
export function errnoError(errno: number, syscall: string): NodeJS.ErrnoException {
  const code = getSystemErrorName(errno);
  return Object.assign(new Error(`${syscall} ${code}`), { code, errno, syscall });
}

/**
 * The listening handle of a listening `net.Server`, or null when it is not as
 * expected (or the internals are off).
 *
 * @example
 * ```ts
 * import { createServer } from "node:net";
 * import { listenHandle } from "./node-internals.js";
 * const server = createServer().listen(0, "127.0.0.1", () => {
 *   console.log(listenHandle(server) !== null ? "accepts through the handle" : "public API");
 *   server.close();
 * });
 * ```
 */
export function listenHandle(server: Server): ListenHandle | null {
  if (streamInternals() === null) return null;
  const handle = (server as unknown as { _handle?: ListenHandle | null })._handle;
  return handle != null && typeof handle.onconnection === "function" ? handle : null;
}

/** A connected socket whose reads and writes skip the stream machinery. */
export interface DirectSocket {
  /**
   * Writes `data` now: what the kernel does not take is queued on the handle
   * behind earlier writes, so bytes keep their order. `data` must not change
   * until it is written (the load generator sends views of a fixed pattern).
   * A failed write destroys the socket with the error (its `error` event).
   */
  write(data: Uint8Array): void;
}

const SOCKET = Symbol("tcpecho.directSocket");

interface DirectRequest extends WriteRequest {
  [SOCKET]: Socket;
}

function onDirectWritten(this: HandleRequest, status: number): void {
  const req = this as DirectRequest;
  req.buffer = null;
  if (status < 0) req[SOCKET].destroy(errnoError(status, "write"));
}

// Completed writes leave the request untouched (Node binds it only when a write
// is queued), so one serves every write until one is queued.
let spareRequest: DirectRequest | null = null;

/**
 * Takes over a connected plain-TCP `net.Socket` opened with the `onread`
 * option (`buffer` is its read buffer): each read of `n > 0` bytes calls
 * `onBytes(n)` with the bytes at the start of `buffer`, skipping the
 * stream's read callback; the end of input and errors still reach the
 * socket as events. Returns null (and changes nothing) when the internals
 * are unavailable or the socket is not a bare TCP socket; then use
 * `socket.write` and the `onread` callback.
 *
 * Write only through the returned object afterwards: mixing it with
 * `socket.write` could reorder bytes.
 *
 * @example
 * ```ts
 * // not run: needs a server to connect to
 * import { connect } from "node:net";
 * import { directSocket } from "./node-internals.js";
 * const buffer = Buffer.alloc(65536);
 * const socket = connect({ host: "127.0.0.1", port: 9000, onread: { buffer, callback: () => true } });
 * socket.once("connect", () => {
 *   const direct = directSocket(socket, (n) => console.log(buffer.subarray(0, n)));
 *   direct?.write(Buffer.from("hello"));
 * });
 * ```
 */
export function directSocket(socket: Socket, onBytes: (nread: number) => void): DirectSocket | null {
  const x = streamInternals();
  if (x === null) return null;
  const handle = (socket as unknown as { _handle?: TcpHandle | null })._handle;
  if (!(handle instanceof x.TCP) || typeof handle.onread !== "function") return null;
  const streamRead = handle.onread;
  const { state, readResult, lastWriteWasAsync, WriteWrap } = x;
  handle.onread = function (arrayBuffer) {
    const nread = state[readResult] as number;
    if (nread > 0) onBytes(nread);
    else return streamRead.call(this, arrayBuffer); // end of input, errors: the socket's own events
  };
  return {
    write(data: Uint8Array): void {
      if (socket.destroyed) return;
      const req = spareRequest ?? (new WriteWrap() as DirectRequest);
      spareRequest = req;
      const err = handle.writeBuffer(req, data);
      if (err !== 0) {
        socket.destroy(errnoError(err, "write"));
        return;
      }
      if (state[lastWriteWasAsync] === 0) return;
      // Queued: this request is now libuv's until it completes.
      spareRequest = null;
      req.handle = handle;
      req.oncomplete = onDirectWritten;
      req.async = true;
      req.buffer = data;
      req[SOCKET] = socket;
    },
  };
}

/**
 * A `net.Socket` around an accepted TCP handle that has not been read yet,
 * as `net.Server` makes for each connection: for a connection the fast path
 * hands to the stream path (one with faults). With `paused`, the handle is
 * not read until `socket.resume()`.
 *
 * @example
 * ```ts
 * // not run: needs an accepted handle (see server/handle-path.ts)
 * import { socketFromHandle, type TcpHandle } from "./node-internals.js";
 * declare const handle: TcpHandle;
 * const socket = socketFromHandle(handle, false);
 * socket.on("data", (chunk) => socket.write(chunk));
 * ```
 */
export function socketFromHandle(handle: TcpHandle, paused: boolean): Socket {
  // Node's own options for this (net.Server's onconnection passes them): `handle`, `pauseOnCreate`.
  const options = { handle, allowHalfOpen: true, readable: true, writable: true, pauseOnCreate: paused };
  return new NetSocket(options as unknown as ConstructorParameters<typeof NetSocket>[0]);
}

/**
 * A socket's descriptor, as its handle (`_handle.fd`) knows it, or
 * undefined where the OS gives none (Windows; a socket not connected yet or
 * already closed). For `--trace` and the server's connections' `fd`: Node's public API never says which descriptor a socket is, and the
 * kernel's tables (/proc/self/fd, /proc/net/tcp) name sockets by it.
 *
 * @example
 * ```ts
 * import { Socket } from "node:net";
 * import { socketFd } from "tcpecho";
 * socketFd(new Socket()); // undefined
 * ```
 */
export function socketFd(socket: Socket): number | undefined {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle;
  return typeof handle?.fd === "number" && handle.fd >= 0 ? handle.fd : undefined;
}

/**
 * The TCP connection a TLS socket runs over (`_parent`, there since Node
 * 0.11), or null where it is not there: for what only the TCP socket can
 * do (a reset, its byte counts before the handshake).
 *
 * @example
 * ```ts
 * import { TLSSocket } from "node:tls";
 * import { Socket } from "node:net";
 * import { tcpUnderTls } from "./node-internals.js";
 * const raw = new Socket();
 * tcpUnderTls(new TLSSocket(raw)) === raw; // true
 * ```
 */
export function tcpUnderTls(socket: Socket): Socket | null {
  const raw = (socket as unknown as { _parent?: unknown })._parent;
  return raw instanceof NetSocket ? raw : null;
}
