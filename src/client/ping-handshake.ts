/**
 * `ping`'s connect-only probes (`connectOnly`): each probe dials a fresh
 * connection through `dial()` and times the TCP handshake, and with TLS the
 * TLS handshake after it, then closes the connection politely. No data is
 * sent, so this measures services that do not echo.
 *
 * @module
 */

import { dial } from "../net/connector.js";
import type { EchoErrorContext } from "../net/echo-error.js";
import {
  closePolitely,
  probeRecord,
  type HandshakeProbeResult,
  type Probe,
  type ProbeKind,
  type ProbeSchedule,
} from "./ping-probe.js";

/** A connect-only probe under way. */
interface HandshakeProbe extends Probe {
  /** Gives up its handshake. */
  readonly cancel: AbortController;
  /** With TLS: the TCP handshake is done, the TLS one under way (for a timeout's wording). */
  tlsHandshake: boolean;
}

/** Connect-only probes: a fresh TCP (and TLS) handshake each, timed. */
export class HandshakeProbes implements ProbeKind<HandshakeProbe> {
  readonly #schedule: ProbeSchedule;

  constructor(schedule: ProbeSchedule) {
    this.#schedule = schedule;
  }

  start(seq: number): void {
    const schedule = this.#schedule;
    const { address, port, keepAlive, tls } = schedule.target;
    const probe = schedule.track(probeRecord(seq, { cancel: new AbortController(), tlsHandshake: false }));
    const signal = probe.cancel.signal;
    dial({
      host: address,
      port,
      keepAlive,
      tls,
      signal,
      onSocket: (tcp) => tcp.once("connect", () => (probe.tlsHandshake = tls !== null)),
    }).then(
      ({ socket, tcpMs, tlsMs }) => {
        const times: Pick<HandshakeProbeResult, "rttMs" | "tcpMs" | "tlsMs"> =
          tlsMs === undefined ? { rttMs: tcpMs } : { rttMs: tcpMs + tlsMs, tcpMs, tlsMs };
        schedule.settle(probe, { seq, ok: true, ...times, bytes: 0 });
        closePolitely(socket);
      },
      (err: unknown) => {
        if (!signal.aborted) schedule.fail(probe, err);
      },
    );
  }

  timeoutContext(probe: HandshakeProbe): EchoErrorContext {
    return { operation: probe.tlsHandshake ? "tls handshake" : "connect" };
  }

  cancel(probe: HandshakeProbe): void {
    probe.cancel.abort();
  }

  close(): void {
    // Each probe's connection is closed as soon as it is made: nothing stays open.
  }
}
