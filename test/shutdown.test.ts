/**
 * `tcpecho serve` stopping behind a load balancer, as a real process (both
 * data paths: the suite runs again with TCPECHO_DATA_PATH=streams). With
 * --shutdown-delay, SIGTERM makes /readyz 503 at once while new clients are
 * still accepted and echoed for the delay; then the listener closes and the
 * old connections drain to the last byte; a second signal forces the stop. A
 * PROXY client that connected before the signal but sends its header after it
 * is still served; one that never finishes it is closed at its header timeout
 * or the drain deadline, whichever comes first.
 */

import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import { once } from "node:events";
import { test } from "node:test";
import { createEchoServer } from "tcpecho";
import {
  needsSignals,
  acceptQueueEmpty,
  randomBytesSeeded,
  rawConnect,
  readAll,
  readN,
  runCli,
  startCliServer,
  stopCli,
  type RunningCli,
} from "./helpers.js";

type Server = RunningCli & { port: number };

/** A server logging JSON, with --metrics on a free port: the server and its /readyz URL. */
async function startJson(args: string[]): Promise<{ srv: Server; readyz: () => Promise<number> }> {
  const srv = await startCliServer([
    "--log-format",
    "json",
    "--data-lines",
    "0",
    "--metrics",
    "127.0.0.1:0",
    ...args,
  ]);
  const line = await srv.waitFor(/"event":"metrics"/);
  const url = `http://127.0.0.1:${/:(\d+)\/metrics/.exec(line)?.[1]}/readyz`;
  return { srv, readyz: async () => (await fetch(url)).status };
}

/** The first logged event of that name, as an object. */
async function event(srv: Server, name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await srv.waitFor(new RegExp(`"event":"${name}"`), 10_000)) as Record<string, unknown>;
}

/** Sends `data`, half-closes, and checks that exactly `data` comes back before the server closes. */
async function echoWhole(s: Socket, data: Buffer, what: string): Promise<void> {
  const all = readAll(s, 20_000);
  s.end(data);
  const got = await all;
  assert.equal(got.length, data.length, `${what}: ${got.length} of ${data.length} bytes`);
  assert.ok(got.equals(data), `${what}: bytes differ`);
}

/** Whether a connection to the port is refused (the listener is closed), within 5 s. */
async function refused(port: number): Promise<boolean> {
  const s = connect({ port, host: "127.0.0.1" });
  const timer = setTimeout(() => s.destroy(new Error("no answer within 5 s")), 5000);
  try {
    await once(s, "connect");
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ECONNREFUSED";
  } finally {
    clearTimeout(timer);
    s.destroy();
  }
}

test(
  "--shutdown-delay: not ready at once, new clients served during the delay, then refused while old ones drain",
  { timeout: 60_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM to start the delay and the drain");
    if (skip) return t.skip(skip);
    // A delay long enough for the checks below to run within it on a loaded machine.
    const { srv, readyz } = await startJson(["--shutdown-delay", "3s", "--drain-timeout", "20s"]);
    try {
      assert.equal(await readyz(), 200);
      // An old connection, mid-transfer: the first half echoed, the second half still to come.
      const oldData = randomBytesSeeded(256 * 1024, 7);
      const half = oldData.length / 2;
      const old = await rawConnect(srv.port);
      const oldAll = readAll(old, 30_000);
      oldAll.catch(() => {}); // awaited below; a failure before then must not go unheard
      old.write(oldData.subarray(0, half));
      await event(srv, "connect");

      srv.proc.kill("SIGTERM");
      const notReady = await event(srv, "not-ready");
      assert.equal(notReady.shutdownDelayMs, 3000);
      assert.equal(await readyz(), 503, "/readyz answers 503 as soon as the signal is taken");

      // During the delay: a new client is accepted and its whole echo comes back.
      const fresh = randomBytesSeeded(128 * 1024, 8);
      const freshClient = await rawConnect(srv.port);
      const freshPort = freshClient.localPort; // unknown once the socket is closed
      await echoWhole(freshClient, fresh, "client connected during the delay");

      // After the delay: the listener closes (new clients refused), the old connection drains.
      const shutdown = await event(srv, "shutdown");
      const waited = Date.parse(String(shutdown.time)) - Date.parse(String(notReady.time));
      assert.ok(waited >= 2990, `the listener closed ${waited} ms after the signal, not after the delay`);
      // The log is in order: the fresh client was accepted before the listener closed.
      const logged = (what: RegExp) => srv.stdout.findIndex((l) => what.test(l));
      const freshAt = logged(new RegExp(`"event":"connect".*"remotePort":${freshPort}\\b`));
      assert.ok(
        freshAt >= 0 && freshAt < logged(/"event":"shutdown"/),
        "the fresh client came during the delay",
      );
      assert.equal(shutdown.open, 1, "only the old connection is left to drain");
      assert.equal(await refused(srv.port), true, "a new client after the delay is refused");
      assert.equal(await readyz(), 503);

      old.end(oldData.subarray(half));
      const got = await oldAll;
      assert.equal(got.length, oldData.length, `old connection: ${got.length} of ${oldData.length} bytes`);
      assert.ok(got.equals(oldData), "old connection: bytes differ");

      assert.equal(await srv.exited, 0);
      const stopped = await event(srv, "stopped");
      assert.equal(stopped.connectionsTotal, 2);
      assert.equal(stopped.cutOff, 0);
      assert.equal(stopped.bytesOut, oldData.length + fresh.length);
    } finally {
      await stopCli(srv);
    }
  },
);

