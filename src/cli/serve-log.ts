/**
 * What `tcpecho serve` says about its events, in one of two shapes: the
 * textbook's lines (`--log-format text`, English or Korean) or one JSON
 * object per line (`--log-format json`) for log collectors. The server
 * emits events; this decides the words.
 *
 * @module
 */

import { cliFlag } from "../i18n/errors.js";
import { faultDone } from "../i18n/faults.js";
import type { FaultEffect } from "../server/faults/faulted-echo.js";
import type { Messages } from "../i18n/messages.js";
import { formatEndpoint } from "../net/endpoint.js";
import type { ListenScope } from "../net/interfaces.js";
import type { ConnectionInfo, DisconnectInfo } from "../server/connection.js";
import type { EchoServerAddress, EchoServerStats, RefusedInfo } from "../server/echo-server.js";
import { CommanderError } from "commander";
import { EchoError, type EchoErrorCode, type EchoErrorContext } from "../net/echo-error.js";
import { jsonText, printable } from "./printable.js";
import type { Terminal } from "./terminal.js";
import type { UdpDropReason, UdpEchoStats } from "../server/udp-echo.js";
import type { TlsFailureInfo } from "../server/tls-server.js";
import type { TextEncoding } from "../net/text-encoding.js";

/** The log formats `--log-format` takes. */
export type LogFormat = "text" | "json";

/** Where a listening server can be reached, for the start event. */
export interface Reach {
  endpoint: string;
  via: string | null;
  loopback: boolean;
}

/**
 * Which process of `tcpecho serve --workers N` writes: a worker (its cluster
 * id, 1 and up, never reused) or the primary (`worker: 0`, `role: "primary"`).
 */
export interface LogOrigin {
  worker: number;
  role?: "primary";
}

/** Where `--workers` counts a worker's connection ids from: worker 2's first connection is 2000000001. */
export const WORKER_ID_SPAN = 1_000_000_000;

/** Every event `tcpecho serve` reports. */
export interface ServeLog {
  start(address: EchoServerAddress, scope: ListenScope, requestedBacklog: number, reach: Reach[]): void;
  noExternalInterface(): void;
  connect(c: ConnectionInfo): void;
  /**
   * A read of `received` bytes; `shown` the bytes to show for it: whole
   * characters only, a character split between reads shown with the read that
   * completes it (`CharacterCarry` of printable.ts). `received` 0: the bytes a
   * client left unfinished when it closed.
   */
  data(c: ConnectionInfo, received: number, shown: Buffer): void;
  dataSuppressed(perSecond: number): void;
  disconnect(d: DisconnectInfo): void;
  refused(r: RefusedInfo, limit: number): void;
  refusedSuppressed(perSecond: number): void;
  connectionError(c: ConnectionInfo, e: EchoError): void;
  acceptError(e: EchoError): void;
  /** A bad, missing or untrusted PROXY header (or a failed TLS handshake): that peer was closed. */
  peerError(peer: { remoteAddress: string; remotePort: number }, e: EchoError): void;
  /** A TLS client closed before its handshake was done. */
  tlsError(info: TlsFailureInfo, e: EchoError): void;
  peerErrorsSuppressed(perSecond: number): void;
  faults(faults: readonly string[], changed: boolean): void;
  fault(c: ConnectionInfo, effect: FaultEffect): void;
  faultsSuppressed(perSecond: number): void;
  /** At start: fewer descriptors than clients may come (`maxConnections` 0: no limit, below 1024). */
  fewDescriptors(soft: number, maxConnections: number): void;
  /** The first signal with --shutdown-delay: not ready, still accepting for `delayMs`; {@link shutdown} follows. */
  notReady(delayMs: number, drainMs: number): void;
  shutdown(open: number, drainMs: number): void;
  forcing(open: number): void;
  /** The shutdown summary; `workers` when it is the primary's sum over that many workers. */
  stopped(stats: EchoServerStats, workers?: number): void;
  /**
   * A failure that ends the server (exit 1) or a bad command line (exit 2);
   * `from` names the worker it happened in, when the primary reports it.
   */
  failed(err: unknown, exitCode: number, from?: { worker: number; pid: number }): void;
  metrics(url: string): void;
  /** `--ui`: where the live page is. */
  livePage(url: string): void;
  udpStart(endpoint: string): void;
  udpData(address: string, port: number, chunk: Buffer): void;
  udpDropped(address: string, port: number, reason: UdpDropReason): void;
  udpDroppedSuppressed(perSecond: number): void;
  udpStopped(stats: UdpEchoStats): void;
  workersStarting(n: number): void;
  workerStarted(id: number, pid: number): void;
  workerDied(id: number, pid: number, how: string, replacing: boolean): void;
  workersStopped(n: number): void;
}

