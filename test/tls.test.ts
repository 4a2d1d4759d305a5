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
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createEchoServer, EchoError } from "tcpecho";
import {
  cleanEnv,
  freePort,
  randomBytesSeeded,
  rawConnect,
  readAll,
  runCli,
  startCliServer,
  stopCli,
} from "./helpers.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));
const CERT_FILE = fixture("localhost.cert.pem");
const KEY_FILE = fixture("localhost.key.pem");
const cert = readFileSync(CERT_FILE);
const key = readFileSync(KEY_FILE);

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
