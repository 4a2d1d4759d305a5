/**
 * `--proxy-protocol` behind a real HAProxy (Debian's haproxy; .ci/run
 * installs it): the header HAProxy sends (`send-proxy` and `send-proxy-v2`)
 * is read, the client's own address and port are what the server reports,
 * every byte comes back, and HAProxy's TCP health checks are no error.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createEchoServer, type EchoError } from "tcpecho";
import { freePort, needs, randomBytesSeeded, rawConnect, readAll, sleep, waitListening } from "./helpers.js";

for (const [sendProxy, version] of [
  ["send-proxy", "v1"],
  ["send-proxy-v2", "v2"],
] as const) {
  test(
    `behind HAProxy (${sendProxy}): the client's own address and port, every byte back`,
    { timeout: 30_000 },
    async (t) => {
      const skip = needs("haproxy");
      if (skip) return t.skip(skip);
      const server = createEchoServer({ host: "127.0.0.1", port: 0, proxyProtocol: version });
      const { port: backend } = await server.listen();
      const clients: string[] = [];
      const errors: EchoError[] = [];
      server.on("connection", (c) =>
        clients.push(`${c.remoteAddress}:${c.remotePort} via ${c.proxyAddress}`),
      );
      server.on("proxyError", (_p, e) => errors.push(e));
      const frontend = await freePort();
      const dir = mkdtempSync(join(tmpdir(), "tcpecho-haproxy-"));
      const config = join(dir, "haproxy.cfg");
      writeFileSync(
        config,
        [
          "global",
          "  maxconn 100",
          "defaults",
          "  mode tcp",
          "  timeout connect 5s",
          "  timeout client 30s",
          "  timeout server 30s",
          "frontend echo",
          `  bind 127.0.0.1:${frontend}`,
          "  default_backend tcpecho",
          "backend tcpecho",
          // check: HAProxy's TCP health check connects and leaves without a byte, every 200 ms.
          `  server s1 127.0.0.1:${backend} ${sendProxy} check inter 200ms`,
          "",
        ].join("\n"),
      );
      const haproxy = spawn("haproxy", ["-f", config, "-db"], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      haproxy.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
      try {
        await waitListening(frontend);
        await sleep(500); // a few health checks
        const data = randomBytesSeeded(2 * 1024 * 1024, 3);
        const s = await rawConnect(frontend);
        const clientPort = s.localPort;
        const back = readAll(s, 20_000);
        s.end(data);
        const got = await back;
        assert.ok(got.equals(data), "bytes differ through HAProxy");
        assert.ok(
          clients.includes(`127.0.0.1:${clientPort} via 127.0.0.1`),
          `the server saw ${clients.join(", ")}, not the client at port ${clientPort}`,
        );
        assert.deepEqual(errors, [], "health checks must not be errors");
      } finally {
        haproxy.kill("SIGTERM");
        await server.destroy();
        if (haproxy.exitCode === null) await new Promise((r) => haproxy.once("exit", r));
      }
      void stderr;
    },
  );
}
