/**
 * `npm run bench:peers`: tcpecho serve against the echo servers found on this
 * machine, alternating A B A B … and reported as ratios to tcpecho (one
 * machine's absolute figures drift; side-by-side ratios much less). Servers
 * run on CPU 0 and the load on CPU 1 when taskset is there.
 *
 *   npm run bench:peers -- [--yardstick] [--rounds N] [--duration 3s]
 *                          [--only pingpong:50:512,...] [--lock FILE]
 *
 * The load is tcpecho bench, in this process (writes bench/results/peers.md),
 * or with --yardstick the project's C load generator bench/echo-load.c, built
 * here with cc (writes bench/results/peers-yardstick.md). tcpecho bench is a
 * Node program, slower than the fastest servers, so they read alike under it;
 * echo-load is much faster, so their differences show.
 * --lock FILE holds flock(1) on FILE for each workload only, so that other
 * measurements on a shared machine can run between workloads.
 *
 * The peers, each skipped with a printed reason when it cannot run: a plain
 * Node socket.pipe server (pipe-server.ts), the project's C epoll server
 * (epoll-echo.c, built with cc), Go's io.Copy (go-echo/main.go, built with the
 * `go` on PATH, standard library only, in a temporary GOPATH and cache),
 * Bun's native sockets (bun-echo.js), socat and ncat.
 *
 * Bun is not a dev dependency: its npm package carries a ~100 MB binary that
 * every `npm ci` (and CI) would download for a benchmark few people run. The
 * bench installs the pinned version below on first use, with npm from the
 * npm registry, into a cache directory (~/.cache/tcpecho-bench, or
 * $XDG_CACHE_HOME), and reuses it after that.
 */

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { benchCompare, median, type BenchOptions, type CompareEntry } from "../src/bench/bench.js";
import { parseDuration } from "../src/net/options.js";
import { scriptArgs } from "./args.js";
import { freePort, waitListening } from "./listening.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = `${root}dist/src/cli/main.js`;
/** The Bun release the bench installs and measures: one version, so figures compare between runs. */
const BUN_VERSION = "1.4.4";

interface Peer {
  name: string;
  command: (port: number) => string[];
  /** Some peers fork a process per connection; spare them the thousand-connection run. */
  maxConnections?: number;
  /** ncat --exec deadlocks on streams larger than its pipes (see README). */
  noStream?: boolean;
}

const have = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

function buildC(source: string, name: string): string | undefined {
  const cc = ["cc", "gcc", "clang"].find(have);
  if (!cc) return undefined;
  const out = `${tmpdir()}/tcpecho-bench-${name}`;
  const r = spawnSync(cc, ["-O2", "-o", out, `${root}bench/${source}`], { stdio: "inherit" });
  return r.status === 0 ? out : undefined;
}

/** Builds go-echo with the standard library only: no module, no network. */
function buildGo(): { binary?: string; reason?: string; version?: string } {
  if (!have("go")) return { reason: "go not installed (Debian: golang-go)" };
  const dir = mkdtempSync(`${tmpdir()}/tcpecho-bench-go-`);
  const env = {
    ...process.env,
    GO111MODULE: "off",
    GOFLAGS: "",
    GOPATH: `${dir}/gopath`,
    GOCACHE: `${dir}/cache`,
    CGO_ENABLED: "0",
    GOTOOLCHAIN: "local",
  };
  const out = `${dir}/go-echo`;
  const r = spawnSync("go", ["build", "-o", out, "main.go"], {
    cwd: `${root}bench/go-echo`,
    env,
    stdio: "inherit",
  });
  if (r.status !== 0) return { reason: `go build failed (exit ${r.status})` };
  const v = spawnSync("go", ["env", "GOVERSION"], { env, encoding: "utf8" });
  return { binary: out, version: v.stdout.trim().replace(/^go/, "") };
}

