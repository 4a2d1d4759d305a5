/**
 * `ping`'s echo probes: every probe goes over one connection, opened through
 * `connect()` (with TLS, one TLS session: the handshake is no part of any
 * echo's time), and opened again by the next probe when it breaks.
 *
 * How echoes are matched: every probe has the same size, and TCP delivers in
 * order, so the k-th `size`-byte unit read back on a connection is the echo of
 * the k-th probe sent on it. Each unit is compared with what was sent.
 *
 * @module
 */

import { performance } from "node:perf_hooks";
import { EchoError, toEchoError, type EchoErrorContext } from "../net/echo-error.js";
import { connect, type EchoClient } from "./connect.js";
import { closePolitely, probeRecord, type Probe, type ProbeKind, type ProbeSchedule } from "./ping-probe.js";

const PATTERN = Buffer.from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

/**
 * The bytes of probe `seq`: an ASCII header naming it (`tcpecho ping seq=7 `,
 * or `seq=7 ` when the probe is too small for that), then letters and digits
 * repeating by position, so a server log shows what it is and every probe is
 * different.
 *
 * @example
 * ```ts
 * import { probePayload } from "./ping-echo.js";
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

/** An echo probe under way. */
interface EchoProbe extends Probe {
  /** What was sent, once it was. */
  payload: Buffer | undefined;
  sentAt: number | undefined;
  /** The connection it was sent on, for the bytes-so-far in a timeout message. */
  connection: EchoConnection | undefined;
}

/**
 * The connection the echo probes go over, and the probes sent on it whose
 * echo has not fully come back, oldest first: the next `size` bytes read are
 * the echo of `inflight[0]`.
 */
interface EchoConnection {
  client: EchoClient;
  inflight: EchoProbe[];
  /** Bytes read that do not make a whole echo yet. */
  parts: Buffer[];
  partLength: number;
  /** Broken or given up: no probe is sent on it again. */
  dead: boolean;
}

