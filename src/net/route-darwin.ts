/**
 * macOS's route decision: `route -n get ADDRESS` (`-inet6` for IPv6), which
 * asks the kernel's routing socket for the route it would use (route(8)).
 * It prints one `key: value` line each for `route to`, `destination`, `mask`
 * (absent for a host route), `gateway` (an address for a router, `link#N` or
 * a hardware address for a neighbour on the link), `interface` and `flags`
 * (`<UP,GATEWAY,DONE,STATIC,PRCLONING>`), and for no route at all, on
 * standard error, `route: writing to routing socket: not in table`.
 *
 * @module
 */

import ipaddr from "ipaddr.js";
import { runTool, type ToolRunner } from "./os-tool.js";
import {
  emptyDecision,
  groupDestination,
  interfaceNetwork,
  isIp,
  isLoopback,
  maskArithmetic,
  ownerOf,
  sourceOn,
  type Interfaces,
  type MaskArithmetic,
  type RouteDecision,
  withoutTool,
} from "./route-common.js";

/** `route -n get`'s answer, taken apart. */
export interface DarwinRouteGet {
  destination: string;
  /** The mask as printed (`255.255.255.0`, `ffff:ffff:ffff:ffff::`, `default`), or null for a host route. */
  mask: string | null;
  /** An address, `link#4`, a hardware address, or null. */
  gateway: string | null;
  interface: string | null;
  /** The route's flags (`UP`, `GATEWAY`, `HOST`, `LOCAL`, `REJECT`, `BLACKHOLE`, …). */
  flags: string[];
}

/**
 * Parses the output of macOS's `route -n get ADDRESS`; undefined when it has
 * no `destination` line.
 *
 * @example
 * ```ts
 * import { parseDarwinRouteGet } from "./route-darwin.js";
 * parseDarwinRouteGet(
 *   "   route to: 8.8.8.8\ndestination: default\n       mask: default\n    gateway: 192.168.1.1\n" +
 *     "  interface: en0\n      flags: <UP,GATEWAY,DONE,STATIC,PRCLONING>\n",
 * )?.gateway; // "192.168.1.1"
 * ```
 */
export function parseDarwinRouteGet(text: string): DarwinRouteGet | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\s*([a-z ]+):\s*(.*?)\s*$/.exec(line);
    if (m !== null && !fields.has(m[1] as string)) fields.set(m[1] as string, m[2] as string);
  }
  const destination = fields.get("destination");
  if (destination === undefined || destination === "") return undefined;
  const flags = /^<(.*)>$/.exec(fields.get("flags") ?? "")?.[1];
  return {
    destination,
    mask: fields.get("mask") ?? null,
    gateway: fields.get("gateway") ?? null,
    interface: fields.get("interface") ?? null,
    flags: flags === undefined || flags === "" ? [] : flags.split(","),
  };
}

/** The network from a printed mask, or null when there is none to use. */
function networkFromMask(address: string, mask: string | null): MaskArithmetic | null {
  if (mask === null || !isIp(mask)) return null;
  const parsed = ipaddr.parse(mask);
  if (parsed.kind() !== ipaddr.process(address).kind()) return null;
  const prefix = parsed.prefixLengthFromSubnetMask();
  return prefix === null ? null : maskArithmetic(address, prefix);
}

/** The route decision from `route -n get`'s answer (exit code, output). */
export function darwinDecision(
  address: string,
  ran: { code: number; stdout: string; stderr: string },
  interfaces: Interfaces,
): RouteDecision {
  const via = "route -n get" as const;
  const base = { ...emptyDecision(address), via };
  const got = parseDarwinRouteGet(ran.stdout);
  if (got === undefined) {
    // `route: writing to routing socket: not in table`, with exit code 1.
    if (/not in table/i.test(ran.stderr + ran.stdout))
      return { ...base, kind: "unreachable", reason: "not in table" };
    return { ...base, kind: "unknown", failure: ran.code === 0 ? "unparsable" : "failed" };
  }
  const flags = new Set(got.flags);
  const iface = got.interface;
  const found = {
    ...base,
    interface: iface,
    source: iface === null ? null : sourceOn(address, iface, interfaces),
  };
  if (flags.has("BLACKHOLE")) return { ...found, kind: "unreachable", reason: "blackhole" };
  if (flags.has("REJECT")) return { ...found, kind: "unreachable", reason: "reject route" };
  if (isLoopback(address)) return { ...found, kind: "loopback", source: address };
  const owner = ownerOf(address, interfaces);
  // The kernel delivers its own addresses through lo0 (a LOCAL host route).
  if (owner !== null || flags.has("LOCAL") || (iface !== null && /^lo\d*$/.test(iface))) {
    return { ...found, kind: "local", owner, source: address };
  }
  const group = groupDestination(address, interfaces);
  if (group !== null || flags.has("BROADCAST")) {
    const kind = group?.kind ?? "broadcast";
    return { ...found, kind, interface: group?.interface ?? iface, network: group?.network ?? null };
  }
  if (flags.has("GATEWAY") && got.gateway !== null && isIp(got.gateway)) {
    return { ...found, kind: "gateway", gateway: got.gateway };
  }
  const network = interfaceNetwork(address, iface, interfaces) ?? networkFromMask(address, got.mask);
  return { ...found, kind: "subnet", network };
}

/**
 * macOS's route decision for an address, from `route -n get`.
 *
 * @example
 * ```ts
 * import { networkInterfaces } from "node:os";
 * import { darwinRouteTo } from "./route-darwin.js";
 * (await darwinRouteTo("127.0.0.1", networkInterfaces())).kind; // "loopback"
 * ```
 */
export async function darwinRouteTo(
  address: string,
  interfaces: Interfaces,
  run: ToolRunner = runTool,
): Promise<RouteDecision> {
  const bare = address.replace(/%[\w.-]+$/, "");
  const v6 = ipaddr.process(bare).kind() === "ipv6";
  const ran = await run("route", ["-n", "get", ...(v6 ? ["-inet6"] : []), address], 5000);
  if (!ran.ok) return withoutTool(bare, interfaces, ["route -n get"], [ran.failure]);
  const decision = darwinDecision(bare, ran, interfaces);
  return decision.kind === "unknown"
    ? withoutTool(bare, interfaces, ["route -n get"], [decision.failure ?? "failed"])
    : decision;
}
