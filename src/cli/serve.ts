/**
 * `tcpecho serve`: the command, and the run it asks for: the echo server
 * (with metrics, UDP, workers), narrated the way the textbook's server does,
 * one line per event (`serve-narration.ts`), until a stop request ends it
 * (`serve-lifecycle.ts`). Its options are `serve-options.ts`'s, checked as a
 * whole by `serve-checks.ts`; `--workers`' primary is `serve-workers.ts`.
 *
 * @module
 */

import cluster from "node:cluster";
import { setFlagsFromString } from "node:v8";
import type { Command } from "commander";
import { formatEndpoint } from "../net/endpoint.js";
import { listenScope, reachableAddresses } from "../net/interfaces.js";
import { AccessRules } from "../server/access-rules.js";
import type { DataPathName } from "../server/data-path.js";
import { openFileLimit } from "../server/descriptors.js";
import {
  createEchoServer,
  type EchoServer,
  type EchoServerAddress,
  type EchoServerOptions,
  type EchoServerStats,
} from "../server/echo-server.js";
import type { ActivatedSocket } from "../server/socket-activation.js";
import { createUdpEchoServer, type UdpEchoServer, type UdpEchoStats } from "../server/udp-echo.js";
import { onPort, refuseListenArgument } from "./address-options.js";
import { checkServe, type ServePlan } from "./serve-checks.js";
import { startHttp, type HttpListeners } from "./serve-http.js";
import { EXIT, reportFailure, ServeLifecycle, type StopSteps } from "./serve-lifecycle.js";
import { jsonServeLog, textServeLog, WORKER_ID_SPAN, type LogOrigin, type ServeLog } from "./serve-log.js";
import { countServer, countUdp } from "./serve-metrics.js";
import { narrateServer, narrateUdp, type NarrationOptions } from "./serve-narration.js";
import { addServeOptions, settleOptions, type ServeOptions } from "./serve-options.js";
import { reportStats, runPrimary } from "./serve-workers.js";
import { openTerminal, type Terminal } from "./terminal.js";
import { jsonTrace, textTrace, traceServer, type ServerTrace } from "./trace.js";

/** Adds `serve` (alias `server`) to the program. */
export function registerServe(program: Command): void {
  const serveCommand = program
    .command("serve")
    .alias("server")
    .description("run an echo server: every byte a client sends comes back, in order");
  addServeOptions(serveCommand)
    .addHelpText("after", EXAMPLES)
    .allowExcessArguments()
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<ServeOptions>();
      const word = cmd.args[0];
      const run = async () => {
        if (word !== undefined) refuseListenArgument(word);
        settleOptions(opts, cmd);
        await serve(opts);
      };
      await run().catch((err: unknown) =>
        reportFailure(err, opts.logFormat === "json", () => serveLog(opts, openTerminal(opts.lang))),
      );
    });
}

