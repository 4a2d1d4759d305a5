/**
 * `--trace` on `serve` and `client`: each socket call as the notes name it
 * (`accept(20) = fd 23 ← 127.0.0.1:51234`), with the real descriptor, its
 * arguments and result, and the TCP state the kernel reports for that socket
 * right after the step (read from /proc/net/tcp{,6}, never assumed). Where
 * Node joins calls (socket+bind+listen; libuv's accept), the line says so.
 *
 * Without /proc (macOS, Windows) the server's states come from the system's
 * own tool (`netstat -an -p tcp`; `Get-NetTCPConnection`, else `netstat
 * -ano`: `net/tcp-table.ts`), and a process per step would cost more than
 * the step. So a step asks for the first table read that starts after it;
 * every step made while a read runs shares the next one (at most one tool
 * process at a time, each bounded in time), and the lines wait for their
 * read and are written in the order of the steps. Each such state names the
 * tool it came from (`→ ESTABLISHED (netstat)`); where the tool could not
 * answer, the line says which and why. Descriptors are Linux's to show
 * (/proc/self/fd): elsewhere they are `?`.
 *
 * The server's lines come from its socket-step observer, within a per-second
 * budget: past it the observer is detached until the next second, so a busy
 * server pays nothing meanwhile; without `--trace` nothing is attached.
 *
 * @module
 */

import type { Socket } from "node:net";
import type { EchoClient } from "../client/connect.js";
import { faultDone } from "../i18n/faults.js";
import { toolFailure } from "../i18n/diagnose.js";
import type { Lang } from "../i18n/lang.js";
import { traceMessages, type TraceMessages } from "../i18n/trace.js";
import type { EchoError } from "../net/echo-error.js";
import { errorSeconds } from "../net/error-text.js";
import { formatEndpoint } from "../net/endpoint.js";
import { socketFd } from "../net/node-internals.js";
import type { ToolFailure } from "../net/os-tool.js";
import {
  findTcpRow,
  SharedTcpSnapshots,
  tcpTableReader,
  type TcpTableReader,
  type TcpTableSnapshot,
} from "../net/tcp-table.js";
import {
  descriptorOf,
  findTcpSocket,
  readTcpTable,
  socketInode,
  type TcpSocketQuery,
  type TcpStateName,
  type TcpTableName,
} from "../net/tcp-state.js";
import type { ConnectionInfo } from "../server/connection.js";
import type { SocketStep } from "../server/diagnostics.js";
import type { EchoServer, EchoServerAddress } from "../server/echo-server.js";
import { LineBudget } from "./line-budget.js";
import { CharacterCarry, printableText } from "./printable.js";
import type { TextEncoding } from "../net/text-encoding.js";

/** One traced call. */
export interface TraceEvent {
  /**
   * The call's name: socket, bind, listen, accept, recv, send, shutdown, close, connect, error;
   * `suppressed` for the line that says the rest of a second is left out.
   */
  call: string;
  /** The descriptor it worked on (undefined: not visible here, printed `?`). */
  fd: number | undefined;
  /** The arguments after the descriptor, as written in the line. */
  args?: string;
  /** What it returned, as written after `=`. */
  result?: string;
  /** The kernel's state for the socket right after the call; `gone` when it has left the table. */
  state?: TcpStateName | "gone" | "unknown";
  /** Where the state came from, when not /proc (`netstat -an -p tcp`, `Get-NetTCPConnection`, …). */
  stateFrom?: string;
  /** Why that tool gave no state (with `state` `unknown`). */
  stateFailure?: ToolFailure;
  /** The tool read the table only after this socket's next calls: the state may be theirs. */
  stateLate?: boolean;
  /** Notes in words (already in the reader's language). */
  notes: string[];
  /** Figures for JSON (bytes, queued, acceptQueue, remote…). */
  fields?: Record<string, unknown>;
}

/** Where trace lines go. */
export type TraceSink = (e: TraceEvent) => void;

/** Received bytes in a line: quoted, and what a cut left out counted after the quote, in words. */
function quotedData(bytes: Uint8Array, m: TraceMessages, encoding: TextEncoding): string {
  const { text, rest } = printableText(bytes, 60, encoding);
  return rest > 0 ? `"${text}…" ${m.moreBytes(rest)}` : `"${text}"`;
}

function fdText(fd: number | undefined): string {
  return fd === undefined ? "?" : String(fd);
}

