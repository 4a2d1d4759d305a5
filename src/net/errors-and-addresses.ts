/**
 * What every entry point (`tcpecho/server`, `tcpecho/client`,
 * `tcpecho/bench`) exports beside its own part: the typed errors all of them
 * throw, and the address helpers all of them take. One list, re-exported by
 * each entry.
 *
 * @example
 * ```ts
 * import { EchoError, parseHostPort } from "./errors-and-addresses.js";
 * parseHostPort("127.0.0.1:9000").port; // 9000
 * new EchoError("ECONNREFUSED", { port: 9 }).code; // "ECONNREFUSED"
 * ```
 *
 * @module
 */

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
} from "./echo-error.js";
export {
  parsePort,
  parseHost,
  parseHostPort,
  parseAddress,
  isWellKnownPort,
  DEFAULT_PORT,
  type HostPort,
  type AddressParts,
} from "./address.js";
export { formatEndpoint, plainAddress } from "./endpoint.js";
