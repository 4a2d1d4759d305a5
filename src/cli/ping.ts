/**
 * `tcpecho ping [HOST[:PORT]] [PORT]`: a probe every interval over one TCP
 * (or, with `--tls`, TLS) connection, a line per probe, and at the end (count
 * reached, Ctrl-C or SIGTERM) the statistics, in the shape iputils `ping`
 * prints them. With `--json`, every time is in milliseconds in a key ending in
 * `Ms`, rounded to the microsecond, `null` where nothing came back.
 *
 * @module
 */

import { Option, type Command } from "commander";
import {
  ping,
  PING_DEFAULT_INTERVAL,
  PING_DEFAULT_SIZE,
  PING_MAX_SIZE,
  PING_MIN_DEFAULT_TIMEOUT,
  PING_MIN_SIZE,
  type PingReport,
  type PingStart,
  type ProbeResult,
} from "../client/ping.js";
import type { PingStats } from "../client/ping-stats.js";
import { speaksTls, speaksTlsTimeout } from "../client/speaks-tls.js";
import { pingMessages, type PingMessages } from "../i18n/ping.js";
import type { ClientTlsOptions } from "../net/client-tls.js";
import { EchoError } from "../net/echo-error.js";
import { formatEndpoint } from "../net/endpoint.js";
import { parseCount, parseDuration, parsePositiveDuration } from "../net/options.js";
import { destinationCommand, onDestination, type AddressCliOptions } from "./address-options.js";
import {
  addConnectionOptions,
  connectionFromCli,
  withCaFile,
  type ConnectionCliOptions,
} from "./connection-options.js";
import { openTerminal, type Terminal } from "./terminal.js";

interface PingCliOptions extends ConnectionCliOptions, AddressCliOptions {
  count?: number;
  interval: number;
  timeout?: number;
  size: number;
  connectOnly?: boolean;
  json?: boolean;
  lang?: string;
}