/**
 * Trace events as text lines (`[trace] recv(23, 65536) = 5 "hello"`).
 *
 * @example
 * ```ts
 * import { textTrace } from "./trace.js";
 * const sink = textTrace((line) => console.log(line), "en");
 * sink({ call: "close", fd: 23, notes: ["descriptor released"] }); // [trace] close(23)  — descriptor released
 * ```
 */
export function textTrace(write: (line: string) => void, lang: Lang): TraceSink {
  const m = traceMessages[lang];
  return (e) => {
    if (e.call === "suppressed") return write(`${m.tag} ${e.notes.join("; ")}`);
    const args = e.args === undefined ? "" : `, ${e.args}`;
    const fd = e.call === "socket" ? e.args : fdText(e.fd) + args;
    const result = e.result === undefined ? "" : ` = ${e.result}`;
    const state = e.state === undefined ? "" : ` → ${stateText(e, m, lang)}`;
    const notes = e.notes.length === 0 ? "" : `  — ${e.notes.join("; ")}`;
    write(`${m.tag} ${e.call}(${fd ?? ""})${result}${state}${notes}`);
  };
}

/** A line's state in words: the tool's name after a state it gave, or why it gave none. */
function stateText(e: TraceEvent, m: TraceMessages, lang: Lang): string {
  if (e.stateFailure !== undefined && e.stateFrom !== undefined) {
    return m.noStateFrom(e.stateFrom, toolFailure(lang, e.stateFailure));
  }
  if (e.stateFrom === undefined)
    return e.state === "gone" ? m.gone : e.state === "unknown" ? m.noState : (e.state ?? "");
  const tool = e.stateFrom.split(" ")[0] ?? e.stateFrom;
  if (e.state === "gone") return m.goneBy(tool);
  return e.stateLate === true ? m.stateLate(e.state ?? "", tool) : `${e.state ?? ""} (${tool})`;
}

/**
 * Trace events as JSON lines (`"event":"trace"`), shaped like `serve --log-format json`'s.
 *
 * @example
 * ```ts
 * import { jsonTrace } from "./trace.js";
 * jsonTrace((line) => console.log(line))({ call: "close", fd: 23, notes: [] });
 * ```
 */
export function jsonTrace(write: (line: string) => void): TraceSink {
  return (e) =>
    write(
      JSON.stringify({
        time: new Date().toISOString(),
        event: "trace",
        pid: process.pid,
        call: e.call,
        fd: e.fd ?? null,
        ...(e.args === undefined ? {} : { args: e.args }),
        ...(e.result === undefined ? {} : { result: e.result }),
        ...(e.state === undefined ? {} : { state: e.state }),
        ...(e.stateFrom === undefined ? {} : { stateFrom: e.stateFrom }),
        ...(e.stateFailure === undefined ? {} : { stateFailure: e.stateFailure }),
        ...(e.stateLate === true ? { stateLate: true } : {}),
        ...e.fields,
        ...(e.notes.length === 0 ? {} : { notes: e.notes }),
      }),
    );
}

/**
 * The kernel's state for a socket now: by its inode while a descriptor holds
 * it, else by its endpoints (TIME_WAIT keeps no inode).
 */
function stateOf(table: TcpTableName, inode: number | undefined, ends: TcpSocketQuery): TraceEvent["state"] {
  const rows = readTcpTable(undefined, [table]);
  if (rows === undefined) return "unknown";
  const row = (inode === undefined ? undefined : findTcpSocket(rows, { inode })) ?? findTcpSocket(rows, ends);
  return row?.state ?? "gone";
}

/**
 * States from a system tool (no /proc): each line that asked for a state
 * waits for the first table read started after its step, reads shared by
 * the steps waiting; lines leave in the order they came.
 */
export class ToolStates {
  readonly #snapshots: SharedTcpSnapshots;
  readonly #asked = new WeakMap<TraceEvent, Asked>();
  /** The steps asked so far, counted; and what the count was when each reading ended. */
  #seq = 0;
  readonly #readBy = new WeakMap<TcpTableSnapshot, number>();
  /** Per socket, the count of each of its lines still waiting, in order. */
  readonly #waiting = new Map<string, number[]>();
  #chain: Promise<void> = Promise.resolve();

