/**
 * The load generator's direct sockets (src/net/node-internals.ts): reads and
 * writes through the handle keep every byte in order, including writes the
 * kernel takes only in part, and failures still reach the socket's events.
 * Under TCPECHO_DATA_PATH=streams, and on Windows (whose handles differ), the
 * internals are off and directSocket must say so (null), so that the callers'
 * public fallback is what the suite runs. Every other file of src/ goes
 * through the functions of that module for Node's private fields; and the
 * descriptor it reads is the one the kernel knows the socket by.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { join, relative } from "node:path";
import { after, describe, it, test } from "node:test";
import { connect as tlsConnect } from "node:tls";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { directSocket, streamInternals } from "../src/net/node-internals.js";
import {
  createEchoServer,
  findTcpSocket,
  readTcpTable,
  socketFd,
  socketInode,
  type ConnectionInfo,
} from "../src/index.js";

const publicOnly = process.env.TCPECHO_DATA_PATH === "streams" || process.platform === "win32";

async function listen(server: Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

function open(port: number, buffer: Buffer, onread: (n: number) => void): Promise<Socket> {
  const socket = connect({
    host: "127.0.0.1",
    port,
    onread: { buffer, callback: (n) => (onread(n), true) },
  });
  return once(socket, "connect").then(() => socket);
}

describe("directSocket", () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it("is there on this Node unless TCPECHO_DATA_PATH=streams or on Windows", () => {
    assert.equal(streamInternals() === null, publicOnly);
  });

  it("echoes through the handle: bytes read reach onBytes, not the stream", async () => {
    const echo = createEchoServer({ host: "127.0.0.1", port: 0 });
    const { port } = await echo.listen();
    after(() => echo.close());
    const buffer = Buffer.alloc(65536);
    const got: Buffer[] = [];
    let viaStream = 0;
    const socket = await open(port, buffer, () => viaStream++);
    const direct = directSocket(socket, (n) => got.push(Buffer.from(buffer.subarray(0, n))));
    if (publicOnly) {
      assert.equal(direct, null);
      socket.destroy();
      return;
    }
    assert.ok(direct !== null);
    direct.write(Buffer.from("hello, "));
    direct.write(Buffer.from("direct"));
    const deadline = Date.now() + 5000;
    while (Buffer.concat(got).length < 13 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(Buffer.concat(got).toString(), "hello, direct");
    assert.equal(viaStream, 0);
    // The end of input still reaches the socket as its own event.
    const ended = once(socket, "end");
    socket.end();
    await ended;
    socket.destroy();
  });

  it("keeps the order of writes the kernel takes only in part (queued on the handle)", async (t) => {
    if (publicOnly) return t.skip("internals off under TCPECHO_DATA_PATH=streams and on Windows");
    // A peer that reads nothing for a while, so the client's socket buffer fills and writes queue.
    const chunks: Buffer[] = [];
    let peer: Socket | undefined;
    const server = createServer((s) => {
      peer = s;
      s.pause();
      s.on("data", (d) => chunks.push(d));
    });
    servers.push(server);
    const port = await listen(server);
    const socket = await open(port, Buffer.alloc(1024), () => {});
    const direct = directSocket(socket, () => {});
    assert.ok(direct !== null);
    // 64 writes of 256 KiB, each a different view of one fixed pattern (16 MiB in all).
    const pattern = Buffer.alloc(512 * 1024);
    for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 131 + (i >> 9)) & 0xff;
    const expected: Buffer[] = [];
    let queuedSeen = 0;
    const handle = (socket as unknown as { _handle: { writeQueueSize: number } })._handle;
    for (let k = 0; k < 64; k++) {
      const view = pattern.subarray((k * 4099) % (256 * 1024), ((k * 4099) % (256 * 1024)) + 256 * 1024);
      direct.write(view);
      expected.push(view);
      if (handle.writeQueueSize > 0) queuedSeen++;
    }
    assert.ok(queuedSeen > 0, "some writes were queued, so the test covers the queued case");
    const total = 64 * 256 * 1024;
    (peer as Socket).resume();
    const deadline = Date.now() + 15000;
    let have = 0;
    while (have < total && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      have = chunks.reduce((a, c) => a + c.length, 0);
    }
    assert.equal(have, total);
    assert.ok(Buffer.concat(chunks).equals(Buffer.concat(expected)), "every byte in the order written");
    socket.destroy();
  });

  it("a peer's reset surfaces as the socket's error event, then close", async (t) => {
    if (publicOnly) return t.skip("internals off under TCPECHO_DATA_PATH=streams and on Windows");
    const server = createServer((s) => s.once("data", () => s.resetAndDestroy()));
    servers.push(server);
    const port = await listen(server);
    const socket = await open(port, Buffer.alloc(1024), () => {});
    const direct = directSocket(socket, () => {});
    assert.ok(direct !== null);
    const errors: NodeJS.ErrnoException[] = [];
    socket.on("error", (e) => errors.push(e));
    const closed = new Promise((r) => socket.on("close", r));
    // Write until the reset is noticed (the first writes may land before it arrives).
    const deadline = Date.now() + 5000;
    while (!socket.destroyed && Date.now() < deadline) {
      direct.write(Buffer.alloc(1024));
      await new Promise((r) => setTimeout(r, 10));
    }
    await closed;
    assert.ok(errors.length >= 1, "an error event");
    assert.match(String(errors[0]?.code), /^(ECONNRESET|EPIPE)$/);
  });

  it("declines a TLS socket (its handle is not a TCP handle)", async (t) => {
    if (publicOnly) return t.skip("internals off under TCPECHO_DATA_PATH=streams and on Windows");
    const server = createServer((s) => s.destroy());
    servers.push(server);
    const port = await listen(server);
    const socket = tlsConnect({ host: "127.0.0.1", port, rejectUnauthorized: false });
    socket.on("error", () => {});
    assert.equal(
      directSocket(socket, () => {}),
      null,
    );
    socket.destroy();
  });
});

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const INTERNALS = join("net", "node-internals.ts");

/** The .ts files of src/ (tests aside), relative to it. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [relative(SRC, path)] : [];
  });
}

const underscored = (name: string) => /^_[A-Za-z]/.test(name);

/**
 * Where a file names an underscore field: `x._handle`, `x["_parent"]`, a type
 * literal's `{ _handle?: … }` (the cast before such a read), a destructured
 * `{ _handle }`, a string `"_handle"` (for `in`, `Reflect.get`).
 */
