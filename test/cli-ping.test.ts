/** `tcpecho ping` as a user runs it: its lines, statistics, JSON, Ctrl-C, exit codes, Korean. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { createEchoServer, type EchoServer } from "tcpecho";
import { needsSignals, freePort, runCli, startCli, startPeer } from "./helpers.js";

async function echoServer(): Promise<{ server: EchoServer; port: number }> {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  return { server, port };
}

const lines = (b: Buffer) => b.toString("utf8").replace(/\n$/, "").split("\n");

test("three probes: a header, a line per probe, the statistics; exit 0", { timeout: 15_000 }, async () => {
  const { server, port } = await echoServer();
  try {
    const r = await runCli(["ping", `127.0.0.1:${port}`, "-c", "3", "-i", "0.05"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const out = lines(r.stdout);
    assert.equal(out.length, 9, out.join("\n"));
    assert.equal(out[0], `PING 127.0.0.1:${port} (127.0.0.1): 56-byte probes over one TCP connection`);
    for (const seq of [1, 2, 3]) {
      assert.match(
        out[seq]!,
        new RegExp(`^56 bytes from 127\\.0\\.0\\.1:${port}: seq=${seq} time=\\d+(\\.\\d+)? ms$`),
      );
    }
    assert.equal(out[4], "");
    assert.equal(out[5], `--- 127.0.0.1:${port} tcpecho ping statistics ---`);
    assert.match(out[6]!, /^3 probes sent, 3 echoed, 0% loss, time \d+ ms$/);
    assert.match(out[7]!, /^rtt min\/avg\/max\/mdev = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3} ms$/);
    assert.match(out[8]!, /^rtt p50\/p95\/p99 = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3} ms$/);
  } finally {
    await server.close();
  }
});

test(
  "a closed port: a refusal per probe, statistics with 100% loss, exit 1",
  { timeout: 15_000 },
  async () => {
    const port = await freePort();
    const r = await runCli(["ping", "127.0.0.1", String(port), "-c", "3", "-i", "0.05"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "");
    const out = lines(r.stdout);
    assert.equal(out.filter((l) => l.startsWith(`From 127.0.0.1:${port}: seq=`)).length, 3);
    // The line names the address once; the reason does not repeat it.
    assert.equal(
      out[1],
      `From 127.0.0.1:${port}: seq=1 connection refused: nothing is listening on that port`,
    );
    assert.equal(out[out.length - 2], `--- 127.0.0.1:${port} tcpecho ping statistics ---`);
    assert.match(out[out.length - 1]!, /^3 probes sent, 0 echoed, 100% loss, time \d+ ms$/);
    assert.ok(!out.some((l) => l.startsWith("rtt")), "no rtt lines without an echo");
  },
);

test("--json: a JSON object per line, the last one the statistics", { timeout: 15_000 }, async () => {
  const { server, port } = await echoServer();
  try {
    const r = await runCli(["ping", `127.0.0.1:${port}`, "-c", "3", "-i", "0.05", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(out.length, 4);
    assert.deepEqual(
      out.slice(0, 3).map((p) => [p.type, p.seq, p.ok, p.bytes]),
      [
        ["probe", 1, true, 56],
        ["probe", 2, true, 56],
        ["probe", 3, true, 56],
      ],
    );
    const last = out[3]!;
    assert.equal(last.type, "summary");
    assert.equal(last.host, "127.0.0.1");
    assert.equal(last.port, port);
    assert.equal(last.sent, 3);
    assert.equal(last.echoed, 3);
    assert.equal(last.lossPercent, 0);
    assert.equal(last.tls, false);
    for (const k of ["minMs", "avgMs", "maxMs", "mdevMs", "p50Ms", "p95Ms", "p99Ms", "timeMs"]) {
      assert.equal(typeof last[k], "number", k);
      // Rounded to the microsecond: at most three decimals.
      assert.match(String(last[k]), /^\d+(\.\d{1,3})?$/, k);
    }
    for (const p of out.slice(0, 3)) assert.match(String(p.rttMs), /^\d+(\.\d{1,3})?$/);
    assert.ok(
      (last.minMs as number) <= (last.p50Ms as number) && (last.p99Ms as number) <= (last.maxMs as number),
    );
    // Every time is in a key named with its unit.
    for (const k of Object.keys(last)) {
      if (
        typeof last[k] === "number" &&
        !["port", "size", "sent", "echoed", "lost", "lossPercent"].includes(k)
      )
        assert.match(k, /Ms$/, k);
    }
  } finally {
    await server.close();
  }
  const closed = await runCli(["ping", `127.0.0.1:${await freePort()}`, "-c", "2", "-i", "0.05", "--json"]);
  assert.equal(closed.code, 1);
  const out = lines(closed.stdout);
  assert.equal((JSON.parse(out[0]!) as { code: string }).code, "ECONNREFUSED");
  const last = JSON.parse(out[out.length - 1]!) as Record<string, unknown>;
  assert.equal(last.lossPercent, 100);
  assert.equal(last.echoed, 0);
  assert.equal(last.minMs, null);
  assert.equal(last.p99Ms, null);
  const failed = JSON.parse(out[0]!) as Record<string, unknown>;
  assert.equal(failed.rttMs, null, "null where nothing came back");
  assert.equal(failed.error, "connection refused: nothing is listening on that port");
});

test("Ctrl-C (SIGINT) ends the ping and still prints the statistics", { timeout: 15_000 }, async (t) => {
  const skip = needsSignals("SIGINT for the statistics");
  if (skip) return t.skip(skip);
  const { server, port } = await echoServer();
  try {
    const cli = startCli(["ping", `127.0.0.1:${port}`, "-i", "0.05"]);
    await cli.waitFor(/seq=3 /);
    cli.proc.kill("SIGINT");
    assert.equal(await cli.exited, 0);
    assert.equal(cli.stdout.filter((l) => l.includes("tcpecho ping statistics")).length, 1);
    const summary = cli.stdout.find((l) => / probes sent, /.test(l));
    assert.match(summary ?? "", /^(\d+) probes sent, \1 echoed, 0% loss/);
  } finally {
    await server.close();
  }
});

test(
  "--connect-only against a listener that never echoes; --size with it is a usage error",
  {
    timeout: 15_000,
  },
  async () => {
    const peer = await startPeer((s) => s.on("end", () => s.end()));
    try {
      const r = await runCli(["ping", `127.0.0.1:${peer.port}`, "-c", "2", "-i", "0.05", "--connect-only"]);
      assert.equal(r.code, 0, r.stderr);
      const out = lines(r.stdout);
      assert.match(out[0]!, /a fresh TCP handshake per probe \(connect only\)$/);
      assert.match(out[1]!, new RegExp(`^connected to 127\\.0\\.0\\.1:${peer.port}: seq=1 time=`));
      assert.match(out[out.length - 3]!, /^2 probes sent, 2 connected, 0% loss/);
      const bad = await runCli(["ping", `127.0.0.1:${peer.port}`, "--connect-only", "-s", "100"]);
      assert.equal(bad.code, 2);
    } finally {
      await peer.close();
    }
  },
);

test("bad values: exit 2 with one line on standard error", { timeout: 15_000 }, async () => {
  const cases: [string[], RegExp][] = [
    [["-c", "0"], /--count .*'0'/],
    [["-c", "abc"], /--count .*'abc'/],
    [["-i", "soon"], /--interval .*'soon'/],
    [["-i", "0"], /--interval .*'0'/],
    [["-W", "never"], /--timeout .*'never'/],
    [["-s", "70000"], /--size at most 65535, not '70000'/],
    [["-s", "8"], /--size .*'8'/],
  ];
  const runs = await Promise.all([
    ...cases.map(([args]) => runCli(["ping", "127.0.0.1:9", ...args])),
    runCli(["ping", "300.1.1.1"]),
    runCli(["ping", "127.0.0.1:70000"]),
    runCli(["ping", "127.0.0.1:9", "10"]),
    runCli(["ping", "127.0.0.1:9", "--insecure", "--tls-ca", "/nonexistent.pem"]),
    runCli(["ping", "127.0.0.1:9", "--tls-ca", "/nonexistent.pem"]),
    runCli(["ping", "127.0.0.1:9", "--keepalive", "soon"]),
    runCli(["ping", "127.0.0.1:9", "--tls-servername", "127.0.0.1"]),
  ]);
  const expected = [
    ...cases.map(([, re]) => re),
    /an IP address .*'300\.1\.1\.1'/,
    /port number from 1 to 65535, not '70000'/,
    /port only once \(here twice: 9, 10\)/,
    /--tls-ca and --insecure/,
    /--tls-ca a readable PEM file \('\/nonexistent\.pem': no such file\)/,
    /--keepalive .*'soon'/,
    /--tls-servername a host name such as echo\.example\.org \(no IP address\), not '127\.0\.0\.1'/,
  ];
  runs.forEach((r, i) => {
    assert.equal(r.code, 2, `case ${i}: ${r.stderr}`);
    assert.equal(r.stdout.length, 0);
    const err = r.stderr.trimEnd();
    assert.equal(err.split("\n").length, 1, err);
    assert.match(err, expected[i]!);
    assert.match(err, /^tcpecho: .*\(see: tcpecho ping --help\)$/);
  });
});

test("--lang ko: Korean lines and statistics", { timeout: 15_000 }, async () => {
  const { server, port } = await echoServer();
  try {
    const r = await runCli(["ping", `127.0.0.1:${port}`, "-c", "3", "-i", "0.05", "--lang", "ko"]);
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.match(out[1]!, new RegExp(`^127\\.0\\.0\\.1:${port} 에서 56바이트 에코: seq=1 시간=[\\d.]+ ms$`));
    assert.equal(out[5], `--- 127.0.0.1:${port} tcpecho ping 통계 ---`);
    assert.match(out[6]!, /^3개 보냄, 3개 에코, 손실 0%, 시간 \d+ ms$/);
    assert.match(out[7]!, /^왕복 시간 최소\/평균\/최대\/편차 = /);
  } finally {
    await server.close();
  }
  const closed = await runCli(["ping", `127.0.0.1:${await freePort()}`, "-c", "1", "--lang", "ko"]);
  assert.equal(closed.code, 1);
  assert.match(
    closed.stdout.toString(),
    /^127\.0\.0\.1:\d+: seq=1 접속 거부: 그 포트에서 대기 중인 프로그램이 없습니다$/m,
  );
  assert.match(closed.stdout.toString(), /1개 보냄, 0개 에코, 손실 100%/);
});

test("no host: 127.0.0.1:9000, like client and bench", { timeout: 15_000 }, async () => {
  const r = await runCli(["ping", "-c", "1", "-W", "300ms"]);
  assert.equal(lines(r.stdout)[0], "PING 127.0.0.1:9000 (127.0.0.1): 56-byte probes over one TCP connection");
});

test("a probe with no echo: the line names the address once, and why", { timeout: 15_000 }, async () => {
  const mute = await startPeer(() => {});
  try {
    const r = await runCli(["ping", `127.0.0.1:${mute.port}`, "-c", "2", "-i", "0.1", "-W", "200ms"]);
    assert.equal(r.code, 1);
    const out = lines(r.stdout);
    assert.equal(out[1], `From 127.0.0.1:${mute.port}: seq=1 no echo within 200 ms`);
    const ko = await runCli(["ping", `127.0.0.1:${mute.port}`, "-c", "1", "-W", "200ms", "--lang", "ko"]);
    assert.equal(lines(ko.stdout)[1], `127.0.0.1:${mute.port}: seq=1 200밀리초 안에 에코가 오지 않았습니다`);
  } finally {
    await mute.close();
  }
});
