/**
 * The load generator's engine for one thread: opens the connections, keeps
 * messages in flight (ping-pong, pipelined, at a fixed rate, or streaming),
 * checks every echoed byte against what was sent, and times each message.
 *
 * Hot path: reads land in one reused buffer (Node's `onread`), sends and
 * checks are slices of a shared pattern, and completions within one read are
 * answered with a single write.
 *
 * @module
 */

import { connect as netConnect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { EchoError, toEchoError, type EchoErrorCode } from "../net/echo-error.js";
import { LatencyHistogram } from "./latency-histogram.js";
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
  /** Fixed request rate for this thread, messages per second. */
  rate?: number | undefined;
  stream: boolean;
  /** Unmeasured time before measuring starts, ms. */
  warmupMs: number;
  connectTimeoutMs: number;
  /** How long to wait for messages still in flight at the end, ms. */
  graceMs: number;
  /** Offset of this thread's connection ids, so streams differ across threads. */
  firstStream?: number;
}

/** Counters of one run (or several merged). */
export interface LoadCounts {
  /** Messages whose every byte came back (stream mode: write-size units). */
  completed: number;
  /** Bytes echoed and checked during the measured time. */
  bytes: number;
  connected: number;
  connectErrors: Partial<Record<EchoErrorCode, number>>;
  /** Connections reset or closed by the server while bytes were outstanding. */
  resets: number;
  closedEarly: number;
  /** Bytes that came back different from what was sent. */
  corruptedBytes: number;
  /** Bytes sent that never came back. */
  missingBytes: number;
  /** Bytes that came back beyond what was sent. */
  extraBytes: number;
  /** Measured time, ms. */
  elapsedMs: number;
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

interface Conn {
  readonly stream: number;
  socket: Socket | null;
  sent: number; // bytes sent
  received: number; // bytes received and checked
  sendPos: number; // pattern position of the next byte to send
  recvPos: number; // pattern position of the next byte expected
  partial: number; // bytes received of the message under way
  stamps: Float64Array; // send times of messages in flight (ring)
  head: number;
  tail: number;
  inflight: number;
  dead: boolean;
}

export function emptyCounts(): LoadCounts {
  return {
    completed: 0,
    bytes: 0,
    connected: 0,
    connectErrors: {},
    resets: 0,
    closedEarly: 0,
    corruptedBytes: 0,
    missingBytes: 0,
    extraBytes: 0,
    elapsedMs: 0,
  };
}

/**
 * Runs a load plan to the end. Never rejects for network trouble: failures
 * are counted in the result.
 *
 * @example
 * ```ts
 * import { runLoad } from "tcpecho";
 * const r = await runLoad({ host: "127.0.0.1", port: 9000, connections: 10, size: 64, pipeline: 1,
 *   durationMs: 1000, stream: false, warmupMs: 0, connectTimeoutMs: 3000, graceMs: 2000 });
 * console.log(r.counts.completed / (r.counts.elapsedMs / 1000), "requests/s");
 * ```
 */
export async function runLoad(plan: LoadPlan, onProgress?: (p: LoadProgress) => void): Promise<LoadResult> {
  const { size, pipeline, stream } = plan;
  const batch = stream ? size : size * pipeline;
  const pattern = new Pattern(size, Math.max(batch, READ_BUFFER));
  const latency = new LatencyHistogram();
  const counts = emptyCounts();
  const conns: Conn[] = [];
  const firstStream = plan.firstStream ?? 0;
  for (let i = 0; i < plan.connections; i++) {
    const pos = pattern.position(firstStream + i, 0);
    conns.push({
      stream: firstStream + i,
      socket: null,
      sent: 0,
      received: 0,
      sendPos: pos,
      recvPos: pos,
      partial: 0,
      stamps: new Float64Array(stream ? 1 : pipeline),
      head: 0,
      tail: 0,
      inflight: 0,
      dead: false,
    });
  }

  // The receive path, set once the run starts; the sockets' onread calls it.
  let onRead: (c: Conn, nread: number, buf: Buffer) => void = (_c, nread) => {
    counts.extraBytes += nread; // nothing was sent yet: anything arriving is extra
  };
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER);
  let connectError: EchoError | undefined;
  await connectAll(
    plan,
    conns,
    counts,
    readBuffer,
    (c, nread, buf) => onRead(c, nread, buf),
    (err) => (connectError ??= err),
  );
  const live = conns.filter((c) => c.socket !== null);
  if (live.length === 0) return { counts, latency, connectError };

