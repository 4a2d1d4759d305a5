/**
 * Step 5's attacks (test/attacks.ts) on `tcpecho serve` as a user runs it:
 * a separate process with its defaults, only host and port given. Small
 * enough for `npm test`; `npm run soak -- --minutes N` runs the same longer.
 * Memory and latency bounds here are generous correctness bounds (the
 * server did not buffer without limit, did not starve anyone), not
 * performance claims; what they measured goes to the test's diagnostics.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  needsSignals,
  STOPPED,
  linuxOnly,
  randomBytesSeeded,
  rawConnect,
  readAll,
  readN,
  sleep,
  startCliServer,
  stopCli,
  waitUntil,
} from "./helpers.js";
import {
  flood,
  freshEcho,
  halfClose,
  integrity,
  neverReaders,
  oneByteReader,
  openDescriptors,
  resets,
  stalledReader,
  until,
} from "./attacks.js";

const MB = 1024 * 1024;

test(
  "integrity: 32 connections at once, 1 MB each in random chunks with random pauses, all back in order",
  { timeout: 120_000 },
  async (t) => {
    const srv = await startCliServer(["--quiet"]);
    try {
      const { bytes } = await integrity(srv.port, { clients: 32, bytes: MB, runs: 1, seed: 5 });
      t.diagnostic(`${bytes} bytes echoed`);
      assert.equal(bytes, 32 * MB);
    } finally {
      assert.equal(await stopCli(srv), STOPPED);
    }
  },
);

test(
  "backpressure: 40 clients that write and never read; memory stays bounded and a fresh client is answered",
  { timeout: 60_000 },
  async (t) => {
    const skip = linuxOnly("/proc/PID/status for the memory used");
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--quiet"]);
    const pid = srv.proc.pid as number;
    try {
      const r = await neverReaders(srv.port, pid, { clients: 40, seconds: 2 });
      t.diagnostic(
        `offered ${(r.offeredBytes / MB).toFixed(0)} MB; server memory grew ${(r.growthBytes / MB).toFixed(1)} MB; a fresh echo took ${r.freshEchoMs.toFixed(1)} ms`,
      );
      assert.ok(r.offeredBytes > 100 * MB, "the clients did not push hard enough to test anything");
      assert.ok(r.growthBytes < 100 * MB, `server memory grew ${(r.growthBytes / MB).toFixed(1)} MB`);
      // Starved would be never, or seconds on an idle machine; 5 s leaves room for a loaded one.
      assert.ok(r.freshEchoMs < 5000, `a fresh client waited ${r.freshEchoMs.toFixed(0)} ms`);
    } finally {
      assert.equal(await stopCli(srv), STOPPED);
    }
  },
);

test("half-close: 300 KB then FIN, all of it back, then the server closes", { timeout: 20_000 }, async () => {
  const srv = await startCliServer(["--quiet"]);
  try {
    await halfClose(srv.port, 300 * 1024);
  } finally {
    assert.equal(await stopCli(srv), STOPPED);
  }
});

test(
  "resets: 3000 clients that send then reset; no crash, no leaked descriptor, still echoing",
  { timeout: 90_000 },
  async (t) => {
    const skip = linuxOnly("/proc/PID/fd to count descriptors");
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--quiet"]);
    const pid = srv.proc.pid as number;
    try {
      await freshEcho(srv.port);
      await sleep(100);
      const before = openDescriptors(pid);
      await resets(srv.port, { count: 3000, batch: 100 });
      const settled = await until(() => openDescriptors(pid) <= before, 10_000);
      t.diagnostic(`descriptors: ${before} before, ${openDescriptors(pid)} after`);
      assert.ok(settled, `descriptors: ${before} before, ${openDescriptors(pid)} after`);
      await freshEcho(srv.port);
    } finally {
      assert.equal(await stopCli(srv), STOPPED);
    }
  },
);

test(
  "flood: a storm far above --max-connections; the server stays up and its clients are undisturbed",
  { timeout: 90_000 },
  async (t) => {
    const srv = await startCliServer(["--max-connections", "50", "--data-lines", "0"]);
    try {
      const r = await flood(srv.port, { storm: 3000, batch: 300, served: 10, servedBytes: 512 * 1024 });
      t.diagnostic(`${r.stormConnections} storm connections came and went`);
      await freshEcho(srv.port);
      // The storm did go past the limit, and the log said so without flooding.
      await srv.waitFor(/client refused: .*--max-connections limit/);
      assert.ok(srv.stdout.some((l) => /more than 20 clients refused this second/.test(l)));
    } finally {
      assert.equal(await stopCli(srv), STOPPED);
    }
  },
);

test(
  "graceful shutdown under load: SIGTERM part-way through 40 MB; it all drains, then exit 0",
  { timeout: 60_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM to drain");
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--quiet"]);
    const data = randomBytesSeeded(40 * MB, 12);
    const s = await rawConnect(srv.port);
    const back = readAll(s, 50_000);
    const half = 20 * MB;
    for (let at = 0; at < half; at += 256 * 1024) {
      if (!s.write(data.subarray(at, at + 256 * 1024))) await new Promise((r) => s.once("drain", r));
    }
    srv.proc.kill("SIGTERM");
    await srv.waitFor(/stopping: no longer accepting/);
    for (let at = half; at < data.length; at += 256 * 1024) {
      if (!s.write(data.subarray(at, at + 256 * 1024))) await new Promise((r) => s.once("drain", r));
    }
    s.end();
    const got = await back;
    assert.equal(got.length, data.length);
    assert.ok(got.equals(data), "bytes differ after the drain");
    assert.equal(await srv.exited, 0);
  },
);

test(
  "slow peers: one byte per read, and a reader that stalls then resumes, get everything",
  { timeout: 90_000 },
  async () => {
    const srv = await startCliServer(["--quiet"]);
    try {
      await oneByteReader(srv.port, 256 * 1024);
      await stalledReader(srv.port, 16 * MB, 700);
    } finally {
      assert.equal(await stopCli(srv), STOPPED);
    }
  },
);

test(
  "quiet logs: misbehaving peers make one line each, never a stack trace",
  { timeout: 30_000 },
  async () => {
    const srv = await startCliServer(["--proxy-protocol", "v1"]);
    try {
      // Five bad PROXY headers: five error lines.
      for (let i = 0; i < 5; i++) {
        const s = await rawConnect(srv.port);
        s.on("error", () => {});
        s.write(`PROXY TCP4 999.0.0.${i} 10.0.0.1 1 2\r\n`);
        await readAll(s).catch(() => Buffer.alloc(0));
      }
      // Resets mid-echo: a disconnect line each, no error.
      for (let i = 0; i < 5; i++) {
        const s = await rawConnect(srv.port);
        s.on("error", () => {});
        s.write("PROXY TCP4 192.0.2.1 10.0.0.1 1 2\r\n");
        s.write(randomBytesSeeded(256 * 1024, i));
        await readN(s, 1); // mid-echo: accepted, header read, echo under way
        s.resetAndDestroy();
      }
      await waitUntil(
        "five disconnect lines",
        () => srv.stdout.filter((l) => /client disconnected/.test(l)).length === 5,
        20_000,
      );
    } finally {
      await stopCli(srv);
    }
    const all = [...srv.stdout, ...srv.stderr];
    assert.equal(all.filter((l) => /^\s+at /.test(l)).length, 0, all.join("\n"));
    assert.equal(srv.stderr.filter((l) => /PROXY protocol from/.test(l)).length, 5, srv.stderr.join("\n"));
    assert.equal(srv.stdout.filter((l) => /reset by the client/.test(l)).length, 5, srv.stdout.join("\n"));
    assert.equal(srv.stderr.length, 5, `unexpected lines on stderr:\n${srv.stderr.join("\n")}`);
  },
);

test(
  "the same attacks with step 4's options on: limits, rules, idle timeout, metrics, UDP, JSON logs",
  { timeout: 120_000 },
  async (t) => {
    const skip = linuxOnly("/proc/PID/status and /proc/PID/fd for memory and descriptors");
    if (skip) return t.skip(skip);
    const srv = await startCliServer([
      "--max-connections",
      "500",
      "--max-per-ip",
      "200",
      "--idle-timeout",
      "30s",
      "--allow",
      "127.0.0.0/8",
      "--deny",
      "10.0.0.0/8",
      "--metrics",
      "127.0.0.1:0",
      "--udp",
      "--log-format",
      "json",
      "--data-lines",
      "0",
    ]);
    const pid = srv.proc.pid as number;
    try {
      await integrity(srv.port, { clients: 32, bytes: MB, runs: 1, seed: 9 });
      const r = await neverReaders(srv.port, pid, { clients: 40, seconds: 1 });
      assert.ok(r.growthBytes < 100 * MB, `server memory grew ${(r.growthBytes / MB).toFixed(1)} MB`);
      await halfClose(srv.port, 300 * 1024);
      await sleep(100);
      const before = openDescriptors(pid);
      await resets(srv.port, { count: 1000, batch: 100 });
      assert.ok(await until(() => openDescriptors(pid) <= before, 10_000), "descriptors leaked");
      await oneByteReader(srv.port, 64 * 1024);
      await freshEcho(srv.port);
    } finally {
      assert.equal(await stopCli(srv), STOPPED);
    }
    for (const line of srv.stdout.filter((l) => l !== "")) JSON.parse(line); // every line is one JSON object
  },
);
