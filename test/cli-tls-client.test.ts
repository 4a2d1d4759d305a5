/**
 * `tcpecho client` and `tcpecho ping` with --tls, as a user runs them:
 * against `tcpecho serve --tls-cert/--tls-key`, and against peers nobody here
 * wrote: `openssl s_server` (it does not echo, so it serves the handshake
 * tests and ping --connect-only) and socat's OPENSSL-LISTEN relaying to PIPE
 * (an echo over OpenSSL). The certificate is the self-signed localhost
 * fixture (see tls.test.ts). `other-ca.cert.pem` is a CA that signed nothing
 * here, made with:
 *   openssl req -x509 -newkey rsa:2048 -nodes -keyout /dev/null \
 *     -out other-ca.cert.pem -days 36500 -subj "/CN=tcpecho test CA"
 */

import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { test } from "node:test";
import {
  freePort,
  needs,
  randomBytesSeeded,
  runCli,
  startCliServer,
  startPeer,
  stopCli,
  waitListening,
  fixture,
} from "./helpers.js";

const CERT = fixture("localhost.cert.pem");
const KEY = fixture("localhost.key.pem");
const INSECURE_EN =
  "[TCP client] --insecure: the server's certificate is not checked; the connection is encrypted, but anyone could be at the other end";

const lines = (b: Buffer) => b.toString("utf8").replace(/\n$/, "").split("\n");

/** `tcpecho serve` over TLS; a short drain so that stopping it is quick. */
const tlsServe = () =>
  startCliServer(["--tls-cert", CERT, "--tls-key", KEY, "--quiet", "--drain-timeout", "500ms"]);

test(
  "client and ping against tcpecho serve over TLS: trusting via --tls-ca, or --insecure said once",
  { timeout: 30_000 },
  async () => {
    const srv = await tlsServe();
    try {
      const once = await runCli(["client", `127.0.0.1:${srv.port}`, "--tls-ca", CERT, "--send", "hello"]);
      assert.equal(once.code, 0, once.stderr);
      assert.equal(once.stdout.toString(), "hello");
      assert.equal(once.stderr, "");
      const insecure = await runCli(["client", "-p", String(srv.port), "--insecure", "--send", "hi"]);
      assert.equal(insecure.code, 0, insecure.stderr);
      assert.equal(insecure.stdout.toString(), "hi");
      assert.equal(insecure.stderr, INSECURE_EN + "\n");
      const ko = await runCli([
        "client",
        "-p",
        String(srv.port),
        "--insecure",
        "--send",
        "hi",
        "--lang",
        "ko",
      ]);
      assert.match(ko.stderr, /^\[TCP 클라이언트\] --insecure: 서버 인증서를 확인하지 않습니다[^\n]*\n$/);
      // Piped, by name (SNI and the name check against DNS:localhost), every byte checked.
      const data = randomBytesSeeded(1024 * 1024 + 3, 12);
      const piped = await runCli(["client", `localhost:${srv.port}`, "--tls-ca", CERT, "--verify"], {
        input: data,
      });
      assert.equal(piped.code, 0, piped.stderr);
      assert.ok(piped.stdout.equals(data), "the echo over TLS differs");

      const p = await runCli(["ping", `127.0.0.1:${srv.port}`, "--tls-ca", CERT, "-c", "3", "-i", "0.05"]);
      assert.equal(p.code, 0, p.stderr);
      const out = lines(p.stdout);
      assert.equal(out[0], `PING 127.0.0.1:${srv.port} (127.0.0.1): 56-byte probes over one TLS connection`);
      assert.equal(out.filter((l) => / bytes from .* seq=\d time=/.test(l)).length, 3, out.join("\n"));
      assert.match(out.at(-3)!, /^3 probes sent, 3 echoed, 0% loss/);

      const co = await runCli([
        "ping",
        `127.0.0.1:${srv.port}`,
        "--insecure",
        "--connect-only",
        "-c",
        "2",
        "-i",
        "0.05",
      ]);
      assert.equal(co.code, 0, co.stderr);
      assert.equal(co.stderr, INSECURE_EN + "\n");
      const coOut = lines(co.stdout);
      assert.match(coOut[0]!, /a fresh TCP and TLS handshake per probe \(connect only\)$/);
      for (const seq of [1, 2]) {
        assert.match(
          coOut[seq]!,
          new RegExp(`^connected to 127\\.0\\.0\\.1:${srv.port}: seq=${seq} tcp=[\\d.]+ ms tls=[\\d.]+ ms$`),
        );
      }
      assert.match(coOut.at(-4)!, /^tcp handshake min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms$/);
      assert.match(coOut.at(-3)!, /^tcp handshake p50\/p95\/p99 = /);
      assert.match(coOut.at(-2)!, /^tls handshake min\/avg\/max\/mdev = /);
      assert.match(coOut.at(-1)!, /^tls handshake p50\/p95\/p99 = /);

      const json = await runCli([
        "ping",
        `127.0.0.1:${srv.port}`,
        "--tls-ca",
        CERT,
        "--connect-only",
        "-c",
        "2",
        "-i",
        "0.05",
        "--json",
      ]);
      assert.equal(json.code, 0, json.stderr);
      const objs = lines(json.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const probe of objs.slice(0, 2)) {
        const { rttMs, tcpMs, tlsMs } = probe as { rttMs: number; tcpMs: number; tlsMs: number };
        assert.ok(tcpMs > 0 && tlsMs > 0, JSON.stringify(probe));
        assert.ok(Math.abs(rttMs - (tcpMs + tlsMs)) <= 0.0015, "rtt = tcp + tls, to the microsecond");
      }
      const summary = objs[2] as Record<string, Record<string, number> | string | number | boolean>;
      assert.equal(summary.type, "summary");
      assert.equal(summary.tls, true);
      assert.equal(summary.mode, "connect");
      for (const key of ["tcpHandshake", "tlsHandshake"]) {
        const h = summary[key] as Record<string, number>;
        assert.deepEqual(Object.keys(h), ["minMs", "avgMs", "maxMs", "mdevMs", "p50Ms", "p95Ms", "p99Ms"]);
        assert.ok(h.minMs! <= h.p50Ms! && h.p99Ms! <= h.maxMs!, key);
      }
    } finally {
      await stopCli(srv);
    }
  },
);

