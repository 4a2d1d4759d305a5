/**
 * Load from several machines, one report: `tcpecho bench` in two network
 * namespaces (two load machines) against `tcpecho serve` in a third, joined
 * by a bridge, with 192.0.2.0/24 (TEST-NET-1) addresses that exist only
 * inside them. Both run at once; `bench merge` of their outputs must give the
 * sums of their counts and the percentiles of one histogram holding every
 * sample.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { checkMerged, lastJson } from "./bench-merge-check.js";
import { CLI, cleanEnv, runCli, startCli, stopCli } from "./helpers.js";
import { deleteNamespaces, ip, netnsTagOrSkip } from "./netns.js";

const SERVER_ADDRESS = "192.0.2.1";

/** `tcpecho bench ARGS` inside a namespace, to its end (at most 60 s). */
function benchIn(
  ns: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn("ip", ["netns", "exec", ns, process.execPath, CLI, "bench", ...args], {
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    p.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("error", reject);
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test(
  "bench from two namespaces against a server in a third: bench merge sums counts and merges histograms exactly",
  { timeout: 120_000 },
  async (t) => {
    const tag = netnsTagOrSkip(t);
    if (tag === undefined) return;
    const ns = { server: `tcpecho-bm-s-${tag}`, a: `tcpecho-bm-a-${tag}`, b: `tcpecho-bm-b-${tag}` };
    const dir = mkdtempSync(join(tmpdir(), "tcpecho-netns-merge-"));
    let server: ReturnType<typeof startCli> | undefined;
    try {
      for (const n of Object.values(ns)) {
        ip("netns", "add", n);
        ip("-n", n, "link", "set", "lo", "up");
      }
      ip("-n", ns.server, "link", "add", "br0", "type", "bridge");
      ip("-n", ns.server, "addr", "add", `${SERVER_ADDRESS}/24`, "dev", "br0");
      ip("-n", ns.server, "link", "set", "br0", "up");
      for (const [name, address] of [
        ["a", "192.0.2.10"],
        ["b", "192.0.2.11"],
      ] as const) {
        const link = `tbm${name}${tag}`;
        ip(
          "link",
          "add",
          link,
          "netns",
          ns[name],
          "type",
          "veth",
          "peer",
          "name",
          `${link}s`,
          "netns",
          ns.server,
        );
        ip("-n", ns[name], "addr", "add", `${address}/24`, "dev", link);
        ip("-n", ns[name], "link", "set", link, "up");
        ip("-n", ns.server, "link", "set", `${link}s`, "master", "br0");
        ip("-n", ns.server, "link", "set", `${link}s`, "up");
      }
      server = startCli(["serve", "--host", SERVER_ADDRESS, "--port", "0"], cleanEnv(), [
        "ip",
        "netns",
        "exec",
        ns.server,
      ]);
      const listening = await server.waitFor(/192\.0\.2\.1:(\d+)/);
      const target = `${SERVER_ADDRESS}:${/192\.0\.2\.1:(\d+)/.exec(listening)?.[1] ?? ""}`;

      // At the same time, as two load machines would; different shapes, so that sums are not doubles.
      const [a, b] = await Promise.all([
        benchIn(ns.a, [target, "-c", "4", "-n", "4000", "-s", "128", "--json"]),
        benchIn(ns.b, [target, "-c", "2", "-n", "2500", "-s", "128", "--threads", "2", "--json"]),
      ]);
      assert.equal(a?.code, 0, a?.stderr);
      assert.equal(b?.code, 0, b?.stderr);
      const parts = [lastJson(a.stdout), lastJson(b.stdout)];
      assert.deepEqual(
        parts.map((p) => [p.requests, p.connected, p.ok]),
        [
          [4000, 4, true],
          [2500, 2, true],
        ],
      );
      writeFileSync(join(dir, "a.json"), a.stdout);
      writeFileSync(join(dir, "b.json"), b.stdout);

      const merged = await runCli(["bench", "merge", join(dir, "a.json"), join(dir, "b.json"), "--json"]);
      assert.equal(merged.code, 0, merged.stderr);
      const m = lastJson(merged.stdout);
      assert.equal(m.requests, 6500);
      checkMerged(parts, m);
      // The server saw both machines.
      await server.waitFor(/192\.0\.2\.10/);
      await server.waitFor(/192\.0\.2\.11/);
    } finally {
      if (server !== undefined) await stopCli(server);
      deleteNamespaces(Object.values(ns));
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
