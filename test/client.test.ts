/** The client library: connect, echo, readExactly, streamEcho, against real peers on loopback. */

import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { PassThrough, Readable } from "node:stream";
import { test } from "node:test";
import { connect, createEchoServer, EchoError, readExactly, streamEcho } from "tcpecho";
import { speaksTls } from "../src/client/speaks-tls.js";
import {
  fixture,
  freePort,
  randomBytesSeeded,
  rawConnect,
  sleep,
  startPeer,
  TLS_FIXTURE,
} from "./helpers.js";

const isCode = (code: string) => (e: unknown) => e instanceof EchoError && e.code === code;

test("echo() resolves with exactly as many bytes as were sent", { timeout: 10_000 }, async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  const client = await connect({ host: "127.0.0.1", port });
  assert.equal((await client.echo("hello")).toString(), "hello");
  const big = randomBytesSeeded(1024 * 1024, 5);
  assert.ok((await client.echo(big)).equals(big));
  assert.equal((await client.echo("안녕")).toString(), "안녕");
  assert.equal((await client.echo(Buffer.alloc(0))).length, 0);
  await client.close();
  const stats = await server.close();
  assert.equal(stats.bytesIn, 5 + big.length + Buffer.byteLength("안녕"));
});

test(
  "readExactly gathers bytes that arrive one at a time (the textbook's recvn)",
  { timeout: 10_000 },
  async () => {
    const peer = await startPeer(async (s) => {
      for (const b of Buffer.from("abcdefgh")) {
        s.write(Buffer.of(b));
        await sleep(5);
      }
    });
    const s = await rawConnect(peer.port);
    const first = await readExactly(s, 3);
    const rest = await readExactly(s, 5);
    assert.equal(first.toString(), "abc");
    assert.equal(rest.toString(), "defgh");
    s.destroy();
    await peer.close();
  },
);

test(
  "readExactly reports a short read when the peer closes early, with the count",
  { timeout: 10_000 },
  async () => {
    const peer = await startPeer((s) => s.end("abc"));
    const s = await rawConnect(peer.port);
    await assert.rejects(readExactly(s, 10), (e: unknown) => {
      assert.ok(e instanceof EchoError);
      assert.equal(e.code, "ERR_PEER_CLOSED");
      assert.equal(e.context.received, 3);
      assert.equal(e.context.expected, 10);
      return true;
    });
    s.destroy();
    await peer.close();
  },
);

test("readExactly times out with ETIMEDOUT when nothing comes", { timeout: 10_000 }, async () => {
  const peer = await startPeer(() => {});
  const s = await rawConnect(peer.port);
  const t0 = Date.now();
  await assert.rejects(readExactly(s, 1, { timeout: 200 }), isCode("ETIMEDOUT"));
  assert.ok(Date.now() - t0 >= 190);
  s.destroy();
  await peer.close();
});

test("connect to a port nothing listens on: ECONNREFUSED, in words", { timeout: 10_000 }, async () => {
  const port = await freePort();
  await assert.rejects(connect({ host: "127.0.0.1", port }), (e: unknown) => {
    assert.ok(e instanceof EchoError);
    assert.equal(e.code, "ECONNREFUSED");
    assert.match(e.message, /nothing is listening/);
    assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    return true;
  });
});

test("connect rejects bad ports and hosts before touching the network", async () => {
  await assert.rejects(connect({ port: 0 }), isCode("ERR_INVALID_PORT"));
  await assert.rejects(connect({ port: 65536 }), isCode("ERR_INVALID_PORT"));
  await assert.rejects(connect({ host: "bad host" }), isCode("ERR_INVALID_HOST"));
});

test(
  "a reset while idle is reported by the next echo, not thrown into the event loop",
  { timeout: 10_000 },
  async () => {
    let accepted: (s: Socket) => void = () => {};
    const peerSide = new Promise<Socket>((resolve) => (accepted = resolve));
    const peer = await startPeer((s) => accepted(s));
    const client = await connect({ host: "127.0.0.1", port: peer.port });
    // Reset once the client is connected, before it sends anything: it learns of it at its next echo.
    const s = await peerSide;
    s.resetAndDestroy();
    await once(s, "close");
    await new Promise((r) => setImmediate(r)); // a turn of the event loop, where a stray error would be thrown
    await assert.rejects(
      client.echo("x"),
      (e: unknown) => e instanceof EchoError && ["ECONNRESET", "ERR_PEER_CLOSED", "EPIPE"].includes(e.code),
    );
    await client.close();
    await peer.close();
  },
);

test("streamEcho passes binary data through and verifies it", { timeout: 20_000 }, async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  const data = randomBytesSeeded(3 * 1024 * 1024, 77);
  const client = await connect({ host: "127.0.0.1", port });
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on("data", (b: Buffer) => parts.push(b));
  const result = await streamEcho(client, Readable.from([data.subarray(0, 1000), data.subarray(1000)]), out, {
    verify: true,
  });
  assert.equal(result.sent, data.length);
  assert.equal(result.received, data.length);
  assert.ok(Buffer.concat(parts).equals(data));
  await client.close();
  await server.close();
});

test("streamEcho with verify finds the first altered byte", { timeout: 10_000 }, async () => {
  // A server that flips one byte at stream offset 1234.
  const peer = await startPeer((s) => {
    let offset = 0;
    s.on("data", (b: Buffer) => {
      const copy = Buffer.from(b);
      if (offset <= 1234 && 1234 < offset + copy.length)
        copy[1234 - offset] = (copy[1234 - offset] as number) ^ 0xff;
      offset += copy.length;
      s.write(copy);
    });
    s.on("end", () => s.end());
  });
  const client = await connect({ host: "127.0.0.1", port: peer.port });
  await assert.rejects(
    streamEcho(client, Readable.from([randomBytesSeeded(5000, 1)]), new PassThrough(), { verify: true }),
    (e: unknown) => e instanceof EchoError && e.code === "ERR_ECHO_MISMATCH" && e.context.offset === 1234,
  );
  client.destroy();
  await peer.close();
});

