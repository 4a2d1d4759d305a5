import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { test } from "node:test";
import { dial } from "./connector.js";
import { EchoError } from "./echo-error.js";
import { keepAliveSeconds } from "./options.js";

test("keepalive reaches the system call in whole seconds, never 0 unless off", () => {
  assert.deepEqual([0, 1, 499, 500, 1499, 1500, 60_000].map(keepAliveSeconds), [0, 1, 1, 1, 1, 2, 60]);
});

test("dial: plain TCP is returned paused, with its handshake timed and no TLS time", async (t) => {
  const server = createServer((s) => s.end("early")).listen(0, "127.0.0.1");
  t.after(() => server.close());
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  const { socket, tcpMs, tlsMs } = await dial({ host: "127.0.0.1", port, keepAlive: 1000, tls: null });
  t.after(() => socket.destroy());
  assert.equal(socket.isPaused(), true);
  assert.ok(tcpMs >= 0);
  assert.equal(tlsMs, undefined);
  // Nothing was lost while paused: the server's early bytes wait for the reader.
  const chunks: Buffer[] = [];
  socket.on("data", (b: Buffer) => chunks.push(b));
  socket.resume();
  await new Promise((r) => socket.once("end", r));
  assert.equal(Buffer.concat(chunks).toString(), "early");
});

/** The keepalive timers of the client ends of established connections to `port`, from /proc/net/tcp. */
function keepAliveTimers(port: number): { keepalive: boolean; seconds: number }[] {
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((row) => row.trim().split(/\s+/))
    .filter((f) => f[3] === "01" && parseInt(f[2]?.split(":")[1] ?? "", 16) === port)
    .map((f) => {
      const [tr, when] = (f[5] ?? "").split(":");
      return { keepalive: tr === "02", seconds: parseInt(when ?? "0", 16) / 100 };
    });
}

test("dial: keepalive is the time asked for from the start, never libuv's own 60 s", async (t) => {
  if (process.platform !== "linux") return t.skip("reads /proc/net/tcp (Linux)");
  const server = createServer((s) => s.on("error", () => {})).listen(0, "127.0.0.1");
  t.after(() => server.close());
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  const dialing = dial({ host: "127.0.0.1", port, keepAlive: 7000, tls: null });
  // Node connects on the next tick; holding the thread after it, the kernel's handshake is done before Node sees it.
  await new Promise((r) => process.nextTick(r));
  let early: { keepalive: boolean; seconds: number }[] = [];
  for (const deadline = Date.now() + 2000; early.length === 0 && Date.now() < deadline;)
    early = keepAliveTimers(port);
  const { socket } = await dialing;
  t.after(() => socket.destroy());
  assert.equal(early.length, 1);
  assert.ok(!early[0]?.keepalive || (early[0]?.seconds ?? 0) <= 7, JSON.stringify(early));
  const set = keepAliveTimers(port);
  assert.ok(set[0]?.keepalive === true && set[0].seconds <= 7 && set[0].seconds > 1, JSON.stringify(set));
});

test("dial: a refused connect is an EchoError with the system's code", async () => {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  await assert.rejects(dial({ host: "127.0.0.1", port, keepAlive: 0, tls: null }), (err) => {
    assert.ok(err instanceof EchoError);
    assert.equal(err.code, "ECONNREFUSED");
    assert.equal(err.context.operation, "connect");
    return true;
  });
});

test("dial: a server that closes during the TLS handshake is ERR_TLS, said as such", async (t) => {
  const server = createServer((s) => s.destroy()).listen(0, "127.0.0.1");
  t.after(() => server.close());
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  await assert.rejects(dial({ host: "127.0.0.1", port, keepAlive: 0, tls: {} }), (err) => {
    assert.ok(err instanceof EchoError);
    assert.equal(err.code, "ERR_TLS");
    assert.equal(err.context.operation, "tls handshake");
    return true;
  });
});

test("dial: an aborted attempt destroys its socket and rejects", async (t) => {
  const server = createServer().listen(0, "127.0.0.1");
  t.after(() => server.close());
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  const stop = new AbortController();
  let tcp: import("node:net").Socket | undefined;
  // TLS to a server that never answers: the handshake waits until aborted.
  const attempt = dial({
    host: "127.0.0.1",
    port,
    keepAlive: 0,
    tls: {},
    signal: stop.signal,
    onSocket: (s) => {
      tcp = s;
      s.once("connect", () => stop.abort());
    },
  });
  await assert.rejects(attempt);
  assert.equal(tcp?.destroyed, true);
});
