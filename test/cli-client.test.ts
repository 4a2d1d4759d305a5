/** `tcpecho client` as a user runs it: piped, --send, on a terminal, and its errors. */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, openSync } from "node:fs";
import { test } from "node:test";
import {
  needsSignals,
  cleanEnv,
  CLI,
  freePort,
  needs,
  needsTerminal,
  randomBytesSeeded,
  runCli,
  startCliServer,
  startPeer,
  stopCli,
  waitListening,
  fixture,
  killGroup,
  linuxOnly,
  runTool,
  onTerminal,
  startCli,
  simulatedEnv,
  terminalSession,
  waitUntil,
} from "./helpers.js";

test("--send prints exactly the echo", { timeout: 15_000 }, async () => {
  const srv = await startCliServer(["--quiet"]);
  try {
    const r = await runCli(["client", "127.0.0.1", String(srv.port), "--send", "hello"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "hello");
    const lf = await runCli(["client", `127.0.0.1:${srv.port}`, "--send", "안녕", "--lf", "--verify"]);
    assert.equal(lf.stdout.toString(), "안녕\n");
  } finally {
    await stopCli(srv);
  }
});

test(
  "piped: binary-safe, half-closes at end of input, --verify confirms every byte",
  { timeout: 30_000 },
  async () => {
    const srv = await startCliServer(["--quiet"]);
    try {
      const data = randomBytesSeeded(4 * 1024 * 1024 + 17, 21);
      const r = await runCli(["client", "-p", String(srv.port), "--verify"], { input: data });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.equals(data), "the echo on standard output differs from the input");
      assert.match(r.stderr, /verified: all 4\.2 MB came back exactly as sent/);
      const empty = await runCli(["client", "-p", String(srv.port)], { input: "" });
      assert.equal(empty.code, 0);
      assert.equal(empty.stdout.length, 0);
    } finally {
      await stopCli(srv);
    }
  },
);

test("--verify against a server that alters a byte: exit 1, says where", { timeout: 15_000 }, async () => {
  const peer = await startPeer((s) => {
    s.on("data", (b: Buffer) => s.write(Buffer.from(b.toString("latin1").replace("x", "y"), "latin1")));
    s.on("end", () => s.end());
  });
  try {
    const r = await runCli(["client", "-p", String(peer.port), "--verify"], { input: "abcxdef" });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /differs from what was sent, first at byte 3/);
    const once = await runCli(["client", "-p", String(peer.port), "--verify", "--send", "xx"]);
    assert.equal(once.code, 1);
    assert.match(once.stderr, /first at byte 0/);
  } finally {
    await peer.close();
  }
});

test("a server that closes early: exit 1 with the counts", { timeout: 15_000 }, async () => {
  const peer = await startPeer((s) => s.once("data", () => s.end("ab")));
  try {
    const r = await runCli(["client", "-p", String(peer.port)], { input: "abcdef" });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /closed the connection after sending back 2 of 6 bytes/);
  } finally {
    await peer.close();
  }
});

test(
  "piped, the server closes before anything was sent: says so (not '0 of 0 bytes'), exit 1; Korean too",
  { timeout: 20_000 },
  async () => {
    const peer = await startPeer((s) => s.end());
    try {
      for (const [lang, line] of [
        [
          "en",
          `[TCP client] the server (127.0.0.1:${peer.port}) closed the connection before anything was sent to it`,
        ],
        [
          "ko",
          `[TCP 클라이언트] 아직 아무것도 보내지 않았는데 서버(127.0.0.1:${peer.port})가 연결을 닫았습니다`,
        ],
      ] as const) {
        // Standard input stays open, as `sleep 5 | tcpecho client` keeps it.
        const cli = startCli(["client", "-p", String(peer.port), "--lang", lang]);
        try {
          const [code] = await Promise.all([cli.exited, once(cli.proc, "close")]);
          assert.equal(code, 1);
          assert.deepEqual(cli.stderr, [line]);
        } finally {
          await stopCli(cli);
        }
      }
    } finally {
      await peer.close();
    }
  },
);

