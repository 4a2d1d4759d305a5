/**
 * A live model of one echo server, for a page that draws it (`serve --ui`)
 * or a program's own view: the listening sockets with their accept queues,
 * each communication socket with its TCP state and counts, the socket calls
 * of the connections someone follows, and the totals. Built from the
 * server's socket steps (`EchoServer.observe`) and, where the OS tells
 * (Linux's /proc/net/tcp), the kernel's own view of each socket.
 *
 * Costs nothing until {@link LiveView.start}: it subscribes then, and
 * {@link LiveView.stop} unsubscribes. Connections open before the start are
 * listed from `server.connections()`, their earlier calls unknown.
 *
 * Bounded: per connection a fixed record (about 200 bytes) and its first 8
 * calls and latest 4 (about 100 bytes each); of a followed connection, up to
 * {@link LiveViewOptions.maxCalls}. Closed connections are kept
 * {@link LiveViewOptions.keepClosedMs}, then dropped.
 *
 * @module
 */

import { performance } from "node:perf_hooks";
import { formatEndpoint } from "../net/endpoint.js";
import { findTcpSocket, readTcpTable, type TcpSocketRow, type TcpTableName } from "../net/tcp-state.js";
import type { ConnectionInfo } from "./connection.js";
import type { SocketStep } from "./diagnostics.js";
import type { EchoServer, EchoServerAddress } from "./echo-server.js";
import type { EchoServerStats } from "./server-stats.js";
import { CharacterCarry, decodeCp949, unfinishedTail, type TextEncoding } from "../net/text-encoding.js";

/**
 * A connection's state as the server knows it, where the kernel does not
 * tell: `open` (ESTABLISHED), `half-closed` (the client's FIN came:
 * CLOSE_WAIT), `closing` (our FIN went out), `closed` (descriptor released).
 */
export type ServerKnownState = "open" | "half-closed" | "closing" | "closed";

/** Where a state came from: the kernel's table (Linux) or what the server knows. */
export type StateSource = "kernel" | "server";

/** One listening socket (대기 소켓). */
export interface LiveListener {
  /** `host:port` as bound (IPv6 in brackets). */
  address: string;
  family: "IPv4" | "IPv6";
  /** The accept queue's length as applied (the request capped at SOMAXCONN). */
  backlog: number;
  /** Connections waiting in the accept queue now, where the OS tells (Linux); null elsewhere. */
  acceptQueue: number | null;
}

/** One communication socket (통신 소켓), as a row of the list. */
export interface LiveConnection {
  id: number;
  /** The client's `address:port` (the PROXY header's client where that is on). */
  peer: string;
  /** With PROXY protocol: the load balancer the TCP connection came from. */
  proxy: string | null;
  /** A kernel TCP state name (ESTABLISHED, CLOSE_WAIT, …) or a {@link ServerKnownState}. */
  state: string;
  stateFrom: StateSource;
  bytesIn: number;
  bytesOut: number;
  /** Received and not yet echoed (waiting for the kernel's send buffer, or held by a fault). */
  queued: number;
  ageMs: number;
  /** The faults that acted on it, by spec (`delay=200ms`). */
  faults: string[];
  /** Closed, and kept a moment so a watcher sees it go. */
  closed: boolean;
}

/** The socket calls a step stands for, in the notes' words. */
export type LiveCallName = "accept" | "recv" | "send" | "shutdown" | "close" | "error" | "fault";

/** One socket call of a followed connection, with the state after it. */
export interface LiveCall {
  /** ms since the connection was accepted. */
  atMs: number;
  call: LiveCallName;
  /** What was asked: `recv`'s buffer, `send`'s length, `shutdown`'s how, a fault's spec. */
  args: string;
  /** What came back: bytes, `0` (the client's FIN), an error code, "" when nothing. */
  result: string;
  /** For `send`: bytes left queued (backpressure). */
  queued: number;
  state: string;
  stateFrom: StateSource;
  /** For `recv`: the start of the bytes received, as text (only while followed). */
  data?: string;
}

/** The calls of a followed connection. */
export interface LiveFollowed {
  id: number;
  calls: LiveCall[];
  /** Calls left out between the first ones and the latest (the bound). */
  skipped: number;
  /** False when the connection opened before anyone watched: its first calls are unknown. */
  fromAccept: boolean;
  closed: boolean;
}

/** Counters of the whole server. */
export interface LiveTotals {
  served: number;
  open: number;
  bytesIn: number;
  bytesOut: number;
  /** Resets, other errors, failed TLS handshakes and PROXY headers, accept errors. */
  errors: number;
  refused: number;
  /** Connections a fault acted on (once per connection and kind). */
  faults: number;
}

