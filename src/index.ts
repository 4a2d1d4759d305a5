/**
 * tcpecho as a library: the echo server, the client, `readExactly` (the
 * textbook's `recvn`), and the address and error helpers they use. Nothing
 * here prints, and nothing here is the CLI's: its language catalogues
 * (`src/i18n`) and output helpers stay inside the command.
 *
 * @example
 * ```ts
 * import { createEchoServer, connect } from "tcpecho";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const { port } = await server.listen();
 * const client = await connect({ host: "127.0.0.1", port });
 * const reply = await client.echo(Buffer.from("hello")); // exactly 5 bytes back
 * await client.close();
 * console.log(reply.toString(), (await server.close()).bytesIn); // "hello" 5
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
} from "./server/echo-server.js";
export { AccessRules } from "./server/access-rules.js";
export { ConnectionLimits, type RefusalReason } from "./server/connection-limits.js";
export { parseCidr, cidrContains, type Cidr } from "./net/cidr.js";
export {
  ProxyHeaderParser,
  PROXY_V1_MAX_LENGTH,
  PROXY_V2_MAX_LENGTH,
  type ProxyVersion,
  type ProxyHeader,
  type ProxyTransport,
  type ProxyParseResult,
  type ProxyErrorCode,
} from "./server/proxy-protocol.js";
export {
  registerEchoMetrics,
  registerUdpMetrics,
  serveMetrics,
  type MetricsEndpoint,
} from "./server/metrics.js";
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
} from "./server/udp-echo.js";
export type { ConnectionInfo, DisconnectInfo, DisconnectReason } from "./server/connection.js";
export type { TlsFailure, TlsFailureInfo } from "./server/tls-server.js";
export { openFileLimit, type OpenFileLimit } from "./server/descriptors.js";
export {
  listenFds,
  LISTEN_FDS_START,
  type ActivatedSocket,
  type ListenFdsOptions,
} from "./server/socket-activation.js";
export { connect, EchoClient, type ConnectOptions } from "./client/connect.js";
export { readExactly, type ReadExactlyOptions } from "./client/read-exactly.js";
export { streamEcho, type StreamEchoOptions, type StreamEchoResult } from "./client/stream-echo.js";
export {
  ping,
  PING_DEFAULT_SIZE,
  PING_MIN_SIZE,
  PING_MAX_SIZE,
  type PingOptions,
  type PingStart,
  type PingReport,
  type ProbeResult,
} from "./client/ping.js";
export { summarizeRtts, type PingStats } from "./client/ping-stats.js";
export {
  EchoError,
  toEchoError,
  type EchoErrorCode,
  type EchoErrorContext,
  type UsageErrorCode,
  type NetworkErrorCode,
  type EchoErrorReason,
  type EchoErrorReasonKind,
  type ProxyHeaderReason,
} from "./net/echo-error.js";
export {
  parsePort,
  parseHost,
  parseHostPort,
  parseAddress,
  isWellKnownPort,
  DEFAULT_PORT,
  type HostPort,
  type AddressParts,
} from "./net/address.js";
export { formatEndpoint, plainAddress } from "./net/endpoint.js";
export { effectiveBacklog, kernelBacklogCap } from "./net/backlog.js";
// The kernel's own view of TCP sockets (/proc/net/tcp{,6}): states, queues, which descriptor is which.
export {
  descriptorOf,
  findTcpSocket,
  parseProcNetTcp,
  readTcpTable,
  socketInode,
  type TcpSocketQuery,
  type TcpSocketRow,
  type TcpStateName,
  type TcpTableName,
} from "./net/tcp-state.js";
export {
  listenScope,
  reachableAddresses,
  type ListenScope,
  type ReachableAddress,
} from "./net/interfaces.js";
export { parseDuration, DEFAULT_TEXT_ENCODING } from "./net/options.js";
export {
  encodeCp949,
  decodeCp949,
  TEXT_ENCODINGS,
  type TextEncoding,
  type Cp949Text,
} from "./net/text-encoding.js";
export {
  bench,
  benchCompare,
  planBench,
  median,
  MAX_RATE,
  type BenchOptions,
  type BenchReport,
  type BenchErrors,
  type BenchProgress,
  type CompareEntry,
} from "./bench/bench.js";
export { runLoad, type LoadPlan, type LoadCounts, type LoadResult, type LoadProgress } from "./bench/load.js";
export {
  LatencyHistogram,
  percentileDistribution,
  HISTOGRAM_UNIT,
  type LatencySummary,
  type PercentilePoint,
} from "./bench/latency-histogram.js";
export {
  mergeBenchReports,
  readBenchJson,
  histogramJson,
  BenchFileError,
  HISTOGRAM_ENCODING,
  type BenchFileProblem,
  type BenchHistogramJson,
} from "./bench/merge.js";
export { Pattern } from "./bench/pattern.js";
export { echoDataPath } from "./server/echo-path.js";
// The data path's contract as users see it: which path, and the socket-step seam (EchoServer.observe).
export type { DataPathName } from "./server/data-path.js";
export {
  SOCKET_STEP_CHANNEL,
  type SocketObserver,
  type SocketStep,
  type SocketStepKind,
  type SocketStepMessage,
} from "./server/diagnostics.js";
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
} from "./server/live-view.js";
export { zeroEchoServerStats } from "./server/server-stats.js";
export { type ClientTls, type ClientTlsOptions } from "./net/client-tls.js";
// `diagnose`: where packets go (route, scope, port), and an echo probe.
export {
  diagnose,
  DIAGNOSE_PROBE,
  type DiagnoseOptions,
  type DiagnoseReport,
  type AddressReport,
  type ConnectResult,
  type ConnectOutcome,
} from "./client/diagnose.js";
export {
  routeTo,
  parseIpRouteGet,
  maskArithmetic,
  type RouteDecision,
  type RouteKind,
  type RouteSource,
  type MaskArithmetic,
  type RouteProbes,
} from "./net/route.js";
export { addressScope, type AddressScope } from "./net/address-scope.js";
export {
  portName,
  portRange,
  serviceName,
  type PortName,
  type PortRange,
  type ServiceSource,
} from "./net/services.js";
export {
  findTcpRow,
  SharedTcpSnapshots,
  tcpTableReader,
  type TcpTableReader,
  type TcpTableRow,
  type TcpTableSnapshot,
  type TcpTableSource,
} from "./net/tcp-table.js";
export { type ToolFailure } from "./net/os-tool.js";
export {
  parseFault,
  faultCovers,
  FAULT_KINDS,
  type FaultKind,
  type FaultSpec,
  type FaultParams,
} from "./server/faults/spec.js";
export { FaultBook, type FaultPlan } from "./server/faults/plan.js";
export type { FaultEffect } from "./server/faults/faulted-echo.js";
export {
  faultControl,
  MAX_BODY as FAULT_CONTROL_MAX_BODY,
  type FaultControlOptions,
  type FaultHolder,
  type HttpRoute,
} from "./server/faults/control.js";
