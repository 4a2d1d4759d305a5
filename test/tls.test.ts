/**
 * Echo over TLS (`--tls-cert`/`--tls-key`). The certificate in
 * test/fixtures is a self-signed one for localhost, 127.0.0.1 and ::1, made
 * for these tests with:
 *   openssl req -x509 -newkey rsa:2048 -nodes -keyout localhost.key.pem \
 *     -out localhost.cert.pem -days 36500 -subj /CN=localhost \
 *     -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
 */

import assert from "node:assert/strict";
import { once } from "node:events";
import { readdirSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { Registry } from "prom-client";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { test } from "node:test";
import {
  createEchoServer,
  EchoError,
  registerEchoMetrics,
  type TlsFailure,
  type TlsFailureInfo,
} from "tcpecho";
import { openDescriptors, until } from "./attacks.js";
import {
  linuxOnly,
  cleanEnv,
  freePort,
  randomBytesSeeded,
  rawConnect,
  readAll,
  runCli,
  sleep,
  startCliServer,
  stopCli,
  startPeer,
  TLS_FIXTURE,
} from "./helpers.js";

const { certFile: CERT_FILE, keyFile: KEY_FILE, cert, key } = TLS_FIXTURE;

async function secureConnect(port: number): Promise<TLSSocket> {
  const s = tlsConnect({ host: "127.0.0.1", port, ca: cert, servername: "localhost" });
  await once(s, "secureConnect");
  return s;
}

test("echoes every byte over TLS, half-close included", { timeout: 20_000 }, async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0, tls: { cert, key } });
  const { port } = await server.listen();
  assert.equal(server.dataPath, "streams");
  const data = randomBytesSeeded(1024 * 1024, 5);
  const clients = await Promise.all([secureConnect(port), secureConnect(port)]);
  const results = await Promise.all(
    clients.map(async (s) => {
      const back = readAll(s);
      s.end(data);
      return back;
    }),
  );
  for (const got of results) assert.ok(got.equals(data), "bytes differ over TLS");
  const stats = await server.close();
  assert.equal(stats.bytesOut, 2 * data.length);
});

test(
  "a client that does not speak TLS is closed with a handshake error; others go on",
  { timeout: 15_000 },
  async () => {
    const server = createEchoServer({ host: "127.0.0.1", port: 0, tls: { cert, key } });
    const { port } = await server.listen();
    const errors: EchoError[] = [];
    server.on("handshakeError", (_peer, e) => errors.push(e));
    const plain = await rawConnect(port);
    plain.on("error", () => {});
    plain.write("hello, not TLS\r\n");
    const got = await readAll(plain).catch(() => Buffer.alloc(0));
    assert.ok(!got.includes("hello"), "plain text was echoed by a TLS server");
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, "ERR_TLS");
    const s = await secureConnect(port);
    const back = readAll(s);
    s.end("still here");
    assert.equal((await back).toString(), "still here");
    await server.close();
  },
);

test("a certificate and key that do not fit are a usage error", () => {
  const other = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";
  assert.throws(
    () => createEchoServer({ port: 0, tls: { cert, key: other } }),
    (e: unknown) => e instanceof EchoError && e.code === "ERR_INVALID_OPTION",
  );
});

test(
  "CLI: --tls-cert/--tls-key serve TLS; bad files are one line and exit 2",
  { timeout: 30_000 },
  async () => {
    const srv = await startCliServer(["--tls-cert", CERT_FILE, "--tls-key", KEY_FILE]);
    try {
      const s = await secureConnect(srv.port);
      const back = readAll(s);
      s.end("over tls\n");
      assert.equal((await back).toString(), "over tls\n");
      await srv.waitFor(/^\[TCP\/127\.0\.0\.1:\d+\] over tls\\n$/);
    } finally {
      await stopCli(srv);
    }
    const dir = mkdtempSync(join(tmpdir(), "tcpecho-tls-"));
    const garbage = join(dir, "garbage.pem");
    writeFileSync(garbage, "not a certificate\n");
    const badKey = join(dir, "bad-key.pem");
    writeFileSync(badKey, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    const cases: [string[], RegExp][] = [
      [["--tls-cert", join(dir, "missing.pem"), "--tls-key", KEY_FILE], /--tls-cert .*no such file/],
      [["--tls-cert", garbage, "--tls-key", KEY_FILE], /--tls-cert .*no PEM block/],
      [["--tls-cert", CERT_FILE], /--tls-key/],
      [["--tls-cert", CERT_FILE, "--tls-key", badKey], /--tls-key .*no private key in it/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runCli(["serve", "--host", "127.0.0.1", "--port", String(await freePort()), ...args], {
        env: cleanEnv(),
      });
      assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}, ${r.stderr}`);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? "", pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  },
);

test("a client denied by --deny is refused before the TLS handshake", { timeout: 15_000 }, async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0, tls: { cert, key }, deny: ["127.0.0.1"] });
  const { port } = await server.listen();
  const refused: string[] = [];
  const handshakes: EchoError[] = [];
  server.on("refused", (r) => refused.push(`${r.remoteAddress} ${r.reason}`));
  server.on("handshakeError", (_p, e) => handshakes.push(e));
  const s = tlsConnect({ host: "127.0.0.1", port, ca: cert, servername: "localhost" });
  const [err] = (await once(s, "error")) as [NodeJS.ErrnoException];
  assert.match(String(err.code), /ECONNRESET|EPIPE|ERR_SSL/);
  assert.deepEqual(refused, ["127.0.0.1 denied"]);
  assert.deepEqual(handshakes, [], "the server should not have started a handshake");
  const stats = await server.close();
  assert.equal(stats.refused.denied, 1);
});

/** The first flight of a real TLS client (its ClientHello), as it goes on the wire. */
async function clientHello(): Promise<Buffer> {
  let got: (b: Buffer) => void = () => {};
  const first = new Promise<Buffer>((resolve) => (got = resolve));
  const peer = await startPeer((s) => s.once("data", got));
  const c = tlsConnect({ host: "127.0.0.1", port: peer.port, servername: "localhost" });
  c.on("error", () => {});
  const hello = await first;
  c.destroy();
  await peer.close();
  return hello;
}

/** Resolves when the server has closed its side (end, reset or close), rejects after `ms`. */
function serverCloses(s: Socket, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server kept the connection for ${ms} ms`)), ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    s.on("end", done);
    s.on("error", done);
    s.on("close", done);
    s.resume();
  });
}