test("refused and timed out, explained; Korean too", { timeout: 20_000 }, async (t) => {
  const skip = linuxOnly("Linux's words for a refused connection; errors-platform.test.ts has the others");
  if (skip) return t.skip(skip);
  const port = await freePort();
  const r = await runCli(["client", "-p", String(port), "--send", "x"]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.trim(),
    `[TCP client] connection refused by 127.0.0.1:${port}: nothing is listening on that port there (is the server running, on this port?)`,
  );
  const ko = await runCli(["client", "-p", String(port), "--send", "x", "--lang", "ko"]);
  assert.match(ko.stderr, /^\[TCP 클라이언트\] 서버\(127\.0\.0\.1:\d+\)가 접속을 거부했습니다/);
  // A server that accepts and never answers.
  const mute = await startPeer(() => {});
  try {
    const slow = await runCli(["client", "-p", String(mute.port), "--send", "x", "--timeout", "300ms"]);
    assert.equal(slow.code, 1);
    assert.match(slow.stderr, /no echo from 127\.0\.0\.1:\d+ within 0\.3 s/);
  } finally {
    await mute.close();
  }
});

/** Runs the CLI with `args` on a pseudo-terminal, typing `lines` one by one after each prompt. */
function clientOnTerminal(
  args: string[],
  lines: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  return onTerminal(command, lines, env);
}

test(
  "on a terminal: the textbook dialogue, and an empty line closes politely",
  { timeout: 20_000 },
  async (t) => {
    const skip = needsTerminal();
    if (skip) return t.skip(skip);
    const srv = await startCliServer();
    try {
      const { code, screen } = await clientOnTerminal(
        ["client", "127.0.0.1", String(srv.port)],
        ["hello", "two words", ""],
        cleanEnv(),
      );
      assert.equal(code, 0, screen);
      assert.match(
        screen,
        /\[send\] hello\n\[TCP client\] sent 5 bytes\.\n\[TCP client\] received 5 bytes\.\n\[received data\] hello\n/,
      );
      assert.match(
        screen,
        /\[TCP client\] sent 9 bytes\.\n\[TCP client\] received 9 bytes\.\n\[received data\] two words\n/,
      );
      assert.match(screen, /\[TCP client\] connection closed\./);
      await srv.waitFor(/\[TCP\/127\.0\.0\.1:\d+\] two words$/);
      await srv.waitFor(/client disconnected: .*\(14 bytes echoed/);
    } finally {
      await stopCli(srv);
    }
  },
);

test("on a terminal in Korean, with --crlf", { timeout: 20_000 }, async (t) => {
  const skip = needsTerminal();
  if (skip) return t.skip(skip);
  const srv = await startCliServer(["--lang", "ko"]);
  try {
    const { code, screen } = await clientOnTerminal(
      ["client", "-p", String(srv.port), "--crlf"],
      ["안녕", ""],
      cleanEnv({ LANG: "ko_KR.UTF-8" }),
    );
    assert.equal(code, 0, screen);
    // 안녕 is 6 bytes in UTF-8, plus \r\n.
    assert.match(
      screen,
      /\[보낼 데이터\] 안녕\n\[TCP 클라이언트\] 8바이트를 보냈습니다\.\n\[TCP 클라이언트\] 8바이트를 받았습니다\.\n\[받은 데이터\] 안녕\n/,
    );
    await srv.waitFor(/^\[TCP\/127\.0\.0\.1:\d+\] 안녕\\r\\n$/);
  } finally {
    await stopCli(srv);
  }
});

test(
  "on a terminal: the server closing the connection is said at once, exit 0; a reset exits 1",
  { timeout: 30_000 },
  async (t) => {
    const skip = needsTerminal();
    if (skip) return t.skip(skip);
    // The server's idle timeout closes the connection (FIN) while the client waits at the prompt.
    const srv = await startCliServer(["--idle-timeout", "1s"]);
    try {
      const started = Date.now();
      const { code, screen } = await clientOnTerminal(["client", "-p", String(srv.port)], [], cleanEnv());
      assert.equal(code, 0, screen);
      assert.match(
        screen,
        new RegExp(
          `\\[TCP client\\] the server \\(127\\.0\\.0\\.1:${srv.port}\\) closed the connection\\.\\n$`,
        ),
      );
      assert.ok(Date.now() - started < 8000, "noticed without waiting for a typed line");
      // Also after an echo, and in Korean.
      const ko = await clientOnTerminal(
        ["client", "-p", String(srv.port), "--lang", "ko"],
        ["안녕"],
        cleanEnv(),
      );
      assert.equal(ko.code, 0, ko.screen);
      assert.match(ko.screen, /\[받은 데이터\] 안녕\n/);
      assert.match(ko.screen, /\[TCP 클라이언트\] 서버\(127\.0\.0\.1:\d+\)가 연결을 닫았습니다\.\n$/);
    } finally {
      await stopCli(srv);
    }
    // A server that resets the connection a moment after accepting it.
    const peer = await startPeer((s) => setTimeout(() => s.resetAndDestroy(), 300));
    try {
      const { code, screen } = await clientOnTerminal(["client", "-p", String(peer.port)], [], cleanEnv());
      assert.equal(code, 1, screen);
      assert.match(
        screen,
        /\[TCP client\] the connection to 127\.0\.0\.1:\d+ was reset: the other side closed it abruptly\n$/,
      );
    } finally {
      await peer.close();
    }
  },
);

test(
  "on a terminal over TLS: the dialogue names the protocol; a server close is noticed",
  { timeout: 20_000 },
  async (t) => {
    const skip = needsTerminal();
    if (skip) return t.skip(skip);
    const cert = fixture("localhost.cert.pem");
    const key = fixture("localhost.key.pem");
    const srv = await startCliServer(["--tls-cert", cert, "--tls-key", key, "--idle-timeout", "2s"]);
    try {
      const { code, screen } = await clientOnTerminal(
        ["client", `localhost:${srv.port}`, "--tls-ca", cert],
        ["secret", ""],
        cleanEnv(),
      );
      assert.equal(code, 0, screen);
      assert.match(screen, /\[TCP client\] connected to 127\.0\.0\.1:\d+ \(TLSv1\.[23]\); type a line/);
      assert.match(screen, /\[TCP client\] received 6 bytes\.\n\[received data\] secret\n/);
      assert.match(screen, /\[TCP client\] connection closed\./);
      await srv.waitFor(/\] secret$/);
      // The server's idle timeout ends a TLS session too: said at once.
      const idle = await clientOnTerminal(
        ["client", "-p", String(srv.port), "--tls-ca", cert],
        [],
        cleanEnv(),
      );
      assert.equal(idle.code, 0, idle.screen);
      assert.match(idle.screen, /\[TCP client\] the server \(127\.0\.0\.1:\d+\) closed the connection\.\n$/);
    } finally {
      await stopCli(srv);
    }
  },
);