/** Everything a page draws, for one window of the connection list. */
export interface LiveSnapshot {
  /** The server's clock (ms since the epoch) when taken. */
  at: number;
  server: {
    state: "starting" | "listening" | "draining" | "closed";
    dataPath: string | null;
    faults: string[];
    uptimeMs: number;
  };
  listeners: LiveListener[];
  totals: LiveTotals;
  /** `total` connections listed (open and just closed); `rows` from index `from`. */
  connections: { total: number; from: number; rows: LiveConnection[] };
  followed: LiveFollowed | null;
}

/** Which part of the list a watcher shows, and whose calls. */
export interface LiveWindow {
  from?: number;
  count?: number;
  follow?: number | undefined;
}

/** Bounds of a {@link LiveView}. */
export interface LiveViewOptions {
  /**
   * Calls kept of a followed connection: its first 8 and the latest. Default
   * 32. Of the others, the first 8 and the latest 4.
   */
  maxCalls?: number;
  /** How long a closed connection stays listed, ms. Default 3000. */
  keepClosedMs?: number;
  /** Rows a window may ask for. Default 200. */
  maxRows?: number;
  /** Read the kernel's TCP table (Linux). Default true; off, states are the server's. */
  kernel?: boolean;
}

const FIRST_CALLS = 8;
// The latest calls kept of a connection nobody follows (about 100 bytes each, for every connection).
const LATEST_UNFOLLOWED = 4;
const DATA_PREVIEW = 48;
// Reading the kernel's table takes ~5 ms per thousand sockets. Reads spend from a credit of time that
// grows by 1/KERNEL_SHARE (5%) of the clock, up to KERNEL_BURST_MS: a small table is read after every call
// of a followed connection, a big one (tens of thousands of sockets) about once a second.
const KERNEL_SHARE = 20;
const KERNEL_BURST_MS = 50;

/** What the view keeps of one connection. */
interface Tracked {
  readonly info: ConnectionInfo;
  /** Bytes echoed, as of its close (while open, the connection's own count is read). */
  bytesOut: number;
  known: ServerKnownState;
  kernel: string | undefined;
  faults: string[];
  calls: LiveCall[];
  skipped: number;
  readonly fromAccept: boolean;
  closedAt: number | undefined;
  /** A recv whose bytes (the `data` event right after it) are still to come. */
  awaitingData: LiveCall | undefined;
}

/**
 * The live model of `server`.
 *
 * @example
 * ```ts
 * import { createEchoServer, LiveView } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * await server.listen();
 * const view = new LiveView(server);
 * view.start();
 * console.log(view.snapshot({ from: 0, count: 50 }).totals.open); // 0
 * view.stop();
 * await server.close();
 * ```
 */
export class LiveView {
  readonly #server: EchoServer;
  readonly #maxCalls: number;
  readonly #keepClosedMs: number;
  readonly #maxRows: number;
  readonly #kernel: boolean;
  readonly #tracked = new Map<number, Tracked>();
  /** Followed connections, with how many watchers follow each. */
  readonly #followed = new Map<number, number>();
  /** Closed connections' ids in the order they closed: the oldest are dropped first. */
  #closedIds: number[] = [];
  #closedHead = 0;
  #detach: (() => void) | null = null;
  /** The LISTEN rows of the kernel's last read: each listener's accept queue. */
  #listening: TcpSocketRow[] | undefined;
  #kernelCredit = { ms: KERNEL_BURST_MS, at: 0 };
  #version = 0;
  // Followed connections' bytes shown in whole characters: one that a read split waits for the next.
  readonly #carry: CharacterCarry;
  readonly #encoding: TextEncoding;

  constructor(server: EchoServer, options: LiveViewOptions = {}) {
    this.#server = server;
    this.#maxCalls = Math.max(FIRST_CALLS + 1, options.maxCalls ?? 32);
    this.#keepClosedMs = options.keepClosedMs ?? 3000;
    this.#maxRows = options.maxRows ?? 200;
    this.#kernel = options.kernel ?? true;
    this.#encoding = server.textEncoding;
    this.#carry = new CharacterCarry(this.#encoding);
  }

  /** Grows whenever something a watcher sees changed: send a snapshot when it moved. */
  get version(): number {
    return this.#version;
  }

  /** Whether it is watching the server now. */
  get started(): boolean {
    return this.#detach !== null;
  }

