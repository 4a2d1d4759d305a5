/**
 * Where a listening socket can be reached from: the notes' lesson that
 * INADDR_ANY (0.0.0.0) means "every interface of this machine", made
 * concrete as a list of the addresses a client can type.
 *
 * @module
 */

import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";
import ipaddr from "ipaddr.js";

/**
 * How widely a bound address listens. `all-ipv6` is `::` with IPv6 only
 * (IPV6_V6ONLY), which {@link listenScope} cannot see from the address.
 */
export type ListenScope = "all-ipv4" | "all-ipv6" | "all" | "loopback" | "one";

/** One address a client can connect to. */
export interface ReachableAddress {
  address: string;
  family: "IPv4" | "IPv6";
  /** The interface's name (`lo`, `eth0`, …), or null if not known. */
  interface: string | null;
  loopback: boolean;
}

/**
 * Says how widely `host` listens.
 *
 * @example
 * ```ts
 * import { listenScope } from "tcpecho";
 * listenScope("0.0.0.0"); // "all-ipv4"
 * listenScope("::"); // "all"
 * listenScope("127.0.0.1"); // "loopback"
 * ```
 */
export function listenScope(host: string): ListenScope {
  if (host === "0.0.0.0") return "all-ipv4";
  if (host === "::" || host === "::0") return "all";
  if (ipaddr.isValid(host) && ipaddr.parse(host).range() === "loopback") return "loopback";
  return "one";
}

/**
 * Lists the addresses through which a server bound to `host` can be reached,
 * loopback first. For a wildcard host that is every up interface address of
 * the right family; otherwise the host itself.
 *
 * @example
 * ```ts
 * import { reachableAddresses } from "tcpecho";
 * for (const a of reachableAddresses("0.0.0.0")) console.log(a.address, a.interface);
 * ```
 */
export function reachableAddresses(
  host: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): ReachableAddress[] {
  const scope = listenScope(host);
  const all: ReachableAddress[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      // Link-local IPv6 needs a zone (%eth0) to be usable; it only confuses a learner here.
      if (info.family === "IPv6" && info.address.toLowerCase().startsWith("fe80:")) continue;
      all.push({ address: info.address, family: info.family, interface: name, loopback: info.internal });
    }
  }
  let chosen: ReachableAddress[];
  if (scope === "all-ipv4") chosen = all.filter((a) => a.family === "IPv4");
  else if (scope === "all") chosen = all;
  else {
    const known = all.find((a) => a.address === host);
    chosen = [
      known ?? {
        address: host,
        family: host.includes(":") ? "IPv6" : "IPv4",
        interface: null,
        loopback: scope === "loopback",
      },
    ];
  }
  return chosen.sort(
    (a, b) =>
      Number(b.loopback) - Number(a.loopback) || (a.family < b.family ? -1 : a.family > b.family ? 1 : 0),
  );
}