  constructor(reader: TcpTableReader) {
    this.#snapshots = new SharedTcpSnapshots({
      source: reader.source,
      read: async () => {
        const snapshot = await reader.read();
        // The tool read the table somewhere between its start and now: every step up to now may show.
        this.#readBy.set(snapshot, this.#seq);
        return snapshot;
      },
    });
  }

  /** Asks the state of the socket `query` names for `event`, as of now (a placeholder until written). */
  ask(event: TraceEvent, query: TcpSocketQuery): TraceEvent["state"] {
    const seq = ++this.#seq;
    const key = `${query.localPort}|${query.remoteAddress}|${query.remotePort}|${query.state}`;
    const waiting = this.#waiting.get(key) ?? [];
    waiting.push(seq);
    this.#waiting.set(key, waiting);
    this.#asked.set(event, { snapshot: this.#snapshots.next(), query, seq, key });
    return "unknown";
  }

  /** Resolves once every line given so far is written. */
  drained(): Promise<void> {
    return this.#chain;
  }

  /** Writes `event` to `sink` once its state (if asked) is known, after every earlier line; `settled` may add notes. */
  write(event: TraceEvent, sink: TraceSink, settled?: (e: TraceEvent) => void): void {
    const asked = this.#asked.get(event);
    this.#chain = this.#chain.then(async () => {
      if (asked !== undefined) {
        const s = await asked.snapshot;
        // Whatever the reading gave, this step no longer waits.
        const late = this.#later(asked, s);
        event.stateFrom = s.source;
        if (s.ok) event.state = findTcpRow(s.rows, asked.query)?.state ?? "gone";
        else event.stateFailure = s.failure;
        if (s.ok && event.state !== "gone" && late) event.stateLate = true;
        settled?.(event);
      }
      sink(event);
    });
  }

  /** How many sockets have steps waiting for a reading: none once every line is written. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /**
   * Whether the same socket's next step came before the reading ended (the
   * state may be that step's); the step stops waiting.
   */
  #later(asked: Asked, s: TcpTableSnapshot): boolean {
    const waiting = this.#waiting.get(asked.key) ?? [];
    const next = waiting[waiting.indexOf(asked.seq) + 1];
    waiting.splice(waiting.indexOf(asked.seq), 1);
    if (waiting.length === 0) this.#waiting.delete(asked.key);
    return next !== undefined && next <= (this.#readBy.get(s) ?? Infinity);
  }
}

/** A state asked of a tool: the reading that answers it, the socket, and the step's count. */
interface Asked {
  snapshot: Promise<TcpTableSnapshot>;
  query: TcpSocketQuery;
  seq: number;
  key: string;
}

/** What the trace knows of one connection. */
interface Traced {
  fd: number | undefined;
  inode: number | undefined;
  /** The peer's endpoint as the kernel sees it (before any PROXY header changes the client's). */
  peer: { address: string; port: number };
}

/** The server's trace: attach with {@link traceServer}; call `listening` once the server listens. */
export interface ServerTrace {
  /** Traces the listening socket's calls (socket, bind, listen) for the address the server got. */
  listening(address: EchoServerAddress, requestedBacklog: number): void;
  /**
   * Resolves once every line given so far is written (elsewhere than Linux,
   * lines wait for the tool's reading), or after `ms`, whichever comes first.
   */
  drained(ms: number): Promise<void>;
}

/** A connection's descriptor, inode and peer, found once (by /proc where there is one: not with a `tool`). */
function lookUp(conn: ConnectionInfo, port: number, table: TcpTableName, tool: boolean): Traced {
  const peer = { address: conn.proxyAddress ?? conn.remoteAddress, port: conn.remotePort };
  let fd = conn.fd;
  let inode = fd === undefined ? undefined : socketInode(fd);
  if (inode === undefined && !tool) {
    const rows = readTcpTable(undefined, [table]) ?? [];
    inode = findTcpSocket(rows, {
      localPort: port,
      remoteAddress: peer.address,
      remotePort: peer.port,
    })?.inode;
    if (inode !== undefined) fd ??= descriptorOf(inode);
  }
  return { fd, inode, peer };
}

/** What describing one server step needs of the trace. */
interface StepContext {
  m: TraceMessages;
  lang: Lang;
  server: EchoServer;
  /** States come from a system tool, asked after the step (elsewhere than Linux), not read from /proc now. */
  tool: boolean;
  table: TcpTableName;
  port: number;
  listenFd: number | undefined;
}

