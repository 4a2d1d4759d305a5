/**
 * `npm run bench:peers`: tcpecho serve against the echo servers found on this
 * machine, driven by tcpecho bench, alternating A B A B … and reported as
 * ratios to tcpecho (one machine's absolute figures drift; side-by-side
 * ratios much less). Servers run on CPU 0 and the load on CPU 1 when taskset
 * is there. Writes bench/results/peers.md.
 *
 *   npm run bench:peers -- [--rounds N] [--duration 3s] [--only pingpong:50:512,...]
 */

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { benchCompare, type BenchOptions, type CompareEntry } from "../src/bench/bench.js";
import { parseDuration } from "../src/net/options.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = `${root}dist/src/cli/main.js`;

interface Peer {
  name: string;
  command: (port: number) => string[];
  /** Some peers fork a process per connection; spare them the thousand-connection run. */
  maxConnections?: number;
  /** ncat --exec deadlocks on streams larger than its pipes (see README). */
  noStream?: boolean;
}

const have = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

function buildC(): string | undefined {
  const cc = ["cc", "gcc", "clang"].find(have);
  if (!cc) return undefined;
  const out = `${tmpdir()}/tcpecho-bench-epoll-echo`;
  const r = spawnSync(cc, ["-O2", "-o", out, `${root}bench/epoll-echo.c`], { stdio: "inherit" });
  return r.status === 0 ? out : undefined;
}

function peers(): Peer[] {
  const list: Peer[] = [
    {
      name: "tcpecho serve",
      command: (p) => [process.execPath, cli, "serve", "--host", "127.0.0.1", "--port", String(p)],
    },
    {
      name: "node socket.pipe",
      command: (p) => [process.execPath, `${root}dist/bench/pipe-server.js`, String(p)],
    },
  ];
  const c = buildC();
  if (c) list.push({ name: "C epoll (bench/epoll-echo.c)", command: (p) => [c, String(p)] });
  else console.log("# no C compiler: skipping the C epoll server");
  if (have("socat"))
    list.push({
      name: "socat PIPE",
      command: (p) => ["socat", `TCP-LISTEN:${p},bind=127.0.0.1,reuseaddr,fork,backlog=4096`, "PIPE"],
      maxConnections: 100,
    });
  else console.log("# socat not installed: skipping");
  if (have("ncat"))
    list.push({
      name: "ncat --exec cat",
      command: (p) => ["ncat", "-l", "-k", "127.0.0.1", String(p), "--exec", "/bin/cat"],
      maxConnections: 100,
      noStream: true,
    });
  else console.log("# ncat not installed: skipping");
  return list;
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => s.once("listening", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), r(true)));
      s.once("error", () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on ${port} within 15 s`);
}

const pin = have("taskset");
async function start(peer: Peer): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort();
  const argv = peer.command(port);
  const full = pin ? ["taskset", "-c", "0", ...argv] : argv;
  const proc = spawn(full[0] as string, full.slice(1), { stdio: "ignore", detached: true });
  await waitListening(port);
  return { port, proc };
}

function stop(proc: ChildProcess): void {
  try {
    process.kill(-(proc.pid as number), "SIGKILL");
  } catch {
    proc.kill("SIGKILL");
  }
}

interface Workload {
  name: string;
  options: BenchOptions;
}

function workloads(only: string | undefined, durationMs: number): Workload[] {
  const all: Workload[] = [
    { name: "pingpong:50:512", options: { connections: 50, size: 512 } },
    { name: "pingpong:1000:64", options: { connections: 1000, size: 64 } },
    { name: "pingpong:50:64:16", options: { connections: 50, size: 64, pipeline: 16 } },
    { name: "stream:4", options: { connections: 4, stream: true, size: 65_536 } },
  ];
  const chosen = only ? all.filter((w) => only.split(",").includes(w.name)) : all;
  return chosen.map((w) => ({ ...w, options: { ...w.options, durationMs, warmupMs: 500 } }));
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const rounds = Number(argValue("--rounds") ?? 3);
  const durationMs = parseDuration(argValue("--duration") ?? "3s", "--duration");
  if (pin) spawnSync("taskset", ["-pc", "1", String(process.pid)], { stdio: "ignore" });
  const list = peers();
  const rows: string[] = [];
  for (const w of workloads(argValue("--only"), durationMs)) {
    const eligible = list.filter(
      (p) =>
        (p.maxConnections === undefined || (w.options.connections ?? 50) <= p.maxConnections) &&
        !(w.options.stream && p.noStream),
    );
    const running = [];
    for (const p of eligible) running.push({ peer: p, ...(await start(p)) });
    try {
      console.log(
        `\n${w.name}: ${eligible.map((p) => p.name).join(" | ")}, ${rounds} rounds of ${durationMs / 1000} s`,
      );
      const { entries } = await benchCompare(
        running.map((r) => ({ host: "127.0.0.1", port: r.port })),
        w.options,
        rounds,
        (round, t, rep) =>
          console.log(
            `  round ${round + 1} ${eligible[t]?.name}: ${rep.requestsPerSecond.toFixed(0)} req/s ${rep.megabytesPerSecond.toFixed(1)} MB/s${rep.ok ? "" : " ERRORS " + JSON.stringify(rep.errors)}`,
          ),
      );
      entries.forEach((e: CompareEntry, i) => {
        const name = eligible[i]?.name ?? "?";
        const figure = w.options.stream
          ? `${e.megabytesPerSecond.toFixed(0)} MB/s`
          : `${e.requestsPerSecond.toFixed(0)} req/s`;
        rows.push(
          `| ${w.name} | ${name} | ${figure} | ${i === 0 ? "1" : (1 / e.ratio).toFixed(2)} | ${e.ok ? "" : "errors"} |`,
        );
      });
    } finally {
      for (const r of running) stop(r.proc);
    }
  }
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:peers -- --rounds ${rounds} --duration ${durationMs / 1000}s\``,
    `(servers on CPU 0, tcpecho bench on CPU 1; medians of ${rounds} alternating rounds; "tcpecho ÷ peer" > 1 means tcpecho serve is faster).`,
    "",
    "| workload | server | median | tcpecho ÷ peer | |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
  console.log(`\n${table}`);
  const dir = `${root}bench/results`;
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/peers.md`, table + "\n");
  console.log(`\nwritten to bench/results/peers.md`);
}

await main();
process.exit(0);
