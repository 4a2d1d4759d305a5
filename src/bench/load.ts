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

import { connect as netConnect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { connect as tlsConnect } from "node:tls";
import { DEFAULT_KEEPALIVE_MS } from "../net/defaults.js";
import { tlsClientError, tlsConnectOptions, type ClientTlsOptions } from "../net/client-tls.js";
import { EchoError, toEchoError, type EchoErrorCode } from "../net/echo-error.js";
import { directSocket, type DirectSocket } from "../net/node-internals.js";
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
  /**
   * Connections still open at the end that never got a byte back: the server
   * accepted them but did not answer (past its capacity, or stuck).
   */
  neverEchoed: number;
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

interface Conn {
  readonly stream: number;
  socket: Socket | null;
  /** Reads and writes through the handle (ping-pong, pipelined, rate over plain TCP), or null. */
  direct: DirectSocket | null;
  first: number; // with a rate: the schedule's number of this connection's first message
  due: number; // with a rate: messages due so far
  msgs: number; // with a rate: messages sent
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
    neverEchoed: 0,
    elapsedMs: 0,
    busy: 0,
  };
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
      direct: null,
      first: 0,
      due: 0,
      msgs: 0,
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
    signal,
  );
  const live = conns.filter((c) => c.socket !== null);
  if (live.length === 0 || signal?.aborted) {
    for (const c of live) c.socket?.destroy();
    return { counts, latency, connectError };
  }

  // Phases: warming up (not measured) → measuring → no new sends → done.
  let measuring = plan.warmupMs <= 0;
  let sending = true;
  let issued = 0; // messages started
  const countLimit = plan.count;
  const start = performance.now();
  let measureStart = start;
  let loopAtStart = performance.eventLoopUtilization();
  // Called once, when measuring ends: at the duration's end, when stopped, or when every connection is gone.
  const measured = (): void => {
    if (!measuring) return; // ended while warming up: nothing was measured
    counts.elapsedMs = performance.now() - measureStart;
    counts.busy = performance.eventLoopUtilization(loopAtStart).utilization;
  };
  let open = live.length;
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => (finish = r));

  let rateTimer: NodeJS.Timeout | undefined;
  let rateImmediate: NodeJS.Immediate | undefined;
  const connDone = (c: Conn): void => {
    if (c.dead) return;
    c.dead = true;
    if (--open === 0) finish();
  };
  const stopSending = (): void => {
    if (!sending) return;
    sending = false;
    clearTimeout(rateTimer);
    clearImmediate(rateImmediate);
    if (countLimit === undefined) measured();
    // A connection that never got a byte back while others did is not waited for: the server is not answering it.
    const answered = live.some((c) => c.received > 0);
    for (const c of live)
      if ((c.inflight === 0 && c.received === c.sent) || (answered && c.received === 0)) connDone(c);
  };

  // Fixed rate (set below): due messages are counted by `rateDue`, sent by `rateSend`.
  let rateDue = (_now: number): void => {};
  let rateSend = (_c: Conn): void => {};
  const sendMessages = (c: Conn, wanted: number, stampAt: number): void => {
    const k = countLimit === undefined ? wanted : Math.min(wanted, countLimit - issued);
    if (k <= 0 || c.socket === null) return;
    const bytes = k * size;
    // One write for k messages; the pattern window is a view, no copy.
    send(c, pattern.at(c.sendPos, bytes));
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
      else {
        rateDue(now);
        rateSend(c); // a freed place in the pipeline takes a message that waited for it
      }
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

  let warmupTimer: NodeJS.Timeout | undefined;
  if (plan.warmupMs > 0) {
    warmupTimer = setTimeout(() => {
      measuring = true;
      measureStart = performance.now();
      loopAtStart = performance.eventLoopUtilization();
    }, plan.warmupMs);
  }
  if (stream) for (const c of live) streamPump(c);
  else if (plan.rate === undefined) for (const c of live) sendMessages(c, pipeline, start);

  // Fixed rate: message k of the connection with run-wide index g (of `total`)
  // is message m = k × total + g of the run, due at zero + m run-wide
  // intervals, so each connection keeps its share and the run's messages are
  // evenly spaced, across threads too (they share `zero`). A message is sent
  // as soon as it is due and its connection has room in its pipeline, and its
  // latency counts from when it was due: a server that falls behind cannot
  // hide it by holding the pipeline full (no coordinated omission).
  if (plan.rate !== undefined && !stream) {
    const n = conns.length;
    const total = Math.max(plan.totalConnections ?? n, firstStream + n);
    const interval = (1000 * n) / (plan.rate * total); // ms between the run's messages
    const zero = plan.rateEpoch !== undefined ? plan.rateEpoch - performance.timeOrigin : start;
    const dueAt = (m: number): number => zero + m * interval; // when message m of the run is due
    // The next message to fall due in this thread, the k-th of conns[i], due at nextDue.
    let k = 0;
    let i = 0;
    let nextDue = 0;
    // Moves to the first of this thread's messages numbered m or later.
    const seek = (m: number): void => {
      k = Math.floor(m / total);
      i = (m % total) - firstStream;
      if (i < 0) i = 0;
      else if (i >= n) {
        i = 0;
        k++;
      }
      nextDue = dueAt(k * total + firstStream + i);
    };
    seek(Math.max(0, Math.ceil((start - zero) / interval)));
    conns.forEach((c, j) => (c.first = j < i ? k + 1 : k));
    rateSend = (c: Conn): void => {
      const s = c.socket;
      let go = Math.min(c.due - c.msgs, pipeline - c.inflight);
      if (countLimit !== undefined) go = Math.min(go, countLimit - issued);
      if (go <= 0 || s === null || !sending) return;
      send(c, pattern.at(c.sendPos, go * size)); // one write for every message that can go
      c.sent += go * size;
      c.sendPos = pattern.advance(c.sendPos, go * size);
      for (let j = 0; j < go; j++) {
        c.stamps[c.tail] = dueAt((c.first + c.msgs + j) * total + c.stream);
        c.tail = c.tail + 1 === c.stamps.length ? 0 : c.tail + 1;
      }
      c.msgs += go;
      c.inflight += go;
      issued += go;
      if (countLimit !== undefined && issued >= countLimit) stopSending();
    };
    rateDue = (now: number): void => {
      if (nextDue > now || !sending) return;
      // The last message of the run due by now, by the same sum as dueAt's, so that rounding cannot set them apart.
      let last = Math.floor((now - zero) / interval);
      while (dueAt(last + 1) <= now) last++;
      while (dueAt(last) > now) last--;
      if (last - (k * total + firstStream + i) >= total) {
        // A whole round of the run or more fell due (a rate beyond what the
        // loop can keep up with): each connection's count is worked out, not
        // stepped through message by message, so that a turn of the event
        // loop costs at most one pass over the connections and timers,
        // progress and Ctrl-C still run.
        seek(last + 1);
        for (const c of conns) {
          c.due = Math.max(c.due, Math.floor((last - c.stream) / total) - c.first + 1);
          rateSend(c);
        }
        return;
      }
      const first = i;
      let fell = 0;
      while (nextDue <= now) {
        (conns[i] as Conn).due++;
        fell++;
        if (++i === n) {
          i = 0;
          k++;
        }
        nextDue = dueAt(k * total + firstStream + i);
      }
      if (fell >= n) for (const c of conns) rateSend(c);
      else for (let j = 0; j < fell; j++) rateSend(conns[(first + j) % n] as Conn);
    };
    // Woken for the next due time: a timer to within a millisecond of it (Node's
    // timers count whole milliseconds), then, for the rest, a turn of the event
    // loop at a time (I/O still runs), as long as that waiting stays under a
    // tenth of the run's time; past that budget the timer alone decides (at
    // most about a millisecond late). Completions in between also send what
    // has fallen due.
    let spentMs = 0; // waiting turn by turn
    let spinFrom = -1;
    const wake = (): void => {
      rateTimer = undefined;
      rateImmediate = undefined;
      if (!sending) return;
      let now = performance.now();
      if (spinFrom >= 0) spentMs += now - spinFrom;
      spinFrom = -1;
      rateDue(now);
      if (!sending) return;
      now = performance.now();
      const left = nextDue - now;
      if (left < 1 && spentMs < 2 + (now - start) / 10) {
        spinFrom = now;
        rateImmediate = setImmediate(wake);
      } else rateTimer = setTimeout(wake, Math.floor(left));
    };
    wake();
  }

  // Progress each second; a run that stops making progress ends after graceMs.
  // A slow fixed rate is no stall: a connection may wait a whole interval for its next message.
  const stallMs = Math.max(plan.graceMs, 1000, plan.rate ? (2000 * plan.connections) / plan.rate : 0);
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
    } else if (now - stalledSince > stallMs && (!sending || countLimit !== undefined)) {
      finish();
    }
  }, 1000);

  let durationTimer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const end = (): void => {
    stopSending();
    // What is still in flight gets graceMs to come back.
    graceTimer ??= setTimeout(finish, plan.graceMs);
  };
  if (countLimit === undefined) durationTimer = setTimeout(end, plan.warmupMs + plan.durationMs);
  signal?.addEventListener("abort", end, { once: true });

  await finished;
  // Measuring ends here for a count, and for a duration cut short (every connection lost).
  if (countLimit !== undefined || sending) measured();
  sending = false;
  signal?.removeEventListener("abort", end);
  clearInterval(progressTimer);
  clearTimeout(warmupTimer);
  clearTimeout(rateTimer);
  clearImmediate(rateImmediate);
  clearTimeout(durationTimer);
  clearTimeout(graceTimer);
  for (const c of conns) {
    if (c.sent > c.received) counts.missingBytes += c.sent - c.received;
    if (c.socket !== null && c.sent > 0 && c.received === 0) counts.neverEchoed++;
    c.socket?.destroy();
  }
  return { counts, latency, connectError };
}

