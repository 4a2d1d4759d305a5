/**
 * The library's client side over TLS: connect(), echo, streamEcho and ping
 * with the `tls` option against tcpecho's own TLS server, each failure in
 * words; and TCP keepalive on client connections, as the kernel shows it.
 * The certificate is the self-signed localhost fixture (see tls.test.ts).
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { once } from "node:events";
import type { Socket } from "node:net";
import { PassThrough } from "node:stream";
import { createServer as createTlsServer } from "node:tls";
import { test } from "node:test";
import { connect, createEchoServer, EchoError, ping, streamEcho, type EchoServer } from "tcpecho";
import { linuxOnly, needs, randomBytesSeeded, startPeer, fixture } from "./helpers.js";

const cert = readFileSync(fixture("localhost.cert.pem"));
const key = readFileSync(fixture("localhost.key.pem"));

async function tlsServer(): Promise<{ server: EchoServer; port: number }> {
  const server = createEchoServer({ host: "127.0.0.1", port: 0, tls: { cert, key } });
  const { port } = await server.listen();
  return { server, port };
}

/**
 * Node's own TLS echo server, closed by destroying every connection, for the
 * tests where clients give up mid-handshake (the server's side of that is
 * tested in tls.test.ts).
 */
async function nodeTlsEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTlsServer({ cert, key }, (s) => s.pipe(s));
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("tlsClientError", () => {});
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Rejection of `p` as an EchoError (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<EchoError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof EchoError, String(err));
    return err;
  }
  assert.fail("expected a rejection");
}

test("connect over TLS: echo, readExactly and a polite close, trusting via ca or insecure", async () => {
  const { server, port } = await tlsServer();
  try {
    for (const tls of [{ ca: cert }, { insecure: true }, { ca: cert, servername: "localhost" }]) {
      const client = await connect({ port, tls, timeout: 5000 });
      assert.equal(client.encrypted, true);
      const data = randomBytesSeeded(100_000, 3);
      const back = await client.echo(data);
      assert.ok(back.equals(data), "bytes differ over TLS");
      assert.equal((await client.echo("hello")).toString(), "hello");
      await client.close();
      assert.ok(client.socket.destroyed);
    }
    const plain = createEchoServer({ host: "127.0.0.1", port: 0 });
    const p = (await plain.listen()).port;
    const c = await connect({ port: p });
    assert.equal(c.encrypted, false);
    await c.close();
    await plain.close();
  } finally {
    const stats = await server.close({ drainTimeout: 1000 });
    assert.equal(stats.connectionsTotal, 3);
  }
});

test(
  "streamEcho over TLS: 2 MiB through, verified, half-closed at the end",
  { timeout: 20_000 },
  async () => {
    const { server, port } = await tlsServer();
    try {
      const client = await connect({ port, tls: { ca: cert } });
      const data = randomBytesSeeded(2 * 1024 * 1024 + 5, 8);
      const input = new PassThrough();
      const output = new PassThrough();
      const parts: Buffer[] = [];
      output.on("data", (b: Buffer) => parts.push(b));
      const done = streamEcho(client, input, output, { verify: true, timeout: 5000 });
      input.end(data);
      const result = await done;
      assert.equal(result.received, data.length);
      assert.ok(Buffer.concat(parts).equals(data));
      await client.close();
    } finally {
      await server.close({ drainTimeout: 1000 });
    }
  },
);

test("a certificate that fails a check: ERR_TLS_VERIFY naming the check", async () => {
  const server = await nodeTlsEcho();
  const port = server.port;
  try {
    const selfSigned = await rejection(connect({ port, tls: true }));
    assert.equal(selfSigned.code, "ERR_TLS_VERIFY");
    assert.equal(selfSigned.context.tlsCheck, "DEPTH_ZERO_SELF_SIGNED_CERT");
    assert.match(selfSigned.message, /is not trusted: it is self-signed; trust it with tls\.ca /);
    const name = await rejection(connect({ port, tls: { ca: cert, servername: "echo.test" } }));
    assert.equal(name.code, "ERR_TLS_VERIFY");
    assert.equal(name.context.tlsCheck, "ERR_TLS_CERT_ALTNAME_INVALID");
    assert.match(name.message, /not made out for the name 'echo\.test'/);
    const pinged = await rejection(ping({ port, tls: true, count: 3, interval: 20 }));
    assert.equal(pinged.code, "ERR_TLS_VERIFY");
    const pingedCo = await rejection(ping({ port, tls: true, count: 3, interval: 20, connectOnly: true }));
    assert.equal(pingedCo.code, "ERR_TLS_VERIFY");
    // Node's server echoes too: the same client trusting it works.
    const client = await connect({ port, tls: { ca: cert } });
    assert.equal((await client.echo("ok")).toString(), "ok");
    await client.close();
  } finally {
    await server.close();
  }
});