/** `serve --help`'s examples, after the options. */
const EXAMPLES = `
Examples:
  tcpecho serve                          listen on 0.0.0.0:9000, as the lecture notes do
  tcpecho serve -H 127.0.0.1 -p 9001     this machine only, port 9001 (also: -H 127.0.0.1:9001)
  tcpecho serve -H :: --quiet            IPv4 and IPv6, without per-client lines
  tcpecho serve -H :: --ipv6-only --udp  IPv6 clients only, over TCP and UDP
  tcpecho serve --backlog 4096 --drain-timeout 30s --data-lines 0
                                         a busy server: a longer accept queue, 30 s to finish, no data lines
  tcpecho serve --metrics 0.0.0.0:9100 --shutdown-delay 3s
                                         behind a load balancer: on SIGTERM, 3 s of 503 on /readyz before draining
  TCPECHO_PORT=7007 tcpecho serve        port from the environment
  tcpecho serve --log-format json        one JSON object per event, for log collectors
  tcpecho serve --proxy-protocol v2 --proxy-trusted 10.0.0.0/8
                                         behind HAProxy/nginx/an AWS NLB: log the real client
  tcpecho serve --workers auto --metrics 127.0.0.1:9100
                                         one process per CPU; metrics of them all on :9100
  tcpecho serve --tls-cert cert.pem --tls-key key.pem
                                         echo over TLS (try: openssl s_client -connect 127.0.0.1:9000)
  tcpecho serve --lang ko                Korean messages (also with LANG=ko_KR.UTF-8)
  tcpecho serve --encoding cp949         show the Korean of a client built with Visual Studio on Korean Windows
  tcpecho serve --max-connections 1000 --max-per-ip 10 --idle-timeout 5m
                                         a public endpoint that one client cannot hog
  tcpecho serve --allow 10.0.0.0/8 --deny 10.0.0.13
                                         the 10.x network only, except one machine
  tcpecho serve -H 127.0.0.1 --trace --trace-lines 50
                                         each socket call and the TCP state the kernel reports after it
  tcpecho serve --fault slice=1-3:50ms   echo in pieces of 1-3 bytes, 50 ms apart: TCP keeps no message boundaries
  tcpecho serve --fault reset-after=100 --fault delay=200ms@10.0.0.0/8
                                         reset every client after 100 bytes; clients in 10.x also wait 200 ms
  tcpecho serve --metrics 127.0.0.1:9100 --control
                                         change faults while running: curl -X PUT -d '{"faults":["delay=1s"]}' 127.0.0.1:9100/faults
  tcpecho serve --metrics 0.0.0.0:9100 --control --control-token "$TOKEN"
                                         the same from other machines, with: curl -H "Authorization: Bearer $TOKEN" …
  tcpecho serve -H 127.0.0.1 --ui 8080   the live page: open http://127.0.0.1:8080/ in a browser, connect clients, watch
  tcpecho serve --ui 8080 --control --fault delay=200ms
                                         the same, with a panel to change the faults from the page
  tcpecho serve --keepalive 15s          close clients gone without a word (host or link down) within about 25 s
  systemd-socket-activate -l 9000 tcpecho serve
                                         take the listening socket from systemd (LISTEN_FDS) instead of binding

Try it from another terminal: tcpecho client 127.0.0.1 9000`;

/** The log in the chosen format, its events marked with the process they come from under `--workers`. */
function serveLog(opts: ServeOptions, t: Terminal): ServeLog {
  const origin: LogOrigin | undefined = cluster.isWorker
    ? { worker: cluster.worker?.id ?? 0 }
    : opts.workers > 1
      ? { worker: 0, role: "primary" }
      : undefined;
  return opts.logFormat === "json"
    ? jsonServeLog(t.out, t.messages, origin, opts.encoding)
    : textServeLog(t, origin, opts.encoding);
}

async function serve(opts: ServeOptions): Promise<void> {
  const t = openTerminal(opts.lang);
  const log = serveLog(opts, t);
  const plan = checkServe(opts);
  if (opts.workers > 1 && cluster.isPrimary) {
    process.exit(await runPrimary({ workers: opts.workers, metrics: opts.metrics, log }));
  }
  // From here on a stop request is ours: one that comes while starting up waits until the server is up.
  const life = new ServeLifecycle().listenTo(cluster.isWorker ? "orders" : "signals");
  const running = await start(opts, plan, t, log);
  life.up(stopSteps(running, life));
}

/** A server up, and what its stop needs. */
interface Running {
  opts: ServeOptions;
  log: ServeLog;
  server: EchoServer;
  udp: UdpEchoServer | undefined;
  http: HttpListeners;
  trace: ServerTrace | undefined;
  /** A worker's reports of its counts to the primary. */
  reports: NodeJS.Timeout | undefined;
}

