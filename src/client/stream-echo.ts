/**
 * Streams bytes through an echo server: input to the server, the echo to
 * output, binary-safe, with backpressure both ways. At the end of input the
 * connection is half-closed (FIN), and the stream finishes once every byte
 * sent has come back.
 *
 * @module
 */

import type { EventEmitter } from "node:events";
import type { Readable, Writable } from "node:stream";
import { looksLikeTlsRecord } from "../net/client-tls.js";
import { EchoError, toEchoError } from "../net/echo-error.js";
import type { EchoClient } from "./connect.js";

/** Options of {@link streamEcho}. */
export interface StreamEchoOptions {
  /** Compare the echo with what was sent; reject with ERR_ECHO_MISMATCH at the first difference. */
  verify?: boolean;
  /** After the end of input, give up when nothing arrives for this many ms (ETIMEDOUT). */
  timeout?: number;
  /** With verify, stop reading input while this many sent bytes await their echo. Default 64 MiB. */
  maxUnverified?: number;
  /**
   * Half-close (send FIN) at the end of input. Default true. False waits for
   * every byte to come back first, for servers that drop what they still hold
   * when they see the client's FIN (ncat --exec is one).
   */
  halfClose?: boolean;
}

/** What a finished stream did. */
export interface StreamEchoResult {
  sent: number;
  received: number;
  /** True when verify was on and every byte matched. */
  verified: boolean;
}

/**
 * Sends `input` through the client's connection and writes the echo to
 * `output`. Resolves when all that was sent came back; rejects with
 * ERR_PEER_CLOSED if the server closes before that (`afterFin` in its
 * context when that was after our half-close). On a plain connection, a
 * TLS record coming back where our first bytes were not one rejects with
 * ERR_ECHO_MISMATCH at offset 0, `peerTls` in its context: the server
 * speaks TLS.
 *
 * @example
 * ```ts
 * // not run: reads standard input, and needs an echo server on 127.0.0.1:9000
 * import { connect, streamEcho } from "tcpecho";
 * const client = await connect({ port: 9000 });
 * const result = await streamEcho(client, process.stdin, process.stdout, { verify: true });
 * console.error(`${result.received} bytes came back`);
 * await client.close();
 * ```
 */
