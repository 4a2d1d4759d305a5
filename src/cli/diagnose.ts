/**
 * `tcpecho diagnose HOST [PORT]`: where do my packets go? The addresses a
 * name resolves to, the kernel's route decision for each, the address's and
 * the port's range, then a probe echoed, in words. With `--json`, the last
 * line is one object: the first address's `address` and `route` at the top
 * level, the attempt that counts as `connect`, and every address in
 * `addresses`.
 *
 * @module
 */

import { Option, type Command } from "commander";
import {
  diagnose,
  DIAGNOSE_DEFAULT_TIMEOUT,
  type AddressReport,
  type DiagnoseReport,
} from "../client/diagnose.js";
import { diagnoseMessages } from "../i18n/diagnose.js";
import { formatEndpoint } from "../net/endpoint.js";
import { parseDuration } from "../net/options.js";
import { destinationCommand, onDestination, type AddressCliOptions } from "./address-options.js";
import { openTerminal, type Terminal } from "./terminal.js";

interface DiagnoseCliOptions extends AddressCliOptions {
  connect: boolean;
  json?: boolean;
  timeout: number;
  lang?: string;
}

/** The report as one JSON object (see the module comment for its shape). */
function toJson(r: DiagnoseReport): object {
  const first = r.addresses[0];
  const route = (a: NonNullable<typeof first>) => ({
    ...a.route,
    network: a.route.network?.cidr ?? null,
    mask: a.route.network?.mask ?? null,
  });
  return {
    host: r.host,
    address: first ? { address: first.address, family: first.family, scope: first.scope } : null,
    route: first ? route(first) : null,
    port: r.port,
    serviceSource: r.serviceSource,
    connect: r.connect,
    nameError: r.nameError,
    addresses: r.addresses.map((a) => ({
      address: a.address,
      family: a.family,
      scope: a.scope,
      route: route(a),
      connect: a.connect,
    })),
  };
}

/** One address of the report: its scope, and the way the kernel sends packets to it. */
function printRoute(t: Terminal, a: AddressReport): void {
  const dm = diagnoseMessages[t.lang];
  const route = a.route;
  t.out(dm.address(a.address, a.family, a.scope));
  const failures = route.failures ?? (route.failure === undefined ? [] : [route.failure]);
  // No tool answered: the line below says which were asked, so the heading names none.
  t.out(route.kind === "unknown" ? dm.routeHeading : dm.routeFrom(route.via, route.tried, failures));
  switch (route.kind) {
    case "loopback":
      t.out(dm.loopback(route.interface ?? "lo"));
      break;
    case "local":
      t.out(dm.local(route.owner));
      t.out(dm.localNote);
      break;
    case "subnet": {
      const n = route.network;
      const iface = route.interface ?? "?";
      t.out(n ? dm.subnet(iface, n.address, n.mask, n.network, n.cidr) : dm.subnetNoMask(iface));
      break;
    }
    case "gateway":
      t.out(dm.gateway(route.gateway ?? "?", route.interface ?? "?"));
      break;
    case "broadcast":
      t.out(dm.broadcast(route.interface ?? "?", route.network?.cidr ?? null));
      break;
    case "multicast":
      t.out(dm.multicast(route.interface ?? "?", a.family === 6 ? "ff00::/8" : "224.0.0.0/4"));
      break;
    case "unknown":
      t.out(dm.routeUnknown(route.tried ?? [route.via], failures));
      break;
    default:
      t.out(dm.unreachable(route.reason));
  }
  if (route.source !== null) t.out(dm.source(route.source));
}

function print(t: Terminal, r: DiagnoseReport, connectTried: boolean): void {
  const dm = diagnoseMessages[t.lang];
  if (r.nameError !== null) t.out(dm.nameNotFound(r.host, r.nameError));
  else if (r.addresses.length === 1 && r.addresses[0]?.address === r.host) t.out(dm.isAddress(r.host));
  else
    t.out(
      dm.resolved(
        r.host,
        r.addresses.map((a) => a.address),
      ),
    );
  for (const a of r.addresses) printRoute(t, a);
  t.out(dm.port(r.port.number, r.port.range, r.port.service, r.serviceSource));
  if (!connectTried) {
    t.out(dm.noConnect);
    return;
  }
  if (r.nameError !== null) return;
  for (const a of r.addresses) {
    const endpoint = formatEndpoint(a.address, r.port.number);
    const c = a.connect;
    if (c === null) t.out(dm.notTried(endpoint));
    else
      t.out(
        dm.outcome(c.outcome, endpoint, c.rttMs === null ? null : c.rttMs.toFixed(3), c.received, c.code),
      );
  }
}

/** Adds `diagnose` to the program. */
export function registerDiagnose(program: Command): void {
  const cmd = destinationCommand(
    program,
    "diagnose",
    "where do my packets go? the route the kernel picks, the address and port ranges, and an echo probe",
  )
    .option("--no-connect", "only resolve and route; do not connect")
    .addOption(
      new Option("-W, --timeout <duration>", "how long the connect and the echo may each take; 0: no timeout")
        .default(DIAGNOSE_DEFAULT_TIMEOUT, `${DIAGNOSE_DEFAULT_TIMEOUT / 1000}s`)
        .argParser((v) => parseDuration(v, "--timeout")),
    )
    .option("--json", "the report as one JSON object on the last line")
    .addHelpText(
      "after",
      `
Examples:
  tcpecho diagnose 127.0.0.1              loopback: never leaves the machine
  tcpecho diagnose 192.168.0.10 7         a neighbour on your subnet: the mask arithmetic, no gateway
  tcpecho diagnose example.com 80 --no-connect
                                          every address, and the gateway each goes through
  tcpecho diagnose localhost --json | tail -n 1

Exit code 0 when the probe echoed (with --no-connect: when the name resolved), 1 otherwise.`,
    );
  onDestination<DiagnoseCliOptions>(cmd, async ({ host, port }, opts) => {
    const t = openTerminal(opts.lang);
    const report = await diagnose(host, port, { connect: opts.connect, timeout: opts.timeout });
    if (opts.json) t.out(JSON.stringify(toJson(report)));
    else print(t, report, opts.connect);
    const failed = opts.connect ? report.connect?.ok !== true : report.nameError !== null;
    if (failed) process.exitCode = 1;
  });
}
