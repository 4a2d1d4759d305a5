/** `--workers N`: processes sharing the port, replaced when they die, drained together. */

import assert from "node:assert/strict";
import { get } from "node:http";
import { test } from "node:test";
import { cleanEnv, rawConnect, readAll, runCli, sleep, startCli, stopCli } from "./helpers.js";

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
  async () => {
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

      const all = events()
        .filter((e) => e.event === "start")
        .map((e) => Number(e.pid));
      cli.proc.kill("SIGTERM");
      assert.equal(await cli.exited, 0);
      assert.ok(events().some((e) => e.event === "workers-stopped"));
      await sleep(100);
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
