/**
 * TLS on the client side (`connect`, `ping`, `bench`): which certificate to
 * trust, which name to check, and a verification failure said in words.
 *
 * @module
 */

import { isIP } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { EchoError, type EchoErrorContext } from "./echo-error.js";
import { certificateCheck } from "./error-text.js";

/**
 * How a client speaks TLS. `true` in an option that takes this means "TLS,
 * trusting the system's CAs, checking the host name".
 */
export interface ClientTlsOptions {
  /** Trust this CA or self-signed certificate (PEM) instead of the system's CAs. */
  ca?: string | Buffer | undefined;
  /** The name to send as SNI and to check the certificate against. Default: the host, when it is a name. */
  servername?: string | undefined;
  /** Do not verify the certificate at all (it is still encrypted, but anyone could be on the other end). */
  insecure?: boolean | undefined;
}

/** The `tls` option as the library's functions take it. */
export type ClientTls = boolean | ClientTlsOptions;

/** The TLS options in force, or null for plain TCP. */
export function clientTls(option: ClientTls | undefined): ClientTlsOptions | null {
  if (option === undefined || option === false) return null;
  return option === true ? {} : option;
}

/**
 * Options for `tls.connect` to `host:port`, for a TCP socket already made
 * (`socket`) or for tls to make one.
 *
 * @example
 * ```ts
 * import { tlsConnectOptions } from "./client-tls.js";
 * tlsConnectOptions("localhost", 9000, { insecure: true }).rejectUnauthorized; // false
 * ```
 */
export function tlsConnectOptions(host: string, port: number, tls: ClientTlsOptions): ConnectionOptions {
  // SNI carries names only (RFC 6066); an IP address is still checked against the certificate.
  const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined);
  return {
    host,
    port,
    rejectUnauthorized: tls.insecure !== true,
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(servername !== undefined ? { servername } : {}),
  };
}

/** Node's codes for a certificate that failed verification (OpenSSL's X509 names, plus the name check). */
const VERIFY_CODES: ReadonlySet<string> = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * A TLS failure on the client side as an {@link EchoError}: `ERR_TLS_VERIFY`
 * (with `tlsCheck`) when the server's certificate failed a check, `ERR_TLS`
 * for any other TLS failure, or undefined when `err` is no TLS error at all.
 * With `caGiven` (the client trusts its own CA, `tls.ca`), a certificate no
 * trusted CA signed has `option: "tls.ca"`: it is not signed by that CA.
 *
 * @example
 * ```ts
 * import { tlsClientError } from "./client-tls.js";
 * const err = Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
 * tlsClientError(err, { host: "127.0.0.1", port: 9000 })?.code; // "ERR_TLS_VERIFY"
 * ```
 */
export function tlsClientError(
  err: unknown,
  context: EchoErrorContext,
  servername?: string,
  caGiven = false,
): EchoError | undefined {
  if (err instanceof EchoError)
    return err.code === "ERR_TLS" || err.code === "ERR_TLS_VERIFY" ? err : undefined;
  const e = err as { code?: unknown; message?: unknown; library?: unknown; reason?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : undefined;
  if (code !== undefined && VERIFY_CODES.has(code)) {
    return new EchoError(
      "ERR_TLS_VERIFY",
      {
        ...context,
        tlsCheck: code,
        ...(code === "ERR_TLS_CERT_ALTNAME_INVALID" ? { detail: servername ?? context.host } : {}),
        ...(caGiven && ["self-signed", "untrusted-ca"].includes(certificateCheck(code))
          ? { option: "tls.ca" }
          : {}),
      },
      { cause: err },
    );
  }
  const isTls =
    (code !== undefined && (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_"))) ||
    e?.library === "SSL routines";
  if (!isTls) return undefined;
  const reason = typeof e?.reason === "string" ? e.reason : typeof e?.message === "string" ? e.message : code;
  return new EchoError("ERR_TLS", { ...context, detail: plainTlsReason(String(reason)) }, { cause: err });
}

/** OpenSSL's reason without its internals (`error:0A00010B:SSL routines::wrong version number` → `wrong version number`). */
export function plainTlsReason(message: string): string {
  const firstLine = message.split(/\r?\n/)[0] ?? message;
  const m = /error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/i.exec(firstLine);
  return (m?.[1] ?? firstLine).trim();
}

/**
 * True when `bytes` start like a TLS record a server sends (an alert or a
 * handshake, TLS 1.0 to 1.3 or SSL 3): what a TLS server may answer to a
 * client that speaks plain TCP to it.
 *
 * @example
 * ```ts
 * import { looksLikeTlsRecord } from "./client-tls.js";
 * looksLikeTlsRecord(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46])); // true
 * looksLikeTlsRecord(Buffer.from("hello")); // false
 * ```
 */
export function looksLikeTlsRecord(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 3 &&
    (bytes[0] === 0x15 || bytes[0] === 0x16) &&
    bytes[1] === 0x03 &&
    (bytes[2] ?? 0xff) <= 0x04
  );
}
