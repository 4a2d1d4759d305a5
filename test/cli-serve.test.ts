/** `tcpecho serve` as a user runs it: its lines, its signals, its errors. */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import {
  needsSignals,
  STOPPED,
  cleanEnv,
  CLI,
  freePort,
  have,
  linuxOnly,
  randomBytesSeeded,
  rawConnect,
  readAll,
  readN,
  runCli,
  startCli,
  startCliServer,
  stopCli,
  fixture,
} from "./helpers.js";
import { portHolderCommand, systemPrefix } from "../src/net/error-text.js";

test(
  "prints the textbook's lines: listening, where to connect, connect, data, disconnect",
  { timeout: 15_000 },
  async () => {
    const srv = await startCliServer();
    try {
      assert.match(
        srv.stdout[0] ?? "",
        /^\[TCP server\] listening on 127\.0\.0\.1:\d+ \(loopback: this machine only\), backlog \d+$/,
      );
      await srv.waitFor(/^\[TCP server\] a client can connect to 127\.0\.0\.1:\d+ \(loopback/);
      const s = await rawConnect(srv.port);
      const port = s.localPort;
      await srv.waitFor(
        new RegExp(`^\\[TCP server\\] client connected: IP address=127\\.0\\.0\\.1, port=${port}$`),
      );
      s.write("hello\r\n\x00\\");
      await readN(s, 9);
      await srv.waitFor(new RegExp(`^\\[TCP/127\\.0\\.0\\.1:${port}\\] hello\\\\r\\\\n\\\\x00\\\\\\\\$`));
      s.write(Buffer.alloc(500, 0x61));
      await readN(s, 500);
      await srv.waitFor(/\] a{80}… \(\+420 bytes\)$/);
      s.end();
      await readAll(s);
      await srv.waitFor(
        new RegExp(
          `^\\[TCP server\\] client disconnected: IP address=127\\.0\\.0\\.1, port=${port} \\(509 bytes echoed in \\d+ ms\\)$`,
        ),
      );
    } finally {
      await stopCli(srv);
    }
  },
);

test("Korean with --lang ko, and with LANG=ko_KR.UTF-8", { timeout: 15_000 }, async (t) => {
  const skip = needsSignals("SIGTERM for the closing summary");
  if (skip) return t.skip(skip);
  for (const [args, env] of [
    [["--lang", "ko"], cleanEnv()],
    [[], cleanEnv({ LANG: "ko_KR.UTF-8" })],
  ] as const) {
    const srv = await startCliServer([...args], env);
    try {
      assert.match(srv.stdout[0] ?? "", /^\[TCP 서버\] 127\.0\.0\.1:\d+ 에서 접속 대기 중/);
      const s = await rawConnect(srv.port);
      const port = s.localPort;
      await srv.waitFor(
        new RegExp(`^\\[TCP 서버\\] 클라이언트 접속: IP 주소=127\\.0\\.0\\.1, 포트 번호=${port}$`),
      );
      s.write("안녕하세요");
      await readN(s, Buffer.byteLength("안녕하세요"));
      await srv.waitFor(new RegExp(`^\\[TCP/127\\.0\\.0\\.1:${port}\\] 안녕하세요$`));
      s.end();
      await readAll(s);
      await srv.waitFor(
        new RegExp(`^\\[TCP 서버\\] 클라이언트 종료: IP 주소=127\\.0\\.0\\.1, 포트 번호=${port} \\(`),
      );
      srv.proc.kill("SIGTERM");
      assert.equal(await srv.exited, 0);
      await srv.waitFor(/^\[TCP 서버\] 종료: /);
    } finally {
      await stopCli(srv);
    }
  }
});

test("--quiet keeps only the start, errors and the summary", { timeout: 15_000 }, async (t) => {
  const skip = needsSignals("SIGINT for the closing summary");
  if (skip) return t.skip(skip);
  const srv = await startCliServer(["--quiet"]);
  const s = await rawConnect(srv.port);
  s.end("quiet please");
  assert.equal((await readAll(s)).toString(), "quiet please");
  srv.proc.kill("SIGINT");
  assert.equal(await srv.exited, 0);
  assert.equal(srv.stdout.filter((l) => l !== "").length, 3, srv.stdout.join("\n"));
  assert.match(srv.stdout[0] ?? "", /listening on/);
  assert.match(srv.stdout[1] ?? "", /stopping/);
  assert.match(
    srv.stdout[2] ?? "",
    /^\[TCP server\] stopped after .*: 1 connection served, 12 bytes echoed$/,
  );
});

