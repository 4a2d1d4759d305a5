/** UDP echo (`serve --udp`) as a library, over real datagram sockets on loopback. */

import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { test, type TestContext } from "node:test";
import {
  EchoError,
  createUdpEchoServer,
  type UdpDropReason,
  type UdpEchoOptions,
  type UdpEchoServer,
  type UdpEchoStats,
} from "tcpecho";
import { randomBytesSeeded, sleep } from "./helpers.js";

/** A datagram client that queues what it receives, with bounded waits. */
interface Client {
  socket: Socket;
  port: number;
  send(data: Buffer): Promise<void>;
  /** The next datagram received, or a rejection after `ms`. */
  next(ms?: number): Promise<Buffer>;
  /** Waits `ms` and returns everything received meanwhile (and before, unread). */
  drain(ms: number): Promise<Buffer[]>;
  /** The next `n` datagrams received, in order (each within `next`'s bound). */
  take(n: number): Promise<Buffer[]>;
  close(): Promise<void>;
}

async function client(serverPort: number, host = "127.0.0.1", localPort = 0): Promise<Client> {
  const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
  const inbox: Buffer[] = [];
  let waiter: ((b: Buffer) => void) | undefined;
  socket.on("message", (b: Buffer) => {
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(b);
    } else inbox.push(b);
  });
  socket.on("error", () => {}); // a test failure shows as a missing reply, not a crash
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(localPort, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  const c: Client = {
    socket,
    port: socket.address().port,
    send: (data) =>
      new Promise((resolve, reject) =>
        socket.send(data, serverPort, host, (err) => (err ? reject(err) : resolve())),
      ),
    next(ms = 2000) {
      const queued = inbox.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(new Error(`no datagram within ${ms} ms`));
        }, ms);
        waiter = (b) => {
          clearTimeout(timer);
          resolve(b);
        };
      });
    },
    async drain(ms) {
      await sleep(ms);
      return inbox.splice(0);
    },
    async take(n) {
      const got: Buffer[] = [];
      while (got.length < n) got.push(await c.next());
      return got;
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  return c;
}

/** Binds a client to a fixed (privileged) port, or returns why it cannot be done here. */
async function clientOn(serverPort: number, localPort: number): Promise<Client | string> {
  try {
    return await client(serverPort, "127.0.0.1", localPort);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "EACCES" || code === "EPERM" || code === "EADDRINUSE")
      return `cannot bind UDP port ${localPort} here (${code}; needs root and a free port); skipping`;
    throw err;
  }
}

async function started(
  options: Partial<UdpEchoOptions> = {},
): Promise<{ server: UdpEchoServer; port: number }> {
  const server = createUdpEchoServer({ host: "127.0.0.1", port: 0, ...options });
  const { port } = await server.listen();
  return { server, port };
}

/** Polls until `done()` holds, at most `ms` (every 10 ms, so a bounded number of times). */
async function until(done: () => boolean, ms = 10_000): Promise<void> {
  for (let i = 0; i < ms / 10; i++) {
    if (done()) return;
    await sleep(10);
  }
  assert.ok(done(), `condition not met within ${ms} ms`);
}

function dropSum(stats: UdpEchoStats): number {
  return Object.values(stats.dropped).reduce((a, b) => a + b, 0);
}

function assertBalanced(stats: UdpEchoStats): void {
  assert.equal(stats.datagramsIn, stats.datagramsOut + dropSum(stats), JSON.stringify(stats));
}

