/**
 * The accept queue's real length. listen(2) silently caps the backlog at
 * net.core.somaxconn; a learner who asks for more should see what they got.
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * The largest backlog listen() can be asked for: Node hands it on as a 32-bit
 * signed integer, and a larger one wraps (4294967297 becomes 1).
 */
export const MAX_BACKLOG = 2_147_483_647;

/**
 * The kernel's cap on listen()'s backlog, or undefined where it cannot be
 * read: Linux's net.core.somaxconn from /proc, macOS's kern.ipc.somaxconn
 * from `sysctl` (asked once per process), nothing on Windows (Winsock picks
 * its own limit and does not tell it).
 *
 * @example
 * ```ts
 * import { kernelBacklogCap } from "tcpecho";
 * kernelBacklogCap(); // 4096 on a recent Linux, 128 on a default macOS
 * ```
 */
export function kernelBacklogCap(path = "/proc/sys/net/core/somaxconn"): number | undefined {
  if (process.platform === "darwin") return (darwinCap ??= { value: sysctlSomaxconn() }).value;
  try {
    return positive(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

let darwinCap: { value: number | undefined } | undefined;

function sysctlSomaxconn(): number | undefined {
  try {
    return positive(
      execFileSync("sysctl", ["-n", "kern.ipc.somaxconn"], {
        encoding: "utf8",
        timeout: 2000,
        stdio: ["ignore", "pipe", "ignore"],
      }),
    );
  } catch {
    return undefined;
  }
}

function positive(text: string): number | undefined {
  const n = Number(text.trim());
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * The backlog listen() will really use for a requested one.
 *
 * @example
 * ```ts
 * import { effectiveBacklog } from "tcpecho";
 * effectiveBacklog(100000, 4096); // 4096
 * ```
 */
export function effectiveBacklog(requested: number, cap: number | undefined = kernelBacklogCap()): number {
  return cap === undefined ? requested : Math.min(requested, cap);
}
