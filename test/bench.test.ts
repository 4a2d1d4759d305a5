/** The load generator against correct and faulty echo servers on loopback. */

import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { test } from "node:test";
import type { Socket } from "node:net";
import { bench, createEchoServer, EchoError } from "tcpecho";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsSignals, freePort, runCli, startCli, startPeer } from "./helpers.js";

async function echoServer() {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  return { port, close: () => server.close({ drainTimeout: 0 }) };
}

/** A peer that echoes through `alter`, which may change, drop or add bytes. */
function faultyPeer(alter: (chunk: Buffer, offset: number) => Buffer) {
  return startPeer((s: Socket) => {
    let offset = 0;
    s.on("data", (b: Buffer) => {
      const out = alter(Buffer.from(b), offset);
      offset += b.length;
      s.write(out);
    });
    s.on("end", () => s.end());
  });
}

test("against a correct server: no errors, counts and latency add up", { timeout: 20_000 }, async () => {
  const srv = await echoServer();
  const r = await bench({ port: srv.port, connections: 8, size: 100, durationMs: 400 });
  assert.equal(r.ok, true, JSON.stringify(r.errors));
  assert.equal(r.connected, 8);
  assert.ok(r.requests > 0);
  assert.equal(r.bytes, r.requests * 100);
  assert.ok(r.requestsPerSecond > 0);
  assert.ok(r.latency !== null && r.latency.samples === r.requests);
  assert.ok(r.latency.p50Us <= r.latency.p99Us && r.latency.p99Us <= r.latency.maxUs);
  await srv.close();
});

test("count mode completes exactly that many messages, pipelined too", { timeout: 20_000 }, async () => {
  const srv = await echoServer();
  const r = await bench({ port: srv.port, connections: 7, size: 33, pipeline: 5, count: 1001 });
  assert.equal(r.ok, true);
  assert.equal(r.requests, 1001);
  assert.equal(r.mode, "pipelined");
  await srv.close();
});

test("threads split the load and merge the results", { timeout: 20_000 }, async () => {
  const srv = await echoServer();
  const r = await bench({ port: srv.port, connections: 6, size: 64, count: 3000, threads: 3 });
  assert.equal(r.ok, true, JSON.stringify(r.errors));
  assert.equal(r.requests, 3000);
  assert.equal(r.threads, 3);
  assert.equal(r.latency?.samples, 3000);
  await srv.close();
});

test("stream mode checks every byte", { timeout: 20_000 }, async () => {
  const srv = await echoServer();
  const r = await bench({ port: srv.port, connections: 2, stream: true, durationMs: 300 });
  assert.equal(r.ok, true, JSON.stringify(r.errors));
  assert.ok(r.bytes > 0);
  assert.equal(r.latency, null);
  await srv.close();
});

test("fixed rate issues the planned number of messages", { timeout: 20_000 }, async () => {
  const srv = await echoServer();
  const r = await bench({ port: srv.port, connections: 4, size: 16, rate: 1000, durationMs: 500 });
  assert.equal(r.ok, true);
  assert.equal(r.mode, "rate");
  // Planned: one per millisecond of the run, which a loaded machine may stretch past 0.5 s (the
  // stop timer fires late); the scheduler never issues ahead of plan.
  const planned = Math.ceil(r.elapsedMs) + 2;
  assert.ok(r.requests <= planned && r.requests >= 300, `${r.requests} requests in ${r.elapsedMs} ms`);
  await srv.close();
});

test("a server that alters bytes: corrupted bytes are counted, not ok", { timeout: 20_000 }, async () => {
  const peer = await faultyPeer((b, offset) => {
    if (offset === 0 && b.length > 3) b[3] = (b[3] as number) ^ 0x55;
    return b;
  });
  const r = await bench({ port: peer.port, connections: 1, size: 50, count: 20 });
  assert.equal(r.ok, false);
  assert.equal(r.errors.corruptedBytes, 1);
  await peer.close();
});

test("a server that drops or adds bytes: missing and extra are counted", { timeout: 20_000 }, async () => {
  const dropper = await faultyPeer((b, offset) => (offset === 0 ? b.subarray(0, b.length - 5) : b));
  const r1 = await bench({ port: dropper.port, connections: 1, size: 50, durationMs: 200 });
  assert.equal(r1.ok, false);
  assert.ok(r1.errors.missingBytes > 0, JSON.stringify(r1.errors));
  await dropper.close();
  const adder = await faultyPeer((b) => Buffer.concat([b, Buffer.from("!")]));
  const r2 = await bench({ port: adder.port, connections: 1, size: 50, count: 10 });
  assert.equal(r2.ok, false);
  assert.ok(r2.errors.extraBytes > 0 || r2.errors.corruptedBytes > 0, JSON.stringify(r2.errors));
  await adder.close();
});