async function ipv6Loopback(): Promise<boolean> {
  const s = createSocket("udp6");
  try {
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.bind(0, "::1", () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    try {
      s.close();
    } catch {
      // never bound
    }
  }
}

test("echoes small, empty and maximal datagrams byte for byte", { timeout: 15_000 }, async () => {
  const { server, port } = await started();
  const c = await client(port);
  const sizes = [1, 5, 0, 1400, 9000, 60_000, 65_507]; // 65,507: the largest IPv4 UDP payload
  let bytes = 0;
  for (const [i, size] of sizes.entries()) {
    const data = randomBytesSeeded(size, i + 1);
    await c.send(data);
    const reply = await c.next();
    assert.equal(reply.length, size, `reply to ${size} bytes has ${reply.length}`);
    assert.ok(reply.equals(data), `reply to ${size} bytes differs`);
    bytes += size;
  }
  await c.close();
  const stats = await server.close();
  assert.equal(stats.datagramsIn, sizes.length);
  assert.equal(stats.datagramsOut, sizes.length);
  assert.equal(stats.bytesIn, bytes);
  assert.equal(stats.bytesOut, bytes);
  assert.equal(dropSum(stats), 0);
});

test(
  "many datagrams from a few clients at once, each echoed to its sender",
  { timeout: 15_000 },
  async () => {
    // Defaults: 3 × 40 = 120 datagrams from 127.0.0.1 stay within the burst of 200.
    const { server, port } = await started();
    const echoed: string[] = [];
    server.on("datagram", (address, p, data) => echoed.push(`${address}:${p}:${data.length}`));
    const clients = await Promise.all([1, 2, 3].map(() => client(port)));
    await Promise.all(
      clients.map(async (c, ci) => {
        // One in flight per client, so the server's receive buffer never overflows.
        for (let i = 0; i < 40; i++) {
          const data = randomBytesSeeded(1 + ((i * 997 + ci * 131) % 4000), ci * 1000 + i + 1);
          await c.send(data);
          const reply = await c.next();
          assert.ok(reply.equals(data), `client ${ci}, datagram ${i}: reply differs`);
        }
      }),
    );
    await Promise.all(clients.map((c) => c.close()));
    const stats = await server.close();
    assert.equal(stats.datagramsIn, 120);
    assert.equal(stats.datagramsOut, 120);
    assert.equal(stats.bytesIn, stats.bytesOut);
    assert.equal(echoed.length, 120);
    for (const c of clients)
      assert.equal(echoed.filter((e) => e.startsWith(`127.0.0.1:${c.port}:`)).length, 40);
  },
);

test("echoes over IPv6 on ::1", { timeout: 15_000 }, async (t: TestContext) => {
  if (!(await ipv6Loopback())) {
    const reason = "::1 is not available here (no IPv6 loopback); skipping";
    console.log(`# ${reason}`);
    t.skip(reason);
    return;
  }
  const server = createUdpEchoServer({ host: "::1", port: 0, ipv6Only: true });
  const address = await server.listen();
  assert.equal(address.family, "IPv6");
  assert.equal(address.host, "::1");
  const c = await client(address.port, "::1");
  for (const [i, size] of [3, 1200, 60_000].entries()) {
    const data = randomBytesSeeded(size, 100 + i);
    await c.send(data);
    const reply = await c.next();
    assert.equal(reply.length, size);
    assert.ok(reply.equals(data));
  }
  await c.close();
  const stats = await server.close();
  assert.equal(stats.datagramsOut, 3);
});

for (const servicePort of [7, 19]) {
  test(
    `a datagram from source port ${servicePort} gets no reply (service loop)`,
    { timeout: 15_000 },
    async (t: TestContext) => {
      const { server, port } = await started();
      const drops: [string, number, UdpDropReason][] = [];
      server.on("dropped", (a, p, r) => drops.push([a, p, r]));
      const c = await clientOn(port, servicePort);
      if (typeof c === "string") {
        console.log(`# ${c}`);
        await server.close();
        t.skip(c);
        return;
      }
      await c.send(Buffer.from("loop?"));
      await c.send(Buffer.from("loop again?"));
      assert.deepEqual(await c.drain(200), []);
      await c.close();
      // An ordinary port is still echoed.
      const ok = await client(port);
      await ok.send(Buffer.from("hello"));
      assert.equal((await ok.next()).toString(), "hello");
      await ok.close();
      const stats = await server.close();
      assert.equal(stats.dropped["service-port"], 2);
      assert.equal(stats.datagramsOut, 1);
      assert.deepEqual(drops, [
        ["127.0.0.1", servicePort, "service-port"],
        ["127.0.0.1", servicePort, "service-port"],
      ]);
      assertBalanced(stats);
    },
  );
}

test(
  "rate limit: a burst, then drops, then replies again once tokens refill",
  { timeout: 15_000 },
  async () => {
    const { server, port } = await started({ ratePerSource: 10, burstPerSource: 5 });
    const c = await client(port);
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) await c.send(Buffer.from(`n${i}`));
    await until(() => server.stats().datagramsIn === 50);
    const took = performance.now() - t0;
    const replies = await c.take(server.stats().datagramsOut);
    // 5 from the burst, plus one per 100 ms the sending took (normally none or one; more on a slow machine).
    const most = 5 + Math.ceil(took / 100);
    assert.ok(replies.length >= 5 && replies.length <= most, `${replies.length} replies in ${took} ms`);
    assert.equal(server.stats().dropped["rate-limit"], 50 - replies.length);
    assert.deepEqual(
      replies.slice(0, 5).map((b) => b.toString()),
      ["n0", "n1", "n2", "n3", "n4"],
    );
    assert.equal(server.trackedSources, 1);
    await sleep(350); // three tokens at 10/s
    await c.send(Buffer.from("again"));
    assert.equal((await c.next()).toString(), "again");
    await c.close();
    const stats = await server.close();
    assert.equal(stats.datagramsOut, replies.length + 1);
    assertBalanced(stats);
  },
);

