/**
 * The live model (LiveView): what it lists and follows, its bounds, and that
 * it costs nothing (no subscriber on the step channel) until started and
 * after it stops. On both data paths (TCPECHO_DATA_PATH).
 */
import assert from "node:assert/strict";
import diagnosticsChannel from "node:diagnostics_channel";
import { once } from "node:events";
import { test } from "node:test";
import {
  createEchoServer,
  EchoError,
  LiveView,
  SOCKET_STEP_CHANNEL,
  type EchoServer,
  type LiveSnapshot,
} from "tcpecho";
import { rawConnect, readAll, readN, waitUntil } from "./helpers.js";

const linux = process.platform === "linux";

async function listening(options: Parameters<typeof createEchoServer>[0] = {}): Promise<{
  server: EchoServer;
  port: number;
}> {
  const server = createEchoServer({ host: "127.0.0.1", port: 0, ...options });
  const { port } = await server.listen();
  return { server, port };
}

const calls = (s: LiveSnapshot) => s.followed?.calls.map((c) => c.call) ?? [];

test("a view subscribes only while started: no page, no observer on the data path", async () => {
  const { server } = await listening();
  const view = new LiveView(server);
  assert.equal(diagnosticsChannel.hasSubscribers(SOCKET_STEP_CHANNEL), false);
  view.start();
  assert.equal(diagnosticsChannel.hasSubscribers(SOCKET_STEP_CHANNEL), true);
  assert.equal(server.listenerCount("data"), 1);
  view.stop();
  assert.equal(diagnosticsChannel.hasSubscribers(SOCKET_STEP_CHANNEL), false);
  assert.equal(server.listenerCount("data"), 0);
  await server.close();
});

test("a followed connection's calls come in order, with its bytes as text and the state after each", async () => {
  const { server, port } = await listening();
  const view = new LiveView(server);
  view.start();
  try {
    const s = await rawConnect(port);
    await waitUntil("the connection listed", () => view.snapshot().connections.total === 1);
    const id = view.snapshot().connections.rows[0]!.id;
    const unfollow = view.follow(id);
    const hostile = '<img src=x onerror="alert(1)">\u0007</script>';
    s.write(hostile);
    await readN(s, Buffer.byteLength(hostile));
    const gone = once(server, "disconnect");
    s.end();
    await readAll(s);
    await gone;
    await waitUntil("the close call", () => calls(view.snapshot({ follow: id })).includes("close"));
    const followed = view.snapshot({ follow: id }).followed!;
    assert.deepEqual(
      followed.calls.map((c) => c.call),
      ["accept", "recv", "send", "recv", "shutdown", "close"],
    );
    const [, recv, send, fin] = followed.calls;
    assert.equal(recv?.result, String(Buffer.byteLength(hostile)));
    assert.equal(recv?.data, '<img src=x onerror="alert(1)">\\x07</script>');
    assert.equal(send?.result, recv?.result);
    assert.equal(fin?.result, "0");
    assert.equal(followed.fromAccept, true, "seen from its accept, though followed later");
    // The state after each call: the kernel's where it tells and a read of its table is due (reads are
    // spaced to cost at most 5% of the time), else the server's own idea of it.
    if (linux) assert.equal(recv?.stateFrom, "kernel", "the first call after following reads the kernel");
    assert.equal(recv?.state, recv?.stateFrom === "kernel" ? "ESTABLISHED" : "open");
    const close = followed.calls.at(-1);
    // Closed after our FIN was acknowledged: no socket left (the kernel's table has no row: TCP's CLOSED).
    assert.equal(close?.state, close?.stateFrom === "kernel" ? "CLOSED" : "closed");
    unfollow();
  } finally {
    view.stop();
    await server.close();
  }
});