test("a server that closes mid-run: counted, never thrown", { timeout: 20_000 }, async () => {
  const peer = await startPeer((s) => s.once("data", () => s.destroy()));
  const r = await bench({ port: peer.port, connections: 3, size: 10, durationMs: 300 });
  assert.equal(r.ok, false);
  assert.ok(r.errors.closedEarly + r.errors.resets > 0, JSON.stringify(r.errors));
  await peer.close();
});

test("a closed port: every connection fails with ECONNREFUSED, explained", { timeout: 20_000 }, async () => {
  const port = await freePort();
  const r = await bench({ port, connections: 4, durationMs: 100 });
  assert.equal(r.ok, false);
  assert.equal(r.errors.connect.ECONNREFUSED, 4);
  assert.ok(r.connectError instanceof EchoError && r.connectError.code === "ECONNREFUSED");
});

test("bad options are usage errors", async () => {
  await assert.rejects(bench({ connections: 0 }), (e: unknown) => e instanceof EchoError && e.isUsageError);
  await assert.rejects(
    bench({ port: 70000 }),
    (e: unknown) => e instanceof EchoError && e.code === "ERR_INVALID_PORT",
  );
  await assert.rejects(bench({ rate: -1 }), (e: unknown) => e instanceof EchoError && e.isUsageError);
});

