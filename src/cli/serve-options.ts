/**
 * `tcpecho serve`'s options, declared per concern (where it listens, how it
 * stops, what it prints, its limits, its HTTP listeners, how it is deployed,
 * `--trace`, faults, TLS), and what the action settles once commander has
 * parsed them. `--help` lists options in the order they are added, so the
 * groups follow the order people know.
 *
 * @module
 */

import { availableParallelism } from "node:os";
import { Option, type Command } from "commander";
import { EchoError } from "../net/echo-error.js";
import { parseAddress, parsePort, type AddressParts } from "../net/address.js";
import { DEFAULT_KEEPALIVE_MS, DEFAULT_PORT, SERVER_DEFAULTS } from "../net/defaults.js";
import { MAX_BACKLOG } from "../net/backlog.js";
import { parseCidr } from "../net/cidr.js";
import {
  DEFAULT_TEXT_ENCODING,
  MAX_KEEPALIVE_MS,
  parseCount,
  parseDuration,
  parseTextEncoding,
} from "../net/options.js";
import type { TextEncoding } from "../net/text-encoding.js";
import { parseFault } from "../server/faults/spec.js";
import { listenPort, named } from "./address-options.js";
import { parseUiAddress, type ListenAddress } from "./serve-http.js";
import type { LogFormat } from "./serve-log.js";
import { addTlsOptions } from "./serve-tls.js";

/** What `serve`'s action gets, once {@link settleOptions} has run. */
export interface ServeOptions {
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

/** Adds every option of `serve`, group by group. */
export function addServeOptions(cmd: Command): Command {
  const groups = [
    listenOptions,
    stopOptions,
    outputOptions,
    limitOptions,
    httpOptions,
    deploymentOptions,
    traceOptions,
    faultOptions,
    addTlsOptions,
  ];
  return groups.reduce((c, add) => add(c), cmd);
}

/** Where it listens: `-H` (a port in it too), `-p`, the accept queue, `--ipv6-only`. */
function listenOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "-H, --host <address>",
        "address to listen on: 0.0.0.0 every IPv4 interface, :: IPv4 and IPv6, 127.0.0.1 this machine only; with a port, HOST:PORT sets --port too",
      )
        .env("TCPECHO_HOST")
        .default({ host: SERVER_DEFAULTS.host, port: undefined }, SERVER_DEFAULTS.host)
        .argParser((v) => named("--host", () => parseAddress(v, 0))),
    )
    .addOption(
      new Option("-p, --port <port>", "port to listen on (0: any free port; below 1024 needs root)")
        .env("TCPECHO_PORT")
        .default(DEFAULT_PORT)
        .argParser((v) => named("--port", () => parsePort(v, 0))),
    )
    .addOption(
      new Option(
        "--backlog <n>",
        "length of the accept queue (listen's backlog; the kernel caps it at SOMAXCONN)",
      )
        .default(SERVER_DEFAULTS.backlog)
        .argParser((v) => parseCount(v, "--backlog", 1, MAX_BACKLOG)),
    )
    .option("--ipv6-only", "with an IPv6 --host such as ::, accept IPv6 clients only");
}

/** How it stops on SIGINT/SIGTERM: the drain, and the not-ready time before it. */
function stopOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--drain-timeout <duration>", "on SIGINT/SIGTERM, how long open connections may finish")
        .default(SERVER_DEFAULTS.drainTimeoutMs, "10s")
        .argParser((v) => parseDuration(v, "--drain-timeout")),
    )
    .addOption(
      new Option(
        "--shutdown-delay <duration>",
        "on SIGINT/SIGTERM, first say not ready (/readyz 503) but go on accepting for this long, so that a load balancer stops sending clients; then drain (0: drain at once)",
      )
        .default(SERVER_DEFAULTS.shutdownDelayMs, "0")
        .argParser((v) => parseDuration(v, "--shutdown-delay")),
    );
}

/** What it prints, and how: fewer lines, JSON, the encoding of data lines, their rate. */
function outputOptions(cmd: Command): Command {
  return cmd
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
    );
}

/** Whom it serves and for how long: connection limits, idle and keepalive, access rules. */
function limitOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--max-connections <n>",
        "serve at most this many clients at once; more are refused (0: no limit)",
      )
        .default(SERVER_DEFAULTS.maxConnections)
        .argParser((v) => parseCount(v, "--max-connections", 0)),
    )
    .addOption(
      new Option("--max-per-ip <n>", "serve at most this many clients from one address at once (0: no limit)")
        .default(SERVER_DEFAULTS.maxPerIp)
        .argParser((v) => parseCount(v, "--max-per-ip", 0)),
    )
    .addOption(
      new Option(
        "--idle-timeout <duration>",
        "close a connection whose client sent nothing for this long (0: never)",
      )
        .default(SERVER_DEFAULTS.idleTimeoutMs, "0")
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
    );
}

/** Its HTTP listeners for watching it: Prometheus metrics, the live page. */
function httpOptions(cmd: Command): Command {
  return cmd
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
    );
}

/** How it is deployed: several processes, behind a load balancer (PROXY), UDP beside TCP. */
function deploymentOptions(cmd: Command): Command {
  return cmd
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
    );
}

/** `--trace`: each socket call, within a rate. */
function traceOptions(cmd: Command): Command {
  return cmd
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
    );
}

/** Faults on purpose, and their control while running. */
function faultOptions(cmd: Command): Command {
  return cmd
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
    );
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

/**
 * What commander leaves to the action: the address from `-H` (which may
 * carry a port) and `-p`, and which options were given rather than left at
 * their defaults.
 */
export function settleOptions(opts: ServeOptions, cmd: Command): void {
  Object.assign(opts, listenAddress(opts, cmd));
  opts.bindGiven = ["host", "port", "ipv6Only"].filter((o) =>
    ["cli", "env"].includes(cmd.getOptionValueSource(o) ?? ""),
  );
  opts.controlTokenGiven = cmd.getOptionValueSource("controlToken") === "cli";
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
