/**
 * Test helpers: run the CLI as a user would, wait for its lines, and make
 * small TCP peers on loopback. Everything is bounded in time.
 */

import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { delimiter, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readTcpTable } from "../src/net/tcp-state.js";

/** The built CLI entry point. */
export const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

/**
 * A file of test/fixtures (tests run from dist/test). `localhost.cert.pem`
 * and `localhost.key.pem` are a self-signed certificate for localhost,
 * 127.0.0.1 and ::1 (tls.test.ts says how it was made).
 */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));

/** The self-signed localhost certificate and its key: their files, and their PEM text. */
export const TLS_FIXTURE = {
  certFile: fixture("localhost.cert.pem"),
  keyFile: fixture("localhost.key.pem"),
  get cert(): Buffer {
    return readFileSync(this.certFile);
  },
  get key(): Buffer {
    return readFileSync(this.keyFile);
  },
};

/** An environment without the caller's locale or colour settings, so output is predictable. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    "LANG",
    "LC_ALL",
    "LC_MESSAGES",
    "LANGUAGE",
    "FORCE_COLOR",
    "TCPECHO_HOST",
    "TCPECHO_PORT",
  ])
    delete env[k];
  env.NO_COLOR = "1";
  return { ...env, ...extra };
}

/** A running CLI process whose standard output is collected line by line. */
export interface RunningCli {
  proc: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first line (existing or future) that matches, or rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

/**
 * Starts the CLI; `launcher` runs it through another command (e.g.
 * `["ip", "netns", "exec", NAME]` or `["prlimit", "--nofile=64:64"]`), which must exec node.
 */
export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
  launcher: string[] = [],
): RunningCli {
  return startScript(CLI, args, env, launcher);
}

/** Like {@link startCli}, for another built script (the examples). */
export function startScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
  launcher: string[] = [],
): RunningCli {
  const [command, ...before] = launcher.length > 0 ? launcher : [process.execPath];
  const argv = launcher.length > 0 ? [...before, process.execPath, script, ...args] : [script, ...args];
  const proc = spawn(command ?? process.execPath, argv, { env, stdio: ["pipe", "pipe", "pipe"] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  const collect = (stream: NodeJS.ReadableStream, into: string[]) => {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (text: string) => {
      const parts = (partial + text).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        into.push(line);
        for (let i = waiters.length - 1; i >= 0; i--) {
          const w = waiters[i];
          if (w && w.pattern.test(line)) {
            waiters.splice(i, 1);
            w.resolve(line);
          }
        }
      }
    });
  };
  collect(proc.stdout!, stdout);
  collect(proc.stderr!, stderr);
  const exited = new Promise<number | string>((resolve) => {
    proc.on("exit", (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    proc,
    stdout,
    stderr,
    exited,
    waitFor(pattern, ms = 10_000) {
      const seen = [...stdout, ...stderr].find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `no line matching ${pattern} within ${ms} ms; stdout: ${stdout.join("\n")}; stderr: ${stderr.join("\n")}`,
            ),
          );
        }, ms);
        waiters.push({
          pattern,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
  };
}

/** Starts `tcpecho serve` on 127.0.0.1 and a free port; resolves once it listens. */
export async function startCliServer(
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = cleanEnv(),
  launcher: string[] = [],
): Promise<RunningCli & { port: number }> {
  const cli = startCli(["serve", "--host", "127.0.0.1", "--port", "0", ...extraArgs], env, launcher);
  const line = await cli.waitFor(/127\.0\.0\.1:(\d+)/);
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
  return { ...cli, port };
}

/**
 * What {@link stopCli} resolves with for a server that stopped as asked: exit
 * code 0 after its drain, or on Windows, where no signal reaches a handler,
 * the hard kill itself.
 */
export const STOPPED: number | string = process.platform === "win32" ? "SIGKILL" : 0;

/**
 * Stops a CLI process: SIGTERM, then SIGKILL after `ms`. On Windows every
 * signal is TerminateProcess, so it is SIGKILL at once, named as what it is.
 */
export async function stopCli(cli: RunningCli, ms = 5000): Promise<number | string> {
  if (cli.proc.exitCode !== null || cli.proc.signalCode !== null) return cli.exited;
  cli.proc.kill(process.platform === "win32" ? "SIGKILL" : "SIGTERM");
  const timer = setTimeout(() => cli.proc.kill("SIGKILL"), ms);
  const code = await cli.exited;
  clearTimeout(timer);
  return code;
}

/** Runs the CLI to completion with optional standard input. */
export function runCli(
  args: string[],
  options: { input?: Buffer | string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<{ code: number | string; stdout: Buffer; stderr: string }> {
  return runScript(CLI, args, options);
}

/** Like {@link runCli}, for another built script (the examples). */
export function runScript(
  script: string,
  args: string[],
  options: { input?: Buffer | string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<{ code: number | string; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, ...args], {
      env: options.env ?? cleanEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    proc.stdout.on("data", (b: Buffer) => out.push(b));
    proc.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(
        new Error(
          `${script === CLI ? "tcpecho" : script} ${args.join(" ")} did not finish in ${options.timeout ?? 15_000} ms`,
        ),
      );
    }, options.timeout ?? 15_000);
    proc.stdin.on("error", () => {}); // the CLI may exit before reading everything
    proc.stdin.end(options.input ?? "");
    proc.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? signal ?? -1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}

/** A TCP server of the test's own on 127.0.0.1 and a free port. */
export async function startPeer(
  onSocket: (socket: Socket) => void,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
    onSocket(s);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Connects a plain socket (no tcpecho code) to 127.0.0.1:port. */
export async function rawConnect(port: number, host = "127.0.0.1", localAddress?: string): Promise<Socket> {
  const s = netConnect({ port, host, allowHalfOpen: true, ...(localAddress ? { localAddress } : {}) });
  await once(s, "connect");
  return s;
}

/** Reads from a socket until the peer closes; resolves with everything received. */
export function readAll(socket: Socket, ms = 15_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error(`peer did not close within ${ms} ms`)), ms);
    socket.on("data", (b: Buffer) => parts.push(b));
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on("end", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(parts));
    });
  });
}

