/**
 * `serve --ui`: the live page's listener through the real command, and what
 * it does with hostile HTTP clients (slow or huge headers, many idle
 * connections, too many event streams, a rebound host name).
 */

import assert from "node:assert/strict";
import { once } from "node:events";
import { request, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import { test } from "node:test";
import type { LiveSnapshot } from "../src/server/live-view.js";
import { HTTP_LIMITS } from "../src/server/http-listener.js";
import { MAX_STREAMS } from "../src/ui/live-route.js";
import {
  needsSignals,
  STOPPED,
  cleanEnv,
  freePort,
  rawConnect,
  readN,
  runCli,
  startCliServer,
  stopCli,
  type RunningCli,
} from "./helpers.js";

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request on a connection of its own. */
function fetchPage(port: number, path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (t: string) => (body += t));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** The status and headers of an answer, its body left unread (an event stream never ends). */
function statusOf(port: number, path: string) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      req.destroy();
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${path} did not answer`)));
    req.on("error", reject);
    req.end();
  });
}

const PAGE_LINE = /(?:live page at|실시간 페이지 주소:) http:\/\/127\.0\.0\.1:(\d+)\//;

async function uiPort(srv: RunningCli): Promise<number> {
  return Number(PAGE_LINE.exec(await srv.waitFor(PAGE_LINE))?.[1]);
}

/** `serve` with the live page on 127.0.0.1 and a free port. */
async function startUi(args: string[] = [], env = cleanEnv()) {
  const srv = await startCliServer(["--ui", "127.0.0.1:0", ...args], env);
  return { srv, ui: await uiPort(srv) };
}

/** An open `/events` stream: its snapshots as they come. */
interface Events {
  res: IncomingMessage;
  snapshots: LiveSnapshot[];
  /** Resolves with the first snapshot (seen or to come) that `ok` accepts; rejects after `ms`. */
  until(ok: (s: LiveSnapshot) => boolean, ms?: number): Promise<LiveSnapshot>;
  /** How the stream ended: "end" (finished by the server) or "aborted" (cut). */
  ended: Promise<"end" | "aborted">;
  close(): void;
}

function openEvents(port: number, query = ""): Promise<Events> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: `/events${query}`, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`/events answered ${res.statusCode}`));
        res.resume();
        return;
      }
      const snapshots: LiveSnapshot[] = [];
      const waiters: { ok: (s: LiveSnapshot) => boolean; resolve: (s: LiveSnapshot) => void }[] = [];
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
        let end: number;
        while ((end = text.indexOf("\n\n")) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!/^event: snapshot$/m.test(block) || data === undefined) continue;
          const snapshot = JSON.parse(data) as LiveSnapshot;
          snapshots.push(snapshot);
          for (const w of waiters.filter((w) => w.ok(snapshot))) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(snapshot);
          }
        }
      });
      const ended = new Promise<"end" | "aborted">((done) => {
        res.on("end", () => done("end"));
        res.on("aborted", () => done("aborted"));
        res.on("error", () => done("aborted"));
      });
      resolve({
        res,
        snapshots,
        ended,
        until(ok, ms = 10_000) {
          const seen = snapshots.find(ok);
          if (seen !== undefined) return Promise.resolve(seen);
          return new Promise((found, fail) => {
            const timer = setTimeout(
              () =>
                fail(
                  new Error(`no such snapshot within ${ms} ms; last: ${JSON.stringify(snapshots.at(-1))}`),
                ),
              ms,
            );
            waiters.push({
              ok,
              resolve: (s) => {
                clearTimeout(timer);
                found(s);
              },
            });
          });
        },
        close: () => req.destroy(),
      });
    });
    req.setTimeout(10_000, () => req.destroy(new Error("/events did not answer")));
    req.on("error", reject);
    req.end();
  });
}

/** Resolves with ms from `since` when the server closed `socket` (its FIN came, or it is closed); rejects after `ms`. */
function closedWithin(socket: Socket, ms: number, since = performance.now()): Promise<number> {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve(performance.now() - since);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(performance.now() - since);
    };
    socket.once("end", done);
    socket.once("close", done);
  });
}

/** `n` TCP connections to `port` that send nothing, opened 50 at a time. */
async function idleConnections(port: number, n: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from({ length: Math.min(50, n - i) }, () => {
      const s = connect({ host: "127.0.0.1", port });
      s.on("error", () => {});
      s.resume();
      return s;
    });
    sockets.push(...batch);
    await Promise.all(batch.map((s) => Promise.race([once(s, "connect"), once(s, "close")])));
  }
  return sockets;
}

test("--ui serves the page with its security headers; unknown paths too; the log says where", async () => {
  const { srv, ui } = await startUi();
  try {
    const page = await fetchPage(ui, "/");
    assert.equal(page.status, 200);
    assert.match(String(page.headers["content-type"]), /^text\/html/);
    assert.match(String(page.headers["content-security-policy"]), /default-src 'none'; script-src 'self'/);
    assert.equal(page.headers["x-content-type-options"], "nosniff");
    assert.equal(page.headers["referrer-policy"], "no-referrer");
    assert.match(page.body, /<html lang="en" data-control="off">/);
    const missing = await fetchPage(ui, "/nowhere");
    assert.equal(missing.status, 404);
    assert.equal(missing.headers["x-content-type-options"], "nosniff");
    assert.match(String(missing.headers["content-security-policy"]), /default-src 'none'/);
  } finally {
    assert.equal(await stopCli(srv), STOPPED);
  }
  const json = await startCliServer(["--ui", "127.0.0.1:0", "--log-format", "json"]);
  try {
    const event = JSON.parse(await json.waitFor(/"event":"ui"/)) as { url: string };
    assert.match(event.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal((await fetchPage(Number(/:(\d+)\/$/.exec(event.url)?.[1]), "/")).status, 200);
  } finally {
    await stopCli(json);
  }
});

test("/events: a snapshot lists the connection a client opened, then shows it closed", async () => {
  const { srv, ui } = await startUi();
  const events = await openEvents(ui);
  try {
    const first = await events.until(() => true);
    assert.equal(first.server.state, "listening");
    assert.equal(first.listeners.length, 1);
    const client = await rawConnect(srv.port);
    const peer = `127.0.0.1:${client.localPort}`;
    client.write("hello");
    await readN(client, 5);
    const open = await events.until((s) => s.connections.rows.some((r) => r.peer === peer && !r.closed));
    assert.ok(open.totals.open >= 1);
    client.end();
    await events.until((s) => !s.connections.rows.some((r) => r.peer === peer && !r.closed));
  } finally {
    events.close();
    await stopCli(srv);
  }
});

test("Korean page: with --lang ko, and by the browser's Accept-Language (q-values honoured)", async () => {
  const ko = await startUi(["--lang", "ko"]);
  try {
    await ko.srv.waitFor(/실시간 페이지 주소: http:\/\/127\.0\.0\.1:\d+\//);
    const page = await fetchPage(ko.ui, "/", { "accept-language": "en-US,en;q=0.9" });
    assert.match(page.body, /<html lang="ko"/);
  } finally {
    await stopCli(ko.srv);
  }
  const { srv, ui } = await startUi();
  try {
    for (const [accept, lang] of [
      ["ko-KR,ko;q=0.9,en-US;q=0.8", "ko"],
      ["en;q=0.5, ko;q=0.8", "ko"],
      ["en-GB, ko;q=0.9", "en"],
      ["fr, ko;q=0", "en"],
      ["", "en"],
    ] as const) {
      const page = await fetchPage(ui, "/", accept === "" ? {} : { "accept-language": accept });
      assert.match(page.body, new RegExp(`<html lang="${lang}"`), `Accept-Language: ${accept}`);
    }
  } finally {
    await stopCli(srv);
  }
});

test("/faults on the --ui listener: 403 without --control, open with it, 401 without its token", async () => {
  const off = await startUi();
  try {
    assert.equal((await fetchPage(off.ui, "/faults")).status, 403);
  } finally {
    await stopCli(off.srv);
  }
  const open = await startUi(["--control", "--fault", "delay=10ms"]);
  try {
    assert.match((await fetchPage(open.ui, "/")).body, /data-control="open"/);
    const got = await fetchPage(open.ui, "/faults");
    assert.equal(got.status, 200);
    assert.deepEqual(JSON.parse(got.body), { faults: ["delay=10ms"] });
    assert.equal((await fetchPage(open.ui, "/faults", {}, "DELETE")).status, 200);
    assert.deepEqual(JSON.parse((await fetchPage(open.ui, "/faults")).body), { faults: [] });
  } finally {
    await stopCli(open.srv);
  }
  const token = await startUi(["--control"], cleanEnv({ TCPECHO_CONTROL_TOKEN: "s3cret" }));
  try {
    assert.match((await fetchPage(token.ui, "/")).body, /data-control="token"/);
    assert.equal((await fetchPage(token.ui, "/faults")).status, 401);
    assert.equal((await fetchPage(token.ui, "/faults", { authorization: "Bearer s3cret" })).status, 200);
  } finally {
    await stopCli(token.srv);
  }
});

test("usage errors: --ui beyond loopback with --control and no token, with --workers, on the echo port", async () => {
  for (const [args, said] of [
    [["--ui", "0.0.0.0:0", "--control"], /--control-token[\s\S]*--ui|--ui[\s\S]*--control-token/],
    [["--ui", "127.0.0.1:0", "--workers", "2"], /--ui[\s\S]*--workers|--workers[\s\S]*--ui/],
    [["-p", "9000", "--ui", "127.0.0.1:9000"], /--ui/],
    [["--ui", "nonsense:port"], /--ui/],
  ] as const) {
    const r = await runCli(["serve", "-H", "127.0.0.1", ...(args[0] === "-p" ? [] : ["-p", "0"]), ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, said);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  }
  // --control is taken with --ui alone (and the page's listener on loopback needs no token).
  const srv = await startUi(["--control"]);
  await stopCli(srv.srv);
});

/** `serve` with --ui and --metrics on one free port. */
async function startShared(args: string[] = []) {
  const at = `127.0.0.1:${await freePort()}`;
  const srv = await startCliServer(["--metrics", at, "--ui", at, ...args]);
  return { srv, ui: await uiPort(srv) };
}

test("--ui and --metrics on one address share one listener: /metrics and / both answer", async () => {
  const { srv, ui } = await startShared(["--control"]);
  try {
    const metrics = Number(/:(\d+)\/metrics/.exec(await srv.waitFor(/metrics at http:/))?.[1]);
    assert.equal(ui, metrics);
    const text = await fetchPage(ui, "/metrics");
    assert.equal(text.status, 200);
    assert.match(text.body, /tcpecho_connections_open/);
    assert.match((await fetchPage(ui, "/")).body, /<html lang="en" data-control="open">/);
    assert.equal((await fetchPage(ui, "/faults")).status, 200);
    assert.equal((await fetchPage(ui, "/healthz")).status, 200);
    const events = await openEvents(ui);
    await events.until(() => true);
    events.close();
  } finally {
    await stopCli(srv);
  }
  // Port 0 twice: two free ports, two listeners.
  const two = await startCliServer(["--metrics", "127.0.0.1:0", "--ui", "127.0.0.1:0"]);
  try {
    const metrics = Number(/:(\d+)\/metrics/.exec(await two.waitFor(/metrics at http:/))?.[1]);
    const ui = await uiPort(two);
    assert.notEqual(ui, metrics);
    assert.equal((await fetchPage(ui, "/metrics")).status, 404);
    assert.equal((await fetchPage(metrics, "/")).status, 404);
  } finally {
    await stopCli(two);
  }
});

test("a loopback listener answers 421 to a Host that is not localhost or a loopback address", async () => {
  const srv = await startCliServer(["--ui", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--control"]);
  const shared = await startShared();
  try {
    const ui = await uiPort(srv);
    const metrics = Number(/:(\d+)\/metrics/.exec(await srv.waitFor(/metrics at http:/))?.[1]);
    for (const [port, path] of [
      [ui, "/"],
      [ui, "/events"],
      [ui, "/faults"],
      [metrics, "/faults"],
      [shared.ui, "/"],
      [shared.ui, "/faults"],
    ] as const) {
      for (const host of ["rebound.example", `rebound.example:${port}`, "10.0.0.1", "127.0.0.1.nip.io"]) {
        const r = await fetchPage(port, path, { host });
        assert.equal(r.status, 421, `${path} with Host: ${host}`);
        assert.doesNotMatch(r.body, /<html|faults/);
      }
      for (const host of [
        `localhost:${port}`,
        "localhost",
        `127.0.0.1:${port}`,
        `127.1.2.3:${port}`,
        `[::1]:${port}`,
      ])
        if (path !== "/events") assert.notEqual((await fetchPage(port, path, { host })).status, 421, host);
    }
    // Scrapers and health checks name the machine their own way (deploy/haproxy.cfg: Host: tcpecho).
    for (const port of [metrics, shared.ui])
      for (const path of ["/metrics", "/healthz", "/readyz"])
        assert.equal((await fetchPage(port, path, { host: "tcpecho" })).status, 200, path);
  } finally {
    await Promise.all([stopCli(srv), stopCli(shared.srv)]);
  }
});

test(
  "a client sending its headers slowly is closed within the headers timeout",
  { timeout: 40_000 },
  async () => {
    const srv = await startCliServer(["--ui", "127.0.0.1:0", "--metrics", "127.0.0.1:0"]);
    const bound = HTTP_LIMITS.headersTimeoutMs + HTTP_LIMITS.checkIntervalMs + 3000;
    try {
      const ui = await uiPort(srv);
      const metrics = Number(/:(\d+)\/metrics/.exec(await srv.waitFor(/metrics at http:/))?.[1]);
      await Promise.all(
        [ui, metrics].map(async (port) => {
          const s = await rawConnect(port);
          const since = performance.now();
          let answer = "";
          s.on("data", (b: Buffer) => (answer += b.toString("latin1")));
          s.on("error", () => {});
          s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `);
          // A byte every 250 ms, for at most as long as the bound: the headers never end.
          let sent = 0;
          const dribble = setInterval(() => {
            if (s.writable && sent++ < bound / 250) s.write("a");
          }, 250);
          try {
            const ms = await closedWithin(s, bound, since);
            assert.ok(ms >= HTTP_LIMITS.headersTimeoutMs - 200, `closed after ${ms} ms`);
            assert.match(answer, /^HTTP\/1\.1 408/);
          } finally {
            clearInterval(dribble);
            s.destroy();
          }
        }),
      );
    } finally {
      await stopCli(srv);
    }
  },
);

