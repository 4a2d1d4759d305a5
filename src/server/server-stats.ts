/**
 * The echo server's statistics: every counter in one record, the totals of
 * closed connections with them; open connections are added when read.
 *
 * @module
 */

import type { Connection, DisconnectInfo, DisconnectReason } from "./connection.js";
import type { RefusalReason } from "./connection-limits.js";
import { FAULT_KINDS, type FaultKind } from "./faults/spec.js";

/** Counters since the server started. */
export interface EchoServerStats {
  connectionsOpen: number;
  connectionsTotal: number;
  bytesIn: number;
  bytesOut: number;
  /** Connections the client reset. */
  resets: number;
  /** Connections that ended on another error. */
  errors: number;
  /** Connections still open when the drain deadline passed. */
  cutOff: number;
  /** Connections closed by the idle timeout. */
  idle: number;
  /** Connections closed because the client stopped answering keepalive probes. */
  keepalive: number;
  /** TLS clients closed before their handshake was done: failed, stalled, or left part-way (not counting those that sent nothing). */
  tlsErrors: number;
  /** Times accept() failed, or the descriptor table was found full (the next clients are then dropped unseen). */
  acceptErrors: number;
  /** Connections closed for a bad, missing or untrusted PROXY header. */
  proxyErrors: number;
  /** Clients refused, by reason. */
  refused: Record<RefusalReason, number>;
  /** Connections each kind of fault acted on (`serve --fault`). */
  faults: Record<FaultKind, number>;
  /** Echoed chunks with a bit flipped by the `corrupt` fault. */
  corruptedChunks: number;
  uptimeMs: number;
}

/**
 * Statistics with every count at zero: a server's before it starts, and the
 * start of a sum over several servers' (as `serve --workers` adds them up).
 *
 * @example
 * ```ts
 * import { createEchoServer, zeroEchoServerStats } from "tcpecho";
 * const servers = [createEchoServer({ port: 0 }), createEchoServer({ port: 0 })];
 * const total = zeroEchoServerStats();
 * for (const server of servers) total.connectionsTotal += server.stats().connectionsTotal;
 * console.log(total.connectionsTotal); // 0: neither has listened yet
 * ```
 */
export function zeroEchoServerStats(): EchoServerStats {
  return {
    connectionsOpen: 0,
    connectionsTotal: 0,
    bytesIn: 0,
    bytesOut: 0,
    resets: 0,
    errors: 0,
    cutOff: 0,
    idle: 0,
    keepalive: 0,
    tlsErrors: 0,
    acceptErrors: 0,
    proxyErrors: 0,
    refused: { "max-connections": 0, "max-per-ip": 0, denied: 0 },
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    corruptedChunks: 0,
    uptimeMs: 0,
  };
}

/** The counters that count events of their own (not a closed connection's reason). */
export type EventCounter = "cutOff" | "tlsErrors" | "acceptErrors" | "proxyErrors" | "corruptedChunks";

// The counter each way of ending adds to; the others are counted only in the totals.
const BY_REASON: Partial<Record<DisconnectReason, "resets" | "errors" | "idle" | "keepalive">> = {
  reset: "resets",
  error: "errors",
  idle: "idle",
  keepalive: "keepalive",
};

/** One server's counters: closed connections' totals, the refusals and the error counts. */
export class ServerStats {
  // Closed connections only in connectionsTotal, bytesIn and bytesOut; open ones are added by snapshot().
  readonly #counts = zeroEchoServerStats();

  /** One more of an event-counted kind. */
  count(counter: EventCounter): void {
    this.#counts[counter]++;
  }

  /** A client was refused. */
  refused(reason: RefusalReason): void {
    this.#counts.refused[reason]++;
  }

  /** A kind of fault acted on a connection for the first time. */
  faulted(kind: FaultKind): void {
    this.#counts.faults[kind]++;
  }

  /** A served connection closed. */
  closed(info: DisconnectInfo): void {
    const c = this.#counts;
    c.connectionsTotal++;
    c.bytesIn += info.bytesIn;
    c.bytesOut += info.bytesOut;
    const counter = BY_REASON[info.reason];
    if (counter !== undefined) c[counter]++;
  }

  /** The statistics now, with the connections still open. */
  snapshot(open: ReadonlySet<Connection>, uptimeMs: number): EchoServerStats {
    const s = { ...this.#counts, refused: { ...this.#counts.refused }, faults: { ...this.#counts.faults } };
    for (const conn of open) {
      s.bytesIn += conn.bytesIn;
      s.bytesOut += conn.bytesOut;
    }
    s.connectionsOpen = open.size;
    s.connectionsTotal += open.size;
    s.uptimeMs = uptimeMs;
    return s;
  }
}
