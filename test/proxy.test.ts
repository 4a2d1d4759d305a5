/**
 * PROXY protocol (`--proxy-protocol`, HAProxy's spec) over real sockets, on
 * both data paths: headers split across segments, the carried address seen
 * by events, limits and rules, bad and untrusted headers, health checks, and
 * random bytes that must neither crash the server nor leak a descriptor.
 */

import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import type { Socket } from "node:net";
import { test } from "node:test";
import fc from "fast-check";
import { createEchoServer, type EchoError, type EchoServerOptions } from "tcpecho";
import {
  linuxOnly,
  cleanEnv,
  freePort,
  rawConnect,
  readAll,
  readN,
  runCli,
  sleep,
  startCliServer,
  stopCli,
  waitUntil,
} from "./helpers.js";

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

function v2Header(source: string, sourcePort: number, command = 0x21): Buffer {
  const v6 = source.includes(":");
  const addr = Buffer.alloc(v6 ? 36 : 12);
  if (v6) {
    // 2001:db8::7 → its 16 bytes, then a destination of ::1
    const groups = ["2001", "db8", "0", "0", "0", "0", "0", "7"];
    groups.forEach((g, i) => addr.writeUInt16BE(parseInt(g, 16), i * 2));
    addr.writeUInt16BE(1, 30);
    addr.writeUInt16BE(sourcePort, 32);
    addr.writeUInt16BE(9000, 34);
  } else {
    source.split(".").forEach((o, i) => (addr[i] = Number(o)));
    addr.set([10, 0, 0, 1], 4);
    addr.writeUInt16BE(sourcePort, 8);
    addr.writeUInt16BE(9000, 10);
  }
  const head = Buffer.alloc(4);
  head[0] = command; // version 2, PROXY (0x21) or LOCAL (0x20)
  head[1] = v6 ? 0x21 : 0x11; // TCP over IPv6 / IPv4
  head.writeUInt16BE(addr.length, 2);
  return Buffer.concat([V2_SIGNATURE, head, addr]);
}

async function started(options: EchoServerOptions) {
  const server = createEchoServer({ host: "127.0.0.1", port: 0, ...options });
  const { port } = await server.listen();
  const errors: EchoError[] = [];
  const connections: string[] = [];
  server.on("proxyError", (_p, e) => errors.push(e));
  server.on("connection", (c) =>
    connections.push(`${c.remoteAddress}:${c.remotePort} via ${c.proxyAddress}`),
  );
  return { server, port, errors, connections };
}

/** Writes `data` one byte per segment (no Nagle, a pause between), as a slow load balancer might. */
async function dribble(s: Socket, data: Buffer): Promise<void> {
  s.setNoDelay(true);
  for (const byte of data) {
    s.write(Buffer.from([byte]));
    await sleep(2);
  }
}

async function closedUnechoed(s: Socket): Promise<void> {
  s.on("error", () => {});
  const got = await readAll(s).catch(() => Buffer.alloc(0));
  assert.equal(got.length, 0, `got an echo: ${got.toString()}`);
}

test(
  "v1 header split into single-byte segments: payload echoed without it, the carried client seen",
  { timeout: 15_000 },
  async () => {
    const { server, port, connections } = await started({ proxyProtocol: "v1" });
    const s = await rawConnect(port);
    await dribble(s, Buffer.from("PROXY TCP4 203.0.113.7 10.0.0.1 51234 9000\r\nhel"));
    s.write("lo");
    assert.equal((await readN(s, 5)).toString(), "hello");
    s.end();
    await readAll(s);
    assert.deepEqual(connections, ["203.0.113.7:51234 via 127.0.0.1"]);
    const stats = await server.close();
    assert.equal(stats.bytesIn, 5, "header bytes are not payload");
  },
);

test(
  "v2 header with payload in the same segment, IPv6 client; LOCAL (a health check) served as the peer",
  { timeout: 15_000 },
  async () => {
    const { server, port, connections, errors } = await started({ proxyProtocol: "any" });
    const a = await rawConnect(port);
    a.write(Buffer.concat([v2Header("2001:db8::7", 40000), Buffer.from("six by")]));
    assert.equal((await readN(a, 6)).toString(), "six by");
    a.destroy();
    const b = await rawConnect(port);
    b.write(Buffer.concat([v2Header("192.0.2.1", 1, 0x20), Buffer.from("local")]));
    assert.equal((await readN(b, 5)).toString(), "local");
    b.destroy();
    await server.close(); // once both are closed: everything they caused has been reported
    assert.deepEqual(errors, []);
    assert.equal(connections[0], "2001:db8::7:40000 via 127.0.0.1");
    assert.match(connections[1] ?? "", /^127\.0\.0\.1:\d+ via undefined$/);
  },
);