test(
  "rate limit: the source table is bounded; new sources wait for a slot",
  { timeout: 15_000 },
  async (t) => {
    // Two sources on one host: 127.0.0.1 and ::1, on a dual-stack socket with a single slot.
    if (!(await ipv6Loopback())) {
      t.skip("no IPv6 here for a second loopback source; skipping");
      return;
    }
    // One datagram each 2 s: 127.0.0.1's bucket stays short of full long enough for ::1 to find the table full.
    const server = createUdpEchoServer({
      host: "::",
      port: 0,
      ratePerSource: 0.5,
      burstPerSource: 1,
      maxSources: 1,
    });
    const { port } = await server.listen();
    const a = await client(port);
    await a.send(Buffer.from("a"));
    assert.equal((await a.next()).toString(), "a");
    const answered = performance.now(); // after its arrival
    assert.equal(server.trackedSources, 1);
    const b = await client(port, "::1");
    await b.send(Buffer.from("b"));
    await until(() => server.stats().datagramsIn === 2);
    assert.equal(server.stats().dropped["rate-limit"], 1, "a new source is dropped while the table is full");
    // 127.0.0.1's bucket is full again 2 s after its last datagram: forgetting it loses nothing.
    await sleep(answered + 2050 - performance.now());
    await b.send(Buffer.from("b2"));
    assert.equal((await b.next()).toString(), "b2");
    assert.equal(server.trackedSources, 1);
    await b.close();
    await a.close();
    const stats = await server.close();
    assert.equal(stats.dropped["rate-limit"], 1);
    assertBalanced(stats);
  },
);

test("IPv4-mapped senders share the IPv4 address's bucket and rules", { timeout: 15_000 }, async (t) => {
  if (!(await ipv6Loopback())) {
    t.skip("no IPv6 here for a dual-stack socket; skipping");
    return;
  }
  const seen: string[] = [];
  const server = createUdpEchoServer({
    host: "::",
    port: 0,
    ratePerSource: 1,
    burstPerSource: 1,
    permits: (address) => {
      seen.push(address);
      return true;
    },
  });
  const { port } = await server.listen();
  const c = await client(port); // IPv4 client: arrives as ::ffff:127.0.0.1 on the dual-stack socket
  const received: string[] = [];
  server.on("datagram", (address) => received.push(address));
  await c.send(Buffer.from("one"));
  assert.equal((await c.next()).toString(), "one");
  await c.send(Buffer.from("two"));
  assert.deepEqual(await c.drain(150), []);
  await c.close();
  const stats = await server.close();
  assert.deepEqual(seen, ["127.0.0.1", "127.0.0.1"]);
  assert.equal(stats.dropped["rate-limit"], 1);
  assert.match(received[0] ?? "", /^(::ffff:)?127\.0\.0\.1$/);
});

test("permits returning false: no reply, counted as denied", { timeout: 15_000 }, async () => {
  let allow = false;
  const { server, port } = await started({ permits: () => allow });
  const drops: UdpDropReason[] = [];
  server.on("dropped", (_a, _p, reason) => drops.push(reason));
  const c = await client(port);
  await c.send(Buffer.from("may I?"));
  await c.send(Buffer.from("please?"));
  assert.deepEqual(await c.drain(200), []);
  assert.equal(server.trackedSources, 0, "a denied source takes no slot");
  allow = true;
  await c.send(Buffer.from("now"));
  assert.equal((await c.next()).toString(), "now");
  await c.close();
  const stats = await server.close();
  assert.equal(stats.dropped.denied, 2);
  assert.deepEqual(drops, ["denied", "denied"]);
  assert.equal(stats.datagramsOut, 1);
  assertBalanced(stats);
});

