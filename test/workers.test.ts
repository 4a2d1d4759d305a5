/** `--workers N`: processes sharing the port, replaced when they die, drained together. */

import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { get } from "node:http";
import { test } from "node:test";
import { readdirSync } from "node:fs";
import type { Socket } from "node:net";
import {
  cleanEnv,
  linuxOnly,
  needsSignals,
  skipReason,
  rawConnect,
  readAll,
  readN,
  runCli,
  simulatedEnv,
  sleep,
  startCli,
  stopCli,
  waitUntil,
} from "./helpers.js";
import { readTcpTable, socketInode } from "../src/net/tcp-state.js";
import { errorIn } from "../src/i18n/errors.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function scrape(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: "127.0.0.1", port, path: "/metrics", timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (t: string) => (body += t));
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
  });
}

test(
  "two workers share the port; a killed one is replaced; metrics sum them; SIGTERM stops all",
  { timeout: 60_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM sent from the test");
    if (skip) return t.skip(skip);
    const cli = startCli([
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--workers",
      "2",
      "--metrics",
      "127.0.0.1:0",
      "--log-format",
      "json",
    ]);
    try {
      const events = () =>
        cli.stdout.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
      const until = async (ok: () => boolean, what: string) => {
        for (let i = 0; i < 200 && !ok(); i++) await sleep(50);
        assert.ok(ok(), `${what}; output: ${cli.stdout.join("\n")} ${cli.stderr.join("\n")}`);
      };
      await until(() => events().filter((e) => e.event === "start").length === 2, "two workers listening");
      const starts = events().filter((e) => e.event === "start");
      const port = Number(starts[0]?.port);
      assert.equal(starts[1]?.port, port, "the workers share one port");
      const pids = starts.map((e) => Number(e.pid));
      assert.notEqual(pids[0], pids[1]);
      const metricsPort = Number(
        /:(\d+)\/metrics/.exec(String(events().find((e) => e.event === "metrics")?.url))?.[1],
      );

      const echoOnce = async (text: string) => {
        const s = await rawConnect(port);
        const back = readAll(s);
        s.end(text);
        assert.equal((await back).toString(), text);
      };
      for (let i = 0; i < 8; i++) await echoOnce(`hello ${i}`);
      await until(() => events().filter((e) => e.event === "disconnect").length === 8, "eight disconnects");
      const served = new Set(
        events()
          .filter((e) => e.event === "connect")
          .map((e) => Number(e.id) && e),
      );
      assert.equal(served.size, 8);
      const text = await scrape(metricsPort);
      assert.match(text, /^tcpecho_connections_total 8$/m, text);

      process.kill(pids[0] as number, "SIGKILL");
      await until(
        () => events().some((e) => e.event === "worker-died" && e.replacing === true),
        "a death reported",
      );
      await until(() => events().filter((e) => e.event === "start").length === 3, "a replacement listening");
      for (let i = 0; i < 4; i++) await echoOnce(`after ${i}`);

      await until(() => events().filter((e) => e.event === "disconnect").length >= 12, "twelve disconnects");
      const all = events()
        .filter((e) => e.event === "start")
        .map((e) => Number(e.pid));
      cli.proc.kill("SIGTERM");
      assert.equal(await cli.exited, 0);
      assert.ok(events().some((e) => e.event === "workers-stopped"));
      // The replacement is a new worker: a new id, and connection ids that collide with nobody's.
      const workerIds = events()
        .filter((e) => e.event === "start")
        .map((e) => e.worker);
      assert.equal(new Set(workerIds).size, 3, JSON.stringify(workerIds));
      const ids = events()
        .filter((e) => e.event === "connect")
        .map((e) => e.id);
      assert.equal(ids.length, 12);
      assert.equal(new Set(ids).size, 12, JSON.stringify(ids));
      const total = events().find((e) => e.event === "stopped" && e.role === "primary");
      assert.ok(total, "the primary's summary");
      assert.ok(Number(total.connectionsTotal) >= 4, "the workers alive at the end count in the summary");
      // A worker still alive well after the primary's exit has outlived it.
      await waitUntil("every worker gone", () => all.every((pid) => !alive(pid))).catch(() => {});
      for (const pid of all) assert.equal(alive(pid), false, `worker ${pid} outlived the primary`);
    } finally {
      await stopCli(cli);
    }
  },
);

