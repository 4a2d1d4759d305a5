/**
 * Windows's route decision. First PowerShell's `Find-NetRoute
 * -RemoteIPAddress ADDRESS` (the NetTCPIP module, Windows 8 and later),
 * which returns the source address Windows would pick (an MSFT_NetIPAddress:
 * `IPAddress`, `PrefixLength`, `InterfaceAlias`) and the route it would use
 * (an MSFT_NetRoute: `DestinationPrefix`, `NextHop` — `0.0.0.0` or `::` when
 * the destination is on the link — `RouteMetric`), selected and written as
 * JSON. Where PowerShell cannot answer, `route print`'s active routes,
 * matched here by the longest prefix (`Gateway` `On-link` for a network on
 * the link). PowerShell is told to write UTF-8 (`POWERSHELL_UTF8`), and
 * nothing here depends on the words Windows prints in its own language.
 *
 * @module
 */

import ipaddr from "ipaddr.js";
import { POWERSHELL_UTF8, runTool, type ToolFailure, type ToolRunner } from "./os-tool.js";
import {
  emptyDecision,
  groupDestination,
  isIp,
  isLoopback,
  longestMatch,
  maskArithmetic,
  ownerOf,
  sameAddress,
  type Interfaces,
  type ProcRoute,
  type RouteDecision,
  withoutTool,
} from "./route-common.js";

/** The part of Find-NetRoute's two objects that is read, as {@link findNetRouteCommand} selects it. */
export interface FindNetRoute {
  /** The source address Windows picks, its prefix length and interface (null if not returned). */
  source: { address: string; prefix: number | null; interface: string | null } | null;
  route: { destination: string; prefix: number; nextHop: string | null; interface: string | null };
}

/**
 * The exit code of {@link findNetRouteCommand} when PowerShell has no
 * Find-NetRoute (before Windows 8): told by a code, not by the error's
 * words, which are in Windows's own language.
 */
export const NO_FIND_NETROUTE = 127;

/** The PowerShell command line for an address (already checked to be an IP address). */
export function findNetRouteCommand(address: string): string {
  return (
    POWERSHELL_UTF8 +
    "$ProgressPreference='SilentlyContinue'; " +
    `if (-not (Get-Command Find-NetRoute -ErrorAction SilentlyContinue)) { exit ${NO_FIND_NETROUTE} }; ` +
    `Find-NetRoute -RemoteIPAddress '${address}' | ` +
    "Select-Object IPAddress,PrefixLength,InterfaceAlias,InterfaceIndex,DestinationPrefix,NextHop,RouteMetric | " +
    "ConvertTo-Json -Compress"
  );
}

type Json = Record<string, unknown>;
const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);

/**
 * Parses Find-NetRoute's objects written by `ConvertTo-Json` (one array of
 * two objects: the address, then the route); undefined without a route.
 *
 * @example
 * ```ts
 * import { parseFindNetRoute } from "./route-windows.js";
 * parseFindNetRoute(
 *   '[{"IPAddress":"192.168.1.23","PrefixLength":24,"InterfaceAlias":"Ethernet"},' +
 *     '{"InterfaceAlias":"Ethernet","DestinationPrefix":"0.0.0.0/0","NextHop":"192.168.1.1"}]',
 * )?.route.nextHop; // "192.168.1.1"
 * ```
 */
export function parseFindNetRoute(json: string): FindNetRoute | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.replace(/^\uFEFF/, ""));
  } catch {
    return undefined;
  }
  const items = (Array.isArray(parsed) ? parsed : [parsed]).filter(
    (i): i is Json => i !== null && typeof i === "object",
  );
  const address = items.find((i) => text(i.IPAddress) !== null && isIp(text(i.IPAddress) as string));
  const route = items.find((i) => /^[\da-f.:]+\/\d{1,3}$/i.test(text(i.DestinationPrefix) ?? ""));
  if (route === undefined) return undefined;
  const [destination = "", prefix = "0"] = (route.DestinationPrefix as string).split("/");
  if (!isIp(destination)) return undefined;
  return {
    source:
      address === undefined
        ? null
        : {
            address: address.IPAddress as string,
            prefix: typeof address.PrefixLength === "number" ? address.PrefixLength : null,
            interface: text(address.InterfaceAlias),
          },
    route: {
      destination,
      prefix: Number(prefix),
      nextHop: text(route.NextHop),
      interface: text(route.InterfaceAlias),
    },
  };
}

const onLink = (hop: string | null) => hop === null || hop === "0.0.0.0" || hop === "::";

