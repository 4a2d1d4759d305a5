/**
 * TCP sockets as the kernel reports them (Linux: `/proc/net/tcp` and
 * `/proc/net/tcp6`, which `ss` and `netstat` read too): each socket's
 * endpoints, state (LISTEN, ESTABLISHED, CLOSE_WAIT, …), queues and inode,
 * and which of this process's descriptors is which socket. `--trace` reads a
 * socket's state here right after each step instead of assuming it.
 * Elsewhere (no /proc) every reader returns undefined.
 *
 * @module
 */

import { closeSync, openSync, readdirSync, readlinkSync, readSync } from "node:fs";
import { endianness } from "node:os";
import ipaddr from "ipaddr.js";

/** The kernel's TCP states, by the code /proc/net/tcp shows (include/net/tcp_states.h). */
const STATES = [
  "UNKNOWN",
  "ESTABLISHED",
  "SYN_SENT",
  "SYN_RECV",
  "FIN_WAIT1",
  "FIN_WAIT2",
  "TIME_WAIT",
  "CLOSE",
  "CLOSE_WAIT",
  "LAST_ACK",
  "LISTEN",
  "CLOSING",
  "NEW_SYN_RECV",
] as const;

/** A TCP state's name, as the kernel's headers spell it (`ss` writes `-` for `_`). */
export type TcpStateName = (typeof STATES)[number];

/** One row of /proc/net/tcp{,6}: one socket. */
export interface TcpSocketRow {
  /** Addresses as Node writes them: IPv4 dotted, IPv6 compressed; IPv4-mapped IPv6 as plain IPv4. */
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: TcpStateName;
  /** Bytes sent and not yet acknowledged (send queue). */
  txQueue: number;
  /**
   * Bytes received and not yet read; for a LISTEN socket, the connections
   * waiting in its accept queue.
   */
  rxQueue: number;
  /** The socket's inode (0 when no descriptor holds it any more, as in TIME_WAIT). */
  inode: number;
}

const LITTLE_ENDIAN = endianness() === "LE";

/** A 32-bit word of the table's address, written in host byte order, as four bytes in network order. */
function wordBytes(hex: string, littleEndian: boolean): number[] {
  const b = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return littleEndian ? b.reverse() : b;
}

function address(hex: string, littleEndian: boolean): string {
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 8) bytes.push(...wordBytes(hex.slice(i, i + 8), littleEndian));
  if (bytes.length === 4) return bytes.join(".");
  const v6 = ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toRFC5952String();
}

// Few distinct addresses fill a big table (loopback, a handful of clients): each is converted once.
const addresses = new Map<string, string>();

function cachedAddress(hex: string, littleEndian: boolean): string {
  if (littleEndian !== LITTLE_ENDIAN) return address(hex, littleEndian);
  let text = addresses.get(hex);
  if (text === undefined) {
    if (addresses.size >= 4096) addresses.clear();
    text = address(hex, littleEndian);
    addresses.set(hex, text);
  }
  return text;
}

/**
 * Parses the text of /proc/net/tcp or /proc/net/tcp6 (the header line is
 * skipped, malformed lines too). Addresses are in the host's byte order:
 * `littleEndian` defaults to this machine's. With `localPorts`, only the
 * sockets on those local ports.
 *
 * @example
 * ```ts
 * import { parseProcNetTcp } from "./tcp-state.js";
 * const text =
 *   "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
 *   "   0: 0100007F:2328 00000000:0000 0A 00000000:00000002 00:00000000 00000000  1000        0 4242 1\n";
 * const [row] = parseProcNetTcp(text, true);
 * row?.localAddress; // "127.0.0.1"
 * row?.localPort; // 9000
 * row?.state; // "LISTEN"
 * row?.rxQueue; // 2
 * ```
 */
export function parseProcNetTcp(
  text: string,
  littleEndian = LITTLE_ENDIAN,
  localPorts?: ReadonlySet<number>,
): TcpSocketRow[] {
  const rows: TcpSocketRow[] = [];
  for (const line of text.split("\n")) {
    // A big table (tens of thousands of sockets) is read often by the live page: other ports are skipped
    // before the line is split (the local address ends in its port, 4 hex digits, before the next blank).
    if (localPorts !== undefined && !localPorts.has(localPortOf(line))) continue;
    const f = line.trim().split(/\s+/);
    const m = /^([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})$/i;
    const local = m.exec(f[1] ?? "");
    const remote = m.exec(f[2] ?? "");
    const queues = /^([0-9A-F]{8}):([0-9A-F]{8})$/i.exec(f[4] ?? "");
    const inode = Number(f[9]);
    if (local === null || remote === null || queues === null || !Number.isSafeInteger(inode)) continue;
    rows.push({
      localAddress: cachedAddress(local[1] as string, littleEndian),
      localPort: parseInt(local[2] as string, 16),
      remoteAddress: cachedAddress(remote[1] as string, littleEndian),
      remotePort: parseInt(remote[2] as string, 16),
      state: STATES[parseInt(f[3] ?? "0", 16)] ?? "UNKNOWN",
      txQueue: parseInt(queues[1] as string, 16),
      rxQueue: parseInt(queues[2] as string, 16),
      inode,
    });
  }
  return rows;
}

