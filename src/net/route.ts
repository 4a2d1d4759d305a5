/**
 * Where the kernel sends a packet for an address: its own route decision,
 * asked of each system its own way, chosen by `process.platform`:
 *
 * - Linux: `ip route get ADDRESS` (which sees the local table and policy
 *   rules), or, where `ip` is missing, worked out from `/proc/net/route` and
 *   `/proc/net/ipv6_route` (the main table only) and this machine's addresses;
 * - macOS: `route -n get ADDRESS` (`route-darwin.ts`);
 * - Windows: PowerShell's `Find-NetRoute -RemoteIPAddress ADDRESS`, or
 *   `route print` where PowerShell cannot answer (`route-windows.ts`).
 *
 * The decision says which source it came from; where none could answer, its
 * kind is `unknown` and it says which tool was tried and why it failed.
 *
 * @module
 */

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import ipaddr from "ipaddr.js";
import type { ToolRunner } from "./os-tool.js";
import {
  groupDestination,
  interfaceNetwork,
  isIp,
  isLoopback,
  longestMatch,
  maskArithmetic,
  ownerOf,
  sourceOn,
  type Interfaces,
  type ProcRoute,
  type RouteDecision,
} from "./route-common.js";
import { darwinRouteTo } from "./route-darwin.js";
import { windowsRouteTo } from "./route-windows.js";

export {
  longestMatch,
  maskArithmetic,
  type MaskArithmetic,
  type ProcRoute,
  type RouteDecision,
  type RouteKind,
  type RouteSource,
} from "./route-common.js";

/** One line of `ip route get`, taken apart. */
export interface IpRouteGet {
  /** The route type: `unicast` when ip prints none, else `local`, `broadcast`, `unreachable`, … */
  type: string;
  destination: string;
  gateway: string | null;
  interface: string | null;
  source: string | null;
}

/**
 * Parses the output of `ip route get ADDRESS` (IPv4 or IPv6).
 *
 * @example
 * ```ts
 * import { parseIpRouteGet } from "./route.js";
 * parseIpRouteGet("8.8.8.8 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0\n    cache\n");
 * // { type: "unicast", destination: "8.8.8.8", gateway: "192.0.2.1", interface: "eth0", source: "192.0.2.2" }
 * ```
 */
export function parseIpRouteGet(output: string): IpRouteGet | undefined {
  const tokens = (output.split("\n")[0] ?? "").trim().split(/\s+/);
  let type = "unicast";
  if (tokens[0] !== undefined && !isIp(tokens[0])) type = tokens.shift() as string;
  const destination = tokens.shift();
  if (destination === undefined || !isIp(destination)) return undefined;
  const after = (key: string): string | null => {
    const i = tokens.indexOf(key);
    if (i < 0) return null;
    // An IPv4 route through an IPv6 router reads `via inet6 fe80::1`.
    const next = tokens[i + 1] === "inet6" || tokens[i + 1] === "inet" ? tokens[i + 2] : tokens[i + 1];
    return next ?? null;
  };
  return { type, destination, gateway: after("via"), interface: after("dev"), source: after("src") };
}

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;
const RTF_REJECT = 0x200;
const RTF_LOCAL = 0x80000000;

/** A little-endian hex IPv4 address as /proc/net/route writes it (`0100007F` is 127.0.0.1). */
function hexToIpv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join(".");
}

const ones = (n: number) => {
  let bits = 0;
  for (let v = n >>> 0; v !== 0; v = (v << 1) >>> 0) bits++;
  return bits;
};

/**
 * Parses `/proc/net/route` (IPv4, the main table).
 *
 * @example
 * ```ts
 * import { parseProcNetRoute } from "./route.js";
 * const text =
 *   "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
 *   "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
 * parseProcNetRoute(text)[0]?.gateway; // "192.0.2.1"
 * ```
 */
