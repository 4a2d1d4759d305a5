/**
 * Typed errors for everything tcpecho does over the network. Each carries a
 * `code` a program can switch on and a message a person can read; the CLI
 * re-words the same codes in the user's language (see `src/i18n`).
 *
 * @module
 */

import { messages } from "../i18n/messages.js";

/** Codes that say what the caller got wrong: the CLI exits 2 on these. */
export type UsageErrorCode = "ERR_INVALID_PORT" | "ERR_INVALID_HOST" | "ERR_INVALID_OPTION";

/** Codes for what went wrong on the network or with the peer. */
export type NetworkErrorCode =
  | "ECONNREFUSED"
  | "ETIMEDOUT"
  | "EHOSTUNREACH"
  | "ENETUNREACH"
  | "ENOTFOUND"
  | "EAI_AGAIN"
  | "ECONNRESET"
  | "EPIPE"
  | "EADDRINUSE"
  | "EACCES"
  | "EADDRNOTAVAIL"
  | "EMFILE"
  | "ENFILE"
  | "ERR_PEER_CLOSED"
  | "ERR_ECHO_MISMATCH"
  | "ERR_SOCKET"
  | "ERR_TLS"
  | "ERR_TLS_VERIFY"
  | "ERR_PROXY";

/** Every code an {@link EchoError} can carry. */
export type EchoErrorCode = UsageErrorCode | NetworkErrorCode;

/** Where an error happened, so that messages can name the address. */
export interface EchoErrorContext {
  host?: string;
  port?: number;
  /** What was being done: "connect", "listen", "read", "write". */
  operation?: string;
  /** The offending value, for usage errors. */
  value?: string;
  /** The smallest valid port, for ERR_INVALID_PORT (0 where "any free port" makes sense). */
  min?: number;
  /** The option a bad value was given to (`--timeout`), with `expect` saying what it takes. */
  option?: string;
  /**
   * What the option takes, worded by each language: a duration, a whole number
   * ("count") or any number ("number") within min…max, a number above zero, …
   */
  expect?:
    "duration" | "positive-duration" | "count" | "number" | "positive-number" | "cidr" | "pem" | "hostname";
  /** The largest valid value, with expect "count" or "number". */
  max?: number;
  /** Extra words for the message (e.g. which option). */
  detail?: string;
  /** Bytes that arrived before the peer closed, for ERR_PEER_CLOSED. */
  received?: number;
  /** Bytes expected, for ERR_PEER_CLOSED. */
  expected?: number;
  /** Byte offset of the first difference, for ERR_ECHO_MISMATCH. */
  offset?: number;
  /** Milliseconds waited, for ETIMEDOUT. */
  timeoutMs?: number;
  /**
   * For ERR_TLS_VERIFY: the check the server's certificate failed, as Node
   * names it (`DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`,
   * `CERT_HAS_EXPIRED`, …).
   */
  tlsCheck?: string;
  /** The process's open-files limit (its soft limit), for EMFILE. */
  limit?: number;
}

const USAGE_CODES: ReadonlySet<string> = new Set<UsageErrorCode>([
  "ERR_INVALID_PORT",
  "ERR_INVALID_HOST",
  "ERR_INVALID_OPTION",
]);

const SYSTEM_CODES: ReadonlySet<string> = new Set<NetworkErrorCode>([
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "EPIPE",
  "EADDRINUSE",
  "EACCES",
  "EADDRNOTAVAIL",
  "EMFILE",
  "ENFILE",
]);

/**
 * An error with a stable `code` and an English message that explains it.
 *
 * @example
 * ```ts
 * import { connect, EchoError } from "tcpecho";
 * try {
 *   await connect({ host: "127.0.0.1", port: 1 });
 * } catch (err) {
 *   if (err instanceof EchoError && err.code === "ECONNREFUSED") console.log(err.message);
 * }
 * ```
 */
export class EchoError extends Error {
  override readonly name = "EchoError";
  readonly code: EchoErrorCode;
  readonly context: Readonly<EchoErrorContext>;

  constructor(code: EchoErrorCode, context: EchoErrorContext = {}, options?: { cause?: unknown }) {
    super(messages.en.error(code, context), options);
    this.code = code;
    this.context = context;
  }

  /** True for mistakes in what the caller asked for (bad port, host, option). */
  get isUsageError(): boolean {
    return USAGE_CODES.has(this.code);
  }
}

/**
 * Wraps whatever a socket, DNS or timer threw into an {@link EchoError},
 * keeping the system code where it is one we explain.
 *
 * @example
 * ```ts
 * import { toEchoError } from "tcpecho";
 * const err = toEchoError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }), { port: 9 });
 * console.log(err.code); // "ECONNREFUSED"
 * ```
 */
export function toEchoError(err: unknown, context: EchoErrorContext = {}): EchoError {
  if (err instanceof EchoError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && SYSTEM_CODES.has(code)) {
    return new EchoError(code as NetworkErrorCode, context, { cause: err });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new EchoError("ERR_SOCKET", { ...context, detail: context.detail ?? reason }, { cause: err });
}
