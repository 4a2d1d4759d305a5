/**
 * The textbook's `recvn`: TCP is a byte stream, so one `recv` may return part
 * of what was sent; keep reading until exactly `n` bytes are in.
 *
 * @module
 */

import type { Socket } from "node:net";
import { EchoError, toEchoError } from "../net/echo-error.js";
import { checkNumber } from "../net/options.js";

/** Options of {@link readExactly}. */
export interface ReadExactlyOptions {
  /** Give up after this many ms without the full count (ETIMEDOUT). */
  timeout?: number;
  signal?: AbortSignal;
}

/**
 * Reads exactly `n` bytes from a socket in paused mode (no 'data' listener).
 * Rejects with `ERR_PEER_CLOSED` if the peer closes first (the error's context
 * says how many bytes came), `ETIMEDOUT` on timeout, or the socket's error.
 *
 * @example
 * ```ts
 * import { connect as tcpConnect } from "node:net";
 * import { createEchoServer, readExactly } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const socket = tcpConnect((await server.listen()).port, "127.0.0.1");
 * socket.write("hello");
 * (await readExactly(socket, 5)).toString(); // "hello"
 * socket.end();
 * await server.close();
 * ```
 */
export function readExactly(socket: Socket, n: number, options: ReadExactlyOptions = {}): Promise<Buffer> {
  try {
    checkNumber(n, "n", { integer: true });
  } catch (err) {
    return Promise.reject(err as Error);
  }
  const where = { host: socket.remoteAddress, port: socket.remotePort };
  if (n === 0) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const done = (err: Error | null, value?: Buffer) => {
      if (settled) return;
      settled = true;
      socket.off("readable", tryRead);
      socket.off("end", onEnd);
      socket.off("error", onError);
      socket.off("close", onEnd);
      options.signal?.removeEventListener("abort", onAbort);
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value as Buffer);
    };
    const tryRead = () => {
      // read(n) returns null until n bytes are buffered; after end it returns the rest.
      const chunk = socket.read(n) as Buffer | null;
      if (chunk === null) return;
      if (chunk.length === n) done(null, chunk);
      else done(new EchoError("ERR_PEER_CLOSED", { ...where, received: chunk.length, expected: n }));
    };
    const onEnd = () => {
      tryRead();
      done(new EchoError("ERR_PEER_CLOSED", { ...where, received: socket.readableLength, expected: n }));
    };
    const onError = (err: Error) => done(toEchoError(err, where));
    const onAbort = () => done(toEchoError(options.signal?.reason ?? new Error("aborted"), where));
    socket.on("readable", tryRead);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.once("error", onError);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.timeout !== undefined && options.timeout > 0) {
      const ms = options.timeout;
      timer = setTimeout(
        () =>
          // What came so far says whether the server is silent or stopped part-way (a stall).
          done(
            new EchoError("ETIMEDOUT", {
              ...where,
              operation: "read",
              timeoutMs: ms,
              received: socket.readableLength,
              expected: n,
            }),
          ),
        ms,
      );
    }
    tryRead();
    // Already closed: nothing more will come, so say so now instead of waiting.
    if (!settled && (socket.destroyed || socket.readableEnded)) onEnd();
  });
}