// ncat --exec relays through blocking pipes: it drops what cat still holds when
// it sees the client's FIN, and can deadlock on streams larger than the pipe
// buffers (seen with a plain Python client too). Hence --no-shutdown and 48 KiB.
test("works against ncat's echo (ncat --exec /bin/cat)", { timeout: 30_000 }, async (t) => {
  const skip = needs("ncat");
  if (skip) return t.skip(skip);
  const port = await freePort();
  const ncat = spawn("ncat", ["-l", "-k", "127.0.0.1", String(port), "--exec", "/bin/cat"], {
    stdio: "ignore",
  });
  try {
    await waitListening(port);
    const once = await runCli(["client", "-p", String(port), "--send", "hello ncat"]);
    assert.equal(once.code, 0, once.stderr);
    assert.equal(once.stdout.toString(), "hello ncat");
    for (let i = 0; i < 3; i++) {
      const data = randomBytesSeeded(48 * 1024, 5 + i);
      const piped = await runCli(["client", "-p", String(port), "--verify", "--no-shutdown"], {
        input: data,
      });
      assert.equal(piped.code, 0, piped.stderr);
      assert.ok(piped.stdout.equals(data));
    }
  } finally {
    killGroup(ncat);
  }
});

test("works against socat's echo (socat TCP-LISTEN,fork PIPE)", { timeout: 20_000 }, async (t) => {
  const skip = needs("socat");
  if (skip) return t.skip(skip);
  const port = await freePort();
  const socat = spawn("socat", [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, "PIPE"], {
    stdio: "ignore",
  });
  try {
    await waitListening(port);
    const once = await runCli(["client", "-p", String(port), "--send", "hello socat"]);
    assert.equal(once.code, 0, once.stderr);
    assert.equal(once.stdout.toString(), "hello socat");
    const data = randomBytesSeeded(1024 * 1024, 6);
    const piped = await runCli(["client", "-p", String(port), "--verify"], { input: data });
    assert.equal(piped.code, 0, piped.stderr);
    assert.ok(piped.stdout.equals(data));
  } finally {
    killGroup(socat);
  }
});