test(
  "a certificate that fails verification: one sentence saying which check and how to trust it, exit 1",
  { timeout: 30_000 },
  async () => {
    const srv = await tlsServe();
    try {
      const runs = await Promise.all([
        runCli(["client", "-p", String(srv.port), "--tls", "--send", "x"]),
        runCli(["ping", `127.0.0.1:${srv.port}`, "--tls", "-c", "3", "-i", "0.05"]),
        runCli(["ping", `127.0.0.1:${srv.port}`, "--tls", "--connect-only", "-c", "3", "-i", "0.05"]),
        runCli(["client", "-p", String(srv.port), "--tls", "--send", "x", "--lang", "ko"]),
        runCli([
          "client",
          "-p",
          String(srv.port),
          "--tls-ca",
          CERT,
          "--tls-servername",
          "echo.test",
          "--send",
          "x",
        ]),
        runCli([
          "ping",
          `127.0.0.1:${srv.port}`,
          "--tls-ca",
          CERT,
          "--tls-servername",
          "echo.test",
          "-c",
          "2",
        ]),
      ]);
      const selfSigned = `[TCP client] the TLS certificate of 127.0.0.1:${srv.port} is not trusted: it is self-signed; trust it with --tls-ca FILE (the server's certificate or its CA, PEM), or skip every check with --insecure\n`;
      const name = `[TCP client] the TLS certificate of 127.0.0.1:${srv.port} is not trusted: it is not made out for the name 'echo.test'; connect by a name it lists, or give that name with --tls-servername NAME\n`;
      const expected = [selfSigned, selfSigned, selfSigned, undefined, name, name];
      runs.forEach((r, i) => {
        assert.equal(r.code, 1, `case ${i}: ${r.stderr}`);
        if (expected[i] !== undefined) assert.equal(r.stderr, expected[i], `case ${i}`);
        assert.doesNotMatch(r.stdout.toString(), /seq=/, "no probe lines: the ping stops at once");
      });
      assert.match(
        runs[3]!.stderr,
        /^\[TCP 클라이언트\] 127\.0\.0\.1:\d+ 의 TLS 인증서를 신뢰할 수 없습니다: 자체 서명 인증서입니다\. --tls-ca 파일/,
      );
      assert.equal(runs[3]!.stderr.split("\n").length, 2);
    } finally {
      await stopCli(srv);
    }
  },
);

