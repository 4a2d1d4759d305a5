/**
 * `bench --rate` against a server of the test's own that waits a known delay
 * before echoing: latency counts from when each message was due, so under
 * capacity it is the delay (no interval more), and above capacity it grows
 * with the queue (no coordinated omission).
 */

import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { test } from "node:test";
import { bench, createEchoServer, EchoError } from "tcpecho";
import { runCli } from "./helpers.js";

const DELAY_MS = 5;

/**
 * A child process echoing each chunk DELAY_MS after it arrived (never
 * sooner); on standard input's end it prints the arrival times (ms) of the
 * chunks, then exits.
 */
const DELAYED_ECHO = `
const net = require("node:net");
const { performance } = require("node:perf_hooks");
const delay = Number(process.argv[1]);
const arrivals = [];
const server = net.createServer((s) => {
  s.setNoDelay(true);
  s.on("error", () => {});
  s.on("data", (b) => {
    const at = performance.now();
    arrivals.push(performance.timeOrigin + at);
    const echo = () => {
      const left = at + delay - performance.now();
      if (left > 0) setTimeout(echo, Math.ceil(left));
      else if (!s.destroyed) s.write(b);
    };
    setTimeout(echo, delay);
  });
});
server.listen(0, "127.0.0.1", () => console.log("port " + server.address().port));
process.stdin.on("end", () => {
  process.stdout.write(JSON.stringify(arrivals) + "\\n", () => process.exit(0));
});
process.stdin.resume();
`;