test("ncat and socat as clients of tcpecho serve get their bytes back", { timeout: 20_000 }, async (t) => {
  const skipN = needs("ncat");
  const skipS = needs("socat");
  if (skipN || skipS) return t.skip(String(skipN || skipS));
  const srv = await startCliServer();
  try {
    const viaNcat = await runTool("ncat", ["127.0.0.1", String(srv.port)], "from ncat\n");
    assert.equal(viaNcat, "from ncat\n");
    const viaSocat = await runTool("socat", ["-", `TCP:127.0.0.1:${srv.port}`], "from socat\n");
    assert.equal(viaSocat, "from socat\n");
    await srv.waitFor(/\] from ncat\\n$/);
    await srv.waitFor(/\] from socat\\n$/);
  } finally {
    await stopCli(srv);
  }
});

/** The CLI with `args` as a shell command for {@link terminalSession}. */
const cliCommand = (args: string[]) =>
  [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");

test(
  "on a terminal, Ctrl-C ends the client at once, at the prompt or waiting for an echo: a fresh line, the closing line, exit 130",
  { timeout: 30_000 },
  async (t) => {
    const skip = needsTerminal();
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--quiet"]);
    // A server that accepts and never answers: the echo would take the whole --timeout.
    const mute = await startPeer(() => {});
    try {
      const atPrompt = await terminalSession(
        cliCommand(["client", "-p", String(srv.port)]),
        [
          { after: /\[send\] $/, keys: "hello\r" },
          { after: /\[received data\] hello\n\[send\] $/, keys: "\x03" },
        ],
        cleanEnv(),
      );
      assert.equal(atPrompt.code, 130, atPrompt.screen);
      assert.match(
        atPrompt.screen,
        /\[received data\] hello\n\[send\] \^C\n\[TCP client\] interrupted \(Ctrl-C\); connection closed\.\n$/,
      );
      const waiting = await terminalSession(
        cliCommand(["client", "-p", String(mute.port), "--timeout", "60s", "--lang", "ko"]),
        [
          { after: /\[보낼 데이터\] $/, keys: "hello\r" },
          { after: /5바이트를 보냈습니다\.\n$/, keys: "\x03" },
        ],
        cleanEnv(),
      );
      assert.equal(waiting.code, 130, waiting.screen);
      assert.match(
        waiting.screen,
        /\[TCP 클라이언트\] 5바이트를 보냈습니다\.\n\^C\n\[TCP 클라이언트\] 중단했습니다\(Ctrl-C\)\. 연결을 닫았습니다\.\n$/,
      );
    } finally {
      await mute.close();
      await stopCli(srv);
    }
  },
);

test(
  "on a terminal, Ctrl-D at the prompt ends its line before the closing line",
  { timeout: 20_000 },
  async (t) => {
    const skip = needsTerminal();
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--quiet"]);
    try {
      const { code, screen } = await terminalSession(
        cliCommand(["client", "-p", String(srv.port)]),
        [
          { after: /\[send\] $/, keys: "hi\r" },
          { after: /\[received data\] hi\n\[send\] $/, keys: "\x04" },
        ],
        cleanEnv(),
      );
      assert.equal(code, 0, screen);
      assert.match(screen, /\[received data\] hi\n\[send\] \n\[TCP client\] connection closed\.\n$/);
    } finally {
      await stopCli(srv);
    }
  },
);

test(
  "on a terminal, pasted lines are sent, echoed and prompted for one by one, in order",
  { timeout: 20_000 },
  async (t) => {
    const skip = needsTerminal();
    if (skip) return t.skip(skip);
    const srv = await startCliServer();
    try {
      // Four lines arriving at once, the last one empty (it ends the dialogue).
      const { code, screen } = await terminalSession(
        cliCommand(["client", "-p", String(srv.port)]),
        [{ after: /\[send\] $/, keys: "one\rtwo words\rthree\r\r" }],
        cleanEnv(),
      );
      assert.equal(code, 0, screen);
      const each = (line: string, n: number) =>
        `[send] ${line}\n[TCP client] sent ${n} bytes.\n[TCP client] received ${n} bytes.\n[received data] ${line}\n`;
      assert.ok(
        screen.endsWith(
          each("one", 3) +
            each("two words", 9) +
            each("three", 5) +
            "[send] \n[TCP client] connection closed.\n",
        ),
        screen,
      );
      await srv.waitFor(/client disconnected: .*\(17 bytes echoed/);
    } finally {
      await stopCli(srv);
    }
  },
);

test("piped: SIGINT ends the client at once, exit 130", { timeout: 20_000 }, async (t) => {
  const skip = needsSignals("SIGINT, exit 130");
  if (skip) return t.skip(skip);
  let accepted!: () => void;
  const arrived = new Promise<void>((resolve) => (accepted = resolve));
  // Holds what it gets and never answers, so the client has an echo to wait for.
  const mute = await startPeer((s) => s.once("data", () => accepted()));
  const cli = startCli(["client", "-p", String(mute.port), "--timeout", "60s"]);
  try {
    cli.proc.stdin!.write("hello");
    await arrived;
    cli.proc.kill("SIGINT");
    assert.equal(await cli.exited, 130);
    assert.deepEqual(cli.stderr, ["[TCP client] interrupted (Ctrl-C); connection closed."]);
  } finally {
    await stopCli(cli);
    await mute.close();
  }
});

test(
  "--timeout: a silent server is given up at the timeout, without waiting for it to close",
  { timeout: 30_000 },
  async () => {
    // Each connection's start, to time the client from there (not from its process start).
    const starts: number[] = [];
    const mute = await startPeer(() => starts.push(Date.now()));
    try {
      for (const [args, input] of [
        [["--send", "hello"], ""],
        [[], "hello"],
      ] as const) {
        const cli = startCli(["client", "-p", String(mute.port), "--timeout", "1s", ...args]);
        cli.proc.stdin!.end(input);
        const code = await cli.exited;
        const took = Date.now() - (starts.at(-1) ?? 0);
        assert.equal(code, 1);
        assert.match(cli.stderr.join("\n"), /no echo from 127\.0\.0\.1:\d+ within 1 s/);
        // It waited the timeout, then closed at once (it used to wait up to 2 s more for the server's FIN).
        assert.ok(took >= 950 && took < 2500, `exited ${took} ms after connecting`);
      }
      assert.equal(starts.length, 2);
    } finally {
      await mute.close();
    }
  },
);

test(
  "plain client and ping against a TLS port: it seems to speak TLS, try --tls; in Korean too",
  { timeout: 30_000 },
  async () => {
    const srv = await startCliServer([
      "--tls-cert",
      fixture("localhost.cert.pem"),
      "--tls-key",
      fixture("localhost.key.pem"),
      "--quiet",
    ]);
    try {
      const advice = /; this port seems to speak TLS: try --tls\n$/;
      const once = await runCli(["client", "-p", String(srv.port), "--send", "hello"]);
      assert.equal(once.code, 1);
      assert.match(
        once.stderr,
        /^\[TCP client\] 127\.0\.0\.1:\d+ closed the connection after sending back 0 of 5 bytes/,
      );
      assert.match(once.stderr, advice);
      const piped = await runCli(["client", "-p", String(srv.port)], { input: "hello\n" });
      assert.equal(piped.code, 1);
      assert.match(piped.stderr, advice);
      assert.doesNotMatch(piped.stderr, /--no-shutdown/);
      const ko = await runCli(["client", "-p", String(srv.port), "--send", "hello", "--lang", "ko"]);
      assert.match(ko.stderr, /이 포트는 TLS를 쓰는 것 같습니다: --tls 를 붙여 보세요\n$/);
      const p = await runCli(["ping", `127.0.0.1:${srv.port}`, "-c", "2", "-i", "0.1"]);
      assert.equal(p.code, 1);
      assert.equal(
        p.stderr,
        `127.0.0.1:${srv.port} seems to speak TLS (it answers a TLS handshake): try --tls\n`,
      );
      // A plain server that hangs up at the first bytes is not taken for one.
      const peer = await startPeer((s) => s.once("data", () => s.end()));
      try {
        const closed = await runCli(["client", "-p", String(peer.port), "--send", "hello"]);
        assert.equal(closed.code, 1);
        assert.match(closed.stderr, /after sending back 0 of 5 bytes\n$/);
      } finally {
        await peer.close();
      }
    } finally {
      await stopCli(srv);
    }
  },
);

test(
  "a server answering plain bytes with a TLS alert record: it seems to speak TLS",
  { timeout: 20_000 },
  async () => {
    // What many TLS stacks send to a client that does not speak TLS: an alert (protocol_version), then close.
    const alert = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]);
    const peer = await startPeer((s) => s.once("data", () => s.end(alert)));
    try {
      // As long as what was sent: the "echo" is the record's first bytes.
      const once = await runCli(["client", "-p", String(peer.port), "--send", "hello"]);
      assert.equal(once.code, 1);
      assert.equal(once.stdout.length, 0, "the alert is not shown as an echo");
      assert.match(
        once.stderr,
        /differs from what was sent, first at byte 0; this port seems to speak TLS: try --tls\n$/,
      );
      // Longer: the server closed after the record.
      const longer = await runCli(["client", "-p", String(peer.port), "--send", "hello there"]);
      assert.equal(longer.code, 1);
      assert.match(
        longer.stderr,
        /after sending back 7 of 11 bytes; this port seems to speak TLS: try --tls\n$/,
      );
      const piped = await runCli(["client", "-p", String(peer.port)], { input: "hello there\n" });
      assert.equal(piped.code, 1);
      assert.equal(piped.stdout.length, 0, "the alert is not passed on as an echo");
      assert.match(piped.stderr, /this port seems to speak TLS: try --tls\n$/);
    } finally {
      await peer.close();
    }
  },
);