function underscoreFields(file: string): string[] {
  const text = readFileSync(join(SRC, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const note = (node: ts.Node, name: string) =>
    found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${name}`);
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && underscored(node.name.text)) note(node, node.name.text);
    else if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && underscored(node.text))
      note(node, node.text);
    else if (ts.isPropertySignature(node) && ts.isIdentifier(node.name) && underscored(node.name.text))
      note(node, node.name.text);
    else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
      const key = node.propertyName ?? node.name;
      if (ts.isIdentifier(key) && underscored(key.text)) note(node, key.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test("only net/node-internals.ts names Node's underscore fields (_handle, _parent, …)", () => {
  const files = sourceFiles();
  assert.ok(files.includes(INTERNALS), `${INTERNALS} is not under ${SRC}`);
  assert.ok(underscoreFields(INTERNALS).length > 0, "the scan finds node-internals.ts's own reads");
  const elsewhere = files.filter((f) => f !== INTERNALS).flatMap(underscoreFields);
  assert.deepEqual(elsewhere, [], "go through a function of src/net/node-internals.ts instead");
});

describe("descriptors", () => {
  const linux = process.platform === "linux";

  it("socketFd: a connected socket's descriptor is the kernel's socket (Linux), undefined once closed", async (t) => {
    if (!linux) return t.skip("descriptors are read from /proc/self/fd on Linux only");
    const server = createServer((s) => s.destroy());
    const port = await listen(server);
    t.after(() => server.close());
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("error", () => {});
    await once(socket, "connect");
    const fd = socketFd(socket);
    assert.equal(typeof fd, "number");
    assert.equal(typeof socketInode(fd as number), "number", "/proc/self/fd names a socket");
    socket.destroy();
    assert.equal(socketFd(socket), undefined);
  });

  it("the server's connection info carries the descriptor accept() gave, on either data path", async (t) => {
    const echo = createEchoServer({ host: "127.0.0.1", port: 0 });
    const seen: ConnectionInfo[] = [];
    echo.observe((conn, step) => {
      if (step.kind === "accepted") seen.push(conn);
    });
    const { port } = await echo.listen();
    const socket = connect({ host: "127.0.0.1", port });
    t.after(() => {
      socket.destroy();
      return echo.close();
    });
    await once(socket, "connect");
    socket.write("x");
    await once(socket, "data");
    const conn = seen[0];
    assert.ok(conn !== undefined, "an accepted step");
    if (!linux) {
      assert.ok(conn.fd === undefined || typeof conn.fd === "number");
    } else {
      // The kernel's row for the server's end of this very connection has that descriptor's inode.
      const row = findTcpSocket(readTcpTable() ?? [], {
        localPort: port,
        remoteAddress: "127.0.0.1",
        remotePort: socket.localPort as number,
      });
      assert.ok(row !== undefined && row.inode !== 0, "the kernel lists the connection");
      assert.equal(socketInode(conn.fd as number), row.inode);
    }
    const closed = new Promise<number | undefined>((resolve) =>
      echo.once("disconnect", (d) => resolve(d.fd)),
    );
    socket.end();
    assert.equal(await closed, conn.fd, "the disconnect info names the descriptor it had");
  });
});
