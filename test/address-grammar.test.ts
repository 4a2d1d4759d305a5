/**
 * One grammar for where every command connects or listens: `HOST:PORT`,
 * `:PORT`, `HOST PORT`, `[IPv6]:PORT` and `-H`/`-p` mean the same to
 * `client`, `ping`, `bench` and `diagnose`; `serve` takes `-H HOST:PORT`
 * and says how to give a bare argument; a part given twice differently, or
 * options that exclude each other, are one line and exit 2.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  STOPPED,
  cleanEnv,
  fixture,
  freePort,
  runCli,
  startCli,
  startCliServer,
  stopCli,
  type RunningCli,
} from "./helpers.js";

/** Each client command, run once against a server, and what says it reached it. */
const COMMANDS: Record<string, { args: string[]; reached: (out: string, port: number) => boolean }> = {
  client: { args: ["--send", "grammar"], reached: (out) => out === "grammar" },
  ping: { args: ["-c", "1", "-i", "0.1"], reached: (out, port) => out.includes(`:${port} `) },
  bench: { args: ["-n", "20", "-c", "1"], reached: (out, port) => out.includes(`:${port}: `) },
  diagnose: { args: [], reached: (out, port) => out.includes(`:${port}: echoed`) },
};

/** `tcpecho serve` on ::1 and a free port. */
async function serveOnIpv6(): Promise<RunningCli & { port: number }> {
  const cli = startCli(["serve", "--host", "::1", "--port", "0", "--quiet"]);
  const port = Number(/\[::1\]:(\d+)/.exec(await cli.waitFor(/\[::1\]:\d+/))?.[1]);
  return { ...cli, port };
}

/** A usage error: exit 2, one line on standard error, nothing on standard output, no stack trace. */
function assertUsage(r: { code: number | string; stdout: Buffer; stderr: string }, what: string): string {
  assert.equal(r.code, 2, `${what}: exit ${r.code}, stderr ${r.stderr}`);
  assert.equal(r.stdout.length, 0, `${what}: ${r.stdout.toString()}`);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
  assert.match(lines[0] ?? "", /^tcpecho: /);
  return lines[0] ?? "";
}

test(
  "client, ping, bench and diagnose read HOST:PORT, :PORT, HOST PORT, -H/-p and [IPv6]:PORT alike",
  { timeout: 180_000 },
  async () => {
    const v4 = await startCliServer(["--quiet"]);
    const v6 = await serveOnIpv6();
    try {
      const p = String(v4.port);
      const q = String(v6.port);
      const forms: [string[], number][] = [
        [[`127.0.0.1:${p}`], v4.port],
        [[`:${p}`], v4.port],
        [["127.0.0.1", p], v4.port],
        [["-H", "127.0.0.1", "-p", p], v4.port],
        [["-p", p], v4.port],
        [["-H", `127.0.0.1:${p}`], v4.port],
        // The same port twice is no conflict.
        [[`:${p}`, "-p", p], v4.port],
        [[`[::1]:${q}`], v6.port],
        [["::1", q], v6.port],
        [["-H", "::1", "-p", q], v6.port],
      ];
      for (const [command, { args, reached }] of Object.entries(COMMANDS)) {
        const runs = await Promise.all(
          forms.map(([form]) => runCli([command, ...form, ...args], { timeout: 30_000 })),
        );
        runs.forEach((r, i) => {
          const [form, port] = forms[i] as [string[], number];
          const what = `${command} ${form.join(" ")}`;
          assert.equal(r.code, 0, `${what}: exit ${r.code}, stderr ${r.stderr}`);
          assert.ok(reached(r.stdout.toString(), port), `${what} did not reach port ${port}: ${r.stdout}`);
        });
      }
    } finally {
      await stopCli(v4);
      await stopCli(v6);
    }
  },
);

