/**
 * Checking the addresses and ports people type. Ports are 16-bit (0–65535);
 * hosts are IP literals (IPv4, IPv6, with or without brackets) or host names
 * in the shape RFC 1123 allows.
 *
 * @module
 */

import ipaddr from "ipaddr.js";
import { EchoError } from "./echo-error.js";

export { DEFAULT_PORT } from "./defaults.js";

/**
 * Parses a port. `min` is 0 where "any free port" makes sense (a server), 1
 * where a real destination is needed (a client).
 *
 * @example
 * ```ts
 * import { parsePort } from "tcpecho";
 * parsePort("9000"); // 9000
 * parsePort("70000"); // throws EchoError with code "ERR_INVALID_PORT"
 * ```
 */
export function parsePort(value: string | number, min: 0 | 1 = 0): number {
  const text = String(value).trim();
  if (!/^\d{1,5}$/.test(text)) throw new EchoError("ERR_INVALID_PORT", { value: String(value), min });
  const port = Number(text);
  if (port < min || port > 65535) throw new EchoError("ERR_INVALID_PORT", { value: String(value), min });
  return port;
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/**
 * Checks a host: an IP address or a syntactically valid host name. Returns it
 * without IPv6 brackets. Does not resolve names; that is the connect step's job.
 *
 * @example
 * ```ts
 * import { parseHost } from "tcpecho";
 * parseHost("[::1]"); // "::1"
 * parseHost("localhost"); // "localhost"
 * parseHost("300.1.1.1"); // throws EchoError with code "ERR_INVALID_HOST"
 * ```
 */
export function parseHost(value: string): string {
  let host = value.trim();
  const bracketed = host.startsWith("[") && host.endsWith("]");
  if (bracketed) host = host.slice(1, -1);
  // Brackets are how IPv6 addresses are written next to a port; around anything else they are a typo.
  if (host.includes(":") || bracketed) {
    if (ipaddr.IPv6.isValid(host.replace(/%[\w.-]+$/, ""))) return host;
    throw new EchoError("ERR_INVALID_HOST", { value });
  }
  // All-numeric dotted names are meant as IPv4 and must be valid as such.
  if (/^[\d.]+$/.test(host)) {
    if (ipaddr.IPv4.isValidFourPartDecimal(host)) return host;
    throw new EchoError("ERR_INVALID_HOST", { value });
  }
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  if (name.length > 0 && name.length <= 253 && name.split(".").every((label) => HOST_LABEL.test(label))) {
    return host;
  }
  throw new EchoError("ERR_INVALID_HOST", { value });
}

/** A host with an optional port, as `parseHostPort` returns it. */
export interface HostPort {
  host: string;
  port: number | undefined;
}

/**
 * Splits `HOST[:PORT]`, `[IPv6]:PORT` or a bare IPv6 address.
 *
 * @example
 * ```ts
 * import { parseHostPort } from "tcpecho";
 * parseHostPort("127.0.0.1:9000"); // { host: "127.0.0.1", port: 9000 }
 * parseHostPort("[::1]:7"); // { host: "::1", port: 7 }
 * parseHostPort("::1"); // { host: "::1", port: undefined }
 * ```
 */
export function parseHostPort(value: string): HostPort {
  const { host, port } = splitHostPort(value.trim(), 1);
  return { host: parseHost(host), port };
}

function splitHostPort(text: string, min: 0 | 1): { host: string; port: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    const rest = bracketed[2];
    return { host: `[${bracketed[1] ?? ""}]`, port: rest === undefined ? undefined : parsePort(rest, min) };
  }
  const colons = text.split(":").length - 1;
  if (colons !== 1) return { host: text, port: undefined };
  const at = text.indexOf(":");
  return { host: text.slice(0, at), port: parsePort(text.slice(at + 1), min) };
}

/** An address as a person wrote it: either part may be left out. */
export interface AddressParts {
  host: string | undefined;
  port: number | undefined;
}

/**
 * Parses an address the way every command reads one: `HOST`, `HOST:PORT`,
 * `[IPv6]:PORT`, a bare IPv6 address, or `:PORT` (a port, the host left to
 * the command's default). `min` is the smallest port: 0 where something will
 * listen (any free port), 1 for a destination.
 *
 * @example
 * ```ts
 * import { parseAddress } from "tcpecho";
 * parseAddress(":9000"); // { host: undefined, port: 9000 }
 * parseAddress("[::1]:7"); // { host: "::1", port: 7 }
 * parseAddress("localhost"); // { host: "localhost", port: undefined }
 * ```
 */
export function parseAddress(value: string, min: 0 | 1 = 1): AddressParts {
  const text = value.trim();
  if (/^:[^:]*$/.test(text)) return { host: undefined, port: parsePort(text.slice(1), min) };
  const { host, port } = splitHostPort(text, min);
  return { host: parseHost(host), port };
}

/**
 * True for the ports below 1024 that only privileged programs may listen on.
 *
 * @example
 * ```ts
 * import { isWellKnownPort } from "tcpecho";
 * isWellKnownPort(7); // true: the echo service of RFC 862
 * ```
 */
export function isWellKnownPort(port: number): boolean {
  return port > 0 && port < 1024;
}
