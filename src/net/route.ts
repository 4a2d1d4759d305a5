/**
 * Where the kernel sends a packet for an address: its own route decision,
 * asked with `ip route get ADDRESS` (which sees the local table and policy
 * rules), or, where `ip` is missing, worked out from `/proc/net/route` and
 * `/proc/net/ipv6_route` (the main table only) and this machine's addresses.
 * The decision says which of the two it came from.
 *
 * @module
 */

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";
import ipaddr from "ipaddr.js";

/**
 * The four answers of the notes' question, and none:
 * `loopback` (127.0.0.0/8, ::1), `local` (one of this machine's own
 * addresses, delivered inside it), `subnet` (on an interface's network, sent
 * straight to the host), `gateway` (handed to a router), `unreachable` (no route).
 * And two destinations that are no one host: `broadcast` (255.255.255.255,
 * or a subnet's broadcast address: every host bit 1 in an interface's
 * network) and `multicast` (a group: 224.0.0.0/4, ff00::/8).
 */
export type RouteKind =
  "loopback" | "local" | "subnet" | "gateway" | "unreachable" | "broadcast" | "multicast";

/** Where a route decision came from. */
export type RouteSource = "ip route get" | "/proc/net/route" | "/proc/net/ipv6_route";

/** The subnet mask arithmetic: address AND mask = network. */
export interface MaskArithmetic {
  address: string;
  /** The mask, dotted for IPv4 (`255.255.255.0`), expanded for IPv6. */
  mask: string;
  prefix: number;
  network: string;
  /** `network/prefix`. */
  cidr: string;
}

/** The kernel's route decision for one address. */
export interface RouteDecision {
  kind: RouteKind;
  address: string;
  /** The interface the packet leaves by (`lo` for loopback and local), or null. */
  interface: string | null;
  /** The router it is handed to (kind `gateway`), or null. */
  gateway: string | null;
  /** The source address the kernel would use, or null if not known. */
  source: string | null;
  /** For `subnet`, and `broadcast` to a subnet: the network, address AND mask; otherwise null. */
  network: MaskArithmetic | null;
  /** For `local`: the interface that holds the address, when known. */
  owner: string | null;
  /** For `unreachable`: the kernel's words (`Network is unreachable`) or the route's type. */
  reason: string | null;
  /** Which source of truth decided. */
  via: RouteSource;
}

/** One line of `ip route get`, taken apart. */
export interface IpRouteGet {
  /** The route type: `unicast` when ip prints none, else `local`, `broadcast`, `unreachable`, … */
  type: string;
  destination: string;
  gateway: string | null;
  interface: string | null;
  source: string | null;
}

const isIp = (text: string) => ipaddr.isValid(text.replace(/%[\w.-]+$/, ""));

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