test("listen on a UDP port already taken rejects with EADDRINUSE", { timeout: 15_000 }, async () => {
  const holder = createSocket("udp4");
  await new Promise<void>((resolve) => holder.bind(0, "127.0.0.1", () => resolve()));
  const taken = holder.address().port;
  const server = createUdpEchoServer({ host: "127.0.0.1", port: taken });
  await assert.rejects(server.listen(), (err: unknown) => {
    assert.ok(err instanceof EchoError);
    assert.equal(err.code, "EADDRINUSE");
    assert.equal(err.context.port, taken);
    assert.equal(err.context.operation, "listen");
    return true;
  });
  const stats = await server.close(); // closing after a failed listen is harmless
  assert.equal(stats.datagramsIn, 0);
  await new Promise<void>((resolve) => holder.close(() => resolve()));
});

test("bad options throw ERR_INVALID_OPTION / ERR_INVALID_PORT", { timeout: 5000 }, () => {
  const code = (fn: () => unknown, expected: string) =>
    assert.throws(fn, (err: unknown) => err instanceof EchoError && err.code === expected);
  code(() => createUdpEchoServer({ host: "127.0.0.1", port: 70_000 }), "ERR_INVALID_PORT");
  code(() => createUdpEchoServer({ host: "127.0.0.1", port: 0, ratePerSource: -1 }), "ERR_INVALID_OPTION");
  code(() => createUdpEchoServer({ host: "127.0.0.1", port: 0, burstPerSource: 0 }), "ERR_INVALID_OPTION");
  code(() => createUdpEchoServer({ host: "127.0.0.1", port: 0, maxSources: 0 }), "ERR_INVALID_OPTION");
});

test("a sender that vanished before its reply does not stop the server", { timeout: 15_000 }, async () => {
  const { server, port } = await started();
  const gone = await client(port);
  await gone.send(Buffer.from("bye"));
  await gone.close(); // the reply meets a closed port (ICMP port unreachable)
  await until(() => server.stats().datagramsIn === 1);
  await sleep(50);
  const c = await client(port);
  await c.send(Buffer.from("still there?"));
  assert.equal((await c.next()).toString(), "still there?");
  await c.close();
  assertBalanced(await server.close());
});

test("close() resolves with stats that add up, and emits close", { timeout: 15_000 }, async () => {
  let allow = true;
  const { server, port } = await started({ ratePerSource: 5, burstPerSource: 3, permits: () => allow });
  const closed = once(server, "close");
  const c = await client(port);
  const t0 = performance.now();
  for (let i = 0; i < 6; i++) await c.send(Buffer.alloc(100, i)); // 3 echoed, 3 rate-limited
  await until(() => server.stats().datagramsIn === 6); // permits() is asked on arrival
  const took = performance.now() - t0;
  allow = false;
  await c.send(Buffer.alloc(10)); // denied
  await until(() => server.stats().datagramsIn === 7);
  const replies = await c.take(server.stats().datagramsOut);
  await c.close();
  const stats = await server.close();
  assert.deepEqual(await closed, [stats]);
  assertBalanced(stats);
  assert.equal(stats.datagramsIn, 7);
  assert.equal(stats.datagramsOut, replies.length);
  // One more token each 200 ms the sending took (normally none or one).
  assert.ok(replies.length >= 3 && replies.length <= 3 + Math.ceil(took / 200), `${replies.length} replies`);
  assert.equal(stats.dropped.denied, 1);
  assert.equal(stats.dropped["rate-limit"], 6 - replies.length);
  assert.equal(stats.bytesIn, 610);
  assert.equal(stats.bytesOut, 100 * replies.length);
  assert.equal(stats.sendErrors, 0);
  assert.equal(await server.close(), stats, "a second close() returns the same result");
});

test("close() before listen() and listen() twice", { timeout: 5000 }, async () => {
  const idle = createUdpEchoServer({ host: "127.0.0.1", port: 0 });
  assert.equal((await idle.close()).datagramsIn, 0);
  await assert.rejects(idle.listen());
  const { server } = await started();
  await assert.rejects(server.listen());
  await server.close();
});