export function parseProcNetRoute(text: string): ProcRoute[] {
  const routes: ProcRoute[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !/^[0-9a-f]{8}$/i.test(f[1] ?? "")) continue;
    const flags = Number.parseInt(f[3] ?? "0", 16);
    if (!(flags & RTF_UP)) continue;
    // The mask is little-endian too: reverse its bytes to count its leading ones.
    const mask = hexToIpv4(f[7] ?? "0")
      .split(".")
      .map(Number);
    const maskBits =
      (((mask[0] ?? 0) << 24) | ((mask[1] ?? 0) << 16) | ((mask[2] ?? 0) << 8) | (mask[3] ?? 0)) >>> 0;
    routes.push({
      interface: f[0] ?? "*",
      destination: hexToIpv4(f[1] ?? "0"),
      prefix: ones(maskBits),
      gateway: flags & RTF_GATEWAY ? hexToIpv4(f[2] ?? "0") : null,
      reject: (flags & RTF_REJECT) !== 0,
      local: false,
      metric: Number(f[6] ?? 0),
    });
  }
  return routes;
}

const hexToIpv6 = (hex: string) => ipaddr.IPv6.parse((hex.match(/.{4}/g) ?? []).join(":")).toString();

/**
 * Parses `/proc/net/ipv6_route` (every table, local addresses included).
 *
 * @example
 * ```ts
 * import { parseProcIpv6Route } from "./route.js";
 * const line =
 *   "00000000000000000000000000000001 80 00000000000000000000000000000000 00 " +
 *   "00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n";
 * parseProcIpv6Route(line)[0]; // a local route to ::1/128 on lo
 * ```
 */
export function parseProcIpv6Route(text: string): ProcRoute[] {
  const routes: ProcRoute[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^[0-9a-f]{32}$/i.test(f[0] ?? "")) continue;
    const flags = Number.parseInt(f[8] ?? "0", 16) >>> 0;
    if (!(flags & RTF_UP)) continue;
    routes.push({
      interface: f[9] ?? "lo",
      destination: hexToIpv6(f[0] ?? ""),
      prefix: Number.parseInt(f[1] ?? "0", 16),
      gateway: flags & RTF_GATEWAY ? hexToIpv6(f[4] ?? "") : null,
      reject: (flags & RTF_REJECT) !== 0,
      local: (flags & RTF_LOCAL) !== 0,
      metric: Number.parseInt(f[5] ?? "0", 16),
    });
  }
  return routes;
}

/** How {@link routeTo} asks the system; replaceable for tests. */
export interface RouteProbes {
  /** Runs `ip` with these arguments; `null` when there is no `ip` command. */
  ip?: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string } | null>;
  /** Reads a file under /proc. */
  readFile?: (path: string) => Promise<string>;
  /** This machine's interfaces, as `os.networkInterfaces()` gives them. */
  interfaces?: Interfaces;
  /** Whose tools to ask. Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** Runs macOS's and Windows's tools (`route`, `powershell`). */
  run?: ToolRunner;
}

function runIp(args: string[]): Promise<{ code: number; stdout: string; stderr: string } | null> {
  return new Promise((resolve) => {
    execFile("ip", args, { timeout: 5000, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === "ENOENT") resolve(null);
      else resolve({ code: err ? Number(err.code ?? 1) || 1 : 0, stdout, stderr });
    });
  });
}

/** The main table's routes for an address's family, from /proc; none when it cannot be read. */
async function procRoutes(v4: boolean, read: (path: string) => Promise<string>): Promise<ProcRoute[]> {
  try {
    const text = await read(v4 ? "/proc/net/route" : "/proc/net/ipv6_route");
    return v4 ? parseProcNetRoute(text) : parseProcIpv6Route(text);
  } catch {
    return [];
  }
}

/**
 * The kernel's route decision for an IP address, asked as this system asks it.
 *
 * @example
 * ```ts
 * import { routeTo } from "./route.js";
 * const r = await routeTo("127.0.0.1");
 * r.kind; // "loopback"
 * ```
 */
