/**
 * The kernel's table of TCP sockets on every system, one reader each, chosen
 * by `process.platform`:
 *
 * - Linux: `/proc/net/tcp` and `/proc/net/tcp6` (`tcp-state.ts`), read in
 *   place, queues and inodes included;
 * - macOS: `netstat -an -p tcp` (`Recv-Q`, `Send-Q`, endpoints written
 *   `127.0.0.1.9000`, `*.*`, states as BSD spells them: `SYN_RCVD`,
 *   `FIN_WAIT_2`);
 * - Windows: PowerShell's `Get-NetTCPConnection` as JSON (its `State` an
 *   enumeration: 2 Listen, 5 Established, 11 TimeWait, …, the same in every
 *   language of Windows), or `netstat -ano` where PowerShell cannot answer
 *   (endpoints `[::1]:9000`, `LISTENING`; a localised Windows may word the
 *   states in its own language, which then read as `UNKNOWN`).
 *
 * States are given in one spelling, the Linux kernel's (`LISTEN`,
 * `FIN_WAIT2`, `CLOSE` for closed), so that a line reads the same on every
 * system. Running a tool costs a process (milliseconds for netstat, most of
 * a second for PowerShell): {@link SharedTcpSnapshots} lets every step that
 * waits share one.
 *
 * @module
 */

import ipaddr from "ipaddr.js";
import { POWERSHELL_UTF8, runTool, type ToolFailure, type ToolRunner } from "./os-tool.js";
import { readTcpTable, type TcpSocketQuery, type TcpStateName } from "./tcp-state.js";

/** Where a table came from. */
export type TcpTableSource = "/proc/net/tcp" | "netstat -an -p tcp" | "Get-NetTCPConnection" | "netstat -ano";

/** One socket in a table, as every system can tell it. */
export interface TcpTableRow {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: TcpStateName;
  /** Bytes not yet acknowledged, where the system tells it (Linux, macOS). */
  txQueue?: number;
  /** Bytes not yet read, where the system tells it (Linux, macOS). */
  rxQueue?: number;
  /** The owning process, where the system tells it (Windows). */
  pid?: number;
}

/** A table read once, or why it could not be. */
export type TcpTableSnapshot =
  | { ok: true; source: TcpTableSource; rows: TcpTableRow[] }
  | { ok: false; source: TcpTableSource; failure: ToolFailure };

/** Reads this system's TCP table. */
export interface TcpTableReader {
  /** The source it reads first. */
  readonly source: TcpTableSource;
  read(): Promise<TcpTableSnapshot>;
}

/** BSD's and Windows's spellings of the states, in the Linux kernel's. */
const STATE_WORDS: Readonly<Record<string, TcpStateName>> = {
  CLOSED: "CLOSE",
  LISTEN: "LISTEN",
  LISTENING: "LISTEN",
  SYN_SENT: "SYN_SENT",
  SYN_RCVD: "SYN_RECV",
  SYN_RECEIVED: "SYN_RECV",
  ESTABLISHED: "ESTABLISHED",
  CLOSE_WAIT: "CLOSE_WAIT",
  FIN_WAIT_1: "FIN_WAIT1",
  FIN_WAIT_2: "FIN_WAIT2",
  CLOSING: "CLOSING",
  LAST_ACK: "LAST_ACK",
  TIME_WAIT: "TIME_WAIT",
};

/** Get-NetTCPConnection's State (MSFT_NetTCPConnection; 12 DeleteTCB and 100 Bound have no Linux name). */
const WINDOWS_STATES: Readonly<Record<string, TcpStateName>> = {
  1: "CLOSE",
  2: "LISTEN",
  3: "SYN_SENT",
  4: "SYN_RECV",
  5: "ESTABLISHED",
  6: "FIN_WAIT1",
  7: "FIN_WAIT2",
  8: "CLOSE_WAIT",
  9: "CLOSING",
  10: "LAST_ACK",
  11: "TIME_WAIT",
  Closed: "CLOSE",
  Listen: "LISTEN",
  SynSent: "SYN_SENT",
  SynReceived: "SYN_RECV",
  Established: "ESTABLISHED",
  FinWait1: "FIN_WAIT1",
  FinWait2: "FIN_WAIT2",
  CloseWait: "CLOSE_WAIT",
  Closing: "CLOSING",
  LastAck: "LAST_ACK",
  TimeWait: "TIME_WAIT",
};