/** One server step as a trace line; its state read from /proc now, or left for the tool. */
function describeServerStep(c: StepContext, conn: ConnectionInfo, t: Traced, step: SocketStep): TraceEvent {
  const { m, server, tool, table, port } = c;
  const fields = { id: conn.id };
  const ends = { localPort: port, remoteAddress: t.peer.address, remotePort: t.peer.port };
  // Elsewhere than Linux the state is asked afterwards (describe), and written when the tool answers.
  const now = () => (tool ? "unknown" : stateOf(table, t.inode, ends));
  switch (step.kind) {
    case "accepted": {
      const rows = tool ? undefined : readTcpTable(undefined, [table]);
      const queue = findTcpSocket(rows ?? [], { localPort: port, state: "LISTEN" })?.rxQueue;
      const remote = formatEndpoint(t.peer.address, t.peer.port);
      return {
        call: "accept",
        fd: c.listenFd,
        result: `fd ${fdText(t.fd)} ← ${remote}`,
        state: rows === undefined && !tool ? "unknown" : now(),
        notes: [
          m.communicationSocket,
          ...(queue === undefined ? [] : [m.acceptQueue(queue)]),
          m.acceptedByLibuv,
        ],
        fields: {
          ...fields,
          newFd: t.fd ?? null,
          remote,
          ...(queue === undefined ? {} : { acceptQueue: queue }),
        },
      };
    }
    case "read":
      return {
        call: "recv",
        fd: t.fd,
        args: "65536",
        result: String(step.bytes),
        state: now(),
        notes: [],
        fields: { ...fields, bytes: step.bytes },
      };
    case "written": {
      const asked = step.bytes + step.queued;
      const streams = server.dataPath === "streams";
      const notes =
        step.queued === 0 ? [] : [streams ? m.streamQueued(step.queued) : m.backpressure(step.queued)];
      return {
        call: "send",
        fd: t.fd,
        args: String(asked),
        result: streams && step.queued > 0 ? "?" : String(step.bytes),
        state: now(),
        notes,
        fields: { ...fields, bytes: step.bytes, queued: step.queued },
      };
    }
    case "end":
      return { call: "recv", fd: t.fd, result: "0", state: now(), notes: [m.clientFin], fields };
    case "shutdown": {
      const state = now();
      // Gone right after our FIN: the client's ACK came already (at once on loopback), ending LAST_ACK.
      const notes = !tool && state === "gone" ? [m.ourFin, m.lastAckOver] : [m.ourFin];
      return { call: "shutdown", fd: t.fd, args: "SHUT_WR", state, notes, fields };
    }
    case "failed": {
      const code = (step.error as NodeJS.ErrnoException).code ?? step.error.message;
      return { call: "error", fd: t.fd, result: code, state: now(), notes: [], fields };
    }
    case "fault": {
      const { kind, spec, ...figures } = step.effect;
      // Not a socket call: what the server did on purpose, between the calls it changed.
      return {
        call: "fault",
        fd: t.fd,
        args: spec,
        state: now(),
        notes: [faultDone(c.lang, step.effect)],
        fields: { ...fields, fault: kind, spec, ...figures },
      };
    }
    case "closed": {
      // No descriptor any more: what the kernel keeps (TIME_WAIT), by its endpoints.
      const state = tool ? "unknown" : stateOf(table, undefined, ends);
      return { call: "close", fd: t.fd, state, notes: [m.released], fields };
    }
  }
}

/**
 * The listening socket's lines (socket, bind, listen) and its descriptor; the
 * listen line's state read from /proc now, or left for the system tool.
 */
function listenerLines(
  address: EchoServerAddress,
  requestedBacklog: number,
  table: TcpTableName,
  m: TraceMessages,
  tool: boolean,
): { fd: number | undefined; events: [TraceEvent, TraceEvent, TraceEvent] } {
  let listenFd: number | undefined;
  const rows = tool ? undefined : readTcpTable(undefined, [table]);
  const listeners = (rows ?? []).filter((r) => r.localPort === address.port && r.state === "LISTEN");
  // Under --workers the primary may hold the listener: its state still, without our descriptor.
  let state: TraceEvent["state"] = rows === undefined ? "unknown" : (listeners[0]?.state ?? "gone");
  for (const r of listeners) {
    const fd = descriptorOf(r.inode);
    if (fd !== undefined) {
      listenFd = fd;
      state = r.state;
      break;
    }
  }
  const family = address.family === "IPv6" ? "AF_INET6" : "AF_INET";
  const bound = formatEndpoint(address.host, address.port);
  const applied =
    address.backlog === requestedBacklog
      ? String(requestedBacklog)
      : `${requestedBacklog} → ${m.appliedBacklog(address.backlog)}`;
  const events: [TraceEvent, TraceEvent, TraceEvent] = [
    {
      call: "socket",
      fd: listenFd,
      args: `${family}, SOCK_STREAM, 0`,
      result: `fd ${fdText(listenFd)}`,
      notes: [m.listeningSocket, m.joinedListen],
    },
    { call: "bind", fd: listenFd, args: bound, notes: [], fields: { address: bound } },
    {
      call: "listen",
      fd: listenFd,
      args: `backlog ${applied}`,
      state,
      notes: [],
      fields: { backlog: address.backlog, backlogRequested: requestedBacklog },
    },
  ];
  return { fd: listenFd, events };
}