/** Reads exactly n bytes (test-side, independent of the library's readExactly). */
export function readN(socket: Socket, n: number, ms = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => {
      socket.off("data", onData);
      reject(new Error(`only ${got} of ${n} bytes within ${ms} ms`));
    }, ms);
    const onData = (b: Buffer) => {
      parts.push(b);
      got += b.length;
      if (got >= n) {
        clearTimeout(timer);
        socket.off("data", onData);
        resolve(Buffer.concat(parts));
      }
    };
    socket.on("data", onData);
  });
}

/** Deterministic pseudo-random bytes, so a failure can be reproduced. */
export function randomBytesSeeded(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** A free loopback port (on `host`) for tools that cannot report the one they got (ncat, socat). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const s = createServer();
  s.listen(0, host);
  await once(s, "listening");
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * True if `command` is a program on PATH, found as the system finds it: on
 * Windows with one of PATHEXT's extensions (`ncat.exe`), elsewhere an
 * executable file. No shell is asked (Windows has no `command -v`). On
 * Windows the Store's `WindowsApps` aliases are passed over: `python3` there
 * can be a stub that only offers to install Python.
 */
export function have(command: string): boolean {
  const windows = process.platform === "win32";
  const extensions = windows
    ? [
        ...(extname(command) ? [""] : []),
        ...(process.env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter((e) => e !== ""),
      ]
    : [""];
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "" || (windows && /[\\/]WindowsApps[\\/]?$/i.test(dir))) continue;
    for (const ext of extensions) {
      try {
        const file = join(dir, command + ext.toLowerCase());
        if (!statSync(file).isFile()) continue;
        if (!windows) accessSync(file, constants.X_OK);
        return true;
      } catch {
        // not here, or not executable: the next one
      }
    }
  }
  return false;
}

/**
 * Whether a missing tool fails the test rather than skipping it: in CI on
 * Linux, where .ci/run installs every tool. CI on macOS and Windows has only
 * what its image brings, so there a missing tool is a skip.
 */
export function requiredInCi(): boolean {
  return Boolean(process.env.CI) && process.platform === "linux";
}

