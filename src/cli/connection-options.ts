/**
 * The connection options `client`, `ping` and `bench` share: `--tls` with
 * `--tls-ca`, `--tls-servername`, `--insecure`, and `--keepalive`. Declared
 * once here so that every command words and checks them alike.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { Option, type Command } from "commander";
import type { ClientTlsOptions } from "../net/client-tls.js";
import { EchoError, type PemReason } from "../net/echo-error.js";
import { DEFAULT_KEEPALIVE_MS } from "../net/defaults.js";
import { MAX_KEEPALIVE_MS, parseDuration } from "../net/options.js";
import type { Terminal } from "./terminal.js";

/** Keepalive's default: a peer silent this long is probed, and dropped ten failed probes later. */

/** What commander hands over for these options. */
export interface ConnectionCliOptions {
  tls?: boolean;
  tlsCa?: string;
  tlsServername?: string;
  insecure?: boolean;
  keepalive: number;
}

/** Adds `--tls`, `--tls-ca`, `--tls-servername`, `--insecure` and `--keepalive` to a command. */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option("--tls", "speak TLS to the server (e.g. tcpecho serve --tls-cert/--tls-key)")
    .option(
      "--tls-ca <file>",
      "with --tls: trust this CA or self-signed certificate (PEM) instead of the system's",
    )
    .option(
      "--tls-servername <name>",
      "with --tls: the name to ask for (SNI) and check the certificate against",
    )
    .option(
      "--insecure",
      "with --tls: do not verify the server's certificate (still encrypted, but unauthenticated)",
    )
    .addOption(
      new Option(
        "--keepalive <duration>",
        "TCP keepalive: probe a connection silent this long, drop it after 10 unanswered probes; 0 turns it off",
      )
        .default(DEFAULT_KEEPALIVE_MS, "60s")
        .argParser((v) => parseDuration(v, "--keepalive", MAX_KEEPALIVE_MS)),
    );
}

/**
 * The TLS options the command line asked for, or undefined for plain TCP.
 * `--tls-ca`, `--tls-servername` and `--insecure` imply `--tls`. A CA file
 * that cannot be read, or holds no PEM block, is a usage error.
 * `onInsecure` is called when verification is off, to say so on standard error.
 */
export function tlsFromCli(opts: ConnectionCliOptions, onInsecure: () => void): ClientTlsOptions | undefined {
  const wanted = opts.tls || opts.tlsCa !== undefined || opts.tlsServername !== undefined || opts.insecure;
  if (!wanted) return undefined;
  if (opts.insecure && opts.tlsCa !== undefined) {
    throw new EchoError("ERR_INVALID_OPTION", {
      value: "--insecure",
      reason: { kind: "ca-and-insecure" },
    });
  }
  if (opts.tlsServername !== undefined && !isHostName(opts.tlsServername)) {
    throw new EchoError("ERR_INVALID_OPTION", {
      value: opts.tlsServername,
      option: "--tls-servername",
      expect: "hostname",
    });
  }
  if (opts.insecure) onInsecure();
  return {
    ...(opts.tlsCa !== undefined ? { ca: readPemFile(opts.tlsCa, "--tls-ca") } : {}),
    ...(opts.tlsServername !== undefined ? { servername: opts.tlsServername } : {}),
    ...(opts.insecure ? { insecure: true } : {}),
  };
}

/** The connection options `connect()` and `ping()` take from the command line. */
export interface CliConnection {
  keepAlive: number;
  tls?: ClientTlsOptions;
}

/**
 * Keepalive, and TLS when asked (see {@link tlsFromCli}), as the library
 * takes them; says on standard error when the certificate goes unchecked.
 */
export function connectionFromCli(opts: ConnectionCliOptions, t: Terminal): CliConnection {
  const tls = tlsFromCli(opts, () => t.note(t.messages.tlsInsecure));
  return { keepAlive: opts.keepalive, ...(tls !== undefined ? { tls } : {}) };
}

/**
 * A certificate that the CA of `--tls-ca` did not sign: the error names the
 * file (the library knows only that a CA was given). Any other error as it is.
 */
export function withCaFile(err: unknown, opts: ConnectionCliOptions): unknown {
  if (!(err instanceof EchoError) || err.code !== "ERR_TLS_VERIFY" || err.context.option !== "tls.ca")
    return err;
  if (opts.tlsCa === undefined) return err;
  return new EchoError(err.code, { ...err.context, value: opts.tlsCa }, { cause: err.cause });
}

/**
 * A DNS name as SNI carries it: dot-separated labels of letters, digits,
 * hyphens (and underscores, seen in the wild), at most 253 characters; never
 * an IP address (RFC 6066).
 */
function isHostName(name: string): boolean {
  return (
    name.length <= 253 &&
    isIP(name) === 0 &&
    /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_][A-Za-z0-9_-]{0,62})*\.?$/.test(name)
  );
}

/** Reads a PEM file named on the command line; any failure is a usage error naming the option. */
export function readPemFile(path: string, option: string): Buffer {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason: PemReason | undefined =
      e.code === "ENOENT"
        ? { kind: "no-such-file" }
        : e.code === "EACCES"
          ? { kind: "permission-denied" }
          : undefined;
    const why = reason === undefined ? { detail: e.message } : { reason };
    throw new EchoError("ERR_INVALID_OPTION", { value: path, option, expect: "pem", ...why });
  }
  if (!text.includes("-----BEGIN ")) {
    throw new EchoError("ERR_INVALID_OPTION", {
      value: path,
      option,
      expect: "pem",
      reason: { kind: "no-pem-block" },
    });
  }
  return text;
}
