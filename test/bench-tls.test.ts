/**
 * `bench --tls` (with `--tls-ca`, `--tls-servername`, `--insecure`) and
 * `--keepalive`: against `tcpecho serve --tls-cert/--tls-key`, against
 * `openssl s_server` (a TLS peer nobody here wrote), and against a
 * certificate nobody said to trust. The certificate is test/fixtures' own
 * self-signed one for localhost, 127.0.0.1 and ::1.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { bench } from "tcpecho";
import {
  freePort,
  needs,
  runCli,
  startCli,
  startCliServer,
  stopCli,
  waitListening,
  waitUntil,
  type RunningCli,
  TLS_FIXTURE,
} from "./helpers.js";

const { certFile: CERT_FILE, keyFile: KEY_FILE, cert, key } = TLS_FIXTURE;

const lastJson = (stdout: Buffer) => JSON.parse(stdout.toString().trim().split("\n").at(-1) ?? "{}");

function tlsServe(): Promise<RunningCli & { port: number }> {
  return startCliServer(["--tls-cert", CERT_FILE, "--tls-key", KEY_FILE]);
}

test(
  "bench --tls against tcpecho serve: every byte checked, in every mode",
  { timeout: 60_000 },
  async () => {
    const srv = await tlsServe();
    try {
      const target = `127.0.0.1:${srv.port}`;
      for (const mode of [
        ["-c", "4", "-d", "500ms"],
        ["-c", "3", "--pipeline", "8", "-s", "100", "-n", "3000"],
        ["-c", "2", "--stream", "-d", "500ms"],
        ["-c", "4", "--rate", "200", "-d", "500ms", "--threads", "2"],
      ]) {
        const r = await runCli(["bench", target, "--tls", "--tls-ca", CERT_FILE, ...mode, "--json"], {
          timeout: 30_000,
        });
        assert.equal(r.code, 0, `${mode.join(" ")}: ${r.stderr}`);
        const j = lastJson(r.stdout);
        assert.equal(j.ok, true, JSON.stringify(j.errors));
        assert.equal(j.tls, true);
        assert.equal(j.connected, Number(mode[1]));
        assert.ok(j.bytes > 0);
        if (mode.includes("-n")) assert.equal(j.requests, 3000);
      }
      // The name asked for (SNI) and checked, instead of the address; the text says TLS.
      const named = await runCli(
        ["bench", target, "--tls-ca", CERT_FILE, "--tls-servername", "localhost", "-c", "2", "-n", "200"],
        { timeout: 30_000 },
      );
      assert.equal(named.code, 0, named.stderr);
      assert.match(named.stdout.toString(), /^tcpecho bench 127\.0\.0\.1:\d+ over TLS: ping-pong/);
      assert.match(named.stdout.toString(), /errors {6}none/);
    } finally {
      await stopCli(srv);
    }
  },
);

test("library: bench over TLS counts a byte the server altered", { timeout: 20_000 }, async () => {
  // A TLS echo of the test's own that flips one byte of the first chunk.
  const server = createTlsServer({ cert, key }, (s: TLSSocket) => {
    let first = true;
    s.on("data", (b: Buffer) => {
      if (first && b.length > 2) b[2] = (b[2] as number) ^ 0x40;
      first = false;
      s.write(b);
    });
    s.on("error", () => {});
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  try {
    const r = await bench({ port, connections: 1, size: 64, count: 50, tls: { ca: cert } });
    assert.equal(r.ok, false);
    assert.equal(r.tls, true);
    assert.equal(r.errors.corruptedBytes, 1);
    assert.equal(r.requests, 50);
  } finally {
    server.close();
  }
});

test("bench --tls against openssl s_server, a peer nobody here wrote", { timeout: 60_000 }, async (t) => {
  const skip = needs("openssl");
  if (skip) return t.skip(skip);
  // s_server has no echo mode (-rev reverses lines): with -quiet it writes what
  // it reads from the client to its standard output and sends its standard
  // input to the client, byte for byte, so its output piped back into its
  // input makes it an echo, one connection at a time. -quiet also means it
  // cannot say its port: a free one is picked here.
  const port = await freePort();
  const proc = spawn(
    "openssl",
    ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", CERT_FILE, "-key", KEY_FILE, "-quiet"],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  proc.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
  proc.stdout!.pipe(proc.stdin!);
  proc.stdin!.on("error", () => {});
  try {
    await waitListening(port);
    const r = await runCli(
      [
        "bench",
        `127.0.0.1:${port}`,
        "--tls-ca",
        CERT_FILE,
        "--tls-servername",
        "localhost",
        "-c",
        "1",
        "--pipeline",
        "4",
        "-s",
        "300",
        "-n",
        "2000",
        "--json",
      ],
      { timeout: 30_000 },
    );
    assert.equal(r.code, 0, `${r.stderr} / s_server: ${stderr}`);
    const j = lastJson(r.stdout);
    assert.equal(j.ok, true, JSON.stringify(j.errors));
    assert.equal(j.requests, 2000);
    assert.equal(j.bytes, 2000 * 300);
  } finally {
    proc.kill();
    await once(proc, "exit");
  }
});

test(
  "a certificate nobody said to trust: one sentence that says which check failed and how to trust it, exit 1",
  { timeout: 60_000 },
  async () => {
    const srv = await tlsServe();
    try {
      for (const threads of ["1", "2"]) {
        const r = await runCli([
          "bench",
          `127.0.0.1:${srv.port}`,
          "--tls",
          "-c",
          "2",
          "-d",
          "300ms",
          "--threads",
          threads,
        ]);
        assert.equal(r.code, 1, r.stderr);
        const lines = r.stdout.toString().trimEnd().split("\n");
        assert.equal(
          lines.at(-1),
          `    2 of 2 connections failed: the TLS certificate of 127.0.0.1:${srv.port} is not trusted: it is self-signed; trust it with --tls-ca FILE (the server's certificate or its CA, PEM), or skip every check with --insecure`,
        );
        assert.equal(r.stderr, "");
      }
      const ko = await runCli([
        "bench",
        `127.0.0.1:${srv.port}`,
        "--tls",
        "-c",
        "1",
        "-d",
        "300ms",
        "--lang",
        "ko",
      ]);
      assert.equal(ko.code, 1);
      assert.match(
        ko.stdout.toString().trimEnd().split("\n").at(-1) ?? "",
        /자체 서명 인증서입니다.*--tls-ca/,
      );
      const json = await runCli([
        "bench",
        `127.0.0.1:${srv.port}`,
        "--tls",
        "-c",
        "1",
        "-d",
        "300ms",
        "--json",
      ]);
      assert.equal(json.code, 1);
      const j = lastJson(json.stdout);
      assert.equal(j.errors.connect.ERR_TLS_VERIFY, 1);
      assert.equal(j.connectError.code, "ERR_TLS_VERIFY");
    } finally {
      await stopCli(srv);
    }
  },
);

test("--insecure: no check, said once on standard error (en, ko)", { timeout: 60_000 }, async () => {
  const srv = await tlsServe();
  try {
    const target = `127.0.0.1:${srv.port}`;
    // Two targets, two rounds: still one warning.
    const r = await runCli(
      ["bench", target, target, "--insecure", "-c", "1", "-d", "200ms", "--rounds", "2"],
      {
        timeout: 30_000,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      "[TCP client] --insecure: the server's certificate is not checked; the connection is encrypted, but anyone could be at the other end\n",
    );
    const ko = await runCli(["bench", target, "--insecure", "-c", "1", "-n", "10", "--lang", "ko"]);
    assert.equal(ko.code, 0, ko.stderr);
    assert.equal(ko.stderr.trim().split("\n").length, 1);
    assert.match(ko.stderr, /^\[TCP 클라이언트\] --insecure: 서버 인증서를 확인하지 않습니다/);
    // --insecure with --tls-ca contradicts itself: one line, exit 2.
    const both = await runCli(["bench", target, "--insecure", "--tls-ca", CERT_FILE]);
    assert.equal(both.code, 2);
    assert.equal(both.stderr.trim().split("\n").length, 1, both.stderr);
  } finally {
    await stopCli(srv);
  }
});

/**
 * The bench's connections to `port` as the kernel lists them in
 * /proc/net/tcp (established ones): whether the keepalive timer is pending
 * (`tr` 2 is the socket timer, which TCP uses for keepalive) and in how many
 * seconds it fires.
 */