/** A route from `/proc/net/route` or `/proc/net/ipv6_route`. */
export interface ProcRoute {
  interface: string;
  destination: string;
  prefix: number;
  /** The gateway, or null for a directly connected network. */
  gateway: string | null;
  /** RTF_REJECT: an unreachable, prohibit or blackhole route. */
  reject: boolean;
  /** RTF_LOCAL (IPv6 only): one of this machine's addresses. */
  local: boolean;
  metric: number;
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

/**
 * The route a table chooses for an address: the longest matching prefix,
 * then the lowest metric.
 *
 * @example
 * ```ts
 * import { longestMatch } from "./route.js";
 * const r = (destination: string, prefix: number) =>
 *   ({ interface: "eth0", destination, prefix, gateway: null, reject: false, local: false, metric: 0 });
 * longestMatch("10.1.2.3", [r("0.0.0.0", 0), r("10.1.0.0", 16)])?.prefix; // 16
 * ```
 */
export function longestMatch(address: string, routes: readonly ProcRoute[]): ProcRoute | undefined {
  const a = ipaddr.process(address);
  let best: ProcRoute | undefined;
  for (const r of routes) {
    const net = ipaddr.parse(r.destination);
    if (net.kind() !== a.kind() || !a.match(net, r.prefix)) continue;
    if (!best || r.prefix > best.prefix || (r.prefix === best.prefix && r.metric < best.metric)) best = r;
  }
  return best;
}

/**
 * The mask arithmetic of an address in a network of `prefix` bits.
 *
 * @example
 * ```ts
 * import { maskArithmetic } from "./route.js";
 * maskArithmetic("10.1.0.3", 24);
 * // { address: "10.1.0.3", mask: "255.255.255.0", prefix: 24, network: "10.1.0.0", cidr: "10.1.0.0/24" }
 * ```
 */
export function maskArithmetic(address: string, prefix: number): MaskArithmetic {
  const a = ipaddr.process(address.replace(/%[\w.-]+$/, ""));
  const kind = a.kind();
  const mask =
    kind === "ipv4"
      ? ipaddr.IPv4.subnetMaskFromPrefixLength(prefix)
      : ipaddr.IPv6.subnetMaskFromPrefixLength(prefix);
  const maskBytes = mask.toByteArray();
  const network = ipaddr.fromByteArray(a.toByteArray().map((b, i) => b & (maskBytes[i] ?? 0))).toString();
  return { address: a.toString(), mask: mask.toString(), prefix, network, cidr: `${network}/${prefix}` };
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

function ownerOf(address: string, interfaces: Interfaces): string | null {
  for (const [name, infos] of Object.entries(interfaces)) {
    if ((infos ?? []).some((i) => sameAddress(i.address, address))) return name;
  }
  return null;
}

function sameAddress(a: string, b: string): boolean {
  try {
    return ipaddr.process(a.replace(/%[\w.-]+$/, "")).toString() === ipaddr.process(b).toString();
  } catch {
    return false;
  }
}

/** The network of the interface's address that holds `address`, from the interface list. */
function interfaceNetwork(
  address: string,
  name: string | null,
  interfaces: Interfaces,
): MaskArithmetic | null {
  if (name === null) return null;
  const a = ipaddr.process(address);
  for (const info of interfaces[name] ?? []) {
    if (info.cidr === null) continue;
    const prefix = Number(info.cidr.split("/")[1]);
    const own = ipaddr.process(info.address.replace(/%[\w.-]+$/, ""));
    if (own.kind() === a.kind() && a.match(own, prefix)) return maskArithmetic(address, prefix);
  }
  return null;
}

/**
 * A destination that is no one host, or null: multicast (by its range),
 * the limited broadcast 255.255.255.255, or the broadcast address of an
 * interface's IPv4 network (every host bit 1, by that interface's prefix).
 */
function groupDestination(
  address: string,
  interfaces: Interfaces,
): { kind: "broadcast" | "multicast"; interface: string | null; network: MaskArithmetic | null } | null {
  const a = ipaddr.process(address);
  if (a.range() === "multicast") return { kind: "multicast", interface: null, network: null };
  if (a.kind() !== "ipv4") return null;
  if (a.toString() === "255.255.255.255") return { kind: "broadcast", interface: null, network: null };
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== "IPv4" || info.cidr === null) continue;
      const prefix = Number(info.cidr.split("/")[1]);
      // A /31 or /32 has no broadcast address (RFC 3021).
      if (prefix > 30) continue;
      const own = ipaddr.IPv4.parse(info.address);
      if (!a.match(own, prefix)) continue;
      if (ipaddr.IPv4.broadcastAddressFromCIDR(info.cidr).toString() === a.toString())
        return { kind: "broadcast", interface: name, network: maskArithmetic(address, prefix) };
    }
  }
  return null;
}

function sourceOn(address: string, name: string, interfaces: Interfaces): string | null {
  const kind = ipaddr.process(address).kind();
  const infos = (interfaces[name] ?? []).filter(
    (i) => (i.family === "IPv4") === (kind === "ipv4") && !i.address.toLowerCase().startsWith("fe80:"),
  );
  return infos[0]?.address ?? null;
}

/** How {@link routeTo} asks the system; replaceable for tests. */
export interface RouteProbes {
  /** Runs `ip` with these arguments; `null` when there is no `ip` command. */
  ip?: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string } | null>;
  /** Reads a file under /proc. */
  readFile?: (path: string) => Promise<string>;
  /** This machine's interfaces, as `os.networkInterfaces()` gives them. */
  interfaces?: Interfaces;
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

const isLoopback = (address: string) => ipaddr.process(address).range() === "loopback";

/**
 * The kernel's route decision for an IP address.
 *
 * @example
 * ```ts
 * import { routeTo } from "./route.js";
 * const r = await routeTo("127.0.0.1");
 * r.kind; // "loopback"
 * ```
 */
export async function routeTo(address: string, probes: RouteProbes = {}): Promise<RouteDecision> {
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
