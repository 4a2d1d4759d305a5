/**
 * The load generator's engine for one thread: opens the connections, keeps
 * messages in flight (ping-pong, pipelined, at a fixed rate, or streaming),
 * checks every echoed byte against what was sent, and times each message.
 *
 * Hot path: reads land in one reused buffer (Node's `onread`), sends and
 * checks are slices of a shared pattern, and completions within one read are
 * answered with a single write. Outside stream mode and TLS, each connection
 * reads and writes through its handle (`directSocket`, when Node's internals
 * are as expected), skipping the stream's per-read and per-write machinery;
 * otherwise through the socket's public `onread` and `write`.
 *
 * @module
 */

import { setMaxListeners } from "node:events";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { ClientTlsOptions } from "../net/client-tls.js";
import { dial } from "../net/connector.js";
import { DEFAULT_KEEPALIVE_MS } from "../net/defaults.js";
import { toEchoError, type EchoError } from "../net/echo-error.js";
import { directSocket, type DirectSocket } from "../net/node-internals.js";
import { noErrors, type ConnectErrorCounts, type ErrorCounts } from "./error-counts.js";
import { LatencyHistogram } from "./latency-histogram.js";
import { PaceClock, Pacing } from "./pacing.js";
import { Pattern } from "./pattern.js";

/** What one thread is asked to do. */
export interface LoadPlan {
  host: string;
  port: number;
  connections: number;
  /** Message size in bytes (stream mode: write size). */
  size: number;
  /** Messages in flight per connection. */
  pipeline: number;
  /** Measured time, ms (ignored when `count` is set). */
  durationMs: number;
  /** Total messages to complete, instead of a duration. */
  count?: number | undefined;
  /**
   * Fixed request rate for this thread, messages per second, shared evenly by
   * its connections: message k of a connection is due k intervals after the
   * start, and its latency counts from then.
   */
  rate?: number | undefined;
  /**
   * Connections of the whole run, all threads together (default
   * `connections`). With `rate`, connection `firstStream + i` of this thread
   * is that many run-wide intervals behind the run's first connection, so
   * that the run's messages are evenly spaced.
   */
  totalConnections?: number | undefined;
  /**
   * With `rate`: when the schedule starts, in ms since the epoch as
   * `performance.timeOrigin + performance.now()` gives it, so that threads
   * share one schedule (default: when this thread's connections are up). A
   * connection's first message is its first one due after that.
   */
  rateEpoch?: number | undefined;
  stream: boolean;
  /** Unmeasured time before measuring starts, ms. */
  warmupMs: number;
  connectTimeoutMs: number;
  /** How long to wait for messages still in flight at the end, ms. */
  graceMs: number;
  /** Offset of this thread's connection ids, so streams differ across threads. */
  firstStream?: number;
  /** Speak TLS (the CA as a string or Buffer, so the plan can be sent to a thread). */
  tls?: ClientTlsOptions | undefined;
  /** TCP keepalive on each connection: probe after this many idle ms; 0 = off (default 60000). */
  keepAlive?: number | undefined;
}

/** Counters of one run (or several merged). */
export interface LoadCounts extends ErrorCounts {
  /** Messages whose every byte came back (stream mode: write-size units). */
  completed: number;
  /** Bytes echoed and checked during the measured time. */
  bytes: number;
  connected: number;
  connectErrors: ConnectErrorCounts;
  /** Measured time, ms: until the duration's end, or until the last connection was lost or the run was stopped. */
  elapsedMs: number;
  /**
   * How busy the thread's event loop was while measuring, 0 to 1 (Node's
   * event loop utilization: the share of time not spent waiting for the
   * network). Near 1, the load generator itself was the limit.
   */
  busy: number;
}

/** A thread's result. */
export interface LoadResult {
  counts: LoadCounts;
  latency: LatencyHistogram;
  /** The first connect failure, for the explanation. */
  connectError?: EchoError | undefined;
}

/** Progress, once a second. */
export interface LoadProgress {
  elapsedMs: number;
  completed: number;
  bytes: number;
  warmingUp: boolean;
}

const READ_BUFFER = 64 * 1024;
const STREAM_WINDOW = 1024 * 1024; // unechoed bytes per connection in stream mode
/** Handshakes under way at most, so that a thousand connections do not overflow the server's accept queue. */
const DIALS_AT_ONCE = 256;