/** Starts the server and what goes with it (narration, trace, HTTP, UDP), and says so. */
async function start(opts: ServeOptions, plan: ServePlan, t: Terminal, log: ServeLog): Promise<Running> {
  const worker = cluster.isWorker;
  const server = createEchoServer(serverOptions(opts, plan, worker));
  narrateServer(server, log, narration(opts));
  const sink = opts.logFormat === "json" ? jsonTrace(t.out) : textTrace(t.out, t.lang);
  const trace = opts.trace ? traceServer(server, sink, t.lang, opts.traceLines) : undefined;
  countServer(server, opts.metrics, worker);
  // Under --workers the primary serves the metrics of them all (and --ui is refused).
  const http = await startHttp(server, {
    metrics: worker ? undefined : opts.metrics,
    ui: opts.ui,
    lang: opts.lang === "ko" || opts.lang === "en" ? opts.lang : undefined,
    control: plan.control,
  });
  server.on("close", () => void http.close());

  const address = await server.listen().catch((e: unknown) => {
    throw onPort(e, "--port");
  });
  // socket(), bind() and listen() of a socket systemd passed were not ours to trace.
  if (address.fd === undefined) trace?.listening(address, opts.backlog);
  announce(server, opts, log);
  const udp = opts.udp ? await startUdp(opts, address, log) : undefined;
  countUdp(udp, opts.metrics);
  http.logStart(log);
  if (server.faults().length > 0) log.faults(server.faults(), false);
  steadyIdleMemory(server.dataPath);
  // For developers and tests: which data path this process's server took (under --workers, each worker's).
  if (process.env.TCPECHO_DEBUG) console.error(`[debug] pid ${process.pid}: data path ${server.dataPath}`);
  // The primary sums the workers' counts; one that dies counts as of its last report.
  const reports = worker
    ? setInterval(() => void reportStats(server.stats(), udp?.stats()), 1000).unref()
    : undefined;
  return { opts, log, server, udp, http, trace, reports };
}

/** The echo server the options ask for. */
function serverOptions(opts: ServeOptions, plan: ServePlan, worker: boolean): EchoServerOptions {
  return {
    // Under --workers each worker counts in its own range, so that ids stay unique across them all.
    ...(worker ? { firstConnectionId: (cluster.worker?.id ?? 0) * WORKER_ID_SPAN + 1 } : {}),
    ...(plan.tls ? { tls: plan.tls } : {}),
    ...listenOn(opts, plan.activated),
    backlog: opts.backlog,
    drainTimeout: opts.drainTimeout,
    shutdownDelay: opts.shutdownDelay,
    maxConnections: opts.maxConnections,
    maxPerIp: opts.maxPerIp,
    idleTimeout: opts.idleTimeout,
    keepAlive: opts.keepalive,
    allow: opts.allow ?? [],
    deny: opts.deny ?? [],
    ...(opts.proxyProtocol === undefined ? {} : { proxyProtocol: opts.proxyProtocol }),
    ...(opts.proxyTrusted === undefined ? {} : { proxyTrusted: opts.proxyTrusted }),
    faults: opts.fault ?? [],
    textEncoding: opts.encoding,
  };
}

/**
 * The start lines: each listening socket and where clients reach it; then
 * too few descriptors for the clients that may come, and a wildcard that
 * only loopback reaches.
 */
function announce(server: EchoServer, opts: ServeOptions, log: ServeLog): void {
  let external = false;
  const addresses = server.addresses();
  // `::` takes IPv6 only with --ipv6-only, or when systemd passed 0.0.0.0 on the same port too.
  const v6only = (a: EchoServerAddress) =>
    opts.ipv6Only === true || addresses.some((b) => b.host === "0.0.0.0" && b.port === a.port);
  for (const a of addresses) external = logStart(a, v6only(a), opts, log) || external;
  const files = openFileLimit();
  if (files !== undefined && files.soft < (opts.maxConnections > 0 ? opts.maxConnections : 1024)) {
    log.fewDescriptors(files.soft, opts.maxConnections);
  }
  if (!opts.quiet && external) log.noExternalInterface();
}

/**
 * Steady idle memory (docs/performance.md): many long-lived connections make
 * V8 grow its young generation for good; the handle path allocates nothing
 * per read, so a fixed one costs it nothing. The flag is process-wide, so
 * the command sets it, never the library.
 */
function steadyIdleMemory(dataPath: DataPathName | undefined): void {
  if (dataPath === "handles") setFlagsFromString("--semi-space-growth-factor=1");
}

/**
 * What a running server does on the first stop request (drain) and the
 * second (force); once drained, the summary and exit 0.
 */
