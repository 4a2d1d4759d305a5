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
import { ping, PING_MAX_SIZE, PING_MIN_SIZE, type PingReport, type ProbeResult } from "../client/ping.js";
import type { PingStats } from "../client/ping-stats.js";
import { speaksTls } from "../client/speaks-tls.js";
import { pingMessages } from "../i18n/ping.js";
import { EchoError } from "../net/echo-error.js";
import { formatEndpoint } from "../net/endpoint.js";
import { parseCount, parseDuration, parsePositiveDuration } from "../net/options.js";
import {
  addAddressOptions,
  HOST_ARGUMENT,
  PORT_ARGUMENT,
  targetFromCli,
  type AddressCliOptions,
} from "./address-options.js";
import {
  addConnectionOptions,
  tlsFromCli,
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
  const cmd = program
    .command("ping")
    .description(
      "TCP ping: the echo time of a numbered probe every interval, then loss and round-trip statistics",
    )
    .argument("[host]", HOST_ARGUMENT)
    .argument("[port]", PORT_ARGUMENT);
  addAddressOptions(cmd)
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
        .default(1000, "1s")
        .argParser((v) => parsePositiveDuration(v, "--interval")),
    )
    .addOption(
      new Option(
        "-W, --timeout <duration>",
        "how long a probe may take before it counts as lost; 0: no timeout, wait for every echo (default: the interval, at least 1s)",
      ).argParser((v) => parseDuration(v, "--timeout")),
    )
    .addOption(
      new Option("-s, --size <bytes>", `probe size in bytes, ${PING_MIN_SIZE} to ${PING_MAX_SIZE}`)
        .default(56)
        .argParser((v) => parseCount(v, "--size", PING_MIN_SIZE, PING_MAX_SIZE)),
    )
    .option(
      "--connect-only",
      "time a fresh TCP handshake per probe instead of an echo, for services that do not echo",
    )
    .option("--json", "a JSON object per probe, and as the last line the statistics as one JSON object");
  addConnectionOptions(cmd)
    .addHelpText(
      "after",
      `
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
failed (a certificate not trusted, a server that does not speak TLS).`,
    )
    .action(
      async (hostArg: string | undefined, portArg: string | undefined, _opts: unknown, cmd: Command) => {
        const opts = cmd.optsWithGlobals<PingCliOptions>();
        const { host, port } = targetFromCli(hostArg, portArg, opts);
        if (opts.connectOnly && cmd.getOptionValueSource("size") === "cli") {
          throw new EchoError("ERR_INVALID_OPTION", {
            value: "--size",
            reason: { kind: "connect-only-data" },
          });
        }
        const report = await runPing(openTerminal(opts.lang), host, port, opts);
        // The statistics are out; the exit code says whether anything came back.
        if (report.stats.echoed === 0) process.exit(1);
      },
    );
}

async function runPing(t: Terminal, host: string, port: number, opts: PingCliOptions): Promise<PingReport> {
  const pm = pingMessages[t.lang];
  const json = opts.json ?? false;
  const connectOnly = opts.connectOnly ?? false;
  const tls = tlsFromCli(opts, () => t.note(t.m.tlsInsecure));
  const handshakes = connectOnly && tls !== undefined;
  const target = formatEndpoint(host, port);
  let from = target;

  const reason = (p: ProbeResult): string => (p.error ? pm.probeError(p.error.code, p.error.context) : "");
  const abort = new AbortController();
  // Plain probes that a server closes or resets before any echo: if it answers TLS, say so, once.
  let tlsCheck: Promise<void> | undefined;
  let echoedAny = false;
  const checkTls = (p: ProbeResult) => {
    if (p.ok) echoedAny = true;
    if (tlsCheck !== undefined || echoedAny || tls !== undefined || connectOnly || !p.error) return;
    const { code, context } = p.error;
    const nothingBack =
      (code === "ERR_PEER_CLOSED" && !context.received) ||
      code === "ECONNRESET" ||
      (code === "ERR_ECHO_MISMATCH" && context.offset === 0);
    if (!nothingBack) return;
    const address = context.host ?? host;
    const ms = opts.timeout ? Math.min(opts.timeout, 2000) : 2000;
    tlsCheck = speaksTls(address, port, ms, abort.signal).then((yes) => {
      if (yes) t.note(pm.speaksTls(from));
    });
  };
  const onProbe = (p: ProbeResult) => {
    checkTls(p);
    if (json) {
      t.out(
        JSON.stringify({
          type: "probe",
          seq: p.seq,
          ok: p.ok,
          ...(p.late ? { late: true } : {}),
          rttMs: micro(p.rttMs),
          ...(handshakes ? { tcpMs: micro(p.tcpMs), tlsMs: micro(p.tlsMs) } : {}),
          bytes: p.bytes,
          ...(p.error ? { code: p.error.code, error: reason(p) } : {}),
        }),
      );
    } else if (p.late) {
      t.out(pm.late(opts.size, from, p.seq, probeTime(p.rttMs ?? 0), p.error?.context.timeoutMs ?? 0));
    } else if (p.ok) {
      const time = probeTime(p.rttMs ?? 0);
      if (handshakes) t.out(pm.connectedTls(from, p.seq, probeTime(p.tcpMs ?? 0), probeTime(p.tlsMs ?? 0)));
      else t.out(connectOnly ? pm.connected(from, p.seq, time) : pm.echoed(p.bytes, from, p.seq, time));
    } else {
      t.out(t.red(pm.failed(from, p.seq, reason(p))));
    }
  };

  const onSignal = () => abort.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let report: PingReport;
  try {
    report = await ping({
      host,
      port,
      interval: opts.interval,
      size: opts.size,
      connectOnly,
      signal: abort.signal,
      keepAlive: opts.keepalive,
      ...(tls !== undefined ? { tls } : {}),
      ...(opts.count !== undefined ? { count: opts.count } : {}),
      ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
      onStart: (s) => {
        from = formatEndpoint(s.address, port);
        if (!json) t.out(pm.header(target, s.address, s.size, connectOnly, s.tls));
      },
      onProbe,
    });
    await tlsCheck;
  } catch (err) {
    throw withCaFile(err, opts);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }

  const s = report.stats;
  if (json) {
    t.out(
      JSON.stringify({
        type: "summary",
        host,
        port,
        address: report.address,
        mode: connectOnly ? "connect" : "echo",
        tls: report.tls,
        size: connectOnly ? 0 : report.size,
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
    return report;
  }
  t.out("");
  t.out(pm.statsTitle(target));
  t.out(pm.summary(s.sent, s.echoed, s.lossPercent, report.elapsedMs, connectOnly));
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
  return report;
}