test("rows: peer, counts, kernel state and accept queue where the OS tells; closed rows kept, then dropped", async () => {
  const { server, port } = await listening();
  const view = new LiveView(server, { keepClosedMs: 0 });
  view.start();
  try {
    const s = await rawConnect(port);
    s.write("hello");
    await readN(s, 5);
    view.refresh();
    const snap = view.snapshot();
    const row = snap.connections.rows[0]!;
    assert.equal(row.peer, `127.0.0.1:${s.localPort}`);
    assert.equal(row.bytesIn, 5);
    assert.equal(row.bytesOut, 5);
    assert.equal(row.queued, 0);
    assert.equal(row.closed, false);
    assert.equal(snap.totals.open, 1);
    assert.equal(snap.listeners[0]?.address, `127.0.0.1:${port}`);
    if (linux) {
      assert.equal(row.state, "ESTABLISHED");
      assert.equal(row.stateFrom, "kernel");
      assert.equal(snap.listeners[0]?.acceptQueue, 0);
    } else {
      assert.equal(row.state, "open");
      assert.equal(snap.listeners[0]?.acceptQueue, null);
    }
    const gone = once(server, "disconnect");
    s.end();
    await readAll(s);
    await gone;
    await waitUntil("the row marked closed", () => view.snapshot().connections.rows[0]?.closed === true);
    view.refresh();
    assert.equal(view.snapshot().connections.total, 0);
  } finally {
    view.stop();
    await server.close();
  }
});

test("connections open before the view started are listed, their first calls unknown", async () => {
  const { server, port } = await listening();
  const s = await rawConnect(port);
  s.write("ab");
  await readN(s, 2);
  const view = new LiveView(server);
  view.start();
  try {
    const snap = view.snapshot();
    assert.equal(snap.connections.total, 1);
    const id = snap.connections.rows[0]!.id;
    assert.equal(snap.connections.rows[0]?.bytesIn, 2);
    const followed = view.snapshot({ follow: id }).followed;
    assert.equal(followed?.fromAccept, false);
    assert.deepEqual(followed?.calls, []);
  } finally {
    s.destroy();
    view.stop();
    await server.close();
  }
});

test("bounded: a window of rows, and per connection the first calls and the latest", async () => {
  const { server, port } = await listening();
  const view = new LiveView(server, { maxCalls: 16 });
  view.start();
  const sockets = [];
  try {
    for (let i = 0; i < 5; i++) sockets.push(await rawConnect(port));
    await waitUntil("five listed", () => view.snapshot().connections.total === 5);
    const window = view.snapshot({ from: 2, count: 2 }).connections;
    assert.equal(window.total, 5);
    assert.equal(window.from, 2);
    assert.equal(window.rows.length, 2);
    const [first, second] = [sockets[0]!, sockets[1]!];
    const [firstId, secondId] = view.snapshot().connections.rows.map((r) => r.id);
    const unfollow = view.follow(firstId!);
    for (let i = 0; i < 40; i++) {
      for (const s of [first, second]) s.write("x");
      await Promise.all([readN(first, 1), readN(second, 1)]);
    }
    await waitUntil(
      "the calls counted",
      () => (view.snapshot({ follow: secondId }).followed?.skipped ?? 0) > 0,
    );
    // Followed: the first 8 and the latest, 16 in all (maxCalls); 1 accept + 40 × (recv, send) = 81 made.
    const followed = view.snapshot({ follow: firstId }).followed!;
    assert.equal(followed.calls.length, 16);
    assert.equal(followed.calls[0]?.call, "accept");
    assert.equal(followed.skipped, 81 - 16);
    // Not followed: the first 8 and the latest 4.
    const other = view.snapshot({ follow: secondId }).followed!;
    assert.equal(other.calls.length, 12);
    assert.equal(other.calls[0]?.call, "accept");
    assert.equal(other.skipped, 81 - 12);
    unfollow();
  } finally {
    for (const s of sockets) s.destroy();
    view.stop();
    await server.close();
  }
});

test("faults: the call a fault made and the spec on its row; the server's faults and totals", async () => {
  const { server, port } = await listening({ faults: ["delay=20ms"] });
  const view = new LiveView(server);
  view.start();
  try {
    const s = await rawConnect(port);
    s.write("slow");
    await readN(s, 4);
    const snap = view.snapshot();
    assert.deepEqual(snap.server.faults, ["delay=20ms"]);
    assert.deepEqual(snap.connections.rows[0]?.faults, ["delay=20ms"]);
    assert.equal(snap.totals.faults, 1);
    const id = snap.connections.rows[0]!.id;
    assert.ok(calls(view.snapshot({ follow: id })).includes("fault"));
    s.destroy();
  } finally {
    view.stop();
    await server.close();
  }
});