test("limits and access rules see the carried address", { timeout: 15_000 }, async () => {
  const { server, port } = await started({ proxyProtocol: "v1", deny: ["203.0.113.0/24"], maxPerIp: 1 });
  const refused: string[] = [];
  server.on("refused", (r) => refused.push(`${r.remoteAddress} ${r.reason}`));
  const denied = await rawConnect(port);
  denied.write("PROXY TCP4 203.0.113.9 10.0.0.1 1000 9000\r\nlet me in");
  await closedUnechoed(denied);
  const first = await rawConnect(port);
  first.write("PROXY TCP4 198.51.100.1 10.0.0.1 1000 9000\r\none");
  assert.equal((await readN(first, 3)).toString(), "one");
  const second = await rawConnect(port);
  second.write("PROXY TCP4 198.51.100.1 10.0.0.1 1001 9000\r\ntwo");
  await closedUnechoed(second);
  const other = await rawConnect(port);
  other.write("PROXY TCP4 198.51.100.2 10.0.0.1 1000 9000\r\nthree");
  assert.equal((await readN(other, 5)).toString(), "three");
  assert.deepEqual(refused, ["203.0.113.9 denied", "198.51.100.1 max-per-ip"]);
  first.destroy();
  other.destroy();
  await server.destroy();
});

test(
  "a malformed or missing header closes that connection with an error; a silent health check is no error",
  { timeout: 15_000 },
  async () => {
    const { server, port, errors, connections } = await started({ proxyProtocol: "v1" });
    const bad = await rawConnect(port);
    bad.write("PROXY TCP4 999.1.1.1 10.0.0.1 1 2\r\npayload");
    await closedUnechoed(bad);
    const missing = await rawConnect(port);
    missing.write("hello without a header\r\n");
    await closedUnechoed(missing);
    const check = await rawConnect(port);
    check.end();
    await readAll(check); // the server reports a failed header before it closes the connection
    assert.deepEqual(
      errors.map((e) => e.code),
      ["ERR_PROXY", "ERR_PROXY"],
    );
    assert.deepEqual(connections, []);
    const ok = await rawConnect(port);
    ok.write("PROXY UNKNOWN\r\nstill serving");
    assert.equal((await readN(ok, 13)).toString(), "still serving");
    ok.destroy();
    const stats = await server.destroy();
    assert.equal(stats.proxyErrors, 2);
  },
);

test(
  "--proxy-trusted: other peers are served directly, and a header from them is refused",
  { timeout: 15_000 },
  async () => {
    const { server, port, errors, connections } = await started({
      proxyProtocol: "v1",
      proxyTrusted: ["10.0.0.0/8"],
    });
    const direct = await rawConnect(port);
    direct.write("PROX"); // a prefix of the signature, then not
    await sleep(20);
    direct.write("IMA CENTAURI\r\n");
    assert.equal((await readN(direct, 18)).toString(), "PROXIMA CENTAURI\r\n");
    direct.destroy();
    const spoofer = await rawConnect(port);
    spoofer.write("PROXY TCP4 1.2.3.4 10.0.0.1 1 2\r\nI am 1.2.3.4");
    await closedUnechoed(spoofer); // reported before the close
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? "", /outside proxyTrusted/);
    assert.equal(connections.length, 1);
    assert.match(connections[0] ?? "", /^127\.0\.0\.1:/);
    await server.destroy();
  },
);

test(
  "a peer that never finishes its header is closed at the header timeout",
  { timeout: 15_000 },
  async () => {
    const { server, port, errors } = await started({ proxyProtocol: "v1", proxyTimeout: 200 });
    const slow = await rawConnect(port);
    slow.write("PROXY TCP4 192.0.2");
    const t0 = Date.now();
    await closedUnechoed(slow);
    const waited = Date.now() - t0;
    // At the header timeout, not at the drain or a default one (10 s); the upper bound leaves room for a loaded machine.
    assert.ok(waited >= 150 && waited < 8000, `closed after ${waited} ms`);
    assert.match(errors[0]?.message ?? "", /within 200 ms/);
    await server.close();
  },
);