  // Phases: warming up (not measured) → measuring → no new sends → done.
  let measuring = plan.warmupMs <= 0;
  let sending = true;
  let issued = 0; // messages started
  const countLimit = plan.count;
  const start = performance.now();
  let measureStart = start;
  let open = live.length;
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => (finish = r));

  const connDone = (c: Conn): void => {
    if (c.dead) return;
    c.dead = true;
    if (--open === 0) finish();
  };
  const stopSending = (): void => {
    if (!sending) return;
    sending = false;
    if (countLimit === undefined) counts.elapsedMs = performance.now() - measureStart;
    for (const c of live) if (c.inflight === 0 && c.received === c.sent) connDone(c);
  };

  let pumpRate = (): void => {};
  const sendMessages = (c: Conn, wanted: number, stampAt: number): void => {
    const k = countLimit === undefined ? wanted : Math.min(wanted, countLimit - issued);
    if (k <= 0 || c.socket === null) return;
    const bytes = k * size;
    // One write for k messages; the pattern window is a view, no copy.
    c.socket.write(pattern.at(c.sendPos, bytes));
    c.sent += bytes;
    c.sendPos = pattern.advance(c.sendPos, bytes);
    for (let j = 0; j < k; j++) {
      c.stamps[c.tail] = stampAt;
      c.tail = c.tail + 1 === c.stamps.length ? 0 : c.tail + 1;
    }
    c.inflight += k;
    issued += k;
    if (countLimit !== undefined && issued >= countLimit) stopSending();
  };

  const streamPump = (c: Conn): void => {
    const s = c.socket;
    if (s === null) return;
    while (sending && c.sent - c.received < STREAM_WINDOW && !s.writableNeedDrain) {
      s.write(pattern.at(c.sendPos, size));
      c.sent += size;
      c.sendPos = pattern.advance(c.sendPos, size);
    }
  };

  onRead = (c: Conn, nread: number, buf: Buffer): void => {
    const outstanding = c.sent - c.received;
    let n = nread;
    if (n > outstanding) {
      counts.extraBytes += n - outstanding;
      n = outstanding;
    }
    if (n <= 0) return;
    const bad = pattern.mismatchesAt(c.recvPos, buf, 0, n);
    if (bad > 0) counts.corruptedBytes += bad;
    c.received += n;
    c.recvPos = pattern.advance(c.recvPos, n);
    if (measuring) counts.bytes += n;
    // Units completed by this read: each message (or stream write) is `size` bytes.
    let partial = c.partial + n;
    let done = 0;
    while (partial >= size) {
      partial -= size;
      done++;
    }
    c.partial = partial;
    if (stream) {
      if (measuring) counts.completed += done;
      if (sending) streamPump(c);
      else if (c.received === c.sent) connDone(c);
      return;
    }
    if (done === 0) return;
    const now = performance.now();
    for (let j = 0; j < done; j++) {
      if (measuring) latency.record((now - (c.stamps[c.head] as number)) * 1000);
      c.head = c.head + 1 === c.stamps.length ? 0 : c.head + 1;
    }
    c.inflight -= done;
    if (measuring) counts.completed += done;
    if (sending) {
      if (plan.rate === undefined) sendMessages(c, done, now);
      else pumpRate();
    }
    if (!sending && c.inflight === 0) connDone(c);
  };

  for (const c of live) {
    const s = c.socket as Socket;
    s.on("drain", () => {
      if (stream) streamPump(c);
    });
    s.on("end", () => {
      if (c.sent > c.received) counts.closedEarly++;
      c.socket = null;
      s.destroy();
      connDone(c);
    });
    s.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNRESET" || err.code === "EPIPE") counts.resets++;
      c.socket = null;
      connDone(c);
    });
    s.on("close", () => {
      c.socket = null;
      connDone(c);
    });
  }

  if (plan.warmupMs > 0) {
    setTimeout(() => {
      measuring = true;
      measureStart = performance.now();
    }, plan.warmupMs);
  }
  if (stream) for (const c of live) streamPump(c);
  else if (plan.rate === undefined) for (const c of live) sendMessages(c, pipeline, start);

  // Fixed rate: messages are issued at their planned times (by a 1 ms timer and
  // by every completion) and timed from then, so a server that queues cannot
  // hide it (no coordinated omission).
  let rateTimer: NodeJS.Timeout | undefined;
  let next = 0;
  const perMs = (plan.rate ?? 0) / 1000;
  pumpRate = (): void => {
    let due = Math.floor((performance.now() - start) * perMs) - issued;
    let tried = 0;
    while (due > 0 && sending && tried < live.length) {
      const c = live[next++ % live.length] as Conn;
      if (c.socket === null || c.inflight >= pipeline) {
        tried++;
        continue;
      }
      tried = 0;
      sendMessages(c, 1, start + issued / perMs);
      due--;
    }
  };
  if (plan.rate !== undefined && !stream) rateTimer = setInterval(pumpRate, 1);

  // Progress each second; a run that stops making progress ends after graceMs.
  let lastCompleted = -1;
  let stalledSince = performance.now();
  const progressTimer = setInterval(() => {
    const now = performance.now();
    onProgress?.({
      elapsedMs: now - (measuring ? measureStart : start),
      completed: counts.completed,
      bytes: counts.bytes,
      warmingUp: !measuring,
    });
    if (counts.completed !== lastCompleted || issued === 0) {
      lastCompleted = counts.completed;
      stalledSince = now;
    } else if (now - stalledSince > Math.max(plan.graceMs, 1000) && (!sending || countLimit !== undefined)) {
      finish();
    }
  }, 1000);

  let durationTimer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  if (countLimit === undefined) {
    durationTimer = setTimeout(() => {
      stopSending();
      // What is still in flight gets graceMs to come back.
      graceTimer = setTimeout(finish, plan.graceMs);
    }, plan.warmupMs + plan.durationMs);
  }

  await finished;
  if (countLimit !== undefined) counts.elapsedMs = performance.now() - measureStart;
  sending = false;
  clearInterval(progressTimer);
  clearInterval(rateTimer);
  clearTimeout(durationTimer);
  clearTimeout(graceTimer);
  for (const c of conns) {
    if (c.sent > c.received) counts.missingBytes += c.sent - c.received;
    c.socket?.destroy();
  }
  return { counts, latency, connectError };
}

