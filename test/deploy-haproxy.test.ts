/**
 * deploy/haproxy.cfg, exactly as shipped, run by Debian's haproxy (.ci/run
 * installs it) in front of two `tcpecho serve` processes; the ports go in
 * through the environment variables the file names. Both servers get
 * clients, each logs the client's own address and port, and a server that
 * gets SIGTERM mid-transfer (with the --shutdown-delay the file recommends)
 * says 503 on /readyz at once, serves the clients HAProxy still sends it
 * until HAProxy's check takes it out (before its listener closes), then
 * drains its connections to the last byte while HAProxy sends every new
 * client to the other.
 */

import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  needsSignals,
  cleanEnv,
  freePort,
  needs,
  randomBytesSeeded,
  rawConnect,
  readAll,
  sleep,
  startCliServer,
  stopCli,
  waitListening,
  type RunningCli,
} from "./helpers.js";

const CONFIG = fileURLToPath(new URL("../../deploy/haproxy.cfg", import.meta.url));

/** A `tcpecho serve` behind HAProxy, with its --metrics port. */
type Backend = RunningCli & { port: number; metrics: number };

async function startBackend(): Promise<Backend> {
  const srv = await startCliServer([
    "--metrics",
    "127.0.0.1:0",
    "--proxy-protocol",
    "v2",
    "--proxy-trusted",
    "127.0.0.1/32",
    // As deploy/haproxy.cfg recommends: longer than its checks' fall x inter (2 x 1 s).
    "--shutdown-delay",
    "3s",
    "--drain-timeout",
    "30s",
    "--log-format",
    "json",
    "--data-lines",
    "0",
  ]);
  const line = await srv.waitFor(/"event":"metrics"/);
  return { ...srv, metrics: Number(/:(\d+)\/metrics/.exec(line)?.[1]) };
}

const readyz = async (b: Backend) => (await fetch(`http://127.0.0.1:${b.metrics}/readyz`)).status;

/** The `connect` events a server logged, as objects. */
function connects(b: Backend): { remoteAddress: string; remotePort: number; proxyAddress?: string }[] {
  return b.stdout.filter((l) => l.includes('"event":"connect"')).map((l) => JSON.parse(l));
}

/** Which server logged the client whose own port is `port` (waits up to 5 s). */
async function servedBy(port: number, a: Backend, b: Backend): Promise<"a" | "b"> {
  for (let i = 0; i < 250; i++) {
    const onA = connects(a).some((c) => c.remotePort === port);
    const onB = connects(b).some((c) => c.remotePort === port);
    assert.ok(!(onA && onB), `both servers logged a client at port ${port}`);
    if (onA) return "a";
    if (onB) return "b";
    await sleep(20);
  }
  throw new Error(`no server logged a client at port ${port}`);
}

/** Writes all of `data`, waiting for the socket's buffer to drain; fails if the connection ends first. */
async function writeAll(s: Socket, data: Buffer, ms = 20_000): Promise<void> {
  if (s.write(data)) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`could not write ${data.length} bytes within ${ms} ms`)),
      ms,
    );
    const done = (e?: Error) => {
      clearTimeout(timer);
      s.off("drain", ok).off("close", closed);
      if (e) reject(e);
      else resolve();
    };
    const ok = () => done();
    const closed = () => done(new Error("the connection closed while writing"));
    s.once("drain", ok).once("close", closed);
  });
}

/** One client session: its socket, all it has received so far, and the whole echo at the end. */
async function session(frontend: number) {
  const socket = await rawConnect(frontend);
  let received = 0;
  socket.on("data", (b: Buffer) => (received += b.length));
  const all = readAll(socket, 60_000);
  all.catch(() => {}); // awaited later; a failure before then must not end the test process unheard
  return { socket, port: socket.localPort as number, received: () => received, all };
}

/** A short session through HAProxy: one line, its echo, close. */
async function echoOnce(frontend: number, text: string): Promise<number> {
  const s = await session(frontend);
  s.socket.end(text);
  assert.equal((await s.all).toString(), text);
  return s.port;
}