test("headers over 16 KiB: 431, and the connection closed", async () => {
  const srv = await startCliServer(["--ui", "127.0.0.1:0", "--metrics", "127.0.0.1:0"]);
  try {
    const ui = await uiPort(srv);
    const metrics = Number(/:(\d+)\/metrics/.exec(await srv.waitFor(/metrics at http:/))?.[1]);
    for (const port of [ui, metrics]) {
      const s = await rawConnect(port);
      let answer = "";
      s.on("data", (b: Buffer) => (answer += b.toString("latin1")));
      s.on("error", () => {});
      s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Big: ${"a".repeat(20 * 1024)}\r\n\r\n`);
      await closedWithin(s, 5000);
      assert.match(answer, /^HTTP\/1\.1 431/);
    }
  } finally {
    await stopCli(srv);
  }
});

test(
  "500 idle connections to the --ui port: the echo serves, the page loads, and the idle ones are closed",
  { timeout: 60_000 },
  async () => {
    const { srv, ui } = await startUi();
    const idle = await idleConnections(ui, 500);
    try {
      const since = performance.now();
      assert.equal(idle.filter((s) => s.destroyed).length, 0, "all 500 taken");
      const client = await rawConnect(srv.port);
      client.write("still here");
      assert.equal((await readN(client, 10)).toString(), "still here");
      client.destroy();
      assert.equal((await fetchPage(ui, "/")).status, 200);
      // Closed by the server, silent too long (the test closes none of them before).
      const bound = HTTP_LIMITS.idleTimeoutMs + 5000;
      await Promise.all(idle.map((s) => closedWithin(s, bound, since)));
      assert.equal((await fetchPage(ui, "/")).status, 200);
    } finally {
      for (const s of idle) s.destroy();
      await stopCli(srv);
    }
  },
);

test(
  `more than ${HTTP_LIMITS.maxConnections} connections to the --ui port: the ones beyond are closed at once`,
  { timeout: 60_000 },
  async () => {
    const { srv, ui } = await startUi();
    const extra = 50;
    const sockets = await idleConnections(ui, HTTP_LIMITS.maxConnections + extra);
    try {
      // Closed at once: well before the idle timeout would close any.
      const closed = () => sockets.filter((s) => s.destroyed).length;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${closed()} closed`)),
          HTTP_LIMITS.idleTimeoutMs / 2,
        );
        const check = () => {
          if (closed() < extra) return;
          clearTimeout(timer);
          resolve();
        };
        for (const s of sockets) s.once("close", check);
        check();
      });
      assert.ok(closed() < extra + 20, `${closed()} closed`);
      const client = await rawConnect(srv.port);
      client.write("echo");
      assert.equal((await readN(client, 4)).toString(), "echo");
      client.destroy();
    } finally {
      for (const s of sockets) s.destroy();
      await stopCli(srv);
    }
  },
);