test(
  "a port or host given twice differently is a usage error, for every client command",
  { timeout: 60_000 },
  async () => {
    const conflicts: [string[], RegExp][] = [
      [[":9000", "-p", "9001"], /the port only once .*9000, 9001/],
      [["127.0.0.1:9000", "9001"], /the port only once .*9000, 9001/],
      [["-H", "127.0.0.1:9000", "-p", "9001"], /the port only once .*9000, 9001/],
      [["127.0.0.1", "-H", "::1"], /the host once.*'127\.0\.0\.1, ::1'/],
    ];
    for (const command of Object.keys(COMMANDS)) {
      const runs = await Promise.all(conflicts.map(([args]) => runCli([command, ...args])));
      runs.forEach((r, i) => {
        const [args, pattern] = conflicts[i] as [string[], RegExp];
        assert.match(assertUsage(r, `${command} ${args.join(" ")}`), pattern);
      });
    }
    // bench: a port after an address that has one; and several targets, one -p.
    const bench = await runCli(["bench", "127.0.0.1:9000", "9001"]);
    assert.match(assertUsage(bench, "bench 127.0.0.1:9000 9001"), /the port/);
    const ko = await runCli(["ping", ":9000", "-p", "9001", "--lang", "ko"]);
    assert.match(assertUsage(ko, "ping --lang ko"), /포트는 한 번만 주세요 \(두 번 받음: 9000, 9001\)/);
  },
);

test(
  "bench: -H and -p complete each target, and a port may follow its host",
  { timeout: 60_000 },
  async () => {
    const a = await startCliServer(["--quiet"]);
    const b = await startCliServer(["--quiet"]);
    try {
      const compare = ["-n", "20", "-c", "1", "--rounds", "1"];
      const twoPorts = await runCli(["bench", "-H", "127.0.0.1", `:${a.port}`, `:${b.port}`, ...compare]);
      assert.equal(twoPorts.code, 0, twoPorts.stderr);
      const pairs = await runCli([
        "bench",
        "127.0.0.1",
        String(a.port),
        "localhost",
        String(b.port),
        ...compare,
      ]);
      assert.equal(pairs.code, 0, pairs.stderr);
      for (const [r, hosts] of [
        [twoPorts, ["127.0.0.1", "127.0.0.1"]],
        [pairs, ["127.0.0.1", "localhost"]],
      ] as const) {
        const out = r.stdout.toString();
        assert.ok(out.includes(`tcpecho bench ${hosts[0]}:${a.port}: `), out);
        assert.ok(out.includes(`tcpecho bench ${hosts[1]}:${b.port}: `), out);
      }
    } finally {
      await stopCli(a);
      await stopCli(b);
    }
  },
);

test(
  "serve: a bare argument says which option takes it; -H HOST:PORT sets the port",
  { timeout: 60_000 },
  async () => {
    for (const [args, pattern] of [
      [["serve", "9000"], /give --port 9000 as an option/],
      [["serve", "127.0.0.1:9000"], /--host 127\.0\.0\.1:9000/],
      [["serve", "9000", "--lang", "ko"], /--port 9000 처럼 옵션으로 주세요/],
      [["serve", "-H", "127.0.0.1:9000", "-p", "9001"], /the port only once .*9000, 9001/],
    ] as const) {
      assert.match(assertUsage(await runCli([...args]), args.join(" ")), pattern);
    }
    const port = await freePort();
    const srv = startCli(["serve", "-H", `127.0.0.1:${port}`, "--quiet"]);
    try {
      await srv.waitFor(new RegExp(`listening on 127\\.0\\.0\\.1:${port} `));
    } finally {
      assert.equal(await stopCli(srv), STOPPED);
    }
    // The command line outranks the environment: -H's port over TCPECHO_PORT.
    const other = await freePort();
    const env = startCli(["serve", "-H", `127.0.0.1:${other}`, "--quiet"], cleanEnv({ TCPECHO_PORT: "1" }));
    try {
      await env.waitFor(new RegExp(`listening on 127\\.0\\.0\\.1:${other} `));
    } finally {
      await stopCli(env);
    }
  },
);

test("serve: --ipv6-only with an IPv4 address is a usage error", { timeout: 30_000 }, async () => {
  for (const lang of ["en", "ko"]) {
    const r = await runCli(["serve", "-H", "127.0.0.1", "-p", "0", "--ipv6-only", "--lang", lang]);
    const line = assertUsage(r, `--ipv6-only (${lang})`);
    assert.match(line, /--ipv6-only/);
    assert.match(line, /127\.0\.0\.1/);
    assert.match(
      line,
      lang === "ko" ? /대기할 주소\(127\.0\.0\.1\)가 IPv4 주소입니다/ : /is an IPv4 address/,
    );
  }
});