function send(c: Conn, data: Buffer): void {
  if (c.direct !== null) c.direct.write(data);
  else (c.socket as Socket).write(data);
}

async function connectAll(
  plan: LoadPlan,
  conns: Conn[],
  counts: LoadCounts,
  readBuffer: Buffer,
  onBytes: (c: Conn, nread: number, buf: Buffer) => void,
  onError: (err: EchoError) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  // At most 256 handshakes at once, so a thousand connections do not overflow the accept queue.
  let next = 0;
  // Handshakes under way, each by the function that gives it up; one listener on the signal for them all.
  const pending = new Set<() => void>();
  const abort = (): void => {
    for (const giveUp of pending) giveUp();
  };
  signal?.addEventListener("abort", abort, { once: true });
  const worker = async () => {
    while (next < conns.length && signal?.aborted !== true) {
      const c = conns[next++] as Conn;
      try {
        c.socket = await openSocket(
          plan,
          readBuffer,
          (nread, buf) => {
            onBytes(c, nread, buf);
            return true; // keep reading
          },
          pending,
        );
        counts.connected++;
        if (!plan.tls && !plan.stream)
          c.direct = directSocket(c.socket, (nread) => onBytes(c, nread, readBuffer));
      } catch (err) {
        if (signal?.aborted) return; // stopped, not failed
        const where = { host: plan.host, port: plan.port, operation: "connect" };
        const e =
          (plan.tls ? tlsClientError(err, where, plan.tls.servername ?? plan.host) : undefined) ??
          toEchoError(err, where);
        counts.connectErrors[e.code] = (counts.connectErrors[e.code] ?? 0) + 1;
        onError(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(256, conns.length) }, worker));
  signal?.removeEventListener("abort", abort);
}

function openSocket(
  plan: LoadPlan,
  buffer: Buffer,
  callback: (nread: number, buf: Buffer) => boolean,
  pending: Set<() => void>,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const keepAlive = plan.keepAlive ?? DEFAULT_KEEPALIVE_MS;
    let socket: Socket;
    if (plan.tls) {
      // TLS decrypts into buffers of its own, so there is no shared read buffer to lend it.
      socket = tlsConnect(tlsConnectOptions(plan.host, plan.port, plan.tls));
      socket.on("data", (b: Buffer) => callback(b.length, b));
    } else {
      // onread: every connection reads into the same buffer; no allocation per read.
      socket = netConnect({
        host: plan.host,
        port: plan.port,
        noDelay: true,
        onread: { buffer, callback: callback as (nread: number, buf: Uint8Array) => boolean },
      });
    }
    // 0: no connect timeout, the kernel's own retries decide.
    const timer =
      plan.connectTimeoutMs > 0
        ? setTimeout(() => {
            socket.destroy();
            reject(
              new EchoError("ETIMEDOUT", {
                host: plan.host,
                port: plan.port,
                timeoutMs: plan.connectTimeoutMs,
              }),
            );
          }, plan.connectTimeoutMs)
        : undefined;
    // Given up when the run is stopped while connecting.
    const giveUp = (): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error("stopped"));
    };
    pending.add(giveUp);
    socket.once("error", (err) => {
      clearTimeout(timer);
      pending.delete(giveUp);
      reject(err);
    });
    socket.once(plan.tls ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      pending.delete(giveUp);
      socket.setNoDelay(true);
      if (keepAlive > 0) socket.setKeepAlive(true, keepAlive);
      resolve(socket);
    });
  });
}
