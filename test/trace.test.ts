/**
 * `--trace` on `serve` and `client`, as processes over real sockets on
 * loopback (npm test runs it on both data paths): the calls in order with
 * the right descriptors and byte counts, and the TCP states they print
 * checked against what `ss` reports for the same sockets.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import { test } from "node:test";
import { createEchoServer } from "tcpecho";
import {
  freePort,
  linuxOnly,
  needs,
  rawConnect,
  readAll,
  runCli,
  sleep,
  startCliServer,
  startPeer,
  stopCli,
  type RunningCli,
  waitUntil,
} from "./helpers.js";

const TRACE = /^\[trace\] /;

interface SsRow {
  state: string;
  local: string;
  peer: string;
  inode: number;
}

/** `ss -tane`'s sockets, states spelled as the kernel's headers do (ESTABLISHED, FIN_WAIT2, …). */
function ss(): SsRow[] {
  const out = spawnSync("ss", ["-Htane"], { encoding: "utf8", timeout: 5000 }).stdout;
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5)
    .map((f) => ({
      state: f[0] === "ESTAB" ? "ESTABLISHED" : (f[0] ?? "").replace(/-(\d)$/, "$1").replace(/-/g, "_"),
      local: f[3] ?? "",
      peer: f[4] ?? "",
      inode: Number(/ino:(\d+)/.exec(f.join(" "))?.[1] ?? -1),
    }));
}

function traceLines(cli: RunningCli): string[] {
  return [...cli.stdout, ...cli.stderr].filter((l) => TRACE.test(l));
}