  /** Starts watching: lists the connections open now and follows their steps from here. */
  start(): void {
    if (this.#detach !== null) return;
    for (const c of this.#server.connections()) this.#track(c, false);
    const detachSteps = this.#server.observe((conn, step) => this.#onStep(conn, step));
    const onData = (conn: ConnectionInfo, chunk: Buffer) => this.#onData(conn, chunk);
    const onChange = () => this.#version++;
    this.#server.on("data", onData);
    for (const e of ["draining", "close", "faultsChanged", "refused"] as const) this.#server.on(e, onChange);
    this.#detach = () => {
      detachSteps();
      this.#server.off("data", onData);
      for (const e of ["draining", "close", "faultsChanged", "refused"] as const)
        this.#server.off(e, onChange);
    };
    this.#version++;
  }

  /** Stops watching and forgets every connection. */
  stop(): void {
    this.#detach?.();
    this.#detach = null;
    this.#tracked.clear();
    this.#followed.clear();
    this.#carry.clear();
    this.#closedIds = [];
    this.#closedHead = 0;
    this.#listening = undefined;
  }

  /**
   * Follows `id`'s calls with the bytes each recv brought (several watchers
   * may follow several). Returns the function that stops following.
   */
  follow(id: number): () => void {
    this.#followed.set(id, (this.#followed.get(id) ?? 0) + 1);
    let following = true;
    return () => {
      if (!following) return;
      following = false;
      const left = (this.#followed.get(id) ?? 1) - 1;
      if (left > 0) this.#followed.set(id, left);
      else {
        this.#followed.delete(id);
        this.#carry.release(id);
      }
    };
  }

  /**
   * Brings the view up to date with the clock: reads the kernel's table (so
   * states and accept queues move without steps), and drops connections
   * closed longer than the bound. Call it a few times a second while watched.
   */
  refresh(): void {
    const changed = this.#pruneClosed(performance.now());
    if (this.#readKernel() || changed) this.#version++;
  }

  /** Drops the connections closed longer than the bound, oldest first; true when there were some. */
  #pruneClosed(now: number): boolean {
    const ids = this.#closedIds;
    let pruned = false;
    for (; this.#closedHead < ids.length; this.#closedHead++) {
      const t = this.#tracked.get(ids[this.#closedHead]!);
      if (t !== undefined && now - (t.closedAt ?? now) < this.#keepClosedMs) break;
      pruned = this.#tracked.delete(ids[this.#closedHead]!) || pruned;
    }
    if (this.#closedHead > 1024 && this.#closedHead * 2 > ids.length) {
      this.#closedIds = ids.slice(this.#closedHead);
      this.#closedHead = 0;
    }
    return pruned;
  }

  /** What a watcher of `window` draws now. */
  snapshot(window: LiveWindow = {}): LiveSnapshot {
    const now = performance.now();
    const count = Math.max(0, Math.min(window.count ?? 50, this.#maxRows));
    const total = this.#tracked.size;
    const from = Math.max(0, Math.min(window.from ?? 0, Math.max(0, total - 1)));
    const rows: LiveConnection[] = [];
    let i = 0;
    for (const t of this.#tracked.values()) {
      if (i >= from + count) break;
      if (i++ >= from) rows.push(this.#row(t, now));
    }
    const stats = this.#server.stats();
    return {
      at: Date.now(),
      server: this.#serverState(stats),
      listeners: this.#listeners(),
      totals: totalsOf(stats),
      connections: { total, from, rows },
      followed: window.follow === undefined ? null : this.#followedCalls(window.follow),
    };
  }

  #track(info: ConnectionInfo, fromAccept: boolean): Tracked {
    const t: Tracked = {
      info,
      bytesOut: 0,
      known: "open",
      kernel: undefined,
      faults: [],
      calls: [],
      skipped: 0,
      fromAccept,
      closedAt: undefined,
      awaitingData: undefined,
    };
    this.#tracked.set(info.id, t);
    return t;
  }

  #onStep(conn: ConnectionInfo, step: SocketStep): void {
    this.#version++;
    const t = this.#tracked.get(conn.id) ?? this.#track(conn, step.kind === "accepted");
    // A step that moves the state makes the kernel's last word stale until its next read.
    if (step.kind === "end" || step.kind === "shutdown" || step.kind === "failed") t.kernel = undefined;
    if (step.kind === "end") t.known = "half-closed";
    else if (step.kind === "shutdown") t.known = "closing";
    else if (step.kind === "fault" && !t.faults.includes(step.effect.spec)) t.faults.push(step.effect.spec);
    else if (step.kind === "closed") {
      t.known = "closed";
      t.kernel = undefined;
      t.closedAt = performance.now();
      t.bytesOut = outOf(conn);
      this.#carry.release(conn.id);
      // Also when nobody calls refresh() (no page open, in the linger): closed ones never pile up.
      this.#pruneClosed(t.closedAt);
      this.#closedIds.push(conn.id);
    }
    const [call, args, result, queued] = callOf(step);
    const record = this.#call(t, call, args, result, queued);
    t.awaitingData = step.kind === "read" ? record : undefined;
  }

  /** Records a call; returns it (for a recv, whose bytes come next). */
  #call(t: Tracked, call: LiveCallName, args: string, result: string, queued: number): LiveCall | undefined {
    const followed = this.#followed.has(t.info.id);
    // A PROXY client's address is not the TCP peer's: the kernel cannot be asked about it.
    const asked = followed && t.info.proxyAddress === undefined;
    const { state, stateFrom } = asked ? this.#stateNow(t) : serverWord(t);
    const record: LiveCall = {
      atMs: Math.round(performance.now() - t.info.acceptedAt),
      call,
      args,
      result,
      queued,
      state,
      stateFrom,
    };
    // Keep the first few (how it began) and the latest: more of them for a connection someone follows.
    const max = followed ? this.#maxCalls : Math.min(this.#maxCalls, FIRST_CALLS + LATEST_UNFOLLOWED);
    while (t.calls.length >= max) {
      t.calls.splice(FIRST_CALLS, 1);
      t.skipped++;
    }
    t.calls.push(record);
    return followed ? record : undefined;
  }

  #onData(conn: ConnectionInfo, chunk: Buffer): void {
    if (!this.#followed.has(conn.id)) return;
    const shown = this.#carry.next(conn.id, chunk);
    const t = this.#tracked.get(conn.id);
    const call = t?.awaitingData;
    if (call === undefined || t === undefined) return;
    call.data = preview(shown, this.#encoding);
    t.awaitingData = undefined;
  }

  #stateKnown(t: Tracked): { state: string; stateFrom: StateSource } {
    return t.kernel === undefined || t.known === "closed"
      ? { state: t.known, stateFrom: "server" }
      : { state: t.kernel, stateFrom: "kernel" };
  }

  /** The kernel's state of a followed connection right after a call, when a read of the table is due. */
  #stateNow(t: Tracked): { state: string; stateFrom: StateSource } {
    const rows = this.#readTable();
    if (rows === undefined) return serverWord(t);
    const row = findTcpSocket(rows, this.#query(t));
    // Gone from the table: the socket is closed (both FINs acknowledged, or reset).
    return { state: row?.state ?? "CLOSED", stateFrom: "kernel" };
  }

  /** The kernel's rows for the listening ports, or undefined where it does not tell or no read is due. */
  #readTable(): TcpSocketRow[] | undefined {
    const start = performance.now();
    const credit = this.#kernelCredit;
    credit.ms = Math.min(KERNEL_BURST_MS, credit.ms + (start - credit.at) / KERNEL_SHARE);
    credit.at = start;
    if (!this.#kernel || credit.ms <= 0) return undefined;
    const rows = readTcpTable(undefined, this.#tables(), new Set(this.#listenerPorts()));
    credit.ms -= performance.now() - start;
    // Not Linux: never again.
    if (rows === undefined) credit.ms = -Infinity;
    else this.#listening = rows.filter((r) => r.state === "LISTEN");
    return rows;
  }

  #query(t: Tracked): { localPort: number | undefined; remoteAddress: string; remotePort: number } {
    const port = this.#addresses()[0]?.port;
    return { localPort: port, remoteAddress: t.info.remoteAddress, remotePort: t.info.remotePort };
  }

  #tables(): TcpTableName[] {
    return this.#addresses().some((a) => a.family === "IPv6") ? ["tcp", "tcp6"] : ["tcp"];
  }

  /** Reads the kernel's table when a read is due; true when a state changed. */
  #readKernel(): boolean {
    const rows = this.#readTable();
    if (rows === undefined) return false;
    const byPeer = new Map<string, string>();
    for (const r of rows) if (r.state !== "LISTEN") byPeer.set(`${r.remoteAddress} ${r.remotePort}`, r.state);
    let changed = false;
    for (const t of this.#tracked.values()) {
      // A PROXY client's own port is not the TCP peer's: the kernel cannot be asked about it.
      if (t.closedAt !== undefined || t.info.proxyAddress !== undefined) continue;
      const state = byPeer.get(`${t.info.remoteAddress} ${t.info.remotePort}`);
      if (state !== t.kernel) {
        t.kernel = state;
        changed = true;
      }
    }
    return changed;
  }

  #listenerPorts(): number[] {
    return this.#addresses().map((a) => a.port);
  }

