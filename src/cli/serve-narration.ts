/**
 * What `tcpecho serve` narrates while it runs: each event of the echo server
 * (and of the UDP echo) handed to the log, one line each, within per-second
 * line budgets so that a flood of clients, refusals or bad peers is never a
 * flood of lines; a character split between two reads is shown whole, with
 * the second. Which words, and text or JSON, is `serve-log.ts`'s business;
 * the listeners of each emitter are one table, attached in one loop.
 *
 * @module
 */

import type { EventEmitter } from "node:events";
import type { RefusalReason } from "../server/connection-limits.js";
import type { ConnectionInfo } from "../server/connection.js";
import type { EchoServer, EchoServerEvents } from "../server/echo-server.js";
import type { UdpEchoEvents, UdpEchoServer } from "../server/udp-echo.js";
import { LineBudget } from "./line-budget.js";
import { CharacterCarry } from "./printable.js";
import type { ServeLog } from "./serve-log.js";

/** What the narration needs to know of the command line. */
export interface NarrationOptions {
  /** Only the start, errors and the shutdown summary. */
  quiet: boolean;
  /** Received-data lines a second (0: none). */
  dataLines: number;
  /** The limit each refusal reason stands for, for its line (`--max-connections`, `--max-per-ip`). */
  limits: Readonly<Record<RefusalReason, number>>;
}

/** Lines a second about refused clients, bad peers and dropped datagrams. */
const PEER_LINES = 20;

/** One emitter's listeners, by event. */
type Listeners<E> = { [K in keyof E]?: E[K] extends unknown[] ? (...args: E[K]) => void : never };

function attach<E extends Record<keyof E, unknown[]>>(
  emitter: EventEmitter<E>,
  listeners: Listeners<E>,
): void {
  // The table is typed by the emitter's events; node's overloads cannot take its keys one by one.
  const plain = emitter as unknown as EventEmitter;
  for (const [event, listener] of Object.entries(listeners)) {
    plain.on(event, listener as (...args: unknown[]) => void);
  }
}

/** Budgets that all stop (no refill left pending) when `stop` runs. */
function budgets() {
  const all: LineBudget[] = [];
  return {
    add(perSecond: number, onExhausted?: () => void, onRefill?: () => void): LineBudget {
      const b = new LineBudget(perSecond, onExhausted, onRefill);
      all.push(b);
      return b;
    },
    stop: () => all.forEach((b) => b.stop()),
  };
}

/**
 * Narrates an echo server's events into `log`.
 *
 * @example
 * ```ts
 * import { createEchoServer } from "../server/echo-server.js";
 * import { openTerminal } from "./terminal.js";
 * import { textServeLog } from "./serve-log.js";
 * import { narrateServer } from "./serve-narration.js";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const limits = { "max-connections": 0, "max-per-ip": 0, denied: 0 };
 * narrateServer(server, textServeLog(openTerminal("en")), { quiet: false, dataLines: 20, limits });
 * ```
 */
export function narrateServer(server: EchoServer, log: ServeLog, o: NarrationOptions): void {
  const lines = budgets();
  const peerErrors = lines.add(PEER_LINES, () => log.peerErrorsSuppressed(PEER_LINES));
  const refusals = lines.add(PEER_LINES, () => log.refusedSuppressed(PEER_LINES));
  const faults = lines.add(PEER_LINES, () => log.faultsSuppressed(PEER_LINES));
  // Made only with data lines on: without them, the log holds nothing per connection.
  const carry = o.dataLines > 0 ? new CharacterCarry(server.textEncoding) : null;
  const onData = (c: ConnectionInfo, chunk: Buffer) => {
    if (carry !== null && data.take()) log.data(c, chunk.length, carry.next(c.id, chunk));
  };
  // Past the budget the server stops handing us data at all, so logging never slows the echo.
  const data = lines.add(
    o.dataLines,
    () => {
      server.off("data", onData);
      // The reads left out break the sequence: a character's start is not carried past them.
      carry?.clear();
      log.dataSuppressed(o.dataLines);
    },
    () => server.on("data", onData),
  );
  // Out of descriptors, this comes with every client accepted at the limit: one line in ten seconds says it.
  let acceptLineAt = -Infinity;
  const always: Listeners<EchoServerEvents> = {
    connectionError: (c, e) => log.connectionError(c, e),
    acceptError: (e) => {
      const now = Date.now();
      if (now - acceptLineAt < 10_000) return;
      acceptLineAt = now;
      log.acceptError(e);
    },
    // A broken load balancer or a scanner can make these at line rate: a budget, as for refusals.
    handshakeError: (info, e) => {
      if (peerErrors.take()) log.tlsError(info, e);
    },
    proxyError: (peer, e) => {
      if (peerErrors.take()) log.peerError(peer, e);
    },
    faultsChanged: (list) => log.faults(list, true),
    close: lines.stop,
  };
  const chatty: Listeners<EchoServerEvents> = {
    connection: (c) => log.connect(c),
    disconnect: (d) => {
      // A client that closed in the middle of a character: its last bytes, escaped.
      const unfinished = carry?.release(d.id);
      if (unfinished !== undefined && data.take()) log.data(d, 0, unfinished);
      log.disconnect(d);
    },
    refused: (r) => {
      if (refusals.take()) log.refused(r, o.limits[r.reason]);
    },
    fault: (c, e) => {
      if (faults.take()) log.fault(c, e);
    },
    ...(o.dataLines > 0 ? { data: onData } : {}),
  };
  attach(server, o.quiet ? always : { ...always, ...chatty });
}

/**
 * Narrates the UDP echo's datagrams and drops into `log` (nothing when quiet):
 * datagram lines within a budget as large as the data lines', drops within
 * their own.
 */
export function narrateUdp(udp: UdpEchoServer, log: ServeLog, o: NarrationOptions): void {
  if (o.quiet) return;
  const lines = budgets();
  const datagrams = lines.add(o.dataLines);
  const drops = lines.add(PEER_LINES, () => log.udpDroppedSuppressed(PEER_LINES));
  const listeners: Listeners<UdpEchoEvents> = {
    dropped: (a, p, reason) => {
      if (drops.take()) log.udpDropped(a, p, reason);
    },
    close: lines.stop,
  };
  if (o.dataLines > 0) {
    listeners.datagram = (a, p, chunk) => {
      if (datagrams.take()) log.udpData(a, p, chunk);
    };
  }
  attach(udp, listeners);
}