async function connectAll(
  plan: LoadPlan,
  conns: Conn[],
  counts: LoadCounts,
  readBuffer: Buffer,
  onBytes: (c: Conn, nread: number, buf: Buffer) => void,
  onError: (err: EchoError) => void,
): Promise<void> {
  // At most 256 handshakes at once, so a thousand connections do not overflow the accept queue.
  let next = 0;
  const worker = async () => {
    while (next < conns.length) {
      const c = conns[next++] as Conn;
      try {
        c.socket = await openSocket(plan, readBuffer, (nread, buf) => onBytes(c, nread, buf));
        counts.connected++;
      } catch (err) {
        const e = toEchoError(err, { host: plan.host, port: plan.port, operation: "connect" });
        counts.connectErrors[e.code] = (counts.connectErrors[e.code] ?? 0) + 1;
        onError(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(256, conns.length) }, worker));
}

function openSocket(
  plan: LoadPlan,
  buffer: Buffer,
  callback: (nread: number, buf: Buffer) => void,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // onread: every connection reads into the same buffer; no allocation per read.
    const socket = netConnect({
      host: plan.host,
      port: plan.port,
      noDelay: true,
      onread: {
        buffer,
        callback: (nread: number, buf: Uint8Array) => {
          callback(nread, buf as Buffer);
          return true;
        },
      },
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new EchoError("ETIMEDOUT", { host: plan.host, port: plan.port, timeoutMs: plan.connectTimeoutMs }),
      );
    }, plan.connectTimeoutMs);
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
  });
}
