/**
 * Prometheus metrics for an echo server (`--metrics HOST:PORT`), and the
 * small HTTP endpoint that serves them: `/metrics` (text exposition format),
 * `/healthz` (the process answers) and `/readyz` (not ready while draining).
 * Every series is prefixed `tcpecho_`. Counters are read from the server's
 * own statistics when scraped, so the echo path pays nothing for them.
 *
 * @module
 */

import { AggregatorRegistry, Counter, Gauge, Registry } from "prom-client";
import type { EchoServer } from "./echo-server.js";
import { listenHttp } from "./http-listener.js";
import type { EchoServerStats } from "./echo-server.js";
import type { UdpEchoServer, UdpEchoStats } from "./udp-echo.js";
import type { HttpRoute } from "./faults/control.js";
import { FAULT_KINDS } from "./faults/spec.js";

// prom-client counters only go up by inc(): at each scrape, add what the statistic grew since the last.
function growth(read: () => number): (this: Counter) => void {
  let seen = 0;
  return function () {
    const value = read();
    if (value > seen) this.inc(value - seen);
    seen = Math.max(seen, value);
  };
}

/**
 * Registers tcpecho's series for `server` in `registry` (prom-client's
 * global one by default, which is what cluster aggregation reads).
 *
 * @example
 * ```ts
 * import { Registry } from "prom-client";
 * import { createEchoServer, registerEchoMetrics } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const registry = new Registry();
 * registerEchoMetrics(server, registry);
 * console.log(await registry.metrics()); // tcpecho_connections_open 0 …
 * ```
 */
export function registerEchoMetrics(server: EchoServer, registry: Registry): void {
  const current = () => server.stats();
  const registers = [registry];
  const counter = (name: string, help: string, pick: (s: EchoServerStats) => number) =>
    new Counter({ name, help, registers, collect: growth(() => pick(current())) });
  new Gauge({
    name: "tcpecho_connections_open",
    help: "Connections being served now.",
    registers,
    collect() {
      this.set(current().connectionsOpen);
    },
  });
  new Gauge({
    name: "tcpecho_draining",
    help: "1 while the server drains for shutdown, else 0.",
    registers,
    collect() {
      this.set(server.draining ? 1 : 0);
    },
  });
  counter("tcpecho_connections_total", "Connections accepted and served.", (s) => s.connectionsTotal);
  counter("tcpecho_received_bytes_total", "Bytes received from clients.", (s) => s.bytesIn);
  counter("tcpecho_sent_bytes_total", "Bytes echoed back and handed to the kernel.", (s) => s.bytesOut);
  counter(
    "tcpecho_idle_closed_total",
    "Connections closed by the idle timeout (idleTimeout).",
    (s) => s.idle,
  );
  counter(
    "tcpecho_keepalive_closed_total",
    "Connections closed because the client stopped answering TCP keepalive probes.",
    (s) => s.keepalive,
  );
  counter("tcpecho_cut_off_total", "Connections still open at the drain deadline.", (s) => s.cutOff);
  const refused = new Counter({
    name: "tcpecho_refused_total",
    help: "Clients refused, by reason (max-connections, max-per-ip, denied).",
    labelNames: ["reason"],
    registers,
  });
  for (const reason of ["max-connections", "max-per-ip", "denied"]) refused.inc({ reason }, 0);
  server.on("refused", (r) => refused.inc({ reason: r.reason }));
  const errors = new Counter({
    name: "tcpecho_errors_total",
    help: "Connection errors by kind: reset by the client, other connection errors, TLS handshakes, PROXY headers, accept (out of descriptors).",
    labelNames: ["kind"],
    registers,
  });
  for (const kind of ["reset", "connection", "tls", "proxy", "accept"]) errors.inc({ kind }, 0);
  server.on("disconnect", (d) => {
    if (d.reason === "reset") errors.inc({ kind: "reset" });
  });
  server.on("connectionError", () => errors.inc({ kind: "connection" }));
  server.on("handshakeError", () => errors.inc({ kind: "tls" }));
  server.on("proxyError", () => errors.inc({ kind: "proxy" }));
  server.on("acceptError", () => errors.inc({ kind: "accept" }));
  const faults = new Counter({
    name: "tcpecho_faults_applied_total",
    help: "Faults asked for (--fault) that acted on a connection, by kind: once per connection and kind.",
    labelNames: ["kind"],
    registers,
  });
  for (const kind of FAULT_KINDS) faults.inc({ kind }, 0);
  server.on("fault", (_conn, effect) => faults.inc({ kind: effect.kind }));
}