/** An address as Node writes it: no zone, IPv6 compressed, IPv4-mapped as IPv4; `*` as the family's any. */
function plain(address: string, v6: boolean): string {
  const bare = address.replace(/%[\w.-]+$/, "");
  if (bare === "*") return v6 ? "::" : "0.0.0.0";
  try {
    const a = ipaddr.process(bare);
    return a.kind() === "ipv6" ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
  } catch {
    return bare;
  }
}

/** `127.0.0.1.9000`, `::1.9000`, `*.9000`, `*.*`: the port after the last dot. */
function bsdEndpoint(text: string, v6: boolean): { address: string; port: number } | undefined {
  const dot = text.lastIndexOf(".");
  if (dot < 0) return undefined;
  const portText = text.slice(dot + 1);
  const port = portText === "*" ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  return { address: plain(text.slice(0, dot), v6), port };
}

/**
 * Parses macOS's `netstat -an -p tcp` (`tcp4`, `tcp6` and dual-stack `tcp46` rows).
 *
 * @example
 * ```ts
 * import { parseDarwinNetstat } from "./tcp-table.js";
 * parseDarwinNetstat("tcp4       0      0  127.0.0.1.9000         127.0.0.1.51234        ESTABLISHED\n")[0];
 * // { localAddress: "127.0.0.1", localPort: 9000, remoteAddress: "127.0.0.1", remotePort: 51234, state: "ESTABLISHED", rxQueue: 0, txQueue: 0 }
 * ```
 */
export function parseDarwinNetstat(text: string): TcpTableRow[] {
  const rows: TcpTableRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (!/^tcp(4|6|46)?$/.test(f[0] ?? "") || f.length < 6) continue;
    const v6 = (f[0] ?? "").includes("6");
    const local = bsdEndpoint(f[3] ?? "", v6);
    const remote = bsdEndpoint(f[4] ?? "", v6);
    if (local === undefined || remote === undefined) continue;
    rows.push({
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      state: STATE_WORDS[f[5] ?? ""] ?? "UNKNOWN",
      rxQueue: Number(f[1]),
      txQueue: Number(f[2]),
    });
  }
  return rows;
}

/** `0.0.0.0:135`, `[::1]:9000`, `[fe80::1%12]:49670`, `*:*`. */
function windowsEndpoint(text: string): { address: string; port: number } | undefined {
  const m = /^\[?(.*?)\]?:(\d+|\*)$/.exec(text);
  if (m === null) return undefined;
  return { address: plain(m[1] as string, text.startsWith("[")), port: m[2] === "*" ? 0 : Number(m[2]) };
}

/**
 * Parses Windows's `netstat -ano` (its TCP rows, IPv4 and IPv6).
 *
 * @example
 * ```ts
 * import { parseWindowsNetstat } from "./tcp-table.js";
 * parseWindowsNetstat("  TCP    [::1]:9000             [::]:0                 LISTENING       4242\n")[0]?.state; // "LISTEN"
 * ```
 */
export function parseWindowsNetstat(text: string): TcpTableRow[] {
  const rows: TcpTableRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== "TCP" || f.length < 4) continue;
    const local = windowsEndpoint(f[1] ?? "");
    const remote = windowsEndpoint(f[2] ?? "");
    if (local === undefined || remote === undefined) continue;
    const pid = Number(f[4]);
    rows.push({
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      state: STATE_WORDS[f[3] ?? ""] ?? "UNKNOWN",
      ...(Number.isInteger(pid) ? { pid } : {}),
    });
  }
  return rows;
}