async function delayedEcho(): Promise<{ port: number; stop(): Promise<number[]>; proc: ChildProcess }> {
  const proc = spawn(process.execPath, ["-e", DELAYED_ECHO, String(DELAY_MS)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  proc.stdout!.setEncoding("utf8");
  proc.stdout!.on("data", (t: string) => (out += t));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no port within 10 s: ${out}`)), 10_000);
    proc.stdout!.on("data", () => {
      const m = /^port (\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return {
    port,
    proc,
    async stop() {
      const killer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      proc.stdin!.end();
      await once(proc, "exit");
      clearTimeout(killer);
      const line = out.split("\n").find((l) => l.startsWith("["));
      return JSON.parse(line ?? "[]") as number[];
    },
  };
}

function gaps(times: number[]): number[] {
  const t = [...times].sort((a, b) => a - b);
  return t.slice(1).map((v, i) => v - (t[i] as number));
}

const medianOf = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] as number;

for (const { connections, threads } of [
  { connections: 1, threads: 1 },
  { connections: 4, threads: 1 },
  { connections: 4, threads: 2 },
]) {
  test(
    `under capacity (${connections} connection(s), ${threads} thread(s), 100/s): p50 is the server's delay`,
    { timeout: 30_000 },
    async () => {
      const srv = await delayedEcho();
      try {
        const r = await bench({
          port: srv.port,
          connections,
          threads,
          size: 32,
          rate: 100,
          durationMs: 2000,
        });
        assert.equal(r.ok, true, JSON.stringify(r.errors));
        const l = r.latency;
        assert.ok(l !== null && l.samples >= 150, `${l?.samples} samples`);
        const p50 = l.p50Us / 1000;
        // At least the server's delay; not the queue of a run above capacity (which grows to hundreds
        // of ms, see below). The upper bound is loose: a loaded machine wakes timers late.
        assert.ok(p50 >= DELAY_MS && p50 <= DELAY_MS + 25, `p50 ${p50} ms with a ${DELAY_MS} ms server`);
        // The messages of all connections are spread evenly: one every 10 ms at 100/s (not in bursts).
        const arrived = await srv.stop();
        const gap = medianOf(gaps(arrived));
        assert.ok(gap >= 5 && gap <= 15, `median gap between messages ${gap} ms (planned 10 ms)`);
        assert.ok(
          arrived.length >= 150 && arrived.length <= 202,
          `${arrived.length} messages in 2 s at 100/s`,
        );
      } finally {
        srv.proc.kill();
      }
    },
  );
}

test(
  "above capacity (one connection, 3× what the delay allows): latency counts the queue and grows",
  { timeout: 30_000 },
  async () => {
    const srv = await delayedEcho();
    try {
      // One message in flight at a time, 5 ms each: at most 200/s get through; 600/s are due.
      const rate = 3 * (1000 / DELAY_MS);
      const short = await bench({ port: srv.port, connections: 1, size: 32, rate, durationMs: 750 });
      const long = await bench({ port: srv.port, connections: 1, size: 32, rate, durationMs: 1500 });
      for (const r of [short, long]) {
        assert.equal(r.ok, true, JSON.stringify(r.errors));
        const l = r.latency;
        assert.ok(l !== null && l.samples > 20, `${l?.samples} samples`);
        // Timed from when each was sent, every message would take about the delay.
        assert.ok(l.p50Us / 1000 > 10 * DELAY_MS, `p50 ${l.p50Us / 1000} ms: the queue is not counted`);
        assert.ok(l.p99Us > 1.5 * l.p50Us, `p99 ${l.p99Us} µs vs p50 ${l.p50Us} µs: latency does not grow`);
        assert.ok(r.requests < (rate * r.elapsedMs) / 1000 / 2, `${r.requests} requests: over capacity?`);
      }
      // Twice as long a run, a queue twice as deep at its end.
      assert.ok(
        long.latency!.maxUs > 1.5 * short.latency!.maxUs,
        `max ${short.latency!.maxUs} µs in 0.75 s, ${long.latency!.maxUs} µs in 1.5 s`,
      );
    } finally {
      await srv.stop();
    }
  },
);

test("CLI: --rate under capacity reports p50Ms near the delay", { timeout: 30_000 }, async () => {
  const srv = await delayedEcho();
  try {
    const r = await runCli(
      ["bench", `127.0.0.1:${srv.port}`, "--rate", "100", "-c", "2", "-s", "16", "-d", "1500ms", "--json"],
      { timeout: 20_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const last = JSON.parse(r.stdout.toString().trim().split("\n").at(-1) ?? "{}");
    assert.ok(
      last.latency.p50Ms >= DELAY_MS && last.latency.p50Ms <= DELAY_MS + 25,
      JSON.stringify(last.latency),
    );
  } finally {
    await srv.stop();
  }
});

test(
  "a --rate beyond the load generator never blocks its event loop: timers run, and the run ends at its duration",
  { timeout: 90_000 },
  async () => {
    const srv = createEchoServer({ host: "127.0.0.1", port: 0 });
    const { port } = await srv.listen();
    // The longest the event loop went without running a 20 ms timer, while the run went on in this thread.
    let last = performance.now();
    let longest = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 20);
    try {
      // A rate no machine sends: the messages that fall due are counted, not stepped through one by one
      // (stepping through them, one call catching up took longer than the run, and each call longer than the last).
      const r = await bench({ port, connections: 2, size: 64, durationMs: 2000, rate: 1_000_000_000 });
      assert.equal(r.ok, true, JSON.stringify(r.errors));
      assert.ok(r.requests > 0);
      assert.ok(r.elapsedMs >= 1900 && r.elapsedMs < 3500, `elapsedMs ${r.elapsedMs}`);
      assert.ok(longest < 1500, `the event loop was blocked for ${Math.round(longest)} ms`);
    } finally {
      clearInterval(ticker);
      await srv.close({ drainTimeout: 0 });
    }
  },
);

test("--rate above the maximum is a usage error naming it", { timeout: 30_000 }, async () => {
  for (const lang of ["en", "ko"]) {
    const r = await runCli(["bench", "127.0.0.1:1", "--rate", "99999999999", "--lang", lang]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout.toString(), "", "nothing ran");
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /--rate/);
    assert.match(r.stderr, /1000000000/);
  }
  await assert.rejects(
    bench({ port: 1, rate: 2_000_000_000 }),
    (e: unknown) => e instanceof EchoError && e.isUsageError && e.context.max === 1_000_000_000,
  );
});
