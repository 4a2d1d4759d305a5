/**
 * Streams bytes through an echo server: input to the server, the echo to
 * output, binary-safe, with backpressure both ways. At the end of input the
 * connection is half-closed (FIN), and the stream finishes once every byte
 * sent has come back.
 *
 * @module
 */

import type { EventEmitter } from "node:events";
import type { Socket } from "node:net";
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
  return new EchoStream(client, input, output, options).run();
}

/** With verify, how many sent bytes may await their echo unless the caller says otherwise: 64 MiB. */
const DEFAULT_MAX_UNVERIFIED = 64 * 1024 * 1024;

/** The bytes sent whose echo has not been compared yet (verify only), oldest first. */
class Unmatched {
  readonly #chunks: Buffer[] = [];
  /** Where in the oldest chunk the bytes not yet compared start. */
  #head = 0;

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  /**
   * Compares echoed `chunk`, whose first byte is the stream's byte `offset`,
   * with the oldest bytes not compared yet, and drops those; returns the
   * stream offset of the first difference, or -1.
   */
  match(chunk: Buffer, offset: number): number {
    let at = 0;
    while (at < chunk.length) {
      const head = this.#chunks[0];
      if (head === undefined) return offset + at; // more came back than was sent
      const n = Math.min(head.length - this.#head, chunk.length - at);
      if (head.compare(chunk, at, at + n, this.#head, this.#head + n) !== 0) {
        for (let i = 0; i < n; i++) {
          if (head[this.#head + i] !== chunk[at + i]) return offset + at + i;
        }
      }
      at += n;
      this.#head += n;
      if (this.#head === head.length) {
        this.#chunks.shift();
        this.#head = 0;
      }
    }
    return -1;
  }
}

type Listener = Parameters<EventEmitter["on"]>[1];

/** One {@link streamEcho}: its counts, what holds input back, and the listeners that move the bytes. */
class EchoStream {
  readonly #client: EchoClient;
  readonly #socket: Socket;
  readonly #input: Readable;
  readonly #output: Writable;
  readonly #where: { host: string; port: number };
  readonly #verify: boolean;
  readonly #maxUnverified: number;
  readonly #halfClose: boolean;
  readonly #timeout: number | undefined;
  readonly #unmatched = new Unmatched();
  #sent = 0;
  #received = 0;
  /** The first bytes sent, to tell a TLS server's answer from their echo. */
  #head: Buffer | undefined;
  #inputEnded = false;
  #heldForVerify = false;
  #heldForSocket = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #settled = false;
  #resolve: (result: StreamEchoResult) => void = () => {};
  #reject: (err: EchoError) => void = () => {};
  /** Every listener of this stream, attached and removed from the one list. */
  readonly #listeners: [EventEmitter, string, Listener][];

  constructor(client: EchoClient, input: Readable, output: Writable, options: StreamEchoOptions) {
    this.#client = client;
    this.#socket = client.socket;
    this.#input = input;
    this.#output = output;
    this.#where = { host: client.host, port: client.port };
    this.#verify = options.verify ?? false;
    this.#maxUnverified = options.maxUnverified ?? DEFAULT_MAX_UNVERIFIED;
    this.#halfClose = options.halfClose ?? true;
    this.#timeout = options.timeout;
    const socket = this.#socket;
    this.#listeners = [
      [input, "data", this.#onInput],
      [input, "end", this.#onInputEnd],
      [input, "error", this.#onInputError],
      [socket, "data", this.#onEcho],
      [socket, "end", this.#onSocketEnd],
      [socket, "close", this.#onSocketEnd],
      [socket, "error", this.#onSocketError],
      [socket, "drain", this.#onSocketDrain],
      [output, "drain", this.#onOutputDrain],
    ];
  }

  run(): Promise<StreamEchoResult> {
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      if (this.#client.error !== undefined) return this.#fail(this.#client.error);
      for (const [emitter, event, listener] of this.#listeners) emitter.on(event, listener);
      this.#socket.resume(); // connect() leaves it paused for readExactly
      this.#input.resume();
    });
  }

  #cleanup(): void {
    clearTimeout(this.#idleTimer);
    for (const [emitter, event, listener] of this.#listeners) emitter.off(event, listener);
  }

  #fail(err: EchoError): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#cleanup();
    this.#input.pause();
    this.#reject(err);
  }

  #succeed(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#cleanup();
    const result = { sent: this.#sent, received: this.#received, verified: this.#verify };
    // Resolve once what was written to output has been flushed.
    this.#output.write(Buffer.alloc(0), () => this.#resolve(result));
  }

  /** After the end of input: done when all came back, else the idle timeout runs again. */
  #checkDone(): void {
    if (this.#received >= this.#sent) this.#succeed();
    else this.#armIdleTimer();
  }

  #armIdleTimer(): void {
    const ms = this.#timeout;
    if (!this.#inputEnded || ms === undefined || ms <= 0) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(
      () => this.#fail(new EchoError("ETIMEDOUT", { ...this.#where, operation: "read", timeoutMs: ms })),
      ms,
    );
  }

  #maybeResumeInput(): void {
    if (!this.#heldForSocket && !this.#heldForVerify && !this.#inputEnded) this.#input.resume();
  }

  readonly #onInput = (chunk: Buffer): void => {
    this.#head ??= chunk;
    this.#sent += chunk.length;
    if (this.#verify) {
      this.#unmatched.push(chunk);
      if (this.#sent - this.#received > this.#maxUnverified) {
        this.#heldForVerify = true;
        this.#input.pause();
      }
    }
    if (!this.#socket.write(chunk)) {
      this.#heldForSocket = true;
      this.#input.pause();
    }
  };

  readonly #onSocketDrain = (): void => {
    this.#heldForSocket = false;
    this.#maybeResumeInput();
  };

  readonly #onInputEnd = (): void => {
    this.#inputEnded = true;
    if (this.#halfClose) this.#socket.end(); // half-close: the server learns there is no more
    this.#checkDone();
  };

  readonly #onInputError = (err: Error): void =>
    this.#fail(toEchoError(err, { ...this.#where, operation: "read input" }));

  readonly #onEcho = (chunk: Buffer): void => {
    if (this.#received === 0 && this.#answersInTls(chunk))
      return this.#fail(new EchoError("ERR_ECHO_MISMATCH", { ...this.#where, offset: 0, peerTls: true }));
    if (this.#verify) {
      const mismatch = this.#unmatched.match(chunk, this.#received);
      if (mismatch >= 0)
        return this.#fail(new EchoError("ERR_ECHO_MISMATCH", { ...this.#where, offset: mismatch }));
      if (this.#heldForVerify && this.#sent - (this.#received + chunk.length) <= this.#maxUnverified / 2) {
        this.#heldForVerify = false;
        this.#maybeResumeInput();
      }
    }
    this.#received += chunk.length;
    if (!this.#output.write(chunk)) this.#socket.pause();
    if (this.#inputEnded) this.#checkDone();
  };

  readonly #onOutputDrain = (): void => {
    this.#socket.resume();
  };

  readonly #onSocketEnd = (): void => {
    if (this.#inputEnded && this.#received >= this.#sent) return this.#succeed();
    // Our FIN went out before the server's came: it may have closed because of it.
    const afterFin = this.#inputEnded && this.#halfClose && this.#socket.writableFinished;
    this.#fail(
      new EchoError("ERR_PEER_CLOSED", {
        ...this.#where,
        received: this.#received,
        expected: this.#sent,
        ...(afterFin ? { afterFin } : {}),
      }),
    );
  };

  readonly #onSocketError = (err: Error): void => this.#fail(toEchoError(err, this.#where));

  /** A plain connection's first echo that is a TLS record, where what we sent did not start so. */
  #answersInTls(chunk: Buffer): boolean {
    const head = this.#head;
    return (
      !this.#client.encrypted &&
      looksLikeTlsRecord(chunk) &&
      head !== undefined &&
      head.length >= 3 &&
      head.compare(chunk, 0, 3, 0, 3) !== 0
    );
  }
}