/**
 * Every counter at zero.
 *
 * @example
 * ```ts
 * import { emptyCounts } from "./load.js";
 * emptyCounts().completed; // 0
 * ```
 */
export function emptyCounts(): LoadCounts {
  return { completed: 0, bytes: 0, connected: 0, connectErrors: {}, ...noErrors(), elapsedMs: 0, busy: 0 };
}

/**
 * Runs a load plan to the end. Never rejects for network trouble: failures
 * are counted in the result.
 *
 * @example
 * ```ts
 * import { createEchoServer, runLoad } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const { port } = await server.listen();
 * const r = await runLoad({ host: "127.0.0.1", port, connections: 10, size: 64, pipeline: 1,
 *   durationMs: 1000, stream: false, warmupMs: 0, connectTimeoutMs: 3000, graceMs: 2000 });
 * console.log(r.counts.completed / (r.counts.elapsedMs / 1000), "requests/s");
 * await server.close();
 * ```
 *
 * `signal` ends the run early, as the end of its duration would: no more
 * sends, and what is in flight gets `graceMs` to come back; the counts are
 * what was measured until then.
 */
export async function runLoad(
  plan: LoadPlan,
  onProgress?: (p: LoadProgress) => void,
  signal?: AbortSignal,
): Promise<LoadResult> {
  return new LoadRun(plan, onProgress, signal).run();
}

/** One connection of a run: its socket, and where its bytes and messages stand. */
class Conn {
  /** Its number in this thread (in the rate's schedule). */
  readonly index: number;
  /** Its number in the run: which stream of the pattern it sends. */
  readonly stream: number;
  socket: Socket | null = null;
  /** Reads and writes through the handle (ping-pong, pipelined, rate over plain TCP), or null. */
  direct: DirectSocket | null = null;
  msgs = 0; // messages sent
  sent = 0; // bytes sent
  received = 0; // bytes received and checked
  sendPos: number; // pattern position of the next byte to send
  recvPos: number; // pattern position of the next byte expected
  partial = 0; // bytes received of the message under way
  readonly stamps: Float64Array; // where the latency of each message in flight counts from (ring)
  head = 0;
  tail = 0;
  inflight = 0;
  dead = false;

  constructor(index: number, stream: number, position: number, inFlight: number) {
    this.index = index;
    this.stream = stream;
    this.sendPos = position;
    this.recvPos = position;
    this.stamps = new Float64Array(inFlight);
  }

  write(data: Buffer): void {
    if (this.direct !== null) this.direct.write(data);
    else (this.socket as Socket).write(data);
  }
}

/**
 * One thread's run: connect, then warming up (not measured) → measuring →
 * no new sends (what is in flight gets `graceMs`) → done.
 */
class LoadRun {
  readonly #plan: LoadPlan;
  readonly #onProgress: ((p: LoadProgress) => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #size: number;
  readonly #pipeline: number;
  readonly #stream: boolean;
  readonly #countLimit: number | undefined;
  readonly #pattern: Pattern;
  readonly #latency = new LatencyHistogram();
  readonly #counts = emptyCounts();
  readonly #conns: Conn[] = [];
  /** Every plain-TCP connection reads into this one buffer. */
  readonly #readBuffer = Buffer.allocUnsafe(READ_BUFFER);
  #connectError: EchoError | undefined;
  /** The connections that connected, and how many of them are not done yet. */
  #live: Conn[] = [];
  #open = 0;
  #measuring: boolean;
  #sending = true;
  #issued = 0; // messages started
  #start = 0;
  #measureStart = 0;
  #loopAtStart = performance.eventLoopUtilization();
  /** With a rate: its schedule and the clock that sends on it. */
  #pacing: Pacing | null = null;
  #clock: PaceClock | null = null;
  #finish: () => void = () => {};
  readonly #finished = new Promise<void>((resolve) => (this.#finish = resolve));
  #warmupTimer: NodeJS.Timeout | undefined;
  #progressTimer: NodeJS.Timeout | undefined;
  #durationTimer: NodeJS.Timeout | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  /** A run that stops making progress for this long (ms) ends. */
  #stallMs = 0;
  #lastCompleted = -1;
  #stalledSince = 0;

