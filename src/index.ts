/**
 * tcpecho as a library: the echo server, the client, `readExactly` (the
 * textbook's `recvn`), the load generator, and the address and error helpers
 * they use. Nothing here prints, and nothing here is the CLI's: its language
 * catalogues (`src/i18n`) and output helpers stay inside the command. A
 * program that needs one part imports it alone: `tcpecho/server`,
 * `tcpecho/client` or `tcpecho/bench`.
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

// The three parts, each also its own entry point (`tcpecho/server`, `tcpecho/client`,
// `tcpecho/bench`) that loads only what it needs; the errors and address helpers are in each.
export * from "./server/index.js";
export * from "./client/index.js";
export * from "./bench/index.js";
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
export { encodeCp949, decodeCp949, TEXT_ENCODINGS, type Cp949Text } from "./net/text-encoding.js";
// `diagnose`'s parts: where packets go (route, scope, port).
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
