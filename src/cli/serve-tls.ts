/**
 * `serve --tls-cert FILE --tls-key FILE`: the options, and the files
 * checked before anything listens (or forks), so that a wrong one is one
 * usage error naming its option and file.
 *
 * @module
 */

import { createSecureContext } from "node:tls";
import type { Command } from "commander";
import { EchoError, type PemReason } from "../net/echo-error.js";
import { readPemFile } from "./connection-options.js";

/** What TLS serves with: the certificate chain and its private key, PEM. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** Adds `--tls-cert` and `--tls-key`. */
export function addTlsOptions(cmd: Command): Command {
  return cmd
    .option("--tls-cert <file>", "echo over TLS: the certificate chain (PEM); needs --tls-key")
    .option("--tls-key <file>", "the certificate's private key (PEM)");
}

/**
 * The certificate and key the options name, read and tried; none without
 * them. One without the other is a usage error.
 */
export function tlsFiles(opts: { tlsCert?: string; tlsKey?: string }): TlsFiles | undefined {
  const { tlsCert, tlsKey } = opts;
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    const keyMissing = tlsKey === undefined;
    throw new EchoError("ERR_INVALID_OPTION", {
      option: keyMissing ? "--tls-key" : "--tls-cert",
      needs: keyMissing ? "--tls-cert" : "--tls-key",
      expect: "missing",
      reason: { kind: keyMissing ? "needs-private-key" : "needs-certificate" },
    });
  }
  if (tlsCert === undefined || tlsKey === undefined) return undefined;
  const pem = { cert: readPemFile(tlsCert, "--tls-cert"), key: readPemFile(tlsKey, "--tls-key") };
  return checkTlsFiles(pem, tlsCert, tlsKey);
}

// OpenSSL's reasons that mean the wrong file was given, by option: what we say instead.
const TLS_REASONS: Record<string, Record<string, PemReason>> = {
  "--tls-cert": { "no start line": { kind: "no-certificate" } },
  "--tls-key": {
    "no start line": { kind: "no-private-key" },
    unsupported: { kind: "no-private-key" },
    "key values mismatch": { kind: "key-mismatch" },
  },
};

/**
 * Tries the certificate and key as TLS will use them, so that a bad one is a
 * usage error naming its option and file, in plain words where OpenSSL's
 * reason is a known one, else in that short reason ("bad base64 decode"),
 * never OpenSSL's whole error string.
 */
function checkTlsFiles(pem: TlsFiles, certFile: string, keyFile: string): TlsFiles {
  const attempts: [Parameters<typeof createSecureContext>[0], string, string][] = [
    [{ cert: pem.cert }, "--tls-cert", certFile],
    [{ key: pem.key }, "--tls-key", keyFile],
    [pem, "--tls-key", keyFile],
  ];
  for (const [options, option, value] of attempts) {
    try {
      createSecureContext(options);
    } catch (err) {
      const e = err as { reason?: unknown; message?: unknown };
      const detail =
        typeof e.reason === "string" ? e.reason : String(e.message).replace(/^error:[^:]*:[^:]*::/, "");
      const reason = TLS_REASONS[option]?.[detail];
      throw new EchoError("ERR_INVALID_OPTION", {
        value,
        option,
        expect: "pem",
        ...(reason === undefined ? { detail } : { reason }),
      });
    }
  }
  return pem;
}