/**
 * Registers the UDP echo's series (`--udp`) in `registry`.
 *
 * @example
 * ```ts
 * import { Registry } from "prom-client";
 * import { createUdpEchoServer, registerUdpMetrics } from "tcpecho";
 * const registry = new Registry();
 * registerUdpMetrics(createUdpEchoServer({ host: "127.0.0.1", port: 0 }), registry);
 * ```
 */
export function registerUdpMetrics(udp: UdpEchoServer, registry: Registry): void {
  const registers = [registry];
  const grown = (pick: (s: UdpEchoStats) => number) => growth(() => pick(udp.stats()));
  new Counter({
    name: "tcpecho_udp_datagrams_received_total",
    help: "UDP datagrams received.",
    registers,
    collect: grown((s) => s.datagramsIn),
  });
  new Counter({
    name: "tcpecho_udp_datagrams_sent_total",
    help: "UDP datagrams echoed.",
    registers,
    collect: grown((s) => s.datagramsOut),
  });
  const dropped = new Counter({
    name: "tcpecho_udp_dropped_total",
    help: "UDP datagrams dropped, by reason (service-port, rate-limit, denied).",
    labelNames: ["reason"],
    registers,
  });
  for (const reason of ["service-port", "rate-limit", "denied"]) dropped.inc({ reason }, 0);
  udp.on("dropped", (_a, _p, reason) => dropped.inc({ reason }));
}

/** Where the metrics endpoint listens. */
export interface MetricsEndpoint {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `/metrics`, `/healthz` and `/readyz` over HTTP. `text()` produces
 * the exposition (one registry, or a cluster's aggregate); `ready()` says
 * whether the echo server takes new clients. `route` sees each request
 * first (the fault control's `/faults`, see {@link faultControl}; the live
 * page's, when it shares the listener). The listener is hardened against
 * hostile clients (see `http-listener.ts`).
 *
 * @example
 * ```ts
 * import { Registry } from "prom-client";
 * import { serveMetrics } from "tcpecho";
 * const registry = new Registry();
 * const endpoint = await serveMetrics("127.0.0.1", 0, () => registry.metrics(), () => true);
 * console.log(`curl http://127.0.0.1:${endpoint.port}/metrics`);
 * await endpoint.close();
 * ```
 */
export async function serveMetrics(
  host: string,
  port: number,
  text: () => Promise<string>,
  ready: () => boolean,
  route?: HttpRoute,
): Promise<MetricsEndpoint> {
  return listenHttp(
    host,
    port,
    (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (route?.(req, res) === true) return;
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD" }).end();
      } else if (path === "/metrics") {
        text().then(
          (body) => res.writeHead(200, { "content-type": Registry.PROMETHEUS_CONTENT_TYPE }).end(body),
          (err: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`${String(err)}\n`),
        );
      } else if (path === "/healthz") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      } else if (path === "/readyz") {
        const ok = ready();
        res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ready\n" : "draining\n");
      } else {
        res.writeHead(404, { "content-type": "text/plain" }).end("try /metrics, /healthz or /readyz\n");
      }
    },
    { anyHost: ["/metrics", "/healthz", "/readyz"] },
  );
}

/**
 * A registry that sums the metrics of every cluster worker (for `--workers`).
 * Create one in the primary to read them, and one in each worker: that is
 * what makes a worker answer the primary's requests (prom-client installs
 * its listener then).
 */
export function clusterRegistry(): AggregatorRegistry<"text/plain; version=0.0.4; charset=utf-8"> {
  return new AggregatorRegistry();
}