test("data lines are rate-limited: a flood does not flood the log", { timeout: 15_000 }, async () => {
  const srv = await startCliServer(["--data-lines", "5"]);
  try {
    const s = await rawConnect(srv.port);
    const back = readAll(s);
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      s.write(`message ${i}`);
      await readN(s, `message ${i}`.length);
    }
    s.end();
    await back.catch(() => {});
    await srv.waitFor(/client disconnected/);
    // At most 5 in each second the messages took (a slow machine takes more seconds, not more lines).
    const seconds = Math.ceil((Date.now() - started) / 1000);
    const dataLines = srv.stdout.filter((l) => l.startsWith("[TCP/"));
    assert.ok(
      dataLines.length >= 5 && dataLines.length <= 5 * (seconds + 1),
      `${dataLines.length} data lines in ${seconds} s`,
    );
    assert.ok(srv.stdout.some((l) => /more than 5 data lines this second/.test(l)));
  } finally {
    await stopCli(srv);
  }
});

test(
  "SIGTERM with a client mid-echo: it drains completely, then a summary and exit 0",
  { timeout: 30_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM to drain");
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--quiet"]);
    const data = randomBytesSeeded(8 * 1024 * 1024, 11);
    const s = await rawConnect(srv.port);
    const back = readAll(s, 25_000);
    const echoing = once(s, "data");
    s.write(data.subarray(0, 2 * 1024 * 1024));
    await echoing; // accepted and mid-echo: a client still in the accept queue would be reset by the stop
    srv.proc.kill("SIGTERM");
    await srv.waitFor(/stopping: no longer accepting; waiting up to 10\.0 s for 1 open connection/);
    // The rest still goes through the same connection, and all of it comes back.
    for (let at = 2 * 1024 * 1024; at < data.length; at += 256 * 1024) {
      if (!s.write(data.subarray(at, at + 256 * 1024))) await new Promise((r) => s.once("drain", r));
    }
    s.end();
    const got = await back;
    assert.equal(got.length, data.length);
    assert.ok(got.equals(data));
    assert.equal(await srv.exited, 0);
    assert.match(srv.stdout.at(-1) ?? "", /stopped after .*: 1 connection served, 8\.4 MB echoed$/);
  },
);

test("a second signal forces the stop", { timeout: 15_000 }, async (t) => {
  const skip = needsSignals("SIGINT to drain, a second to force the stop");
  if (skip) return t.skip(skip);
  const srv = await startCliServer(["--quiet", "--drain-timeout", "60s"]);
  const s = await rawConnect(srv.port);
  s.on("error", () => {});
  s.write("x");
  await readN(s, 1); // accepted: a client still in the accept queue would be reset by the stop
  srv.proc.kill("SIGINT");
  await srv.waitFor(/stopping/);
  srv.proc.kill("SIGINT");
  assert.equal(await srv.exited, 0);
  assert.ok(srv.stdout.some((l) => /forced stop: closing 1 connection now/.test(l)));
  s.destroy();
});

test("port in use: says so, shows how to find the holder, exit 1", { timeout: 15_000 }, async () => {
  const srv = await startCliServer(["--quiet"]);
  try {
    const r = await runCli(["serve", "-H", "127.0.0.1", "-p", String(srv.port)]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, new RegExp(`port ${srv.port} on 127\\.0\\.0\\.1 is already in use `));
    // The command that shows who holds the port, on this system (ss -ltnp 'sport = :PORT' on Linux).
    assert.ok(r.stderr.includes(portHolderCommand(srv.port, false)), r.stderr);
  } finally {
    await stopCli(srv);
  }
});

test("a well-known port without privilege: explains ports below 1024", { timeout: 15_000 }, (t) => {
  const linux = linuxOnly("setpriv, and the kernel's ip_unprivileged_port_start");
  if (linux) return t.skip(linux);
  if (process.getuid?.() !== 0 || !have("setpriv")) {
    t.skip("needs root and setpriv to run the CLI as an unprivileged user");
    return;
  }
  const unprivStart = Number(
    spawnSync("cat", ["/proc/sys/net/ipv4/ip_unprivileged_port_start"]).stdout.toString() || 1024,
  );
  if (unprivStart <= 7) {
    t.skip("this kernel lets anyone bind low ports (ip_unprivileged_port_start)");
    return;
  }
  const r = spawnSync(
    "setpriv",
    [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      process.execPath,
      CLI,
      "serve",
      "-H",
      "127.0.0.1",
      "-p",
      "7",
    ],
    {
      env: cleanEnv(),
      timeout: 10_000,
    },
  );
  assert.equal(r.status, 1);
  // Linux's rule; the simulated macOS and Windows have their own (platform-errors.test.ts).
  assert.match(
    r.stderr.toString(),
    process.platform === "linux"
      ? /no permission to listen on port 7: ports below 1024 are well-known ports/
      : /port 7/,
  );
  assert.doesNotMatch(r.stderr.toString(), /at .*\.js:\d+/);
});

