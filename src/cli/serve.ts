/**
 * `tcpecho serve`: its options, and the run they ask for: the echo server
 * (with metrics, UDP, workers), narrated the way the textbook's server does,
 * one line per event (`serve-narration.ts`), until a signal stops it.
 *
 * @module
 */

import cluster from "node:cluster";
import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { createSecureContext } from "node:tls";
import { setFlagsFromString } from "node:v8";
import { register } from "prom-client";
import { clusterRegistry, registerEchoMetrics, registerUdpMetrics } from "../server/metrics.js";
import { AccessRules } from "../server/access-rules.js";
import { createUdpEchoServer, type UdpEchoServer, type UdpEchoStats } from "../server/udp-echo.js";
import { onPort, reportStats, runPrimary, STOP_SIGNALS, takeStopOrders } from "./serve-workers.js";
import { Option, type Command } from "commander";
import { DEFAULT_KEEPALIVE_MS } from "../net/defaults.js";
import { EchoError, type PemReason } from "../net/echo-error.js";
import { parseAddress, parsePort, type AddressParts } from "../net/address.js";
import { parseCidr } from "../net/cidr.js";
import { formatEndpoint } from "../net/endpoint.js";
import { listenScope, reachableAddresses } from "../net/interfaces.js";
import { createEchoServer, type EchoServerAddress, type EchoServerOptions } from "../server/echo-server.js";
import { listenFds, type ActivatedSocket } from "../server/socket-activation.js";
import { MAX_BACKLOG } from "../net/backlog.js";
import {
  DEFAULT_TEXT_ENCODING,
  MAX_KEEPALIVE_MS,
  parseCount,
  parseDuration,
  parseTextEncoding,
} from "../net/options.js";
import type { TextEncoding } from "../net/text-encoding.js";
import type { FaultControlOptions } from "../server/faults/control.js";
import { parseFault } from "../server/faults/spec.js";
import { listenPort, named, refuseListenArgument, sameListenAddress } from "./address-options.js";
import { narrateServer, narrateUdp, type NarrationOptions } from "./serve-narration.js";
import {
  failureMessage,
  jsonServeLog,
  ReportedFailure,
  textServeLog,
  WORKER_ID_SPAN,
  type LogFormat,
  type LogOrigin,
  type ServeLog,
} from "./serve-log.js";
import { openTerminal, type Terminal } from "./terminal.js";
import { readPemFile } from "./connection-options.js";
import { openFileLimit } from "../server/descriptors.js";
import { jsonTrace, textTrace, traceServer } from "./trace.js";
import { parseUiAddress, startHttp, type ListenAddress } from "./serve-http.js";

interface ServeOptions {
  host: string;
  port: number;
  backlog: number;
  ipv6Only?: boolean;
  drainTimeout: number;
  shutdownDelay: number;
  quiet?: boolean;
  dataLines: number;
  maxConnections: number;
  maxPerIp: number;
  idleTimeout: number;
  keepalive: number;
  allow: string[];
  deny: string[];
  logFormat: LogFormat;
  encoding: TextEncoding;
  tlsCert?: string;
  tlsKey?: string;
  metrics?: ListenAddress;
  ui?: ListenAddress;
  workers: number;
  udp?: boolean;
  proxyProtocol?: "v1" | "v2" | "any";
  proxyTrusted?: string[];
  lang?: string;
  trace?: boolean;
  traceLines: number;
  fault?: string[];
  control?: boolean;
  controlToken?: string;
  /** The options of binding given on the command line or in the environment, not left at their defaults. */
  bindGiven: string[];
  /** `--control-token` typed on the command line (not only set in the environment). */
  controlTokenGiven: boolean;
}

/** `HOST:PORT` or `[IPv6]:PORT` where something will listen (port 0: any free one). */
function parseListenAddress(value: string, option: string): { host: string; port: number } {
  const { host, port } = named(option, () => parseAddress(value, 0));
  if (host === undefined || port === undefined)
    throw new EchoError("ERR_INVALID_OPTION", { value, reason: { kind: "host-port", flag: option } });
  return { host, port };
}

function parseWorkers(value: string): number {
  if (value.trim() === "auto") return availableParallelism();
  return parseCount(value, "--workers", 1, 1024);
}