test(
  "CLI: the text report ends with its errors line; --json's last line is the report, times in ms",
  { timeout: 30_000 },
  async () => {
    const srv = await echoServer();
    const text = await runCli(["bench", `127.0.0.1:${srv.port}`, "-c", "4", "-s", "64", "-d", "300ms"]);
    assert.equal(text.code, 0, text.stderr);
    const out = text.stdout.toString();
    assert.ok(out.endsWith("\n") && !out.endsWith("\n\n"), JSON.stringify(out.slice(-80)));
    const lines = out.slice(0, -1).split("\n");
    assert.match(
      lines[0] ?? "",
      /^tcpecho bench 127\.0\.0\.1:\d+: ping-pong, 4 connections × 64-byte messages, 0\.3 s$/,
    );
    assert.ok(
      lines.some((l) => /^ {2}requests {4}\d+ in [\d.]+ (ms|s): [\d.]+ requests\/s$/.test(l)),
      out,
    );
    assert.ok(
      lines.some((l) =>
        /latency {5}p50 [\d.]+ ms {2}p90 [\d.]+ ms {2}p99 [\d.]+ ms {2}p99\.9 [\d.]+ ms {2}max [\d.]+ ms/.test(
          l,
        ),
      ),
    );
    assert.match(lines.at(-2) ?? "", /^ {2}client {6}\d+ % busy \(event loop, busiest of 1 thread\)/);
    assert.match(lines.at(-1) ?? "", /^ {2}errors {6}none: every byte came back as sent$/);
    assert.equal(lines.length, 6, out);

    const json = await runCli(["bench", `127.0.0.1:${srv.port}`, "-c", "2", "-n", "500", "--json"]);
    assert.equal(json.code, 0);
    const jout = json.stdout.toString();
    assert.ok(jout.endsWith("}\n"), JSON.stringify(jout.slice(-40)));
    const last = JSON.parse(jout.trim().split("\n").at(-1) ?? "{}");
    assert.equal(last.requests, 500);
    assert.equal(typeof last.requestsPerSecond, "number");
    assert.equal(last.ok, true);
    assert.equal(last.tls, false);
    // Every time in milliseconds, named so, to the microsecond; no percentile above the maximum.
    const l = last.latency;
    assert.deepEqual(Object.keys(l), [
      "samples",
      "minMs",
      "meanMs",
      "p50Ms",
      "p90Ms",
      "p99Ms",
      "p999Ms",
      "maxMs",
    ]);
    assert.equal(l.samples, 500);
    for (const key of ["minMs", "meanMs", "p50Ms", "p90Ms", "p99Ms", "p999Ms", "maxMs", "elapsed"]) {
      const v = key === "elapsed" ? last.elapsedMs : l[key];
      assert.equal(typeof v, "number", key);
      assert.equal(Math.round(v * 1000) / 1000, v, `${key} ${v} is not rounded to the microsecond`);
    }
    assert.ok(l.minMs <= l.p50Ms && l.p50Ms <= l.p90Ms && l.p90Ms <= l.p99Ms, JSON.stringify(l));
    assert.ok(l.p99Ms <= l.p999Ms && l.p999Ms <= l.maxMs, JSON.stringify(l));
    assert.equal(JSON.stringify(last).match(/Us"/), null, "a key in microseconds");
    await srv.close();
  },
);

test("CLI: --stream reports bytes and MB/s, never requests", { timeout: 30_000 }, async () => {
  const srv = await echoServer();
  const text = await runCli(["bench", `127.0.0.1:${srv.port}`, "--stream", "-c", "2", "-d", "300ms"]);
  assert.equal(text.code, 0, text.stderr);
  const out = text.stdout.toString();
  assert.doesNotMatch(out, /request/i);
  assert.match(out, /^tcpecho bench 127\.0\.0\.1:\d+: stream, 2 connections × 65536-byte writes, 0\.3 s$/m);
  assert.match(out, /^ {2}echoed {6}[\d.]+ MB in [\d.]+ (ms|s)$/m);
  assert.match(out, /^ {2}throughput {2}[\d.]+ MB\/s echoed and checked$/m);
  assert.match(out.trimEnd().split("\n").at(-1) ?? "", /^ {2}errors {6}none/);
  const json = await runCli([
    "bench",
    `127.0.0.1:${srv.port}`,
    "--stream",
    "-c",
    "2",
    "-d",
    "300ms",
    "--json",
  ]);
  assert.equal(json.code, 0, json.stderr);
  const last = JSON.parse(json.stdout.toString().trim().split("\n").at(-1) ?? "{}");
  assert.equal(last.mode, "stream");
  assert.equal("requests" in last || "requestsPerSecond" in last, false, JSON.stringify(last));
  assert.ok(last.bytes > 0 && last.bytesPerSecond > 0 && last.megabytesPerSecond > 0);
  assert.equal(last.latency, null);
  const compare = await runCli(
    [
      "bench",
      `127.0.0.1:${srv.port}`,
      `127.0.0.1:${srv.port}`,
      "--stream",
      "-c",
      "1",
      "-d",
      "200ms",
      "--rounds",
      "1",
    ],
    { timeout: 20_000 },
  );
  assert.equal(compare.code, 0, compare.stderr);
  assert.doesNotMatch(compare.stdout.toString(), /request/i);
  assert.match(compare.stdout.toString(), /^round 1 {2}127\.0\.0\.1:\d+ {2}[\d.]+ MB\/s$/m);
  await srv.close();
});

test("CLI: --json says null for times when nothing came back", { timeout: 30_000 }, async () => {
  const port = await freePort();
  const r = await runCli(["bench", `127.0.0.1:${port}`, "-c", "2", "-d", "200ms", "--json"]);
  assert.equal(r.code, 1, r.stderr);
  const last = JSON.parse(r.stdout.toString().trim().split("\n").at(-1) ?? "{}");
  assert.equal(last.latency.samples, 0);
  for (const key of ["minMs", "meanMs", "p50Ms", "p90Ms", "p99Ms", "p999Ms", "maxMs"])
    assert.equal(last.latency[key], null, key);
  assert.equal(last.connectError.code, "ECONNREFUSED");
});

test("CLI: bench --help shows every default", { timeout: 30_000 }, async () => {
  const r = await runCli(["bench", "--help"]);
  assert.equal(r.code, 0, r.stderr);
  // Joined, so that a description wrapped over lines reads as one.
  const help = r.stdout.toString().replace(/\s+/g, " ");
  for (const [option, shown] of [
    ["targets", "127.0.0.1:9000"],
    ["-c, --connections <n>", "50"],
    ["-s, --size <bytes>", "512, with --stream 65536"],
    ["--pipeline <n>", "1"],
    ["-d, --duration <duration>", "10s"],
    ["--threads <n>", "1"],
    ["--warmup <duration>", "0s"],
    ["-t, --timeout <duration>", "5s"],
    ["--rounds <n>", "3"],
    ["--keepalive <duration>", "60s"],
  ] as const) {
    const at = help.indexOf(` ${option} `);
    assert.ok(at >= 0, `${option} is not in the help`);
    const entry = help.slice(at, help.indexOf(")", at) + 1);
    assert.ok(entry.includes(`(default: ${shown})`), `${option}: ${entry}`);
  }
  assert.match(help, / --tls .* --tls-ca <file> .* --tls-servername <name> .* --insecure /);
});

test(
  "CLI: corrupted echo and refused connections are said in words, exit 1",
  { timeout: 30_000 },
  async () => {
    const peer = await faultyPeer((b) => {
      b[0] = (b[0] as number) ^ 1;
      return b;
    });
    const bad = await runCli(["bench", `127.0.0.1:${peer.port}`, "-c", "1", "-n", "5"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout.toString(), /bytes? came back different from what was sent \(corrupted\)/);
    // The headline does not vouch for bytes that came back wrong.
    assert.doesNotMatch(bad.stdout.toString(), /echoed and checked/);
    assert.match(
      bad.stdout.toString(),
      /^ {2}throughput {2}[\d.]+ MB\/s echoed, but not all as sent \(see errors\)$/m,
    );
    const badKo = await runCli(["bench", `127.0.0.1:${peer.port}`, "-c", "1", "-n", "5", "--lang", "ko"]);
    assert.doesNotMatch(badKo.stdout.toString(), /에코 확인됨/);
    await peer.close();
    const port = await freePort();
    const refused = await runCli(["bench", `127.0.0.1:${port}`, "-c", "3", "-d", "200ms"]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stdout.toString(),
      // On Windows the Winsock error comes first: "ECONNREFUSED (10061, WSAECONNREFUSED): ".
      /3 of 3 connections failed: (?:\w+ \(\d+, WSA\w+\): )?connection refused by 127\.0\.0\.1:\d+/,
    );
    assert.doesNotMatch(refused.stderr, /\n\s+at /);
  },
);

test("CLI: several targets run A B A B and report ratios to the first", { timeout: 30_000 }, async () => {
  const a = await echoServer();
  const b = await echoServer();
  const args = [
    "bench",
    `127.0.0.1:${a.port}`,
    `127.0.0.1:${b.port}`,
    "-c",
    "2",
    "-d",
    "200ms",
    "--rounds",
    "2",
  ];
  const r = await runCli([...args, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const last = JSON.parse(r.stdout.toString().trim().split("\n").at(-1) ?? "{}");
  assert.equal(last.rounds, 2);
  assert.equal(last.targets.length, 2);
  assert.equal(last.targets[0].ratio, 1);
  assert.ok(last.targets[1].ratio > 0);
  const text = await runCli(args);
  const out = text.stdout.toString();
  assert.equal((out.match(/^round \d/gm) ?? []).length, 4);
  assert.match(out, /1 \(baseline\)/);
  await a.close();
  await b.close();
});

test("CLI: bad values are one line and exit 2", { timeout: 30_000 }, async () => {
  for (const args of [
    ["-c", "0"],
    ["-s", "abc"],
    ["-d", "0s"],
    ["--pipeline", "0"],
    ["--rate", "-5"],
    ["--threads", "x"],
    ["--stream", "--rate", "100"],
    ["300.1.1.1:9000"],
  ]) {
    const r = await runCli(["bench", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

test(
  "clientBusy: waiting on a slow server reads low; a load generator kept busy reads high and is told so",
  {
    timeout: 40_000,
  },
  async () => {
    // Each message answered 20 ms late: the load generator spends its time waiting for the network.
    const slow = await startPeer((s: Socket) => {
      s.on("data", (b: Buffer) => setTimeout(() => s.write(b), 20));
      s.on("end", () => s.end());
    });
    const idle = await bench({ port: slow.port, connections: 1, size: 64, durationMs: 800 });
    assert.equal(idle.ok, true, JSON.stringify(idle.errors));
    assert.ok(
      idle.clientBusy !== null && idle.clientBusy >= 0 && idle.clientBusy < 0.4,
      String(idle.clientBusy),
    );

    // The same run while other work holds the load generator's thread 9 ms of every 10: its loop never waits.
    const hog = setInterval(() => {
      const until = performance.now() + 9;
      while (performance.now() < until);
    }, 10);
    const busy = await bench({ port: slow.port, connections: 1, size: 64, durationMs: 800 });
    clearInterval(hog);
    assert.ok(busy.clientBusy !== null && busy.clientBusy >= 0.8, String(busy.clientBusy));

    // The CLI says it, in words and in JSON.
    const text = await runCli(["bench", `127.0.0.1:${slow.port}`, "-c", "1", "-s", "64", "-d", "500ms"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout.toString(), /^ {2}client {6}\d+ % busy \(event loop, busiest of 1 thread\)$/m);
    const json = await runCli([
      "bench",
      `127.0.0.1:${slow.port}`,
      "-c",
      "2",
      "-d",
      "500ms",
      "--threads",
      "2",
      "--json",
    ]);
    assert.equal(json.code, 0, json.stderr);
    const last = JSON.parse(json.stdout.toString().trim().split("\n").at(-1) ?? "{}");
    assert.ok(
      typeof last.clientBusy === "number" && last.clientBusy >= 0 && last.clientBusy < 0.4,
      last.clientBusy,
    );
    await slow.close();
  },
);

/** An echo peer that, `afterMs` after its first echo, drops every connection at once: a server killed mid-run. */
function dyingPeer(afterMs: number) {
  const sockets = new Set<Socket>();
  let timer: NodeJS.Timeout | undefined;
  return startPeer((s: Socket) => {
    sockets.add(s);
    s.on("data", (b: Buffer) => {
      s.write(b);
      timer ??= setTimeout(() => {
        for (const x of sockets) x.destroy();
      }, afterMs);
    });
  });
}

test(
  "every connection lost mid-run: the time really measured and the real rates, in the library, the CLI and bench merge",
  { timeout: 60_000 },
  async () => {
    const peer = await dyingPeer(300);
    const r = await bench({ port: peer.port, connections: 3, size: 64, durationMs: 20_000 });
    assert.equal(r.ok, false);
    assert.ok(r.requests > 0, JSON.stringify(r));
    assert.ok(r.elapsedMs > 0 && r.elapsedMs < 20_000, `elapsedMs ${r.elapsedMs}`);
    assert.ok(Math.abs(r.requestsPerSecond - r.requests / (r.elapsedMs / 1000)) < 1e-6 * r.requestsPerSecond);
    await peer.close();

    const cliPeer = await dyingPeer(300);
    const json = await runCli(["bench", `127.0.0.1:${cliPeer.port}`, "-c", "2", "-d", "20s", "--json"], {
      timeout: 30_000,
    });
    assert.equal(json.code, 1, json.stderr);
    const last = JSON.parse(json.stdout.toString().trim().split("\n").at(-1) ?? "{}");
    assert.ok(last.elapsedMs > 0 && last.requestsPerSecond > 0, JSON.stringify(last));
    const dir = mkdtempSync(join(tmpdir(), "tcpecho-lost-"));
    try {
      writeFileSync(join(dir, "lost.json"), json.stdout);
      const merged = await runCli(["bench", "merge", join(dir, "lost.json"), "--json"]);
      const m = JSON.parse(merged.stdout.toString().trim().split("\n").at(-1) ?? "{}");
      assert.equal(m.requests, last.requests);
      assert.ok(m.requestsPerSecond > 0 && m.elapsedMs === last.elapsedMs, JSON.stringify(m));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await cliPeer.close();
  },
);

/** An echo peer that answers its first `served` connections and accepts, but never reads, the rest. */
function partialPeer(served: number) {
  let accepted = 0;
  return startPeer((s: Socket) => {
    if (++accepted > served) return; // accepted, never read: the bytes wait in the kernel
    s.on("data", (b: Buffer) => s.write(b));
    s.on("end", () => s.end());
  });
}

test(
  "connections the server never answers: counted, said, and the run ends at its duration, not after the grace",
  { timeout: 60_000 },
  async () => {
    let peer = await partialPeer(2);
    const began = performance.now();
    const r = await bench({ port: peer.port, connections: 4, size: 64, durationMs: 500 });
    const took = performance.now() - began;
    assert.equal(r.connected, 4);
    assert.equal(r.errors.neverEchoed, 2, JSON.stringify(r.errors));
    assert.equal(r.ok, false);
    assert.ok(r.requests > 0);
    // Waiting for the unanswered ones would take the whole 2 s grace past the duration.
    assert.ok(took < 2000, `took ${Math.round(took)} ms`);
    await peer.close();

    peer = await partialPeer(2);

    const text = await runCli(["bench", `127.0.0.1:${peer.port}`, "-c", "4", "-d", "300ms"]);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout.toString(), /^ {4}2 of 4 connections never got an echo: /m);
    await peer.close();
    peer = await partialPeer(2);
    const ko = await runCli(["bench", `127.0.0.1:${peer.port}`, "-c", "4", "-d", "300ms", "--lang", "ko"]);
    assert.match(ko.stdout.toString(), /^ {4}연결 4개 중 2개는 에코를 한 번도 받지 못했습니다/m);
    await peer.close();
  },
);

test("CLI: a run shorter than a second says its time in ms", { timeout: 30_000 }, async () => {
  const srv = await echoServer();
  const r = await runCli(["bench", `127.0.0.1:${srv.port}`, "-c", "1", "-n", "2"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout.toString(), /^ {2}requests {4}2 in \d+\.\d+ ms: [\d.]+ requests\/s$/m);
  const ko = await runCli(["bench", `127.0.0.1:${srv.port}`, "-c", "1", "-n", "2", "--lang", "ko"]);
  assert.match(ko.stdout.toString(), /^ {2}요청 {8}\d+\.\d+ ms 동안 2개, 초당 [\d.]+개$/m);
  await srv.close();
});

test("CLI: -n with -d is a usage error naming both, exit 2", { timeout: 30_000 }, async () => {
  for (const lang of ["en", "ko"]) {
    const r = await runCli(["bench", "127.0.0.1:1", "-n", "5", "-d", "1s", "--lang", lang]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout.toString(), "", "nothing ran");
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /--count.*--duration/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test("CLI: a comparison whose baseline failed gives the others no ratio", { timeout: 30_000 }, async () => {
  const closed = await freePort();
  const srv = await echoServer();
  const args = ["bench", `127.0.0.1:${closed}`, `127.0.0.1:${srv.port}`, "-c", "1", "-d", "200ms"];
  const json = await runCli([...args, "--rounds", "1", "--json"]);
  assert.equal(json.code, 1, json.stderr);
  const last = JSON.parse(json.stdout.toString().trim().split("\n").at(-1) ?? "{}");
  assert.equal(last.targets[0].ratio, null);
  assert.equal(last.targets[1].ratio, null);
  assert.ok(last.targets[1].requestsPerSecond > 0);
  const text = await runCli([...args, "--rounds", "1"]);
  const out = text.stdout.toString();
  assert.match(out, new RegExp(`^127\\.0\\.0\\.1:${srv.port} +[\\d.]+ +[\\d.]+ +n/a$`, "m"));
  assert.doesNotMatch(out, /0\.000/);
  await srv.close();
});

/** An echo peer that calls `onEcho` once it has echoed `bytes` bytes in all. */
function countingPeer(bytes: number, onEcho: () => void) {
  let echoed = 0;
  return startPeer((s: Socket) => {
    s.on("data", (b: Buffer) => {
      s.write(b);
      echoed += b.length;
      if (echoed >= bytes && echoed - b.length < bytes) onEcho();
    });
    s.on("end", () => s.end());
  });
}

for (const extra of [[], ["--threads", "2"], ["--rate", "1000000000"]]) {
  test(
    `CLI: Ctrl-C prints the report of what was measured so far, exit 130 (${extra.join(" ") || "one thread"})`,
    { timeout: 60_000 },
    async (t) => {
      const skip = needsSignals("SIGINT for the report so far");
      if (skip) return t.skip(skip);
      let echoing: () => void = () => {};
      const echoed = new Promise<void>((r) => (echoing = r));
      const peer = await countingPeer(64 * 1000, () => echoing());
      const cli = startCli(["bench", `127.0.0.1:${peer.port}`, "-c", "2", "-s", "64", "-d", "60s", ...extra]);
      try {
        await cli.waitFor(/^tcpecho bench /);
        await echoed;
        cli.proc.kill("SIGINT");
        await cli.waitFor(/^ {2}errors/, 20_000);
        const code = await cli.exited;
        assert.equal(code, 130, cli.stderr.join("\n"));
        const out = cli.stdout.join("\n");
        const m = /^ {2}requests {4}(\d+) in ([\d.]+) (ms|s): /m.exec(out);
        assert.ok(m !== null && Number(m[1]) >= 1000 && Number(m[2]) > 0, out);
        assert.match(out, /^ {2}errors {6}none/m);
        assert.match(cli.stderr.join("\n"), /stopped by Ctrl-C/);
      } finally {
        cli.proc.kill("SIGKILL");
        await peer.close();
      }
    },
  );
}
