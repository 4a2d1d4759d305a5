/**
 * bench/echo-load.c, the C load generator of `npm run bench:peers -- --yardstick`:
 * it must pass a correct echo server and fail on a wrong byte, or its figures
 * would rank servers that do not echo.
 */

import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { linuxOnly, needs, startCliServer, startPeer, stopCli } from "./helpers.js";

const source = fileURLToPath(new URL("../../bench/echo-load.c", import.meta.url));
const skip = linuxOnly("bench/echo-load.c is built on epoll") || needs("cc", "gcc");
const dir = mkdtempSync(`${tmpdir()}/tcpecho-echo-load-`);
const binary = `${dir}/echo-load`;

before(() => {
  if (skip) return;
  const r = spawnSync("cc", ["-O2", "-o", binary, source], { stdio: "inherit" });
  assert.equal(r.status, 0, "bench/echo-load.c did not compile");
});
after(() => rmSync(dir, { recursive: true, force: true }));

function load(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const LINE =
  /^(pingpong|stream) conns=(\d+) len=(\d+) depth=(\d+) req\/s=(\d+) MB\/s=([\d.]+) p50_us=(\d+) p99_us=(\d+) errors=(\d+)\n$/;

test(
  "against tcpecho serve: exit 0, one line, no errors, ping-pong and stream",
  { skip, timeout: 30_000 },
  async () => {
    const server = await startCliServer();
    try {
      const pp = await load(["127.0.0.1", String(server.port), "4", "512", "0.5", "3"]);
      assert.equal(pp.code, 0, pp.stderr);
      const m = LINE.exec(pp.stdout);
      assert.ok(m, pp.stdout);
      assert.deepEqual(m.slice(1, 5), ["pingpong", "4", "512", "3"]);
      assert.ok(Number(m[5]) > 0 && Number(m[7]) <= Number(m[8]));
      assert.equal(m[9], "0");

      const st = await load(["127.0.0.1", String(server.port), "2", "65536", "0.5", "1", "stream"]);
      assert.equal(st.code, 0, st.stderr);
      const s = LINE.exec(st.stdout);
      assert.ok(s, st.stdout);
      assert.equal(s[1], "stream");
      assert.ok(Number(s[6]) > 0);
      assert.equal(s[9], "0");
    } finally {
      await stopCli(server);
    }
  },
);

/** An echo peer that changes one byte once `at` bytes have passed on a connection. */
function corruptingPeer(at: number) {
  return startPeer((s: Socket) => {
    let offset = 0;
    s.on("data", (b: Buffer) => {
      const out = Buffer.from(b);
      if (offset <= at && at < offset + out.length) out[at - offset] = (out[at - offset] as number) ^ 0x20;
      offset += b.length;
      s.write(out);
    });
  });
}

test(
  "one wrong byte: exit 1 and errors counted, in ping-pong and stream",
  { skip, timeout: 30_000 },
  async () => {
    const peer = await corruptingPeer(5000);
    try {
      for (const args of [
        ["2", "100", "1", "2"],
        ["1", "65536", "1", "1", "stream"],
      ]) {
        const r = await load(["127.0.0.1", String(peer.port), ...args]);
        assert.equal(r.code, 1, r.stdout);
        assert.match(r.stdout, /errors=[1-9]/);
        assert.match(r.stderr, /differs/);
      }
    } finally {
      await peer.close();
    }
  },
);

test("a bad command line: exit 2 and the usage line", { skip, timeout: 10_000 }, async () => {
  for (const args of [
    [],
    ["127.0.0.1", "9", "0", "64", "1"],
    ["127.0.0.1", "9", "1", "64", "1", "1", "bulk"],
  ]) {
    const r = await load(args);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^usage: echo-load HOST PORT CONNS LEN SECONDS \[DEPTH\] \[stream\]\n$/);
  }
});
