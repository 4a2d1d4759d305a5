/**
 * TCP ping against an echo server: one connection, a small numbered probe
 * every interval, the echo's round-trip time per probe, and at the end the
 * statistics a `ping` user expects. Or, with `connectOnly`, the time of a fresh
 * TCP handshake per probe, for services that do not echo. With `tls` the
 * echoes go over one TLS session (the handshake is not part of any echo's
 * time), and a connect-only probe times the TCP and the TLS handshake apart.
 *
 * Here: the options, the schedule (a probe every interval, each timed out),
 * the results and the statistics. The probes themselves are
 * ping-echo.ts's (echoes over one connection) and ping-handshake.ts's
 * (connect-only).
 *
 * @module
 */

import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { performance } from "node:perf_hooks";
import { DEFAULT_PORT, parseHost, parsePort } from "../net/address.js";
import { clientTls, type ClientTls, type ClientTlsOptions } from "../net/client-tls.js";
import { DEFAULT_HOST } from "../net/defaults.js";
import { EchoError, toEchoError, type EchoErrorContext } from "../net/echo-error.js";
import { checkKeepAlive, checkNumber, MAX_TIMER_MS } from "../net/options.js";
import { EchoProbes } from "./ping-echo.js";
import { HandshakeProbes } from "./ping-handshake.js";
import type { Probe, ProbeKind, ProbeResult, ProbeSchedule, ProbeTarget } from "./ping-probe.js";
import { summarizeRtts, type PingStats } from "./ping-stats.js";

export { probePayload } from "./ping-echo.js";
export type { EchoProbeResult, HandshakeProbeResult, ProbeResult } from "./ping-probe.js";

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

/** Smallest probe: room for `seq=` and a number of up to 11 digits. */
export const PING_MIN_SIZE = 16;
/** Largest probe. */
export const PING_MAX_SIZE = 65535;
/** Default probe size, as iputils `ping` sends 56 data bytes. */
export const PING_DEFAULT_SIZE = 56;
/** Default time between the starts of two probes, in ms. */
export const PING_DEFAULT_INTERVAL = 1000;
/** The shortest default timeout, in ms: a probe's default timeout is the interval, but at least this. */
export const PING_MIN_DEFAULT_TIMEOUT = 1000;

function checkOptions(options: PingOptions) {
  const host = parseHost(options.host ?? DEFAULT_HOST);
  const port = parsePort(options.port ?? DEFAULT_PORT, 1);
  const count =
    options.count === undefined ? undefined : checkNumber(options.count, "count", { integer: true, min: 1 });
  const interval = checkNumber(options.interval ?? PING_DEFAULT_INTERVAL, "interval", {
    min: 1,
    max: MAX_TIMER_MS,
  });
  const timeout = checkNumber(options.timeout ?? Math.max(interval, PING_MIN_DEFAULT_TIMEOUT), "timeout", {
    max: MAX_TIMER_MS,
  });
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

type CheckedOptions = ReturnType<typeof checkOptions>;

/** TLS options for probes to `address`, checking the certificate against the name the user gave. */
function probeTls(host: string, tls: ClientTlsOptions): ClientTlsOptions {
  const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined);
  return servername === undefined ? tls : { ...tls, servername };
}

/** The statistics of a ping's probes: the round trips', and with TLS connect-only each handshake's apart. */
function summarize(o: CheckedOptions, probes: ProbeResult[]): Pick<PingReport, "stats" | "handshakes"> {
  const ok = probes.filter((p) => p.ok);
  const of = (ms: (p: ProbeResult) => number | undefined) =>
    summarizeRtts(
      ok.map((p) => ms(p) as number),
      probes.length,
    );
  const stats = of((p) => p.rttMs);
  if (!o.connectOnly || o.tls === null) return { stats };
  return { stats, handshakes: { tcp: of((p) => p.tcpMs), tls: of((p) => p.tlsMs) } };
}

/**
 * The schedule of a ping: a probe of its kind every interval, each timed out,
 * its result reported, and at the end the report.
 */