test(
  "--shutdown-delay: a second SIGTERM during the delay forces the stop",
  { timeout: 30_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM to start the delay and the drain");
    if (skip) return t.skip(skip);
    const { srv, readyz } = await startJson(["--shutdown-delay", "20s"]);
    try {
      const s = await rawConnect(srv.port);
      const closed = readAll(s, 10_000).catch(() => Buffer.alloc(0)); // a reset is as good as a FIN here
      s.write("still here\n");
      await readN(s, "still here\n".length);
      srv.proc.kill("SIGTERM");
      await event(srv, "not-ready");
      assert.equal(await readyz(), 503);
      srv.proc.kill("SIGTERM");
      const forced = await event(srv, "shutdown");
      assert.equal(
        forced.forced,
        true,
        "the forced stop is the only shutdown line: the delay never ended by itself",
      );
      // Long before the 20 s delay would have ended (the test's own timeout is 30 s).
      const code = await Promise.race([
        srv.exited,
        new Promise((r) => setTimeout(() => r("still running 10 s after the second signal"), 10_000)),
      ]);
      assert.equal(code, 0);
      const shutdowns = srv.stdout.filter((l) => l.includes('"event":"shutdown"'));
      assert.equal(shutdowns.length, 1, `one shutdown line, the forced one: ${shutdowns.join("\n")}`);
      await closed;
      assert.ok(s.readableEnded || s.destroyed, "the client's connection is closed");
    } finally {
      await stopCli(srv);
    }
  },
);

test(
  "a PROXY client that sends its header only after SIGTERM is still served",
  { timeout: 30_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM to start the delay and the drain");
    if (skip) return t.skip(skip);
    const srv = await startCliServer([
      "--proxy-protocol",
      "v1",
      "--drain-timeout",
      "2s",
      "--log-format",
      "json",
      "--data-lines",
      "0",
    ]);
    try {
      const header = "PROXY TCP4 203.0.113.7 127.0.0.1 51234 9000\r\n";
      // Connected and accepted, but only part of its header sent when the signal comes.
      const late = await rawConnect(srv.port);
      late.write(header.slice(0, 10));
      // One that never finishes its header: closed at the drain deadline, not kept forever.
      const silent = await rawConnect(srv.port);
      const silentClosed = readAll(silent, 20_000).catch(() => Buffer.alloc(0));
      await acceptQueueEmpty(srv.port); // both accepted: not reset when the listener closes
      srv.proc.kill("SIGTERM");
      await event(srv, "shutdown");

      const data = randomBytesSeeded(64 * 1024, 9);
      const all = readAll(late, 20_000);
      late.end(Buffer.concat([Buffer.from(header.slice(10)), data]));
      const got = await all;
      assert.equal(got.length, data.length, `late PROXY client: ${got.length} of ${data.length} bytes`);
      assert.ok(got.equals(data), "late PROXY client: bytes differ");
      const connect = await event(srv, "connect");
      assert.equal(connect.remoteAddress, "203.0.113.7", "served as the client its header names");

      // The silent one holds the drain until its 2 s deadline, then it is closed and the server exits.
      assert.equal(await silentClosed.then(() => srv.exited), 0);
      const stopped = await event(srv, "stopped");
      assert.equal(stopped.connectionsTotal, 1);
      assert.equal(stopped.bytesOut, data.length);
    } finally {
      await stopCli(srv);
    }
  },
);

