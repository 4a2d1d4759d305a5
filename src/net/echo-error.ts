/**
 * Typed errors for everything tcpecho does over the network. Each carries a
 * `code` a program can switch on and an English message a person can read
 * (`error-text.ts`, naming options as the library does); the CLI re-words the
 * same codes, with its flags, in the user's language.
 *
 * @module
 */

import {
  errorText,
  type EchoErrorCode,
  type EchoErrorContext,
  type FaultProblem,
  type FaultValue,
  type NetworkErrorCode,
  type UsageErrorCode,
} from "./error-text.js";

export type { EchoErrorCode, EchoErrorContext, FaultProblem, FaultValue, NetworkErrorCode, UsageErrorCode };
export type {
  DescriptorReason,
  EchoErrorReason,
  EchoErrorReasonKind,
  MissingReason,
  PemReason,
  ProxyHeaderReason,
  ProxyReason,
  SocketReason,
  TlsReason,
  UsageReason,
} from "./error-reason.js";

const USAGE_CODES: ReadonlySet<string> = new Set<UsageErrorCode>([
  "ERR_INVALID_PORT",
  "ERR_INVALID_HOST",
  "ERR_INVALID_OPTION",
]);

/**
 * The system's error codes an {@link EchoError} keeps as its own code (and
 * explains), where any other system error becomes `ERR_SOCKET`.
 *
 * @example
 * ```ts
 * import { SYSTEM_ERROR_CODES } from "./echo-error.js";
 * SYSTEM_ERROR_CODES.includes("ECONNREFUSED"); // true
 * ```
 */
export const SYSTEM_ERROR_CODES: readonly NetworkErrorCode[] = [
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
];

const SYSTEM_CODES: ReadonlySet<string> = new Set(SYSTEM_ERROR_CODES);

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
    super(errorText(code, context), options);
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
