/**
 * The process's file descriptor limit, and telling when it has run out.
 *
 * Every client holds one descriptor. When none is left, accept() fails with
 * EMFILE, and libuv (under Node) quietly accepts and closes the clients
 * waiting in the queue so that its loop does not spin: Node never hears of
 * it. So the server looks for itself: a client accepted into the highest
 * descriptor the limit allows means the table is now full, and the next
 * clients will be dropped unseen until connections close.
 *
 * @module
 */

import { closeSync, openSync, readFileSync } from "node:fs";

/** A process's open-files limit (`ulimit -n`; systemd's `LimitNOFILE=`). */
export interface OpenFileLimit {
  /** The limit in force (the soft one); descriptors 0 … soft - 1 can be open. */
  soft: number;
  /** How far the process may raise the soft limit itself; Infinity for "unlimited". */
  hard: number;
}

/**
 * This process's "Max open files" limit from `/proc/self/limits`, or
 * undefined where that cannot be read (not Linux).
 *
 * @example
 * ```ts
 * import { openFileLimit } from "tcpecho";
 * const limit = openFileLimit();
 * if (limit !== undefined && limit.soft < 1024) console.log(`only ${limit.soft} descriptors: ulimit -n 65536`);
 * ```
 */
export function openFileLimit(): OpenFileLimit | undefined {
  let text: string;
  try {
    text = readFileSync("/proc/self/limits", "utf8");
  } catch {
    return undefined;
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (m === null) return undefined;
  const value = (s: string | undefined) => (s === "unlimited" ? Infinity : Number(s));
  const soft = value(m[1]);
  const hard = value(m[2]);
  if (!Number.isFinite(soft) || soft <= 0) return undefined;
  return { soft, hard: Number.isNaN(hard) ? soft : hard };
}

/**
 * Whether the descriptor table is full right now, by trying to open one more
 * (and closing it at once). Returns the error code (EMFILE, ENFILE) when it
 * is, null when not.
 */
export function descriptorsExhausted(): "EMFILE" | "ENFILE" | null {
  let fd: number;
  try {
    fd = openSync("/dev/null", "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "EMFILE" || code === "ENFILE" ? code : null;
  }
  closeSync(fd);
  return null;
}