/**
 * Traces `server`'s socket steps into `sink`, at most `perSecond` lines a
 * second (past that, one `suppressed` line and nothing until the next second).
 *
 * @example
 * ```ts
 * import { createEchoServer } from "../server/echo-server.js";
 * import { textTrace, traceServer } from "./trace.js";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const trace = traceServer(server, textTrace(console.log, "en"), "en", 100);
 * trace.listening(await server.listen(), 511);
 * await server.close();
 * ```
 */
export function traceServer(
  server: EchoServer,
  sink: TraceSink,
  lang: Lang,
  perSecond: number,
  reader: TcpTableReader | null = process.platform === "linux" ? null : tcpTableReader(),
): ServerTrace {
  return new ServerTracer(server, sink, lang, perSecond, reader === null ? null : new ToolStates(reader));
}

/** {@link traceServer}'s trace: the listener's facts, each connection's descriptor, the line budget. */
class ServerTracer implements ServerTrace {
  readonly #server: EchoServer;
  readonly #sink: TraceSink;
  readonly #m: TraceMessages;
  readonly #lang: Lang;
  /** Elsewhere than Linux: the tool that reads TCP states, whose answers the lines wait for. */
  readonly #tool: ToolStates | null;
  readonly #conns = new Map<number, Traced>();
  // Whole characters, as the data lines show them: one a read split is shown with the next read.
  readonly #carry: CharacterCarry;
  readonly #budget: LineBudget;
  #listenFd: number | undefined;
  #port = 0;
  // The listener's table: an IPv6 (dual-stack) listener's clients are in tcp6, IPv4-mapped.
  #table: TcpTableName = "tcp";
  // A read's line waits for its bytes (the data event right after it), to show them.
  #pendingRead: { conn: ConnectionInfo; event: TraceEvent } | null = null;
  #detach: (() => void) | null = null;

