/**
 * Runs a Node process on Linux as if it were on macOS or Windows, to test the
 * code paths chosen by `process.platform` here. Loaded before anything else
 * with `node --import` (through `NODE_OPTIONS`, so every node process a test
 * starts is simulated too) when `TCPECHO_SIMULATE_PLATFORM` is `darwin` or
 * `win32`; otherwise it does nothing.
 *
 * What it changes, and why each is what the real system does:
 * - `process.platform` (and so `os.platform()`) reads the simulated name.
 * - `/proc` and `/sys` do not exist (neither system has them); on Windows
 *   `/etc/services` does not either (it lives under `%SystemRoot%`). Nor
 *   do the Linux-only commands' files in a `bin` or `sbin` folder.
 * - On Windows `TEMP` is set (to this machine's temporary folder) if it is
 *   not, as it always is there: `os.tmpdir()` reads it. `TERM` is not, unless
 *   `MSYSTEM` is (Git Bash): a Windows console sets none.
 * - Commands that only Linux has fail to start with ENOENT: `ip`, `ss`,
 *   util-linux's `script`, `setpriv`, `prlimit`, systemd's tools; on Windows
 *   also `sh` and `bash` (a shell command goes to `cmd.exe`, as Node does on
 *   Windows, and that is missing here too).
 * - On Windows a signal sent to a process is a hard kill: Node documents
 *   that `subprocess.kill()` and `process.kill()` end the process forcefully
 *   for SIGTERM, SIGINT and SIGKILL alike, so no handler runs.
 * - Ctrl-Break: Linux has no SIGBREAK, so a SIGUSR2 sent to a simulated
 *   Windows process arrives as SIGBREAK, and ends it (as Windows does) when
 *   nothing listens for SIGBREAK.
 * - Node's own code takes its Windows branches too; where one calls a method
 *   only Windows' TCP handles have (`setSimultaneousAccepts`, when cluster
 *   passes a listening socket to a worker), that method does nothing.
 *
 * What it cannot change: the kernel underneath is Linux (sockets, errno
 * numbers, the scheduler), and `node:path` stays POSIX (it is chosen when
 * Node starts). A test that needs the real thing says so and skips.
 *
 * @module
 */

import childProcess from "node:child_process";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { basename } from "node:path";

/** The platforms this module can simulate. */
export type SimulatedPlatform = "darwin" | "win32";

/** The environment variable that turns the simulation on. */
export const SIMULATE_VARIABLE = "TCPECHO_SIMULATE_PLATFORM";

/** The platform being simulated in this process, or null. */
export function simulatedPlatform(env: NodeJS.ProcessEnv = process.env): SimulatedPlatform | null {
  const value = env[SIMULATE_VARIABLE];
  return value === "darwin" || value === "win32" ? value : null;
}

/** Commands only Linux has; `sh` and `bash` are added for Windows. */
const LINUX_ONLY_COMMANDS = [
  "ip",
  "ss",
  "script",
  "setpriv",
  "prlimit",
  "systemd-socket-activate",
  "systemd-analyze",
  "nsenter",
  "unshare",
];

/** True when `command` (a name or a path) is hidden on `platform`. */
export function isHiddenCommand(command: string, platform: SimulatedPlatform): boolean {
  const name = basename(command);
  if (LINUX_ONLY_COMMANDS.includes(name)) return true;
  return platform === "win32" && (name === "sh" || name === "bash" || name === "cmd.exe");
}

/** True when `path` names a file the simulated system does not have. */
export function isHiddenPath(path: unknown, platform: SimulatedPlatform): boolean {
  let p: string;
  if (typeof path === "string") p = path;
  else if (path instanceof URL) p = path.protocol === "file:" ? decodeURIComponent(path.pathname) : "";
  else if (Buffer.isBuffer(path)) p = path.toString();
  else return false;
  if (p === "/proc" || p.startsWith("/proc/") || p === "/sys" || p.startsWith("/sys/")) return true;
  // A Linux-only program's file, so that a search of PATH does not find it either.
  if (/\/s?bin\/[^/]+$/.test(p) && isHiddenCommand(p, platform)) return true;
  return platform === "win32" && p === "/etc/services";
}

function enoent(syscall: string, path: unknown): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(
    `ENOENT: no such file or directory, ${syscall} '${String(path)}'`,
  );
  err.code = "ENOENT";
  err.errno = -2;
  err.syscall = syscall;
  err.path = String(path);
  return err;
}

type AnyFn = (...args: unknown[]) => unknown;