/** A probe's time as iputils prints it: three significant decimals below 1 ms, whole ms from 100 ms. */
function probeTime(ms: number): string {
  if (ms >= 100) return String(Math.round(ms));
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

const fixed = (ms: number | null) => (ms === null ? "-" : ms.toFixed(3));
/** Microsecond precision in JSON, without floating-point tails. */
const micro = (ms: number | null | undefined) => (ms == null ? null : Math.round(ms * 1000) / 1000);

/** A statistics object's times as JSON keys named with their unit. */
function statsMs(s: PingStats) {
  return {
    minMs: micro(s.min),
    avgMs: micro(s.avg),
    maxMs: micro(s.max),
    mdevMs: micro(s.mdev),
    p50Ms: micro(s.p50),
    p95Ms: micro(s.p95),
    p99Ms: micro(s.p99),
  };
}

/** Adds `ping` to the program. */
export function registerPing(program: Command): void {
  const cmd = destinationCommand(
    program,
    "ping",
    "TCP ping: the echo time of a numbered probe every interval, then loss and round-trip statistics",
  );
  addPingOptions(cmd);
  addConnectionOptions(cmd).addHelpText("after", PING_EXAMPLES);
  onDestination<PingCliOptions>(cmd, async ({ host, port }, opts, self) => {
    if (opts.connectOnly && self.getOptionValueSource("size") === "cli") {
      throw new EchoError("ERR_INVALID_OPTION", {
        value: "--size",
        reason: { kind: "connect-only-data" },
      });
    }
    const report = await runPing(openTerminal(opts.lang), host, port, opts);
    // The statistics are out; the exit code says whether anything came back.
    if (report.stats.echoed === 0) process.exit(1);
  });
}

/** A duration in ms as the help shows a default: whole seconds, `1s`. */
const seconds = (ms: number) => `${ms / 1000}s`;

function addPingOptions(cmd: Command): void {
  cmd
    .addOption(
      new Option("-c, --count <n>", "stop after n probes (default: until Ctrl-C)").argParser((v) =>
        parseCount(v, "--count", 1),
      ),
    )
    .addOption(
      new Option(
        "-i, --interval <duration>",
        "time between probes; a bare number is seconds, as in ping -i 0.2",
      )
        .default(PING_DEFAULT_INTERVAL, seconds(PING_DEFAULT_INTERVAL))
        .argParser((v) => parsePositiveDuration(v, "--interval")),
    )
    .addOption(
      new Option(
        "-W, --timeout <duration>",
        `how long a probe may take before it counts as lost; 0: no timeout, wait for every echo (default: the interval, at least ${seconds(PING_MIN_DEFAULT_TIMEOUT)})`,
      ).argParser((v) => parseDuration(v, "--timeout")),
    )
    .addOption(
      new Option("-s, --size <bytes>", `probe size in bytes, ${PING_MIN_SIZE} to ${PING_MAX_SIZE}`)
        .default(PING_DEFAULT_SIZE)
        .argParser((v) => parseCount(v, "--size", PING_MIN_SIZE, PING_MAX_SIZE)),
    )
    .option(
      "--connect-only",
      "time a fresh TCP handshake per probe instead of an echo, for services that do not echo",
    )
    .option("--json", "a JSON object per probe, and as the last line the statistics as one JSON object");
}

const PING_EXAMPLES = `
Examples:
  tcpecho ping                              a probe a second to 127.0.0.1:9000, until Ctrl-C
  tcpecho ping 127.0.0.1:9000 -c 3 -i 0.2   three probes, 200 ms apart, then the statistics
  tcpecho ping 192.168.0.10 7 -W 500ms      another machine's echo service; lost after 500 ms
  tcpecho ping example.com 443 --connect-only -c 5
                                            time TCP handshakes to a service that does not echo
  tcpecho ping localhost --tls --tls-ca cert.pem -c 3
                                            echoes over one TLS session (the handshake is not timed)
  tcpecho ping localhost --tls --insecure --connect-only -c 3
                                            the TCP and the TLS handshake's times, apart
  tcpecho ping ::1 -c 10 --json | tail -n 1 statistics for a script, as one JSON object
  tcpecho ping 127.0.0.1 --lang ko          Korean messages

Exit code 0 if at least one probe came back, 1 if none did (100% loss) or TLS
failed (a certificate not trusted, a server that does not speak TLS).`;

/** How a ping's lines are written: where, in which language, and what its probes are. */
interface PingOutput {
  t: Terminal;
  pm: PingMessages;
  json: boolean;
  connectOnly: boolean;
  /** Connect-only over TLS: each probe has a TCP and a TLS time. */
  handshakes: boolean;
  size: number;
  /** The destination as it was given, `host:port`. */
  target: string;
  /** The destination as resolved, `address:port`: what probe lines name. */
  from: string;
}

async function runPing(t: Terminal, host: string, port: number, opts: PingCliOptions): Promise<PingReport> {
  const connectOnly = opts.connectOnly ?? false;
  const connection = connectionFromCli(opts, t);
  const tls = connection.tls;
  const target = formatEndpoint(host, port);
  const out: PingOutput = {
    t,
    pm: pingMessages[t.lang],
    json: opts.json ?? false,
    connectOnly,
    handshakes: connectOnly && tls !== undefined,
    size: opts.size,
    target,
    from: target,
  };
  const abort = new AbortController();
  const hint = tlsHint(out, host, port, tls, opts.timeout, abort.signal);
  const onSignal = () => abort.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let report: PingReport;
  try {
    report = await ping({
      host,
      port,
      ...connection,
      interval: opts.interval,
      size: opts.size,
      connectOnly,
      signal: abort.signal,
      ...(opts.count !== undefined ? { count: opts.count } : {}),
      ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
      onStart: (s) => printStart(out, s, port),
      onProbe: (p) => {
        hint.check(p);
        printProbe(out, p);
      },
    });
    await hint.said();
  } catch (err) {
    throw withCaFile(err, opts);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (out.json) printJsonSummary(out, report, host, port);
  else printSummary(out, report);
  return report;
}

/**
 * Plain probes that a server closes or resets before any echo: if the port
 * answers TLS, it is said, once. `check` looks at each probe as it ends.
 */
function tlsHint(
  out: PingOutput,
  host: string,
  port: number,
  tls: ClientTlsOptions | undefined,
  timeout: number | undefined,
  signal: AbortSignal,
): { check: (p: ProbeResult) => void; said: () => Promise<void> } {
  let asked: Promise<void> | undefined;
  let echoedAny = false;
  const check = (p: ProbeResult) => {
    if (p.ok) echoedAny = true;
    if (asked !== undefined || echoedAny || tls !== undefined || out.connectOnly || !p.error) return;
    const { code, context } = p.error;
    const nothingBack =
      (code === "ERR_PEER_CLOSED" && !context.received) ||
      code === "ECONNRESET" ||
      (code === "ERR_ECHO_MISMATCH" && context.offset === 0);
    if (!nothingBack) return;
    asked = speaksTls(context.host ?? host, port, speaksTlsTimeout(timeout), signal).then((yes) => {
      if (yes) out.t.note(out.pm.speaksTls(out.from));
    });
  };
  return { check, said: async () => await asked };
}

/** Once the name is resolved: probe lines name the address; the header says what is pinged. */
function printStart(out: PingOutput, s: PingStart, port: number): void {
  out.from = formatEndpoint(s.address, port);
  if (!out.json) out.t.out(out.pm.header(out.target, s.address, s.size, out.connectOnly, s.tls));
}

function printProbe(out: PingOutput, p: ProbeResult): void {
  const { t, pm, from } = out;
  const reason = p.error ? pm.probeError(p.error.code, p.error.context) : "";
  if (out.json) {
    t.out(
      JSON.stringify({
        type: "probe",
        seq: p.seq,
        ok: p.ok,
        ...(p.late ? { late: true } : {}),
        rttMs: micro(p.rttMs),
        ...(out.handshakes ? { tcpMs: micro(p.tcpMs), tlsMs: micro(p.tlsMs) } : {}),
        bytes: p.bytes,
        ...(p.error ? { code: p.error.code, error: reason } : {}),
      }),
    );
  } else if (p.late) {
    t.out(pm.late(out.size, from, p.seq, probeTime(p.rttMs ?? 0), p.error?.context.timeoutMs ?? 0));
  } else if (p.ok) {
    const time = probeTime(p.rttMs ?? 0);
    if (out.handshakes) t.out(pm.connectedTls(from, p.seq, probeTime(p.tcpMs ?? 0), probeTime(p.tlsMs ?? 0)));
    else t.out(out.connectOnly ? pm.connected(from, p.seq, time) : pm.echoed(p.bytes, from, p.seq, time));
  } else {
    t.out(t.red(pm.failed(from, p.seq, reason)));
  }
}

function printJsonSummary(out: PingOutput, report: PingReport, host: string, port: number): void {
  const s = report.stats;
  out.t.out(
    JSON.stringify({
      type: "summary",
      host,
      port,
      address: report.address,
      mode: out.connectOnly ? "connect" : "echo",
      tls: report.tls,
      size: out.connectOnly ? 0 : report.size,
      sent: s.sent,
      echoed: s.echoed,
      lost: s.lost,
      lossPercent: s.lossPercent,
      ...statsMs(s),
      ...(report.handshakes
        ? { tcpHandshake: statsMs(report.handshakes.tcp), tlsHandshake: statsMs(report.handshakes.tls) }
        : {}),
      timeMs: micro(report.elapsedMs),
    }),
  );
}

function printSummary(out: PingOutput, report: PingReport): void {
  const { t, pm } = out;
  const s = report.stats;
  t.out("");
  t.out(pm.statsTitle(out.target));
  t.out(pm.summary(s.sent, s.echoed, s.lossPercent, report.elapsedMs, out.connectOnly));
  if (s.echoed > 0 && report.handshakes) {
    for (const kind of ["tcp", "tls"] as const) {
      const h = report.handshakes[kind];
      t.out(pm.handshake(kind, fixed(h.min), fixed(h.avg), fixed(h.max), fixed(h.mdev)));
      t.out(pm.handshakePercentiles(kind, fixed(h.p50), fixed(h.p95), fixed(h.p99)));
    }
  } else if (s.echoed > 0) {
    t.out(pm.rtt(fixed(s.min), fixed(s.avg), fixed(s.max), fixed(s.mdev)));
    t.out(pm.percentiles(fixed(s.p50), fixed(s.p95), fixed(s.p99)));
  }
}
