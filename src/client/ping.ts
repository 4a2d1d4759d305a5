/**
 * TCP ping against an echo server: one connection, a small numbered probe
 * every interval, the echo's round-trip time per probe, and at the end the
 * statistics a `ping` user expects. Or, with `connectOnly`, the time of a fresh
 * TCP handshake per probe, for services that do not echo. With `tls` the
 * echoes go over one TLS session (the handshake is not part of any echo's
 * time), and a connect-only probe times the TCP and the TLS handshake apart.
 *
 * How echoes are matched: every probe has the same size, and TCP delivers in
 * order, so the k-th `size`-byte unit read back on a connection is the echo of
 * the k-th probe sent on it. Each unit is compared with what was sent.
 *
 * @module
 */

import { lookup } from "node:dns/promises";
import { isIP, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { DEFAULT_PORT, parseHost, parsePort } from "../net/address.js";
import { clientTls, type ClientTls, type ClientTlsOptions } from "../net/client-tls.js";
import { EchoError, toEchoError, type EchoErrorContext } from "../net/echo-error.js";
import { checkKeepAlive, checkNumber, MAX_TIMER_MS } from "../net/options.js";
import { dial } from "../net/connector.js";
import { connect, type EchoClient } from "./connect.js";
import { summarizeRtts, type PingStats } from "./ping-stats.js";

/** Smallest probe: room for `seq=` and a number of up to 11 digits. */
export const PING_MIN_SIZE = 16;
/** Largest probe. */
export const PING_MAX_SIZE = 65535;
/** Default probe size, as iputils `ping` sends 56 data bytes. */
export const PING_DEFAULT_SIZE = 56;

/** Options of {@link ping}. Times are in milliseconds. */
export interface PingOptions {
  /** Server address or name; a name is resolved once, at the start. Default `127.0.0.1`. */
  host?: string;
  /** Server port. Default 9000. */
  port?: number;
  /** Number of probes; `undefined` pings until `signal` aborts. */
  count?: number;
  /** Time between the starts of two probes. Default 1000. */
  interval?: number;
  /**
   * How long a probe may take, counted from its start (connecting included)
   * to the end of its echo; 0: no limit, a probe waits for its echo as long
   * as the ping runs. Default: the interval, but at least 1000.
   */
  timeout?: number;
  /** Bytes per probe, 16 to 65535. Default 56. Ignored with `connectOnly`. */
  size?: number;
  /** Time a fresh TCP handshake per probe instead of an echo; sends no data. */
  connectOnly?: boolean;
  /**
   * Speak TLS, as `connect()` does. Echoes are timed over one TLS session;
   * with `connectOnly` each probe makes a TCP and then a TLS handshake and
   * reports both times (`tcpMs`, `tlsMs`). A TLS failure (certificate not
   * trusted, a server that does not speak TLS) ends the ping: it rejects with
   * ERR_TLS_VERIFY or ERR_TLS, since every further probe would fail alike.
   */
  tls?: ClientTls;
  /** TCP keepalive on the ping's connections, in ms of silence; 0 turns it off. Default 60000. */
  keepAlive?: number;
  /** Ends the ping early (as Ctrl-C does): probes still under way are left out, the rest is reported. */
  signal?: AbortSignal;
  /** Called once the name is resolved, before the first probe. */
  onStart?: (info: PingStart) => void;
  /**
   * Called as each probe ends, in the order they end; once more, with
   * `late: true`, when an echo comes back after its probe timed out.
   */
  onProbe?: (result: ProbeResult) => void;
}

/** What a ping is about to do, as {@link PingOptions.onStart} receives it. */
export interface PingStart {
  host: string;
  port: number;
  /** The IP address `host` resolved to; every probe goes there. */
  address: string;
  size: number;
  connectOnly: boolean;
  /** True when the probes go over TLS. */
  tls: boolean;
  interval: number;
  timeout: number;
}

/** How one probe ended. */
export interface ProbeResult {
  /** Probe number, from 1. */
  seq: number;
  /** True if the echo came back intact within the timeout (connect-only: the handshake completed). */
  ok: boolean;
  /**
   * Round-trip time in ms: write to the last byte of the echo (connect-only:
   * connect() to 'connect'; with TLS, to the end of the TLS handshake, i.e.
   * `tcpMs + tlsMs`).
   */
  rttMs?: number;
  /** Connect-only with TLS: the TCP handshake's time in ms (connect() to 'connect'). */
  tcpMs?: number;
  /** Connect-only with TLS: the TLS handshake's time in ms ('connect' to 'secureConnect'). */
  tlsMs?: number;
  /** Bytes echoed: the probe size when ok, else 0 (always 0 for connect-only). */
  bytes: number;
  /** Why the probe failed: ECONNREFUSED, ETIMEDOUT, ECONNRESET, ERR_PEER_CLOSED, ERR_ECHO_MISMATCH, … */
  error?: EchoError;
  /**
   * The echo came back after the probe had timed out: `rttMs` says when. The
   * probe still counts as lost (`ok` stays false, `error` is the timeout).
   */
  late?: boolean;
}

/** What {@link ping} resolves with. */
export interface PingReport extends PingStart {
  /** One result per probe that ended, by `seq`. */
  probes: ProbeResult[];
  /** Statistics of `rttMs` over the probes that succeeded. */
  stats: PingStats;
  /** Connect-only with TLS: the statistics of the TCP and of the TLS handshake times, apart. */
  handshakes?: { tcp: PingStats; tls: PingStats };
  /** From the first probe to the end of the last one, in ms. */
  elapsedMs: number;
}

const PATTERN = Buffer.from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

/**
 * The bytes of probe `seq`: an ASCII header naming it (`tcpecho ping seq=7 `,
 * or `seq=7 ` when the probe is too small for that), then letters and digits
 * repeating by position, so a server log shows what it is and every probe is
 * different.
 *
 * @example
 * ```ts
 * import { probePayload } from "./ping.js";
 * probePayload(7, 32).toString(); // "tcpecho ping seq=7 tuvwxyzABCDEF"
 * ```
 */
export function probePayload(seq: number, size: number): Buffer {
  const payload = Buffer.alloc(size, PATTERN);
  const long = `tcpecho ping seq=${seq} `;
  payload.write(long.length <= size ? long : `seq=${seq} `, 0, "latin1");
  return payload;
}

/** Probes awaiting their echo on one connection before it is given up as stuck. */
const MAX_AWAITING = 1024;

function checkOptions(options: PingOptions) {
  const host = parseHost(options.host ?? "127.0.0.1");
  const port = parsePort(options.port ?? DEFAULT_PORT, 1);
  const count =
    options.count === undefined ? undefined : checkNumber(options.count, "count", { integer: true, min: 1 });
  const interval = checkNumber(options.interval ?? 1000, "interval", { min: 1, max: MAX_TIMER_MS });
  const timeout = checkNumber(options.timeout ?? Math.max(interval, 1000), "timeout", { max: MAX_TIMER_MS });
  const size = checkNumber(options.size ?? PING_DEFAULT_SIZE, "size", {
    integer: true,
    min: PING_MIN_SIZE,
    max: PING_MAX_SIZE,
  });
  const keepAlive = checkKeepAlive(options.keepAlive);
  const tls = clientTls(options.tls);
  const connectOnly = options.connectOnly ?? false;
  return { host, port, count, interval, timeout, size, connectOnly, tls, keepAlive };
}

/** TLS options for probes to `address`, checking the certificate against the name the user gave. */
function probeTls(host: string, tls: ClientTlsOptions): ClientTlsOptions {
  const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined);
  return servername === undefined ? tls : { ...tls, servername };
}