test(`more than ${MAX_STREAMS} event streams: 503 with Retry-After`, { timeout: 60_000 }, async () => {
  const { srv, ui } = await startUi();
  const streams: Events[] = [];
  try {
    for (let i = 0; i < MAX_STREAMS; i++) streams.push(await openEvents(ui));
    await Promise.all(streams.map((e) => e.until(() => true)));
    const busy = await statusOf(ui, "/events");
    assert.equal(busy.status, 503);
    assert.match(String(busy.headers["retry-after"]), /^\d+$/);
    assert.equal(busy.headers["x-content-type-options"], "nosniff");
    // A stream that leaves frees its place.
    streams.pop()?.close();
    let again: Events | undefined;
    for (let i = 0; i < 50 && again === undefined; i++) again = await openEvents(ui).catch(() => undefined);
    assert.ok(again, "a place came free");
    streams.push(again);
  } finally {
    for (const e of streams) e.close();
    await stopCli(srv);
  }
});

test("on SIGTERM the page's event stream ends, and serve exits 0", async (t) => {
  const skip = needsSignals("SIGTERM to end the event streams and drain");
  if (skip) return t.skip(skip);
  const { srv, ui } = await startUi();
  const events = await openEvents(ui);
  await events.until(() => true);
  srv.proc.kill("SIGTERM");
  const timer = setTimeout(() => srv.proc.kill("SIGKILL"), 10_000);
  try {
    assert.equal(await events.ended, "end");
    assert.equal(await srv.exited, 0);
  } finally {
    clearTimeout(timer);
  }
});