test("a worker that cannot listen stops the lot: its error line, exit 1", { timeout: 30_000 }, async () => {
  const blocker = startCli(["serve", "--host", "127.0.0.1", "--port", "0", "--quiet"]);
  try {
    const line = await blocker.waitFor(/127\.0\.0\.1:(\d+)/);
    const port = /127\.0\.0\.1:(\d+)/.exec(line)?.[1] ?? "";
    const r = await runCli(["serve", "--host", "127.0.0.1", "--port", port, "--workers", "2"], {
      env: cleanEnv(),
      timeout: 20_000,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /in use/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    await stopCli(blocker);
  }
});

/** `serve --workers 2` on a free loopback port, with connections until both workers have served some. */
async function twoWorkers(args: string[]) {
  const cli = startCli(["serve", "--host", "127.0.0.1", "--port", "0", "--workers", "2", ...args]);
  const started = () => cli.stdout.filter((l) => /"event":"start"|listening on 127\.0\.0\.1:\d+/.test(l));
  for (let i = 0; i < 200 && started().length < 2; i++) await sleep(50);
  assert.equal(
    started().length,
    2,
    `two workers listening: ${cli.stdout.join("\n")} ${cli.stderr.join("\n")}`,
  );
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(started()[0] ?? "")?.[1]);
  return { cli, port };
}

/** Echoes `text` over a new connection and waits for the server to close it. */
async function echoOnce(port: number, text: string): Promise<void> {
  const s = await rawConnect(port);
  const back = readAll(s);
  s.end(text);
  assert.equal((await back).toString(), text);
}

test(
  "--workers 2 --log-format json: every event names its worker and pid, ids are unique, the primary sums the summaries",
  { timeout: 60_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM sent from the test");
    if (skip) return t.skip(skip);
    const { cli, port } = await twoWorkers(["--log-format", "json"]);
    try {
      const events = () =>
        cli.stdout.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
      const servedBy = () =>
        new Set(
          events()
            .filter((e) => e.event === "disconnect")
            .map((e) => e.worker),
        );
      // Each goes to whichever worker accepts first, so a few reach both; the loop is bounded all the same.
      let sent = 0;
      for (; sent < 40 && (sent < 6 || servedBy().size < 2); sent++) {
        await echoOnce(port, `hello ${sent}`);
        await waitUntil(
          "its disconnect event",
          () => events().filter((e) => e.event === "disconnect").length > sent,
        );
      }
      assert.equal(servedBy().size, 2, "both workers served connections");
      cli.proc.kill("SIGTERM");
      assert.equal(await cli.exited, 0);

      const all = events();
      const primaryPid = cli.proc.pid;
      const workerPid = new Map(
        all.filter((e) => e.event === "start").map((e) => [e.worker as number, e.pid as number]),
      );
      assert.equal(workerPid.size, 2);
      for (const e of all) {
        assert.equal(typeof e.worker, "number", JSON.stringify(e));
        assert.equal(typeof e.pid, "number", JSON.stringify(e));
        if (e.role === "primary") {
          // The primary's own events carry worker 0 and its pid; worker-start names the worker it is about.
          if (e.event === "worker-start") assert.equal(workerPid.get(e.worker as number), e.pid);
          else assert.deepEqual([e.worker, e.pid], [0, primaryPid], JSON.stringify(e));
        } else {
          assert.equal(workerPid.get(e.worker as number), e.pid, JSON.stringify(e));
        }
      }
      const connects = all.filter((e) => e.event === "connect");
      assert.equal(connects.length, sent);
      const ids = connects.map((e) => e.id as number);
      assert.ok(ids.every((id) => Number.isSafeInteger(id)));
      assert.equal(new Set(ids).size, sent, `ids unique: ${ids.join(" ")}`);
      // Each disconnect names the same id as its connect, from the same worker.
      for (const d of all.filter((e) => e.event === "disconnect")) {
        const c = connects.find((e) => e.id === d.id);
        assert.equal(c?.worker, d.worker);
        assert.equal(c?.remotePort, d.remotePort);
      }

      const summaries = all.filter((e) => e.event === "stopped" && e.role !== "primary");
      assert.equal(summaries.length, 2);
      const total = all.filter((e) => e.event === "stopped" && e.role === "primary");
      assert.equal(total.length, 1, "one combined summary");
      const sum = (key: string) => summaries.reduce((n, e) => n + Number(e[key]), 0);
      for (const key of ["connectionsTotal", "bytesIn", "bytesOut", "cutOff", "resets", "errors"])
        assert.equal(total[0]?.[key], sum(key), key);
      assert.equal(total[0]?.connectionsTotal, sent);
      assert.equal(total[0]?.workers, 2);
      for (const s of summaries) assert.ok(Number(total[0]?.uptimeMs) >= Number(s.uptimeMs));
      assert.equal(all.at(-1), total[0], "the combined summary comes last");
    } finally {
      await stopCli(cli);
    }
  },
);

test(
  "--workers 2, text: each worker's summary is marked as its own; the last line sums them",
  { timeout: 60_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM sent from the test");
    if (skip) return t.skip(skip);
    const { cli, port } = await twoWorkers([]);
    try {
      const served = () => cli.stdout.filter((l) => l.startsWith("[TCP server] client disconnected")).length;
      const pids = () =>
        cli.stdout.flatMap((l) => /worker \d+ started \(pid (\d+)\)/.exec(l)?.[1] ?? []).map(Number);
      await waitUntil("both workers' pids", () => pids().length === 2);
      // Each worker accepts for itself, so several in a row may go to one: send until both have some.
      const holders = new Set<number>();
      let sent = 0;
      for (; sent < 60 && (sent < 6 || holders.size < 2); sent++) {
        const s = await rawConnect(port);
        const text = `line ${sent}\n`;
        s.write(text);
        assert.equal((await readN(s, text.length)).toString(), text);
        const holder = holderOf(port, s.localPort as number, pids());
        if (holder !== undefined) holders.add(holder);
        const rest = readAll(s);
        s.end();
        assert.equal((await rest).length, 0);
      }
      await waitUntil("a disconnect line for each client", () => served() === sent);
      cli.proc.kill("SIGTERM");
      assert.equal(await cli.exited, 0);
      const summary =
        /^\[TCP server\] (?:worker (\d+) )?stopped after [\d.]+ (?:ms|s): (\d+) connections? served, (\d+) bytes? echoed$/;
      const lines = cli.stdout.filter((l) => summary.test(l));
      assert.equal(lines.length, 3, cli.stdout.join("\n"));
      const parsed = lines.map((l) => summary.exec(l) as RegExpExecArray);
      const workers = parsed.filter((p) => p[1] !== undefined);
      assert.equal(new Set(workers.map((p) => p[1])).size, 2, "two workers' own summaries");
      const last = parsed.at(-1) as RegExpExecArray;
      assert.equal(last[1], undefined, "the last summary is the primary's");
      assert.equal(cli.stdout.at(-1), lines.at(-1));
      assert.equal(Number(last[2]), sent);
      assert.equal(Number(last[2]), Number(workers[0]?.[2]) + Number(workers[1]?.[2]));
      assert.equal(Number(last[3]), Number(workers[0]?.[3]) + Number(workers[1]?.[3]));
      assert.ok(
        workers.every((p) => Number(p[2]) > 0),
        "both workers served",
      );
    } finally {
      await stopCli(cli);
    }
  },
);

test(
  "--workers 2 with the port in use: one error, in the chosen format, exit 1",
  { timeout: 40_000 },
  async () => {
    const blocker = startCli(["serve", "--host", "127.0.0.1", "--port", "0", "--quiet"]);
    try {
      const line = await blocker.waitFor(/127\.0\.0\.1:(\d+)/);
      const port = /127\.0\.0\.1:(\d+)/.exec(line)?.[1] ?? "";
      const args = ["serve", "--host", "127.0.0.1", "--port", port, "--workers", "2"];
      const text = await runCli(args, { env: cleanEnv(), timeout: 20_000 });
      assert.equal(text.code, 1, text.stderr);
      assert.deepEqual(text.stderr.trim().split("\n"), [
        // ss -ltnp 'sport = :PORT' on Linux; each system's own command elsewhere.
        `[TCP server] ${errorIn("en", "EADDRINUSE", { host: "127.0.0.1", port: Number(port), operation: "listen", option: "--port" })}`,
      ]);
      const json = await runCli([...args, "--log-format", "json"], { env: cleanEnv(), timeout: 20_000 });
      assert.equal(json.code, 1, json.stderr);
      assert.equal(json.stderr, "");
      const events = json.stdout
        .toString()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const errors = events.filter((e) => e.event === "error");
      assert.equal(errors.length, 1, json.stdout.toString());
      assert.equal(errors[0]?.code, "EADDRINUSE");
      assert.equal(errors[0]?.endpoint, "echo");
      assert.equal(errors[0]?.port, Number(port));
      assert.equal(errors[0]?.exitCode, 1);
      assert.equal(typeof errors[0]?.worker, "number");
      assert.match(String(errors[0]?.message), /already in use/);
    } finally {
      await stopCli(blocker);
    }
  },
);

test("--workers 2 --udp on Windows (simulated): refused in one line, exit 2, in English and Korean", async () => {
  for (const lang of ["en", "ko"]) {
    const r = await runCli(["serve", "-p", "0", "--workers", "2", "--udp", "--lang", lang], {
      env: simulatedEnv("win32"),
    });
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? "", /--udp/);
    assert.match(lines[0] ?? "", /--workers/);
    assert.match(lines[0] ?? "", /cluster/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test(
  "--workers 2 --udp: each worker's UDP summary is its own; the primary's sums them",
  { timeout: 40_000 },
  async (t) => {
    const skip =
      process.platform === "win32" &&
      skipReason("Node's cluster cannot share a UDP socket among workers on Windows (ENOTSUP)");
    if (skip) return t.skip(skip);
    const { cli, port } = await twoWorkers(["--udp", "--data-lines", "0"]);
    const client = createSocket("udp4");
    try {
      await waitUntil(
        "both workers echoing UDP",
        () => cli.stdout.filter((l) => l.startsWith("[UDP server] echoing")).length === 2,
      );
      let replies = 0;
      client.on("message", () => replies++);
      for (let i = 0; i < 10; i++) client.send(`datagram ${i}`, port, "127.0.0.1");
      await waitUntil("ten UDP replies", () => replies >= 10).catch(() => {});
      assert.equal(replies, 10);
      cli.proc.kill("SIGTERM");
      assert.equal(await cli.exited, 0);
      const summary =
        /^\[UDP server\] (?:worker (\d+): )?(\d+) datagrams? received, (\d+) echoed, (\d+) dropped$/;
      const parsed = cli.stdout.map((l) => summary.exec(l)).filter((m) => m !== null);
      assert.equal(parsed.length, 3, cli.stdout.join("\n"));
      const own = parsed.filter((m) => m[1] !== undefined);
      assert.equal(new Set(own.map((m) => m[1])).size, 2);
      const total = parsed.at(-1) as RegExpExecArray;
      assert.equal(total[1], undefined, "the last UDP summary is the primary's");
      assert.equal(Number(total[2]), 10);
      for (const i of [2, 3, 4]) assert.equal(Number(total[i]), Number(own[0]?.[i]) + Number(own[1]?.[i]));
    } finally {
      client.close();
      await stopCli(cli);
    }
  },
);

/**
 * `serve --workers 2 --log-format json` in a process group of its own (as a
 * console or a service manager sees it), with a connection to each worker
 * held open (each echoed once, so accepted); `signal` sends to the whole group.
 */
async function groupWithHeld(env: NodeJS.ProcessEnv, args: string[] = []) {
  // setsid (not forking: a spawned child leads no group) makes the CLI itself lead a new group.
  // Round-robin: the primary hands connections out in turn, so both workers hold one. With the
  // shared socket the kernel may give every connection to one worker on a loaded machine.
  const cli = startCli(
    ["serve", "--host", "127.0.0.1", "--port", "0", "--workers", "2", "--log-format", "json", ...args],
    { ...env, NODE_CLUSTER_SCHED_POLICY: "rr" },
    ["setsid"],
  );
  const events = () =>
    cli.stdout.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
  const of = (event: string, more: (e: Record<string, unknown>) => boolean = () => true) =>
    events().filter((e) => e.event === event && more(e));
  const held: Socket[] = [];
  const signal = (name: NodeJS.Signals) => process.kill(-(cli.proc.pid as number), name);
  const stop = async () => {
    for (const s of held) s.destroy();
    await stopCli(cli);
    try {
      process.kill(-(cli.proc.pid as number), "SIGKILL");
    } catch {
      // the group is gone already
    }
  };
  try {
    await waitUntil("two workers listening", () => of("start").length === 2, 20_000);
    const port = Number(of("start")[0]?.port);
    const holders = () => new Set(of("connect").map((e) => e.worker));
    for (let i = 0; i < 40 && (i < 2 || holders().size < 2); i++) {
      const s = await rawConnect(port);
      s.on("error", () => {});
      held.push(s);
      s.write(`held ${i}\n`);
      await readN(s, `held ${i}\n`.length);
      await waitUntil("its connect event", () => of("connect").length > i);
    }
    assert.equal(holders().size, 2, "both workers hold a connection");
  } catch (e) {
    await stop();
    throw new Error(`${String(e)}; stdout: ${cli.stdout.join("\n")}; stderr: ${cli.stderr.join("\n")}`);
  }
  return { cli, events, of, held, signal, stop };
}

test(
  "--workers 2 on Windows (simulated): Ctrl-C on the console reaches every process; each worker drains and sums up, exit 0",
  { timeout: 60_000 },
  async (t) => {
    const skip = linuxOnly("signals sent from the test");
    if (skip) return t.skip(skip);
    const g = await groupWithHeld(simulatedEnv("win32"));
    try {
      // The console's Ctrl-C: every process attached to it gets SIGINT, the workers too.
      g.signal("SIGINT");
      await waitUntil("each worker draining", () => g.of("shutdown").length === 2).catch(() => {});
      const drains = g.of("shutdown");
      assert.equal(drains.length, 2, g.cli.stdout.join("\n") + g.cli.stderr.join("\n"));
      assert.equal(new Set(drains.map((e) => e.worker)).size, 2);
      assert.ok(
        drains.every((e) => Number(e.open) >= 1 && e.forced === undefined),
        JSON.stringify(drains),
      );
      // A held connection is still served while its worker drains, then closes.
      for (const [i, s] of g.held.entries()) {
        s.write(`after ${i}\n`);
        assert.equal((await readN(s, `after ${i}\n`.length)).toString(), `after ${i}\n`);
        s.end();
      }
      assert.equal(await g.cli.exited, 0);
      const summaries = g.of("stopped", (e) => e.role !== "primary");
      assert.equal(summaries.length, 2, "each worker's own summary");
      const total = g.of("stopped", (e) => e.role === "primary");
      assert.equal(total.length, 1);
      assert.equal(total[0]?.connectionsTotal, g.held.length);
    } finally {
      await g.stop();
    }
  },
);

test(
  "--workers 2 on Windows (simulated): a second Ctrl-C forces each worker's stop, with its summary",
  { timeout: 60_000 },
  async (t) => {
    const skip = linuxOnly("signals sent from the test");
    if (skip) return t.skip(skip);
    const g = await groupWithHeld(simulatedEnv("win32"), ["--drain-timeout", "60s"]);
    try {
      g.signal("SIGINT");
      await waitUntil("each worker draining", () => g.of("shutdown").length === 2).catch(() => {});
      assert.equal(g.of("shutdown").length, 2, g.cli.stdout.join("\n") + g.cli.stderr.join("\n"));
      g.signal("SIGINT");
      assert.equal(await g.cli.exited, 0);
      const forced = g.of("shutdown", (e) => e.forced === true);
      assert.equal(new Set(forced.map((e) => e.worker)).size, 2, g.cli.stdout.join("\n"));
      assert.equal(g.of("stopped", (e) => e.role !== "primary").length, 2);
      assert.equal(g.of("stopped", (e) => e.role === "primary")[0]?.connectionsTotal, g.held.length);
    } finally {
      await g.stop();
    }
  },
);

test(
  "--workers 2 on Windows (simulated): Ctrl-Break stops as Ctrl-C does (drain), and a Ctrl-C after it forces",
  { timeout: 60_000 },
  async (t) => {
    const skip = linuxOnly("signals sent from the test");
    if (skip) return t.skip(skip);
    const g = await groupWithHeld(simulatedEnv("win32"), ["--drain-timeout", "60s"]);
    try {
      // The simulation's stand-in for Ctrl-Break, which the console sends to every process as SIGBREAK.
      g.signal("SIGUSR2");
      await waitUntil("each worker draining", () => g.of("shutdown").length === 2).catch(() => {});
      assert.equal(g.of("shutdown").length, 2, g.cli.stdout.join("\n") + g.cli.stderr.join("\n"));
      assert.deepEqual(
        g.of("shutdown", (e) => e.forced === true),
        [],
        "the first stop drains",
      );
      g.signal("SIGINT");
      assert.equal(await g.cli.exited, 0);
      assert.equal(new Set(g.of("shutdown", (e) => e.forced === true).map((e) => e.worker)).size, 2);
      assert.equal(g.of("stopped", (e) => e.role === "primary")[0]?.connectionsTotal, g.held.length);
    } finally {
      await g.stop();
    }
  },
);

test(
  "without --workers on Windows (simulated): Ctrl-Break drains and sums up",
  { timeout: 30_000 },
  async (t) => {
    const skip = linuxOnly("signals sent from the test");
    if (skip) return t.skip(skip);
    const srv = startCli(
      ["serve", "--host", "127.0.0.1", "--port", "0", "--log-format", "json"],
      simulatedEnv("win32"),
    );
    try {
      const port = Number(/"port":(\d+)/.exec(await srv.waitFor(/"event":"start"/))?.[1]);
      const s = await rawConnect(port);
      s.write("held\n");
      await readN(s, 5);
      srv.proc.kill("SIGUSR2"); // Ctrl-Break's stand-in (see simulated-platform.ts)
      await srv.waitFor(/"event":"shutdown".*"open":1/);
      s.end("last\n");
      assert.equal((await readAll(s)).toString(), "last\n");
      assert.equal(await srv.exited, 0);
      assert.match(srv.stdout.at(-1) ?? "", /"event":"stopped".*"connectionsTotal":1,/);
    } finally {
      await stopCli(srv);
    }
  },
);

test(
  "--workers 2: a signal as the workers start is held until they listen, then they drain",
  { timeout: 60_000 },
  async (t) => {
    const skip = linuxOnly("signals sent from the test");
    if (skip) return t.skip(skip);
    const cli = startCli([
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "--workers",
      "2",
      "--log-format",
      "json",
    ]);
    try {
      // The primary's first line, before any worker is up: an order sent now would find nobody listening.
      await cli.waitFor(/"event":"workers"/);
      cli.proc.kill("SIGTERM");
      assert.equal(await cli.exited, 0);
      const stopped = cli.stdout.filter((l) => /"event":"stopped"/.test(l));
      assert.equal(stopped.length, 3, cli.stdout.join("\n") + cli.stderr.join("\n"));
    } finally {
      await stopCli(cli);
    }
  },
);

test(
  "--workers 2: SIGTERM to the whole group (systemd stopping a service) drains once, not forced",
  { timeout: 60_000 },
  async (t) => {
    const skip = linuxOnly("signals sent from the test");
    if (skip) return t.skip(skip);
    const g = await groupWithHeld(cleanEnv(), ["--drain-timeout", "60s"]);
    try {
      g.signal("SIGTERM");
      await waitUntil("each worker draining", () => g.of("shutdown").length >= 2).catch(() => {});
      for (const s of g.held) s.end();
      assert.equal(await g.cli.exited, 0);
      assert.equal(g.of("shutdown").length, 2, g.cli.stdout.join("\n"));
      assert.deepEqual(
        g.of("shutdown", (e) => e.forced === true),
        [],
        "no worker forced its stop",
      );
      assert.equal(g.of("stopped", (e) => e.role === "primary")[0]?.connectionsTotal, g.held.length);
    } finally {
      await g.stop();
    }
  },
);

/** The inodes of the sockets process `pid` holds a descriptor for. */
function socketsOf(pid: number): Set<number> {
  const dir = `/proc/${pid}/fd`;
  return new Set(readdirSync(dir).flatMap((fd) => socketInode(Number(fd), dir) ?? []));
}

/** Which of `pids` holds the server's end of the connection from `clientPort` (undefined off Linux). */
function holderOf(port: number, clientPort: number, pids: number[]): number | undefined {
  const row = (readTcpTable() ?? []).find(
    (r) => r.state === "ESTABLISHED" && r.localPort === port && r.remotePort === clientPort,
  );
  return row === undefined ? undefined : pids.find((pid) => socketsOf(pid).has(row.inode));
}

/**
 * `serve --workers 2` on a free loopback port, with connections opened in
 * batches and held open until both workers hold some; then who holds which
 * socket: the listening one and the server's end of each connection, matched
 * by inode between /proc/PID/fd and /proc/net/tcp; and, once stopped, each
 * worker's own count of connections from its summary.
 */
async function whoHolds(env: NodeJS.ProcessEnv) {
  const cli = startCli(
    ["serve", "--host", "127.0.0.1", "--port", "0", "--workers", "2", "--log-format", "json"],
    cleanEnv({ TCPECHO_DEBUG: "1", ...env }),
  );
  const held: Socket[] = [];
  const events = () =>
    cli.stdout.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
  try {
    for (let i = 0; i < 200 && events().filter((e) => e.event === "start").length < 2; i++) await sleep(50);
    const starts = events().filter((e) => e.event === "start");
    assert.equal(
      starts.length,
      2,
      `two workers listening: ${cli.stdout.join("\n")} ${cli.stderr.join("\n")}`,
    );
    const port = Number(starts[0]?.port);
    const workerPids = starts.map((e) => Number(e.pid));
    const serverEnds = () => {
      const ours = new Set(held.map((s) => s.localPort));
      return (readTcpTable() ?? []).filter(
        (r) =>
          r.state === "ESTABLISHED" &&
          r.localAddress === "127.0.0.1" &&
          r.localPort === port &&
          ours.has(r.remotePort),
      );
    };
    const holding = () =>
      workerPids.map((pid) => serverEnds().filter((r) => socketsOf(pid).has(r.inode)).length);
    // Batches of 20 at once, each echoed (so accepted), all held open; bounded at 15 batches.
    for (let batch = 0; batch < 15 && (batch < 2 || holding().some((n) => n === 0)); batch++) {
      const conns = await Promise.all(Array.from({ length: 20 }, () => rawConnect(port)));
      held.push(...conns);
      await Promise.all(
        conns.map(async (s, i) => {
          const text = `batch ${batch} conn ${i}\n`;
          s.write(text);
          assert.equal((await readN(s, text.length)).toString(), text);
        }),
      );
    }
    const table = readTcpTable() ?? [];
    const listening = table.filter(
      (r) => r.state === "LISTEN" && r.localAddress === "127.0.0.1" && r.localPort === port,
    );
    const served = serverEnds().map((r) => r.inode);
    assert.equal(listening.length, 1, "one listening socket on the port");
    assert.equal(served.length, held.length, "the server's end of every held connection is in the table");
    const found = {
      listening: listening[0]?.inode as number,
      served,
      primary: socketsOf(cli.proc.pid as number),
      workers: workerPids.map(socketsOf),
      workerPids,
    };
    for (const s of held) s.destroy();
    assert.equal(await stopCli(cli), 0);
    const summaries = events().filter((e) => e.event === "stopped" && e.role !== "primary");
    const accepted = workerPids.map((pid) => Number(summaries.find((e) => e.pid === pid)?.connectionsTotal));
    return { ...found, accepted, debug: cli.stderr.filter((l) => l.startsWith("[debug]")) };
  } finally {
    for (const s of held) s.destroy();
    await stopCli(cli);
  }
}

test(
  "--workers 2: each worker accepts on its own (it holds the listening socket, and the connections it accepted); the primary holds none",
  { timeout: 60_000 },
  async (t) => {
    if (process.platform !== "linux") return t.skip("reads /proc (Linux)");
    const r = await whoHolds({});
    for (const [i, fds] of r.workers.entries()) {
      assert.ok(fds.has(r.listening), `worker ${i + 1} holds the listening socket itself`);
      assert.ok(
        r.served.some((inode) => fds.has(inode)),
        `worker ${i + 1} holds connections it accepted`,
      );
    }
    // Each worker's own count, from its summary: both took connections.
    for (const [i, n] of r.accepted.entries()) assert.ok(n > 0, `worker ${i + 1} accepted ${n}`);
    assert.equal(
      r.served.filter((inode) => r.primary.has(inode)).length,
      0,
      "the primary holds no client connection",
    );
    assert.ok(
      r.served.every((inode) => r.workers.some((fds) => fds.has(inode))),
      "every connection is held by a worker",
    );
    // The fast path still engages in a worker: it attaches to the listening handle the worker now owns.
    const expected = process.env.TCPECHO_DATA_PATH === "streams" ? "streams" : "handles";
    for (const pid of r.workerPids)
      assert.ok(r.debug.includes(`[debug] pid ${pid}: data path ${expected}`), r.debug.join("\n"));
  },
);

test(
  "--workers 2 under Node's round-robin (NODE_CLUSTER_SCHED_POLICY=rr): the same check sees workers without the listening socket",
  { timeout: 60_000 },
  async (t) => {
    if (process.platform !== "linux") return t.skip("reads /proc (Linux)");
    // The other side of the test above, so that it is known to tell the two apart.
    const r = await whoHolds({ NODE_CLUSTER_SCHED_POLICY: "rr" });
    assert.ok(r.primary.has(r.listening), "the primary holds the listening socket");
    for (const fds of r.workers) assert.equal(fds.has(r.listening), false, "a worker only gets connections");
    assert.equal(r.served.filter((inode) => r.primary.has(inode)).length, 0);
  },
);
