/**
 * Network namespaces for tests that need more than one host: `ip` run with
 * its errors thrown, and the namespaces deleted afterwards. Only as root
 * (see `needsRoot` in helpers.ts); addresses exist only inside the
 * namespaces a test makes.
 */

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { TestContext } from "node:test";
import { linuxOnly, needs, needsRoot } from "./helpers.js";

/** Runs `ip` with these arguments; throws with its message when it fails. */
export function ip(...args: string[]): void {
  const r = spawnSync("ip", args, { encoding: "utf8", timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(" ")}: ${r.stderr || r.error?.message}`);
}

/** Deletes namespaces, ignoring those already gone; deleting one deletes its ends of veth pairs too. */
export function deleteNamespaces(names: Iterable<string>): void {
  for (const ns of names) spawnSync("ip", ["netns", "del", ns], { timeout: 10_000 });
}

/**
 * A short random tag for a test's namespace and link names, so that they are
 * its own; or, where namespaces cannot be built (not root, no `ip`), undefined
 * after skipping `t` with the reason (in CI: throws instead).
 */
export function netnsTagOrSkip(t: TestContext): string | undefined {
  const skip =
    linuxOnly("network namespaces, ip netns") ||
    needsRoot("building network namespaces") ||
    needs("ip", "iproute2");
  if (skip) {
    t.skip(skip);
    return undefined;
  }
  return randomBytes(3).toString("hex");
}
