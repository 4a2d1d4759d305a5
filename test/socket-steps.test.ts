/**
 * The socket-step seam (EchoServer.observe) over real sockets on loopback, on
 * whichever data path this run uses (npm test runs it on both).
 */

import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { createEchoServer, type EchoServer, type SocketStep } from "tcpecho";
import { rawConnect, readAll, readN, sleep, waitUntil } from "./helpers.js";

interface Seen {
  id: number;
  step: SocketStep;
}

async function observed(): Promise<{ server: EchoServer; port: number; seen: Seen[]; detach: () => void }> {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const seen: Seen[] = [];
  const detach = server.observe((conn, step) => seen.push({ id: conn.id, step: { ...step } }));
  const { port } = await server.listen();
  return { server, port, seen, detach };
}

test("one echo with half-close: accepted, read, written, end, shutdown, closed, with its byte counts", async () => {
  const { server, port, seen } = await observed();
  const s = await rawConnect(port);
  const gone = once(server, "disconnect");
  s.end("hello, steps");
  assert.equal((await readAll(s)).toString(), "hello, steps");
  await gone;
  const kinds = seen.map((x) => x.step.kind);
  assert.equal(kinds[0], "accepted");
  assert.deepEqual(kinds.slice(-3), ["end", "shutdown", "closed"]);
  // Between them, each read is followed by its echo's write.
  const middle = seen.slice(1, -3).map((x) => x.step);
  assert.ok(middle.length >= 2 && middle.length % 2 === 0, kinds.join(" "));
  let read = 0;
  let written = 0;
  for (let i = 0; i < middle.length; i += 2) {
    const r = middle[i] as SocketStep;
    const w = middle[i + 1] as SocketStep;
    assert.equal(r.kind, "read");
    assert.equal(w.kind, "written");
    if (r.kind !== "read" || w.kind !== "written") return;
    assert.equal(w.bytes + w.queued, r.bytes);
    read += r.bytes;
    written += w.bytes;
  }
  assert.equal(read, 12);
  assert.equal(written, 12); // a loopback client that reads takes 12 bytes at once
  assert.ok(seen.every((x) => x.id === seen[0]?.id));
  await server.close();
});

test(
  "a client that never reads: its echo is written partly now, the rest queued",
  { timeout: 30_000 },
  async () => {
    const { server, port, seen } = await observed();
    const s = await rawConnect(port);
    s.on("error", () => {});
    s.pause(); // never reads: the kernel's buffers fill, and the server must queue
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const queued = () => seen.some((x) => x.step.kind === "written" && x.step.queued > 0);
    // Bounded: 64 MB is far more than loopback's buffers both ways hold.
    for (let i = 0; i < 64 && !queued(); i++) {
      if (!s.write(chunk)) await Promise.race([once(s, "drain"), sleep(200)]);
    }
    await waitUntil("a queued write", queued);
    const w = seen.find((x) => x.step.kind === "written" && x.step.queued > 0)?.step;
    assert.ok(w !== undefined && w.kind === "written");
    const read = seen.filter((x) => x.step.kind === "read");
    assert.ok(read.length > 0);
    s.destroy();
    await server.destroy();
  },
);

test("a client that resets: failed, then closed", async () => {
  const { server, port, seen } = await observed();
  const s = await rawConnect(port);
  s.on("error", () => {});
  s.write("before the reset");
  await readN(s, 16);
  const gone = once(server, "disconnect");
  s.resetAndDestroy();
  const [info] = (await gone) as [{ reason: string }];
  assert.equal(info.reason, "reset");
  const kinds = seen.map((x) => x.step.kind);
  assert.deepEqual(kinds.slice(-2), ["failed", "closed"]);
  const failed = seen.at(-2)?.step;
  assert.ok(failed?.kind === "failed");
  assert.equal((failed.error as NodeJS.ErrnoException).code, "ECONNRESET");
  await server.close();
});

test("a detached observer hears nothing more; one observer at a time", async () => {
  const { server, port, seen, detach } = await observed();
  assert.throws(() => server.observe(() => {}), /observer is attached already/);
  detach();
  const s = await rawConnect(port);
  const gone = once(server, "disconnect");
  s.end("unobserved");
  assert.equal((await readAll(s)).toString(), "unobserved");
  await gone;
  assert.deepEqual(seen, []);
  // Detached, another may attach.
  let calls = 0;
  const again = server.observe(() => calls++);
  const t = await rawConnect(port);
  const gone2 = once(server, "disconnect");
  t.end("observed again");
  await readAll(t);
  await gone2;
  assert.ok(calls >= 6, `${calls} steps`);
  again();
  await server.close();
});