/** Ways a client can fail a TLS handshake, with what the server should report (null: nothing). */
type BadClient = [name: string, act: (s: Socket, hello: Buffer) => void, expected: TlsFailure | null];
const BAD_CLIENTS: BadClient[] = [
  ["plain HTTP", (s) => s.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"), "http"],
  ["garbage", (s) => s.write(Buffer.concat([Buffer.from("hello?"), randomBytesSeeded(300, 11)])), "not-tls"],
  ["half a ClientHello, then FIN", (s, h) => s.end(h.subarray(0, h.length >> 1)), "closed"],
  [
    "half a ClientHello, then RST",
    (s, h) => {
      s.write(h.subarray(0, h.length >> 1));
      setTimeout(() => s.resetAndDestroy(), 50);
    },
    "reset",
  ],
  ["half a ClientHello, then nothing", (s, h) => s.write(h.subarray(0, h.length >> 1)), "timeout"],
  ["nothing, then nothing", () => {}, "timeout"],
  ["nothing, then FIN (a health check)", (s) => s.end(), null],
  ["nothing, then RST (a health check)", (s) => s.resetAndDestroy(), null],
];

test(
  "a TLS client that fails, stalls or leaves in its handshake is closed at once, and reported once with its address",
  { timeout: 30_000 },
  async (t) => {
    const skip = linuxOnly("/proc/PID/fd to count descriptors");
    if (skip) return t.skip(skip);
    const fds = () => readdirSync("/proc/self/fd").length;
    const server = createEchoServer({
      host: "127.0.0.1",
      port: 0,
      tls: { cert, key },
      tlsHandshakeTimeout: 600,
    });
    const registry = new Registry();
    registerEchoMetrics(server, registry);
    const reported: TlsFailureInfo[] = [];
    const messages: string[] = [];
    server.on("handshakeError", (info, e) => {
      reported.push(info);
      messages.push(e.message);
    });
    const { port } = await server.listen();
    const hello = await clientHello();
    const before = fds();
    const expectedAt = new Map<number, [string, TlsFailure | null]>();
    for (const [name, act, expected] of BAD_CLIENTS) {
      const s = await rawConnect(port);
      s.on("error", () => {});
      expectedAt.set(s.localPort ?? 0, [name, expected]);
      const t0 = performance.now();
      const closed = serverCloses(s, 10_000);
      act(s, hello);
      await closed;
      const ms = performance.now() - t0;
      // At the 600 ms handshake timeout, not the default 10 s; room above it for a loaded machine.
      if (expected === "timeout") assert.ok(ms >= 500 && ms < 6000, `${name}: closed after ${ms} ms`);
      s.destroy();
    }
    const wanted = [...expectedAt.values()].filter(([, e]) => e !== null).length;
    assert.ok(await until(() => reported.length >= wanted, 10_000), `reported: ${JSON.stringify(reported)}`);
    await sleep(200); // nothing more should come
    assert.equal(reported.length, wanted, JSON.stringify(reported));
    for (const info of reported) {
      const [name, expected] = expectedAt.get(info.remotePort) ?? ["?", "?"];
      assert.equal(info.remoteAddress, "127.0.0.1", name);
      assert.equal(info.failure, expected, `${name}: ${JSON.stringify(info)}`);
    }
    for (const m of messages) assert.doesNotMatch(m, /error:[0-9A-F]{8}|\.\.\/deps|routines|\n/, m);
    const http = reported.find((r) => r.failure === "http");
    assert.equal(http?.tlsReason, "http request", "OpenSSL's reason is kept apart");
    // Every descriptor came back (the server's and the clients').
    assert.ok(await until(() => fds() <= before, 10_000), `descriptors: ${before} before, ${fds()} after`);
    assert.equal(server.stats().tlsErrors, wanted);
    assert.match(await registry.metrics(), new RegExp(`tcpecho_errors_total\\{kind="tls"\\} ${wanted}\\b`));
    // And the server still serves.
    const ok = await secureConnect(port);
    const back = readAll(ok);
    ok.end("after all that");
    assert.equal((await back).toString(), "after all that");
    await server.close();
  },
);

test(
  "CLI: 200 clients that fail or leave their TLS handshake (FIN and RST) leave no descriptor behind; one plain line each",
  { timeout: 60_000 },
  async (t) => {
    const skip = linuxOnly("/proc/PID/fd to count descriptors");
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--tls-cert", CERT_FILE, "--tls-key", KEY_FILE]);
    try {
      const pid = srv.proc.pid ?? 0;
      const hello = await clientHello();
      // One good client first, so that everything the server opens once is open.
      const first = await secureConnect(srv.port);
      const firstBack = readAll(first);
      first.end("warm");
      assert.equal((await firstBack).toString(), "warm");
      await sleep(300);
      const before = openDescriptors(pid);
      const kinds: [send: (s: Socket) => void, reset: boolean][] = [
        [() => {}, false],
        [() => {}, true],
        [(s) => s.write(randomBytesSeeded(200, 5)), false],
        [(s) => s.write(randomBytesSeeded(200, 6)), true],
        [(s) => s.write(hello.subarray(0, hello.length >> 1)), false],
        [(s) => s.write(hello.subarray(0, hello.length >> 1)), true],
        [(s) => s.write("GET / HTTP/1.0\r\n\r\n"), false],
        [(s) => s.write("GET / HTTP/1.0\r\n\r\n"), true],
      ];
      const batch = 20;
      for (let done = 0; done < 200; done += batch) {
        await Promise.all(
          Array.from({ length: batch }, async (_, i) => {
            const [send, reset] = kinds[(done + i) % kinds.length] as [(s: Socket) => void, boolean];
            const s = await rawConnect(srv.port);
            s.on("error", () => {});
            send(s);
            await sleep(20);
            if (reset) {
              s.resetAndDestroy();
              return;
            }
            const closed = serverCloses(s, 5000);
            s.end();
            await closed;
            s.destroy();
          }),
        );
      }
      const settled = await until(() => openDescriptors(pid) <= before, 15_000);
      assert.ok(settled, `the server had ${before} descriptors before, ${openDescriptors(pid)} after`);
      const lines = srv.stderr.filter((l) => l.includes("TLS"));
      assert.ok(lines.length > 0, "no TLS failure line");
      for (const line of lines) {
        assert.match(
          line,
          /^\[TCP server\] (TLS handshake failed, connection closed: IP address=127\.0\.0\.1, port=[1-9]\d* \([^()]+\)$|more than 20 failed TLS handshakes)/,
        );
        assert.doesNotMatch(line, /error:[0-9A-F]{8}|\.\.\/|routines|ssl3_|:0\b/, line);
      }
      const s = await secureConnect(srv.port);
      const back = readAll(s);
      s.end("still serving");
      assert.equal((await back).toString(), "still serving");
    } finally {
      await stopCli(srv);
    }
  },
);

test(
  "CLI --log-format json: a failed handshake is one event with the failure in words and OpenSSL's reason apart",
  { timeout: 20_000 },
  async () => {
    const srv = await startCliServer([
      "--tls-cert",
      CERT_FILE,
      "--tls-key",
      KEY_FILE,
      "--log-format",
      "json",
    ]);
    try {
      const s = await rawConnect(srv.port);
      s.on("error", () => {});
      const port = s.localPort;
      const closed = serverCloses(s, 5000);
      s.write("SSH-2.0-OpenSSH_9.2\r\n");
      await closed;
      s.destroy();
      const line = await srv.waitFor(/"code":"ERR_TLS"/);
      const event = JSON.parse(line) as Record<string, unknown>;
      assert.equal(event.event, "error");
      assert.equal(event.remoteAddress, "127.0.0.1");
      assert.equal(event.remotePort, port);
      assert.equal(event.failure, "not-tls");
      assert.equal(event.tlsReason, "wrong version number");
      assert.match(String(event.message), /not TLS/);
      assert.doesNotMatch(String(event.message), /error:|routines|\.\.\//);
    } finally {
      await stopCli(srv);
    }
  },
);