/** The events about the server itself: where it listens, what it warns of, its faults and HTTP listeners. */
type StartEvents = Pick<
  ServeLog,
  "start" | "noExternalInterface" | "fewDescriptors" | "faults" | "metrics" | "livePage"
>;

/** The events about each client: connected, its data, gone, refused, a fault applied. */
type ClientEvents = Pick<
  ServeLog,
  | "connect"
  | "data"
  | "dataSuppressed"
  | "disconnect"
  | "refused"
  | "refusedSuppressed"
  | "fault"
  | "faultsSuppressed"
>;

/** The events about what went wrong: with a client, at accept, with a peer's PROXY header or TLS, or for good. */
type ErrorEvents = Pick<
  ServeLog,
  "connectionError" | "acceptError" | "peerError" | "tlsError" | "peerErrorsSuppressed" | "failed"
>;

/** The events about the stop: not ready, draining, forced, the summary. */
type StopEvents = Pick<ServeLog, "notReady" | "shutdown" | "forcing" | "stopped">;

/** The events about `--udp`: the UDP echo's start, datagrams, drops and summary. */
type UdpEvents = Pick<
  ServeLog,
  "udpStart" | "udpData" | "udpDropped" | "udpDroppedSuppressed" | "udpStopped"
>;

/** The events about `--workers`: the primary's lines about its workers. */
type WorkerEvents = Pick<ServeLog, "workersStarting" | "workerStarted" | "workerDied" | "workersStopped">;

/** Writes one JSON event: its name and fields. */
type Emit = (event: string, fields: Record<string, unknown>) => void;

/**
 * The textbook's lines, in the terminal's language; received bytes read as
 * `encoding` (`--encoding`).
 *
 * @example
 * ```ts
 * import { openTerminal } from "./terminal.js";
 * import { textServeLog } from "./serve-log.js";
 * const log = textServeLog(openTerminal("en"));
 * log.forcing(2); // [TCP server] forced stop: closing 2 connections now
 * ```
 */
export function textServeLog(t: Terminal, origin?: LogOrigin, encoding: TextEncoding = "utf-8"): ServeLog {
  const worker = origin?.role === "primary" ? 0 : (origin?.worker ?? 0);
  return {
    ...textStartLines(t),
    ...textClientLines(t, encoding),
    ...textErrorLines(t),
    ...textStopLines(t, worker),
    ...textUdpLines(t, encoding, worker),
    ...textWorkerLines(t),
  };
}

function textStartLines(t: Terminal): StartEvents {
  const { messages: m } = t;
  return {
    start(address, scope, requested, reach) {
      const ep = formatEndpoint(address.host, address.port);
      t.out(m.listening(ep, scope, address.backlog, requested, address.fd));
      for (const r of reach) t.out(m.reachAt(r.endpoint, r.loopback ? m.loopbackLabel : r.via));
    },
    noExternalInterface: () => t.out(m.noExternalInterface),
    fewDescriptors: (soft, max) => t.err(m.fewDescriptors(soft, max)),
    faults: (list, changed) => t.out(m.faultsActive(list, changed)),
    metrics: (url) => t.out(m.metricsAt(url)),
    livePage: (url) => t.out(m.livePageAt(url)),
  };
}

