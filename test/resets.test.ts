/**
 * Resets against the server's data path (run on both paths by npm test): no
 * crash, no descriptor left behind, and the server still echoes afterwards.
 */

import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { once } from "node:events";
import type { Socket } from "node:net";
import { test } from "node:test";
import { createEchoServer } from "tcpecho";
import { linuxOnly, randomBytesSeeded, rawConnect, readAll, readN, sleep, waitUntil } from "./helpers.js";

const openDescriptors = () => readdirSync("/proc/self/fd").length;

async function settle(server: { connectionCount: number }, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (server.connectionCount > 0 && Date.now() < end) await sleep(20);
}

test(
  "2000 clients that send and then reset: no crash, no leaked descriptors",
  { timeout: 60_000 },
  async (t) => {
    const skip = linuxOnly("/proc/PID/fd to count descriptors");
    if (skip) return t.skip(skip);
    const server = createEchoServer({ host: "127.0.0.1", port: 0 });
    const { port } = await server.listen();
    await sleep(50);
    const before = openDescriptors();
    const payload = randomBytesSeeded(2000, 3);
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const s = await rawConnect(port);
          s.on("error", () => {});
          const n = 1 + ((batch * 100 + i) % payload.length);
          s.write(payload.subarray(0, n));
          // Half reset once their echo is back (served, then reset); half at once.
          if (i % 2 === 0) await readN(s, n);
          s.resetAndDestroy();
        }),
      );
    }
    await settle(server);
    assert.equal(server.connectionCount, 0);
    const stats = server.stats();
    // Clients in this process may reset before the server accepts them (those are
    // not served at all); the thousand that waited for their echo were.
    assert.ok(stats.connectionsTotal >= 1000, `${stats.connectionsTotal} connections served`);
    assert.ok(stats.resets >= 1000, `${stats.resets} resets counted`);
    // Descriptors return to where they were (a little slack for the runtime's own).
    assert.ok(openDescriptors() <= before + 5, `descriptors: ${before} before, ${openDescriptors()} after`);
    // Still serving.
    const s = await rawConnect(port);
    s.end("still echoing");
    assert.equal((await readAll(s)).toString(), "still echoing");
    await server.close();
  },
);

test(
  "clients that reset while their echo is still being written: the server goes on",
  { timeout: 60_000 },
  async () => {
    const server = createEchoServer({ host: "127.0.0.1", port: 0 });
    const { port } = await server.listen();
    const big = randomBytesSeeded(4 * 1024 * 1024, 8);
    const clients: Socket[] = [];
    for (let i = 0; i < 20; i++) {
      const s = await rawConnect(port);
      s.on("error", () => {});
      s.pause(); // never read: the server's writes back stay pending
      s.write(big);
      clients.push(s);
    }
    // Each has had some of its echo (unread, held for it): the server is writing 4 MB back to each.
    await waitUntil("an echo to every client", () => clients.every((s) => s.readableLength > 0), 20_000);
    for (const s of clients) s.resetAndDestroy();
    await settle(server);
    assert.equal(server.connectionCount, 0);
    // A fresh client gets every byte back, in order.
    const s = await rawConnect(port);
    const data = randomBytesSeeded(1024 * 1024, 9);
    const back = readAll(s);
    s.end(data);
    assert.ok((await back).equals(data));
    await server.close();
  },
);

test("a client that stops reading, then resumes, gets everything in order", { timeout: 60_000 }, async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  const data = randomBytesSeeded(16 * 1024 * 1024, 10);
  const s = await rawConnect(port);
  s.pause();
  let sent = 0;
  let waiting = false;
  let written = false;
  const writer = (async () => {
    while (sent < data.length) {
      const ok = s.write(data.subarray(sent, sent + 256 * 1024));
      sent += 256 * 1024;
      if (!ok) {
        waiting = true;
        await once(s, "drain");
        waiting = false;
      }
    }
    s.end();
    written = true;
  })();
  // Until the server's writes stall and it stops reading (its count stays put while ours wait), or
  // everything fitted in the buffers between us.
  let read = -1;
  await waitUntil(
    "the server holding the client back",
    () => {
      const last = read;
      read = server.stats().bytesIn;
      return written || (waiting && read === last);
    },
    20_000,
  );
  const parts: Buffer[] = [];
  s.on("data", (b: Buffer) => parts.push(b));
  s.resume();
  await writer;
  await once(s, "end");
  const got = Buffer.concat(parts);
  assert.equal(got.length, data.length);
  assert.ok(got.equals(data));
  await server.close();
});

test("one byte at a time still gets everything", { timeout: 30_000 }, async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  const s = await rawConnect(port);
  const data = randomBytesSeeded(300, 11);
  for (const b of data) {
    s.write(Buffer.of(b));
    await sleep(0);
  }
  assert.ok((await readN(s, data.length)).equals(data));
  s.destroy();
  await server.close({ drainTimeout: 100 });
});
