/**
 * Faults on demand (`serve --fault`, the `faults` option): each kind over
 * real sockets, seen from clients nobody here wrote (Python's sockets, ncat,
 * socat) and from tcpecho's own client, ping and bench. The suite runs this
 * file on both data paths; a faulted connection moves to the stream path
 * from either. Durations are asserted from below (a delay at least its
 * value), never from above, and every wait is for an event, bounded.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { request } from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { test } from "node:test";
import { connect as tlsConnect } from "node:tls";
import { createEchoServer, type FaultEffect } from "../src/index.js";
import {
  cleanEnv,
  needs,
  randomBytesSeeded,
  rawConnect,
  readAll,
  readN,
  runCli,
  runTool,
  startCliServer,
  stopCli,
  TLS_FIXTURE,
} from "./helpers.js";

async function faulty(faults: string[], extra: Parameters<typeof createEchoServer>[0] = {}) {
  const server = createEchoServer({ host: "127.0.0.1", port: 0, faults, ...extra });
  const seen: FaultEffect[] = [];
  server.on("fault", (_c, e) => seen.push(e));
  const { port } = await server.listen();
  return { server, port, seen };
}

/** Runs a Python 3 snippet with the port as argv[1]; resolves with its standard output. */
function python(code: string, port: number, ms = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn("python3", ["-c", code, String(port)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    proc.stdout.on("data", (b: Buffer) => (out += b.toString()));
    proc.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => proc.kill("SIGKILL"), ms);
    proc.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`python3 exited ${code}: ${err}`));
    });
  });
}

const PY_SOCKET = `
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
`;

/** Every byte a socket receives until its end or its error, and which it was. */
function collect(
  s: Socket,
  ms = 15_000,
): Promise<{ bytes: Buffer; error: string | undefined; reads: number }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error(`no end within ${ms} ms`)), ms);
    const done = (error: string | undefined) => {
      clearTimeout(timer);
      resolve({ bytes: Buffer.concat(parts), error, reads: parts.length });
    };
    s.on("data", (b: Buffer) => parts.push(b));
    s.on("end", () => done(undefined));
    s.on("error", (e: NodeJS.ErrnoException) => done(e.code));
  });
}

test("delay: each echo leaves at least that much later, from Python, tcpecho ping and bench --rate", async () => {
  const skip = needs("python3");
  const { server, port, seen } = await faulty(["delay=200ms"]);
  try {
    if (!skip) {
      const out = await python(
        `${PY_SOCKET}
t = time.monotonic(); s.sendall(b"ping"); d = s.recv(100)
print(d.decode(), round((time.monotonic() - t) * 1000))`,
        port,
      );
      const [echo, ms] = out.trim().split(" ");
      assert.equal(echo, "ping");
      assert.ok(Number(ms) >= 195, `echo came after ${ms} ms`);
    }
    const ping = await runCli(["ping", `127.0.0.1:${port}`, "-c", "2", "-i", "0.05s", "--json"]);
    assert.equal(ping.code, 0, ping.stderr);
    const report = JSON.parse(ping.stdout.toString().trim().split("\n").at(-1) ?? "{}") as {
      rtt?: { min?: number };
      minMs?: number;
    };
    const min = report.rtt?.min ?? report.minMs;
    assert.ok(typeof min === "number" && min >= 195, `ping's minimum: ${JSON.stringify(report)}`);
    const bench = await runCli([
      "bench",
      `127.0.0.1:${port}`,
      "-c",
      "2",
      "--rate",
      "10",
      "-d",
      "1s",
      "--json",
    ]);
    assert.equal(bench.code, 0, bench.stderr);
    const load = JSON.parse(bench.stdout.toString().trim().split("\n").at(-1) ?? "{}") as {
      latency?: { minMs?: number };
    };
    assert.ok((load.latency?.minMs ?? 0) >= 195, `bench's latency: ${JSON.stringify(load.latency)}`);
    assert.equal(seen[0]?.kind, "delay");
    assert.equal(seen[0]?.spec, "delay=200ms");
  } finally {
    await server.close();
  }
});