  constructor(server: EchoServer, sink: TraceSink, lang: Lang, perSecond: number, tool: ToolStates | null) {
    this.#server = server;
    this.#sink = sink;
    this.#m = traceMessages[lang];
    this.#lang = lang;
    this.#tool = tool;
    this.#carry = new CharacterCarry(server.textEncoding);
    this.#budget = new LineBudget(
      perSecond,
      () => this.#suppress(perSecond),
      () => this.#attach(),
    );
    this.#attach();
    server.on("close", () => {
      this.#flush();
      this.#budget.stop();
    });
  }

  listening(address: EchoServerAddress, requestedBacklog: number): void {
    this.#port = address.port;
    this.#table = address.family === "IPv6" ? "tcp6" : "tcp";
    const lines = listenerLines(address, requestedBacklog, this.#table, this.#m, this.#tool !== null);
    this.#listenFd = lines.fd;
    const [socket, bind, listen] = lines.events;
    this.#out(socket);
    this.#out(bind);
    if (this.#tool !== null)
      listen.state = this.#tool.ask(listen, { localPort: this.#port, state: "LISTEN" });
    this.#out(listen);
  }

  async drained(ms: number): Promise<void> {
    this.#flush();
    if (this.#tool === null) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([this.#tool.drained(), bound]);
    clearTimeout(timer);
  }

  readonly #observer = (conn: ConnectionInfo, step: SocketStep): void => {
    this.#flush();
    if (!this.#budget.take()) return;
    const event = this.#describe(conn, step);
    if (step.kind === "read") this.#pendingRead = { conn, event };
    else this.#out(event);
  };

  readonly #onData = (conn: ConnectionInfo, chunk: Buffer): void => {
    const shown = this.#carry.next(conn.id, chunk);
    const pending = this.#pendingRead;
    if (pending === null || pending.conn !== conn) return;
    pending.event.result += ` ${quotedData(shown, this.#m, this.#server.textEncoding)}`;
    this.#flush();
  };

  #attach(): void {
    this.#detach = this.#server.observe(this.#observer);
    this.#server.on("data", this.#onData);
  }

  // Over the budget: stop watching until the next second.
  #suppress(perSecond: number): void {
    this.#flush();
    this.#detach?.();
    this.#detach = null;
    this.#server.off("data", this.#onData);
    // Connections may close unseen meanwhile: forget them all, and look them up afresh.
    this.#conns.clear();
    this.#carry.clear();
    this.#out({
      call: "suppressed",
      fd: undefined,
      notes: [this.#m.suppressed(perSecond)],
      fields: { perSecond },
    });
  }

  #out(e: TraceEvent): void {
    if (this.#tool === null) return this.#sink(e);
    // Gone right after our FIN: the client's ACK came already (at once on loopback), ending LAST_ACK.
    this.#tool.write(e, this.#sink, (done) => {
      if (done.call === "shutdown" && done.state === "gone") done.notes.push(this.#m.lastAckOver);
    });
  }

  #flush(): void {
    if (this.#pendingRead !== null) this.#out(this.#pendingRead.event);
    this.#pendingRead = null;
  }

  #traced(conn: ConnectionInfo): Traced {
    let t = this.#conns.get(conn.id);
    if (t === undefined) {
      t = lookUp(conn, this.#port, this.#table, this.#tool !== null);
      this.#conns.set(conn.id, t);
    }
    return t;
  }

  #describe(conn: ConnectionInfo, step: SocketStep): TraceEvent {
    const t = this.#traced(conn);
    if (step.kind === "closed") {
      this.#conns.delete(conn.id);
      this.#carry.release(conn.id);
    }
    const tool = this.#tool;
    const context = {
      m: this.#m,
      lang: this.#lang,
      server: this.#server,
      tool: tool !== null,
      table: this.#table,
      port: this.#port,
      listenFd: this.#listenFd,
    };
    const event = describeServerStep(context, conn, t, step);
    if (tool !== null && event.state !== undefined) {
      event.state = tool.ask(event, {
        localPort: this.#port,
        remoteAddress: t.peer.address,
        remotePort: t.peer.port,
      });
    }
    return event;
  }
}

/** A client socket's descriptor: its handle's, else found by its inode. */
function clientFd(
  socket: Socket,
  table: TcpTableName,
  q: TcpSocketQuery,
): { fd: number | undefined; inode: number | undefined } {
  const own = socketFd(socket);
  if (own !== undefined) return { fd: own, inode: socketInode(own) };
  const inode = findTcpSocket(readTcpTable(undefined, [table]) ?? [], q)?.inode;
  return { fd: inode === undefined ? undefined : descriptorOf(inode), inode };
}

/**
 * The client's trace: made before connecting, with `onSocket` given to
 * `connect()`; call each other method as its step happens.
 */
export interface ClientTrace {
  /** For `connect()`'s `onSocket`: notes the descriptor as soon as the kernel has made the socket. */
  readonly onSocket: (socket: Socket) => void;
  /** After connect: socket and connect, with our ephemeral port. */
  connected(client: EchoClient): void;
  /** A connect that failed: socket, `connect = -1` and the error, close. Nothing when no socket was made (a name not found). */
  connectFailed(error: EchoError): void;
  /** One echo: what was sent, and how many recv calls brought it back. */
  echoed(sent: number, received: Buffer, recvCalls: number): void;
  /** One echo that failed: what was sent, and how the recvn loop ended (timed out, the server's FIN, a reset). */
  echoFailed(sent: number, error: EchoError, recvCalls: number): void;
  /** Runs `close` (the polite close: our FIN, then the release), tracing shutdown and close. */
  close(close: () => Promise<void>): Promise<void>;
  /** The socket was closed without a shutdown first (a failure, Ctrl-C). */
  destroyed(): void;
  /** Resolves once every line is written (elsewhere than Linux, lines wait for the tool's reading). */
  drained(): Promise<void>;
}

/** The connection the client trace follows, once it is made. */
interface TracedClient {
  socket: Socket;
  ends: TcpSocketQuery;
  table: TcpTableName;
  inode: number | undefined;
}

