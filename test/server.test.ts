/** The echo server as a library, over real sockets on loopback. */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { createEchoServer, EchoError, echoDataPath, type DisconnectInfo, type EchoServer } from "tcpecho";
import { portHolderCommand } from "../src/net/error-text.js";
import { rawConnect, readAll, readN, randomBytesSeeded, sleep, TLS_FIXTURE, waitUntil } from "./helpers.js";

async function started(
  options: Parameters<typeof createEchoServer>[0] = {},
): Promise<{ server: EchoServer; port: number }> {
  const server = createEchoServer({ host: "127.0.0.1", port: 0, ...options });
  const { port } = await server.listen();
  return { server, port };
}

/** Writes `data` in random-sized chunks with occasional pauses. */
async function writeChunked(socket: import("node:net").Socket, data: Buffer, seed: number): Promise<void> {
  let at = 0;
  let x = seed;
  while (at < data.length) {
    x = (x * 1103515245 + 12345) >>> 0;
    const n = 1 + (x % 9000);
    const ok = socket.write(data.subarray(at, at + n));
    at += n;
    if (!ok) await once(socket, "drain");
    if (x % 7 === 0) await sleep(1);
  }
}

test("echoes every byte in order to many clients at once", { timeout: 30_000 }, async () => {
  const { server, port } = await started();
  const clients = 40;
  const size = 256 * 1024;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      const data = randomBytesSeeded(size, i + 1);
      const s = await rawConnect(port);
      const back = readAll(s);
      await writeChunked(s, data, i + 7);
      s.end();
      const got = await back;
      assert.equal(got.length, data.length, `client ${i}: length`);
      assert.ok(got.equals(data), `client ${i}: bytes differ`);
    }),
  );
  const stats = await server.close();
  assert.equal(stats.connectionsTotal, clients);
  assert.equal(stats.bytesIn, clients * size);
  assert.equal(stats.bytesOut, clients * size);
  assert.equal(stats.connectionsOpen, 0);
});

test(
  "half-close: after the client's FIN the server sends back all it holds, then closes",
  { timeout: 20_000 },
  async () => {
    const { server, port } = await started();
    const data = randomBytesSeeded(300 * 1024, 42);
    const s = await rawConnect(port);
    // Do not read until everything is sent and the FIN is out: the server must hold on.
    s.pause();
    s.end(data);
    await sleep(100);
    s.resume();
    const got = await readAll(s);
    assert.ok(got.equals(data));
    await once(s, "close");
    await server.close();
  },
);

test(
  "backpressure: a client that never reads stops the server reading from it",
  { timeout: 30_000 },
  async () => {
    const { server, port } = await started();
    const s = await rawConnect(port);
    s.pause(); // never read
    const chunk = randomBytesSeeded(64 * 1024, 3);
    let offered = 0;
    // Offer until 32 MB wait in this process: the kernel takes no more, so the server stopped reading.
    for (const end = Date.now() + 20_000; s.writableLength <= 32 * 1024 * 1024;) {
      assert.ok(
        Date.now() < end && offered < 512 * 1024 * 1024,
        `the kernel took all of ${offered} bytes: the server never stopped reading`,
      );
      s.write(chunk);
      offered += chunk.length;
      await sleep(0);
    }
    // Until the server's count stops moving (it reads what the kernel still held for it, then stalls).
    let held = -1;
    await waitUntil("the server stops reading", () => {
      const last = held;
      held = server.stats().bytesIn;
      return held === last;
    });
    // What the server took is bounded by socket buffers plus one chunk, not by what was offered.
    assert.ok(held < 64 * 1024 * 1024, `server read ${held} bytes from a client that never reads`);
    assert.ok(
      offered - held > 16 * 1024 * 1024,
      `the client was never held back (offered ${offered}, server read ${held})`,
    );
    await sleep(300);
    assert.ok(
      server.stats().bytesIn - held < 1024 * 1024,
      "the server kept reading while the client did not read",
    );
    // Once the client reads, everything comes back, in order.
    s.end();
    s.resume();
    const got = await readAll(s, 60_000);
    assert.equal(got.length, offered);
    for (let i = 0; i < got.length; i += chunk.length) {
      assert.ok(got.subarray(i, i + chunk.length).equals(chunk), `differs in chunk at ${i}`);
    }
    await server.close();
  },
);