/** Collects a repeatable option's values, checking each as it comes. */
function collectCidr(option: string) {
  return (value: string, previous: string[] = []) => {
    parseCidr(value, option);
    return [...previous, value];
  };
}

/** Collects `--fault`, parsing each as it comes (a bad one is a usage error naming it). */
function collectFault(value: string, previous: string[] = []): string[] {
  return [...previous, parseFault(value, "--fault").text];
}

/** Adds `serve` (alias `server`) to the program. */
export function registerServe(program: Command): void {
  program
    .command("serve")
    .alias("server")
    .description("run an echo server: every byte a client sends comes back, in order")
    .addOption(
      new Option(
        "-H, --host <address>",
        "address to listen on: 0.0.0.0 every IPv4 interface, :: IPv4 and IPv6, 127.0.0.1 this machine only; with a port, HOST:PORT sets --port too",
      )
        .env("TCPECHO_HOST")
        .default({ host: "0.0.0.0", port: undefined }, "0.0.0.0")
        .argParser((v) => named("--host", () => parseAddress(v, 0))),
    )
    .addOption(
      new Option("-p, --port <port>", "port to listen on (0: any free port; below 1024 needs root)")
        .env("TCPECHO_PORT")
        .default(9000)
        .argParser((v) => named("--port", () => parsePort(v, 0))),
    )
    .addOption(
      new Option(
        "--backlog <n>",
        "length of the accept queue (listen's backlog; the kernel caps it at SOMAXCONN)",
      )
        .default(511)
        .argParser((v) => parseCount(v, "--backlog", 1, MAX_BACKLOG)),
    )
    .option("--ipv6-only", "with an IPv6 --host such as ::, accept IPv6 clients only")
    .addOption(
      new Option("--drain-timeout <duration>", "on SIGINT/SIGTERM, how long open connections may finish")
        .default(10_000, "10s")
        .argParser((v) => parseDuration(v, "--drain-timeout")),
    )
    .addOption(
      new Option(
        "--shutdown-delay <duration>",
        "on SIGINT/SIGTERM, first say not ready (/readyz 503) but go on accepting for this long, so that a load balancer stops sending clients; then drain (0: drain at once)",
      )
        .default(0, "0")
        .argParser((v) => parseDuration(v, "--shutdown-delay")),
    )
    .option("-q, --quiet", "print only the start, errors and the shutdown summary")
    .addOption(
      new Option(
        "--log-format <format>",
        "text: the textbook's lines; json: one JSON object per line per event, failures included",
      )
        .choices(["text", "json"])
        .default("text"),
    )
    .addOption(
      new Option(
        "--encoding <name>",
        "read clients' bytes as utf-8 or cp949 (Korean Windows, the textbook's Visual Studio program) in data lines, --trace and --ui; the echo never changes a byte",
      )
        .default(DEFAULT_TEXT_ENCODING)
        .argParser((v) => parseTextEncoding(v, "--encoding")),
    )
    .addOption(
      new Option("--data-lines <n>", "at most this many received-data lines a second (0: none)")
        .default(20)
        .argParser((v) => parseCount(v, "--data-lines", 0)),
    )
    .addOption(
      new Option(
        "--max-connections <n>",
        "serve at most this many clients at once; more are refused (0: no limit)",
      )
        .default(0)
        .argParser((v) => parseCount(v, "--max-connections", 0)),
    )
    .addOption(
      new Option("--max-per-ip <n>", "serve at most this many clients from one address at once (0: no limit)")
        .default(0)
        .argParser((v) => parseCount(v, "--max-per-ip", 0)),
    )
    .addOption(
      new Option(
        "--idle-timeout <duration>",
        "close a connection whose client sent nothing for this long (0: never)",
      )
        .default(0, "0")
        .argParser((v) => parseDuration(v, "--idle-timeout")),
    )
    .addOption(
      new Option(
        "--keepalive <duration>",
        "TCP keepalive: probe a client silent this long, close it (reason keepalive) after 10 unanswered probes a second apart; 0 turns it off",
      )
        .default(DEFAULT_KEEPALIVE_MS, "60s")
        .argParser((v) => parseDuration(v, "--keepalive", MAX_KEEPALIVE_MS)),
    )
    .addOption(
      new Option(
        "--allow <cidr>",
        "serve only clients in this range (repeatable; IPv4 or IPv6, e.g. 10.0.0.0/8, ::1)",
      ).argParser(collectCidr("--allow")),
    )
    .addOption(
      new Option(
        "--deny <cidr>",
        "refuse clients in this range (repeatable; deny wins over allow)",
      ).argParser(collectCidr("--deny")),
    )
    .addOption(
      new Option(
        "--metrics <host:port>",
        "serve Prometheus metrics at http://HOST:PORT/metrics, with /healthz and /readyz",
      ).argParser((v) => parseListenAddress(v, "--metrics")),
    )
    .addOption(
      new Option(
        "--ui <[host:]port>",
        "serve the live page at http://HOST:PORT/: the listening socket, each communication socket with its TCP state, a connection's socket calls as they happen (a bare port: 127.0.0.1; the same address as --metrics shares its listener; not with --workers)",
      ).argParser(parseUiAddress),
    )
    .addOption(
      new Option("--workers <n|auto>", "run N processes sharing the port (auto: one per CPU)")
        .default(1)
        .argParser(parseWorkers),
    )
    .addOption(
      new Option(
        "--proxy-protocol <version>",
        "expect HAProxy's PROXY header first (from a load balancer): its client address is the one logged, limited and checked",
      ).choices(["v1", "v2", "any"]),
    )
    .addOption(
      new Option(
        "--proxy-trusted <cidr>",
        "only these peers may send PROXY headers (repeatable); others are served directly, and a header from them is refused",
      ).argParser(collectCidr("--proxy-trusted")),
    )
    .option(
      "--udp",
      "also echo UDP datagrams on the same port (rate-limited per sender; none to service ports such as 7 and 19)",
    )
    .option(
      "--trace",
      "show each socket call (socket, bind, listen, accept, recv, send, shutdown, close) with its descriptor and the TCP state the kernel reports",
    )
    .addOption(
      new Option(
        "--trace-lines <n>",
        "at most this many trace lines a second (each reads the kernel's socket table, which is long on a busy server)",
      )
        .default(20)
        .argParser((v) => parseCount(v, "--trace-lines", 1)),
    )
    .addOption(
      new Option(
        "--fault <spec>",
        "misbehave on purpose: KIND[=VALUE][@CIDR][%PERCENT], e.g. delay=200ms, slice=1-3:50ms, reset-after=1KiB (repeatable; kinds: hold, reset-after, close-after, stall-after, corrupt, delay, slice, bandwidth, slow-close)",
      ).argParser(collectFault),
    )
    .option(
      "--control",
      "let the faults change while running: GET, PUT and DELETE /faults on the --ui or --metrics listener (and the live page's panel)",
    )
    .addOption(
      new Option(
        "--control-token <token>",
        "with --control: ask for Authorization: Bearer TOKEN (needed when --ui or --metrics listens beyond loopback)",
      ).env("TCPECHO_CONTROL_TOKEN"),
    )
    .option("--tls-cert <file>", "echo over TLS: the certificate chain (PEM); needs --tls-key")
    .option("--tls-key <file>", "the certificate's private key (PEM)")
    .addHelpText(
      "after",
      `
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

Try it from another terminal: tcpecho client 127.0.0.1 9000`,
    )
    .allowExcessArguments()
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<ServeOptions>();
      const word = cmd.args[0];
      const run = async () => {
        if (word !== undefined) refuseListenArgument(word);
        Object.assign(opts, listenAddress(opts, cmd));
        opts.bindGiven = ["host", "port", "ipv6Only"].filter((o) =>
          ["cli", "env"].includes(cmd.getOptionValueSource(o) ?? ""),
        );
        opts.controlTokenGiven = cmd.getOptionValueSource("controlToken") === "cli";
        await serve(opts);
      };
      await run().catch((err: unknown) => reportFailure(err, opts));
    });
}