test("TLS to a server that does not speak it: ERR_TLS in plain words, for connect and ping", async () => {
  const plain = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await plain.listen();
  // A server that closes at once, before any TLS.
  const closer = await startPeer((s) => s.end());
  try {
    const err = await rejection(connect({ port, tls: { ca: cert }, timeout: 5000 }));
    assert.equal(err.code, "ERR_TLS");
    assert.equal(
      err.message,
      `TLS with 127.0.0.1:${port} failed: the server's answer is not TLS; is this port a TLS server? (for plain TCP, leave out tls)`,
    );
    const closed = await rejection(connect({ port: closer.port, tls: { ca: cert }, timeout: 5000 }));
    assert.equal(closed.code, "ERR_TLS");
    assert.match(closed.message, /the server closed the connection during the handshake/);
    for (const connectOnly of [false, true]) {
      const p = await rejection(ping({ port, tls: { ca: cert }, count: 3, interval: 20, connectOnly }));
      assert.equal(p.code, "ERR_TLS", `connectOnly ${connectOnly}`);
      assert.doesNotMatch(p.message, /SSL routines|0A0000|\.c:\d/);
    }
  } finally {
    await closer.close();
    await plain.close({ drainTimeout: 500 });
  }
});

test("ping over TLS: echoes over one TLS session; connect-only times TCP and TLS apart", async () => {
  const { server, port } = await tlsServer();
  try {
    const report = await ping({ host: "localhost", port, tls: { ca: cert }, count: 3, interval: 20 });
    assert.equal(report.tls, true);
    assert.equal(report.stats.echoed, 3);
    assert.equal(report.handshakes, undefined);
    for (const p of report.probes) {
      assert.ok(p.ok && p.rttMs !== undefined && p.rttMs > 0);
      assert.equal(p.tcpMs, undefined);
    }
    const co = await ping({ port, tls: { ca: cert }, count: 3, interval: 20, connectOnly: true });
    assert.equal(co.stats.echoed, 3);
    for (const p of co.probes) {
      assert.ok(p.ok && p.tcpMs! > 0 && p.tlsMs! > 0, JSON.stringify(p));
      assert.ok(Math.abs(p.rttMs! - (p.tcpMs! + p.tlsMs!)) < 1e-9, "rtt is the sum of both handshakes");
    }
    assert.equal(co.handshakes?.tcp.echoed, 3);
    assert.equal(co.handshakes?.tls.min, Math.min(...co.probes.map((p) => p.tlsMs!)));
    assert.equal(co.handshakes?.tcp.max, Math.max(...co.probes.map((p) => p.tcpMs!)));
  } finally {
    const stats = await server.close({ drainTimeout: 1000 });
    // One connection for the three echoes, one per connect-only probe.
    assert.equal(stats.connectionsTotal, 4);
  }
});

/** The kernel's timer on the client's side of a connection to `port`, as `ss -o` shows it. */
function ssTimer(localPort: number): string {
  const r = spawnSync("ss", ["-tnoH", "state", "established", `( sport = :${localPort} )`], {
    encoding: "utf8",
  });
  return r.stdout;
}

test("keepalive on client connections: 60 s by default, as asked, or off", async (t) => {
  const skip = linuxOnly("ss shows the kernel's keepalive timer") || needs("ss");
  if (skip) return t.skip(skip);
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  try {
    const cases: [number | undefined, RegExp][] = [
      [undefined, /timer:\(keepalive,(59|1min|60)/],
      [5000, /timer:\(keepalive,[45][.\d]*(sec|ms),/],
      [0, /^(?![\s\S]*keepalive)/],
    ];
    for (const [keepAlive, expected] of cases) {
      const client = await connect({ port, ...(keepAlive !== undefined ? { keepAlive } : {}) });
      const line = ssTimer(client.localPort!);
      assert.match(line, /ESTAB|\d/, "ss shows the connection");
      assert.match(line, expected, `keepAlive ${keepAlive}: ${line}`);
      await client.close();
    }
    assert.equal((await rejection(connect({ port, keepAlive: -1 }))).code, "ERR_INVALID_OPTION");
    // ping's echo connection: look while it runs.
    let seen = "";
    await ping({
      port,
      count: 2,
      interval: 50,
      keepAlive: 7000,
      onProbe: () => {
        const r = spawnSync("ss", ["-tnoH", "state", "established", `( dport = :${port} )`], {
          encoding: "utf8",
        });
        seen += r.stdout;
      },
    });
    assert.match(seen, /timer:\(keepalive,[67][.\d]*(sec|ms),/, seen);
  } finally {
    await server.close({ drainTimeout: 500 });
  }
});