/** The connect line of a connect that failed, and the address it went to. */
function failedConnectLine(
  error: EchoError,
  fd: number | undefined,
  m: TraceMessages,
  duration: (ms: number | undefined) => string,
): { address: string; event: TraceEvent } {
  const cause = error.cause as { address?: unknown } | undefined;
  const address = typeof cause?.address === "string" ? cause.address : (error.context.host ?? "?");
  const remote = formatEndpoint(address, error.context.port);
  const handshake = error.context.operation === "tls handshake";
  const notes =
    error.code === "ECONNREFUSED"
      ? [m.connectRefused]
      : error.code === "ETIMEDOUT" && !handshake
        ? [m.connectTimedOut(duration(error.context.timeoutMs))]
        : [];
  // A TLS handshake fails after the TCP connect succeeded; its error line says why.
  const result = handshake ? "0" : `-1 ${error.code}`;
  return {
    address,
    event: { call: "connect", fd, args: remote, result, notes, fields: { remote, code: error.code } },
  };
}

/**
 * What a failed recvn returns, and its note: the notes' recvn returns what it
 * got when recv returns 0, and SOCKET_ERROR otherwise.
 */
function recvnFailure(
  error: EchoError,
  sent: number,
  m: TraceMessages,
  duration: (ms: number | undefined) => string,
): [string, string | undefined] {
  const ctx = error.context;
  if (error.code === "ERR_PEER_CLOSED")
    return [String(ctx.received ?? 0), m.recvnPeerClosed(ctx.received ?? 0, sent)];
  if (error.code === "ETIMEDOUT") return ["-1 ETIMEDOUT", m.recvnTimedOut(duration(ctx.timeoutMs))];
  if (error.code === "ECONNRESET") return ["-1 ECONNRESET", m.recvnReset];
  return [`-1 ${error.code}`, undefined];
}

/**
 * Traces a client's steps into `write`; the bytes of an echo shown read as `encoding`; elsewhere
 * than Linux the TCP states come from `reader` (netstat or Get-NetTCPConnection).
 *
 * @example
 * ```ts
 * import { connect } from "../client/connect.js";
 * import { createEchoServer } from "../server/echo-server.js";
 * import { textTrace, traceClient } from "./trace.js";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const trace = traceClient(textTrace(console.error, "en"), "en");
 * const port = (await server.listen()).port;
 * const client = await connect({ host: "127.0.0.1", port, onSocket: trace.onSocket });
 * trace.connected(client);
 * await trace.close(() => client.close());
 * await server.close();
 * ```
 */
export function traceClient(
  write: TraceSink,
  lang: Lang,
  encoding: TextEncoding = "utf-8",
  reader: TcpTableReader | null = process.platform === "linux" ? null : tcpTableReader(),
): ClientTrace {
  return new ClientTracer(write, lang, encoding, reader === null ? null : new ToolStates(reader));
}

/** {@link traceClient}'s trace: the descriptor and ends of the one connection it follows. */
class ClientTracer implements ClientTrace {
  readonly #write: TraceSink;
  readonly #m: TraceMessages;
  readonly #lang: Lang;
  readonly #encoding: TextEncoding;
  /** Elsewhere than Linux: the tool that reads TCP states, whose answers the lines wait for. */
  readonly #tool: ToolStates | null;
  #fd: number | undefined;
  #tcpInode: number | undefined;
  /** libuv began a connect: a failed one made a socket worth its lines. */
  #attempted = false;
  #traced: TracedClient | undefined;

  constructor(write: TraceSink, lang: Lang, encoding: TextEncoding, tool: ToolStates | null) {
    this.#write = write;
    this.#m = traceMessages[lang];
    this.#lang = lang;
    this.#encoding = encoding;
    this.#tool = tool;
  }