function hidePaths(platform: SimulatedPlatform): void {
  const target = fs as unknown as Record<string, AnyFn>;
  const promises = fs.promises as unknown as Record<string, AnyFn>;
  const sync = [
    "readFileSync",
    "readdirSync",
    "readlinkSync",
    "statSync",
    "lstatSync",
    "openSync",
    "accessSync",
  ];
  for (const name of sync) {
    const original = target[name] as AnyFn;
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (isHiddenPath(args[0], platform)) throw enoent(name.replace(/Sync$/, ""), args[0]);
      return original.apply(this, args);
    };
  }
  const existsSync = target.existsSync as AnyFn;
  target.existsSync = (...args: unknown[]) => (isHiddenPath(args[0], platform) ? false : existsSync(...args));
  for (const name of ["readFile", "readdir", "readlink", "stat", "lstat", "open", "access"]) {
    const original = target[name] as AnyFn;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const callback = args[args.length - 1];
      if (isHiddenPath(args[0], platform) && typeof callback === "function") {
        process.nextTick(callback as AnyFn, enoent(name, args[0]));
        return;
      }
      return original.apply(this, args);
    };
    const originalPromise = promises[name] as AnyFn;
    promises[name] = function (this: unknown, ...args: unknown[]) {
      if (isHiddenPath(args[0], platform)) return Promise.reject(enoent(name, args[0]));
      return originalPromise.apply(this, args);
    };
  }
  const createReadStream = target.createReadStream as AnyFn;
  target.createReadStream = function (this: unknown, ...args: unknown[]) {
    // The stream opens the path itself, so the error arrives as its 'error' event.
    return createReadStream.apply(
      this,
      isHiddenPath(args[0], platform) ? ["/nonexistent/simulated", ...args.slice(1)] : args,
    );
  };
}

/** The command a child_process call would start (for `shell: true`, the shell). */
function commandOf(name: string, args: unknown[], platform: SimulatedPlatform): string {
  const options = args.find((a) => a !== null && typeof a === "object" && !Array.isArray(a)) as
    { shell?: unknown } | undefined;
  const isShellCall = name === "exec" || name === "execSync" || options?.shell;
  if (isShellCall) return platform === "win32" ? "cmd.exe" : "sh";
  return String(args[0]);
}

function hideCommands(platform: SimulatedPlatform): void {
  const target = childProcess as unknown as Record<string, AnyFn>;
  // A hidden command is given a path that does not exist, so Node itself
  // reports ENOENT in its own way for each function (an 'error' event, a
  // thrown error, `error` in spawnSync's result).
  const missing = "/nonexistent/simulated-platform/missing-command";
  for (const name of ["spawn", "spawnSync", "execFile", "execFileSync"]) {
    const original = target[name] as AnyFn;
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (isHiddenCommand(commandOf(name, args, platform), platform)) args = [missing, ...args.slice(1)];
      return original.apply(this, args);
    };
  }
  for (const name of ["exec", "execSync"]) {
    const original = target[name] as AnyFn;
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (platform !== "win32") return original.apply(this, args);
      // Windows runs exec's command with cmd.exe, which is not here.
      return original.apply(this, [missing, ...args.slice(1)]);
    };
  }
}

/** Every signal but 0 (the existence check) becomes SIGKILL, as on Windows. */
function hardKills(): void {
  const proto = childProcess.ChildProcess.prototype as unknown as { kill: AnyFn };
  const kill = proto.kill;
  proto.kill = function (this: unknown, signal?: unknown) {
    return kill.call(this, signal === 0 ? 0 : "SIGKILL");
  };
  const processKill = process.kill.bind(process);
  process.kill = (pid: number, signal?: string | number) => processKill(pid, signal === 0 ? 0 : "SIGKILL");
}

/** SIGUSR2 stands for Ctrl-Break's SIGBREAK, which Linux cannot send. */
function ctrlBreak(): void {
  process.on("SIGUSR2", () => {
    if (process.listenerCount("SIGBREAK") > 0) process.emit("SIGBREAK", "SIGBREAK");
    else process.kill(process.pid, "SIGKILL");
  });
}

/** The Windows-only method of TCP handles, as a no-op (the kernel's accept is Linux's anyway). */
function windowsTcpHandles(): void {
  const binding = (process as unknown as { binding(name: string): unknown }).binding("tcp_wrap");
  const proto = (binding as { TCP: { prototype: Record<string, unknown> } }).TCP.prototype;
  proto.setSimultaneousAccepts ??= () => {};
}

const platform = simulatedPlatform();
if (platform !== null) {
  // Windows always has TEMP; os.tmpdir() there reads it (else %SystemRoot%\temp).
  if (platform === "win32") process.env.TEMP ??= tmpdir();
  // A Windows console (cmd.exe, PowerShell, where npm runs scripts) sets no TERM; Git Bash sets it with MSYSTEM.
  if (platform === "win32" && process.env.MSYSTEM === undefined) delete process.env.TERM;
  Object.defineProperty(process, "platform", { value: platform, enumerable: true, configurable: true });
  hidePaths(platform);
  hideCommands(platform);
  if (platform === "win32") hardKills();
  if (platform === "win32") windowsTcpHandles();
  if (platform === "win32") ctrlBreak();
  syncBuiltinESMExports();
}
