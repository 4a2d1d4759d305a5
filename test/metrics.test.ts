/** `--metrics`: Prometheus series, /healthz and /readyz, over real sockets. */

import assert from "node:assert/strict";
import { get } from "node:http";
import { test } from "node:test";
import { Registry } from "prom-client";
import { createEchoServer, registerEchoMetrics, serveMetrics } from "tcpecho";
import { rawConnect, readAll, readN, startCliServer, stopCli } from "./helpers.js";

function fetchText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: "127.0.0.1", port, path, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (t: string) => (body += t));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("metrics request timed out")));
    req.on("error", reject);
  });
}

function series(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  assert.ok(line, `no ${name} in:\n${text}`);
  return Number(line.split(" ")[1]);
}

test(
  "series count connections, bytes and refusals; /healthz, and /readyz is 503 while draining",
  { timeout: 15_000 },
  async () => {
    const server = createEchoServer({ host: "127.0.0.1", port: 0, maxConnections: 1 });
    const registry = new Registry();
    registerEchoMetrics(server, registry);
    const { port } = await server.listen();
    const endpoint = await serveMetrics(
      "127.0.0.1",
      0,
      () => registry.metrics(),
      () => !server.draining,
    );
    try {
      const a = await rawConnect(port);
      a.write("12345");
      await readN(a, 5);
      const refused = await rawConnect(port);
      refused.on("error", () => {});
      await readAll(refused).catch(() => Buffer.alloc(0));
      let text = (await fetchText(endpoint.port, "/metrics")).body;
      assert.equal(series(text, "tcpecho_connections_open"), 1);
      assert.equal(series(text, "tcpecho_received_bytes_total"), 5);
      assert.equal(series(text, 'tcpecho_refused_total{reason="max-connections"}'), 1);
      // Counters keep counting across scrapes, never twice.
      a.write("678");
      await readN(a, 3);
      text = (await fetchText(endpoint.port, "/metrics")).body;
      assert.equal(series(text, "tcpecho_received_bytes_total"), 8);
      assert.equal(series(text, "tcpecho_sent_bytes_total"), 8);
      assert.deepEqual(await fetchText(endpoint.port, "/healthz"), { status: 200, body: "ok\n" });
      assert.equal((await fetchText(endpoint.port, "/readyz")).status, 200);
      const closing = server.close({ drainTimeout: 5000 });
      assert.deepEqual(await fetchText(endpoint.port, "/readyz"), { status: 503, body: "draining\n" });
      assert.equal((await fetchText(endpoint.port, "/nowhere")).status, 404);
      a.end();
      await readAll(a);
      await closing;
      text = (await fetchText(endpoint.port, "/metrics")).body;
      assert.equal(series(text, "tcpecho_connections_total"), 1);
      assert.equal(series(text, "tcpecho_connections_open"), 0);
    } finally {
      await endpoint.close();
    }
  },
);

test("CLI --metrics: serves its own series and says where", { timeout: 15_000 }, async () => {
  const srv = await startCliServer(["--metrics", "127.0.0.1:0"]);
  try {
    const line = await srv.waitFor(/metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics/);
    const metricsPort = Number(/:(\d+)\/metrics/.exec(line)?.[1]);
    const s = await rawConnect(srv.port);
    s.end("hello");
    await readAll(s);
    await srv.waitFor(/client disconnected/);
    const text = (await fetchText(metricsPort, "/metrics")).body;
    assert.equal(series(text, "tcpecho_connections_total"), 1);
    assert.equal(series(text, "tcpecho_sent_bytes_total"), 5);
  } finally {
    await stopCli(srv);
  }
});
