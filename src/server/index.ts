/**
 * `tcpecho/server`: the TCP and UDP echo servers, their limits and access
 * rules, PROXY protocol, metrics, socket activation, the socket-step
 * channel and the live view, faults on purpose, with the errors and address
 * helpers they use. It loads none of the client nor the load generator.
 * `tcpecho` exports the same, and everything else.
 *
 * @example
 * ```ts
 * import { createEchoServer } from "tcpecho/server";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0, maxConnections: 100 });
 * server.on("connection", (c) => console.log("client", c.remoteAddress, c.remotePort));
 * const { port } = await server.listen();
 * console.log(`echoing on 127.0.0.1:${port}`);
 * (await server.close()).connectionsTotal; // 0
 * ```
 *
 * @module
 */

export {
  createEchoServer,
  EchoServer,
  type EchoServerOptions,
  type EchoServerAddress,
  type EchoServerStats,
  type EchoServerEvents,
  type RefusedInfo,
  type OpenConnectionInfo,
  type EchoServerState,
} from "./echo-server.js";
export { AccessRules } from "./access-rules.js";
export { ConnectionLimits, type RefusalReason } from "./connection-limits.js";
export {
  ProxyHeaderParser,
  PROXY_V1_MAX_LENGTH,
  PROXY_V2_MAX_LENGTH,
  type ProxyVersion,
  type ProxyHeader,
  type ProxyTransport,
  type ProxyParseResult,
  type ProxyErrorCode,
} from "./proxy-protocol.js";
export { registerEchoMetrics, registerUdpMetrics, serveMetrics, type MetricsEndpoint } from "./metrics.js";
export {
  createUdpEchoServer,
  UdpEchoServer,
  UDP_SERVICE_PORTS,
  UDP_ECHO_DEFAULTS,
  zeroUdpEchoStats,
  type UdpEchoOptions,
  type UdpEchoAddress,
  type UdpEchoStats,
  type UdpEchoEvents,
  type UdpDropReason,
} from "./udp-echo.js";
export type { ConnectionInfo, DisconnectInfo, DisconnectReason } from "./connection.js";
export type { TlsFailure, TlsFailureInfo } from "./tls-server.js";
export { openFileLimit, type OpenFileLimit } from "./descriptors.js";
export {
  listenFds,
  LISTEN_FDS_START,
  type ActivatedSocket,
  type ListenFdsOptions,
} from "./socket-activation.js";
export { echoDataPath, type DataPathChoice } from "./echo-path.js";
// The data path's contract as users see it: which path, and the socket-step seam (EchoServer.observe).
export type { DataPathName } from "./data-path.js";
export {
  SOCKET_STEP_CHANNEL,
  type SocketObserver,
  type SocketStep,
  type SocketStepKind,
  type SocketStepMessage,
} from "./diagnostics.js";
// A live model of a server (what `serve --ui` draws), for a program's own view.
export {
  LiveView,
  type LiveCall,
  type LiveCallName,
  type LiveConnection,
  type LiveFollowed,
  type LiveListener,
  type LiveSnapshot,
  type LiveTotals,
  type LiveViewOptions,
  type LiveWindow,
  type ServerKnownState,
  type StateSource,
} from "./live-view.js";
export { zeroEchoServerStats } from "./server-stats.js";
export {
  parseFault,
  faultCovers,
  FAULT_KINDS,
  type FaultKind,
  type FaultSpec,
  type FaultParams,
} from "./faults/spec.js";
export { FaultBook, type FaultPlan } from "./faults/plan.js";
export type { FaultEffect } from "./faults/faulted-echo.js";
export {
  faultControl,
  MAX_BODY as FAULT_CONTROL_MAX_BODY,
  type FaultControlOptions,
  type FaultHolder,
  type HttpRoute,
} from "./faults/control.js";
export { parseCidr, cidrContains, type Cidr } from "../net/cidr.js";
export { type TextEncoding } from "../net/text-encoding.js";
export * from "../net/errors-and-addresses.js";