/** A probe under way. */
interface Probe {
  seq: number;
  payload: Buffer | undefined;
  sentAt: number | undefined;
  /** The connection it was sent on, for the bytes-so-far in a timeout message. */
  line: Line | undefined;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
  timedOut: boolean;
  result: ProbeResult | undefined;
  /** Connect-only: cancels the handshake. */
  cancel: AbortController | undefined;
  /** Connect-only with TLS: the TCP handshake is done, the TLS one under way. */
  tlsHandshake: boolean;
  done: () => void;
  finished: Promise<void>;
}

/** The echo connection and the probes sent on it whose echo has not fully come back. */
interface Line {
  client: EchoClient;
  inflight: Probe[];
  parts: Buffer[];
  partLength: number;
  dead: boolean;
}

/** Ends a socket with a FIN and gives the server a second to close its side. */
function closePolitely(socket: Socket): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), 1000).unref();
  socket.once("close", () => clearTimeout(timer));
  socket.resume();
  socket.end();
}

function firstDifference(a: Buffer, b: Buffer): number {
  if (a.equals(b)) return -1;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

class Pinger {
  readonly #o: ReturnType<typeof checkOptions>;
  readonly #options: PingOptions;
  readonly #address: string;
  readonly #where: EchoErrorContext;
  readonly #results = new Map<number, ProbeResult>();
  readonly #pending = new Set<Probe>();
  #line: Line | undefined;
  #connecting: Promise<Line> | undefined;
  #connectAbort: AbortController | undefined;
  #stopped = false;
  #finished = false;
  #callbackError: { error: unknown } | undefined;
  /** A TLS failure: it ends the ping, which rejects with it. */
  #fatal: EchoError | undefined;
  #wake: (() => void) | undefined;

  constructor(o: ReturnType<typeof checkOptions>, options: PingOptions, address: string) {
    this.#o = o;
    this.#options = options;
    this.#address = address;
    this.#where = { host: address, port: o.port };
    this.#tls = o.tls === null ? null : probeTls(o.host, o.tls);
  }

  readonly #tls: ClientTlsOptions | null;

  async run(): Promise<PingReport> {
    const o = this.#o;
    const signal = this.#options.signal;
    const onAbort = () => this.#stop();
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) this.#stop();
    const start = performance.now();
    try {
      for (let seq = 1; o.count === undefined || seq <= o.count; seq++) {
        if (seq > 1) await this.#sleepUntil(start + (seq - 1) * o.interval);
        if (this.#stopped) break;
        if (o.connectOnly) this.#handshakeProbe(seq);
        else this.#echoProbe(seq);
      }
      if (!this.#stopped) {
        await Promise.race([
          Promise.all([...this.#pending].map((p) => p.finished)),
          new Promise<void>((resolve) => (this.#wake = resolve)),
        ]);
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.#finish();
    }
    const elapsedMs = performance.now() - start;
    if (this.#callbackError) throw this.#callbackError.error;
    if (this.#fatal) throw this.#fatal;
    const probes = [...this.#results.values()].sort((a, b) => a.seq - b.seq);
    const ok = probes.filter((p) => p.ok);
    const stats = summarizeRtts(
      ok.map((p) => p.rttMs as number),
      probes.length,
    );
    const report: PingReport = { ...this.#start(), probes, stats, elapsedMs };
    if (o.connectOnly && o.tls !== null) {
      report.handshakes = {
        tcp: summarizeRtts(
          ok.map((p) => p.tcpMs as number),
          probes.length,
        ),
        tls: summarizeRtts(
          ok.map((p) => p.tlsMs as number),
          probes.length,
        ),
      };
    }
    return report;
  }

  #start(): PingStart {
    const o = this.#o;
    return {
      host: o.host,
      port: o.port,
      address: this.#address,
      size: o.size,
      connectOnly: o.connectOnly,
      tls: o.tls !== null,
      interval: o.interval,
      timeout: o.timeout,
    };
  }

  /** Calls onStart; an exception there rejects the ping. */
  start(): void {
    this.#options.onStart?.(this.#start());
  }

  /** Stops sending; probes under way are dropped from the report. */
  #stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  /** Waits until `performance.now()` reaches `at`, or the ping is stopped. */
  async #sleepUntil(at: number): Promise<void> {
    // Timers count from the event loop's cached clock and can fire a little early: wait again.
    for (let ms = at - performance.now(); ms > 0 && !this.#stopped; ms = at - performance.now()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.ceil(ms));
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  #finish(): void {
    this.#finished = true;
    for (const probe of this.#pending) {
      clearTimeout(probe.timer);
      probe.cancel?.abort();
      probe.done();
    }
    this.#pending.clear();
    this.#connectAbort?.abort();
    if (this.#line) closePolitely(this.#line.client.socket);
  }

  #newProbe(seq: number): Probe {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const probe: Probe = {
      seq,
      payload: undefined,
      sentAt: undefined,
      line: undefined,
      timer: undefined,
      settled: false,
      timedOut: false,
      result: undefined,
      cancel: undefined,
      tlsHandshake: false,
      done,
      finished,
    };
    this.#pending.add(probe);
    if (this.#o.timeout > 0) probe.timer = setTimeout(() => this.#timedOut(probe), this.#o.timeout);
    return probe;
  }

  #report(result: ProbeResult): void {
    this.#results.set(result.seq, result);
    try {
      this.#options.onProbe?.(result);
    } catch (error) {
      this.#callbackError ??= { error };
      this.#stop();
    }
  }

  #settle(probe: Probe, result: ProbeResult): void {
    if (probe.settled || this.#finished) return;
    probe.settled = true;
    probe.result = result;
    clearTimeout(probe.timer);
    this.#pending.delete(probe);
    probe.done();
    this.#report(result);
  }

  #fail(probe: Probe, error: unknown): void {
    const err = toEchoError(error, { ...this.#where, operation: "connect" });
    if (err.code === "ERR_TLS" || err.code === "ERR_TLS_VERIFY") {
      if (probe.settled || this.#finished) return;
      this.#fatal ??= err;
      this.#stop();
      return;
    }
    this.#settle(probe, { seq: probe.seq, ok: false, bytes: 0, error: err });
  }

  #timedOut(probe: Probe): void {
    const timeoutMs = this.#o.timeout;
    const ctx: EchoErrorContext = { ...this.#where, timeoutMs, operation: "connect" };
    if (probe.tlsHandshake) ctx.operation = "tls handshake";
    if (probe.sentAt !== undefined) {
      ctx.operation = "read";
      const line = probe.line;
      if (line && line.inflight[0] === probe && line.partLength > 0) {
        ctx.received = line.partLength;
        ctx.expected = this.#o.size;
      }
    }
    probe.timedOut = true;
    probe.cancel?.abort();
    this.#settle(probe, { seq: probe.seq, ok: false, bytes: 0, error: new EchoError("ETIMEDOUT", ctx) });
  }

  // --- connect-only --------------------------------------------------------

  #handshakeProbe(seq: number): void {
    const probe = this.#newProbe(seq);
    const tls = this.#tls;
    const cancel = new AbortController();
    probe.cancel = cancel;
    dial({
      host: this.#address,
      port: this.#o.port,
      keepAlive: this.#o.keepAlive,
      tls,
      signal: cancel.signal,
      // For a timeout's wording: which handshake it stopped.
      onSocket: (tcp) => tcp.once("connect", () => (probe.tlsHandshake = tls !== null)),
    }).then(
      ({ socket, tcpMs, tlsMs }) => {
        probe.cancel = undefined;
        const rtt = tlsMs === undefined ? { rttMs: tcpMs } : { rttMs: tcpMs + tlsMs, tcpMs, tlsMs };
        this.#settle(probe, { seq, ok: true, ...rtt, bytes: 0 });
        closePolitely(socket);
      },
      (err: unknown) => {
        if (!cancel.signal.aborted) this.#fail(probe, err);
      },
    );
  }

  // --- echo ----------------------------------------------------------------

  #echoProbe(seq: number): void {
    const probe = this.#newProbe(seq);
    const line = this.#line;
    if (line && line.inflight.length >= MAX_AWAITING) {
      // So many echoes overdue that the server has stopped reading or answering on this
      // connection: give it up (bounding memory) and try a fresh one.
      const timeoutMs = this.#o.timeout;
      this.#lineDown(line, new EchoError("ETIMEDOUT", { ...this.#where, operation: "read", timeoutMs }));
    }
    if (line && !line.dead) {
      this.#send(line, probe);
      return;
    }
    this.#openLine().then(
      (l) => {
        if (!probe.settled && !this.#finished) this.#send(l, probe);
      },
      (err: unknown) => this.#fail(probe, err),
    );
  }

  #send(line: Line, probe: Probe): void {
    if (line.dead) {
      // The connection broke while this probe waited for it; the next one reconnects.
      this.#fail(
        probe,
        new EchoError("ERR_PEER_CLOSED", { ...this.#where, received: 0, expected: this.#o.size }),
      );
      return;
    }
    probe.payload = probePayload(probe.seq, this.#o.size);
    probe.line = line;
    line.inflight.push(probe);
    probe.sentAt = performance.now();
    line.client.socket.write(probe.payload);
  }

  /** The current connection, or one being made; one attempt at a time, shared by the probes that wait. */
  #openLine(): Promise<Line> {
    if (this.#connecting) return this.#connecting;
    const abort = new AbortController();
    this.#connectAbort = abort;
    const attempt = connect({
      host: this.#address,
      port: this.#o.port,
      signal: abort.signal,
      keepAlive: this.#o.keepAlive,
      ...(this.#tls !== null ? { tls: this.#tls } : {}),
    }).then(
      (client) => {
        this.#connecting = undefined;
        const line: Line = { client, inflight: [], parts: [], partLength: 0, dead: false };
        if (this.#finished) {
          client.destroy();
          line.dead = true;
          return line;
        }
        this.#line = line;
        this.#watch(line);
        return line;
      },
      (err: unknown) => {
        this.#connecting = undefined;
        throw err;
      },
    );
    this.#connecting = attempt;
    return attempt;
  }

  #watch(line: Line): void {
    const socket = line.client.socket;
    const size = this.#o.size;
    socket.on("data", (chunk: Buffer) => {
      const now = performance.now();
      line.parts.push(chunk);
      line.partLength += chunk.length;
      if (line.partLength < size) return;
      const all = line.parts.length === 1 ? chunk : Buffer.concat(line.parts, line.partLength);
      let at = 0;
      while (all.length - at >= size && !line.dead) {
        const unit = all.subarray(at, at + size);
        at += size;
        const probe = line.inflight.shift();
        if (probe === undefined) {
          // More bytes than were sent: this is no echo of ours; start afresh.
          this.#lineDown(line, new EchoError("ERR_ECHO_MISMATCH", { ...this.#where, offset: 0 }));
          return;
        }
        this.#echoed(probe, unit, now);
      }
      const rest = all.subarray(at);
      line.parts = rest.length > 0 ? [rest] : [];
      line.partLength = rest.length;
    });
    socket.on("error", (err) =>
      this.#lineDown(line, toEchoError(err, { ...this.#where, operation: "read" })),
    );
    socket.on("end", () => this.#lineDown(line, undefined));
    socket.on("close", () => this.#lineDown(line, undefined));
    socket.resume();
  }

  #echoed(probe: Probe, unit: Buffer, now: number): void {
    const rttMs = now - (probe.sentAt as number);
    const offset = firstDifference(unit, probe.payload as Buffer);
    if (probe.settled) {
      // Its timeout has passed: say that it came after all, but do not count it.
      if (probe.timedOut && offset < 0 && probe.result && !this.#finished) {
        this.#report({ ...probe.result, rttMs, late: true });
      }
      return;
    }
    if (offset < 0) this.#settle(probe, { seq: probe.seq, ok: true, rttMs, bytes: unit.length });
    else this.#fail(probe, new EchoError("ERR_ECHO_MISMATCH", { ...this.#where, offset }));
  }

  /** The connection is gone: its probes still waiting fail, and the next probe reconnects. */
  #lineDown(line: Line, error: EchoError | undefined): void {
    if (line.dead) return;
    line.dead = true;
    if (this.#line === line) this.#line = undefined;
    line.inflight.forEach((probe, i) => {
      const received = i === 0 ? line.partLength : 0;
      this.#fail(
        probe,
        error ?? new EchoError("ERR_PEER_CLOSED", { ...this.#where, received, expected: this.#o.size }),
      );
    });
    line.inflight = [];
    line.client.socket.destroy();
  }
}

/**
 * Pings an echo server over TCP, as {@link PingOptions} describe, and resolves
 * with every probe's result and the statistics (see `summarizeRtts`). Never
 * prints.
 *
 * One connection carries every probe; probes are sent on schedule, without
 * waiting for the previous echo. When the connection fails or the server
 * closes it, the probes waiting on it fail with the reason (ECONNRESET,
 * ERR_PEER_CLOSED, …) and the next probe connects again, so a server restart
 * shows as loss, then recovery. A refused connection fails that probe with
 * ECONNREFUSED. An echo that differs from the probe fails it with
 * ERR_ECHO_MISMATCH (the connection is kept: probes are matched by their place
 * in the stream). An echo later than `timeout` is reported again with
 * `late: true` but counts as lost.
 *
 * Rejects only on bad options (`isUsageError`), a name that does not
 * resolve (ENOTFOUND, EAI_AGAIN), or with `tls` a failed TLS handshake
 * (ERR_TLS_VERIFY, ERR_TLS); a failing network is in the report. An abort
 * (`signal`) resolves with the probes that had ended.
 *
 * @example
 * ```ts
 * import { createEchoServer, ping } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const report = await ping({
 *   host: "127.0.0.1",
 *   port: (await server.listen()).port,
 *   count: 3,
 *   interval: 200,
 *   onProbe: (p) => console.log(p.seq, p.ok ? `${p.rttMs?.toFixed(3)} ms` : p.error?.message),
 * });
 * console.log(report.stats); // { sent: 3, echoed: 3, lost: 0, lossPercent: 0, min: …, p99: … }
 * await server.close();
 * ```
 */
export async function ping(options: PingOptions = {}): Promise<PingReport> {
  const o = checkOptions(options);
  let address: string;
  try {
    address = (await lookup(o.host)).address;
  } catch (err) {
    throw toEchoError(err, { host: o.host, port: o.port, operation: "lookup" });
  }
  const pinger = new Pinger(o, options, address);
  pinger.start();
  return pinger.run();
}
