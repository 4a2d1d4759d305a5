/**
 * What every system's route decision shares: its shape ({@link RouteDecision}),
 * the mask arithmetic, the longest-prefix match over a table, and what this
 * machine's interface list tells (its own addresses, their networks, the
 * broadcast and multicast destinations). The backends (`route.ts` for Linux,
 * `route-darwin.ts`, `route-windows.ts`) build on it.
 *
 * @module
 */

import type { NetworkInterfaceInfo } from "node:os";
import ipaddr from "ipaddr.js";
import type { ToolFailure } from "./os-tool.js";

/**
 * The four answers of the notes' question, and none:
 * `loopback` (127.0.0.0/8, ::1), `local` (one of this machine's own
 * addresses, delivered inside it), `subnet` (on an interface's network, sent
 * straight to the host), `gateway` (handed to a router), `unreachable` (no route).
 * And two destinations that are no one host: `broadcast` (255.255.255.255,
 * or a subnet's broadcast address: every host bit 1 in an interface's
 * network) and `multicast` (a group: 224.0.0.0/4, ff00::/8).
 * And `unknown`: the system's tool could not answer (see `failure`).
 */
export type RouteKind =
  "loopback" | "local" | "subnet" | "gateway" | "unreachable" | "broadcast" | "multicast" | "unknown";

/** Where a route decision came from. */
/**
 * Where a route decision came from: the tool or table asked, or
 * `interfaces` — this machine's own address list, which alone tells a
 * loopback or own address when no tool could answer (with `tried` and
 * `failure` saying which tools and why).
 */
export type RouteSource =
  | "ip route get"
  | "/proc/net/route"
  | "/proc/net/ipv6_route"
  | "route -n get"
  | "Find-NetRoute"
  | "route print"
  | "interfaces";

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
  /** Which source of truth decided (for `unknown`: the tool that was tried last). */
  via: RouteSource;
  /** For `unknown`, and `interfaces`: why the tool gave no answer (the last one asked). */
  failure?: ToolFailure;
  /** For `unknown` (when more than one tool was tried) and `interfaces`: each tool asked, in order. */
  tried?: RouteSource[];
  /** With `tried`: why each of those tools gave no answer, in the same order. */
  failures?: ToolFailure[];
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

export const isIp = (text: string) => ipaddr.isValid(text.replace(/%[\w.-]+$/, ""));

export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

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

export function ownerOf(address: string, interfaces: Interfaces): string | null {
  for (const [name, infos] of Object.entries(interfaces)) {
    if ((infos ?? []).some((i) => sameAddress(i.address, address))) return name;
  }
  return null;
}

export function sameAddress(a: string, b: string): boolean {
  try {
    return ipaddr.process(a.replace(/%[\w.-]+$/, "")).toString() === ipaddr.process(b).toString();
  } catch {
    return false;
  }
}

/** The network of the interface's address that holds `address`, from the interface list. */
export function interfaceNetwork(
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
export function groupDestination(
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

export function sourceOn(address: string, name: string, interfaces: Interfaces): string | null {
  const kind = ipaddr.process(address).kind();
  const infos = (interfaces[name] ?? []).filter(
    (i) => (i.family === "IPv4") === (kind === "ipv4") && !i.address.toLowerCase().startsWith("fe80:"),
  );
  return infos[0]?.address ?? null;
}

export const isLoopback = (address: string) => ipaddr.process(address).range() === "loopback";

/** A decision with nothing found yet, for `address` (no zone). */
export function emptyDecision(address: string): Omit<RouteDecision, "kind" | "via"> {
  return { address, interface: null, gateway: null, source: null, network: null, owner: null, reason: null };
}

/**
 * What is known when no tool could answer: a loopback address, or one of this
 * machine's own addresses, by the interface list; else `unknown`.
 */
export function withoutTool(
  address: string,
  interfaces: Interfaces,
  tried: RouteSource[],
  failures: ToolFailure[],
): RouteDecision {
  const owner = ownerOf(address, interfaces);
  const failure = failures.at(-1) ?? "failed";
  const known = { ...emptyDecision(address), via: "interfaces" as const, tried, failure, failures };
  if (isLoopback(address)) return { ...known, source: address, kind: "loopback", interface: owner };
  if (owner !== null) return { ...known, source: address, kind: "local", owner };
  return {
    ...emptyDecision(address),
    kind: "unknown",
    via: tried.at(-1) ?? "interfaces",
    failure,
    ...(tried.length > 1 ? { tried, failures } : {}),
  };
}