test("slice: one recv(4096) sees a piece; tcpecho client (recvn) prints the message whole", async () => {
  const { server, port } = await faulty(["slice=1-3:20ms"]);
  try {
    if (!needs("python3")) {
      const out = await python(
        `${PY_SOCKET}
s.sendall(b"hello, world\\n"); print(len(s.recv(4096)))`,
        port,
      );
      assert.ok(Number(out) >= 1 && Number(out) <= 3, `one recv got ${out.trim()} bytes`);
    }
    const c = await runCli(["client", `127.0.0.1:${port}`], { input: "hello, world\n" });
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout.toString(), "hello, world\n");
  } finally {
    await server.close();
  }
});

test("slice + jittered delay: 2 MB come back identical, in many reads", { timeout: 60_000 }, async () => {
  const { server, port } = await faulty(["slice=1000-9000", "delay=2ms~2ms"]);
  try {
    const data = randomBytesSeeded(2 * 1024 * 1024, 12);
    const s = await rawConnect(port);
    const back = collect(s, 50_000);
    s.end(data);
    const { bytes, error } = await back;
    assert.equal(error, undefined);
    assert.equal(bytes.length, data.length);
    assert.equal(
      createHash("sha256").update(bytes).digest("hex"),
      createHash("sha256").update(data).digest("hex"),
    );
    assert.equal(server.stats().faults.slice, 1);
    assert.equal(server.stats().faults.delay, 1);
  } finally {
    await server.close();
  }
});

test("reset-after: exactly that many bytes, then a reset (RST): Python sees ECONNRESET", async () => {
  const { server, port, seen } = await faulty(["reset-after=100"]);
  try {
    const closed = once(server, "disconnect");
    const s = await rawConnect(port);
    const got = collect(s);
    s.write(Buffer.alloc(1000, 0x61));
    // A Node client may read the end of the stream instead of ECONNRESET: libuv takes a hang-up
    // that comes with the last bytes for an EOF. Python's recv reports the reset itself.
    assert.equal((await got).bytes.length, 100);
    const [info] = (await closed) as [{ reason: string; bytesOut: number }];
    assert.equal(info.reason, "fault");
    assert.equal(info.bytesOut, 100);
    // With nothing echoed before it, every client sees the reset.
    server.setFaults(["reset-after=0"]);
    const z = await rawConnect(port).then(collect, (e: NodeJS.ErrnoException) => ({ error: e.code }));
    assert.equal(z.error, "ECONNRESET");
    server.setFaults(["reset-after=100"]);
    if (!needs("python3")) {
      const out = await python(
        `${PY_SOCKET}
s.sendall(b"a" * 1000); got = b""
try:
    while True:
        d = s.recv(4096)
        if not d: print(len(got), "EOF"); break
        got += d
except ConnectionResetError:
    print(len(got), "RESET")`,
        port,
      );
      assert.equal(out.trim(), "100 RESET");
    }
    assert.ok(seen.some((e) => e.kind === "reset-after" && e.bytes === 100));
    assert.equal(server.stats().faults["reset-after"], needs("python3") ? 2 : 3);
  } finally {
    await server.close();
  }
});

test("close-after: exactly that many bytes, then EOF; ncat reads them and ends", async () => {
  const { server, port } = await faulty(["close-after=5"]);
  try {
    const s = await rawConnect(port);
    const got = collect(s);
    s.write("hello, world");
    const { bytes, error } = await got;
    assert.equal(error, undefined);
    assert.equal(bytes.toString(), "hello");
    s.destroy();
    if (!needs("ncat")) {
      const out = await runTool("ncat", ["127.0.0.1", String(port)], "hello, world\n");
      assert.equal(out, "hello");
    }
  } finally {
    await server.close();
  }
});

test("stall-after: that many bytes, then nothing read or echoed until the idle timeout", async () => {
  const { server, port } = await faulty(["stall-after=4"], { idleTimeout: 600 });
  try {
    const s = await rawConnect(port);
    const closed = once(server, "disconnect");
    const got = collect(s);
    s.write("abcd");
    assert.equal((await readN(s, 4)).toString(), "abcd");
    s.write("efgh"); // into the kernel's buffer: the server reads no more
    const [info] = (await closed) as [{ reason: string; bytesIn: number; bytesOut: number }];
    assert.equal(info.reason, "idle");
    assert.equal(info.bytesOut, 4);
    assert.equal(info.bytesIn, 4, "nothing read after the stall");
    const { bytes } = await got;
    assert.equal(bytes.toString(), "abcd");
  } finally {
    await server.close();
  }
});

