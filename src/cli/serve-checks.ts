/**
 * What `serve` checks of its command line as a whole before it starts (and
 * before `--workers` forks, so that a mistake is one line, not one per
 * worker): options that contradict each other or the platform, the sockets
 * systemd passed, the TLS files, the fault control's listener and token.
 *
 * @module
 */

import { isIP } from "node:net";
import { EchoError } from "../net/echo-error.js";
import { formatEndpoint } from "../net/endpoint.js";
import { listenScope } from "../net/interfaces.js";
import type { FaultControlOptions } from "../server/faults/control.js";
import { listenFds, type ActivatedSocket } from "../server/socket-activation.js";
import { sameListenAddress } from "./address-options.js";
import type { ServeOptions } from "./serve-options.js";
import { tlsFiles, type TlsFiles } from "./serve-tls.js";

/** What the checks found, for the run. */
export interface ServePlan {
  /** The listening sockets systemd passed (none: bind the address given). */
  activated: ActivatedSocket[];
  tls: TlsFiles | undefined;
  control: FaultControlOptions;
}

/** Checks the command line as a whole; a mistake is a usage error naming the option. */
export function checkServe(opts: ServeOptions): ServePlan {
  const activated = activatedSockets(opts);
  if (activated.length === 0) {
    checkIpv6Only(opts);
    checkHttpPorts(opts);
  }
  checkUiWorkers(opts);
  checkUdpWorkers(opts);
  const tls = tlsFiles(opts);
  return { activated, tls, control: controlOptions(opts) };
}

/** `--ipv6-only` on an IPv4 address (the default 0.0.0.0 included) would accept nobody it means to. */
function checkIpv6Only(opts: ServeOptions): void {
  if (opts.ipv6Only && isIP(opts.host) === 4)
    throw new EchoError("ERR_INVALID_OPTION", { value: opts.host, option: "--ipv6-only", expect: "ipv6" });
}

/** `--metrics` or `--ui` on the echo port itself: it would take the port first, and the echo would find it in use. */
function checkHttpPorts(opts: ServeOptions): void {
  for (const [option, m] of [
    ["--metrics", opts.metrics],
    ["--ui", opts.ui],
  ] as const) {
    if (m === undefined || m.port === 0 || m.port !== opts.port) continue;
    if (!sameListenAddress(opts.host, m.host, opts.ipv6Only ?? false)) continue;
    throw new EchoError("ERR_INVALID_OPTION", {
      value: formatEndpoint(m.host, m.port),
      option,
      expect: "same-port",
      detail: formatEndpoint(opts.host, opts.port),
    });
  }
}

/** `--ui` with `--workers`: the page watches one process's sockets, and each worker has its own. */
function checkUiWorkers(opts: ServeOptions): void {
  if (opts.ui !== undefined && opts.workers > 1)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: formatEndpoint(opts.ui.host, opts.ui.port),
      option: "--ui",
      expect: "ui-workers",
    });
}

/** `--udp` with `--workers` on Windows: Node's cluster cannot share a UDP socket there (ENOTSUP). */
function checkUdpWorkers(opts: ServeOptions): void {
  if (opts.udp === true && opts.workers > 1 && process.platform === "win32")
    throw new EchoError("ERR_INVALID_OPTION", {
      value: String(opts.workers),
      option: "--udp",
      expect: "udp-workers",
    });
}

/**
 * Socket activation: the listening sockets systemd passed (taken from the
 * environment, so that children do not inherit them), and what the command
 * line cannot ask with them: an address to bind, or several processes.
 */
function activatedSockets(opts: ServeOptions): ActivatedSocket[] {
  const sockets = listenFds();
  if (sockets.length === 0) return sockets;
  const flags: Record<string, string> = { host: "--host", port: "--port", ipv6Only: "--ipv6-only" };
  const given = opts.bindGiven[0];
  if (given !== undefined) {
    const value = String(opts[given as keyof ServeOptions]);
    throw new EchoError("ERR_INVALID_OPTION", {
      value,
      option: flags[given] ?? given,
      expect: "socket-activation",
    });
  }
  if (opts.workers > 1) {
    throw new EchoError("ERR_INVALID_OPTION", {
      value: String(opts.workers),
      option: "--workers",
      expect: "socket-activation",
    });
  }
  return sockets;
}

/**
 * `--control` and its token: the control needs an HTTP listener (`--ui` or
 * `--metrics`), and one reachable beyond this machine needs a token (anyone
 * who reaches it could otherwise make the server reset every client).
 */
function controlOptions(opts: ServeOptions): FaultControlOptions {
  const token = opts.controlToken === "" ? undefined : opts.controlToken;
  if (opts.control !== true) {
    // A token typed for a control that is off protects nothing: a mistake worth saying (the
    // environment variable may be set for every run, so it alone is no mistake).
    if (opts.controlTokenGiven)
      throw new EchoError("ERR_INVALID_OPTION", {
        option: "--control",
        needs: "--control-token",
        expect: "missing",
      });
    return { enabled: false };
  }
  if (opts.metrics === undefined && opts.ui === undefined)
    throw new EchoError("ERR_INVALID_OPTION", { option: "--control", expect: "control-listener" });
  // Under --workers the primary serves the HTTP listener, and each worker its own faults.
  if (opts.workers > 1)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: String(opts.workers),
      option: "--control",
      expect: "control-workers",
    });
  for (const [option, at] of [
    ["--ui", opts.ui],
    ["--metrics", opts.metrics],
  ] as const) {
    const loopback = at === undefined || listenScope(at.host) === "loopback" || at.host === "localhost";
    if (token === undefined && !loopback)
      throw new EchoError("ERR_INVALID_OPTION", {
        value: formatEndpoint(at.host, at.port),
        option: "--control",
        expect: "control-token",
        detail: option,
      });
  }
  return { enabled: true, token };
}