  constructor(
    plan: LoadPlan,
    onProgress: ((p: LoadProgress) => void) | undefined,
    signal: AbortSignal | undefined,
  ) {
    this.#plan = plan;
    this.#onProgress = onProgress;
    this.#signal = signal;
    const { size, pipeline, stream } = plan;
    this.#size = size;
    this.#pipeline = pipeline;
    this.#stream = stream;
    this.#countLimit = plan.count;
    this.#measuring = plan.warmupMs <= 0;
    this.#pattern = new Pattern(size, Math.max(stream ? size : size * pipeline, READ_BUFFER));
    const firstStream = plan.firstStream ?? 0;
    for (let i = 0; i < plan.connections; i++) {
      const position = this.#pattern.position(firstStream + i, 0);
      this.#conns.push(new Conn(i, firstStream + i, position, stream ? 1 : pipeline));
    }
  }

  async run(): Promise<LoadResult> {
    await this.#connectAll();
    this.#live = this.#conns.filter((c) => c.socket !== null);
    if (this.#live.length === 0 || this.#signal?.aborted) {
      for (const c of this.#live) c.socket?.destroy();
      return this.#result();
    }
    this.#begin();
    await this.#finished;
    this.#close();
    return this.#result();
  }

  #result(): LoadResult {
    return { counts: this.#counts, latency: this.#latency, connectError: this.#connectError };
  }

  /** Connects every connection, {@link DIALS_AT_ONCE} at a time at most; failures are counted. */
  async #connectAll(): Promise<void> {
    const signal = this.#signal;
    // One listener on the run's signal gives up every handshake under way.
    const giveUp = new AbortController();
    setMaxListeners(DIALS_AT_ONCE + 1, giveUp.signal);
    const stop = (): void => giveUp.abort();
    signal?.addEventListener("abort", stop, { once: true });
    let next = 0;
    const dialer = async (): Promise<void> => {
      while (next < this.#conns.length && signal?.aborted !== true)
        await this.#connect(this.#conns[next++] as Conn, giveUp.signal);
    };
    await Promise.all(Array.from({ length: Math.min(DIALS_AT_ONCE, this.#conns.length) }, dialer));
    signal?.removeEventListener("abort", stop);
  }

  /** Opens `c` through the connector: plain TCP reads into the shared buffer, TLS in chunks of its own. */
  async #connect(c: Conn, giveUp: AbortSignal): Promise<void> {
    const plan = this.#plan;
    const buffer = this.#readBuffer;
    const onread = {
      buffer,
      callback: (nread: number): boolean => {
        this.#onRead(c, nread, buffer);
        return true; // keep reading
      },
    };
    try {
      const { socket } = await dial({
        host: plan.host,
        port: plan.port,
        keepAlive: plan.keepAlive ?? DEFAULT_KEEPALIVE_MS,
        tls: plan.tls ?? null,
        timeout: plan.connectTimeoutMs,
        signal: giveUp,
        onread: plan.tls ? undefined : onread,
      });
      c.socket = socket;
      this.#counts.connected++;
      if (plan.tls) {
        socket.on("data", (b: Buffer) => this.#onRead(c, b.length, b));
        socket.resume(); // the connector hands a TLS socket over paused
      } else if (!this.#stream) c.direct = directSocket(socket, (nread) => this.#onRead(c, nread, buffer));
    } catch (err) {
      if (this.#signal?.aborted) return; // stopped, not failed
      const e = toEchoError(err, { host: plan.host, port: plan.port, operation: "connect" });
      this.#counts.connectErrors[e.code] = (this.#counts.connectErrors[e.code] ?? 0) + 1;
      this.#connectError ??= e;
    }
  }

  /** Measuring starts (or warming up), each connection's events are watched, the first messages go. */
  #begin(): void {
    const plan = this.#plan;
    this.#start = performance.now();
    this.#measureStart = this.#start;
    this.#loopAtStart = performance.eventLoopUtilization();
    this.#open = this.#live.length;
    for (const c of this.#live) this.#watch(c);
    if (plan.warmupMs > 0) this.#warmupTimer = setTimeout(() => this.#measure(), plan.warmupMs);
    if (this.#stream) for (const c of this.#live) this.#pump(c);
    else if (plan.rate === undefined) for (const c of this.#live) this.#send(c, this.#pipeline, this.#start);
    else this.#pace(plan.rate);
    // A slow fixed rate is no stall: a connection may wait a whole interval for its next message.
    this.#stallMs = Math.max(plan.graceMs, 1000, plan.rate ? (2000 * plan.connections) / plan.rate : 0);
    this.#stalledSince = performance.now();
    this.#progressTimer = setInterval(() => this.#progress(), 1000);
    if (this.#countLimit === undefined)
      this.#durationTimer = setTimeout(this.#end, plan.warmupMs + plan.durationMs);
    this.#signal?.addEventListener("abort", this.#end, { once: true });
  }

  /** The end of warming up. */
  #measure(): void {
    this.#measuring = true;
    this.#measureStart = performance.now();
    this.#loopAtStart = performance.eventLoopUtilization();
  }

  /** A fixed rate: its schedule (shared by the threads through `rateEpoch`), and the clock that sends on it. */
  #pace(rate: number): void {
    const plan = this.#plan;
    const n = this.#conns.length;
    this.#pacing = new Pacing({
      connections: n,
      totalConnections: plan.totalConnections ?? n,
      firstStream: plan.firstStream ?? 0,
      rate,
      zero: plan.rateEpoch !== undefined ? plan.rateEpoch - performance.timeOrigin : this.#start,
      start: this.#start,
    });
    this.#clock = new PaceClock(this.#pacing, this.#start, (now) => this.#sendDue(now));
    this.#clock.wake();
  }

  /** A connection's end of input, error or close ends it; a drained stream writes on. */
  #watch(c: Conn): void {
    const s = c.socket as Socket;
    s.on("drain", () => {
      if (this.#stream) this.#pump(c);
    });
    s.on("end", () => {
      if (c.sent > c.received) this.#counts.closedEarly++;
      c.socket = null;
      s.destroy();
      this.#connDone(c);
    });
    s.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNRESET" || err.code === "EPIPE") this.#counts.resets++;
      c.socket = null;
      this.#connDone(c);
    });
    s.on("close", () => {
      c.socket = null;
      this.#connDone(c);
    });
  }

  /** Every read of every connection: its bytes checked against the pattern, then what they completed. */
  #onRead(c: Conn, nread: number, buf: Buffer): void {
    const outstanding = c.sent - c.received;
    let n = nread;
    if (n > outstanding) {
      this.#counts.extraBytes += n - outstanding; // before the first send too: anything arriving is extra
      n = outstanding;
    }
    if (n <= 0) return;
    const bad = this.#pattern.mismatchesAt(c.recvPos, buf, 0, n);
    if (bad > 0) this.#counts.corruptedBytes += bad;
    c.received += n;
    c.recvPos = this.#pattern.advance(c.recvPos, n);
    if (this.#measuring) this.#counts.bytes += n;
    // Units completed by this read: each message (or stream write) is `size` bytes.
    let partial = c.partial + n;
    let done = 0;
    while (partial >= this.#size) {
      partial -= this.#size;
      done++;
    }
    c.partial = partial;
    if (this.#stream) this.#streamed(c, done);
    else if (done > 0) this.#completed(c, done);
  }

  /** `done` writes of a stream came back whole: more writes, or the connection is done. */
  #streamed(c: Conn, done: number): void {
    if (this.#measuring) this.#counts.completed += done;
    if (this.#sending) this.#pump(c);
    else if (c.received === c.sent) this.#connDone(c);
  }

  /** `done` messages of `c` came back whole: their latency, and the messages that take their places. */
  #completed(c: Conn, done: number): void {
    const now = performance.now();
    for (let j = 0; j < done; j++) {
      if (this.#measuring) this.#latency.record((now - (c.stamps[c.head] as number)) * 1000);
      c.head = c.head + 1 === c.stamps.length ? 0 : c.head + 1;
    }
    c.inflight -= done;
    if (this.#measuring) this.#counts.completed += done;
    if (this.#sending) {
      if (this.#pacing === null) this.#send(c, done, now);
      else {
        this.#sendDue(now);
        this.#sendPaced(c); // a freed place in the pipeline takes a message that waited for it
      }
    }
    if (!this.#sending && c.inflight === 0) this.#connDone(c);
  }

  /**
   * Sends up to `wanted` messages on `c` in one write. Their latency counts
   * from `now`, or with a rate from when each was due.
   */
  #send(c: Conn, wanted: number, now: number): void {
    const limit = this.#countLimit;
    const k = limit === undefined ? wanted : Math.min(wanted, limit - this.#issued);
    if (k <= 0 || c.socket === null) return;
    const bytes = k * this.#size;
    // One write for k messages; the pattern window is a view, no copy.
    c.write(this.#pattern.at(c.sendPos, bytes));
    c.sent += bytes;
    c.sendPos = this.#pattern.advance(c.sendPos, bytes);
    const pacing = this.#pacing;
    for (let j = 0; j < k; j++) {
      c.stamps[c.tail] = pacing === null ? now : pacing.intendedAt(c.index, c.msgs + j);
      c.tail = c.tail + 1 === c.stamps.length ? 0 : c.tail + 1;
    }
    c.msgs += k;
    c.inflight += k;
    this.#issued += k;
    if (limit !== undefined && this.#issued >= limit) this.#stopSending();
  }

  /** With a rate: counts what has fallen due by `now`, and sends it where the pipelines have room. */
  #sendDue(now: number): void {
    (this.#pacing as Pacing).advance(now, this.#sendPacedAt);
  }

  readonly #sendPacedAt = (j: number): void => this.#sendPaced(this.#conns[j] as Conn);

  /** With a rate: sends on `c` every message of its that is due and fits in its pipeline. */
  #sendPaced(c: Conn): void {
    if (!this.#sending) return;
    const due = ((this.#pacing as Pacing).due[c.index] as number) - c.msgs;
    this.#send(c, Math.min(due, this.#pipeline - c.inflight), 0);
  }

  /** Stream mode: writes while the connection's window and its socket's buffer have room. */
  #pump(c: Conn): void {
    const s = c.socket;
    if (s === null) return;
    while (this.#sending && c.sent - c.received < STREAM_WINDOW && !s.writableNeedDrain) {
      s.write(this.#pattern.at(c.sendPos, this.#size));
      c.sent += this.#size;
      c.sendPos = this.#pattern.advance(c.sendPos, this.#size);
    }
  }

  #connDone(c: Conn): void {
    if (c.dead) return;
    c.dead = true;
    if (--this.#open === 0) this.#finish();
  }

  #stopSending(): void {
    if (!this.#sending) return;
    this.#sending = false;
    this.#clock?.stop();
    if (this.#countLimit === undefined) this.#measured();
    // A connection that never got a byte back while others did is not waited for: the server is not answering it.
    const answered = this.#live.some((c) => c.received > 0);
    for (const c of this.#live)
      if ((c.inflight === 0 && c.received === c.sent) || (answered && c.received === 0)) this.#connDone(c);
  }

  /** Called once, when measuring ends: at the duration's end, when stopped, or when every connection is gone. */
  #measured(): void {
    if (!this.#measuring) return; // ended while warming up: nothing was measured
    this.#counts.elapsedMs = performance.now() - this.#measureStart;
    this.#counts.busy = performance.eventLoopUtilization(this.#loopAtStart).utilization;
  }

  /** The duration's end, or a stop: no more sends, and what is in flight gets graceMs to come back. */
  readonly #end = (): void => {
    this.#stopSending();
    this.#graceTimer ??= setTimeout(this.#finish, this.#plan.graceMs);
  };

  /** Progress each second; a run that stops making progress ends after #stallMs. */
  #progress(): void {
    const now = performance.now();
    const { completed, bytes } = this.#counts;
    const measuring = this.#measuring;
    const elapsedMs = now - (measuring ? this.#measureStart : this.#start);
    this.#onProgress?.({ elapsedMs, completed, bytes, warmingUp: !measuring });
    if (completed !== this.#lastCompleted || this.#issued === 0) {
      this.#lastCompleted = completed;
      this.#stalledSince = now;
    } else if (
      now - this.#stalledSince > this.#stallMs &&
      (!this.#sending || this.#countLimit !== undefined)
    ) {
      this.#finish();
    }
  }

  /** The end: measuring's (for a count, or a duration cut short), the timers', and every socket's. */
  #close(): void {
    if (this.#countLimit !== undefined || this.#sending) this.#measured();
    this.#sending = false;
    this.#signal?.removeEventListener("abort", this.#end);
    this.#clock?.stop();
    clearInterval(this.#progressTimer);
    clearTimeout(this.#warmupTimer);
    clearTimeout(this.#durationTimer);
    clearTimeout(this.#graceTimer);
    for (const c of this.#conns) {
      if (c.sent > c.received) this.#counts.missingBytes += c.sent - c.received;
      if (c.socket !== null && c.sent > 0 && c.received === 0) this.#counts.neverEchoed++;
      c.socket?.destroy();
    }
  }
}