/** The host and port to listen on, from `-H` (which may carry a port) and `-p`. */
function listenAddress(opts: ServeOptions, cmd: Command): { host: string; port: number } {
  const parts = opts.host as unknown as AddressParts;
  const host = parts.host ?? "0.0.0.0";
  const port = listenPort(parts, opts.port, {
    host: cmd.getOptionValueSource("host"),
    port: cmd.getOptionValueSource("port"),
  });
  return { host, port };
}

/** `--ipv6-only` on an IPv4 address (the default 0.0.0.0 included) would accept nobody it means to. */
function checkIpv6Only(opts: ServeOptions): void {
  if (opts.ipv6Only && isIP(opts.host) === 4)
    throw new EchoError("ERR_INVALID_OPTION", { value: opts.host, option: "--ipv6-only", expect: "ipv6" });
}

/** `--metrics` or `--ui` on the echo port itself: it would take the port first, and the echo would find it in use. */
function checkHttpPorts(opts: ServeOptions): void {
  for (const [option, m] of [
    ["--metrics", opts.metrics],
    ["--ui", opts.ui],
  ] as const) {
    if (m === undefined || m.port === 0 || m.port !== opts.port) continue;
    if (!sameListenAddress(opts.host, m.host, opts.ipv6Only ?? false)) continue;
    throw new EchoError("ERR_INVALID_OPTION", {
      value: formatEndpoint(m.host, m.port),
      option,
      expect: "same-port",
      detail: formatEndpoint(opts.host, opts.port),
    });
  }
}