test("streamEcho reports a server that closes before everything came back", { timeout: 10_000 }, async () => {
  const peer = await startPeer((s) => s.once("data", (b: Buffer) => s.end(b.subarray(0, 10))));
  const client = await connect({ host: "127.0.0.1", port: peer.port });
  await assert.rejects(
    streamEcho(client, Readable.from([Buffer.alloc(100, 1)]), new PassThrough()),
    (e: unknown) =>
      e instanceof EchoError &&
      e.code === "ERR_PEER_CLOSED" &&
      e.context.received === 10 &&
      e.context.expected === 100,
  );
  client.destroy();
  await peer.close();
});

test(
  "streamEcho: a server that closes at our half-close, before echoing, is told apart (afterFin); with halfClose false it echoes",
  { timeout: 10_000 },
  async () => {
    // Holds what it gets, and closes when it sees the client's FIN (as ncat --exec does).
    const peer = await startPeer((s) => {
      const held: Buffer[] = [];
      s.on("data", (b: Buffer) => held.push(b));
      s.on("end", () => s.end());
      // Without a FIN it echoes, a moment later.
      setTimeout(() => s.writable && s.write(Buffer.concat(held)), 300);
    });
    try {
      const halfClosing = await connect({ host: "127.0.0.1", port: peer.port });
      await assert.rejects(
        streamEcho(halfClosing, Readable.from([Buffer.from("hello")]), new PassThrough()),
        (e: unknown) =>
          e instanceof EchoError &&
          e.code === "ERR_PEER_CLOSED" &&
          e.context.afterFin === true &&
          /if it stops at a FIN, as ncat --exec does, try halfClose: false$/.test(e.message),
      );
      halfClosing.destroy();
      const waiting = await connect({ host: "127.0.0.1", port: peer.port });
      const result = await streamEcho(waiting, Readable.from([Buffer.from("hello")]), new PassThrough(), {
        halfClose: false,
      });
      assert.equal(result.received, 5);
      await waiting.close();
    } finally {
      await peer.close();
    }
  },
);

test(
  "streamEcho: a TLS record where an echo should be is the server speaking TLS (peerTls)",
  { timeout: 10_000 },
  async () => {
    const peer = await startPeer((s) =>
      s.once("data", () => s.end(Buffer.from([0x15, 3, 3, 0, 2, 2, 0x46]))),
    );
    try {
      const client = await connect({ host: "127.0.0.1", port: peer.port });
      await assert.rejects(
        streamEcho(client, Readable.from([Buffer.from("hello there")]), new PassThrough()),
        (e: unknown) =>
          e instanceof EchoError &&
          e.code === "ERR_ECHO_MISMATCH" &&
          e.context.peerTls === true &&
          /this port seems to speak TLS: try tls$/.test(e.message),
      );
      client.destroy();
    } finally {
      await peer.close();
    }
  },
);

test(
  "speaksTls: true for a TLS server, false for an echo server and one that hangs up",
  { timeout: 15_000 },
  async () => {
    const tlsServer = createEchoServer({
      host: "127.0.0.1",
      port: 0,
      tls: { cert: TLS_FIXTURE.cert, key: TLS_FIXTURE.key },
    });
    const echo = createEchoServer({ host: "127.0.0.1", port: 0 });
    const hangUp = await startPeer((s) => s.once("data", () => s.end()));
    try {
      assert.equal(await speaksTls("127.0.0.1", (await tlsServer.listen()).port), true);
      assert.equal(await speaksTls("127.0.0.1", (await echo.listen()).port), false);
      assert.equal(await speaksTls("127.0.0.1", hangUp.port), false);
    } finally {
      await hangUp.close();
      await Promise.all([tlsServer.close(), echo.close()]);
    }
  },
);

test("connect's onSocket sees the socket before it connects", { timeout: 10_000 }, async () => {
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  let seen: { connecting: boolean } | undefined;
  const client = await connect({
    host: "127.0.0.1",
    port,
    onSocket: (socket) => (seen = { connecting: socket.connecting }),
  });
  assert.deepEqual(seen, { connecting: true });
  await client.close();
  await server.close();
});

test(
  "a certificate the given CA did not sign: ERR_TLS_VERIFY saying so (option tls.ca)",
  { timeout: 10_000 },
  async () => {
    const server = createEchoServer({
      host: "127.0.0.1",
      port: 0,
      tls: { cert: TLS_FIXTURE.cert, key: TLS_FIXTURE.key },
    });
    const { port } = await server.listen();
    try {
      await assert.rejects(
        connect({ host: "127.0.0.1", port, tls: { ca: readFileSync(fixture("other-ca.cert.pem")) } }),
        (e: unknown) =>
          e instanceof EchoError &&
          e.code === "ERR_TLS_VERIFY" &&
          e.context.option === "tls.ca" &&
          /is not trusted: it is not signed by the CA given as tls\.ca; /.test(e.message),
      );
      // Without a CA of its own, the same certificate is simply self-signed.
      await assert.rejects(
        connect({ host: "127.0.0.1", port, tls: true }),
        (e: unknown) =>
          e instanceof EchoError && e.context.option === undefined && /self-signed/.test(e.message),
      );
    } finally {
      await server.close();
    }
  },
);