test(
  "piped, a server that closes at the client's FIN without echoing: the client is told about --no-shutdown, in both languages",
  { timeout: 30_000 },
  async () => {
    // Takes what it gets, never echoes, and closes when the client's FIN comes.
    const atFin = await startPeer((s) => {
      s.resume();
      s.on("end", () => s.end());
    });
    // Hangs up at the first bytes, FIN or not.
    const hangUp = await startPeer((s) => s.once("data", () => s.end()));
    try {
      const r = await runCli(["client", "-p", String(atFin.port)], { input: "hello\n" });
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /closed the connection after sending back 0 of 6 bytes; it closed after our end of input \(FIN\) without echoing everything: if it stops at a FIN, as ncat --exec does, try --no-shutdown\n$/,
      );
      const ko = await runCli(["client", "-p", String(atFin.port), "--lang", "ko"], { input: "hello\n" });
      assert.equal(ko.code, 1);
      assert.match(
        ko.stderr,
        /FIN 을 받은 뒤 에코를 다 돌려보내지 않고 닫았습니다: ncat --exec 처럼 FIN 에서 멈추는 서버라면 --no-shutdown 을 붙여 보세요\n$/,
      );
      // Input still open, so no FIN of ours: the server's close is not put on it.
      const cli = startCli(["client", "-p", String(hangUp.port)]);
      try {
        cli.proc.stdin!.write("hello\n");
        assert.equal(await cli.exited, 1);
        assert.match(cli.stderr.join("\n"), /after sending back 0 of 6 bytes$/);
      } finally {
        await stopCli(cli);
      }
    } finally {
      await atFin.close();
      await hangUp.close();
    }
  },
);