test(
  "random bytes in random segments never crash the server or leak a descriptor",
  { timeout: 120_000 },
  async (t) => {
    const skip = linuxOnly("/proc/PID/fd to count descriptors");
    if (skip) return t.skip(skip);
    const { server, port } = await started({ proxyProtocol: "any", proxyTimeout: 300 });
    const fds = () => readdirSync("/proc/self/fd").length;
    const before = fds();
    const header = fc.constantFrom(
      Buffer.from("PROXY TCP4 203.0.113.7 10.0.0.1 51234 9000\r\n"),
      Buffer.from("PROXY TCP6 2001:db8::1 ::1 1 2\r\n"),
      Buffer.from("PROXY "),
      v2Header("192.0.2.1", 7),
      V2_SIGNATURE,
      Buffer.alloc(0),
    );
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 8 }),
        fc.boolean(),
        async (prefix, tail, cuts, reset) => {
          const data = Buffer.concat([prefix, Buffer.from(tail)]);
          const s = await rawConnect(port);
          s.on("error", () => {});
          const closed = new Promise<void>((resolve) => s.on("close", () => resolve()));
          s.resume();
          let at = 0;
          for (const n of cuts) {
            if (at >= data.length) break;
            s.write(data.subarray(at, at + n));
            at += n;
            await sleep(1);
          }
          if (at < data.length) s.write(data.subarray(at));
          if (reset) s.resetAndDestroy();
          else s.end();
          await Promise.race([closed, sleep(2000)]);
          s.destroy();
        },
      ),
      { numRuns: 150 },
    );
    // Until the server has seen every close and the header timeouts have passed.
    await waitUntil("every connection closed", () => server.connectionCount === 0);
    const stats = await server.close();
    assert.ok(stats.connectionsTotal + stats.proxyErrors > 0);
    const after = fds();
    assert.ok(after <= before + 2, `descriptors: ${before} before, ${after} after`);
  },
);

test(
  "CLI: --proxy-protocol logs the carried client; bad values are one line and exit 2",
  { timeout: 20_000 },
  async () => {
    const srv = await startCliServer(["--proxy-protocol", "v1", "--log-format", "json"]);
    try {
      const s = await rawConnect(srv.port);
      s.write("PROXY TCP4 203.0.113.7 10.0.0.1 51234 9000\r\nhi");
      await readN(s, 2);
      const line = await srv.waitFor(/"event":"connect"/);
      const event = JSON.parse(line) as Record<string, unknown>;
      assert.equal(event.remoteAddress, "203.0.113.7");
      assert.equal(event.remotePort, 51234);
      assert.equal(event.proxyAddress, "127.0.0.1");
      s.destroy();
    } finally {
      await stopCli(srv);
    }
    for (const [args, pattern] of [
      [["--proxy-protocol", "v3"], /--proxy-protocol/],
      [["--proxy-trusted", "10.0.0.0/8"], /give --proxy-protocol too, or leave out --proxy-trusted/],
      [["--proxy-protocol", "v1", "--proxy-trusted", "10.0.0.0/99"], /--proxy-trusted/],
    ] as const) {
      const r = await runCli(["serve", "--host", "127.0.0.1", "--port", String(await freePort()), ...args], {
        env: cleanEnv(),
      });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, pattern);
    }
  },
);

test(
  "CLI in Korean: a refused PROXY header says what was wrong with it (too long, a Unix socket's client)",
  { timeout: 20_000 },
  async () => {
    const srv = await startCliServer(["--proxy-protocol", "v2", "--lang", "ko"]);
    try {
      const long = await rawConnect(srv.port);
      long.write(Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, 0xff, 0xff])]));
      await closedUnechoed(long);
      const said = await srv.waitFor(/PROXY 프로토콜 헤더: v2:/);
      assert.match(said, /v2: 헤더가 너무 깁니다 \(65551바이트, 한도 4112바이트\); 연결을 닫았습니다$/);
      const unix = await rawConnect(srv.port);
      // v2 PROXY over a Unix stream socket (0x31): two 108-byte paths.
      const head = Buffer.from([0x21, 0x31, 0, 216]);
      unix.write(Buffer.concat([V2_SIGNATURE, head, Buffer.alloc(216), Buffer.from("hi")]));
      await closedUnechoed(unix);
      assert.match(
        await srv.waitFor(/클라이언트는 TCP로/),
        /유닉스 스트림 소켓 클라이언트는 TCP로 에코할 수 없습니다; 연결을 닫았습니다$/,
      );
    } finally {
      await stopCli(srv);
    }
  },
);