/** The local port of a line of the table, NaN for the header or a malformed line. */
function localPortOf(line: string): number {
  const start = line.indexOf(": ");
  const end = start < 0 ? -1 : line.indexOf(" ", start + 2);
  return end < 0 ? NaN : parseInt(line.slice(end - 4, end), 16);
}

/** Which of the kernel's tables: IPv4 sockets (`tcp`), IPv6 ones (`tcp6`, dual-stack ones too). */
export type TcpTableName = "tcp" | "tcp6";

/**
 * The TCP sockets of this network namespace in `tables` (default both), read
 * now (with `localPorts`, only the sockets on those local ports); or
 * undefined where the kernel does not show them (not Linux). Each read walks
 * the kernel's whole socket hash: a few milliseconds, and tens of them with
 * tens of thousands of sockets. Read only the table the socket is in.
 *
 * @example
 * ```ts
 * import { readTcpTable } from "./tcp-state.js";
 * readTcpTable()?.filter((r) => r.state === "LISTEN").length;
 * ```
 */
export function readTcpTable(
  dir = "/proc/net",
  tables: readonly TcpTableName[] = ["tcp", "tcp6"],
  localPorts?: ReadonlySet<number>,
): TcpSocketRow[] | undefined {
  let found = false;
  const rows: TcpSocketRow[] = [];
  for (const file of tables) {
    try {
      readInPieces(`${dir}/${file}`, (text) => {
        for (const row of parseProcNetTcp(text, LITTLE_ENDIAN, localPorts)) rows.push(row);
      });
      found = true;
    } catch {
      // No IPv6 in this kernel: the other file is enough.
    }
  }
  return found ? rows : undefined;
}

const PIECE = 64 * 1024;
let pieceBuffer: Buffer | undefined;

/**
 * Reads `path` a piece at a time, handing `lines` whole lines: a table of
 * tens of thousands of sockets (megabytes) never becomes one string, which
 * would grow the heap for good.
 */
function readInPieces(path: string, lines: (text: string) => void): void {
  pieceBuffer ??= Buffer.allocUnsafe(PIECE);
  const fd = openSync(path, "r");
  try {
    let carry = "";
    for (;;) {
      const n = readSync(fd, pieceBuffer, 0, PIECE, null);
      if (n === 0) break;
      const text = carry + pieceBuffer.toString("latin1", 0, n);
      const end = text.lastIndexOf("\n") + 1;
      lines(text.slice(0, end));
      carry = text.slice(end);
    }
    if (carry !== "") lines(carry);
  } finally {
    closeSync(fd);
  }
}

/** What identifies a socket in the table: its inode, or its endpoints. */
export interface TcpSocketQuery {
  inode?: number;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;
  state?: TcpStateName;
}

function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const x = ipaddr.process(a);
    const y = ipaddr.process(b);
    return x.kind() === y.kind() && x.toNormalizedString() === y.toNormalizedString();
  } catch {
    return false;
  }
}

/**
 * The first row matching every field given in `q` (an inode of 0 matches
 * nothing: such sockets have no descriptor to tell them apart).
 *
 * @example
 * ```ts
 * import { findTcpSocket, readTcpTable } from "./tcp-state.js";
 * findTcpSocket(readTcpTable() ?? [], { localPort: 9000, state: "LISTEN" })?.rxQueue; // accept queue
 * ```
 */
export function findTcpSocket(rows: readonly TcpSocketRow[], q: TcpSocketQuery): TcpSocketRow | undefined {
  return rows.find(
    (r) =>
      (q.inode === undefined || (q.inode !== 0 && r.inode === q.inode)) &&
      (q.localPort === undefined || r.localPort === q.localPort) &&
      (q.remotePort === undefined || r.remotePort === q.remotePort) &&
      (q.state === undefined || r.state === q.state) &&
      (q.remoteAddress === undefined || sameAddress(r.remoteAddress, q.remoteAddress)),
  );
}

/**
 * The inode of the socket behind this process's descriptor `fd`, or
 * undefined when `fd` is no socket (or /proc is absent).
 *
 * @example
 * ```ts
 * import { socketInode } from "./tcp-state.js";
 * socketInode(0); // undefined unless standard input is a socket
 * ```
 */
export function socketInode(fd: number, dir = "/proc/self/fd"): number | undefined {
  try {
    const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${dir}/${fd}`));
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/**
 * This process's descriptor for the socket with `inode`, found by reading
 * each descriptor's link (for sockets whose descriptor Node does not show).
 *
 * @example
 * ```ts
 * import { descriptorOf } from "./tcp-state.js";
 * descriptorOf(1); // undefined: no descriptor holds inode 1
 * ```
 */
export function descriptorOf(inode: number, dir = "/proc/self/fd"): number | undefined {
  if (inode === 0) return undefined;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (socketInode(Number(name), dir) === inode) return Number(name);
  }
  return undefined;
}