/** `--ui` with `--workers`: the page watches one process's sockets, and each worker has its own. */
function checkUiWorkers(opts: ServeOptions): void {
  if (opts.ui !== undefined && opts.workers > 1)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: formatEndpoint(opts.ui.host, opts.ui.port),
      option: "--ui",
      expect: "ui-workers",
    });
}

/** `--udp` with `--workers` on Windows: Node's cluster cannot share a UDP socket there (ENOTSUP). */
function checkUdpWorkers(opts: ServeOptions): void {
  if (opts.udp === true && opts.workers > 1 && process.platform === "win32")
    throw new EchoError("ERR_INVALID_OPTION", {
      value: String(opts.workers),
      option: "--udp",
      expect: "udp-workers",
    });
}

/** The log in the chosen format, its events marked with the process they come from under `--workers`. */
function serveLog(opts: ServeOptions, t: Terminal): ServeLog {
  const origin: LogOrigin | undefined = cluster.isWorker
    ? { worker: cluster.worker?.id ?? 0 }
    : opts.workers > 1
      ? { worker: 0, role: "primary" }
      : undefined;
  return opts.logFormat === "json"
    ? jsonServeLog(t.out, t.m, origin, opts.encoding)
    : textServeLog(t, origin, opts.encoding);
}

/**
 * Reports a failure that ends `serve` in the chosen format: a worker hands it
 * to the primary, which reports it once for all; a JSON log gets one `error`
 * event. Text from a single process is left to the command's usual error line.
 */
async function reportFailure(err: unknown, opts: ServeOptions): Promise<never> {
  const exitCode = err instanceof EchoError && err.isUsageError ? 2 : 1;
  const send = process.send?.bind(process);
  const toPrimary = cluster.isWorker && send !== undefined;
  if (!toPrimary && opts.logFormat !== "json") throw err;
  if (process.env.TCPECHO_DEBUG) console.error(err);
  if (toPrimary) {
    await new Promise<void>((resolve) => send(failureMessage(err, exitCode), undefined, {}, () => resolve()));
    throw new ReportedFailure(exitCode);
  }
  serveLog(opts, openTerminal(opts.lang)).failed(err, exitCode);
  throw new ReportedFailure(exitCode);
}

// OpenSSL's reasons that mean the wrong file was given, by option: what we say instead.
const TLS_REASONS: Record<string, Record<string, PemReason>> = {
  "--tls-cert": { "no start line": { kind: "no-certificate" } },
  "--tls-key": {
    "no start line": { kind: "no-private-key" },
    unsupported: { kind: "no-private-key" },
    "key values mismatch": { kind: "key-mismatch" },
  },
};

/**
 * Tries the certificate and key as TLS will use them, so that a bad one is a
 * usage error naming its option and file, in plain words where OpenSSL's
 * reason is a known one, else in that short reason ("bad base64 decode"),
 * never OpenSSL's whole error string.
 */