function stopSteps(running: Running, life: ServeLifecycle): StopSteps {
  const { opts, log, server, udp } = running;
  return {
    drain: () => {
      // With a delay the drain (and its line) begins when the listener closes; without, at once.
      if (opts.shutdownDelay > 0) log.notReady(opts.shutdownDelay, opts.drainTimeout);
      // UDP echoes on through the delay too. (A second request during the delay ends it as well,
      // and says so itself.)
      const udpClosed = new Promise<UdpEchoStats | undefined>((resolve) =>
        server.once("draining", (open) => {
          if (life.state === "draining") log.shutdown(open, opts.drainTimeout);
          resolve(udp?.close());
        }),
      );
      void Promise.all([server.close(), udpClosed]).then(([stats, udpStats]) =>
        stopped(running, stats, udpStats),
      );
    },
    force: () => {
      log.forcing(server.connectionCount);
      void server.destroy();
    },
  };
}

/** The end of a drained run: the last trace lines, the summary (to the primary too), exit 0. */
async function stopped(running: Running, stats: EchoServerStats, udpStats: UdpEchoStats | undefined) {
  const { log, http, trace, reports } = running;
  // Without /proc, trace lines wait for the system tool's reading: written before the summary.
  await trace?.drained(TRACE_DRAIN_MS);
  log.stopped(stats);
  if (udpStats !== undefined) log.udpStopped(udpStats);
  clearInterval(reports);
  if (cluster.isWorker) await reportStats(stats, udpStats);
  await http.close();
  process.exit(EXIT.stopped);
}

/**
 * How long the stop waits for trace lines still waiting for the system
 * tool's table reading: one netstat reading, most of a PowerShell one (each
 * tool is bounded by its own timeout too).
 */
const TRACE_DRAIN_MS = 5000;

/** Where the server listens: the sockets systemd passed, or the address to bind. */
function listenOn(opts: ServeOptions, activated: ActivatedSocket[]): EchoServerOptions {
  if (activated.length > 0) return { fds: activated.map((s) => s.fd) };
  return { host: opts.host, port: opts.port, ipv6Only: opts.ipv6Only ?? false };
}

/**
 * The start line of one listening socket and where clients reach it; true
 * when it listens on every interface but only loopback reaches it.
 */
function logStart(address: EchoServerAddress, v6only: boolean, opts: ServeOptions, log: ServeLog): boolean {
  const wide = listenScope(address.host);
  const scope = wide === "all" && v6only ? "all-ipv6" : wide;
  const reach = opts.quiet
    ? []
    : reachableAddresses(address.host)
        .filter((a) => scope !== "all-ipv6" || a.family === "IPv6")
        .map((a) => ({
          endpoint: formatEndpoint(a.address, address.port),
          via: a.loopback ? null : a.interface,
          loopback: a.loopback,
        }));
  log.start(address, scope, opts.backlog, reach);
  return scope !== "one" && scope !== "loopback" && reach.every((a) => a.loopback);
}

/** What the narration of events takes from the command line. */
function narration(opts: ServeOptions): NarrationOptions {
  return {
    quiet: opts.quiet ?? false,
    dataLines: opts.dataLines,
    limits: { "max-connections": opts.maxConnections, "max-per-ip": opts.maxPerIp, denied: 0 },
  };
}

/**
 * `--udp`: the UDP echo on the TCP listener's port, under the same access
 * rules; with sockets from systemd, on the first one's address and port.
 */
async function startUdp(opts: ServeOptions, tcp: EchoServerAddress, log: ServeLog): Promise<UdpEchoServer> {
  const rules = new AccessRules(opts.allow ?? [], opts.deny ?? []);
  const udp = createUdpEchoServer({
    host: tcp.fd === undefined ? opts.host : tcp.host,
    port: tcp.port,
    ipv6Only: opts.ipv6Only ?? false,
    ...(rules.empty ? {} : { permits: (a: string) => rules.permits(a) }),
  });
  const at = await udp.listen().catch((e: unknown) => {
    throw onPort(e, "--udp");
  });
  log.udpStart(formatEndpoint(at.host, at.port));
  narrateUdp(udp, log, narration(opts));
  return udp;
}