/** The broadcast address of an IPv4 network of `prefix` bits holding `own` (none for /31, /32). */
function broadcastOf(own: string, prefix: number | null): string | null {
  if (prefix === null || prefix > 30 || ipaddr.process(own).kind() !== "ipv4") return null;
  return ipaddr.IPv4.broadcastAddressFromCIDR(`${own}/${prefix}`).toString();
}

/** The route decision from Find-NetRoute's answer. */
export function findNetRouteDecision(
  address: string,
  got: FindNetRoute,
  interfaces: Interfaces,
): RouteDecision {
  const iface = got.route.interface ?? got.source?.interface ?? null;
  const source = got.source?.address ?? null;
  const found = { ...emptyDecision(address), via: "Find-NetRoute" as const, interface: iface, source };
  if (isLoopback(address)) return { ...found, kind: "loopback" };
  if ((source !== null && sameAddress(source, address)) || ownerOf(address, interfaces) !== null) {
    return { ...found, kind: "local", owner: ownerOf(address, interfaces) ?? iface };
  }
  const group = groupDestination(address, interfaces);
  if (group !== null) return { ...found, kind: group.kind, network: group.network };
  if (source !== null && broadcastOf(source, got.source?.prefix ?? null) === address) {
    return { ...found, kind: "broadcast", network: maskArithmetic(address, got.source?.prefix ?? 32) };
  }
  if (!onLink(got.route.nextHop)) return { ...found, kind: "gateway", gateway: got.route.nextHop };
  // The mask: the source address's own network when the destination is in it, else the route's.
  const own = got.source?.prefix ?? null;
  const inOwn =
    own !== null &&
    source !== null &&
    maskArithmetic(source, own).network === maskArithmetic(address, own).network;
  return { ...found, kind: "subnet", network: maskArithmetic(address, inOwn ? own : got.route.prefix) };
}

/** A row of `route print`'s active routes; `interface` is the interface's address (IPv4) or `If N` (IPv6). */
export type RoutePrintRow = ProcRoute;

/**
 * Parses the active routes of `route print` (IPv4 and IPv6 tables; the
 * persistent routes are skipped: they are in the active ones when they apply).
 * Read by shape, not by words, which are in Windows's own language (`IPv4
 * 경로 테이블`, `연결됨` for On-link): a table begins at a line starting
 * `IPv4` or `IPv6`, its active routes are the rows up to its second line of
 * `=`, and a gateway that is no address is the on-link word.
 *
 * @example
 * ```ts
 * import { parseRoutePrint } from "./route-windows.js";
 * const rows = parseRoutePrint(
 *   "IPv4 Route Table\n=====\nActive Routes:\nNetwork Destination        Netmask          Gateway       Interface  Metric\n" +
 *     "          0.0.0.0          0.0.0.0      192.168.1.1     192.168.1.23     25\n",
 * );
 * rows[0]?.gateway; // "192.168.1.1"
 * ```
 */
export function parseRoutePrint(output: string): RoutePrintRow[] {
  const rows: RoutePrintRow[] = [];
  let table: "v4" | "v6" | null = null;
  let rules = 0;
  let carry: string[] | null = null;
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    const heading = /^IPv([46])\b/i.exec(line);
    if (heading !== null) [table, rules, carry] = [heading[1] === "4" ? "v4" : "v6", 0, null];
    else if (/^=+$/.test(line)) rules++;
    // Between the table's first and second rule: its active routes.
    if (table === null || rules !== 1 || line === "") continue;
    const f = line.split(/\s+/);
    if (table === "v4") {
      const got = v4Row(f);
      if (got !== undefined) rows.push(got);
      continue;
    }
    // A long destination pushes the gateway onto the next line.
    const parts: string[] = carry !== null && !v6RowStart(f) ? [...carry, ...f] : f;
    carry = null;
    if (!v6RowStart(parts)) continue;
    if (parts.length === 3) {
      carry = parts;
      continue;
    }
    const [destination = "", prefix = "0"] = (parts[2] as string).split("/");
    const hop = parts.slice(3).join(" ");
    const gateway = isIp(hop) && !onLink(hop) ? hop : null;
    rows.push(row(destination, Number(prefix), gateway, `If ${parts[0]}`, Number(parts[1])));
  }
  return rows;
}