function checkTlsFiles(pem: { cert: Buffer; key: Buffer }, certFile: string, keyFile: string) {
  const attempts: [Parameters<typeof createSecureContext>[0], string, string][] = [
    [{ cert: pem.cert }, "--tls-cert", certFile],
    [{ key: pem.key }, "--tls-key", keyFile],
    [pem, "--tls-key", keyFile],
  ];
  for (const [options, option, value] of attempts) {
    try {
      createSecureContext(options);
    } catch (err) {
      const e = err as { reason?: unknown; message?: unknown };
      const detail =
        typeof e.reason === "string" ? e.reason : String(e.message).replace(/^error:[^:]*:[^:]*::/, "");
      const reason = TLS_REASONS[option]?.[detail];
      throw new EchoError("ERR_INVALID_OPTION", {
        value,
        option,
        expect: "pem",
        ...(reason === undefined ? { detail } : { reason }),
      });
    }
  }
  return pem;
}

/**
 * Socket activation: the listening sockets systemd passed (taken from the
 * environment, so that children do not inherit them), and what the command
 * line cannot ask with them: an address to bind, or several processes.
 */
function activatedSockets(opts: ServeOptions): ActivatedSocket[] {
  const sockets = listenFds();
  if (sockets.length === 0) return sockets;
  const flags: Record<string, string> = { host: "--host", port: "--port", ipv6Only: "--ipv6-only" };
  const given = opts.bindGiven[0];
  if (given !== undefined) {
    const value = String(opts[given as keyof ServeOptions]);
    throw new EchoError("ERR_INVALID_OPTION", {
      value,
      option: flags[given] ?? given,
      expect: "socket-activation",
    });
  }
  if (opts.workers > 1) {
    throw new EchoError("ERR_INVALID_OPTION", {
      value: String(opts.workers),
      option: "--workers",
      expect: "socket-activation",
    });
  }
  return sockets;
}

/**
 * `--control` and its token: the control needs an HTTP listener (`--ui` or
 * `--metrics`), and one reachable beyond this machine needs a token (anyone
 * who reaches it could otherwise make the server reset every client).
 */
function controlOptions(opts: ServeOptions): FaultControlOptions {
  const token = opts.controlToken === "" ? undefined : opts.controlToken;
  if (opts.control !== true) {
    // A token typed for a control that is off protects nothing: a mistake worth saying (the
    // environment variable may be set for every run, so it alone is no mistake).
    if (opts.controlTokenGiven)
      throw new EchoError("ERR_INVALID_OPTION", {
        option: "--control",
        needs: "--control-token",
        expect: "missing",
      });
    return { enabled: false };
  }
  if (opts.metrics === undefined && opts.ui === undefined)
    throw new EchoError("ERR_INVALID_OPTION", { option: "--control", expect: "control-listener" });
  // Under --workers the primary serves the HTTP listener, and each worker its own faults.
  if (opts.workers > 1)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: String(opts.workers),
      option: "--control",
      expect: "control-workers",
    });
  for (const [option, at] of [
    ["--ui", opts.ui],
    ["--metrics", opts.metrics],
  ] as const) {
    const loopback = at === undefined || listenScope(at.host) === "loopback" || at.host === "localhost";
    if (token === undefined && !loopback)
      throw new EchoError("ERR_INVALID_OPTION", {
        value: formatEndpoint(at.host, at.port),
        option: "--control",
        expect: "control-token",
        detail: option,
      });
  }
  return { enabled: true, token };
}

