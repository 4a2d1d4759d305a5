/**
 * `npm run bench:connections`: connections per second for short
 * connections, the load `tcpecho bench` does not make. Each of K loops
 * connects, writes 64 bytes, reads them back and checks them, closes, and
 * starts again, for a bounded time. Given several targets it runs them in
 * turn, A B A B …, and reports each one's median, and its ratio to the first
 * (one machine's absolute figures drift; side-by-side ratios much less).
 *
 *   npm run bench:connections -- [--loops 50] [--duration 3s] [--rounds 3] [--size 64] TARGET...
 *
 * A TARGET is HOST:PORT of a running server, or a command that starts one
 * with `{port}` in it: run through `sh -c` on a free loopback port, and
 * stopped with SIGTERM at the end, when the lines of its summary (tcpecho
 * serve's "stopped after … connections served", one per worker under
 * `--workers`) are printed: they show how the connections were split.
 * Exit code 1 if any echo was wrong or any connection failed.
 */

import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { median } from "../src/bench/bench.js";
import { parseDuration } from "../src/net/options.js";
import { scriptArgs } from "./args.js";
import { freePort, waitListening } from "./listening.js";

interface Target {
  name: string;
  host: string;
  port: number;
  proc?: ChildProcess;
  output: string[];
}

interface Round {
  perSecond: number;
  errors: number;
  /** CPU time the server's processes spent per 1000 connections, in ms (when the script started it). */
  cpuPerThousand?: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time (user + system, ms) of `pid` and all its descendants, from /proc; undefined off Linux. */
function treeCpuMs(pid: number): number | undefined {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    let ms = (Number(f[11]) + Number(f[12])) * TICK_MS;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    for (const c of children === "" ? [] : children.split(" ")) ms += treeCpuMs(Number(c)) ?? 0;
    return ms;
  } catch {
    return undefined;
  }
}

const USAGE = `usage: npm run bench:connections -- [--loops 50] [--duration 3s] [--rounds 3] [--size 64] TARGET...

Connections per second for short connections (connect, one echo checked,
close), K loops at once. A TARGET is HOST:PORT of a running server, or a
command with {port} in it that starts one; several run A B A B ….`;

const { values: args, positionals } = scriptArgs(
  "bench:connections",
  USAGE,
  {
    loops: { type: "string" },
    duration: { type: "string" },
    rounds: { type: "string" },
    size: { type: "string" },
  },
  true,
);

function argValue(name: "--loops" | "--duration" | "--rounds" | "--size", fallback: string): string {
  const v = args[name.slice(2)];
  return typeof v === "string" ? v : fallback;
}

async function start(spec: string): Promise<Target> {
  if (!spec.includes("{port}")) {
    const m = /^(.*):(\d+)$/.exec(spec);
    if (m === null) throw new Error(`not HOST:PORT nor a command with {port}: ${spec}`);
    return { name: spec, host: m[1] || "127.0.0.1", port: Number(m[2]), output: [] };
  }
  const port = await freePort();
  const proc = spawn("sh", ["-c", `exec ${spec.replaceAll("{port}", String(port))}`], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output: string[] = [];
  for (const stream of [proc.stdout, proc.stderr])
    stream?.on("data", (d: Buffer) => output.push(...d.toString().split("\n")));
  await waitListening(port);
  return { name: spec, host: "127.0.0.1", port, proc, output };
}

async function stop(t: Target): Promise<void> {
  const proc = t.proc;
  if (proc === undefined || proc.exitCode !== null) return;
  const exited = once(proc, "exit");
  proc.kill("SIGTERM");
  const timer = setTimeout(() => process.kill(-(proc.pid as number), "SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** One short connection: connect, send `payload`, read it back, close. Rejects on any difference. */
function oneConnection(host: string, port: number, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, noDelay: true });
    const back = Buffer.alloc(payload.length);
    let got = 0;
    const timer = setTimeout(() => s.destroy(new Error("no echo within 5 s")), 5000);
    s.once("connect", () => s.write(payload));
    s.on("data", (d: Buffer) => {
      if (got + d.length > back.length) return s.destroy(new Error("more bytes than sent"));
      d.copy(back, got);
      got += d.length;
      if (got === back.length) s.end();
    });
    s.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.once("close", (hadError) => {
      clearTimeout(timer);
      if (hadError) return;
      if (got === payload.length && back.equals(payload)) resolve();
      else reject(new Error(`echo differs: ${got} of ${payload.length} bytes back`));
    });
  });
}