test("--shutdown-delay in the text log: what happens, then the drain", { timeout: 30_000 }, async (t) => {
  const skip = needsSignals("SIGTERM to start the delay and the drain");
  if (skip) return t.skip(skip);
  const srv = await startCliServer(["--shutdown-delay", "300ms"]);
  try {
    srv.proc.kill("SIGTERM");
    await srv.waitFor(
      /stopping: not ready \(\/readyz answers 503\); still accepting for 300 ms, then draining/,
    );
    await srv.waitFor(/stopping: no longer accepting connections/);
    assert.equal(await srv.exited, 0);
  } finally {
    await stopCli(srv);
  }
});

test(
  "--shutdown-delay under --workers: every worker still serves during the delay",
  { timeout: 60_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM to start the delay and the drain");
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--workers", "2", "--shutdown-delay", "3s", "--log-format", "json"]);
    try {
      for (const id of [1, 2]) await srv.waitFor(new RegExp(`"event":"start".*"worker":${id},`));
      // At once: a signal that comes while a worker still starts is held, not lost.
      srv.proc.kill("SIGTERM");
      // Each worker takes the primary's SIGTERM and says it.
      for (const id of [1, 2]) await srv.waitFor(new RegExp(`"event":"not-ready".*"worker":${id},`));
      const data = randomBytesSeeded(32 * 1024, 10);
      await echoWhole(await rawConnect(srv.port), data, "client connected during the delay");
      assert.equal(await srv.exited, 0);
    } finally {
      await stopCli(srv);
    }
  },
);

test("a bad --shutdown-delay or shutdownDelay: one line and exit 2, or ERR_INVALID_OPTION", async () => {
  for (const value of ["soon", "-1s"]) {
    const r = await runCli(["serve", "--shutdown-delay", value]);
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? "", new RegExp(`--shutdown-delay .*'${value}'`));
  }
  for (const shutdownDelay of [-1, NaN, 2 ** 31]) {
    assert.throws(() => createEchoServer({ shutdownDelay }), { code: "ERR_INVALID_OPTION" });
  }
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  await server.listen();
  // Checked before anything is closed, as drainTimeout is.
  assert.throws(() => server.close({ shutdownDelay: -5 }), { code: "ERR_INVALID_OPTION" });
  assert.equal(server.draining, false);
  await server.close();
});

test("close(): a client still sending its PROXY header is closed at its header timeout, not kept to the drain deadline", async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0, proxyProtocol: "v1", proxyTimeout: 300 });
  const errors: string[] = [];
  server.on("proxyError", (_peer, e) => errors.push(e.message));
  const { port } = await server.listen();
  const slow = await rawConnect(port);
  const closed = readAll(slow, 30_000).catch(() => Buffer.alloc(0));
  slow.write("PROXY TCP4 192.0.2");
  await acceptQueueEmpty(port); // accepted, its header pending: not reset when the listener closes
  const t0 = Date.now();
  // A drain deadline far from the header timeout, so that a loaded machine cannot blur the two.
  const stats = await server.close({ drainTimeout: 20_000 });
  const waited = Date.now() - t0;
  assert.ok(waited < 10_000, `close took ${waited} ms: the header timeout (300 ms) should have ended it`);
  assert.equal((await closed).length, 0, "nothing echoed to a client without its header");
  assert.match(errors[0] ?? "", /within 300 ms/);
  assert.equal(stats.connectionsTotal, 0);
});

test(
  "--shutdown-delay with --udp: datagrams are echoed through the delay too",
  { timeout: 30_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM to start the delay and the drain");
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--udp", "--shutdown-delay", "3s", "--log-format", "json"]);
    const client = createSocket("udp4");
    try {
      await srv.waitFor(/"event":"udp-start"/);
      srv.proc.kill("SIGTERM");
      await srv.waitFor(/"event":"not-ready"/);
      const reply = once(client, "message");
      client.send("still echoing", srv.port, "127.0.0.1");
      const timer = setTimeout(() => client.emit("error", new Error("no UDP echo within 3 s")), 3000);
      const [message] = (await reply) as [Buffer];
      clearTimeout(timer);
      assert.equal(message.toString(), "still echoing");
      assert.equal(await srv.exited, 0);
      const udpStopped = JSON.parse(await srv.waitFor(/"event":"udp-stopped"/)) as { datagramsOut: number };
      assert.equal(udpStopped.datagramsOut, 1);
    } finally {
      client.close();
      await stopCli(srv);
    }
  },
);
