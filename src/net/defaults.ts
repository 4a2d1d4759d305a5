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

/** The default port of the lecture notes' echo example: where the server listens and clients connect. */
export const DEFAULT_PORT = 9000;

/**
 * The echo server's defaults, the same for `createEchoServer` and
 * `tcpecho serve` (durations in ms; 0 means off or no limit).
 *
 * @example
 * ```ts
 * import { SERVER_DEFAULTS } from "./defaults.js";
 * SERVER_DEFAULTS.backlog; // 511
 * ```
 */
export const SERVER_DEFAULTS = {
  /** Every IPv4 interface, as the notes' `INADDR_ANY`. */
  host: "0.0.0.0",
  /** listen()'s backlog: nginx's and Redis's, below the kernel's usual SOMAXCONN of 4096. */
  backlog: 511,
  drainTimeoutMs: 10_000,
  shutdownDelayMs: 0,
  maxConnections: 0,
  maxPerIp: 0,
  idleTimeoutMs: 0,
  tlsHandshakeTimeoutMs: 10_000,
  proxyTimeoutMs: 10_000,
} as const;