/** K loops of short connections for `ms`; connections completed per second. */
async function measure(t: Target, loops: number, size: number, ms: number): Promise<Round> {
  let ok = 0;
  let errors = 0;
  let seq = 0;
  const pid = t.proc?.pid;
  const cpuBefore = pid === undefined ? undefined : treeCpuMs(pid);
  const began = performance.now();
  const deadline = began + ms;
  const loop = async () => {
    while (performance.now() < deadline) {
      const payload = Buffer.alloc(size);
      const n = seq++;
      for (let i = 0; i < size; i++) payload[i] = (n * 7 + i * 131) & 0xff;
      try {
        await oneConnection(t.host, t.port, payload);
        ok++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  const perSecond = ok / ((performance.now() - began) / 1000);
  const cpuAfter = pid === undefined ? undefined : treeCpuMs(pid);
  if (cpuBefore === undefined || cpuAfter === undefined || ok === 0) return { perSecond, errors };
  return { perSecond, errors, cpuPerThousand: ((cpuAfter - cpuBefore) * 1000) / ok };
}

async function main(): Promise<number> {
  const loops = Number(argValue("--loops", "50"));
  const rounds = Number(argValue("--rounds", "3"));
  const size = Number(argValue("--size", "64"));
  const ms = parseDuration(argValue("--duration", "3s"), "--duration");
  const specs = positionals;
  if (specs.length === 0 || ![loops, rounds, size].every((n) => Number.isInteger(n) && n > 0)) {
    console.error(
      "usage: npm run bench:connections -- [--loops 50] [--duration 3s] [--rounds 3] [--size 64] TARGET...",
    );
    return 2;
  }
  const targets: Target[] = [];
  try {
    for (const spec of specs) targets.push(await start(spec));
    console.log(
      `short connections (connect, ${size}-byte echo, close): ${loops} loops, ${rounds} rounds of ${ms / 1000} s`,
    );
    const results = targets.map(() => [] as Round[]);
    // Warm up each target once, unmeasured (JIT, first accepts).
    for (const t of targets) await measure(t, loops, size, Math.min(500, ms));
    for (let r = 0; r < rounds; r++) {
      for (const [i, t] of targets.entries()) {
        const round = await measure(t, loops, size, ms);
        results[i]?.push(round);
        const cpu =
          round.cpuPerThousand === undefined
            ? ""
            : `, server CPU ${round.cpuPerThousand.toFixed(0)} ms per 1000`;
        console.log(
          `  round ${r + 1} ${t.name}: ${round.perSecond.toFixed(0)} connections/s${cpu}${round.errors > 0 ? `, ${round.errors} errors` : ""}`,
        );
      }
    }
    const first = median((results[0] ?? []).map((x) => x.perSecond));
    console.log(
      "\n| target | connections/s (median) | ÷ first | server CPU ms per 1000 (median) | errors |\n|---|---|---|---|---|",
    );
    for (const [i, t] of targets.entries()) {
      const rs = results[i] ?? [];
      const m = median(rs.map((x) => x.perSecond));
      const cpus = rs.flatMap((x) => (x.cpuPerThousand === undefined ? [] : [x.cpuPerThousand]));
      const cpu = cpus.length === 0 ? "" : median(cpus).toFixed(0);
      const errors = rs.reduce((n, x) => n + x.errors, 0);
      console.log(`| ${t.name} | ${m.toFixed(0)} | ${(m / first).toFixed(2)} | ${cpu} | ${errors} |`);
    }
    return results.flat().some((x) => x.errors > 0) ? 1 : 0;
  } finally {
    for (const t of targets) await stop(t);
    for (const t of targets) {
      const summary = t.output.filter((l) => /stopped after .* connections? served/.test(l));
      if (summary.length > 0) console.log(`\n${t.name}:\n${summary.map((l) => `  ${l}`).join("\n")}`);
    }
  }
}

process.exit(await main());