/** The pinned Bun binary, installed from the npm registry into the cache on first use. */
function bunBinary(): { binary?: string; reason?: string } {
  const cache = `${process.env.XDG_CACHE_HOME || `${homedir()}/.cache`}/tcpecho-bench/bun-${BUN_VERSION}`;
  // The bun package's install script moves the platform binary into bun/bin;
  // where scripts do not run, the binary stays in the platform package.
  const candidates = [
    `${cache}/node_modules/bun/bin/bun.exe`,
    `${cache}/node_modules/@oven/bun-${process.platform}-${process.arch === "arm64" ? "aarch64" : process.arch}/bin/bun`,
  ];
  const working = () =>
    candidates.find(
      (c) =>
        existsSync(c) && spawnSync(c, ["--version"], { encoding: "utf8" }).stdout?.trim() === BUN_VERSION,
    );
  let binary = working();
  if (binary) return { binary };
  if (!have("npm")) return { reason: "npm not found to install it" };
  console.log(`# installing bun@${BUN_VERSION} into ${cache} (once)`);
  mkdirSync(cache, { recursive: true });
  const r = spawnSync(
    "npm",
    [
      "install",
      "--prefix",
      cache,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      `bun@${BUN_VERSION}`,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  if (r.status !== 0) return { reason: `npm install bun@${BUN_VERSION} failed (exit ${r.status})` };
  binary = working();
  return binary ? { binary } : { reason: `bun@${BUN_VERSION} installed but its binary does not run here` };
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
  const c = buildC("epoll-echo.c", "epoll-echo");
  if (c) list.push({ name: "C epoll (bench/epoll-echo.c)", command: (p) => [c, String(p)] });
  else console.log("# no C compiler: skipping the C epoll server");
  const go = buildGo();
  if (go.binary) {
    const binary = go.binary;
    list.push({ name: `Go ${go.version} io.Copy (bench/go-echo)`, command: (p) => [binary, String(p)] });
  } else console.log(`# ${go.reason}: skipping Go's io.Copy server`);
  const bun = bunBinary();
  if (bun.binary) {
    const binary = bun.binary;
    list.push({
      name: `Bun ${BUN_VERSION} Bun.listen (bench/bun-echo.js)`,
      command: (p) => [binary, `${root}bench/bun-echo.js`, String(p)],
    });
  } else console.log(`# ${bun.reason}: skipping Bun's socket server`);
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

/** Holds flock(1) on `file` until the returned function is called (or this process ends). */
async function holdLock(file: string): Promise<() => Promise<void>> {
  const proc = spawn("flock", [file, "sh", "-c", "echo held; exec cat >/dev/null"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    proc.stdout.once("data", () => resolve());
    proc.once("exit", (code) => reject(new Error(`flock ${file} exited with ${code}`)));
  });
  return async () => {
    const exited = new Promise((r) => proc.once("exit", r));
    proc.stdin.end();
    await exited;
  };
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
  const wanted = only?.split(",") ?? [];
  const unknown = wanted.filter((n) => !all.some((w) => w.name === n));
  if (unknown.length > 0) {
    console.error(
      `unknown workload ${unknown.join(", ")} for --only (one of ${all.map((w) => w.name).join(", ")})`,
    );
    process.exit(2);
  }
  const chosen = only ? all.filter((w) => wanted.includes(w.name)) : all;
  return chosen.map((w) => ({ ...w, options: { ...w.options, durationMs, warmupMs: 500 } }));
}

/** One server's standing in one workload: its median figure and the median of per-round ratios. */
interface Row {
  name: string;
  requestsPerSecond: number;
  megabytesPerSecond: number;
  /** Median over the rounds of tcpecho's figure ÷ this server's. */
  tcpechoOverPeer: number;
  /** The lowest and highest of those per-round ratios: how far one round can mislead. */
  range: [number, number];
  ok: boolean;
}

/** tcpecho's figure ÷ a server's, per round (the first target is tcpecho). */
function perRoundRatios(figures: number[][], i: number): number[] {
  const base = figures[0] as number[];
  return (figures[i] as number[]).map((x, k) => (x > 0 ? (base[k] as number) / x : 0));
}

function standing(figures: number[][], i: number): Pick<Row, "tcpechoOverPeer" | "range"> {
  const ratios = perRoundRatios(figures, i);
  return { tcpechoOverPeer: median(ratios), range: [Math.min(...ratios), Math.max(...ratios)] };
}

type Running = { peer: Peer; port: number; proc: ChildProcess }[];

async function withTcpechoBench(running: Running, w: Workload, rounds: number): Promise<Row[]> {
  const { entries, runs } = await benchCompare(
    running.map((r) => ({ host: "127.0.0.1", port: r.port })),
    w.options,
    rounds,
    (round, t, rep) =>
      console.log(
        `  round ${round + 1} ${running[t]?.peer.name}: ${rep.requestsPerSecond.toFixed(0)} req/s ${rep.megabytesPerSecond.toFixed(1)} MB/s${rep.ok ? "" : " ERRORS " + JSON.stringify(rep.errors)}`,
      ),
  );
  const figures = runs.map((reports) =>
    reports.map((r) => (w.options.stream ? r.megabytesPerSecond : r.requestsPerSecond)),
  );
  return entries.map((e: CompareEntry, i) => ({
    name: running[i]?.peer.name ?? "?",
    requestsPerSecond: e.requestsPerSecond,
    megabytesPerSecond: e.megabytesPerSecond,
    ...standing(figures, i),
    ok: e.ok,
  }));
}

interface LoadResult {
  requestsPerSecond: number;
  megabytesPerSecond: number;
  line: string;
  ok: boolean;
}

/** One run of echo-load on CPU 1 against a port. */
function echoLoad(binary: string, port: number, w: Workload, seconds: number): Promise<LoadResult> {
  const o = w.options;
  const args = [
    "127.0.0.1",
    String(port),
    String(o.connections ?? 50),
    String(o.size ?? 512),
    String(seconds),
    String(o.pipeline ?? 1),
    ...(o.stream ? ["stream"] : []),
  ];
  const argv = pin ? ["taskset", "-c", "1", binary, ...args] : [binary, ...args];
  return new Promise((resolve) => {
    const proc = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
    proc.on("close", (code) => {
      const field = (name: string) =>
        Number(new RegExp(`${name.replace("/", "\\/")}=([0-9.]+)`).exec(out)?.[1] ?? 0);
      if (err) process.stderr.write(err);
      resolve({
        requestsPerSecond: field("req/s"),
        megabytesPerSecond: field("MB/s"),
        line: out.trim(),
        ok: code === 0,
      });
    });
  });
}

async function withYardstick(binary: string, running: Running, w: Workload, rounds: number): Promise<Row[]> {
  const seconds = (w.options.durationMs ?? 3000) / 1000;
  const figure = (r: LoadResult) => (w.options.stream ? r.megabytesPerSecond : r.requestsPerSecond);
  // Warm every server up (JIT, pools) before anything counts.
  for (const r of running) await echoLoad(binary, r.port, w, 0.5);
  const runs: LoadResult[][] = running.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let t = 0; t < running.length; t++) {
      const res = await echoLoad(binary, (running[t] as Running[number]).port, w, seconds);
      (runs[t] as LoadResult[]).push(res);
      console.log(`  round ${round + 1} ${running[t]?.peer.name}: ${res.line}${res.ok ? "" : " FAILED"}`);
    }
  }
  const figures = runs.map((results) => results.map(figure));
  return runs.map((results, i) => ({
    name: running[i]?.peer.name ?? "?",
    requestsPerSecond: median(results.map((x) => x.requestsPerSecond)),
    megabytesPerSecond: median(results.map((x) => x.megabytesPerSecond)),
    ...standing(figures, i),
    ok: results.every((x) => x.ok),
  }));
}

const USAGE = `usage: npm run bench:peers -- [--yardstick] [--rounds N] [--duration 3s]
                          [--only pingpong:50:512,...] [--lock FILE]

tcpecho serve against every echo server found here, A B A B …; the load is
tcpecho bench, or with --yardstick the C load generator bench/echo-load.c.
Writes bench/results/peers.md (or peers-yardstick.md; with --only, …-only.md).`;

const { values: args } = scriptArgs("bench:peers", USAGE, {
  yardstick: { type: "boolean" },
  rounds: { type: "string" },
  duration: { type: "string" },
  only: { type: "string" },
  lock: { type: "string" },
});

function argValue(name: "--rounds" | "--duration" | "--only" | "--lock"): string | undefined {
  const v = args[name.slice(2)];
  return typeof v === "string" ? v : undefined;
}

async function main(): Promise<void> {
  const rounds = Number(argValue("--rounds") ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) {
    console.error(`invalid value '${argValue("--rounds")}' for --rounds (a whole number from 1 to 100)`);
    process.exit(2);
  }
  const duration = argValue("--duration") ?? "3s";
  let durationMs = 0;
  try {
    durationMs = parseDuration(duration, "--duration");
  } catch {
    console.error(`invalid value '${duration}' for --duration (a duration such as 3s or 500ms)`);
    process.exit(2);
  }
  const yardstick = args.yardstick === true;
  const lockFile = argValue("--lock");
  if (lockFile && !have("flock")) {
    console.error("--lock needs flock(1) (util-linux), which is not installed");
    process.exit(2);
  }
  const chosen = workloads(argValue("--only"), durationMs);
  let load: string | undefined;
  if (yardstick) {
    load = buildC("echo-load.c", "echo-load");
    if (!load) {
      console.error("--yardstick needs a C compiler (cc) to build bench/echo-load.c");
      process.exit(1);
    }
  }
  if (pin) spawnSync("taskset", ["-pc", "1", String(process.pid)], { stdio: "ignore" });
  const list = peers();
  const rows: string[] = [];
  for (const w of chosen) {
    const eligible = list.filter(
      (p) =>
        (p.maxConnections === undefined || (w.options.connections ?? 50) <= p.maxConnections) &&
        !(w.options.stream && p.noStream),
    );
    const release = lockFile ? await holdLock(lockFile) : undefined;
    const running: Running = [];
    const interrupted = () => {
      for (const r of running) stop(r.proc);
      process.exit(130);
    };
    process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
    try {
      for (const p of eligible) running.push({ peer: p, ...(await start(p)) });
      console.log(
        `\n${w.name}: ${eligible.map((p) => p.name).join(" | ")}, ${rounds} rounds of ${durationMs / 1000} s`,
      );
      const result = load
        ? await withYardstick(load, running, w, rounds)
        : await withTcpechoBench(running, w, rounds);
      for (const [i, r] of result.entries()) {
        const figure = w.options.stream
          ? `${r.megabytesPerSecond.toFixed(0)} MB/s`
          : `${r.requestsPerSecond.toFixed(0)} req/s`;
        const ratio = i === 0 ? "1" : r.tcpechoOverPeer.toFixed(2);
        const range = i === 0 ? "" : `${r.range[0].toFixed(2)}–${r.range[1].toFixed(2)}`;
        rows.push(`| ${w.name} | ${r.name} | ${figure} | ${ratio} | ${range} | ${r.ok ? "" : "errors"} |`);
      }
    } finally {
      process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
      for (const r of running) stop(r.proc);
      await release?.();
    }
  }
  const flags = `${yardstick ? "--yardstick " : ""}--rounds ${rounds} --duration ${durationMs / 1000}s`;
  const client = yardstick ? "the C load generator bench/echo-load.c" : "tcpecho bench";
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:peers -- ${flags}\``,
    `(servers on CPU 0, ${client} on CPU 1; medians of ${rounds} alternating rounds; "tcpecho ÷ peer" > 1 means tcpecho serve is faster; "per round" is the lowest and highest of the per-round ratios it is the median of).`,
    "",
    "| workload | server | median | tcpecho ÷ peer | per round | |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
  console.log(`\n${table}`);
  const dir = `${root}bench/results`;
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  // A partial run (--only) must not replace the whole recorded table that the README shows.
  const file = `peers${yardstick ? "-yardstick" : ""}${argValue("--only") === undefined ? "" : "-only"}.md`;
  writeFileSync(`${dir}/${file}`, table + "\n");
  console.log(`\nwritten to bench/results/${file}`);
}

await main();
process.exit(0);