test(
  "against ncat --exec, which stops at the client's FIN: told about --no-shutdown, and --no-shutdown works",
  { timeout: 30_000 },
  async (t) => {
    const skip = needs("ncat");
    if (skip) return t.skip(skip);
    const port = await freePort();
    // ncat relays to the command and closes when it sees the client's FIN; the command's
    // pause makes sure that nothing has come back by then.
    const ncat = spawn("ncat", ["-l", "-k", "127.0.0.1", String(port), "--sh-exec", "sleep 1; exec cat"], {
      stdio: "ignore",
      detached: true,
    });
    try {
      await waitListening(port);
      const r = await runCli(["client", "-p", String(port)], { input: "hello\n" });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /after sending back 0 of 6 bytes; .* try --no-shutdown\n$/);
      const fixed = await runCli(["client", "-p", String(port), "--no-shutdown"], { input: "hello\n" });
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.equal(fixed.stdout.toString(), "hello\n");
    } finally {
      killGroup(ncat);
    }
  },
);

/**
 * `client --interactive` with standard input and output pipes, as Git Bash's
 * window (mintty) gives them to a Windows program: the terminal, not the
 * client, shows what is typed. `out()` is standard output as it came.
 */
function pipedDialogue(port: number, args: string[] = []) {
  const cli = startCli(["client", "-p", String(port), "--interactive", ...args]);
  let text = "";
  cli.proc.stdout!.on("data", (chunk: string) => (text += chunk));
  const out = () => text;
  const until = (what: string, ok: (out: string) => boolean) =>
    waitUntil(`${what}; standard output: ${JSON.stringify(text)}`, () => ok(text));
  return { cli, out, until };
}