class Pinger implements ProbeSchedule {
  readonly #o: CheckedOptions;
  readonly #options: PingOptions;
  readonly target: ProbeTarget;
  readonly where: EchoErrorContext;
  readonly #kind: ProbeKind<Probe>;
  readonly #results = new Map<number, ProbeResult>();
  readonly #pending = new Set<Probe>();
  #stopped = false;
  #finished = false;
  #callbackError: { error: unknown } | undefined;
  /** A TLS failure: it ends the ping, which rejects with it. */
  #fatal: EchoError | undefined;
  #wake: (() => void) | undefined;

  constructor(o: CheckedOptions, options: PingOptions, address: string) {
    this.#o = o;
    this.#options = options;
    const { port, size, timeout, keepAlive } = o;
    const tls = o.tls === null ? null : probeTls(o.host, o.tls);
    this.target = { address, port, size, timeout, keepAlive, tls };
    this.where = { host: address, port };
    this.#kind = o.connectOnly ? new HandshakeProbes(this) : new EchoProbes(this);
  }

  get finished(): boolean {
    return this.#finished;
  }

  async run(): Promise<PingReport> {
    const signal = this.#options.signal;
    const onAbort = () => this.#stop();
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) this.#stop();
    const start = performance.now();
    try {
      await this.#probeOnSchedule(start);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.#finish();
    }
    const elapsedMs = performance.now() - start;
    if (this.#callbackError) throw this.#callbackError.error;
    if (this.#fatal) throw this.#fatal;
    const probes = [...this.#results.values()].sort((a, b) => a.seq - b.seq);
    const { stats, handshakes } = summarize(this.#o, probes);
    return { ...this.#start(), probes, stats, elapsedMs, ...(handshakes ? { handshakes } : {}) };
  }

  /** Starts every probe on time, then waits for those under way, until the count or a stop. */
  async #probeOnSchedule(start: number): Promise<void> {
    const { count, interval } = this.#o;
    for (let seq = 1; count === undefined || seq <= count; seq++) {
      if (seq > 1) await this.#sleepUntil(start + (seq - 1) * interval);
      if (this.#stopped) break;
      this.#kind.start(seq);
    }
    if (this.#stopped) return;
    await Promise.race([
      Promise.all([...this.#pending].map((p) => p.finished)),
      new Promise<void>((resolve) => (this.#wake = resolve)),
    ]);
  }

  #start(): PingStart {
    const o = this.#o;
    return {
      host: o.host,
      port: o.port,
      address: this.target.address,
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
      this.#kind.cancel(probe);
      probe.done();
    }
    this.#pending.clear();
    this.#kind.close();
  }

  track<P extends Probe>(probe: P): P {
    this.#pending.add(probe);
    if (this.#o.timeout > 0) probe.timer = setTimeout(() => this.#timedOut(probe), this.#o.timeout);
    return probe;
  }

  report(result: ProbeResult): void {
    this.#results.set(result.seq, result);
    try {
      this.#options.onProbe?.(result);
    } catch (error) {
      this.#callbackError ??= { error };
      this.#stop();
    }
  }

  settle(probe: Probe, result: ProbeResult): void {
    if (probe.settled || this.#finished) return;
    probe.settled = true;
    clearTimeout(probe.timer);
    this.#pending.delete(probe);
    probe.done();
    this.report(result);
  }

  fail(probe: Probe, error: unknown): void {
    const err = toEchoError(error, { ...this.where, operation: "connect" });
    if (err.code === "ERR_TLS" || err.code === "ERR_TLS_VERIFY") {
      if (probe.settled || this.#finished) return;
      this.#fatal ??= err;
      this.#stop();
      return;
    }
    this.settle(probe, { seq: probe.seq, ok: false, bytes: 0, error: err });
  }

  #timedOut(probe: Probe): void {
    const timeoutMs = this.#o.timeout;
    const ctx: EchoErrorContext = { ...this.where, timeoutMs, ...this.#kind.timeoutContext(probe) };
    const result = { seq: probe.seq, ok: false, bytes: 0, error: new EchoError("ETIMEDOUT", ctx) };
    probe.timedOut = result;
    this.#kind.cancel(probe);
    this.settle(probe, result);
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