test("the server's state as it drains and closes", async () => {
  const { server, port } = await listening();
  const view = new LiveView(server);
  view.start();
  const s = await rawConnect(port);
  await waitUntil("listed", () => view.snapshot().connections.total === 1);
  assert.equal(view.snapshot().server.state, "listening");
  const closed = server.close();
  await waitUntil("draining", () => view.snapshot().server.state === "draining");
  s.end();
  await readAll(s);
  await closed;
  assert.equal(view.snapshot().server.state, "closed");
  view.stop();
});

test("closed connections are dropped as others close, even when nobody refreshes the view", async () => {
  const { server, port } = await listening();
  const view = new LiveView(server, { keepClosedMs: 0 });
  view.start();
  try {
    for (let i = 0; i < 3; i++) {
      const s = await rawConnect(port);
      const gone = once(server, "disconnect");
      s.end();
      await readAll(s);
      await gone;
    }
    await waitUntil("the closed steps seen", () => view.snapshot().totals.open === 0);
    // Each close dropped those closed before it (kept 0 ms); the last one waits for the next.
    assert.equal(view.snapshot().connections.total, 1);
  } finally {
    view.stop();
    await server.close();
  }
});

test("a step that moves the state is not shown with the kernel's older word", async () => {
  const { server, port } = await listening({ faults: ["stall-after=0"] });
  const view = new LiveView(server);
  view.start();
  try {
    const s = await rawConnect(port);
    await waitUntil("listed", () => view.snapshot().connections.total === 1);
    view.refresh();
    const before = view.snapshot().connections.rows[0]!;
    if (linux) assert.deepEqual([before.state, before.stateFrom], ["ESTABLISHED", "kernel"]);
    s.end(); // the stalled server never answers the FIN
    await waitUntil(
      "the client's FIN seen",
      () => view.snapshot().connections.rows[0]?.state !== before.state,
    );
    const after = view.snapshot().connections.rows[0]!;
    assert.deepEqual([after.state, after.stateFrom], ["half-closed", "server"]);
    view.refresh();
    const read = view.snapshot().connections.rows[0]!;
    if (linux) assert.deepEqual([read.state, read.stateFrom], ["CLOSE_WAIT", "kernel"]);
    s.destroy();
  } finally {
    view.stop();
    await server.close();
  }
});

test("textEncoding cp949: a followed connection's bytes shown as Hangul, a character split between reads shown whole", async () => {
  assert.equal(createEchoServer().textEncoding, "utf-8");
  assert.throws(
    () => createEchoServer({ textEncoding: "latin1" as "utf-8" }),
    (e: unknown) =>
      e instanceof EchoError && e.code === "ERR_INVALID_OPTION" && e.context.option === "textEncoding",
  );
  const { server, port } = await listening({ textEncoding: "cp949" });
  const view = new LiveView(server);
  view.start();
  try {
    const s = await rawConnect(port);
    await waitUntil("the connection listed", () => view.snapshot().connections.total === 1);
    const id = view.snapshot().connections.rows[0]!.id;
    view.follow(id);
    // 안녕A in CP949, as Visual Studio writes it on Korean Windows, cut inside 녕.
    for (const part of ["bec8b3", "e741"]) {
      s.write(Buffer.from(part, "hex"));
      await readN(s, part.length / 2);
    }
    s.end();
    await readAll(s);
    await waitUntil("the close call", () => calls(view.snapshot({ follow: id })).includes("close"));
    const recvs = view
      .snapshot({ follow: id })
      .followed!.calls.filter((c) => c.call === "recv" && c.result !== "0");
    assert.deepEqual(
      recvs.map((c) => [c.result, c.data]),
      [
        ["3", "안"],
        ["2", "녕A"],
      ],
    );
  } finally {
    view.stop();
    await server.close();
  }
});
