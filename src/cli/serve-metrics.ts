/**
 * `serve --metrics`: which process counts what, and who serves it. A single
 * process registers its own server's series and serves them itself (the
 * listener is `serve-http.ts`'s, shared with `--ui` when asked); under
 * `--workers` each worker registers its own and answers the primary, which
 * serves the sum of them all.
 *
 * @module
 */

import { register } from "prom-client";
import type { EchoServer } from "../server/echo-server.js";
import {
  clusterRegistry,
  registerEchoMetrics,
  registerUdpMetrics,
  serveMetrics,
  type MetricsEndpoint,
} from "../server/metrics.js";
import type { UdpEchoServer } from "../server/udp-echo.js";
import { onPort } from "./address-options.js";
import type { ListenAddress } from "./serve-http.js";

/**
 * Counts `server`'s series when `--metrics` is on; in a worker, also answers
 * the primary's requests for them.
 */
export function countServer(server: EchoServer, metrics: ListenAddress | undefined, worker: boolean): void {
  if (metrics === undefined) return;
  registerEchoMetrics(server, register);
  if (worker) clusterRegistry();
}

/** Counts the UDP echo's series too, when `--metrics` is on. */
export function countUdp(udp: UdpEchoServer | undefined, metrics: ListenAddress | undefined): void {
  if (udp !== undefined && metrics !== undefined) registerUdpMetrics(udp, register);
}

/**
 * The primary's `--metrics` under `--workers`: the sum of every worker's
 * series; `ready()` answers `/readyz`.
 */
export async function serveClusterMetrics(
  at: ListenAddress | undefined,
  ready: () => boolean,
): Promise<MetricsEndpoint | undefined> {
  if (at === undefined) return undefined;
  const registry = clusterRegistry();
  return serveMetrics(at.host, at.port, () => registry.clusterMetrics(), ready).catch((e: unknown) => {
    throw onPort(e, "--metrics");
  });
}