test(
  "--interactive over a pipe (Git Bash's window): the prompt, each reply once, an empty line quits, exit 0",
  { timeout: 20_000 },
  async () => {
    const srv = await startCliServer(["--quiet"]);
    const { cli, out, until } = pipedDialogue(srv.port);
    try {
      await until("the first prompt", (o) => o.endsWith("[send] "));
      cli.proc.stdin!.write("hello\n");
      await until("the reply, then a prompt", (o) => o.endsWith("[received data] hello\n[send] "));
      cli.proc.stdin!.write("two words\n");
      await until("the reply, then a prompt", (o) => o.endsWith("[received data] two words\n[send] "));
      // Input stays open: the empty line alone ends the dialogue.
      cli.proc.stdin!.write("\n");
      assert.equal(await cli.exited, 0);
      assert.equal(
        out(),
        `[TCP client] connected to 127.0.0.1:${srv.port}; type a line to send, an empty line to quit\n` +
          "[send] [TCP client] sent 5 bytes.\n[TCP client] received 5 bytes.\n[received data] hello\n" +
          "[send] [TCP client] sent 9 bytes.\n[TCP client] received 9 bytes.\n[received data] two words\n" +
          "[send] [TCP client] connection closed.\n",
      );
      assert.deepEqual(cli.stderr, []);
    } finally {
      await stopCli(cli);
      await stopCli(srv);
    }
  },
);

test(
  "--interactive over a pipe: end of input closes as Ctrl-D does (exit 0); not with --send",
  { timeout: 20_000 },
  async () => {
    const srv = await startCliServer(["--quiet", "--lang", "ko"]);
    try {
      const eof = pipedDialogue(srv.port, ["--lang", "ko", "--lf"]);
      await eof.until("the first prompt", (o) => o.endsWith("[보낼 데이터] "));
      eof.cli.proc.stdin!.write("안녕\n");
      await eof.until("the reply, then a prompt", (o) => o.endsWith("[받은 데이터] 안녕\n[보낼 데이터] "));
      eof.cli.proc.stdin!.end(); // Ctrl-D at the prompt
      assert.equal(await eof.cli.exited, 0);
      assert.match(
        eof.out(),
        /\[보낼 데이터\] \[TCP 클라이언트\] 7바이트를 보냈습니다\.\n.*\n\[받은 데이터\] 안녕\n\[보낼 데이터\] \n\[TCP 클라이언트\] 연결을 닫았습니다\.\n$/,
      );
      const both = await runCli(["client", "-p", String(srv.port), "--send", "hi", "--interactive"]);
      assert.equal(both.code, 2);
      assert.equal(both.stderr.trim().split("\n").length, 1, both.stderr);
      assert.match(both.stderr, /--send.*--interactive/);
    } finally {
      await stopCli(srv);
    }
  },
);