/**
 * Skip reason for a test needing an external tool: in CI on Linux the tool
 * must be there (the test then fails instead of skipping).
 */
export function needs(command: string, debianPackage = command): string | false {
  if (have(command)) return false;
  if (requiredInCi()) throw new Error(`${command} is required in CI (.ci/run installs it)`);
  const how = process.platform === "linux" ? ` (apt-get install ${debianPackage})` : "";
  const reason = `${command} is not installed${how}; skipping`;
  console.log(`# ${reason}`);
  return reason;
}

/**
 * False when this process is root; otherwise prints why a test that needs root
 * (network namespaces) is skipped and returns that reason. Throws in CI.
 */
export function needsRoot(what: string): string | false {
  if (process.getuid?.() === 0) return false;
  if (requiredInCi()) throw new Error(`${what} needs root, and CI runs as root`);
  const reason = `${what} needs root; skipping`;
  console.log(`# ${reason}`);
  return reason;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once `ok()` holds, checking every 20 ms; rejects naming `what`
 * after `ms`. For a state no event announces (a counter, a table); the bound
 * is generous, so that only something really wrong reaches it.
 */
export async function waitUntil(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

/**
 * Resolves once the server listening on `port` has accepted every client
 * that connected so far: its listening socket's accept queue, as the kernel
 * shows it (/proc/net/tcp), is empty. A client the kernel has connected but
 * the server has not accepted yet is reset if the server closes its listener
 * then; wait for this before a signal that should find it being served.
 * Resolves at once where the kernel does not show its sockets (not Linux).
 */
export async function acceptQueueEmpty(port: number, ms = 10_000): Promise<void> {
  const waiting = () =>
    (readTcpTable() ?? [])
      .filter((r) => r.state === "LISTEN" && r.localPort === port)
      .reduce((n, r) => n + r.rxQueue, 0);
  await waitUntil(`the server on port ${port} accepting its clients`, () => waiting() === 0, ms);
}

/**
 * What a peer does first on `socket`: sends something ("data") or closes it
 * ("closed": a FIN, a reset or an error); rejects if neither within `ms`.
 */
export function firstAnswer(socket: Socket, ms = 30_000): Promise<"data" | "closed"> {
  return new Promise((resolve, reject) => {
    const done = (what: "data" | "closed") => {
      clearTimeout(timer);
      socket.off("data", onData).off("end", onClosed).off("close", onClosed).off("error", onClosed);
      resolve(what);
    };
    const onData = () => done("data");
    const onClosed = () => done("closed");
    const timer = setTimeout(() => {
      socket.off("data", onData).off("end", onClosed).off("close", onClosed).off("error", onClosed);
      reject(new Error(`the peer neither answered nor closed within ${ms} ms`));
    }, ms);
    socket.on("data", onData).on("end", onClosed).on("close", onClosed).on("error", onClosed);
  });
}

/** Resolves once something accepts connections on 127.0.0.1:`port` (at most `ms`). */
export async function waitListening(port: number, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const ok = await new Promise<boolean>((r) => {
      const s = netConnect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        r(true);
      });
      s.once("error", () => r(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listened on ${port} within ${ms} ms`);
}

/** Kills a peer started with detached: true, and every child it forked. */
export function killGroup(proc: ChildProcess): void {
  try {
    process.kill(-(proc.pid as number), "SIGKILL");
  } catch {
    proc.kill("SIGKILL");
  }
}

/** Runs a tool (ncat, socat) with `input` on its standard input; resolves with its output. */
export function runTool(cmd: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    const timer = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`${cmd} did not finish`));
    }, 10_000);
    p.stdout.on("data", (b: Buffer) => (out += b.toString()));
    p.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
    p.stdin.end(input);
  });
}

/**
 * Runs a shell `command` on a pseudo-terminal (util-linux `script`), typing
 * the next of `lines` each time the client's prompt (`[send] ` or
 * `[보낼 데이터] `) appears. Resolves as {@link terminalSession} does.
 */
export function onTerminal(
  command: string,
  lines: readonly string[],
  env: NodeJS.ProcessEnv,
  ms = 10_000,
): Promise<{ code: number | null; screen: string }> {
  const steps = lines.map((line) => ({ after: /\[send\] |\[보낼 데이터\] /, keys: line + "\r" }));
  return terminalSession(command, steps, env, ms);
}

/** One step of {@link terminalSession}: once `after` shows on the screen, type `keys`. */
export interface TerminalStep {
  after: RegExp;
  keys: string;
}

/**
 * Runs a shell `command` on a pseudo-terminal (util-linux `script`) and types
 * each step's keys (`\r` is Enter, `\x03` Ctrl-C, `\x04` Ctrl-D) once its
 * pattern shows on the screen after where the previous step's did. Resolves
 * with the exit code and the screen as a person reads it (no carriage
 * returns, no cursor movements); rejects after `ms`.
 */
export function terminalSession(
  command: string,
  steps: readonly TerminalStep[],
  env: NodeJS.ProcessEnv,
  ms = 10_000,
): Promise<{ code: number | null; screen: string }> {
  const proc = spawn("script", ["-qfec", command, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] });
  // eslint-disable-next-line no-control-regex -- readline's cursor movements are what is being removed
  const clean = (s: string) => s.replace(/\r/g, "").replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
  let raw = "";
  let from = 0;
  const pending = [...steps];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`the session did not finish in ${ms} ms; screen:\n${clean(raw)}`));
    }, ms);
    const onOutput = (b: Buffer) => {
      raw += b.toString("utf8");
      const screen = clean(raw);
      for (let step = pending[0]; step !== undefined; step = pending[0]) {
        const m = step.after.exec(screen.slice(from));
        if (m === null) break;
        from += m.index + m[0].length;
        pending.shift();
        proc.stdin.write(step.keys);
      }
    };
    proc.stdout.on("data", onOutput);
    proc.stderr.on("data", onOutput);
    proc.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, screen: clean(raw) });
    });
  });
}

/**
 * An environment in which the CLI (and every node process it starts) runs as
 * if on macOS or Windows: see simulated-platform.ts for what changes.
 */
export function simulatedEnv(platform: "darwin" | "win32", extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const preload = new URL("./simulated-platform.js", import.meta.url).href;
  const base = cleanEnv(extra);
  return {
    ...base,
    TCPECHO_SIMULATE_PLATFORM: platform,
    NODE_OPTIONS: `${base.NODE_OPTIONS ?? ""} --import=${preload}`.trim(),
  };
}

/**
 * Skip reason for a test that needs Linux (`what` says for what: `/proc`, `ip`,
 * signals to drain, …), printed once; false on Linux.
 */
export function linuxOnly(what: string): string | false {
  return process.platform !== "linux" && skipReason(`needs Linux (${what})`);
}

/**
 * Skip reason for a test that types into a terminal: it needs util-linux's
 * `script` for a pseudo-terminal (macOS's BSD `script` takes other options).
 */
export function needsTerminal(): string | false {
  return linuxOnly("util-linux `script` for a pseudo-terminal") || needs("script", "bsdutils");
}

/**
 * Skip reason for a test that needs a signal to reach the process's handler
 * (`what`: SIGTERM to drain, SIGINT, …): on Windows every signal sent to a
 * process ends it at once (Node's `kill()` there is TerminateProcess).
 */
export function needsSignals(what: string): string | false {
  return (
    process.platform === "win32" &&
    skipReason(`needs signals (${what}); on Windows a signal ends the process at once`)
  );
}

/** Prints `why` (a test's reason to skip here) and returns it as the skip reason. */
export function skipReason(why: string): string {
  const reason = `${why}; this is ${process.platform}; skipping`;
  console.log(`# ${reason}`);
  return reason;
}

/**
 * Skip reason for a test of something a simulated platform (simulated-platform.ts)
 * cannot provide, such as a native module built for that system; false when
 * not simulating.
 */
export function notSimulated(what: string): string | false {
  const simulating = process.env.TCPECHO_SIMULATE_PLATFORM;
  return (
    (simulating === "darwin" || simulating === "win32") && skipReason(`${what} cannot be simulated on Linux`)
  );
}