test(
  "--tls-ca naming a CA that did not sign the server's certificate: said so, with the file, in both languages",
  { timeout: 30_000 },
  async () => {
    const srv = await tlsServe();
    const otherCa = fixture("other-ca.cert.pem");
    try {
      const runs = await Promise.all([
        runCli(["client", "-p", String(srv.port), "--tls-ca", otherCa, "--send", "x"]),
        runCli(["ping", `127.0.0.1:${srv.port}`, "--tls-ca", otherCa, "-c", "2", "-i", "0.05"]),
        runCli(["client", "-p", String(srv.port), "--tls-ca", otherCa, "--send", "x", "--lang", "ko"]),
      ]);
      for (const r of runs) assert.equal(r.code, 1, r.stderr);
      const en = `[TCP client] the TLS certificate of 127.0.0.1:${srv.port} is not trusted: it is not signed by the CA in ${otherCa}; trust the server's own certificate or the CA that signed it (PEM) with --tls-ca FILE, or skip every check with --insecure\n`;
      assert.equal(runs[0]!.stderr, en);
      assert.equal(runs[1]!.stderr, en);
      assert.equal(
        runs[2]!.stderr,
        `[TCP 클라이언트] 127.0.0.1:${srv.port} 의 TLS 인증서를 신뢰할 수 없습니다: ${otherCa} 의 CA가 서명한 인증서가 아닙니다. 서버 자신의 인증서나 그것을 서명한 CA(PEM)를 --tls-ca 파일로 주거나, --insecure 로 검사를 모두 건너뛰세요\n`,
      );
      for (const r of runs) assert.doesNotMatch(r.stderr, /self-signed|자체 서명/);
    } finally {
      await stopCli(srv);
    }
  },
);

test("--tls against a plain TCP server: one plain sentence, exit 1", { timeout: 20_000 }, async () => {
  const srv = await startCliServer(["--quiet"]);
  try {
    const sentence = `[TCP client] TLS with 127.0.0.1:${srv.port} failed: the server's answer is not TLS; is this port a TLS server? (for plain TCP, leave out --tls)\n`;
    const runs = await Promise.all([
      runCli(["client", "-p", String(srv.port), "--tls-ca", CERT, "--send", "x"]),
      runCli(["ping", `127.0.0.1:${srv.port}`, "--tls-ca", CERT, "-c", "2", "-i", "0.05"]),
      runCli(["ping", `127.0.0.1:${srv.port}`, "--insecure", "--connect-only", "-c", "2", "-i", "0.05"]),
    ]);
    assert.equal(runs[0]!.stderr, sentence);
    assert.equal(runs[1]!.stderr, sentence);
    assert.equal(runs[2]!.stderr, INSECURE_EN + "\n" + sentence);
    for (const r of runs) assert.equal(r.code, 1);
    // A server that accepts and says nothing: the handshake times out, said as such.
    const mute = await startPeer(() => {});
    try {
      const r = await runCli([
        "client",
        "-p",
        String(mute.port),
        "--tls",
        "--timeout",
        "300ms",
        "--send",
        "x",
      ]);
      assert.equal(r.code, 1);
      assert.equal(
        // Windows names the Winsock error first: "ETIMEDOUT (10060, WSAETIMEDOUT): ".
        r.stderr.replace(/^\[TCP client\] \w+ \(\d+, WSA\w+\): /, "[TCP client] "),
        `[TCP client] no TLS handshake from 127.0.0.1:${mute.port} within 0.3 s: the server accepted the connection but did not answer in TLS; is this port a TLS server? (for plain TCP, leave out --tls)\n`,
      );
    } finally {
      await mute.close();
    }
    const ko = await runCli([
      "client",
      "-p",
      String(srv.port),
      "--tls-ca",
      CERT,
      "--send",
      "x",
      "--lang",
      "ko",
    ]);
    assert.equal(
      ko.stderr,
      `[TCP 클라이언트] 127.0.0.1:${srv.port} TLS 연결 실패: 서버의 응답이 TLS가 아닙니다. 이 포트가 TLS 서버인지 확인하세요 (일반 TCP라면 --tls 를 빼세요)\n`,
    );
  } finally {
    await stopCli(srv);
  }
});