/** An IPv4 active route: destination, mask, gateway (an address, or the on-link word in any language), interface, metric. */
function v4Row(f: string[]): RoutePrintRow | undefined {
  const [destination = "", mask = ""] = f;
  const iface = f.at(-2) ?? "";
  if (f.length < 5 || !isIp(destination) || !isIp(mask) || !isIp(iface) || !/^\d+$/.test(f.at(-1) ?? ""))
    return undefined;
  const prefix = ipaddr.IPv4.parse(mask).prefixLengthFromSubnetMask();
  if (prefix === null) return undefined;
  const hop = f.slice(2, -2).join(" ");
  return row(destination, prefix, isIp(hop) ? hop : null, iface, Number(f.at(-1)));
}

/** The start of an IPv6 active route: interface number, metric, `destination/prefix`. */
const v6RowStart = (f: string[]) =>
  /^\d+$/.test(f[0] ?? "") && /^\d+$/.test(f[1] ?? "") && /^[\da-f:.]+\/\d{1,3}$/i.test(f[2] ?? "");

function row(destination: string, prefix: number, gateway: string | null, iface: string, metric: number) {
  return { interface: iface, destination, prefix, gateway, reject: false, local: false, metric };
}

/** The route decision from `route print`'s table. */
export function routePrintDecision(address: string, rows: readonly RoutePrintRow[]): RouteDecision {
  const found = { ...emptyDecision(address), via: "route print" as const };
  const route = longestMatch(address, rows);
  if (route === undefined) return { ...found, kind: "unreachable", reason: "no route" };
  const v4 = ipaddr.process(address).kind() === "ipv4";
  const source = v4 ? route.interface : null;
  const at = { ...found, interface: route.interface, source };
  if (isLoopback(address)) return { ...at, kind: "loopback" };
  if (v4 && sameAddress(route.interface, address)) return { ...at, kind: "local", owner: route.interface };
  if (ipaddr.process(address).range() === "multicast") return { ...at, kind: "multicast" };
  if (address === "255.255.255.255") return { ...at, kind: "broadcast" };
  // A subnet's broadcast address has a host route of its own: the on-link network it ends says so.
  const net = longestMatch(
    address,
    rows.filter((r) => r.interface === route.interface && r.gateway === null && r.prefix <= 30),
  );
  if (v4 && net !== undefined && broadcastOf(net.destination, net.prefix) === address) {
    return { ...at, kind: "broadcast", network: maskArithmetic(address, net.prefix) };
  }
  if (route.gateway !== null) return { ...at, kind: "gateway", gateway: route.gateway };
  return { ...at, kind: "subnet", network: maskArithmetic(address, (net ?? route).prefix) };
}

/**
 * Windows's route decision for an address: Find-NetRoute, else `route print`.
 *
 * @example
 * ```ts
 * import { networkInterfaces } from "node:os";
 * import { windowsRouteTo } from "./route-windows.js";
 * (await windowsRouteTo("127.0.0.1", networkInterfaces())).kind;
 * ```
 */
export async function windowsRouteTo(
  address: string,
  interfaces: Interfaces,
  run: ToolRunner = runTool,
): Promise<RouteDecision> {
  const bare = address.replace(/%[\w.-]+$/, "");
  // Only an IP address may reach PowerShell's command line.
  if (!isIp(bare)) throw new TypeError(`not an IP address: ${address}`);
  const ps = await run(
    "powershell",
    ["-NoProfile", "-NonInteractive", "-Command", findNetRouteCommand(bare)],
    15_000,
  );
  let first: ToolFailure;
  if (!ps.ok) first = ps.failure;
  else if (ps.code === NO_FIND_NETROUTE) first = "missing";
  else {
    const got = parseFindNetRoute(ps.stdout);
    if (got !== undefined) return findNetRouteDecision(bare, got, interfaces);
    // No route: Find-NetRoute writes an error record and nothing on standard output.
    const words = /Find-NetRoute\s*:\s*(.+)/.exec(ps.stderr)?.[1]?.trim();
    if (ps.code !== 0 && words !== undefined) {
      return { ...emptyDecision(bare), via: "Find-NetRoute", kind: "unreachable", reason: words };
    }
    first = ps.code === 0 ? "unparsable" : "failed";
  }
  const printed = await run("route", ["print"], 5000);
  if (printed.ok && printed.code === 0) {
    const rows = parseRoutePrint(printed.stdout);
    if (rows.length > 0) return routePrintDecision(bare, rows);
  }
  const second: ToolFailure = !printed.ok ? printed.failure : printed.code === 0 ? "unparsable" : "failed";
  return withoutTool(bare, interfaces, ["Find-NetRoute", "route print"], [first, second]);
}