const waitUntil = async (what: string, ok: () => boolean, ms = 10_000) => {
  for (let t = 0; t < ms; t += 20) {
    if (ok()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting until ${what}`);
};

test("deploy/haproxy.cfg is valid for haproxy -c, with and without the environment", (t) => {
  const skip = needs("haproxy");
  if (skip) return t.skip(skip);
  for (const env of [
    cleanEnv(),
    cleanEnv({ TCPECHO_FRONTEND: ":19000", TCPECHO_A: "10.0.0.11:9000", TCPECHO_A_METRICS: "9100" }),
  ]) {
    const r = spawnSync("haproxy", ["-c", "-f", CONFIG], { env, encoding: "utf8", timeout: 10_000 });
    assert.equal(r.status, 0, `haproxy -c failed:\n${r.stdout}${r.stderr}`);
  }
});

test(
  "deploy/haproxy.cfg: both servers serve, each logs the client's own address, a SIGTERM drains without loss",
  { timeout: 120_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM to drain") || needs("haproxy");
    if (skip) return t.skip(skip);
    const a = await startBackend();
    const b = await startBackend();
    const frontend = await freePort();
    let haproxy: ChildProcess | undefined;
    // Also when the test times out, when a finally block would not run.
    t.after(() => {
      haproxy?.kill("SIGKILL");
      a.proc.kill("SIGKILL");
      b.proc.kill("SIGKILL");
    });
    let output = "";
    try {
      haproxy = spawn("haproxy", ["-db", "-f", CONFIG], {
        env: cleanEnv({
          TCPECHO_FRONTEND: `127.0.0.1:${frontend}`,
          TCPECHO_A: `127.0.0.1:${a.port}`,
          TCPECHO_A_METRICS: String(a.metrics),
          TCPECHO_B: `127.0.0.1:${b.port}`,
          TCPECHO_B_METRICS: String(b.metrics),
        }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      haproxy.stdout!.on("data", (d: Buffer) => (output += d.toString()));
      haproxy.stderr!.on("data", (d: Buffer) => (output += d.toString()));
      await waitListening(frontend);
      assert.equal(await readyz(a), 200);
      assert.equal(await readyz(b), 200);

      // Four long sessions, opened one after another: leastconn gives each server two.
      const size = 2 * 1024 * 1024;
      const half = size / 2;
      const long: (Awaited<ReturnType<typeof session>> & { data: Buffer; server: "a" | "b" })[] = [];
      for (let i = 0; i < 4; i++) {
        const s = await session(frontend);
        const data = randomBytesSeeded(size, 100 + i);
        long.push({ ...s, data, server: await servedBy(s.port, a, b) });
        await writeAll(s.socket, data.subarray(0, half));
      }
      const onA = long.filter((s) => s.server === "a");
      assert.ok(
        onA.length > 0 && onA.length < long.length,
        `leastconn should use both servers: ${long.map((s) => s.server).join(" ")}`,
      );
      // The client's own address and port, not HAProxy's, with HAProxy as the proxy.
      for (const s of long) {
        const c = connects(s.server === "a" ? a : b).find((e) => e.remotePort === s.port);
        assert.deepEqual(
          { address: c?.remoteAddress, proxy: c?.proxyAddress },
          { address: "127.0.0.1", proxy: "127.0.0.1" },
        );
      }
      // Mid-transfer: every session has had echoes of its first half, none has sent its second.
      await waitUntil("the first halves came back", () => long.every((s) => s.received() >= half));

      a.proc.kill("SIGTERM");
      await a.waitFor(/"event":"not-ready"/);
      assert.equal(await readyz(a), 503, "/readyz of a server that got SIGTERM");
      assert.equal(await readyz(b), 200);

      // Before HAProxy's check notices, a client sent to a is still accepted and served there.
      const early = [];
      for (let i = 0; i < 3; i++) early.push(await echoOnce(frontend, `early ${i}\n`));
      // HAProxy's check reads the 503 and takes a out of the rotation, before a's delay ends.
      await waitUntil("HAProxy marks a down", () => /Server tcpecho\/a is DOWN.*503/.test(output));
      assert.ok(
        !a.stdout.some((l) => l.includes('"event":"shutdown"')),
        "a's listener stays open until HAProxy has taken it out",
      );
      const later = [];
      for (let i = 0; i < 6; i++) later.push(await echoOnce(frontend, `later ${i}\n`));
      for (const port of later) assert.equal(await servedBy(port, a, b), "b");
      const earlyOnA = [];
      for (const port of early) if ((await servedBy(port, a, b)) === "a") earlyOnA.push(port);
      // Then the listener closes, and a drains the long sessions it carries.
      const shutdown = JSON.parse(await a.waitFor(/"event":"shutdown"/)) as { open: number };
      assert.equal(shutdown.open, onA.length, "server a drains the sessions it has");

      // The second halves, through a server that is draining: every byte comes back.
      for (const s of long) {
        await writeAll(s.socket, s.data.subarray(half));
        s.socket.end();
      }
      for (const s of long) {
        const got = await s.all;
        assert.equal(
          got.length,
          s.data.length,
          `session on ${s.server}: ${got.length} of ${s.data.length} bytes`,
        );
        assert.ok(got.equals(s.data), `session on ${s.server}: bytes differ`);
      }
      assert.equal(await a.exited, 0, "a exits 0 once drained");
      const stopped = JSON.parse(a.stdout.find((l) => l.includes('"event":"stopped"')) ?? "{}") as {
        cutOff?: number;
        bytesIn?: number;
        bytesOut?: number;
      };
      assert.equal(stopped.cutOff, 0, "no session of a was cut off");
      // Each early client on a: one line of "early N\n".
      assert.equal(stopped.bytesIn, onA.length * size + earlyOnA.length * "early 0\n".length);
      assert.equal(stopped.bytesOut, onA.length * size + earlyOnA.length * "early 0\n".length);
    } catch (e) {
      console.log(`# haproxy said:\n${output}`);
      throw e;
    } finally {
      haproxy?.kill("SIGKILL");
      await stopCli(a);
      await stopCli(b);
    }
  },
);