function textClientLines(t: Terminal, encoding: TextEncoding): ClientEvents {
  const { messages: m } = t;
  return {
    connect: (c) => t.out(m.connected(c.remoteAddress, c.remotePort)),
    data: (c, _received, shown) => {
      // A read that brought only the start of a character: its line comes with the rest.
      if (shown.length > 0)
        t.out(
          `${t.dim(`[TCP/${formatEndpoint(c.remoteAddress, c.remotePort)}]`)} ${printable(shown, 80, m.moreBytes, encoding)}`,
        );
    },
    dataSuppressed: (n) => t.out(m.dataSuppressed(n)),
    disconnect: (d) =>
      t.out(m.disconnected(d.remoteAddress, d.remotePort, d.bytesOut, d.durationMs, d.reason)),
    refused: (r, limit) => t.out(m.refused(r.remoteAddress, r.remotePort, r.reason, limit)),
    refusedSuppressed: (n) => t.out(m.refusedSuppressed(n)),
    fault: (c, e) => t.out(m.faultApplied(c.remoteAddress, c.remotePort, c.id, e.spec, faultDone(t.lang, e))),
    faultsSuppressed: (n) => t.out(m.faultsSuppressed(n)),
  };
}

function textErrorLines(t: Terminal): ErrorEvents {
  const { messages: m } = t;
  return {
    connectionError: (c, e) =>
      t.err(m.connectionError(c.remoteAddress, c.remotePort, m.error(e.code, e.context))),
    acceptError: (e) => t.err(`${m.serverTag} ${m.error(e.code, e.context)}`),
    peerError: (_peer, e) => t.err(`${m.serverTag} ${m.error(e.code, e.context)}`),
    tlsError: (i, e) =>
      t.err(
        m.tlsFailed(
          i.remoteAddress,
          i.remotePort,
          m.tlsFailure(i.failure, e.context.detail ?? "", e.context.timeoutMs ?? 0),
        ),
      ),
    peerErrorsSuppressed: (n) => t.err(m.peerErrorsSuppressed(n)),
    failed: (err, exitCode) => {
      const f = failure(err, m);
      t.err(
        exitCode === 2
          ? m.usage(f.message, "serve ")
          : err instanceof EchoError
            ? `${m.serverTag} ${f.message}`
            : `tcpecho: ${f.message}`,
      );
    },
  };
}

function textStopLines(t: Terminal, worker: number): StopEvents {
  const { messages: m } = t;
  return {
    notReady: (delayMs) => t.out(m.notReady(delayMs)),
    shutdown: (open, drainMs) => t.out(m.stopping(open, drainMs)),
    forcing: (open) => t.out(m.forcing(open)),
    stopped: (s) =>
      t.out(
        worker > 0
          ? m.workerSummary(worker, s.uptimeMs, s.connectionsTotal, s.bytesOut, s.cutOff)
          : m.summary(s.uptimeMs, s.connectionsTotal, s.bytesOut, s.cutOff),
      ),
  };
}

function textUdpLines(t: Terminal, encoding: TextEncoding, worker: number): UdpEvents {
  const { messages: m } = t;
  return {
    udpStart: (ep) => t.out(m.udpListening(ep)),
    udpData: (address, port, chunk) =>
      t.out(
        `${t.dim(`[UDP/${formatEndpoint(address, port)}]`)} ${printable(chunk, 80, m.moreBytes, encoding)}`,
      ),
    udpDropped: (address, port, reason) => t.out(m.udpDropped(address, port, reason)),
    udpDroppedSuppressed: (n) => t.out(m.udpDroppedSuppressed(n)),
    udpStopped: (s) => {
      const dropped = s.dropped["service-port"] + s.dropped["rate-limit"] + s.dropped.denied;
      t.out(
        worker > 0
          ? m.udpWorkerSummary(worker, s.datagramsIn, s.datagramsOut, dropped)
          : m.udpSummary(s.datagramsIn, s.datagramsOut, dropped),
      );
    },
  };
}