/** The PowerShell command for the table, as JSON; its State left as PowerShell writes an enumeration (a number). */
export const GET_NET_TCP_CONNECTION =
  POWERSHELL_UTF8 +
  "$ProgressPreference='SilentlyContinue'; Get-NetTCPConnection | " +
  "Select-Object LocalAddress,LocalPort,RemoteAddress,RemotePort,State,OwningProcess | ConvertTo-Json -Compress";

/**
 * Parses Get-NetTCPConnection's objects written by `ConvertTo-Json` (State
 * as a number or a name); undefined when the text is no such JSON (an empty
 * text is an empty table: PowerShell writes nothing for no objects).
 *
 * @example
 * ```ts
 * import { parseGetNetTcpConnection } from "./tcp-table.js";
 * parseGetNetTcpConnection(
 *   '{"LocalAddress":"127.0.0.1","LocalPort":9000,"RemoteAddress":"0.0.0.0","RemotePort":0,"State":2,"OwningProcess":4242}',
 * )?.[0]?.state; // "LISTEN"
 * ```
 */
export function parseGetNetTcpConnection(json: string): TcpTableRow[] | undefined {
  const text = json.replace(/^\uFEFF/, "").trim();
  if (text === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const rows: TcpTableRow[] = [];
  for (const item of items as Record<string, unknown>[]) {
    if (item === null || typeof item !== "object") return undefined;
    const { LocalAddress: la, LocalPort: lp, RemoteAddress: ra, RemotePort: rp, State: st } = item;
    if (typeof la !== "string" || typeof ra !== "string" || typeof lp !== "number" || typeof rp !== "number")
      return undefined;
    const pid = item.OwningProcess;
    rows.push({
      localAddress: plain(la, la.includes(":")),
      localPort: lp,
      remoteAddress: plain(ra, ra.includes(":")),
      remotePort: rp,
      state: WINDOWS_STATES[String(st)] ?? "UNKNOWN",
      ...(typeof pid === "number" ? { pid } : {}),
    });
  }
  return rows;
}

/** How long one reading of the table may take: PowerShell's start is slow, netstat's is not. */
const POWERSHELL_MS = 10_000;
const NETSTAT_MS = 5000;

function linuxReader(): TcpTableReader {
  const source = "/proc/net/tcp" as const;
  return {
    source,
    read: async () => {
      const rows = readTcpTable();
      return rows === undefined ? { ok: false, source, failure: "missing" } : { ok: true, source, rows };
    },
  };
}

function darwinReader(run: ToolRunner): TcpTableReader {
  const source = "netstat -an -p tcp" as const;
  return {
    source,
    read: async () => {
      const r = await run("netstat", ["-an", "-p", "tcp"], NETSTAT_MS);
      if (!r.ok) return { ok: false, source, failure: r.failure };
      if (r.code !== 0) return { ok: false, source, failure: "failed" };
      // Even an idle Mac has a header; no header is output this code cannot read.
      if (!/Proto\s+Recv-Q/.test(r.stdout)) return { ok: false, source, failure: "unparsable" };
      const rows = parseDarwinNetstat(r.stdout);
      // tcp rows none of which reads (another netstat's format): not an empty table, which would say "gone".
      if (rows.length === 0 && /^tcp/m.test(r.stdout)) return { ok: false, source, failure: "unparsable" };
      return { ok: true, source, rows };
    },
  };
}

function windowsReader(run: ToolRunner): TcpTableReader {
  // PowerShell once failed: netstat from then on, rather than a slow failure per reading.
  let powershell = true;
  const netstat = async (): Promise<TcpTableSnapshot> => {
    const source = "netstat -ano" as const;
    const r = await run("netstat", ["-ano"], NETSTAT_MS);
    if (!r.ok) return { ok: false, source, failure: r.failure };
    if (r.code !== 0) return { ok: false, source, failure: "failed" };
    // Windows always lists some TCP socket (the traced server's own at least): no row read is
    // output this code cannot read, not an empty table that would call every socket gone.
    const rows = parseWindowsNetstat(r.stdout);
    return rows.length === 0 ? { ok: false, source, failure: "unparsable" } : { ok: true, source, rows };
  };
  return {
    source: "Get-NetTCPConnection",
    read: async () => {
      if (powershell) {
        const source = "Get-NetTCPConnection" as const;
        const args = ["-NoProfile", "-NonInteractive", "-Command", GET_NET_TCP_CONNECTION];
        const r = await run("powershell", args, POWERSHELL_MS);
        const rows = r.ok && r.code === 0 ? parseGetNetTcpConnection(r.stdout) : undefined;
        if (rows !== undefined) return { ok: true, source, rows };
        powershell = false;
      }
      return netstat();
    },
  };
}

/**
 * This system's TCP table reader.
 *
 * @example
 * ```ts
 * import { tcpTableReader } from "./tcp-table.js";
 * const snapshot = await tcpTableReader().read();
 * if (snapshot.ok) snapshot.rows.filter((r) => r.state === "LISTEN").length;
 * ```
 */
export function tcpTableReader(
  platform: NodeJS.Platform = process.platform,
  run: ToolRunner = runTool,
): TcpTableReader {
  if (platform === "darwin") return darwinReader(run);
  if (platform === "win32") return windowsReader(run);
  return linuxReader();
}

function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return ipaddr.process(a).toNormalizedString() === ipaddr.process(b).toNormalizedString();
  } catch {
    return false;
  }
}