test(
  "--interactive over a pipe: Ctrl-C at the prompt, a fresh line, the closing line, exit 130",
  { timeout: 20_000 },
  async (t) => {
    const skip = linuxOnly("SIGINT sent from the test");
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--quiet"]);
    const ctrlC = pipedDialogue(srv.port);
    try {
      await ctrlC.until("the first prompt", (o) => o.endsWith("[send] "));
      ctrlC.cli.proc.kill("SIGINT");
      assert.equal(await ctrlC.cli.exited, 130);
      assert.match(ctrlC.out(), /\[send\] \n\[TCP client\] interrupted \(Ctrl-C\); connection closed\.\n$/);
      assert.deepEqual(ctrlC.cli.stderr, []);
    } finally {
      await stopCli(ctrlC.cli);
      await stopCli(srv);
    }
  },
);

test(
  "piped on Windows under Git Bash (simulated, MSYSTEM set): one note on standard error about --interactive and winpty; the bytes unchanged; no note elsewhere, nor with output to /dev/null",
  { timeout: 30_000 },
  async () => {
    const srv = await startCliServer(["--quiet"]);
    try {
      const args = ["client", "-p", String(srv.port)];
      const gitBash = simulatedEnv("win32", { MSYSTEM: "MINGW64", TERM: "xterm" });
      const r = await runCli(args, { input: "hello\n", env: gitBash });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), "hello\n");
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(
        lines[0] ?? "",
        /^\[TCP client\] standard input is a pipe.*--interactive.*winpty tcpecho client$/,
      );
      const ko = await runCli([...args, "--lang", "ko"], { input: "hello\n", env: gitBash });
      assert.match(ko.stderr, /^\[TCP 클라이언트\] .*--interactive.*winpty tcpecho client.*\n$/);
      // A usage error there is said alone, in its one line, without the note before it.
      const refused = await runCli([...args, "--encoding", "cp949"], { input: "hello\n", env: gitBash });
      assert.equal(refused.code, 2, refused.stderr);
      assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
      assert.match(refused.stderr, /--encoding cp949/);
      // Where no person can be typing into the pipe, or they said it is data: nothing but the bytes.
      const quietCases: [NodeJS.ProcessEnv, string[]][] = [
        [gitBash, ["--no-interactive"]],
        [simulatedEnv("win32", { MSYSTEM: undefined, TERM: undefined }), []],
      ];
      // This machine's own system, if it is not Windows (the scripts' piped output stays as it was).
      if (process.platform !== "win32")
        quietCases.push([cleanEnv({ MSYSTEM: "MINGW64", TERM: "xterm" }), []]);
      // Output to /dev/null (NUL on Windows, a character device), as in `tar c src | tcpecho client --verify >/dev/null`.
      const devNull = openSync("/dev/null", "w");
      try {
        const proc = spawn(process.execPath, [CLI, ...args], {
          env: gitBash,
          stdio: ["pipe", devNull, "pipe"],
        });
        let stderr = "";
        proc.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
        proc.stdin!.end("hello\n");
        const [code] = (await once(proc, "close")) as [number];
        assert.equal(code, 0, stderr);
        assert.equal(stderr, "", "standard output to /dev/null");
      } finally {
        closeSync(devNull);
      }
      for (const [env, extra] of quietCases) {
        const quiet = await runCli([...args, ...extra], { input: "hello\n", env });
        assert.equal(quiet.code, 0, quiet.stderr);
        assert.equal(quiet.stdout.toString(), "hello\n");
        assert.equal(
          quiet.stderr,
          "",
          `${JSON.stringify(extra)} ${env.TCPECHO_SIMULATE_PLATFORM ?? "linux"}`,
        );
      }
    } finally {
      await stopCli(srv);
    }
  },
);
