/**
 * `npm run bench:live-page`: what the live page costs the server with many
 * connections. Starts `tcpecho serve --ui` on free loopback ports, opens
 * CONNS idle connections, then measures, each for SECONDS:
 *
 * - with no page open: the server's CPU and resident memory per connection;
 * - with a page's event stream open (what a browser tab receives): the same,
 *   and the stream's messages (count, mean size);
 * - with ACTIVE of the connections echoing a message every 100 ms beside the
 *   idle ones and the page following one of them.
 *
 * With `--browser` (Debian's chromium at /usr/bin/chromium, driven by
 * playwright-core), also how long a real page takes to draw the first rows,
 * and to show a followed connection's calls after a click.
 *
 *   npm run bench:live-page -- [--conns 10000] [--active 100] [--seconds 10] [--browser]
 */

import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { get, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";

interface Node {
  textContent: string | null;
}
import { scriptArgs } from "./args.js";
import { freePort, waitListening } from "./listening.js";

const USAGE = `usage: npm run bench:live-page -- [--conns 10000] [--active 100] [--seconds 10] [--browser]

What serve --ui costs with many connections: the server's CPU and memory per
connection with no page, with a page's event stream open, and with some
connections active; the stream's message rate and size. --browser: also the
time a real page (Debian's chromium) takes to draw and to follow.`;

const TICK_MS = 10; // USER_HZ

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens `n` idle connections, 200 at a time. */
async function openIdle(port: number, n: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i += 200) {
    const batch = Array.from({ length: Math.min(200, n - i) }, () => connect(port, "127.0.0.1"));
    await Promise.all(batch.map((s) => once(s, "connect")));
    for (const s of batch) s.on("error", () => {});
    sockets.push(...batch);
  }
  return sockets;
}

/** A page's event stream: counts messages and their bytes. */
function openStream(
  uiPort: number,
  query: string,
): { stats: { messages: number; bytes: number }; close(): void } {
  const stats = { messages: 0, bytes: 0 };
  let res: IncomingMessage | undefined;
  const req = get({ host: "127.0.0.1", port: uiPort, path: `/events${query}` }, (r) => {
    res = r;
    r.setEncoding("utf8");
    r.on("data", (text: string) => {
      stats.bytes += Buffer.byteLength(text);
      stats.messages += text.split("event: snapshot").length - 1;
    });
  });
  req.on("error", () => {});
  return { stats, close: () => (res?.destroy(), req.destroy()) };
}

interface Phase {
  name: string;
  cpuPercent: number;
  rssPerConn: number;
  messagesPerSecond?: number;
  meanMessageBytes?: number;
}

async function measure(
  name: string,
  pid: number,
  seconds: number,
  baseRss: number,
  conns: number,
  stream?: { stats: { messages: number; bytes: number } },
): Promise<Phase> {
  await sleep(2000); // settle: the first snapshot, the kernel's first reads
  const before = { cpu: cpuMs(pid), messages: stream?.stats.messages ?? 0, bytes: stream?.stats.bytes ?? 0 };
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const elapsed = performance.now() - t0;
  const phase: Phase = {
    name,
    cpuPercent: ((cpuMs(pid) - before.cpu) / elapsed) * 100,
    rssPerConn: ((rssKb(pid) - baseRss) * 1024) / conns,
  };
  if (stream !== undefined) {
    const messages = stream.stats.messages - before.messages;
    phase.messagesPerSecond = messages / (elapsed / 1000);
    phase.meanMessageBytes = messages === 0 ? 0 : (stream.stats.bytes - before.bytes) / messages;
  }
  return phase;
}

async function browserTimes(uiPort: number): Promise<string> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage();
    let t = performance.now();
    await page.goto(`http://127.0.0.1:${uiPort}/`);
    await page.locator("tr[data-id]").first().waitFor({ timeout: 30_000 });
    const draw = performance.now() - t;
    t = performance.now();
    await page.locator("tr[data-id]").first().click();
    // Its calls, or the note that it opened before the page did.
    await page.waitForFunction(
      () => {
        // Runs in the page (the bench is compiled without the DOM's types).
        const doc = (globalThis as unknown as { document: { querySelector(s: string): Node | null } })
          .document;
        return (
          doc.querySelector("ol.calls li") !== null || (doc.querySelector("p.note")?.textContent ?? "") !== ""
        );
      },
      undefined,
      { timeout: 30_000 },
    );
    const follow = performance.now() - t;
    return `page: first rows drawn ${draw.toFixed(0)} ms after navigation; a followed connection's calls ${follow.toFixed(0)} ms after the click`;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const { values } = scriptArgs("bench:live-page", USAGE, {
    conns: { type: "string" },
    active: { type: "string" },
    seconds: { type: "string" },
    browser: { type: "boolean" },
  });
  const conns = Number(values.conns ?? 10_000);
  const active = Number(values.active ?? 100);
  const seconds = Number(values.seconds ?? 10);
  const [port, uiPort] = [await freePort(), await freePort()];
  const cli = new URL("../src/cli/main.js", import.meta.url).pathname;
  const server = spawn(
    process.execPath,
    [cli, "serve", "--host", "127.0.0.1", "--port", String(port), "--ui", `127.0.0.1:${uiPort}`, "--quiet"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const pid = server.pid!;
  try {
    await waitListening(port);
    await waitListening(uiPort);
    await sleep(1000);
    const baseRss = rssKb(pid);
    const sockets = await openIdle(port, conns);
    const phases = [await measure(`${conns} idle, no page`, pid, seconds, baseRss, conns)];
    const page = openStream(uiPort, "?from=0&count=50");
    phases.push(await measure(`${conns} idle, a page open`, pid, seconds, baseRss, conns, page));
    page.close();
    const busy = sockets.slice(0, active);
    const timer = setInterval(() => {
      for (const s of busy) s.write("hello, world\n");
    }, 100);
    for (const s of busy) s.on("data", () => {});
    const followed = openStream(uiPort, "?from=0&count=50&follow=1");
    phases.push(
      await measure(
        `${active} of them echoing 10/s, a page following one`,
        pid,
        seconds,
        baseRss,
        conns,
        followed,
      ),
    );
    followed.close();
    clearInterval(timer);
    for (const p of phases) {
      const stream =
        p.messagesPerSecond === undefined
          ? ""
          : `; stream ${p.messagesPerSecond.toFixed(2)} messages/s, ${Math.round(p.meanMessageBytes ?? 0)} bytes each`;
      console.log(
        `${p.name}: server CPU ${p.cpuPercent.toFixed(1)}%, ${Math.round(p.rssPerConn)} bytes/connection${stream}`,
      );
    }
    if (values.browser === true) console.log(await browserTimes(uiPort));
    for (const s of sockets) s.destroy();
  } finally {
    server.kill("SIGTERM");
    await once(server, "exit");
  }
}

await main();