test(
  "serve --metrics on the echo port itself: exit 2, saying it is the same port",
  { timeout: 60_000 },
  async () => {
    const port = String(await freePort());
    for (const [args, lang] of [
      [["-H", "127.0.0.1", "-p", port, "--metrics", `127.0.0.1:${port}`], "en"],
      // A wildcard echo address covers the metrics address, and the other way round.
      [["-p", port, "--metrics", `127.0.0.1:${port}`], "en"],
      [["-H", "127.0.0.1", "-p", port, "--metrics", `0.0.0.0:${port}`], "en"],
      [["-H", "::", "-p", port, "--metrics", `127.0.0.1:${port}`], "en"],
      [["-H", "127.0.0.1", "-p", port, "--metrics", `127.0.0.1:${port}`], "ko"],
    ] as const) {
      const r = await runCli(["serve", ...args, "--lang", lang]);
      const line = assertUsage(r, args.join(" "));
      assert.match(line, /--metrics/);
      assert.match(line, lang === "ko" ? /같은 포트/ : /same port/);
    }
    // Another address on the same port is not the echo's: both listen.
    const srv = startCli(["serve", "-H", "127.0.0.1", "-p", port, "--metrics", `127.0.0.2:${port}`]);
    try {
      await srv.waitFor(new RegExp(`metrics at http://127\\.0\\.0\\.2:${port}/metrics`));
    } finally {
      assert.equal(await stopCli(srv), STOPPED);
    }
  },
);

test("every address error names its option, in text as in JSON", { timeout: 60_000 }, async () => {
  const text = await runCli(["serve", "-H", "127.0.0.1", "-p", "0", "--metrics", "192.0.2.55:0"]);
  assert.equal(text.code, 1, text.stderr);
  // On Windows the line names the Winsock error first: "EADDRNOTAVAIL (10049, WSAEADDRNOTAVAIL): ".
  assert.match(
    text.stderr.trim(),
    /^\[TCP server\] (?:\w+ \(\d+, WSA\w+\): )?this machine has no address 192\.0\.2\.55 \(--metrics\)/,
  );
  const ko = await runCli([
    "serve",
    "-H",
    "127.0.0.1",
    "-p",
    "0",
    "--metrics",
    "192.0.2.55:0",
    "--lang",
    "ko",
  ]);
  assert.match(ko.stderr, /192\.0\.2\.55 \(--metrics\) 주소가 없습니다/);
  const echo = await runCli(["serve", "-H", "192.0.2.55", "-p", "0"]);
  assert.match(echo.stderr, /no address 192\.0\.2\.55 \(--host\)/);
  for (const [args, option] of [
    [["serve", "--metrics", "127.0.0.1:99999"], "--metrics"],
    [["serve", "--metrics", "300.1.1.1:9100"], "--metrics"],
    [["serve", "-H", "300.1.1.1"], "--host"],
    [["serve", "-p", "70000"], "--port"],
    [["client", "-p", "0"], "--port"],
    [["ping", "-H", "a..b"], "--host"],
  ] as const) {
    const line = assertUsage(await runCli([...args]), args.join(" "));
    assert.ok(line.includes(`give ${option} `), `${args.join(" ")}: ${line}`);
  }
});

test(
  "serve: --tls-cert without --tls-key says the key is missing, and the reverse",
  { timeout: 30_000 },
  async () => {
    const cert = fixture("localhost.cert.pem");
    const key = fixture("localhost.key.pem");
    for (const [args, pattern, ko] of [
      [
        ["--tls-cert", cert],
        /give --tls-key too: --tls-cert needs the certificate's private key/,
        /--tls-key 도 주세요: --tls-cert 에는 인증서의 개인 키가 필요합니다/,
      ],
      [
        ["--tls-key", key],
        /give --tls-cert too: --tls-key needs the certificate/,
        /--tls-cert 도 주세요: --tls-key 에는 인증서가 필요합니다/,
      ],
    ] as const) {
      const line = assertUsage(await runCli(["serve", "-p", "0", ...args]), args.join(" "));
      assert.match(line, pattern);
      assert.doesNotMatch(line, /invalid/);
      assert.match(assertUsage(await runCli(["serve", "-p", "0", ...args, "--lang", "ko"]), "ko"), ko);
    }
  },
);