  /** The server's listening sockets; none before it listens (a page may open first) or after it closed. */
  #addresses(): readonly EchoServerAddress[] {
    try {
      return this.#server.addresses();
    } catch {
      return [];
    }
  }

  #row(t: Tracked, now: number): LiveConnection {
    const { state, stateFrom } = this.#stateKnown(t);
    const info = t.info;
    const open = t.closedAt === undefined;
    const bytesOut = open ? outOf(info) : t.bytesOut;
    return {
      id: info.id,
      peer: formatEndpoint(info.remoteAddress, info.remotePort),
      proxy: info.proxyAddress ?? null,
      state,
      stateFrom,
      bytesIn: info.bytesIn,
      bytesOut,
      queued: open ? Math.max(0, info.bytesIn - bytesOut) : 0,
      ageMs: Math.round((t.closedAt ?? now) - info.acceptedAt),
      faults: t.faults,
      closed: !open,
    };
  }

  #followedCalls(id: number): LiveFollowed | null {
    const t = this.#tracked.get(id);
    if (t === undefined) return null;
    return {
      id,
      calls: t.calls,
      skipped: t.skipped,
      fromAccept: t.fromAccept,
      closed: t.closedAt !== undefined,
    };
  }

  #serverState(stats: EchoServerStats): LiveSnapshot["server"] {
    const s = this.#server;
    const state = s.state === "new" ? "starting" : s.state;
    return {
      state,
      dataPath: s.dataPath ?? null,
      faults: s.faults(),
      uptimeMs: Math.round(stats.uptimeMs),
    };
  }

  #listeners(): LiveListener[] {
    const addresses = this.#addresses();
    return addresses.map((a) => {
      const listen =
        this.#listening === undefined ? undefined : findTcpSocket(this.#listening, { localPort: a.port });
      return {
        address: formatEndpoint(a.host, a.port),
        family: a.family,
        backlog: a.backlog,
        acceptQueue: listen?.rxQueue ?? null,
      };
    });
  }
}