function keepaliveTimers(port: number): { keepalive: boolean; seconds: number }[] {
  const rows = readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1);
  const found: { keepalive: boolean; seconds: number }[] = [];
  for (const row of rows) {
    const f = row.trim().split(/\s+/);
    if (f.length < 6 || f[3] !== "01") continue; // 01: ESTABLISHED
    if (parseInt((f[2] ?? "").split(":")[1] ?? "", 16) !== port) continue; // the remote port
    const [tr, when] = (f[5] ?? "").split(":");
    found.push({ keepalive: tr === "02", seconds: parseInt(when ?? "0", 16) / 100 });
  }
  return found;
}

test(
  "--keepalive: each connection probes after that long; 0 turns it off",
  { timeout: 90_000 },
  async (t) => {
    if (process.platform !== "linux") return t.skip("reads /proc/net/tcp (Linux)");
    const plain = await startCliServer();
    const tls = await tlsServe();
    try {
      for (const [srv, extra, want] of [
        [plain, ["--keepalive", "7s"], 7],
        [plain, [], 60],
        [plain, ["--keepalive", "0"], 0],
        [tls, ["--tls-ca", CERT_FILE, "--keepalive", "9s"], 9],
      ] as const) {
        // A slow rate: the connections are idle most of the time, as keepalive is for.
        const run = startCli([
          "bench",
          `127.0.0.1:${srv.port}`,
          "--rate",
          "4",
          "-c",
          "2",
          "-d",
          "60s", // stopped below, once seen
          ...extra,
        ]);
        // Until both connections are up and idle with the bench's own setting (during the TLS
        // handshake, or with a message in flight, the kernel shows the retransmission timer instead).
        let seen: { keepalive: boolean; seconds: number }[] = [];
        await waitUntil("two connections with their timers", () => {
          seen = keepaliveTimers(srv.port);
          return seen.length === 2 && seen.every((s) => s.keepalive === want > 0);
        }).catch(() => {});
        await stopCli(run);
        assert.equal(seen.length, 2, `${extra.join(" ")}: ${JSON.stringify(seen)}`);
        for (const s of seen) {
          if (want === 0) assert.equal(s.keepalive, false, JSON.stringify(seen));
          else {
            assert.equal(s.keepalive, true, `${extra.join(" ")}: ${JSON.stringify(seen)}`);
            assert.ok(
              s.seconds > 0 && s.seconds <= want && s.seconds > want - 6,
              `${want}: ${JSON.stringify(seen)}`,
            );
          }
        }
      }
    } finally {
      await stopCli(plain);
      await stopCli(tls);
    }
  },
);
