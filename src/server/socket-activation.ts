/**
 * Socket activation: listening sockets a service manager (systemd, or its
 * `systemd-socket-activate`) made and passed down, the way inetd started
 * the echo service. The protocol is sd_listen_fds(3)'s: `LISTEN_PID` names
 * the process the sockets are for, `LISTEN_FDS` says how many, starting at
 * descriptor 3, and `LISTEN_FDNAMES` may name them (`FileDescriptorName=`).
 *
 * {@link listenFds} reads that from an environment and never touches a
 * descriptor; {@link listeningSocketProblem} looks at one descriptor before
 * the server listens on it.
 *
 * Unlike sd_listen_fds, nothing here sets close-on-exec on the descriptors:
 * Node has no fcntl. libuv opens its own descriptors with it, and the echo
 * server starts no children, so only a child a program spawns itself could
 * inherit them.
 *
 * @module
 */

import { fstatSync } from "node:fs";
import { EchoError, type DescriptorReason } from "../net/echo-error.js";
import { parseCount } from "../net/options.js";
import { findTcpSocket, readTcpTable } from "../net/tcp-state.js";

/** The first descriptor passed (SD_LISTEN_FDS_START): 0, 1 and 2 are the standard streams. */
export const LISTEN_FDS_START = 3;

// More than any open-files limit a service gets: a typo, not a socket count.
const MAX_LISTEN_FDS = 65_536;

const VARIABLES = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] as const;

/** Why a descriptor that could not be listened on, or listened on a path, is refused. */
export const NOT_LISTENING_TCP: DescriptorReason = { kind: "fd-not-tcp" };

/** One socket the service manager passed. */
export interface ActivatedSocket {
  /** Its descriptor: 3, 4, … */
  readonly fd: number;
  /** Its name from `LISTEN_FDNAMES` (the socket unit's `FileDescriptorName=`, else the unit's name), if given. */
  readonly name?: string;
}

/** Options of {@link listenFds}. */
export interface ListenFdsOptions {
  /** The environment to read. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** This process's id, which `LISTEN_PID` must name. Default `process.pid`. */
  pid?: number;
  /**
   * Remove `LISTEN_PID`, `LISTEN_FDS` and `LISTEN_FDNAMES` from `env` once
   * read, so that a child process does not take the sockets for its own
   * (sd_listen_fds' `unset_environment`). Default true.
   */
  unsetEnvironment?: boolean;
}

/**
 * The listening sockets the service manager passed to this process, as
 * sd_listen_fds(3) finds them: none when `LISTEN_PID` or `LISTEN_FDS` is
 * not set, or when `LISTEN_PID` names another process (a parent's sockets);
 * otherwise `LISTEN_FDS` descriptors from 3 up, named by `LISTEN_FDNAMES`
 * (colon-separated) when it is set. Throws `ERR_INVALID_OPTION` naming the
 * variable when a value is malformed, or when the names do not match the
 * count. Reads only `env`: whether each descriptor really is a listening
 * socket is for {@link listeningSocketProblem} (the echo server checks).
 *
 * @example
 * ```ts
 * import { listenFds } from "tcpecho";
 * // As systemd-socket-activate -l 9000 -l [::]:9001 would set it for process 4242:
 * const env = { LISTEN_PID: "4242", LISTEN_FDS: "2", LISTEN_FDNAMES: "echo4:echo6" };
 * listenFds({ env, pid: 4242 }); // [{ fd: 3, name: "echo4" }, { fd: 4, name: "echo6" }]
 * env.LISTEN_FDS; // undefined: taken, so that children do not inherit it
 * listenFds({ env: { LISTEN_PID: "1", LISTEN_FDS: "1" }, pid: 4242 }); // []: not ours
 * ```
 */
export function listenFds(options: ListenFdsOptions = {}): ActivatedSocket[] {
  const env = options.env ?? process.env;
  const [pidText, countText, namesText] = VARIABLES.map((name) => env[name]);
  if (options.unsetEnvironment ?? true) for (const name of VARIABLES) delete env[name];
  if (pidText === undefined || countText === undefined) return [];
  if (parseCount(pidText, "LISTEN_PID", 1) !== (options.pid ?? process.pid)) return [];
  const count = parseCount(countText, "LISTEN_FDS", 1, MAX_LISTEN_FDS);
  const names = namesText?.split(":");
  if (names !== undefined && names.length !== count) {
    throw new EchoError("ERR_INVALID_OPTION", {
      value: namesText ?? "",
      reason: { kind: "listen-fdnames" },
    });
  }
  return Array.from({ length: count }, (_, i) => {
    const name = names?.[i];
    return { fd: LISTEN_FDS_START + i, ...(name ? { name } : {}) };
  });
}

/**
 * Why descriptor `fd` is no listening TCP socket ("not open", "not a
 * socket", "a connected socket, …"), or null when it may be one: then
 * listening on it is the test (a UDP socket fails, a Unix one listens on a
 * path, which the server refuses with {@link NOT_LISTENING_TCP}). A socket
 * the kernel's TCP table does not show may still be one made in another
 * network namespace, so only a connected one is refused here.
 */
export function listeningSocketProblem(fd: number): DescriptorReason | null {
  let inode: number;
  try {
    const stat = fstatSync(fd);
    if (!stat.isSocket()) return { kind: "fd-not-socket" };
    inode = stat.ino;
  } catch {
    return { kind: "fd-not-open" };
  }
  const table = readTcpTable();
  if (table === undefined) return null;
  const row = findTcpSocket(table, { inode });
  if (row !== undefined && row.state !== "LISTEN") return { kind: "fd-connected" };
  return null;
}