export function streamEcho(
  client: EchoClient,
  input: Readable,
  output: Writable,
  options: StreamEchoOptions = {},
): Promise<StreamEchoResult> {
  const socket = client.socket;
  const where = { host: client.host, port: client.port };
  const verify = options.verify ?? false;
  const maxUnverified = options.maxUnverified ?? 64 * 1024 * 1024;
  // Sent bytes not yet matched by their echo (verify only): a queue of chunks.
  const unmatched: Buffer[] = [];
  let unmatchedHead = 0; // offset into unmatched[0]
  let sent = 0;
  let received = 0;
  // The first bytes sent, to tell a TLS server's answer from their echo.
  let head: Buffer | undefined;
  let inputEnded = false;
  let heldForVerify = false;
  let heldForSocket = false;
  let idleTimer: NodeJS.Timeout | undefined;

  return new Promise((resolve, reject) => {
    let settled = false;
    const cleanup = () => {
      clearTimeout(idleTimer);
      for (const [emitter, event, listener] of listeners()) emitter.off(event, listener);
    };
    const fail = (err: EchoError) => {
      if (settled) return;
      settled = true;
      cleanup();
      input.pause();
      reject(err);
    };
    const succeed = () => {
      if (settled) return;
      settled = true;
      cleanup();
      const result = { sent, received, verified: verify };
      // Resolve once what was written to output has been flushed.
      output.write(Buffer.alloc(0), () => resolve(result));
    };
    const armIdleTimer = () => {
      if (!inputEnded || options.timeout === undefined || options.timeout <= 0) return;
      clearTimeout(idleTimer);
      const ms = options.timeout;
      idleTimer = setTimeout(
        () => fail(new EchoError("ETIMEDOUT", { ...where, operation: "read", timeoutMs: ms })),
        ms,
      );
    };
    const maybeResumeInput = () => {
      if (!heldForSocket && !heldForVerify && !inputEnded) input.resume();
    };

    const onInput = (chunk: Buffer) => {
      head ??= chunk;
      sent += chunk.length;
      if (verify) {
        unmatched.push(chunk);
        if (sent - received > maxUnverified) {
          heldForVerify = true;
          input.pause();
        }
      }
      if (!socket.write(chunk)) {
        heldForSocket = true;
        input.pause();
      }
    };
    const onSocketDrain = () => {
      heldForSocket = false;
      maybeResumeInput();
    };
    const onInputEnd = () => {
      inputEnded = true;
      if (options.halfClose ?? true) socket.end(); // half-close: the server learns there is no more
      if (received >= sent) succeed();
      else armIdleTimer();
    };
    const onInputError = (err: Error) => fail(toEchoError(err, { ...where, operation: "read input" }));

    const onEcho = (chunk: Buffer) => {
      if (received === 0 && answersInTls(chunk))
        return fail(new EchoError("ERR_ECHO_MISMATCH", { ...where, offset: 0, peerTls: true }));
      if (verify) {
        const mismatch = match(chunk);
        if (mismatch >= 0) return fail(new EchoError("ERR_ECHO_MISMATCH", { ...where, offset: mismatch }));
        if (heldForVerify && sent - (received + chunk.length) <= maxUnverified / 2) {
          heldForVerify = false;
          maybeResumeInput();
        }
      }
      received += chunk.length;
      if (!output.write(chunk)) socket.pause();
      if (inputEnded) {
        if (received >= sent) succeed();
        else armIdleTimer();
      }
    };
    const onOutputDrain = () => socket.resume();
    const onSocketEnd = () => {
      if (inputEnded && received >= sent) return succeed();
      // Our FIN went out before the server's came: it may have closed because of it.
      const afterFin = inputEnded && (options.halfClose ?? true) && socket.writableFinished;
      fail(
        new EchoError("ERR_PEER_CLOSED", {
          ...where,
          received,
          expected: sent,
          ...(afterFin ? { afterFin } : {}),
        }),
      );
    };
    // A plain connection's first echo that is a TLS record, where what we sent did not start so.
    const answersInTls = (chunk: Buffer): boolean =>
      !client.encrypted &&
      looksLikeTlsRecord(chunk) &&
      head !== undefined &&
      head.length >= 3 &&
      head.compare(chunk, 0, 3, 0, 3) !== 0;
    const onSocketError = (err: Error) => fail(toEchoError(err, where));

    // Compares an echoed chunk with the oldest unmatched sent bytes; returns
    // the stream offset of the first difference, or -1.
    const match = (chunk: Buffer): number => {
      let at = 0;
      while (at < chunk.length) {
        const head = unmatched[0];
        if (head === undefined) return received + at; // more came back than was sent
        const n = Math.min(head.length - unmatchedHead, chunk.length - at);
        if (head.compare(chunk, at, at + n, unmatchedHead, unmatchedHead + n) !== 0) {
          for (let i = 0; i < n; i++) {
            if (head[unmatchedHead + i] !== chunk[at + i]) return received + at + i;
          }
        }
        at += n;
        unmatchedHead += n;
        if (unmatchedHead === head.length) {
          unmatched.shift();
          unmatchedHead = 0;
        }
      }
      return -1;
    };

    // Every listener of this stream, attached and removed from the one list.
    const listeners = (): [EventEmitter, string, Parameters<EventEmitter["on"]>[1]][] => [
      [input, "data", onInput],
      [input, "end", onInputEnd],
      [input, "error", onInputError],
      [socket, "data", onEcho],
      [socket, "end", onSocketEnd],
      [socket, "close", onSocketEnd],
      [socket, "error", onSocketError],
      [socket, "drain", onSocketDrain],
      [output, "drain", onOutputDrain],
    ];
    if (client.error !== undefined) return fail(client.error);
    for (const [emitter, event, listener] of listeners()) emitter.on(event, listener);
    socket.resume(); // connect() leaves it paused for readExactly
    input.resume();
  });
}