test("stall-after: the server's shutdown closes a stalled connection at once, not at the drain deadline", async () => {
  const { server, port } = await faulty(["stall-after=2"], { drainTimeout: 60_000 });
  const s = await rawConnect(port);
  s.on("error", () => {});
  s.write("hello");
  await readN(s, 2);
  const stats = await server.close();
  assert.equal(stats.cutOff, 0, "closed by its stall's end, not cut off after 60 s");
  s.destroy();
});

test("corrupt: one bit of the echo flipped and counted; client --verify and bench exit 1 and say where", async () => {
  const { server, port } = await faulty(["corrupt=1"]);
  try {
    const s = await rawConnect(port);
    const sent = randomBytesSeeded(1000, 3);
    const got = readN(s, sent.length);
    s.write(sent);
    const back = await got;
    s.destroy();
    let bits = 0;
    for (let i = 0; i < sent.length; i++) {
      let x = sent[i]! ^ back[i]!;
      for (; x !== 0; x &= x - 1) bits++;
    }
    assert.ok(bits >= 1, "at least one bit flipped");
    const verify = await runCli(["client", `127.0.0.1:${port}`, "--verify"], { input: "hello, world\n" });
    assert.equal(verify.code, 1);
    assert.match(verify.stderr, /byte|offset|differ/i);
    const bench = await runCli(["bench", `127.0.0.1:${port}`, "-c", "1", "-n", "5"]);
    assert.equal(bench.code, 1, bench.stdout.toString() + bench.stderr);
    assert.ok(server.stats().corruptedChunks >= 3);
  } finally {
    await server.close();
  }
});

test("hold: a new connection is served only after the hold", async () => {
  const { server, port } = await faulty(["hold=300ms"]);
  try {
    const t0 = performance.now();
    const s = await rawConnect(port);
    const got = readN(s, 5);
    s.write("hello");
    assert.equal((await got).toString(), "hello");
    assert.ok(performance.now() - t0 >= 290);
    s.destroy();
  } finally {
    await server.close();
  }
});

test("slow-close: after the client's FIN, the rest and the server's FIN come that much later", async () => {
  const { server, port } = await faulty(["slow-close=300ms"]);
  try {
    const s = await rawConnect(port);
    s.write("hello");
    await readN(s, 5);
    const all = readAll(s);
    const t0 = performance.now();
    s.end();
    assert.equal((await all).length, 0);
    assert.ok(performance.now() - t0 >= 290);
  } finally {
    await server.close();
  }
});