/** What the server itself knows of a connection's state (a call's state when the kernel was not read for it). */
function serverWord(t: Tracked): { state: string; stateFrom: StateSource } {
  return { state: t.known, stateFrom: "server" };
}

/** The totals a page shows, from the server's counters. */
function totalsOf(s: EchoServerStats): LiveTotals {
  const refused = Object.values(s.refused).reduce((a, b) => a + b, 0);
  const faults = Object.values(s.faults).reduce((a, b) => a + b, 0);
  return {
    served: s.connectionsTotal,
    open: s.connectionsOpen,
    bytesIn: s.bytesIn,
    bytesOut: s.bytesOut,
    errors: s.resets + s.errors + s.tlsErrors + s.proxyErrors + s.acceptErrors,
    refused,
    faults,
  };
}

/** A step as the socket call it stands for: the call, what was asked, what came back, what was left queued. */
function callOf(step: SocketStep): [LiveCallName, string, string, number] {
  switch (step.kind) {
    case "accepted":
      return ["accept", "", "", 0];
    case "read":
      return ["recv", "65536", String(step.bytes), 0];
    case "written":
      return ["send", String(step.bytes + step.queued), String(step.bytes), step.queued];
    case "end":
      return ["recv", "65536", "0", 0];
    case "shutdown":
      return ["shutdown", "SHUT_WR", "", 0];
    case "failed":
      return ["error", "", (step.error as NodeJS.ErrnoException).code ?? step.error.message, 0];
    case "fault":
      return ["fault", step.effect.spec, "", 0];
    case "closed":
      return ["close", "", "", 0];
  }
}

/** A live connection's own count of bytes echoed, where it has one. */
function outOf(info: ConnectionInfo): number {
  const out = (info as { bytesOut?: unknown }).bytesOut;
  return typeof out === "number" ? out : 0;
}

/** The start of a chunk as text, cut between characters: control bytes escaped, bytes of no character U+FFFD. */
function preview(chunk: Buffer, encoding: TextEncoding): string {
  const cut = chunk.subarray(0, DATA_PREVIEW);
  const whole =
    chunk.length > DATA_PREVIEW ? cut.subarray(0, cut.length - unfinishedTail(cut, encoding)) : cut;
  const head = encoding === "cp949" ? decodeCp949(whole) : whole.toString("utf8");
  // eslint-disable-next-line no-control-regex
  const text = head.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
  return chunk.length > DATA_PREVIEW ? `${text}…` : text;
}
