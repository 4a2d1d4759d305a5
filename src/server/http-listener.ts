/**
 * The server's HTTP listeners (`--metrics`, `--ui`): created, hardened,
 * listened on and closed in one place, so that both face hostile clients
 * the same way.
 *
 * - A client that has not sent a whole request head within
 *   {@link HTTP_LIMITS}.headersTimeoutMs of connecting (or of its previous
 *   answer) is answered 408 and closed, however slowly it dribbles: one that
 *   sends nothing at all too. A body gets {@link HTTP_LIMITS}.requestTimeoutMs.
 * - Headers over {@link HTTP_LIMITS}.maxHeaderSize: 431, and closed.
 * - A connection idle after an answer for {@link HTTP_LIMITS}.keepAliveTimeoutMs,
 *   or silent both ways for {@link HTTP_LIMITS}.idleTimeoutMs (an answer
 *   that cannot be written), is closed.
 * - At most {@link HTTP_LIMITS}.maxConnections connections at once: the
 *   kernel hands over more, and they are closed at once.
 * - On a loopback listener, a request whose `Host` is not a loopback address
 *   or `localhost` is answered 421 and nothing else: a web page elsewhere
 *   whose name was rebound to 127.0.0.1 (DNS rebinding) reaches neither the
 *   live page nor the fault control. Paths for machines that name the host
 *   their own way (`/metrics`, `/healthz` and `/readyz` for scrapers and
 *   health checks, such as deploy/haproxy.cfg's `Host: tcpecho`) can be left
 *   open to any `Host`: they change nothing and tell only counts.
 *
 * @module
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { toEchoError } from "../net/echo-error.js";
import { listenScope } from "../net/interfaces.js";

/** The bounds every HTTP listener of the server keeps. */
export const HTTP_LIMITS = {
  /** Request line and headers, bytes (Node's own default, fixed here so NODE_OPTIONS cannot raise it). */
  maxHeaderSize: 16 * 1024,
  /** From a request's first byte to the end of its headers, ms. Browsers and scrapers send them at once. */
  headersTimeoutMs: 5000,
  /** From a request's first byte to the end of its body (a `PUT /faults` is at most 64 KiB), ms. */
  requestTimeoutMs: 10_000,
  /** How often the two above are checked, ms: a slow client is closed at most this late. */
  checkIntervalMs: 500,
  /**
   * A connection with nothing read or written this long is closed, ms (an
   * answer stuck behind a client that does not read). Event streams send at
   * least every 5 s, so a page keeps its stream.
   */
  idleTimeoutMs: 10_000,
  /** Idle between requests, ms. */
  keepAliveTimeoutMs: 5000,
  /** Connections at once; more are closed as soon as accepted. */
  maxConnections: 1024,
} as const;

/** An HTTP listener of the server, listening. */
export interface HttpListener {
  host: string;
  port: number;
  /** Stops listening and closes every connection; the same promise when called again. */
  close(): Promise<void>;
}

/** How a listener treats requests beyond its limits. */
export interface HttpListenerOptions {
  /** Paths answered whatever the request's `Host` (see the module's note). Default none. */
  anyHost?: readonly string[];
}

/**
 * Listens on `host:port` with `handler`, under {@link HTTP_LIMITS}.
 * Rejects with an `EchoError` (operation `listen`) when it cannot bind.
 *
 * @example
 * ```ts
 * import { listenHttp } from "./http-listener.js";
 * const http = await listenHttp("127.0.0.1", 0, (_req, res) => res.end("hi\n"));
 * console.log(`curl http://127.0.0.1:${http.port}/`);
 * await http.close();
 * ```
 */
export async function listenHttp(
  host: string,
  port: number,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: HttpListenerOptions = {},
): Promise<HttpListener> {
  const loopback = host === "localhost" || listenScope(host) === "loopback";
  const anyHost = new Set(options.anyHost ?? []);
  const misplaced = (req: IncomingMessage) =>
    loopback && !anyHost.has((req.url ?? "/").split("?")[0] ?? "") && !isLoopbackHost(req.headers.host);
  const http: Server = createServer(
    {
      maxHeaderSize: HTTP_LIMITS.maxHeaderSize,
      headersTimeout: HTTP_LIMITS.headersTimeoutMs,
      requestTimeout: HTTP_LIMITS.requestTimeoutMs,
      connectionsCheckingInterval: HTTP_LIMITS.checkIntervalMs,
      keepAliveTimeout: HTTP_LIMITS.keepAliveTimeoutMs,
    },
    (req, res) => {
      if (misplaced(req)) misdirected(res);
      else handler(req, res);
    },
  );
  http.timeout = HTTP_LIMITS.idleTimeoutMs;
  http.maxConnections = HTTP_LIMITS.maxConnections;
  await new Promise<void>((resolve, reject) => {
    http.once("error", (err) => reject(toEchoError(err, { host, port, operation: "listen" })));
    http.listen({ host, port }, resolve);
  });
  const address = http.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  let closing: Promise<void> | undefined;
  return {
    host,
    port: bound,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      })),
  };
}

/**
 * Whether a `Host` header names this machine: `localhost` or a loopback
 * address, with any port.
 *
 * @example
 * ```ts
 * import { isLoopbackHost } from "./http-listener.js";
 * isLoopbackHost("127.0.0.1:8080"); // true
 * isLoopbackHost("[::1]:8080"); // true
 * isLoopbackHost("attacker.example:8080"); // false
 * ```
 */
export function isLoopbackHost(header: string | undefined): boolean {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::\d*)?$/.exec((header ?? "").trim());
  const name = (m?.[1] ?? m?.[2] ?? "").toLowerCase();
  if (name === "localhost" || name === "localhost.") return true;
  return isIP(name) !== 0 && ipaddr.process(name).range() === "loopback";
}

function misdirected(res: ServerResponse): void {
  res.shouldKeepAlive = false;
  res
    .writeHead(421, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" })
    .end("this listener answers only to localhost, 127.0.0.1 or [::1]\n");
}