function firstDifference(a: Buffer, b: Buffer): number {
  if (a.equals(b)) return -1;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

/** Echo probes: one connection, a numbered probe written on it each time, its echo timed. */
export class EchoProbes implements ProbeKind<EchoProbe> {
  readonly #schedule: ProbeSchedule;
  #connection: EchoConnection | undefined;
  #connecting: Promise<EchoConnection> | undefined;
  #connectAbort: AbortController | undefined;

  constructor(schedule: ProbeSchedule) {
    this.#schedule = schedule;
  }

  start(seq: number): void {
    const probe = this.#schedule.track<EchoProbe>(
      probeRecord(seq, { payload: undefined, sentAt: undefined, connection: undefined }),
    );
    const connection = this.#connection;
    if (connection && connection.inflight.length >= MAX_AWAITING) {
      // So many echoes overdue that the server has stopped reading or answering on this
      // connection: give it up (bounding memory) and try a fresh one.
      const timeoutMs = this.#schedule.target.timeout;
      this.#down(
        connection,
        new EchoError("ETIMEDOUT", { ...this.#schedule.where, operation: "read", timeoutMs }),
      );
    }
    if (connection && !connection.dead) {
      this.#send(connection, probe);
      return;
    }
    this.#open().then(
      (opened) => {
        if (!probe.settled && !this.#schedule.finished) this.#send(opened, probe);
      },
      (err: unknown) => this.#schedule.fail(probe, err),
    );
  }

  timeoutContext(probe: EchoProbe): EchoErrorContext {
    if (probe.sentAt === undefined) return { operation: "connect" };
    const connection = probe.connection;
    if (connection && connection.inflight[0] === probe && connection.partLength > 0)
      return { operation: "read", received: connection.partLength, expected: this.#schedule.target.size };
    return { operation: "read" };
  }

  cancel(): void {
    // An echo is not called back: if it comes after all, it is said to be late.
  }

  close(): void {
    this.#connectAbort?.abort();
    if (this.#connection) closePolitely(this.#connection.client.socket);
  }

  #send(connection: EchoConnection, probe: EchoProbe): void {
    const { where, target } = this.#schedule;
    if (connection.dead) {
      // The connection broke while this probe waited for it; the next one reconnects.
      this.#schedule.fail(
        probe,
        new EchoError("ERR_PEER_CLOSED", { ...where, received: 0, expected: target.size }),
      );
      return;
    }
    probe.payload = probePayload(probe.seq, target.size);
    probe.connection = connection;
    connection.inflight.push(probe);
    probe.sentAt = performance.now();
    connection.client.socket.write(probe.payload);
  }

  /** The current connection, or one being made; one attempt at a time, shared by the probes that wait. */
  #open(): Promise<EchoConnection> {
    if (this.#connecting) return this.#connecting;
    const { address, port, keepAlive, tls } = this.#schedule.target;
    const abort = new AbortController();
    this.#connectAbort = abort;
    const attempt = connect({
      host: address,
      port,
      signal: abort.signal,
      keepAlive,
      ...(tls !== null ? { tls } : {}),
    }).then(
      (client) => {
        this.#connecting = undefined;
        const connection: EchoConnection = { client, inflight: [], parts: [], partLength: 0, dead: false };
        if (this.#schedule.finished) {
          client.destroy();
          connection.dead = true;
          return connection;
        }
        this.#connection = connection;
        this.#watch(connection);
        return connection;
      },
      (err: unknown) => {
        this.#connecting = undefined;
        throw err;
      },
    );
    this.#connecting = attempt;
    return attempt;
  }

  #watch(connection: EchoConnection): void {
    const socket = connection.client.socket;
    const where = this.#schedule.where;
    socket.on("data", (chunk: Buffer) => this.#read(connection, chunk));
    socket.on("error", (err) => this.#down(connection, toEchoError(err, { ...where, operation: "read" })));
    socket.on("end", () => this.#down(connection, undefined));
    socket.on("close", () => this.#down(connection, undefined));
    socket.resume();
  }

  /** Cuts what has come back into `size`-byte echoes, each matched with the oldest probe awaiting one. */
  #read(connection: EchoConnection, chunk: Buffer): void {
    const now = performance.now();
    const size = this.#schedule.target.size;
    connection.parts.push(chunk);
    connection.partLength += chunk.length;
    if (connection.partLength < size) return;
    const all =
      connection.parts.length === 1 ? chunk : Buffer.concat(connection.parts, connection.partLength);
    let at = 0;
    while (all.length - at >= size && !connection.dead) {
      const unit = all.subarray(at, at + size);
      at += size;
      const probe = connection.inflight.shift();
      if (probe === undefined) {
        // More bytes than were sent: this is no echo of ours; start afresh.
        this.#down(connection, new EchoError("ERR_ECHO_MISMATCH", { ...this.#schedule.where, offset: 0 }));
        return;
      }
      this.#echoed(probe, unit, now);
    }
    const rest = all.subarray(at);
    connection.parts = rest.length > 0 ? [rest] : [];
    connection.partLength = rest.length;
  }

  #echoed(probe: EchoProbe, unit: Buffer, now: number): void {
    const schedule = this.#schedule;
    const rttMs = now - (probe.sentAt as number);
    const offset = firstDifference(unit, probe.payload as Buffer);
    if (probe.settled) {
      // Its timeout has passed: say that it came after all, but do not count it.
      if (probe.timedOut && offset < 0 && !schedule.finished) {
        schedule.report({ ...probe.timedOut, rttMs, late: true });
      }
      return;
    }
    if (offset < 0) schedule.settle(probe, { seq: probe.seq, ok: true, rttMs, bytes: unit.length });
    else schedule.fail(probe, new EchoError("ERR_ECHO_MISMATCH", { ...schedule.where, offset }));
  }

  /** The connection is gone: its probes still waiting fail, and the next probe reconnects. */
  #down(connection: EchoConnection, error: EchoError | undefined): void {
    if (connection.dead) return;
    connection.dead = true;
    if (this.#connection === connection) this.#connection = undefined;
    const { where, target } = this.#schedule;
    connection.inflight.forEach((probe, i) => {
      const received = i === 0 ? connection.partLength : 0;
      this.#schedule.fail(
        probe,
        error ?? new EchoError("ERR_PEER_CLOSED", { ...where, received, expected: target.size }),
      );
    });
    connection.inflight = [];
    connection.client.socket.destroy();
  }
}
