/**
 * Limits and access rules over real sockets (run on both data paths by npm
 * test). Other client addresses come from binding to 127.0.0.2 and
 * 127.0.0.3, which Linux's loopback answers for.
 */

import assert from "node:assert/strict";
import { once } from "node:events";
import type { Socket } from "node:net";
import { test } from "node:test";
import { createEchoServer, type EchoServerOptions, type RefusedInfo } from "tcpecho";
import { rawConnect, readAll, readN, sleep, startCliServer, stopCli } from "./helpers.js";

async function started(options: EchoServerOptions) {
  const server = createEchoServer({ host: "127.0.0.1", port: 0, ...options });
  const { port } = await server.listen();
  const refused: RefusedInfo[] = [];
  server.on("refused", (r) => refused.push(r));
  return { server, port, refused };
}

async function echoes(s: Socket, text: string): Promise<void> {
  s.write(text);
  assert.equal((await readN(s, text.length)).toString(), text);
}

/** Resolves once the server has closed `s` without sending anything back. */
async function closedUnread(s: Socket, sent = "refused?"): Promise<void> {
  s.on("error", () => {}); // a reset is as good as a FIN here
  s.write(sent);
  const got = await readAll(s).catch(() => Buffer.alloc(0));
  assert.equal(got.length, 0, "a refused client got an echo");
}

const other = async (t: { skip(msg: string): void }, port: number, address: string) => {
  try {
    return await rawConnect(port, "127.0.0.1", address);
  } catch (e) {
    t.skip(`cannot bind ${address} here: ${(e as Error).message}`);
    return undefined;
  }
};

test(
  "--max-connections: clients past the limit are closed at once; those within keep echoing",
  { timeout: 15_000 },
  async () => {
    const { server, port, refused } = await started({ maxConnections: 2 });
    const a = await rawConnect(port);
    const b = await rawConnect(port);
    await echoes(a, "a1");
    await echoes(b, "b1");
    const c = await rawConnect(port);
    await closedUnread(c);
    assert.equal(refused.length, 1);
    assert.equal(refused[0]?.reason, "max-connections");
    assert.equal(refused[0]?.remotePort, c.localPort);
    await echoes(a, "a2");
    await echoes(b, "b2");
    // A place frees up when a client leaves (once the server has seen it go).
    const left = once(server, "disconnect");
    a.end();
    await readAll(a);
    await left;
    const d = await rawConnect(port);
    await echoes(d, "d1");
    d.end();
    b.end();
    await Promise.all([readAll(b), readAll(d)]);
    const stats = await server.close();
    assert.equal(stats.refused["max-connections"], 1);
    assert.equal(stats.connectionsTotal, 3);
  },
);

test("--max-per-ip: counted per source address", { timeout: 15_000 }, async (t) => {
  const { server, port, refused } = await started({ maxPerIp: 1 });
  const a = await rawConnect(port);
  await echoes(a, "a");
  const second = await rawConnect(port);
  await closedUnread(second);
  assert.deepEqual(
    refused.map((r) => [r.remoteAddress, r.reason]),
    [["127.0.0.1", "max-per-ip"]],
  );
  const elsewhere = await other(t, port, "127.0.0.2");
  if (elsewhere !== undefined) {
    await echoes(elsewhere, "from .2");
    elsewhere.destroy();
  }
  await echoes(a, "still");
  a.destroy();
  await server.destroy();
});

test(
  "--allow / --deny: deny wins, an allow list admits only its ranges; refused clients are never echoed",
  { timeout: 15_000 },
  async (t) => {
    {
      const { server, port, refused } = await started({ allow: ["127.0.0.0/8"], deny: ["127.0.0.2/32"] });
      const ok = await rawConnect(port);
      await echoes(ok, "allowed");
      const denied = await other(t, port, "127.0.0.2");
      if (denied !== undefined) {
        await closedUnread(denied);
        assert.deepEqual(
          refused.map((r) => [r.remoteAddress, r.reason]),
          [["127.0.0.2", "denied"]],
        );
      }
      ok.destroy();
      await server.destroy();
    }
    {
      const { server, port, refused } = await started({ allow: ["127.0.0.3"] });
      const outside = await rawConnect(port);
      await closedUnread(outside);
      assert.equal(refused[0]?.reason, "denied");
      const inside = await other(t, port, "127.0.0.3");
      if (inside !== undefined) {
        await echoes(inside, "listed");
        inside.destroy();
      }
      const stats = await server.destroy();
      assert.equal(stats.refused.denied, 1);
    }
  },
);

test("--deny with IPv6: ::1 refused by a ::1/128 rule", { timeout: 15_000 }, async (t) => {
  const server = createEchoServer({ host: "::1", port: 0, deny: ["::1/128"] });
  try {
    await server.listen();
  } catch (e) {
    t.skip(`no IPv6 loopback here: ${(e as Error).message}`);
    return;
  }
  const reasons: string[] = [];
  server.on("refused", (r) => reasons.push(`${r.remoteFamily} ${r.remoteAddress} ${r.reason}`));
  const s = await rawConnect(server.address().port, "::1");
  await closedUnread(s);
  assert.deepEqual(reasons, ["IPv6 ::1 denied"]);
  await server.close();
});

test(
  "--idle-timeout: an idle connection is closed about then; traffic resets the clock",
  { timeout: 30_000 },
  async () => {
    // A timeout far above the pauses between the busy client's ticks, so that a slow machine does not
    // make it idle; "about then" is the timeout plus a few sweeps, with room for a slow machine too.
    const timeout = 1000;
    const slack = 3000;
    const { server, port } = await started({ idleTimeout: timeout });
    const reasons: string[] = [];
    server.on("disconnect", (d) => reasons.push(d.reason));
    const t0 = Date.now(); // before the connect: the server counts idle time from its accept
    const idle = await rawConnect(port);
    const busy = await rawConnect(port);
    let idleAfter: number | undefined;
    const idleClosed = readAll(idle).then(() => (idleAfter = Date.now() - t0));
    // busy talks every 100 ms until idle is closed and for two timeouts in all: never idle for one.
    while (idleAfter === undefined || Date.now() - t0 < 2 * timeout) {
      assert.ok(Date.now() - t0 < timeout + slack, "the idle connection was not closed");
      await echoes(busy, "tick");
      await sleep(100);
    }
    const closedAfter = await idleClosed;
    assert.ok(closedAfter >= timeout - 20, `idle connection closed after ${closedAfter} ms`);
    assert.equal(busy.readyState, "open", "the busy connection was closed");
    const busyClosed = Date.now();
    await readAll(busy);
    const busyAfter = Date.now() - busyClosed;
    assert.ok(busyAfter < timeout + slack, `busy connection closed ${busyAfter} ms after going quiet`);
    const stats = await server.close(); // after the last 'disconnect'
    assert.deepEqual(reasons, ["idle", "idle"]);
    assert.equal(stats.idle, 2);
  },
);

test("CLI: refused clients are logged in one line each, with the limit", { timeout: 15_000 }, async () => {
  const srv = await startCliServer(["--max-connections", "1"]);
  try {
    const a = await rawConnect(srv.port);
    await echoes(a, "in");
    const b = await rawConnect(srv.port);
    const bPort = b.localPort;
    await closedUnread(b);
    await srv.waitFor(
      new RegExp(
        `^\\[TCP server\\] client refused: IP address=127\\.0\\.0\\.1, port=${bPort} \\(already serving 1 client, the --max-connections limit; closed without reading\\)$`,
      ),
    );
    await echoes(a, "still in");
    a.end();
    await once(a, "end");
  } finally {
    await stopCli(srv);
  }
});