async function serve(opts: ServeOptions): Promise<void> {
  const t = openTerminal(opts.lang);
  const log = serveLog(opts, t);
  const activated = activatedSockets(opts);
  if (activated.length === 0) {
    checkIpv6Only(opts);
    checkHttpPorts(opts);
  }
  checkUiWorkers(opts);
  checkUdpWorkers(opts);
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
    const keyMissing = opts.tlsKey === undefined;
    throw new EchoError("ERR_INVALID_OPTION", {
      option: keyMissing ? "--tls-key" : "--tls-cert",
      needs: keyMissing ? "--tls-cert" : "--tls-key",
      expect: "missing",
      reason: { kind: keyMissing ? "needs-private-key" : "needs-certificate" },
    });
  }
  // Read before forking too, so that a bad file is one usage error rather than one per worker.
  const tls =
    opts.tlsCert !== undefined && opts.tlsKey !== undefined
      ? checkTlsFiles(
          { cert: readPemFile(opts.tlsCert, "--tls-cert"), key: readPemFile(opts.tlsKey, "--tls-key") },
          opts.tlsCert,
          opts.tlsKey,
        )
      : undefined;
  const control = controlOptions(opts);
  if (opts.workers > 1 && cluster.isPrimary) {
    process.exit(await runPrimary({ workers: opts.workers, metrics: opts.metrics, log }));
  }
  const worker = cluster.isWorker;
  // From here on a signal is ours: one that comes while starting up is held until the server is up,
  // rather than left to the default action (killed at once, without a line or a drain).
  let held = 0;
  let onSignal = () => void held++;
  const relay = () => onSignal();
  // A worker takes its orders from the primary, over the cluster channel (serve-workers.ts says why).
  // A signal to the whole group reaches it too: the primary counts that one, so the worker ignores it.
  for (const signal of STOP_SIGNALS) process.on(signal, worker ? () => {} : relay);
  if (worker) takeStopOrders(relay);
  const server = createEchoServer({
    // Under --workers each worker counts in its own range, so that ids stay unique across them all.
    ...(worker ? { firstConnectionId: (cluster.worker?.id ?? 0) * WORKER_ID_SPAN + 1 } : {}),
    ...(tls ? { tls } : {}),
    ...listenOn(opts, activated),
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
  });

  narrateServer(server, log, narration(opts));
  const sink = opts.logFormat === "json" ? jsonTrace(t.out) : textTrace(t.out, t.lang);
  const trace = opts.trace ? traceServer(server, sink, t.lang, opts.traceLines) : undefined;

  // A worker's metrics are summed by the primary, which serves them; a single process serves its own.
  if (opts.metrics !== undefined) {
    registerEchoMetrics(server, register);
    if (worker) clusterRegistry();
  }
  // Under --workers the primary serves the metrics of them all (and --ui is refused).
  const http = await startHttp(server, {
    metrics: worker ? undefined : opts.metrics,
    ui: opts.ui,
    lang: opts.lang === "ko" || opts.lang === "en" ? opts.lang : undefined,
    control,
  });
  server.on("close", () => void http.close());

  const address = await server.listen().catch((e: unknown) => {
    throw onPort(e, "--port");
  });
  // socket(), bind() and listen() of a socket systemd passed were not ours to trace.
  if (address.fd === undefined) trace?.listening(address, opts.backlog);
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
  const udp = opts.udp ? await startUdp(opts, address, log) : undefined;
  if (udp !== undefined && opts.metrics !== undefined) registerUdpMetrics(udp, register);
  http.logStart(log);
  if (server.faults().length > 0) log.faults(server.faults(), false);
  // Steady idle memory (docs/performance.md): many long-lived connections make V8 grow its young
  // generation for good; the handle path allocates nothing per read, so a fixed one costs it nothing.
  // Process-wide, so the command sets it, never the library.
  if (server.dataPath === "handles") setFlagsFromString("--semi-space-growth-factor=1");
  // For developers and tests: which data path this process's server took (under --workers, each worker's).
  if (process.env.TCPECHO_DEBUG) console.error(`[debug] pid ${process.pid}: data path ${server.dataPath}`);
  // The primary sums the workers' counts; one that dies counts as of its last report.
  const reports = worker
    ? setInterval(() => void reportStats(server.stats(), udp?.stats()), 1000).unref()
    : undefined;

  let signals = 0;
  onSignal = () => {
    signals++;
    if (signals === 1) {
      // With a delay the drain (and its line) begins when the listener closes; without, at once.
      if (opts.shutdownDelay > 0) log.notReady(opts.shutdownDelay, opts.drainTimeout);
      // UDP echoes on through the delay too. (A second signal during the delay ends it as well,
      // and says so itself.)
      const udpClosed = new Promise<UdpEchoStats | undefined>((resolve) =>
        server.once("draining", (open) => {
          if (signals === 1) log.shutdown(open, opts.drainTimeout);
          resolve(udp?.close());
        }),
      );
      void Promise.all([server.close(), udpClosed]).then(async ([stats, udpStats]) => {
        // Without /proc, trace lines wait for the system tool's reading: written before the summary.
        await trace?.drained(TRACE_DRAIN_MS);
        log.stopped(stats);
        if (udpStats !== undefined) log.udpStopped(udpStats);
        clearInterval(reports);
        if (worker) await reportStats(stats, udpStats);
        await http.close();
        process.exit(0);
      });
    } else if (signals === 2) {
      log.forcing(server.connectionCount);
      void server.destroy();
    }
  };
  for (; held > 0; held--) onSignal();
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
