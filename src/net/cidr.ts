/**
 * Address ranges in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`, or a single
 * address), for access rules and trusted proxies.
 *
 * @module
 */

import ipaddr from "ipaddr.js";
import { EchoError } from "./echo-error.js";

/** A parsed range: the network address, its prefix length, and how it was written. */
export interface Cidr {
  readonly text: string;
  readonly kind: "ipv4" | "ipv6";
  readonly network: ipaddr.IPv4 | ipaddr.IPv6;
  readonly prefix: number;
}

/**
 * Parses `a.b.c.d/n`, `x:y::/n`, or a bare address (a range of one). `option`
 * names the option in the error.
 *
 * @example
 * ```ts
 * import { parseCidr } from "tcpecho";
 * parseCidr("10.0.0.0/8").prefix; // 8
 * parseCidr("::1").prefix; // 128
 * parseCidr("10.0.0.0/33"); // throws EchoError with code "ERR_INVALID_OPTION"
 * ```
 */
export function parseCidr(value: string, option = "allow"): Cidr {
  const text = value.trim();
  try {
    if (text.includes("/")) {
      const [address, bits] = text.split("/");
      // ipaddr accepts odd IPv4 spellings (0x7f.1); ranges must be written plainly.
      if (address === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) throw new Error();
      if (!address.includes(":") && !ipaddr.IPv4.isValidFourPartDecimal(address)) throw new Error();
      const [network, prefix] = ipaddr.parseCIDR(text);
      return { text, kind: network.kind(), network, prefix };
    }
    if (!text.includes(":") && !ipaddr.IPv4.isValidFourPartDecimal(text)) throw new Error();
    const network = ipaddr.parse(text);
    return { text, kind: network.kind(), network, prefix: network.kind() === "ipv4" ? 32 : 128 };
  } catch {
    throw new EchoError("ERR_INVALID_OPTION", { value, option, expect: "cidr" });
  }
}

/**
 * True when `address` (a plain IPv4 or IPv6 address, as the server reports
 * clients) lies in `range`. IPv4-mapped IPv6 addresses count as IPv4.
 *
 * @example
 * ```ts
 * import { parseCidr, cidrContains } from "tcpecho";
 * cidrContains(parseCidr("192.168.0.0/16"), "192.168.1.20"); // true
 * cidrContains(parseCidr("192.168.0.0/16"), "::ffff:192.168.1.20"); // true
 * ```
 */
export function cidrContains(range: Cidr, address: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address.replace(/%[\w.-]+$/, ""));
  } catch {
    return false;
  }
  if (parsed.kind() !== range.kind) return false;
  return parsed.match(range.network, range.prefix);
}
