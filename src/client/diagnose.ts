/**
 * The notes' question, where do my packets go, answered for this machine:
 * resolve the name, ask the kernel's route decision for each address, place
 * the address and the port in their ranges, then connect and echo a probe
 * and say what happened as a code a program can switch on.
 *
 * @module
 */

import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { performance } from "node:perf_hooks";
import { parseHost, parsePort } from "../net/address.js";
import { addressScope, type AddressScope } from "../net/address-scope.js";
import { EchoError, toEchoError } from "../net/echo-error.js";
import { checkNumber, MAX_TIMER_MS } from "../net/options.js";
import { routeTo, type RouteDecision, type RouteProbes } from "../net/route.js";
import { portName, portRange, type PortRange, type ServiceSource } from "../net/services.js";
import { connect } from "./connect.js";

/** Every {@link ConnectOutcome}, for a program (or a catalogue's test) that lists them all. */
export const CONNECT_OUTCOMES = [
  "echoed",
  "refused",
  "timed-out",
  "no-route",
  "reset",
  "not-echo",
  "name-not-found",
  "error",
] as const;

/** What happened when diagnose connected and echoed its probe. */
export type ConnectOutcome = (typeof CONNECT_OUTCOMES)[number];

/** The connect-and-echo attempt to one address. */
export interface ConnectResult {
  ok: boolean;
  outcome: ConnectOutcome;
  /** The probe's round trip in ms (outcome `echoed`), else null. */
  rttMs: number | null;
  /** The error code behind a failure (`ECONNREFUSED`, `ERR_ECHO_MISMATCH`, …), else null. */
  code: string | null;
  /** Bytes that came back (for `not-echo`: how many, of the probe's length). */
  received: number;
}

/** One address the name resolved to, and where packets for it go. */
export interface AddressReport {
  address: string;
  family: 4 | 6;
  scope: AddressScope;
  route: RouteDecision;
  /** Null when not tried: `connect: false`, or an earlier address already echoed. */
  connect: ConnectResult | null;
}

/** What {@link diagnose} found. */
export interface DiagnoseReport {
  host: string;
  port: { number: number; range: PortRange; service: string | null };
  /** What named the port (or was asked and named nothing): a services file's path, or `IANA` (the built-in table). */
  serviceSource: ServiceSource;
  /** Each address found, in the resolver's order; empty when the name was not found. */
  addresses: AddressReport[];
  /** The attempt that counts: the first address that echoed, else the first one tried; null if none was. */
  connect: ConnectResult | null;
  /** The resolver's code when the name was not found (`ENOTFOUND`, `EAI_AGAIN`), else null. */
  nameError: string | null;
}

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /** Connect and echo a probe. Default true. */
  connect?: boolean;
  /** Milliseconds for the connection and for the echo, each; 0: no limit. Default 3000. */
  timeout?: number;
  /** How the route is asked (tests replace it). */
  probes?: RouteProbes;
  /** The services file. Default `/etc/services` (on Windows, the one under `%SystemRoot%`); IANA's names where it cannot be read. */
  servicesFile?: string;
}

/** The probe diagnose sends: recognisable in a capture. */
export const DIAGNOSE_PROBE = "tcpecho diagnose\n";

function outcomeOf(err: EchoError): ConnectOutcome {
  switch (err.code) {
    case "ECONNREFUSED":
      return "refused";
    case "ETIMEDOUT":
      return err.context.operation === "read" ? "not-echo" : "timed-out";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "no-route";
    case "ECONNRESET":
    case "EPIPE":
      return "reset";
    case "ERR_PEER_CLOSED":
      return "not-echo";
    default:
      return "error";
  }
}

async function probe(address: string, port: number, timeout: number): Promise<ConnectResult> {
  const bytes = Buffer.from(DIAGNOSE_PROBE);
  const failed = (err: unknown): ConnectResult => {
    const e = toEchoError(err, { host: address, port });
    const received = Number(e.context.received ?? 0);
    return { ok: false, outcome: outcomeOf(e), rttMs: null, code: e.code, received };
  };
  let client;
  try {
    client = await connect({ host: address, port, timeout, keepAlive: 0 });
  } catch (err) {
    return failed(err);
  }
  try {
    const t0 = performance.now();
    const back = await client.echo(bytes);
    const rttMs = Math.round((performance.now() - t0) * 1000) / 1000;
    if (!back.equals(bytes)) {
      return {
        ok: false,
        outcome: "not-echo",
        rttMs: null,
        code: "ERR_ECHO_MISMATCH",
        received: back.length,
      };
    }
    return { ok: true, outcome: "echoed", rttMs, code: null, received: back.length };
  } catch (err) {
    return failed(err);
  } finally {
    client.socket.destroy();
  }
}

/** How long the connect and the echo of {@link diagnose} may each take unless told otherwise, in ms. */
export const DIAGNOSE_DEFAULT_TIMEOUT = 3000;

/**
 * Diagnoses the way to `host` and `port`: every address, its scope and
 * route, the port's range and name, and (unless `connect: false`) whether an
 * echo came back. Never throws for a network outcome; a bad host or port
 * throws an `EchoError` with a usage code.
 *
 * @example
 * ```ts
 * import { diagnose } from "tcpecho";
 * const report = await diagnose("127.0.0.1", 9000, { connect: false });
 * report.addresses[0]?.route.kind; // "loopback"
 * report.port.range; // "registered"
 * ```
 */
export async function diagnose(
  host: string,
  port: number,
  options: DiagnoseOptions = {},
): Promise<DiagnoseReport> {
  const name = parseHost(host).replace(/^\[|\]$/g, "");
  parsePort(port);
  const timeout = options.timeout ?? DIAGNOSE_DEFAULT_TIMEOUT;
  checkNumber(timeout, "timeout", { max: MAX_TIMER_MS });
  const named = await portName(
    port,
    options.servicesFile === undefined ? {} : { file: options.servicesFile },
  );
  const report: DiagnoseReport = {
    host: name,
    port: { number: port, range: portRange(port), service: named.name },
    serviceSource: named.source,
    addresses: [],
    connect: null,
    nameError: null,
  };
  let found: { address: string; family: number }[];
  if (isIP(name.replace(/%[\w.-]+$/, ""))) found = [{ address: name, family: name.includes(":") ? 6 : 4 }];
  else {
    try {
      found = await lookup(name, { all: true, order: "verbatim" });
    } catch (err) {
      report.nameError = (err as NodeJS.ErrnoException).code ?? "ENOTFOUND";
      report.connect = {
        ok: false,
        outcome: "name-not-found",
        rttMs: null,
        code: report.nameError,
        received: 0,
      };
      return report;
    }
  }
  for (const { address, family } of found) {
    const route = await routeTo(address, options.probes);
    report.addresses.push({
      address,
      family: family === 6 ? 6 : 4,
      scope: addressScope(address) ?? "reserved",
      route,
      connect: null,
    });
  }
  if (options.connect === false) return report;
  for (const a of report.addresses) {
    a.connect = await probe(a.address, port, timeout);
    if (a.connect.ok) break;
  }
  const tried = report.addresses.filter((a) => a.connect !== null);
  report.connect = (tried.find((a) => a.connect?.ok) ?? tried[0])?.connect ?? null;
  return report;
}