test("an address this machine does not have: said in words, exit 1", { timeout: 15_000 }, async () => {
  const r = await runCli(["serve", "-H", "192.0.2.55", "-p", "0"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /this machine has no address 192\.0\.2\.55/);
});

// Nineteen runs of the CLI one after another: each a Node start-up, seconds each on a loaded machine.
test("bad command lines: one line, exit 2, never a stack trace", { timeout: 120_000 }, async () => {
  const cases: [string[], RegExp][] = [
    [["serve", "--port", "70000"], /port number .*'70000'/],
    [["serve", "--port", "abc"], /port number .*'abc'/],
    [["serve", "--port", "-1"], /./],
    [["serve", "--host", "300.1.1.1"], /an IP address .*'300\.1\.1\.1'/],
    [["serve", "--host", "not a host"], /'not a host'/],
    [["serve", "--bogus"], /unknown option '--bogus'/],
    [["serve", "--backlog", "0"], /--backlog/],
    [["serve", "--drain-timeout", "soon"], /--drain-timeout/],
    [["serve", "--lang", "fr"], /--lang/],
    [["serve", "--allow", "10.0.0.0/33"], /--allow an address range .*'10\.0\.0\.0\/33'/],
    [["serve", "--deny", "nobody"], /--deny/],
    [["serve", "--max-connections", "many"], /--max-connections/],
    [["serve", "--max-per-ip", "-1"], /--max-per-ip/],
    [["serve", "--idle-timeout", "later"], /--idle-timeout/],
    [["serve", "--log-format", "xml"], /--log-format/],
    [["client", "127.0.0.1", "70000"], /port number from 1 to 65535, not '70000'/],
    [["client", "127.0.0.1", "0"], /port number .*'0'/],
    [["client", "-p", "abc"], /port number .*'abc'/],
    [["client", "a..b"], /'a\.\.b'/],
    [["client", "127.0.0.1:9000", "9001"], /port only once .*9000, 9001/],
    [["client", "--timeout", "-5"], /--timeout/],
    [["client", "--crlf", "--lf"], /--crlf and --lf/],
    [["nonsense"], /unknown command 'nonsense'/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli(args, { env: cleanEnv({ TCPECHO_PORT: String(await freePort()) }) });
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}, stderr ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(lines[0] ?? "", pattern, args.join(" "));
    assert.match(lines[0] ?? "", /^tcpecho: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test("Korean usage errors", { timeout: 30_000 }, async () => {
  const r = await runCli(["serve", "--port", "abc"], { env: cleanEnv({ LC_ALL: "ko_KR.UTF-8" }) });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^tcpecho: --port 에는 포트 번호를 0부터 65535까지의 정수로 주세요 \(받은 값: 'abc'\)/,
  );
  const duration = await runCli(["serve", "--drain-timeout", "soon", "--lang", "ko"]);
  assert.equal(duration.code, 2);
  assert.match(
    duration.stderr,
    /^tcpecho: --drain-timeout 에는 500ms, 10s, 2m, 1h 같은 시간\(단위가 없으면 초\)을 주세요 \(받은 값: 'soon'\)/,
  );
  const count = await runCli(["serve", "--backlog", "0", "--lang", "ko"]);
  assert.match(count.stderr, /^tcpecho: --backlog 에는 1 이상의 값을 주세요 \(받은 값: '0'\)/);
  for (const text of [duration.stderr, count.stderr]) assert.doesNotMatch(text, /a duration|whole number/);
});

test(
  "TCPECHO_PORT and TCPECHO_HOST set the defaults; --help shows examples",
  { timeout: 15_000 },
  async () => {
    const port = await freePort();
    const srv = startCli(
      ["serve", "--quiet"],
      cleanEnv({ TCPECHO_HOST: "127.0.0.1", TCPECHO_PORT: String(port) }),
    );
    try {
      await srv.waitFor(new RegExp(`listening on 127\\.0\\.0\\.1:${port} `));
    } finally {
      await stopCli(srv);
    }
    const help = await runCli(["serve", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout.toString(), /Examples:\n\s+tcpecho serve /);
    // Every option is documented and shows up in at least one example.
    const text = help.stdout.toString();
    const [options, examples] = text.split("Examples:") as [string, string];
    const documented = [...options.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1] as string);
    assert.ok(documented.length >= 20, documented.join(" "));
    for (const opt of documented) {
      // The program's own --version shows among the global options (beside --lang); it is no serve option.
      if (opt === "--help" || opt === "--version") continue;
      const short = new RegExp(`^\\s+(-\\w), ${opt}`, "m").exec(options)?.[1];
      const used =
        examples.includes(`${opt} `) ||
        examples.includes(`${opt}\n`) ||
        (short !== undefined && examples.includes(`${short} `));
      const viaEnv = opt === "--port" && examples.includes("TCPECHO_PORT=");
      assert.ok(used || viaEnv, `${opt} has no example`);
    }
  },
);

test(
  "--log-format json: one JSON object per line per event, each client event with the client's address",
  { timeout: 15_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM for the shutdown and stopped events");
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--log-format", "json", "--max-connections", "1"]);
    const a = await rawConnect(srv.port);
    const aPort = a.localPort;
    a.write("hi\n");
    await readN(a, 3);
    const b = await rawConnect(srv.port);
    b.on("error", () => {});
    await readAll(b).catch(() => Buffer.alloc(0));
    a.end();
    await readAll(a);
    await srv.waitFor(/"event":"disconnect"/);
    assert.equal(await stopCli(srv), STOPPED);
    const events = srv.stdout.filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      events.map((e) => e.event),
      ["start", "connect", "data", "refused", "disconnect", "shutdown", "stopped"],
    );
    for (const e of events) assert.match(String(e.time), /^\d{4}-\d\d-\d\dT/);
    const byEvent = new Map(events.map((e) => [e.event, e]));
    assert.equal(byEvent.get("start")?.port, srv.port);
    for (const name of ["connect", "data", "disconnect"]) {
      assert.equal(byEvent.get(name)?.remoteAddress, "127.0.0.1", name);
      assert.equal(byEvent.get(name)?.remotePort, aPort, name);
    }
    assert.equal(byEvent.get("data")?.text, "hi\n");
    assert.equal(byEvent.get("disconnect")?.bytesOut, 3);
    assert.equal(byEvent.get("refused")?.reason, "max-connections");
    assert.equal(byEvent.get("refused")?.remoteAddress, "127.0.0.1");
    assert.equal((byEvent.get("stopped")?.refused as Record<string, number>)["max-connections"], 1);
  },
);

/** Runs `serve` to its failure; with --log-format json its standard output is that one JSON event. */
async function failure(args: string[], lang = "en") {
  const r = await runCli(["serve", "-H", "127.0.0.1", ...args, "--lang", lang], { timeout: 15_000 });
  const out = r.stdout.toString();
  return { ...r, out, event: out === "" ? undefined : (JSON.parse(out) as Record<string, unknown>) };
}

test(
  "start-up failures name the endpoint and stay in the chosen format: echo port, --metrics port, TLS files",
  { timeout: 60_000 },
  async () => {
    const holder = await startCliServer(["--quiet"]);
    try {
      const taken = String(holder.port);
      const echo = ["-p", taken];
      const metrics = ["-p", "0", "--metrics", `127.0.0.1:${taken}`];
      // On Windows the Winsock number and name come first: EADDRINUSE (10048, WSAEADDRINUSE).
      const wsa = systemPrefix("EADDRINUSE").replace(/[()]/g, "\\$&");
      // Text: one line on standard error, nothing on standard output, exit 1.
      for (const [args, lang, pattern] of [
        [
          echo,
          "en",
          new RegExp(`^\\[TCP server\\] ${wsa}the echo port ${taken} on 127\\.0\\.0\\.1 is already in use`),
        ],
        [
          metrics,
          "en",
          new RegExp(
            `^\\[TCP server\\] ${wsa}the metrics port ${taken} \\(--metrics\\) on 127\\.0\\.0\\.1 is already in use`,
          ),
        ],
        [
          echo,
          "ko",
          new RegExp(
            `^\\[TCP 서버\\] ${wsa}127\\.0\\.0\\.1 의 에코 포트 ${taken}: 다른 프로그램이 이미 쓰고 있습니다`,
          ),
        ],
        [
          metrics,
          "ko",
          new RegExp(
            `^\\[TCP 서버\\] ${wsa}127\\.0\\.0\\.1 의 메트릭 포트 ${taken}\\(--metrics\\): 다른 프로그램이 이미 쓰고 있습니다`,
          ),
        ],
      ] as const) {
        const r = await failure([...args], lang);
        assert.equal(r.code, 1, r.stderr);
        assert.equal(r.out, "");
        assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
        assert.match(r.stderr, pattern);
      }
      // JSON: one object on standard output, nothing on standard error, the same exit code.
      for (const [args, endpoint] of [
        [echo, "echo"],
        [metrics, "metrics"],
      ] as const) {
        for (const lang of ["en", "ko"]) {
          const r = await failure([...args, "--log-format", "json"], lang);
          assert.equal(r.code, 1, r.stderr);
          assert.equal(r.stderr, "");
          assert.equal(r.out.trim().split("\n").length, 1, r.out);
          assert.equal(r.event?.event, "error");
          assert.equal(r.event?.code, "EADDRINUSE");
          assert.equal(r.event?.endpoint, endpoint);
          assert.equal(r.event?.port, holder.port);
          assert.equal(r.event?.host, "127.0.0.1");
          assert.equal(r.event?.exitCode, 1);
          assert.equal(typeof r.event?.pid, "number");
          assert.match(String(r.event?.time), /^\d{4}-\d\d-\d\dT/);
          assert.match(String(r.event?.message), lang === "ko" ? /이미 쓰고 있습니다/ : /already in use/);
        }
      }
      // A TLS file that is not what it should be: a usage error (exit 2) naming the option and the file.
      const key = fixture("localhost.key.pem");
      const cert = fixture("localhost.cert.pem");
      for (const [args, option, file, reason] of [
        [["--tls-cert", key, "--tls-key", key], "--tls-cert", key, /no certificate in it/],
        [["--tls-cert", cert, "--tls-key", cert], "--tls-key", cert, /no private key in it/],
        [
          ["--tls-cert", "/nonexistent/cert.pem", "--tls-key", key],
          "--tls-cert",
          "/nonexistent/cert.pem",
          /no such file/,
        ],
      ] as const) {
        const text = await failure(["-p", "0", ...args]);
        assert.equal(text.code, 2, text.stderr);
        assert.equal(text.stderr.trim().split("\n").length, 1, text.stderr);
        assert.match(text.stderr, new RegExp(`^tcpecho: give ${option} a readable PEM file \\('${file}': `));
        assert.match(text.stderr, reason);
        assert.doesNotMatch(text.stderr, /error:[0-9A-F]{8}|routines/);
        const json = await failure(["-p", "0", ...args, "--log-format", "json"]);
        assert.equal(json.code, 2);
        assert.equal(json.stderr, "");
        assert.equal(json.event?.event, "error");
        assert.equal(json.event?.code, "ERR_INVALID_OPTION");
        assert.equal(json.event?.option, option);
        assert.equal(json.event?.value, file);
        assert.equal(json.event?.exitCode, 2);
        assert.match(String(json.event?.message), reason);
      }
    } finally {
      await stopCli(holder);
    }
  },
);

test(
  "--log-format json: a bad command line of serve is one JSON error too, exit 2",
  { timeout: 30_000 },
  async () => {
    for (const [args, code] of [
      [["--port", "70000", "--log-format", "json"], "ERR_INVALID_PORT"],
      [["--log-format=json", "--bogus"], "ERR_USAGE"],
      [["--log-format", "json", "--drain-timeout", "soon"], "ERR_INVALID_OPTION"],
    ] as const) {
      const r = await runCli(["serve", ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr, "");
      const lines = r.stdout.toString().trim().split("\n");
      assert.equal(lines.length, 1);
      const e = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
      assert.equal(e.event, "error");
      assert.equal(e.code, code, lines[0]);
      assert.equal(e.exitCode, 2);
      assert.ok(String(e.message).length > 10);
    }
    // Without --log-format json the same mistakes stay one text line on standard error.
    const text = await runCli(["serve", "--bogus"]);
    assert.equal(text.code, 2);
    assert.equal(text.stdout.length, 0);
    assert.match(text.stderr, /^tcpecho: unknown option '--bogus'/);
  },
);

test(
  "--log-format json without --workers: every event carries pid, none carries worker",
  { timeout: 15_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM for the shutdown and stopped events");
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--log-format", "json"]);
    await echoLine(srv.port);
    await srv.waitFor(/"event":"disconnect"/);
    assert.equal(await stopCli(srv), STOPPED);
    const events = srv.stdout.filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(events.length >= 5);
    for (const e of events) {
      assert.equal(e.pid, srv.proc.pid, JSON.stringify(e));
      assert.equal("worker" in e, false, JSON.stringify(e));
    }
    assert.equal(events.find((e) => e.event === "connect")?.id, 1);
  },
);

async function echoLine(port: number): Promise<void> {
  const s = await rawConnect(port);
  const back = readAll(s);
  s.end("hi\n");
  assert.equal((await back).toString(), "hi\n");
}