function textWorkerLines(t: Terminal): WorkerEvents {
  const { messages: m } = t;
  return {
    workersStarting: (n) => t.out(m.workersStarting(n)),
    workerStarted: (id, pid) => t.out(m.workerStarted(id, pid)),
    workerDied: (id, pid, how, replacing) => t.err(m.workerDied(id, pid, how, replacing)),
    workersStopped: (n) => t.out(m.workersStopped(n)),
  };
}

/** Which of the server's endpoints a listen error is about, by the option that set it. */
const ENDPOINT_OF: Record<string, string> = {
  "--port": "echo",
  "--metrics": "metrics",
  "--ui": "ui",
  "--udp": "udp",
};

/** A failure's code, words and the context fields worth a JSON key. */
function failure(
  err: unknown,
  m: Messages,
): { code: string; message: string; fields: Record<string, unknown> } {
  if (err instanceof EchoError) {
    const ctx: EchoErrorContext = err.context;
    const fields: Record<string, unknown> = {};
    if (ctx.operation === "listen") {
      if (ctx.option !== undefined && ENDPOINT_OF[ctx.option]) fields.endpoint = ENDPOINT_OF[ctx.option];
      fields.host = ctx.host;
      fields.port = ctx.port;
    } else if (err.isUsageError) {
      if (ctx.option !== undefined) fields.option = cliFlag(ctx.option);
      if (ctx.value !== undefined) fields.value = ctx.value;
    }
    return { code: err.code, message: m.error(err.code, ctx), fields };
  }
  if (err instanceof CommanderError) {
    return {
      code: "ERR_USAGE",
      message: err.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " "),
      fields: {},
    };
  }
  const code = (err as { code?: unknown } | null)?.code;
  return {
    code: typeof code === "string" ? code : "ERR_UNEXPECTED",
    message: err instanceof Error ? err.message : String(err),
    fields: {},
  };
}

/**
 * What a worker sends the primary over the cluster channel about a failure,
 * and how the primary turns it back into an error to report.
 */
export function failureMessage(err: unknown, exitCode: number): Record<string, unknown> {
  return err instanceof EchoError
    ? { tcpecho: "failed", code: err.code, context: err.context, exitCode }
    : { tcpecho: "failed", message: err instanceof Error ? err.message : String(err), exitCode };
}

/** The error a {@link failureMessage} describes. */
export function failureFromMessage(msg: { code?: unknown; context?: unknown; message?: unknown }): Error {
  return typeof msg.code === "string"
    ? new EchoError(msg.code as EchoErrorCode, (msg.context ?? {}) as EchoErrorContext)
    : new Error(String(msg.message));
}

/**
 * Received bytes in a JSON event: `text`, the first 80 characters of what
 * came as a JSON string, read as `encoding` (each byte that is no character
 * in it as `\xNN`), and `moreBytes` when it is cut.
 */
function textFields(bytes: Uint8Array, encoding: TextEncoding): { text: string; moreBytes?: number } {
  const { text, rest } = jsonText(bytes, 80, encoding);
  return rest > 0 ? { text, moreBytes: rest } : { text };
}

/**
 * Characters JSON leaves raw that a terminal may act on (DEL, C1 controls) or
 * that end a line for some readers (U+2028, U+2029), written as `\uXXXX`:
 * the same JSON, safe to print.
 */
const RAW_UNSAFE = /[\u007f-\u009f\u2028\u2029]/g;