test(
  "events: connection, data and disconnect carry the client's address and byte counts",
  { timeout: 10_000 },
  async () => {
    const { server, port } = await started();
    const seen: string[] = [];
    let info: DisconnectInfo | undefined;
    server.on("connection", (c) => seen.push(`connect ${c.remoteAddress}:${c.remotePort}`));
    server.on("data", (_c, chunk) => seen.push(`data ${chunk.toString()}`));
    const gone = new Promise<void>((r) =>
      server.on("disconnect", (d) => {
        info = d;
        r();
      }),
    );
    const s = await rawConnect(port);
    const localPort = s.localPort;
    s.write("hello");
    assert.equal((await readN(s, 5)).toString(), "hello");
    s.end();
    await readAll(s);
    await gone;
    assert.deepEqual(seen, [`connect 127.0.0.1:${localPort}`, "data hello"]);
    assert.ok(info);
    assert.equal(info.remoteAddress, "127.0.0.1");
    assert.equal(info.remotePort, localPort);
    assert.equal(info.bytesIn, 5);
    assert.equal(info.bytesOut, 5);
    assert.equal(info.reason, "end");
    assert.ok(info.durationMs >= 0);
    await server.close();
  },
);

test("a reset client is counted as a reset, and the server keeps serving", { timeout: 10_000 }, async () => {
  const { server, port } = await started();
  const gone = once(server, "disconnect");
  const s = await rawConnect(port);
  s.write("x");
  await readN(s, 1);
  s.resetAndDestroy();
  const [d] = (await gone) as [DisconnectInfo];
  assert.equal(d.reason, "reset");
  const t = await rawConnect(port);
  t.end("still here");
  assert.equal((await readAll(t)).toString(), "still here");
  assert.equal(server.stats().resets, 1);
  await server.close();
});

test(
  "graceful close lets a connection mid-echo finish and stops accepting",
  { timeout: 20_000 },
  async () => {
    const { server, port } = await started();
    const data = randomBytesSeeded(4 * 1024 * 1024, 9);
    const s = await rawConnect(port);
    const back = readAll(s);
    const echoing = once(s, "data");
    s.write(data.subarray(0, 1024 * 1024));
    await echoing; // accepted, and mid-echo
    const closing = server.close({ drainTimeout: 10_000 });
    assert.equal(server.draining, true);
    // New clients are refused while draining.
    await assert.rejects(rawConnect(port), /ECONNREFUSED/);
    // The open connection goes on to the end.
    await writeChunked(s, data.subarray(1024 * 1024), 5);
    s.end();
    const got = await back;
    assert.ok(got.equals(data));
    const stats = await closing;
    assert.equal(stats.cutOff, 0);
    assert.equal(stats.bytesOut, data.length);
  },
);

test(
  "'draining' comes once the listener is closed: a client that connects then is refused, not reset",
  { timeout: 30_000 },
  async () => {
    const { server, port } = await started();
    let seen = "";
    server.once("draining", () => {
      // A client connecting while the event is handled, as one that reacts to the CLI's "no longer
      // accepting" line at once on a busy machine: the kernel would queue it on a listener still open,
      // and the close would then reset it. (spawnSync holds this process, so nothing else runs meanwhile.)
      const connectOnce = `const s = require("net").connect(${port}, "127.0.0.1");
      s.on("connect", () => { console.log("connected"); s.destroy(); });
      s.on("error", (e) => console.log(e.code));`;
      seen = spawnSync(process.execPath, ["-e", connectOnce], {
        encoding: "utf8",
        timeout: 20_000,
      }).stdout.trim();
    });
    await server.close();
    assert.equal(seen, "ECONNREFUSED");
  },
);

test(
  "at the drain deadline open connections are closed after their echo is flushed",
  { timeout: 10_000 },
  async () => {
    const { server, port } = await started();
    const s = await rawConnect(port);
    s.write("pending");
    const echoed = await readN(s, 7);
    assert.equal(echoed.toString(), "pending");
    const ended = readAll(s);
    const t0 = Date.now();
    const stats = await server.close({ drainTimeout: 300 });
    const waited = Date.now() - t0;
    assert.ok(waited >= 250 && waited < 5000, `waited ${waited} ms`);
    assert.equal(stats.cutOff, 1);
    assert.equal((await ended).length, 0); // a FIN, nothing more
  },
);

test(
  "at the drain deadline a client that never reads is closed within a second, its queue dropped",
  { timeout: 15_000 },
  async () => {
    const { server, port } = await started();
    const s = await rawConnect(port);
    s.on("error", () => {});
    s.pause(); // never read: the server's echo cannot be flushed
    const chunk = randomBytesSeeded(64 * 1024, 11);
    for (let i = 0; i < 256; i++) s.write(chunk);
    await waitUntil("the server reading from the client", () => server.stats().bytesIn > 0);
    const t0 = Date.now();
    const stats = await server.close({ drainTimeout: 200 });
    const waited = Date.now() - t0;
    assert.ok(waited >= 150 && waited < 5000, `waited ${waited} ms`);
    assert.equal(stats.cutOff, 1);
    assert.ok(stats.bytesIn > 0);
    assert.ok(stats.bytesOut < stats.bytesIn, `out ${stats.bytesOut} of ${stats.bytesIn}`);
    s.destroy();
  },
);