  readonly onSocket = (socket: Socket): void => {
    // libuv makes the descriptor when it connects, right after this event (Node ≥ 20.12).
    socket.once("connectionAttempt", () => {
      this.#attempted = true;
      process.nextTick(() => this.#look(socket));
    });
    setImmediate(() => this.#fd ?? this.#look(socket));
  };

  connected(client: EchoClient): void {
    const socket = client.socket;
    const remoteAddress = client.remoteAddress ?? client.host;
    const localPort = client.localPort ?? 0;
    const ends: TcpSocketQuery = { localPort, remoteAddress, remotePort: client.port };
    const table: TcpTableName = (client.localAddress ?? remoteAddress).includes(":") ? "tcp6" : "tcp";
    const found =
      this.#fd === undefined ? clientFd(socket, table, ends) : { fd: this.#fd, inode: this.#tcpInode };
    this.#fd = found.fd;
    this.#traced = { socket, ends, table, inode: found.inode };
    const local = formatEndpoint(client.localAddress ?? "?", localPort);
    const remote = formatEndpoint(remoteAddress, client.port);
    this.#socketLine(remoteAddress);
    this.#sink({
      call: "connect",
      fd: this.#fd,
      args: remote,
      result: "0",
      state: this.#now(),
      notes: [this.#m.ephemeral(local)],
      fields: { local, remote, localPort },
    });
  }

  connectFailed(error: EchoError): void {
    if (!this.#attempted && this.#fd === undefined) return;
    const { address, event } = failedConnectLine(error, this.#fd, this.#m, this.#duration);
    this.#socketLine(address);
    this.#sink(event);
    this.#closeLine();
  }

  echoed(sent: number, received: Buffer, recvCalls: number): void {
    this.#sendLine(sent);
    this.#sink({
      call: "recvn",
      fd: this.#fd,
      args: String(sent),
      result: `${received.length} ${quotedData(received, this.#m, this.#encoding)}`,
      state: this.#now(),
      notes: [this.#m.recvCalls(recvCalls)],
      fields: { bytes: received.length, recvCalls },
    });
  }

  echoFailed(sent: number, error: EchoError, recvCalls: number): void {
    this.#sendLine(sent);
    const [result, note] = recvnFailure(error, sent, this.#m, this.#duration);
    this.#sink({
      call: "recvn",
      fd: this.#fd,
      args: String(sent),
      result,
      state: this.#now(),
      notes: [this.#m.recvCalls(recvCalls), ...(note === undefined ? [] : [note])],
      fields: { code: error.code, recvCalls },
    });
  }

  async close(close: () => Promise<void>): Promise<void> {
    const socket = this.#traced?.socket;
    // 'finish' comes when the shutdown request is done: our FIN is out.
    const onFinish = () =>
      this.#sink({
        call: "shutdown",
        fd: this.#fd,
        args: "SHUT_WR",
        state: this.#now(),
        notes: [this.#m.ourFin],
      });
    socket?.once("finish", onFinish);
    try {
      await close();
    } finally {
      socket?.off("finish", onFinish);
    }
    this.#closeLine();
  }

  destroyed(): void {
    this.#closeLine();
  }

  drained(): Promise<void> {
    return this.#tool?.drained() ?? Promise.resolve();
  }

  // Elsewhere than Linux a line with a state asks the tool for it, and waits for the answer in order.
  #sink(e: TraceEvent): void {
    if (this.#tool === null) return this.#write(e);
    if (e.state !== undefined && this.#traced !== undefined) e.state = this.#tool.ask(e, this.#traced.ends);
    this.#tool.write(e, this.#write);
  }

  // As the error line under the trace words it ("within 2 s"), so that the two agree.
  readonly #duration = (ms: number | undefined): string =>
    errorSeconds(ms ?? 0, this.#lang === "ko" ? "초" : " s");

  #look(socket: Socket): void {
    const own = socketFd(socket);
    if (own === undefined) return;
    this.#fd = own;
    this.#tcpInode = socketInode(own);
  }

  #stateNow(inode: number | undefined): TraceEvent["state"] {
    const traced = this.#traced;
    if (traced === undefined) return undefined;
    return this.#tool !== null ? "unknown" : stateOf(traced.table, inode, traced.ends);
  }

  #now(): TraceEvent["state"] {
    return this.#stateNow(this.#traced?.inode);
  }

  #socketLine(address: string): void {
    this.#sink({
      call: "socket",
      fd: this.#fd,
      args: `${address.includes(":") ? "AF_INET6" : "AF_INET"}, SOCK_STREAM, 0`,
      result: `fd ${fdText(this.#fd)}`,
      notes: [this.#m.joinedConnect],
    });
  }

  #sendLine(sent: number): void {
    this.#sink({
      call: "send",
      fd: this.#fd,
      args: String(sent),
      result: String(sent),
      state: this.#now(),
      notes: [],
    });
  }

  #closeLine(): void {
    const state = this.#stateNow(undefined);
    this.#sink({
      call: "close",
      fd: this.#fd,
      ...(state === undefined ? {} : { state }),
      notes: [this.#m.released],
    });
  }
}