/** Starts a peer tool in its own process group; resolves once it listens on `port`. */
async function startTool(cmd: string, args: string[], port: number): Promise<ChildProcess> {
  const proc = spawn(cmd, args, { stdio: ["pipe", "ignore", "ignore"], detached: true });
  await waitListening(port);
  return proc;
}

function killGroup(proc: ChildProcess): void {
  try {
    process.kill(-(proc.pid as number), "SIGKILL");
  } catch {
    proc.kill("SIGKILL");
  }
}

test("against openssl s_server: handshakes timed, trust and name checked", { timeout: 30_000 }, async (t) => {
  const skip = needs("openssl");
  if (skip) return t.skip(skip);
  const port = await freePort();
  // -quiet keeps it running past the end of its standard input; it serves one connection at a time.
  const server = await startTool(
    "openssl",
    ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", CERT, "-key", KEY, "-quiet"],
    port,
  );
  try {
    const co = await runCli([
      "ping",
      `localhost:${port}`,
      "--tls-ca",
      CERT,
      "--connect-only",
      "-c",
      "3",
      "-i",
      "0.1",
    ]);
    assert.equal(co.code, 0, co.stderr + co.stdout.toString());
    const out = lines(co.stdout);
    assert.equal(
      out.filter((l) => /: seq=\d tcp=[\d.]+ ms tls=[\d.]+ ms$/.test(l)).length,
      3,
      out.join("\n"),
    );
    assert.match(out.join("\n"), /3 probes sent, 3 connected, 0% loss/);
    // Spoken to in plain TCP, it closes without a word; the client finds that it speaks TLS.
    const plain = await runCli(["client", "-p", String(port), "--send", "hello"]);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /after sending back 0 of 5 bytes; this port seems to speak TLS: try --tls\n$/);
    const untrusted = await runCli(["client", "-p", String(port), "--tls", "--send", "x"]);
    assert.equal(untrusted.code, 1);
    assert.match(
      untrusted.stderr,
      /^\[TCP client\] the TLS certificate of 127\.0\.0\.1:\d+ is not trusted: it is self-signed;[^\n]*\n$/,
    );
    const wrongName = await runCli([
      "client",
      "-p",
      String(port),
      "--tls-ca",
      CERT,
      "--tls-servername",
      "echo.test",
      "--send",
      "x",
    ]);
    assert.equal(wrongName.code, 1);
    assert.match(
      wrongName.stderr,
      /not made out for the name 'echo\.test'; connect by a name it lists, or give that name with --tls-servername NAME\n$/,
    );
  } finally {
    killGroup(server);
  }
});

test("against socat's TLS echo (OPENSSL-LISTEN to PIPE): client and ping", { timeout: 30_000 }, async (t) => {
  const skip = needs("socat");
  if (skip) return t.skip(skip);
  const port = await freePort();
  const server = await startTool(
    "socat",
    [`OPENSSL-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,cert=${CERT},key=${KEY},verify=0`, "PIPE"],
    port,
  );
  try {
    const once = await runCli(["client", `localhost:${port}`, "--tls-ca", CERT, "--send", "hello socat"]);
    assert.equal(once.code, 0, once.stderr);
    assert.equal(once.stdout.toString(), "hello socat");
    const data = randomBytesSeeded(256 * 1024, 13);
    const piped = await runCli(["client", "-p", String(port), "--tls-ca", CERT, "--verify"], { input: data });
    assert.equal(piped.code, 0, piped.stderr);
    assert.ok(piped.stdout.equals(data), "the echo through socat differs");
    const p = await runCli(["ping", `127.0.0.1:${port}`, "--tls-ca", CERT, "-c", "3", "-i", "0.05"]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout.toString(), /3 probes sent, 3 echoed, 0% loss/);
  } finally {
    killGroup(server);
  }
});
