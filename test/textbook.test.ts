/**
 * The textbook's Winsock echo server and client, ported to C over POSIX
 * sockets (test/fixtures/textbook/), their Korean in CP949 as Visual Studio
 * writes it on Korean Windows, against tcpecho both ways with
 * `--encoding cp949`. The CP949 bytes here are written out by hand, not made
 * by tcpecho's encoder.
 */

import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, before, test } from "node:test";
import { CLI, cleanEnv, fixture, needs, onTerminal, runCli, startCliServer, stopCli } from "./helpers.js";

// The port uses POSIX sockets: Windows' own compilers have Winsock instead.
const skip =
  process.platform === "win32"
    ? "the textbook's C port uses POSIX sockets; skipping on Windows"
    : needs("cc", "gcc");
const dir = mkdtempSync(`${tmpdir()}/tcpecho-textbook-`);
const binary = (name: string) => `${dir}/${name}`;

before(() => {
  if (skip) return;
  for (const name of ["server", "client"]) {
    const r = spawnSync("cc", ["-o", binary(name), fixture(`textbook/${name}.c`)], { stdio: "inherit" });
    assert.equal(r.status, 0, `test/fixtures/textbook/${name}.c did not compile`);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

const cp949 = (hex: string) => Buffer.from(hex.replace(/ /g, ""), "hex");
/** 안녕하세요 */
const HELLO = cp949("be c8 b3 e7 c7 cf bc bc bf e4");
/** hi 세상 */
const HI_WORLD = Buffer.concat([Buffer.from("hi "), cp949("bc bc bb f3")]);
/** The C client's `[받은 데이터] ` */
const RECEIVED_DATA = cp949("5b b9 de c0 ba 20 b5 a5 c0 cc c5 cd 5d 20");
/** The C client's `[TCP 클라이언트] 10바이트를 받았습니다.` */
const RECEIVED_10 = Buffer.concat([
  cp949("5b 54 43 50 20 c5 ac b6 f3 c0 cc be f0 c6 ae 5d 20"),
  Buffer.from("10"),
  cp949("b9 d9 c0 cc c6 ae b8 a6 20 b9 de be d2 bd c0 b4 cf b4 d9 2e"),
]);

/** Runs the C client against `port` with `input` typed; resolves with its exit code and output bytes. */
function textbookClient(port: number, input: Buffer): Promise<{ code: number | null; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary("client"), ["127.0.0.1", String(port)], { stdio: ["pipe", "pipe", "inherit"] });
    const out: Buffer[] = [];
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(
        new Error(`the textbook client did not finish; output: ${Buffer.concat(out).toString("latin1")}`),
      );
    }, 15_000);
    proc.stdout.on("data", (b: Buffer) => out.push(b));
    proc.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out) });
    });
    proc.stdin.end(input);
  });
}

/** The C server on 127.0.0.1 and a port of its choosing, its output kept as bytes. */
async function textbookServer(): Promise<{ proc: ChildProcess; port: number; stdout: () => Buffer }> {
  const proc = spawn(binary("server"), ["127.0.0.1", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  const out: Buffer[] = [];
  proc.stdout?.on("data", (b: Buffer) => out.push(b));
  const port = await new Promise<number>((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`the textbook server did not listen: ${err}`)), 10_000);
    proc.stderr?.on("data", (b: Buffer) => {
      err += b.toString();
      const m = /listening on port (\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.on("exit", () => reject(new Error(`the textbook server exited: ${err}`)));
  });
  return { proc, port, stdout: () => Buffer.concat(out) };
}

/** How many times `part` occurs in `bytes`. */
function count(bytes: Buffer, part: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(part); at !== -1; at = bytes.indexOf(part, at + 1)) n++;
  return n;
}

test(
  "the textbook's C client against tcpecho serve --encoding cp949: its Hangul in the log, its bytes echoed unchanged",
  { skip, timeout: 30_000 },
  async () => {
    const server = await startCliServer(["--encoding", "cp949", "--lang", "ko"]);
    try {
      const input = Buffer.concat([HELLO, Buffer.from("\n"), HI_WORLD, Buffer.from("\n\n")]);
      const client = await textbookClient(server.port, input);
      assert.equal(client.code, 0);
      // recvn read back exactly what was sent, and the client printed those bytes.
      assert.ok(client.stdout.includes(RECEIVED_10), client.stdout.toString("latin1"));
      assert.equal(count(client.stdout, Buffer.concat([RECEIVED_DATA, HELLO, Buffer.from("\n")])), 1);
      assert.equal(count(client.stdout, Buffer.concat([RECEIVED_DATA, HI_WORLD, Buffer.from("\n")])), 1);
      await server.waitFor(/^\[TCP\/127\.0\.0\.1:\d+\] 안녕하세요$/);
      await server.waitFor(/^\[TCP\/127\.0\.0\.1:\d+\] hi 세상$/);
      await server.waitFor(/클라이언트 종료: .*17바이트 에코/);
      assert.ok(!server.stdout.some((l) => l.includes("\\x")), server.stdout.join("\n"));
    } finally {
      await stopCli(server);
    }
  },
);

test(
  "tcpecho client --encoding cp949 against the textbook's C server: it receives CP949, the reply shows in Hangul",
  { skip, timeout: 30_000 },
  async (t) => {
    const server = await textbookServer();
    try {
      const env = cleanEnv();
      const once = await runCli([
        "client",
        "-p",
        String(server.port),
        "--encoding",
        "cp949",
        "--send",
        "안녕하세요",
      ]);
      assert.equal(once.code, 0, once.stderr);
      assert.equal(once.stdout.toString("utf8"), "안녕하세요");
      const line = (data: Buffer) => Buffer.concat([Buffer.from("] "), data, Buffer.from("\n")]);
      assert.equal(count(server.stdout(), line(HELLO)), 1, server.stdout().toString("latin1"));

      const noTerminal = needs("script");
      if (noTerminal) return t.skip(noTerminal);
      const command = [process.execPath, CLI, "client", "-p", String(server.port), "--encoding", "cp949"]
        .concat(["--lang", "ko"])
        .join(" ");
      const { code, screen } = await onTerminal(command, ["안녕하세요", "hi 세상", ""], env, 15_000);
      assert.equal(code, 0, screen);
      assert.match(
        screen,
        /\[TCP 클라이언트\] 10바이트를 보냈습니다\.\n\[TCP 클라이언트\] 10바이트를 받았습니다\.\n\[받은 데이터\] 안녕하세요\n/,
      );
      assert.match(screen, /7바이트를 받았습니다\.\n\[받은 데이터\] hi 세상\n/);
      assert.equal(count(server.stdout(), line(HELLO)), 2);
      assert.equal(count(server.stdout(), line(HI_WORLD)), 1);
    } finally {
      server.proc.kill("SIGKILL");
    }
  },
);
