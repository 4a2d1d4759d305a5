/**
 * `tcpecho/client`: the echo client, `ping`, `diagnose` and `readExactly`
 * (the textbook's `recvn`), with the errors and address helpers they use.
 * It loads none of the server (nor prom-client, its metrics' dependency) nor
 * the load generator: a program that only connects pays for nothing else.
 * `tcpecho` exports the same functions, and everything else.
 *
 * @example
 * ```ts
 * import { connect } from "tcpecho/client";
 * import { createEchoServer } from "tcpecho/server";
 * const server = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const { port } = await server.listen();
 * const client = await connect({ host: "127.0.0.1", port, timeout: 3000 });
 * console.log((await client.echo("hello")).toString()); // "hello"
 * await client.close();
 * await server.close();
 * ```
 *
 * @module
 */

export { connect, EchoClient, type ConnectOptions } from "./connect.js";
export { readExactly, type ReadExactlyOptions } from "./read-exactly.js";
export { streamEcho, type StreamEchoOptions, type StreamEchoResult } from "./stream-echo.js";
export {
  ping,
  PING_DEFAULT_SIZE,
  PING_MIN_SIZE,
  PING_MAX_SIZE,
  type PingOptions,
  type PingStart,
  type PingReport,
  type ProbeResult,
} from "./ping.js";
export { summarizeRtts, type PingStats } from "./ping-stats.js";
export {
  diagnose,
  DIAGNOSE_PROBE,
  type DiagnoseOptions,
  type DiagnoseReport,
  type AddressReport,
  type ConnectResult,
  type ConnectOutcome,
} from "./diagnose.js";
export { type ClientTls, type ClientTlsOptions } from "../net/client-tls.js";
export { socketFd } from "../net/node-internals.js";
export * from "../net/errors-and-addresses.js";
