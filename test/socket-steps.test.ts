/**
 * The socket-step seam (EchoServer.observe) over real sockets on loopback, on
 * whichever data path this run uses (npm test runs it on both).
 */

import assert from "node:assert/strict";
import diagnosticsChannel from "node:diagnostics_channel";
import { once } from "node:events";
import { test } from "node:test";
import {
  createEchoServer,
  SOCKET_STEP_CHANNEL,
  type EchoServer,
  type SocketStep,
  type SocketStepMessage,
} from "tcpecho";
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

test("a detached observer hears nothing more; several observe at once", async () => {
  const { server, port, seen, detach } = await observed();
  const other: string[] = [];
  const detachOther = server.observe((_c, step) => other.push(step.kind));
  const first = await rawConnect(port);
  const firstGone = once(server, "disconnect");
  first.end("both");
  await readAll(first);
  await firstGone;
  await waitUntil("both observers' closed step", () => other.includes("closed"));
  assert.deepEqual(
    seen.map((x) => x.step.kind),
    other,
  );
  detachOther();
  seen.length = 0;
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

test("the tcpecho:connection:step diagnostics channel carries every server's steps", async () => {
  const a = createEchoServer({ host: "127.0.0.1", port: 0 });
  const b = createEchoServer({ host: "127.0.0.1", port: 0 });
  const heard: { server: object; id: number; kind: string }[] = [];
  const watch = (message: unknown) => {
    const m = message as SocketStepMessage;
    heard.push({ server: m.server, id: m.connection.id, kind: m.step.kind });
  };
  diagnosticsChannel.subscribe(SOCKET_STEP_CHANNEL, watch);
  try {
    for (const server of [a, b]) {
      const { port } = await server.listen();
      const s = await rawConnect(port);
      const gone = once(server, "disconnect");
      s.end("x");
      await readAll(s);
      await gone;
      await waitUntil("its closed step", () => heard.some((h) => h.server === server && h.kind === "closed"));
    }
    for (const server of [a, b])
      assert.deepEqual(
        heard.filter((h) => h.server === server).map((h) => h.kind),
        ["accepted", "read", "written", "end", "shutdown", "closed"],
      );
  } finally {
    diagnosticsChannel.unsubscribe(SOCKET_STEP_CHANNEL, watch);
    await Promise.all([a.close(), b.close()]);
  }
});

test("connections() lists the clients being served, with their counts", async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  const s = await rawConnect(port);
  s.write("hello");
  assert.equal((await readN(s, 5)).toString(), "hello");
  const open = [...server.connections()];
  assert.equal(open.length, 1);
  assert.equal(open[0]?.remotePort, s.localPort);
  assert.equal(open[0]?.bytesIn, 5);
  assert.equal(open[0]?.bytesOut, 5);
  const gone = once(server, "disconnect");
  s.end();
  await gone;
  assert.deepEqual([...server.connections()], []);
  await server.close();
});