export async function routeTo(address: string, probes: RouteProbes = {}): Promise<RouteDecision> {
  const platform = probes.platform ?? process.platform;
  const interfaces = probes.interfaces ?? networkInterfaces();
  if (platform === "darwin") return darwinRouteTo(address, interfaces, probes.run);
  if (platform === "win32") return windowsRouteTo(address, interfaces, probes.run);
  return linuxRouteTo(address, probes);
}

/** Linux's route decision: `ip route get`, else /proc. */
async function linuxRouteTo(address: string, probes: RouteProbes): Promise<RouteDecision> {
  const interfaces = probes.interfaces ?? networkInterfaces();
  const bare = address.replace(/%[\w.-]+$/, "");
  const zone = /%([\w.-]+)$/.exec(address)?.[1];
  const base = {
    address: bare,
    interface: null,
    gateway: null,
    source: null,
    network: null,
    owner: null,
    reason: null,
  };
  const v4 = ipaddr.process(bare).kind() === "ipv4";
  const read = probes.readFile ?? ((p: string) => readFile(p, "utf8"));
  const ran = await (probes.ip ?? runIp)(["route", "get", bare, ...(zone ? ["oif", zone] : [])]);
  if (ran !== null) {
    const via = "ip route get" as const;
    const got = ran.code === 0 ? parseIpRouteGet(ran.stdout) : undefined;
    if (got === undefined) {
      // `RTNETLINK answers: Network is unreachable`; a blackhole or prohibit route gives `Invalid argument`.
      const words = ran.stderr.trim().replace(/^RTNETLINK answers:\s*/, "") || null;
      return { ...base, kind: "unreachable", reason: words, via };
    }
    const found = { ...base, interface: got.interface, source: got.source, via };
    if (got.type === "local") {
      if (isLoopback(bare)) return { ...found, kind: "loopback" };
      return { ...found, kind: "local", owner: ownerOf(bare, interfaces) };
    }
    if (got.type !== "unicast" && got.type !== "broadcast" && got.type !== "multicast") {
      return { ...found, kind: "unreachable", reason: got.type };
    }
    const group = groupDestination(bare, interfaces);
    if (group !== null || got.type !== "unicast") {
      const kind = group?.kind ?? (got.type as "broadcast" | "multicast");
      const network =
        group?.network ?? (kind === "broadcast" ? interfaceNetwork(bare, got.interface, interfaces) : null);
      return { ...found, kind, network, interface: got.interface ?? group?.interface ?? null };
    }
    if (got.gateway !== null) return { ...found, kind: "gateway", gateway: got.gateway };
    // The mask: the interface's own address on that network, else the route that matched (a
    // network routed onto the interface without an address of ours in it).
    let network = interfaceNetwork(bare, got.interface, interfaces);
    if (network === null) {
      const route = longestMatch(bare, await procRoutes(v4, read));
      if (route !== undefined && route.gateway === null) network = maskArithmetic(bare, route.prefix);
    }
    return { ...found, kind: "subnet", network };
  }
  const via = v4 ? ("/proc/net/route" as const) : ("/proc/net/ipv6_route" as const);
  const owner = ownerOf(bare, interfaces);
  if (isLoopback(bare)) return { ...base, kind: "loopback", interface: "lo", source: bare, via };
  // /proc/net/route holds only the main table: this machine's own addresses are found by name.
  if (owner !== null) return { ...base, kind: "local", interface: "lo", source: bare, owner, via };
  // No /proc either: nothing is known, which reads as no route.
  const route = longestMatch(bare, await procRoutes(v4, read));
  if (route === undefined || route.reject) {
    return { ...base, kind: "unreachable", reason: route ? "reject route" : "no route", via };
  }
  const group = groupDestination(bare, interfaces);
  if (group !== null) {
    const iface = group.interface ?? route.interface;
    return { ...base, ...group, interface: iface, source: sourceOn(bare, iface, interfaces), via };
  }
  const found = {
    ...base,
    interface: route.interface,
    source: sourceOn(bare, route.interface, interfaces),
    via,
  };
  if (route.gateway !== null) return { ...found, kind: "gateway", gateway: route.gateway };
  return { ...found, kind: "subnet", network: maskArithmetic(bare, route.prefix) };
}
