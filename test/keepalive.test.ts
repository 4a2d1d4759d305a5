/**
 * Dead peers: a client whose link goes down sends no FIN and no RST, so
 * without keepalive the server would hold its connection forever (no
 * --idle-timeout here). Two network namespaces made for the test, joined by a
 * veth pair, with 192.0.2.0/24 (TEST-NET-1) addresses that exist only inside
 * them; the server runs in one as `tcpecho serve --keepalive 2s`, a client in
 * the other. After one echo the client's link goes down; the kernel's probes
 * (after 2 s of silence, then ten a second apart) go unanswered and the
 * server closes the connection with reason keepalive.
 */

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { connect as tlsConnect } from "node:tls";
import { performance } from "node:perf_hooks";
import { createEchoServer, EchoError } from "tcpecho";
import {
  startCli,
  stopCli,
  linuxOnly,
  needs,
  cleanEnv,
  rawConnect,
  readN,
  sleep,
  fixture,
} from "./helpers.js";
import { deleteNamespaces, ip, netnsTagOrSkip } from "./netns.js";

const SERVER_ADDRESS = "192.0.2.1";
const CLIENT_ADDRESS = "192.0.2.2";

/** A client that echoes one line, says so, then stays connected and silent (no keepalive of its own). */
const CLIENT = `
const net = require("node:net");
const [host, port] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port) }, () => s.write("are you there?"));
s.on("data", (d) => console.log("echoed " + d.toString() + " from " + s.localPort));
s.on("error", (e) => console.log("client error " + e.code));
setTimeout(() => process.exit(0), 60000);
`;

test(
  "keepalive: a client whose link goes down is closed with reason keepalive (no idle timeout)",
  { timeout: 90_000 },
  async (t) => {
    const tag = netnsTagOrSkip(t);
    if (tag === undefined) return;
    const serverNs = `tcpecho-ka-s-${tag}`;
    const clientNs = `tcpecho-ka-c-${tag}`;
    const serverLink = `tkas${tag}`;
    const clientLink = `tkac${tag}`;
    let server: ReturnType<typeof startCli> | undefined;
    let client: ReturnType<typeof spawn> | undefined;
    try {
      ip("netns", "add", serverNs);
      ip("netns", "add", clientNs);
      ip(
        "link",
        "add",
        serverLink,
        "netns",
        serverNs,
        "type",
        "veth",
        "peer",
        "name",
        clientLink,
        "netns",
        clientNs,
      );
      ip("-n", serverNs, "addr", "add", `${SERVER_ADDRESS}/24`, "dev", serverLink);
      ip("-n", clientNs, "addr", "add", `${CLIENT_ADDRESS}/24`, "dev", clientLink);
      ip("-n", serverNs, "link", "set", serverLink, "up");
      ip("-n", clientNs, "link", "set", clientLink, "up");

      server = startCli(["serve", "--host", SERVER_ADDRESS, "--port", "0", "--keepalive", "2s"], cleanEnv(), [
        "ip",
        "netns",
        "exec",
        serverNs,
      ]);
      const listening = await server.waitFor(/192\.0\.2\.1:(\d+)/);
      const port = /192\.0\.2\.1:(\d+)/.exec(listening)?.[1] ?? "";

      client = spawn(
        "ip",
        ["netns", "exec", clientNs, process.execPath, "-e", CLIENT, SERVER_ADDRESS, port],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      const echoed = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the client got no echo within 10 s")), 10_000);
        let out = "";
        client?.stdout?.on("data", (b: Buffer) => {
          out += b.toString();
          const m = /echoed are you there\? from (\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1] ?? "");
          }
        });
      });
      const clientPort = await echoed;
      await server.waitFor(new RegExp(`client connected: IP address=${CLIENT_ADDRESS}, port=${clientPort}$`));

      // Gone without a word: no FIN, no RST ever reaches the server.
      const t0 = performance.now();
      ip("-n", clientNs, "link", "set", clientLink, "down");
      // 2 s of silence, then ten probes a second apart: about 12 s; the bound leaves room for a loaded machine.
      const line = await server.waitFor(
        /client disconnected: IP address=192\.0\.2\.2/,
        2_000 + 10_000 + 30_000,
      );
      const seconds = (performance.now() - t0) / 1000;
      assert.match(line, new RegExp(`port=${clientPort} .*keepalive`), line);
      console.log(`the dead client was closed ${seconds.toFixed(1)} s after its link went down`);
      assert.deepEqual(
        server.stderr.filter((l) => l.trim() !== ""),
        [],
        "a dead peer is one disconnect line, not an error",
      );
    } finally {
      client?.kill("SIGKILL");
      if (server !== undefined) await stopCli(server);
      // Deleting a namespace deletes its end of the veth pair, and so the pair.
      deleteNamespaces([clientNs, serverNs]);
    }
  },
);

test(
  "keepAlive: accepted connections carry the kernel's keepalive timer; 0 leaves it off",
  { timeout: 20_000 },
  async (t) => {
    const skip = linuxOnly("ss shows the kernel's keepalive timer") || needs("ss", "iproute2");
    if (skip) {
      t.skip(skip);
      return;
    }
    const cert = readFileSync(fixture("localhost.cert.pem"));
    const key = readFileSync(fixture("localhost.key.pem"));
    for (const [keepAlive, expected, secure] of [
      [3000, true, false],
      [0, false, false],
      [3000, true, true],
    ] as const) {
      const tls = secure ? { tls: { cert, key } } : {};
      const server = createEchoServer({ host: "127.0.0.1", port: 0, keepAlive, ...tls });
      const { port } = await server.listen();
      const c = secure
        ? tlsConnect({ host: "127.0.0.1", port, ca: cert, servername: "localhost" })
        : await rawConnect(port);
      c.write("hi");
      await readN(c, 2);
      // The server's end of the connection, as the kernel shows it: `timer:(keepalive,…)` when on,
      // once nothing is in flight (until then the retransmission timer shows, `timer:(on,…)`).
      const show = () =>
        spawnSync("ss", ["-tnoH", "state", "established", `( sport = :${port} )`], { encoding: "utf8" });
      let ss = show();
      for (const end = Date.now() + 10_000; /timer:\(on,/.test(ss.stdout) && Date.now() < end;) {
        await sleep(50);
        ss = show();
      }
      assert.match(ss.stdout, new RegExp(`127\\.0\\.0\\.1:${port}\\s`), ss.stdout);
      assert.equal(/timer:\(keepalive,/.test(ss.stdout), expected, `keepAlive ${keepAlive}: ${ss.stdout}`);
      c.destroy();
      await server.close();
    }
    assert.throws(
      () => createEchoServer({ keepAlive: -1 }),
      (e: unknown) => e instanceof EchoError && e.code === "ERR_INVALID_OPTION",
    );
  },
);
