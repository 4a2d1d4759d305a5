/**
 * Every default that more than one part of tcpecho shares, written once:
 * the server, the client, the pinger, the load generator and the command
 * line import these instead of repeating the number.
 *
 * @example
 * ```ts
 * import { DEFAULT_KEEPALIVE_MS } from "./defaults.js";
 * DEFAULT_KEEPALIVE_MS / 1000; // 60: a silent connection is probed after a minute
 * ```
 *
 * @module
 */

/**
 * TCP keepalive's idle time before the first probe, in ms, on every
 * connection tcpecho makes or accepts. A minute: long enough to cost nothing,
 * short enough that a peer gone without a FIN or RST is noticed within
 * minutes rather than the system's two hours.
 */
export const DEFAULT_KEEPALIVE_MS = 60_000;

/** Where a client connects when nothing says otherwise: this machine, over IPv4. */
export const DEFAULT_HOST = "127.0.0.1";