test("servers use the data path this run asks for, on every platform where it exists", async () => {
  const expected =
    process.env.TCPECHO_DATA_PATH === "streams" || process.platform === "win32" ? "streams" : "handles";
  assert.equal(echoDataPath(), expected);
  const { server } = await started();
  assert.equal(server.dataPath, expected);
  await server.close();
});

test("the dataPath option: each path it names echoes, and server.dataPath says which one serves", async () => {
  const handlesHere = echoDataPath() === "handles";
  for (const dataPath of ["auto", "handles", "streams"] as const) {
    if (dataPath === "handles" && !handlesHere) {
      // Windows, or TCPECHO_DATA_PATH=streams: asked for, the fast path is refused, not swapped for streams.
      assert.throws(
        () => createEchoServer({ host: "127.0.0.1", port: 0, dataPath }),
        (e: unknown) =>
          e instanceof EchoError &&
          e.isUsageError &&
          e.message.startsWith(
            "give dataPath auto or streams, not 'handles': the handle path is not available here",
          ),
      );
      continue;
    }
    const { server, port } = await started({ dataPath });
    assert.equal(server.dataPath, dataPath === "auto" ? echoDataPath() : dataPath);
    const s = await rawConnect(port);
    const back = readAll(s);
    s.end(`through ${dataPath}`);
    assert.equal((await back).toString(), `through ${dataPath}`);
    const stats = await server.close();
    assert.equal(stats.bytesOut, `through ${dataPath}`.length);
  }
});

test("dataPath: handles over TLS, or a name that is no path, is a usage error naming dataPath", () => {
  const { cert, key } = TLS_FIXTURE;
  const refused = (dataPath: string, words: string) =>
    assert.throws(
      () => createEchoServer({ port: 0, dataPath: dataPath as "auto", tls: { cert, key } }),
      (e: unknown) => e instanceof EchoError && e.code === "ERR_INVALID_OPTION" && e.message.includes(words),
    );
  refused("handles", "give dataPath auto or streams with tls, not 'handles'");
  refused("fast", "give dataPath auto, handles or streams, not 'fast'");
  const server = createEchoServer({ port: 0, dataPath: "streams", tls: { cert, key } });
  assert.equal(server.dataPath, undefined, "known once listening");
});

test("destroy() closes every connection at once", { timeout: 10_000 }, async () => {
  const { server, port } = await started();
  const s = await rawConnect(port);
  s.on("error", () => {});
  const ended = readAll(s);
  const stats = await server.destroy();
  assert.equal((await ended).length, 0);
  assert.equal(stats.connectionsOpen, 0);
  assert.equal(stats.connectionsTotal, 1);
  s.destroy();
});

test("listen errors are typed: port in use, address not on this machine", { timeout: 10_000 }, async () => {
  const { server, port } = await started();
  const second = createEchoServer({ host: "127.0.0.1", port });
  await assert.rejects(
    second.listen(),
    // The command that shows who holds the port, on this system (ss on Linux).
    (e: unknown) =>
      e instanceof EchoError && e.code === "EADDRINUSE" && e.message.includes(portHolderCommand(port, false)),
  );
  // 192.0.2.0/24 is TEST-NET-1: never assigned to a machine, so bind fails locally without any traffic.
  const elsewhere = createEchoServer({ host: "192.0.2.123", port: 0 });
  await assert.rejects(
    elsewhere.listen(),
    (e: unknown) => e instanceof EchoError && e.code === "EADDRNOTAVAIL",
  );
  await server.close();
});

test("bad options are usage errors with codes", () => {
  assert.throws(
    () => createEchoServer({ port: 70000 }),
    (e: unknown) => e instanceof EchoError && e.code === "ERR_INVALID_PORT" && e.isUsageError,
  );
  assert.throws(
    () => createEchoServer({ host: "999.1.1.1" }),
    (e: unknown) => e instanceof EchoError && e.code === "ERR_INVALID_HOST",
  );
  assert.throws(
    () => createEchoServer({ backlog: 0 }),
    (e: unknown) => e instanceof EchoError && e.code === "ERR_INVALID_OPTION",
  );
});

test("dual stack: an IPv4 client of a '::' server reads as plain IPv4", { timeout: 10_000 }, async (t) => {
  const server = createEchoServer({ host: "::", port: 0 });
  try {
    await server.listen();
  } catch (e) {
    t.skip(`no IPv6 on this machine: ${(e as Error).message}`);
    return;
  }
  const { port } = server.address();
  const connected = once(server, "connection");
  const s = await rawConnect(port, "127.0.0.1");
  const [c] = (await connected) as [{ remoteAddress: string; remoteFamily: string }];
  assert.equal(c.remoteAddress, "127.0.0.1");
  assert.equal(c.remoteFamily, "IPv4");
  s.end("v4");
  assert.equal((await readAll(s)).toString(), "v4");
  const s6 = await rawConnect(port, "::1");
  s6.end("v6");
  assert.equal((await readAll(s6)).toString(), "v6");
  await server.close();
});
