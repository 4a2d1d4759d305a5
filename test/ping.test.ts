/** The ping library against real peers on loopback: echo, refusal, corruption, delay, reconnects, connect-only, abort. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { createEchoServer, EchoError, ping, type ProbeResult } from "tcpecho";
import { probePayload } from "../src/client/ping.js";
import { freePort, startPeer, waitUntil } from "./helpers.js";

const codes = (probes: ProbeResult[]) => probes.map((p) => (p.ok ? "ok" : p.error?.code));

test(
  "against tcpecho's server: every probe echoed, one connection, rtt > 0",
  { timeout: 10_000 },
  async () => {
    const server = createEchoServer({ host: "127.0.0.1", port: 0 });
    const { port } = await server.listen();
    const seen: ProbeResult[] = [];
    let started = 0;
    const report = await ping({
      host: "127.0.0.1",
      port,
      count: 3,
      interval: 20,
      onStart: (s) => {
        started++;
        assert.equal(s.address, "127.0.0.1");
        assert.equal(s.size, 56);
        assert.equal(s.timeout, 1000, "the default timeout is the interval, but at least 1 s");
      },
      onProbe: (p) => seen.push(p),
    });
    assert.equal(started, 1);
    assert.deepEqual(
      report.probes.map((p) => p.seq),
      [1, 2, 3],
    );
    assert.deepEqual(codes(report.probes), ["ok", "ok", "ok"]);
    assert.deepEqual(seen, report.probes);
    for (const p of report.probes) {
      assert.ok(p.rttMs !== undefined && p.rttMs > 0 && p.rttMs < 1000, `rtt ${p.rttMs}`);
      assert.equal(p.bytes, 56);
    }
    assert.equal(report.stats.sent, 3);
    assert.equal(report.stats.echoed, 3);
    assert.equal(report.stats.lossPercent, 0);
    assert.ok(
      report.stats.min! > 0 &&
        report.stats.min! <= report.stats.avg! &&
        report.stats.avg! <= report.stats.max!,
    );
    assert.ok(report.elapsedMs >= 40, `elapsed ${report.elapsedMs}`);
    const stats = await server.close();
    assert.equal(stats.connectionsTotal, 1, "every probe goes over one connection");
    assert.equal(stats.bytesIn, 3 * 56);
  },
);

test("the smallest and largest probes come back whole", { timeout: 10_000 }, async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  for (const size of [16, 65535]) {
    const report = await ping({ host: "127.0.0.1", port, count: 2, interval: 10, size });
    assert.deepEqual(codes(report.probes), ["ok", "ok"], `size ${size}`);
    assert.equal(report.probes[1]?.bytes, size);
  }
  await server.close();
});

test(
  "a closed port: every probe refused, statistics still there (100% loss)",
  { timeout: 10_000 },
  async () => {
    const port = await freePort();
    const report = await ping({ host: "127.0.0.1", port, count: 3, interval: 20 });
    assert.deepEqual(codes(report.probes), ["ECONNREFUSED", "ECONNREFUSED", "ECONNREFUSED"]);
    assert.ok(report.probes.every((p) => p.error instanceof EchoError && p.error.context.port === port));
    assert.equal(report.stats.sent, 3);
    assert.equal(report.stats.echoed, 0);
    assert.equal(report.stats.lossPercent, 100);
    assert.equal(report.stats.avg, null);
    const handshakes = await ping({ host: "127.0.0.1", port, count: 2, interval: 10, connectOnly: true });
    assert.deepEqual(codes(handshakes.probes), ["ECONNREFUSED", "ECONNREFUSED"]);
  },
);

test(
  "a peer that corrupts one probe's echo: that probe fails with the offset, the others pass",
  {
    timeout: 10_000,
  },
  async () => {
    let offset = 0;
    const peer = await startPeer((s) => {
      s.on("data", (b: Buffer) => {
        const copy = Buffer.from(b);
        // Byte 20 of the second 56-byte probe.
        const at = 56 + 20 - offset;
        if (at >= 0 && at < copy.length) copy[at] = (copy[at] as number) ^ 0xff;
        offset += b.length;
        s.write(copy);
      });
    });
    try {
      const report = await ping({ host: "127.0.0.1", port: peer.port, count: 3, interval: 20 });
      assert.deepEqual(codes(report.probes), ["ok", "ERR_ECHO_MISMATCH", "ok"]);
      assert.equal(report.probes[1]?.error?.context.offset, 20);
      assert.equal(report.stats.echoed, 2);
      assert.equal(report.stats.lost, 1);
      assert.equal(report.stats.lossPercent, 33.33);
    } finally {
      await peer.close();
    }
  },
);

test(
  "an echo later than the timeout: that probe lost (reported late), the next ones fine",
  {
    timeout: 20_000,
  },
  async () => {
    // The second echo is held until the ping has given it up, so it is late however slow the machine;
    // the timeout is long for the others, and each probe goes after the one before has timed out.
    const timeout = 1000;
    let received = 0;
    let chain = Promise.resolve();
    let giveUp: () => void = () => {};
    const givenUp = new Promise<void>((resolve) => (giveUp = resolve));
    const peer = await startPeer((s) => {
      s.on("data", (b: Buffer) => {
        const second = received < 2 * 56 && received + b.length > 56;
        received += b.length;
        // Keep the order: later bytes wait behind the held ones.
        chain = chain.then(async () => {
          if (second) await givenUp;
          s.write(b);
        });
      });
    });
    try {
      const seen: ProbeResult[] = [];
      const report = await ping({
        host: "127.0.0.1",
        port: peer.port,
        count: 4,
        interval: timeout + 200,
        timeout,
        onProbe: (p) => {
          seen.push(p);
          if (p.seq === 2 && !p.ok) giveUp();
        },
      });
      assert.deepEqual(codes(report.probes), ["ok", "ETIMEDOUT", "ok", "ok"]);
      const lost = report.probes[1]!;
      assert.equal(lost.error?.context.operation, "read");
      assert.equal(lost.error?.context.timeoutMs, timeout);
      const late = seen.filter((p) => p.late);
      assert.equal(late.length, 1);
      assert.equal(late[0]?.seq, 2);
      assert.equal(late[0]?.ok, false);
      assert.ok(late[0]!.rttMs! >= timeout, `late rtt ${late[0]?.rttMs}`);
      assert.equal(lost.late, true, "the report keeps the late arrival");
      assert.equal(report.stats.echoed, 3, "a late echo is not counted");
    } finally {
      await peer.close();
    }
  },
);

test("a peer that accepts and never echoes: every probe times out", { timeout: 10_000 }, async () => {
  const peer = await startPeer(() => {});
  try {
    const report = await ping({ host: "127.0.0.1", port: peer.port, count: 2, interval: 50, timeout: 100 });
    assert.deepEqual(codes(report.probes), ["ETIMEDOUT", "ETIMEDOUT"]);
    assert.deepEqual(
      report.probes.map((p) => p.error?.context.timeoutMs),
      [100, 100],
    );
    assert.equal(report.stats.lossPercent, 100);
    // About 150 ms (the second probe's start, then its timeout); far less than the default's 1 s each.
    assert.ok(report.elapsedMs < 2000, `bounded by the timeout: ${report.elapsedMs}`);
  } finally {
    await peer.close();
  }
});

test(
  "a server that closes or resets the connection: that probe fails, the next one reconnects",
  {
    timeout: 10_000,
  },
  async () => {
    let connections = 0;
    const peer = await startPeer((s) => {
      const n = ++connections;
      let probes = 0;
      s.on("data", (b: Buffer) => {
        probes++;
        // Each chunk is one probe here (56 bytes, 300 ms apart, no Nagle).
        if (n === 1 && probes === 2) s.end();
        else if (n === 2 && probes === 2) s.resetAndDestroy();
        else s.write(b);
      });
    });
    try {
      // Probes go out on the clock, not after the echo before; the interval leaves the client room to see
      // each close before the next probe, even when a loaded machine holds it up for a while.
      const report = await ping({ host: "127.0.0.1", port: peer.port, count: 5, interval: 300 });
      assert.deepEqual(codes(report.probes), ["ok", "ERR_PEER_CLOSED", "ok", "ECONNRESET", "ok"]);
      assert.equal(report.probes[1]?.error?.context.expected, 56);
      assert.equal(connections, 3);
      assert.equal(report.stats.echoed, 3);
    } finally {
      await peer.close();
    }
  },
);

test(
  "a server restart mid-ping: refused while it is down, echoed again once it is back",
  {
    timeout: 10_000,
  },
  async () => {
    let server = createEchoServer({ host: "127.0.0.1", port: 0 });
    const { port } = await server.listen();
    let restarted: Promise<unknown> = Promise.resolve();
    const report = await ping({
      host: "127.0.0.1",
      port,
      count: 5,
      // Probes go out on the clock: room for the server to be gone before the third, on a loaded machine too.
      interval: 400,
      onProbe: (p) => {
        if (p.seq === 2) void server.destroy();
        if (p.seq === 3) {
          server = createEchoServer({ host: "127.0.0.1", port });
          restarted = server.listen();
        }
      },
    });
    await restarted;
    assert.deepEqual(codes(report.probes), ["ok", "ok", "ECONNREFUSED", "ok", "ok"]);
    assert.equal(report.stats.lossPercent, 20);
    await server.close();
  },
);

test(
  "connectOnly: times handshakes to a listener that never echoes, and closes each",
  {
    timeout: 10_000,
  },
  async () => {
    let accepted = 0;
    let ended = 0;
    const peer = await startPeer((s) => {
      accepted++;
      s.on("end", () => {
        ended++;
        s.end();
      });
    });
    try {
      const report = await ping({
        host: "127.0.0.1",
        port: peer.port,
        count: 3,
        interval: 20,
        connectOnly: true,
      });
      assert.deepEqual(codes(report.probes), ["ok", "ok", "ok"]);
      assert.ok(report.probes.every((p) => p.rttMs! > 0 && p.bytes === 0));
      assert.equal(report.stats.echoed, 3);
      await waitUntil("the peer sees three FINs", () => ended >= 3).catch(() => {});
      assert.equal(accepted, 3, "one connection per probe");
      assert.equal(ended, 3, "each closed politely with a FIN");
    } finally {
      await peer.close();
    }
  },
);

test(
  "an abort stops early and still reports; aborted before the start, nothing is sent",
  {
    timeout: 10_000,
  },
  async () => {
    const server = createEchoServer({ host: "127.0.0.1", port: 0 });
    const { port } = await server.listen();
    const abort = new AbortController();
    const seen: number[] = [];
    let abortedAt = Infinity;
    const sentAfter: number[] = [];
    const report = await ping({
      host: "127.0.0.1",
      port,
      interval: 30,
      signal: abort.signal,
      onProbe: (p) => {
        seen.push(p.seq);
        if (performance.now() - (p.rttMs ?? 0) > abortedAt) sentAfter.push(p.seq);
        if (p.seq === 3) {
          abort.abort();
          abortedAt = performance.now();
        }
      },
    });
    // Probes go out on the clock: a loaded machine may have sent the next ones before the third's echo
    // was read. Those are reported; none is sent after the abort.
    assert.deepEqual(seen.slice(0, 3), [1, 2, 3]);
    assert.deepEqual(sentAfter, [], "probes sent after the abort");
    assert.deepEqual(
      seen,
      seen.map((_, i) => i + 1),
    );
    assert.equal(report.stats.sent, seen.length);
    assert.equal(report.stats.echoed, seen.length);
    const none = await ping({ host: "127.0.0.1", port, signal: AbortSignal.abort() });
    assert.equal(none.probes.length, 0);
    assert.equal(none.stats.sent, 0);
    await server.close();
  },
);

test("an exception in onProbe ends the ping and rejects with it", { timeout: 10_000 }, async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  await assert.rejects(
    ping({
      host: "127.0.0.1",
      port,
      interval: 20,
      onProbe: () => {
        throw new Error("boom");
      },
    }),
    /boom/,
  );
  await server.close();
});

test("bad options are usage errors", async () => {
  const usage = (e: unknown) => e instanceof EchoError && e.isUsageError;
  await assert.rejects(ping({ count: 0 }), usage);
  await assert.rejects(ping({ count: 1.5 }), usage);
  await assert.rejects(ping({ interval: 0 }), usage);
  await assert.rejects(ping({ timeout: -1 }), usage);
  await assert.rejects(ping({ size: 15 }), usage);
  await assert.rejects(ping({ size: 65536 }), usage);
  await assert.rejects(ping({ port: 0 }), usage);
  await assert.rejects(ping({ host: "300.1.1.1" }), usage);
});

test("probe payloads name their number and differ from one another", () => {
  assert.equal(probePayload(7, 32).toString(), "tcpecho ping seq=7 tuvwxyzABCDEF");
  assert.equal(probePayload(123, 16).toString(), "seq=123 ijklmnop");
  assert.equal(probePayload(1, 56).length, 56);
  assert.ok(!probePayload(1, 56).equals(probePayload(2, 56)));
  assert.ok(probePayload(9, 100).equals(probePayload(9, 100)));
});