test("serve --trace: listen, accept, recv, send, recv=0, shutdown, close in order, fds and states as ss sees them", async (t) => {
  const skip = linuxOnly("--trace's TCP states from /proc/net/tcp") || needs("ss", "iproute2");
  if (skip) return t.skip(skip);
  const server = await startCliServer(["--trace"]);
  try {
    const listen = await server.waitFor(/^\[trace\] listen\((\d+), backlog \d+.*\) → LISTEN/);
    const lfd = Number(/listen\((\d+)/.exec(listen)?.[1]);
    assert.match(
      traceLines(server)[0] ?? "",
      new RegExp(`^\\[trace\\] socket\\(AF_INET, SOCK_STREAM, 0\\) = fd ${lfd}  — listening socket`),
    );
    assert.ok(ss().some((r) => r.state === "LISTEN" && r.local === `127.0.0.1:${server.port}`));

    const s = await rawConnect(server.port);
    const me = `127.0.0.1:${s.localPort}`;
    const accept = await server.waitFor(
      new RegExp(`^\\[trace\\] accept\\(${lfd}\\) = fd (\\d+) ← ${me} → ESTABLISHED.*accept queue now \\d+`),
    );
    const fd = Number(/= fd (\d+)/.exec(accept)?.[1]);
    // The descriptor the trace names is the server's socket for this client, and ss says it is established.
    const link = readlinkSync(`/proc/${server.proc.pid}/fd/${fd}`);
    const row = ss().find((r) => r.local === `127.0.0.1:${server.port}` && r.peer === me);
    assert.equal(row?.state, "ESTABLISHED");
    assert.equal(link, `socket:[${row?.inode}]`);

    s.write("hello");
    await server.waitFor(new RegExp(`^\\[trace\\] send\\(${fd}, 5\\) = 5 → ESTABLISHED`));
    s.end();
    assert.equal((await readAll(s)).toString(), "hello");
    await server.waitFor(new RegExp(`^\\[trace\\] close\\(${fd}\\)`));
    const mine = traceLines(server).filter((l) => l.includes(`(${fd}`) || l.includes(`= fd ${fd} `));
    assert.deepEqual(
      mine.map((l) => /^\[trace\] (\w+)/.exec(l)?.[1]),
      ["accept", "recv", "send", "recv", "shutdown", "close"],
      mine.join("\n"),
    );
    assert.match(mine[1] ?? "", new RegExp(`^\\[trace\\] recv\\(${fd}, 65536\\) = 5 "hello" → ESTABLISHED`));
    assert.match(
      mine[3] ?? "",
      new RegExp(`^\\[trace\\] recv\\(${fd}\\) = 0 → CLOSE_WAIT  — the client's FIN`),
    );
    // After our FIN: LAST_ACK if the client's ACK is not in yet, else gone from the table.
    assert.match(mine[4] ?? "", /shutdown\(\d+, SHUT_WR\) → (LAST_ACK|gone from the kernel's table)/);
    // The client's side ended in TIME_WAIT, as ss shows for its port now.
    assert.equal(ss().find((r) => r.local === me)?.state, "TIME_WAIT");
  } finally {
    await stopCli(server);
  }
});

test("serve --trace: a client that never reads shows the queued send and that reading stops", async (t) => {
  const skip = linuxOnly("--trace's TCP states from /proc/net/tcp");
  if (skip) return t.skip(skip);
  const server = await startCliServer(["--trace", "--trace-lines", "100000", "--data-lines", "0"]);
  const s = await rawConnect(server.port);
  try {
    s.pause();
    const chunk = Buffer.alloc(1 << 20, 0x61);
    // Bounded: at most 64 MiB, stopping once the trace says the server's send was queued.
    for (let i = 0; i < 64 && !traceLines(server).some((l) => /queued/.test(l)); i++) {
      if (!s.write(chunk)) await Promise.race([new Promise((r) => s.once("drain", r)), sleep(200)]);
    }
    const line = await server.waitFor(
      /^\[trace\] send\(\d+, \d+\) = (\d+|\?) → ESTABLISHED {2}— .*queued.*reading stops/,
    );
    const [, asked, took] = /send\(\d+, (\d+)\) = (\d+|\?)/.exec(line) ?? [];
    if (took !== "?") assert.ok(Number(took) < Number(asked), line);
  } finally {
    s.destroy();
    await stopCli(server);
  }
});

test("client --trace --send: connect with its ephemeral port, send, recvn with its recv calls, shutdown, close as ss sees it", async (t) => {
  const skip = linuxOnly("--trace's TCP states from /proc/net/tcp") || needs("ss", "iproute2");
  if (skip) return t.skip(skip);
  const server = await startCliServer(["--quiet"]);
  try {
    const r = await runCli(["client", "127.0.0.1", String(server.port), "--send", "hello", "--trace"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "hello");
    const lines = r.stderr.split("\n").filter((l) => TRACE.test(l));
    assert.deepEqual(
      lines.map((l) => /^\[trace\] (\w+)/.exec(l)?.[1]),
      ["socket", "connect", "send", "recvn", "shutdown", "close"],
      r.stderr,
    );
    const fd = Number(/= fd (\d+)/.exec(lines[0] ?? "")?.[1]);
    assert.ok(fd > 2, lines[0]);
    const connect = lines[1] ?? "";
    assert.match(
      connect,
      new RegExp(`^\\[trace\\] connect\\(${fd}, 127\\.0\\.0\\.1:${server.port}\\) = 0 → ESTABLISHED`),
    );
    const port = Number(/our side 127\.0\.0\.1:(\d+) \(the port is an ephemeral one/.exec(connect)?.[1]);
    assert.ok(port > 1023, connect);
    assert.match(lines[2] ?? "", new RegExp(`^\\[trace\\] send\\(${fd}, 5\\) = 5`));
    assert.match(
      lines[3] ?? "",
      new RegExp(`^\\[trace\\] recvn\\(${fd}, 5\\) = 5 "hello" → \\w+  — [1-5] recv calls?`),
    );
    assert.match(lines[4] ?? "", /shutdown\(\d+, SHUT_WR\) → (FIN_WAIT1|FIN_WAIT2|TIME_WAIT)/);
    assert.match(lines[5] ?? "", /close\(\d+\) → TIME_WAIT/);
    // The same socket, as ss reports it after the client has gone.
    const row = ss().find((x) => x.local === `127.0.0.1:${port}` && x.peer === `127.0.0.1:${server.port}`);
    assert.equal(row?.state, "TIME_WAIT");
  } finally {
    await stopCli(server);
  }
});

test("client --trace on the failure paths: a refused connect, and the recvn that timed out; in Korean too", async (t) => {
  const skip = linuxOnly("--trace's TCP states from /proc/net/tcp");
  if (skip) return t.skip(skip);
  const port = await freePort();
  const refused = await runCli(["client", "-p", String(port), "--send", "hi", "--trace"]);
  assert.equal(refused.code, 1);
  const lines = refused.stderr.split("\n").filter((l) => TRACE.test(l));
  assert.deepEqual(
    lines.map((l) => /^\[trace\] (\w+)/.exec(l)?.[1]),
    ["socket", "connect", "close"],
    refused.stderr,
  );
  const fd = Number(/= fd (\d+)/.exec(lines[0] ?? "")?.[1]);
  assert.ok(fd > 2, lines[0]);
  assert.equal(
    lines[1],
    `[trace] connect(${fd}, 127.0.0.1:${port}) = -1 ECONNREFUSED  — nothing listens on that port: our SYN was answered with RST`,
  );
  assert.match(refused.stderr, /\n\[TCP client\] connection refused by 127\.0\.0\.1:\d+: /);
  const ko = await runCli(["client", "-p", String(port), "--send", "hi", "--trace", "--lang", "ko"]);
  assert.match(
    ko.stderr,
    /^\[추적\] connect\(\d+, 127\.0\.0\.1:\d+\) = -1 ECONNREFUSED {2}— 그 포트에서 대기 중인 소켓이 없어 SYN에 RST가 돌아왔습니다$/m,
  );

  const mute = await startPeer(() => {});
  try {
    for (const [lang, timedOut] of [
      [
        "en",
        /^\[trace\] recvn\((\d+), 5\) = -1 ETIMEDOUT → ESTABLISHED {2}— 0 recv calls \(the recvn loop\); nothing more came back within 0.3 s, so the client gives up$/,
      ],
      [
        "ko",
        /^\[추적\] recvn\((\d+), 5\) = -1 ETIMEDOUT → ESTABLISHED {2}— recv 0번 호출\(recvn 반복\); 0.3초 동안 더 돌아온 것이 없어 클라이언트가 기다리기를 그만둡니다$/,
      ],
    ] as const) {
      const r = await runCli([
        "client",
        "-p",
        String(mute.port),
        "--send",
        "hello",
        "--timeout",
        "300ms",
        "--trace",
        "--lang",
        lang,
      ]);
      assert.equal(r.code, 1);
      const calls = r.stderr.split("\n").filter((l) => /^\[(trace|추적)\] /.test(l));
      assert.deepEqual(
        calls.map((l) => /^\[\S+\] (\w+)/.exec(l)?.[1]),
        ["socket", "connect", "send", "recvn", "close"],
        r.stderr,
      );
      assert.match(calls[2] ?? "", /^\[\S+\] send\(\d+, 5\) = 5 → ESTABLISHED$/);
      assert.match(calls[3] ?? "", timedOut);
    }
  } finally {
    await mute.close();
  }
});

test("--trace in Korean, and as JSON events on serve --log-format json", async (t) => {
  const skip = linuxOnly("--trace's TCP states from /proc/net/tcp");
  if (skip) return t.skip(skip);
  const server = await startCliServer(["--trace", "--lang", "ko", "--log-format", "json"]);
  try {
    const r = await runCli([
      "client",
      "127.0.0.1",
      String(server.port),
      "--send",
      "hi",
      "--trace",
      "--lang",
      "ko",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^\[추적\] connect\(\d+, 127\.0\.0\.1:\d+\) = 0 → ESTABLISHED {2}— 이쪽 주소 127\.0\.0\.1:\d+\(포트는 커널이 고른 임시 포트\)$/m,
    );
    assert.match(r.stderr, /^\[추적\] recvn\(\d+, 2\) = 2 "hi" → \w+ {2}— recv \d번 호출\(recvn 반복\)$/m);
    await server.waitFor(/"call":"close"/);
    const events = server.stdout
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.event === "trace");
    const socket = events.find((e) => e.call === "socket");
    assert.deepEqual(socket?.notes, [
      "대기 소켓",
      "Node는 socket(), bind(), listen()을 한 번의 호출(server.listen)로 합니다",
    ]);
    const accept = events.find((e) => e.call === "accept");
    assert.equal(accept?.state, "ESTABLISHED");
    assert.equal(accept?.fd, socket?.fd);
    assert.equal(typeof accept?.newFd, "number");
    assert.ok((accept?.notes as string[]).includes("통신 소켓"));
    assert.match(String((accept?.notes as string[])[1]), /^지금 접속 대기 큐의 연결 \d+개$/);
    const recv0 = events.find((e) => e.call === "recv" && e.result === "0");
    assert.equal(recv0?.state, "CLOSE_WAIT");
    assert.equal(recv0?.fd, accept?.newFd);
  } finally {
    await stopCli(server);
  }
});

test("serve --trace-lines caps the trace lines a second and says so; without --trace there are none", async () => {
  const traced = await startCliServer(["--trace", "--trace-lines", "5", "--quiet"]);
  const plain = await startCliServer([]);
  try {
    const started = Date.now();
    for (const cli of [traced, plain]) {
      for (let i = 0; i < 10; i++) {
        const s = await rawConnect(cli.port);
        s.end("x");
        await readAll(s);
      }
    }
    await traced.waitFor(/^\[trace\] more than 5 trace lines a second/);
    await sleep(300);
    const seconds = Math.ceil((Date.now() - started) / 1000);
    // Past the listener's three lines: at most 5 a second, and the 10 clients made about 60 steps.
    const steps = traceLines(traced)
      .slice(3)
      .filter((l) => !/more than 5/.test(l));
    assert.ok(steps.length <= 5 * (seconds + 1), `${steps.length} lines in ${seconds} s`);
    assert.ok(steps.length < 60);
    await waitUntil(
      "the plain server's disconnect lines",
      () => plain.stdout.filter((l) => /disconnected/.test(l)).length === 10,
    );
    assert.deepEqual(traceLines(plain), []);
  } finally {
    await Promise.all([stopCli(traced), stopCli(plain)]);
  }
});

test("the library's observer option sees every step from the first connection, on this data path", async () => {
  const steps: string[] = [];
  const server = createEchoServer({
    host: "127.0.0.1",
    port: 0,
    observer: (_c, step) => steps.push(step.kind),
  });
  try {
    const { port } = await server.listen();
    // Observers add up: a second one sees the same steps.
    const second: string[] = [];
    server.observe((_c, step) => second.push(step.kind));
    const s = await rawConnect(port);
    s.end("abc");
    assert.equal((await readAll(s)).toString(), "abc");
    await waitUntil("the closed step", () => steps.includes("closed"));
    assert.deepEqual(steps, ["accepted", "read", "written", "end", "shutdown", "closed"]);
    assert.deepEqual(second, steps);
  } finally {
    await server.close();
  }
});
