/**
 * What kind of address a learner is looking at: loopback, a private range,
 * the public Internet, link-local, carrier-grade NAT, or a range set aside
 * for documentation. IPv4 and IPv6 (an IPv4-mapped IPv6 address counts as
 * its IPv4 address).
 *
 * @module
 */

import ipaddr from "ipaddr.js";

/** The range an address belongs to. */
export type AddressScope =
  | "loopback"
  | "private"
  | "public"
  | "link-local"
  | "cgnat"
  | "documentation"
  | "multicast"
  | "broadcast"
  | "unspecified"
  | "reserved";

// Documentation ranges (RFC 5737, RFC 3849, RFC 9637); ipaddr.js files them under "reserved".
const DOCUMENTATION = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20"].map(
  (c) => ipaddr.parseCIDR(c),
);

/**
 * The scope of an address, or `undefined` when it is not an IP address.
 *
 * @example
 * ```ts
 * import { addressScope } from "./address-scope.js";
 * addressScope("127.0.0.1"); // "loopback"
 * addressScope("100.64.0.1"); // "cgnat"
 * addressScope("fd00::1"); // "private"
 * addressScope("2001:db8::1"); // "documentation"
 * ```
 */
export function addressScope(address: string): AddressScope | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address.replace(/%[\w.-]+$/, ""));
  } catch {
    return undefined;
  }
  if (DOCUMENTATION.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits))) {
    return "documentation";
  }
  switch (parsed.range()) {
    case "loopback":
      return "loopback";
    case "private":
    case "uniqueLocal":
      return "private";
    case "linkLocal":
      return "link-local";
    case "carrierGradeNat":
      return "cgnat";
    case "multicast":
      return "multicast";
    case "broadcast":
      return "broadcast";
    case "unspecified":
      return "unspecified";
    case "unicast":
      return "public";
    default:
      return "reserved";
  }
}