/**
 * The first row matching every endpoint field of `q` (the inode is not
 * looked at: only Linux has one).
 *
 * @example
 * ```ts
 * import { findTcpRow } from "./tcp-table.js";
 * findTcpRow([], { localPort: 9000, state: "LISTEN" }); // undefined
 * ```
 */
export function findTcpRow(rows: readonly TcpTableRow[], q: TcpSocketQuery): TcpTableRow | undefined {
  return rows.find(
    (r) =>
      (q.localPort === undefined || r.localPort === q.localPort) &&
      (q.remotePort === undefined || r.remotePort === q.remotePort) &&
      (q.state === undefined || r.state === q.state) &&
      (q.remoteAddress === undefined || sameAddress(r.remoteAddress, q.remoteAddress)),
  );
}

/**
 * One reading of the table shared by everyone who asks while it is due:
 * {@link next} gives the first snapshot started after the call, so a step's
 * state is never older than the step. At most one reading runs at a time;
 * callers who ask during a reading share the one that starts after it.
 *
 * @example
 * ```ts
 * import { SharedTcpSnapshots, tcpTableReader } from "./tcp-table.js";
 * const snapshots = new SharedTcpSnapshots(tcpTableReader());
 * const [a, b] = await Promise.all([snapshots.next(), snapshots.next()]); // one reading, a === b
 * ```
 */
export class SharedTcpSnapshots {
  readonly #reader: TcpTableReader;
  #running: Promise<TcpTableSnapshot> | null = null;
  #queued: Promise<TcpTableSnapshot> | null = null;

  constructor(reader: TcpTableReader) {
    this.#reader = reader;
  }

  /** The reader's first source (what a line names before any reading). */
  get source(): TcpTableSource {
    return this.#reader.source;
  }

  next(): Promise<TcpTableSnapshot> {
    if (this.#running === null) return this.#start();
    this.#queued ??= this.#running.then(() => {
      this.#queued = null;
      return this.#start();
    });
    return this.#queued;
  }

  #start(): Promise<TcpTableSnapshot> {
    const running = this.#reader.read().finally(() => {
      if (this.#running === running) this.#running = null;
    });
    this.#running = running;
    return running;
  }
}