test("bandwidth: paced to the rate; a client that never reads is held back, memory bounded", async () => {
  const { server, port } = await faulty(["bandwidth=100KiB/s"]);
  try {
    const s = await rawConnect(port);
    const data = randomBytesSeeded(50 * 1024, 5);
    const t0 = performance.now();
    const got = readN(s, data.length, 20_000);
    s.write(data);
    assert.deepEqual(await got, data);
    assert.ok(performance.now() - t0 >= 400, "50 KiB at 100 KiB/s: about half a second");
    s.destroy();
    // A client that only sends: the server stops reading once its pacing queue is full.
    const w = await rawConnect(port);
    w.pause();
    const chunk = Buffer.alloc(64 * 1024);
    let offered = 0;
    for (let i = 0; i < 400 && w.writableLength < 8 * 1024 * 1024; i++) {
      w.write(chunk);
      offered += chunk.length;
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(offered >= 8 * 1024 * 1024, `offered ${offered}`);
    // bytesIn counts what the server read: bounded by its queue (1 MiB) and the kernel's buffers.
    const read = server.stats().bytesIn - data.length;
    assert.ok(read < 6 * 1024 * 1024, `the server read ${read} bytes of a client that never reads`);
    w.destroy();
  } finally {
    await server.close();
  }
});

test("@CIDR and %PERCENT: a fault for other clients, or for none of them, leaves the echo alone", async () => {
  const { server, port, seen } = await faulty(["reset-after=0@10.0.0.0/8", "reset-after=0%0"]);
  try {
    const s = await rawConnect(port);
    const got = readN(s, 5);
    s.write("hello");
    assert.equal((await got).toString(), "hello");
    s.destroy();
    assert.equal(seen.length, 0);
    server.setFaults(["close-after=2@127.0.0.0/8"]);
    const t = await rawConnect(port);
    const back = collect(t);
    t.write("hello");
    assert.equal((await back).bytes.toString(), "he");
    t.destroy();
  } finally {
    await server.close();
  }
});

test("TLS: the same faults over TLS", async () => {
  const server = createEchoServer({
    host: "127.0.0.1",
    port: 0,
    tls: { cert: TLS_FIXTURE.cert, key: TLS_FIXTURE.key },
    faults: ["slice=1-2", "reset-after=6"],
  });
  const { port } = await server.listen();
  try {
    const s = tlsConnect({ host: "127.0.0.1", port, rejectUnauthorized: false });
    await once(s, "secureConnect");
    const got = collect(s);
    s.write("hello, world");
    const { bytes, reads } = await got;
    assert.equal(bytes.toString(), "hello,");
    assert.ok(reads >= 3, `${reads} reads of pieces of 1-2 bytes`);
    assert.equal(server.stats().faults["reset-after"], 1);
  } finally {
    await server.close();
  }
});

test("PROXY protocol: a fault's range is matched against the client the header names", async () => {
  const { server, port, seen } = await faulty(["close-after=3@192.0.2.0/24"], { proxyProtocol: "v1" });
  try {
    const s = await rawConnect(port);
    const got = collect(s);
    s.write("PROXY TCP4 192.0.2.7 127.0.0.1 5000 9000\r\nhello");
    assert.equal((await got).bytes.toString(), "hel");
    s.destroy();
    const t = await rawConnect(port);
    const plain = readN(t, 5);
    t.write("PROXY TCP4 198.51.100.1 127.0.0.1 5000 9000\r\nhello");
    assert.equal((await plain).toString(), "hello");
    t.destroy();
    assert.deepEqual(
      seen.map((e) => e.kind),
      ["close-after"],
    );
  } finally {
    await server.close();
  }
});

test("serve --fault: a bad spec is one line naming what is wrong, exit 2", async () => {
  for (const [spec, words] of [
    ["bogus", /bogus/],
    ["slice=5-2", /slice/],
    ["delay=1s@10.0.0.0/33", /10\.0\.0\.0\/33/],
    ["hold=1s%150", /150/],
  ] as const) {
    const r = await runCli(["serve", "-H", "127.0.0.1", "-p", "0", "--fault", spec]);
    assert.equal(r.code, 2, spec);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? "", /--fault/);
    assert.match(lines[0] ?? "", words);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  }
});

function http(
  port: number,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/faults", method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (t: string) => (text += t));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function metricsPort(srv: { waitFor(p: RegExp): Promise<string> }): Promise<number> {
  const line = await srv.waitFor(/metrics at http:\/\/127\.0\.0\.1:(\d+)/);
  return Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
}

