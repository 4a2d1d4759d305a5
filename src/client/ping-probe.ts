/**
 * What `ping`'s schedule (ping.ts) and its two kinds of probe share: a
 * probe's result as the caller gets it, its record while it is under way, and
 * what each side does for the other. An echo probe (ping-echo.ts) times an
 * echo over the one connection; a connect-only probe (ping-handshake.ts)
 * times a fresh handshake. The schedule starts them on time, times them out,
 * reports them and sums them up, whichever kind they are.
 *
 * @module
 */

import type { Socket } from "node:net";
import type { ClientTlsOptions } from "../net/client-tls.js";
import type { EchoError, EchoErrorContext } from "../net/echo-error.js";

/** What every probe's result says, whichever its kind; a failed probe's result says no more. */
export interface ProbeOutcome {
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
  /** Bytes echoed: the probe size when ok, else 0 (always 0 for connect-only). */
  bytes: number;
  /** Why the probe failed: ECONNREFUSED, ETIMEDOUT, ECONNRESET, ERR_PEER_CLOSED, ERR_ECHO_MISMATCH, … */
  error?: EchoError;
}

/**
 * How an echo probe ended. It never has the handshake times (`tcpMs`,
 * `tlsMs` are there only so that code reading them from any
 * {@link ProbeResult} compiles).
 */
export interface EchoProbeResult extends ProbeOutcome {
  /**
   * The echo came back after the probe had timed out: `rttMs` says when. The
   * probe still counts as lost (`ok` stays false, `error` is the timeout).
   */
  late?: boolean;
  tcpMs?: undefined;
  tlsMs?: undefined;
}

/** How a connect-only probe ended. Nothing comes back late from a handshake (`late` is never set). */
export interface HandshakeProbeResult extends ProbeOutcome {
  /** With TLS: the TCP handshake's time in ms (connect() to 'connect'). */
  tcpMs?: number;
  /** With TLS: the TLS handshake's time in ms ('connect' to 'secureConnect'). */
  tlsMs?: number;
  late?: undefined;
}

/** How one probe ended: an echo's, or with `connectOnly` a handshake's. */
export type ProbeResult = EchoProbeResult | HandshakeProbeResult;

/** A probe under way, as the schedule keeps it; each kind's record adds what it waits on. */
export interface Probe {
  readonly seq: number;
  /** Its timeout, when there is one. */
  timer: NodeJS.Timeout | undefined;
  /** Its result is out, or the ping has ended: only a late echo is said after this. */
  settled: boolean;
  /** The result its timeout gave it, once that passed: an echo after it is reported as late. */
  timedOut: ProbeOutcome | undefined;
  /** Resolves `finished`. */
  done: () => void;
  /** Resolves when the probe has ended, however. */
  readonly finished: Promise<void>;
}

/** A new probe record: the schedule's fields, and `own`, the fields of its kind. */
export function probeRecord<T extends object>(seq: number, own: T): Probe & T {
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  return { seq, timer: undefined, settled: false, timedOut: undefined, done, finished, ...own };
}

/** Where and how every probe goes, checked and resolved. Times are in ms. */
export interface ProbeTarget {
  /** The IP address the host resolved to. */
  address: string;
  port: number;
  /** Bytes per echo probe. */
  size: number;
  /** How long a probe may take; 0: no limit. */
  timeout: number;
  keepAlive: number;
  /** TLS, with the name to check the certificate against; null for plain TCP. */
  tls: ClientTlsOptions | null;
}

/** What the schedule does for a kind of probe. */
export interface ProbeSchedule {
  readonly target: ProbeTarget;
  /** The server, as an error's context names it. */
  readonly where: EchoErrorContext;
  /** True once the ping has ended: results are no longer reported. */
  readonly finished: boolean;
  /** Counts `probe` as under way and starts its timeout; returns it. */
  track<P extends Probe>(probe: P): P;
  /** Ends `probe` with `result` and reports it, unless it has ended already. */
  settle(probe: Probe, result: ProbeResult): void;
  /** Ends `probe` as failed with `error`; a TLS failure ends the whole ping. */
  fail(probe: Probe, error: unknown): void;
  /** Reports a result again after its probe ended (a late echo). */
  report(result: ProbeResult): void;
}

/** One kind of probe, as the schedule drives it. */
export interface ProbeKind<P extends Probe> {
  /** Starts probe `seq`: its record (given to `ProbeSchedule.track`), and what it sends. */
  start(seq: number): void;
  /** What a timeout stopped: the operation, and for an echo the bytes of it so far. */
  timeoutContext(probe: P): EchoErrorContext;
  /** Gives up what `probe` waits for: its timeout has passed, or the ping has ended. */
  cancel(probe: P): void;
  /** The ping has ended: closes what is open. */
  close(): void;
}

/** Ends a socket with a FIN and gives the server a second to close its side. */
export function closePolitely(socket: Socket): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), 1000).unref();
  socket.once("close", () => clearTimeout(timer));
  socket.resume();
  socket.end();
}
