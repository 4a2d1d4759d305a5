/**
 * `serve`'s HTTP listeners: `--metrics` (Prometheus, health) and `--ui` (the
 * live page), each with the fault control's `/faults` (`--control`). Given
 * the same address, they share one listener.
 *
 * @module
 */

import { register } from "prom-client";
import { EchoError } from "../net/echo-error.js";
import { parseAddress, parsePort } from "../net/address.js";
import { formatEndpoint } from "../net/endpoint.js";
import type { EchoServer } from "../server/echo-server.js";
import { faultControl, type FaultControlOptions, type HttpRoute } from "../server/faults/control.js";
import { listenHttp, type HttpListener } from "../server/http-listener.js";
import { serveMetrics } from "../server/metrics.js";
import { liveRoute, pageListener } from "../ui/live-route.js";
import type { PageControl, PageLang } from "../ui/page-html.js";
import { named, onPort } from "./address-options.js";
import type { ServeLog } from "./serve-log.js";

/** Where an HTTP listener listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * `--ui [HOST:]PORT`: a bare port (or `:PORT`) listens on 127.0.0.1, so that
 * the page stays on this machine unless a host is asked for.
 *
 * @example
 * ```ts
 * import { parseUiAddress } from "./serve-http.js";
 * parseUiAddress("8080"); // { host: "127.0.0.1", port: 8080 }
 * parseUiAddress("0.0.0.0:8080"); // { host: "0.0.0.0", port: 8080 }
 * ```
 */
export function parseUiAddress(value: string): ListenAddress {
  const { host, port } = named("--ui", () =>
    /^\s*\d+\s*$/.test(value)
      ? { host: undefined, port: parsePort(value.trim(), 0) }
      : parseAddress(value, 0),
  );
  if (port === undefined)
    throw new EchoError("ERR_INVALID_OPTION", { value, reason: { kind: "host-port", flag: "--ui" } });
  return { host: host ?? "127.0.0.1", port };
}

/** What the HTTP listeners serve. */
export interface HttpPlan {
  metrics: ListenAddress | undefined;
  ui: ListenAddress | undefined;
  /** The page's language: `--lang` when given, else each browser's. */
  lang: PageLang | undefined;
  control: FaultControlOptions;
}

/** The listeners started, and how to close them all. */
export interface HttpListeners {
  /** Stops them, ending the page's event streams first; the same promise when called again. */
  close(): Promise<void>;
}

/**
 * Whether `--ui` and `--metrics` name one address, and so share a listener
 * (port 0 twice asks for two free ports, so two listeners).
 */
function shared(plan: HttpPlan): boolean {
  const { metrics, ui } = plan;
  return (
    metrics !== undefined &&
    ui !== undefined &&
    metrics.port !== 0 &&
    metrics.host === ui.host &&
    metrics.port === ui.port
  );
}

/** The page's fault panel: none without `--control`, asking for the token when there is one. */
function pageControl(control: FaultControlOptions): PageControl {
  if (!control.enabled) return "off";
  return control.token === undefined ? "open" : "token";
}

/**
 * Starts the listeners `plan` asks for (none, one or two) for `server`;
 * `logStart` says where they are.
 */
export async function startHttp(
  server: EchoServer,
  plan: HttpPlan,
): Promise<HttpListeners & { logStart(log: ServeLog): void }> {
  const faults = faultControl(server, plan.control);
  const live =
    plan.ui === undefined
      ? undefined
      : liveRoute(server, { lang: plan.lang, control: pageControl(plan.control) });
  const listeners: HttpListener[] = [];
  const lines: ((log: ServeLog) => void)[] = [];
  try {
    if (plan.metrics !== undefined) {
      const routes: HttpRoute[] = shared(plan) && live !== undefined ? [faults, live.route] : [faults];
      const endpoint = await serveMetrics(
        plan.metrics.host,
        plan.metrics.port,
        () => register.metrics(),
        () => !server.draining,
        (req, res) => routes.some((route) => route(req, res)),
      ).catch((e: unknown) => {
        throw onPort(e, "--metrics");
      });
      listeners.push(endpoint);
      lines.push((log) => log.metrics(metricsUrl(endpoint.host, endpoint.port)));
      if (shared(plan)) lines.push((log) => log.livePage(pageUrl(endpoint)));
    }
    if (plan.ui !== undefined && live !== undefined && !shared(plan)) {
      const endpoint = await listenHttp(plan.ui.host, plan.ui.port, pageListener(faults, live.route)).catch(
        (e: unknown) => {
          throw onPort(e, "--ui");
        },
      );
      listeners.push(endpoint);
      lines.push((log) => log.livePage(pageUrl(endpoint)));
    }
  } catch (err) {
    live?.close();
    await Promise.all(listeners.map((l) => l.close()));
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    logStart: (log) => {
      for (const line of lines) line(log);
    },
    close: () =>
      (closing ??= (async () => {
        // The page's streams end first, so that a page sees its stream finish rather than break.
        live?.close();
        await Promise.all(listeners.map((l) => l.close()));
      })()),
  };
}

/** The URL people can open for a metrics endpoint. */
export function metricsUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}/metrics`;
}

/** The URL of the live page. */
function pageUrl(at: ListenAddress): string {
  return `http://${formatEndpoint(at.host, at.port)}/`;
}