test("--control: GET, PUT and DELETE /faults; the log says each fault once and the change", async () => {
  const srv = await startCliServer(["--metrics", "127.0.0.1:0", "--control", "--fault", "delay=10ms"]);
  try {
    const m = await metricsPort(srv);
    assert.deepEqual(JSON.parse((await http(m, "GET")).body), { faults: ["delay=10ms"] });
    const put = await http(m, "PUT", JSON.stringify({ faults: ["close-after=2"] }));
    assert.equal(put.status, 200);
    assert.deepEqual(JSON.parse(put.body), { faults: ["close-after=2"] });
    await srv.waitFor(/faults now: close-after=2/);
    const s = await rawConnect(srv.port);
    const got = collect(s);
    s.write("hello");
    assert.equal((await got).bytes.toString(), "he");
    await srv.waitFor(/fault close-after=2 on client #\d+ 127\.0\.0\.1:\d+: closed \(FIN\) after 2 bytes/);
    for (const bad of ["{", '{"faults":"delay=1s"}', '{"faults":["bogus"]}']) {
      const r = await http(m, "PUT", bad);
      assert.equal(r.status, 400, bad);
      assert.ok(r.body.trim().length > 0 && !r.body.includes("\n    at "), r.body);
    }
    assert.deepEqual(JSON.parse((await http(m, "GET")).body), { faults: ["close-after=2"] });
    const metrics = await new Promise<string>((resolve, reject) => {
      request({ host: "127.0.0.1", port: m, path: "/metrics" }, (res) => {
        let t = "";
        res.on("data", (b: Buffer) => (t += b.toString()));
        res.on("end", () => resolve(t));
      })
        .on("error", reject)
        .end();
    });
    assert.match(metrics, /tcpecho_faults_applied_total\{kind="close-after"\} 1/);
    assert.deepEqual(JSON.parse((await http(m, "DELETE")).body), { faults: [] });
    await srv.waitFor(/faults now: none/);
  } finally {
    await stopCli(srv);
  }
});

test("without --control, /faults is 403 and nothing changes; a token is asked in constant time", async () => {
  const off = await startCliServer(["--metrics", "127.0.0.1:0", "--fault", "delay=10ms"]);
  try {
    const m = await metricsPort(off);
    assert.equal((await http(m, "PUT", '{"faults":[]}')).status, 403);
    assert.equal((await http(m, "GET")).status, 403);
  } finally {
    await stopCli(off);
  }
  const env = cleanEnv({ TCPECHO_CONTROL_TOKEN: "s3cret" });
  const on = await startCliServer(["--metrics", "127.0.0.1:0", "--control"], env);
  try {
    const m = await metricsPort(on);
    assert.equal((await http(m, "GET")).status, 401);
    assert.equal((await http(m, "GET", undefined, { authorization: "Bearer wrong" })).status, 401);
    const ok = await http(m, "PUT", '{"faults":["hold=1s"]}', { authorization: "Bearer s3cret" });
    assert.equal(ok.status, 200);
  } finally {
    await stopCli(on);
  }
});

test("--control beyond loopback without a token, without --metrics, or a token without --control: usage errors", async () => {
  for (const [args, said] of [
    [["--metrics", "0.0.0.0:0", "--control"], /--control-token|TCPECHO_CONTROL_TOKEN/],
    [["--control"], /--ui HOST:PORT or --metrics HOST:PORT/],
    [["--control-token", "s3cret"], /give --control too/],
  ] as const) {
    const r = await runCli(["serve", "-H", "127.0.0.1", "-p", "0", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, said);
    assert.doesNotMatch(r.stderr, /s3cret/, "the token is never said back");
  }
});

test("JSON log: a fault event with its kind, spec and connection id; --trace shows what it did", async () => {
  const srv = await startCliServer(["--log-format", "json", "--fault", "slice=1-2"]);
  try {
    const s = await rawConnect(srv.port);
    const got = readN(s, 5);
    s.write("hello");
    await got;
    const line = await srv.waitFor(/"event":"fault"/);
    const e = JSON.parse(line) as Record<string, unknown>;
    assert.equal(e.kind, "slice");
    assert.equal(e.spec, "slice=1-2");
    assert.equal(typeof e.id, "number");
    assert.ok((e.pieces as number) >= 3);
    s.destroy();
  } finally {
    await stopCli(srv);
  }
  const traced = await startCliServer(["--trace", "--fault", "reset-after=3"]);
  try {
    const s = await rawConnect(traced.port);
    const done = collect(s);
    s.write("hello");
    await done;
    await traced.waitFor(/^\[trace\] fault\(\d+, reset-after=3\) .*reset \(RST\) after 3 bytes of echo/);
  } finally {
    await stopCli(traced);
  }
});

test("Korean: the fault line in Korean", async () => {
  const srv = await startCliServer(["--lang", "ko", "--fault", "delay=5ms"]);
  try {
    const s = await rawConnect(srv.port);
    const got = readN(s, 2);
    s.write("hi");
    await got;
    await srv.waitFor(/클라이언트 #\d+ 127\.0\.0\.1:\d+ 에 장애 delay=5ms: 2바이트의 에코를 \d+밀리초 늦춤/);
    s.destroy();
  } finally {
    await stopCli(srv);
  }
});
