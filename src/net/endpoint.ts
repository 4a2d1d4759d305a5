/**
 * How an address and port are written: `127.0.0.1:9000`, `[::1]:9000`.
 * IPv4 clients of a dual-stack listener arrive as `::ffff:127.0.0.1`; they are
 * shown as the IPv4 address a person typed.
 *
 * @module
 */

/**
 * Strips the IPv4-mapped IPv6 prefix (`::ffff:`) so an IPv4 client reads as IPv4.
 *
 * @example
 * ```ts
 * import { plainAddress } from "tcpecho";
 * plainAddress("::ffff:127.0.0.1"); // "127.0.0.1"
 * plainAddress("::1"); // "::1"
 * ```
 */
export function plainAddress(address: string): string {
  if (
    address.length > 7 &&
    address.charCodeAt(0) === 58 /* : */ &&
    /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address)
  ) {
    return address.slice(7);
  }
  return address;
}

/**
 * Writes host and port the way URLs and `ss` do: brackets around IPv6.
 *
 * @example
 * ```ts
 * import { formatEndpoint } from "tcpecho";
 * formatEndpoint("127.0.0.1", 9000); // "127.0.0.1:9000"
 * formatEndpoint("::1", 9000); // "[::1]:9000"
 * ```
 */
export function formatEndpoint(host: string, port: number | undefined): string {
  const shown = plainAddress(host);
  const h = shown.includes(":") ? `[${shown}]` : shown;
  return port === undefined ? h : `${h}:${port}`;
}