function escapeUnsafe(line: string): string {
  return line.replace(RAW_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * One JSON object per line on standard output: `time` (ISO 8601), `event`,
 * `pid`, and the event's fields; client events carry `remoteAddress` and
 * `remotePort`. Error events carry the error's `code` and a readable
 * `message` in the chosen language; a failure that ends the server is an
 * `error` event with `exitCode` (1, or 2 for a bad command line), and for a
 * port that could not be bound `endpoint` (`echo`, `metrics` or `udp`),
 * `host` and `port`. With `--workers`, every event carries `worker` too: the
 * worker's id, or 0 and `role: "primary"` for the primary, whose
 * `worker-start` and `worker-died` name the worker they are about.
 *
 * @example
 * ```ts
 * import { messages } from "../i18n/messages.js";
 * import { jsonServeLog } from "./serve-log.js";
 * const log = jsonServeLog((line) => console.log(line), messages.en);
 * log.forcing(2); // {"time":"…","event":"shutdown","pid":…,"open":2,"forced":true}
 * ```
 */
export function jsonServeLog(
  write: (line: string) => void,
  m: Messages,
  origin?: LogOrigin,
  encoding: TextEncoding = "utf-8",
): ServeLog {
  const emit: Emit = (event, fields) =>
    write(
      escapeUnsafe(
        JSON.stringify({ time: new Date().toISOString(), event, pid: process.pid, ...origin, ...fields }),
      ),
    );
  return {
    ...jsonStartEvents(emit, m),
    ...jsonClientEvents(emit, encoding),
    ...jsonErrorEvents(emit, m),
    ...jsonStopEvents(emit, m),
    ...jsonUdpEvents(emit, encoding),
    ...jsonWorkerEvents(emit),
  };
}

/** What every client event carries about its client. */
function clientFields(c: ConnectionInfo) {
  return {
    id: c.id,
    remoteAddress: c.remoteAddress,
    remotePort: c.remotePort,
    remoteFamily: c.remoteFamily,
    ...(c.proxyAddress === undefined ? {} : { proxyAddress: c.proxyAddress }),
  };
}

function jsonStartEvents(emit: Emit, m: Messages): StartEvents {
  return {
    start: (address, scope, requested, reach) =>
      emit("start", {
        host: address.host,
        port: address.port,
        family: address.family,
        scope,
        backlog: address.backlog,
        backlogRequested: requested,
        // A socket systemd passed (socket activation), by its descriptor.
        ...(address.fd === undefined ? {} : { socket: "systemd", fd: address.fd }),
        reachableAt: reach.map((r) => r.endpoint),
      }),
    noExternalInterface: () => {},
    fewDescriptors: (soft, max) =>
      emit("warning", {
        kind: "open-files",
        limit: soft,
        ...(max > 0 ? { maxConnections: max } : {}),
        message: m.fewDescriptors(soft, max),
      }),
    faults: (faults, changed) => emit("faults", { faults, changed }),
    metrics: (url) => emit("metrics", { url }),
    livePage: (url) => emit("ui", { url }),
  };
}

function jsonClientEvents(emit: Emit, encoding: TextEncoding): ClientEvents {
  return {
    connect: (c) => emit("connect", clientFields(c)),
    data: (c, received, shown) =>
      emit("data", { ...clientFields(c), bytes: received, ...textFields(shown, encoding) }),
    dataSuppressed: (n) => emit("data-suppressed", { perSecond: n }),
    disconnect: (d) =>
      emit("disconnect", {
        ...clientFields(d),
        reason: d.reason,
        bytesIn: d.bytesIn,
        bytesOut: d.bytesOut,
        durationMs: Math.round(d.durationMs),
        ...(d.error ? { code: d.error.code } : {}),
      }),
    refused: (r, limit) =>
      emit("refused", {
        remoteAddress: r.remoteAddress,
        remotePort: r.remotePort,
        remoteFamily: r.remoteFamily,
        reason: r.reason,
        ...(r.reason === "denied" ? {} : { limit }),
      }),
    refusedSuppressed: (n) => emit("refused-suppressed", { perSecond: n }),
    fault: (c, e) => {
      const { kind, spec, ...figures } = e;
      emit("fault", { ...clientFields(c), kind, spec, ...figures });
    },
    faultsSuppressed: (n) => emit("fault-suppressed", { perSecond: n }),
  };
}

function jsonErrorEvents(emit: Emit, m: Messages): ErrorEvents {
  return {
    connectionError: (c, e) =>
      emit("error", { ...clientFields(c), code: e.code, message: m.error(e.code, e.context) }),
    acceptError: (e) =>
      emit("error", {
        code: e.code,
        ...(e.context.limit === undefined ? {} : { limit: e.context.limit }),
        message: m.error(e.code, e.context),
      }),
    peerError: (peer, e) =>
      emit("error", {
        remoteAddress: peer.remoteAddress,
        remotePort: peer.remotePort,
        code: e.code,
        message: m.error(e.code, e.context),
      }),
    tlsError: (i, e) =>
      emit("error", {
        remoteAddress: i.remoteAddress,
        remotePort: i.remotePort,
        code: e.code,
        failure: i.failure,
        // OpenSSL's own words, for those who know them; the message says it plainly.
        ...(i.tlsReason === undefined ? {} : { tlsReason: i.tlsReason }),
        message: m.tlsFailure(i.failure, e.context.detail ?? "", e.context.timeoutMs ?? 0),
      }),
    peerErrorsSuppressed: (n) => emit("error-suppressed", { perSecond: n }),
    failed: (err, exitCode, from) => {
      const f = failure(err, m);
      emit("error", { ...from, code: f.code, message: f.message, ...f.fields, exitCode });
    },
  };
}

function jsonStopEvents(emit: Emit, m: Messages): StopEvents {
  return {
    notReady: (delayMs, drainMs) =>
      emit("not-ready", { shutdownDelayMs: delayMs, drainTimeoutMs: drainMs, message: m.notReady(delayMs) }),
    shutdown: (open, drainMs) => emit("shutdown", { open, drainTimeoutMs: drainMs }),
    forcing: (open) => emit("shutdown", { open, forced: true }),
    stopped: (s, workers) =>
      emit("stopped", {
        ...(workers === undefined ? {} : { workers }),
        uptimeMs: Math.round(s.uptimeMs),
        connectionsTotal: s.connectionsTotal,
        bytesIn: s.bytesIn,
        bytesOut: s.bytesOut,
        resets: s.resets,
        errors: s.errors,
        cutOff: s.cutOff,
        idle: s.idle,
        keepalive: s.keepalive,
        tlsErrors: s.tlsErrors,
        acceptErrors: s.acceptErrors,
        refused: s.refused,
        faults: s.faults,
        corruptedChunks: s.corruptedChunks,
      }),
  };
}

function jsonUdpEvents(emit: Emit, encoding: TextEncoding): UdpEvents {
  return {
    udpStart: (endpoint) => emit("udp-start", { endpoint }),
    udpData: (address, port, chunk) =>
      emit("udp-data", {
        remoteAddress: address,
        remotePort: port,
        bytes: chunk.length,
        ...textFields(chunk, encoding),
      }),
    udpDropped: (address, port, reason) =>
      emit("udp-dropped", { remoteAddress: address, remotePort: port, reason }),
    udpDroppedSuppressed: (n) => emit("udp-dropped-suppressed", { perSecond: n }),
    udpStopped: (s) => emit("udp-stopped", { ...s }),
  };
}

function jsonWorkerEvents(emit: Emit): WorkerEvents {
  return {
    workersStarting: (n) => emit("workers", { workers: n }),
    workerStarted: (id, pid) => emit("worker-start", { worker: id, pid }),
    workerDied: (id, pid, how, replacing) => emit("worker-died", { worker: id, pid, how, replacing }),
    workersStopped: (n) => emit("workers-stopped", { workers: n }),
  };
}
