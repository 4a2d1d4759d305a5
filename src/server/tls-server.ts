/**
 * The listening side of `tls` servers: Node's tls.Server, with the hygiene
 * a public endpoint needs before a client's handshake is done.
 *
 * - A client that closes (FIN) before or during its handshake is closed at
 *   once. (tls.Server takes `allowHalfOpen` from the raw connection; with it
 *   on, such a client would sit in CLOSE-WAIT forever, so it is off until the
 *   handshake is done, then on again for the echo's half-close.)
 * - A handshake that fails or stalls past the handshake timeout is closed
 *   (Node reports a timeout but leaves the socket open).
 * - The client's address is taken at accept, since it is gone from the
 *   socket by the time a failure is reported.
 * - A client that leaves without sending a byte is a health check, not an
 *   error, as for PROXY headers: closed, not reported.
 *
 * Two reliances on Node's behaviour beyond its documented API (as
 * handle-path.ts is for the plain echo), each checked or guarded where used:
 * - this module swaps out tls.Server's own 'connection' listener (the one
 *   that starts the handshake) for its own, which calls it only for clients
 *   the access rules let in; it throws if tls.Server has not exactly one;
 * - a handshake failure reaches 'tlsClientError' with the TLSSocket, and the
 *   raw connection (its address, its byte count) is the socket's `_parent`,
 *   read through `tcpUnderTls` (net/node-internals.ts; without it the failure
 *   is still reported, with what the TLSSocket knows).
 *
 * @module
 */

import type { Socket } from "node:net";
import { createServer, type TLSSocket, type Server as TlsServer } from "node:tls";
import { keepAliveSeconds } from "../net/options.js";
import { plainTlsReason } from "../net/client-tls.js";
import { plainAddress } from "../net/endpoint.js";
import { EchoError, type TlsReason } from "../net/echo-error.js";
import { tcpUnderTls } from "../net/node-internals.js";

/**
 * Why a TLS client was closed before its handshake finished:
 * - `timeout`: it did not finish within the handshake timeout;
 * - `closed` / `reset`: it closed or reset the connection part-way through
 *   (a client that does not trust the certificate often just closes);
 * - `http`: it sent plain HTTP; `not-tls`: it sent something else that is not TLS;
 * - `certificate`: it refused this server's certificate (a TLS alert);
 * - `incompatible`: no TLS version or cipher in common;
 * - `other`: anything else (the error's `detail` quotes OpenSSL's reason).
 */
export type TlsFailure =
  "timeout" | "closed" | "reset" | "http" | "not-tls" | "certificate" | "incompatible" | "other";

/** A TLS client closed before its handshake finished. */
export interface TlsFailureInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteFamily: "IPv4" | "IPv6";
  readonly failure: TlsFailure;
  /** OpenSSL's own reason (`wrong version number`), where OpenSSL gave one. */
  readonly tlsReason: string | undefined;
  /** Bytes the client had sent. */
  readonly bytesIn: number;
}

/** What the echo server decides for a TLS listener. */
export interface TlsListenerHooks {
  /** Whether access rules let this address in; refused ones get no handshake. */
  permits(address: string): boolean;
  /** A client was refused by the access rules (and closed). */
  denied(peer: { remoteAddress: string; remotePort: number; remoteFamily: "IPv4" | "IPv6" }): void;
  /** A connection was accepted, before any handshake; `open`: how many this listener holds now. */
  accepted(open: number): void;
  /** TCP keepalive's idle time for accepted connections in ms, 0 for off. */
  keepAliveMs: number;
  /** A client failed, stalled or left during its handshake; it is closed. */
  failed(info: TlsFailureInfo, error: EchoError): void;
}

// The client's address, kept on the raw socket at accept.
const PEER = Symbol("tcpecho.tlsPeer");

interface Peer {
  remoteAddress: string;
  remotePort: number;
  remoteFamily: "IPv4" | "IPv6";
}

/**
 * Creates a tls.Server for the echo: secure connections arrive as
 * 'secureConnection', as usual. Throws ERR_INVALID_OPTION for a certificate
 * and key Node will not take.
 */
export function createTlsListener(
  tls: { cert: string | Buffer; key: string | Buffer },
  handshakeTimeout: number,
  hooks: TlsListenerHooks,
): TlsServer {
  let server: TlsServer;
  try {
    server = createServer({ cert: tls.cert, key: tls.key, allowHalfOpen: true, handshakeTimeout });
  } catch (err) {
    throw new EchoError("ERR_INVALID_OPTION", {
      value: "tls",
      reason: { kind: "tls-key-pair", cause: (err as Error).message },
    });
  }
  // tls.Server's own connection listener starts the handshake: run it only for clients the
  // rules let in (a denied client costs no handshake), after taking what is needed from the socket.
  const handshake = server.listeners("connection");
  if (handshake.length !== 1 || typeof handshake[0] !== "function")
    throw new Error("unexpected tls.Server: it should have one connection listener");
  const startHandshake = handshake[0] as (this: TlsServer, socket: Socket) => void;
  server.removeAllListeners("connection");
  let open = 0;
  const release = () => open--;
  server.on("connection", (socket: Socket) => {
    open++;
    socket.once("close", release);
    hooks.accepted(open);
    const remoteAddress = plainAddress(socket.remoteAddress ?? "");
    const remotePort = socket.remotePort ?? 0;
    const remoteFamily = remoteAddress.includes(":") ? "IPv6" : "IPv4";
    if (remoteAddress === "" || !hooks.permits(remoteAddress)) {
      socket.on("error", () => {});
      socket.destroy();
      if (remoteAddress !== "") hooks.denied({ remoteAddress, remotePort, remoteFamily });
      return;
    }
    (socket as unknown as Record<symbol, Peer>)[PEER] = { remoteAddress, remotePort, remoteFamily };
    if (hooks.keepAliveMs > 0) socket.setKeepAlive(true, keepAliveSeconds(hooks.keepAliveMs) * 1000);
    socket.allowHalfOpen = false; // the TLS socket takes it from here: a FIN before the handshake closes
    startHandshake.call(server, socket);
  });
  server.on("secureConnection", (socket: TLSSocket) => {
    socket.allowHalfOpen = true; // the echo's half-close: send back what is left, then our FIN
  });
  server.on("tlsClientError", (err: NodeJS.ErrnoException & { reason?: unknown }, socket: TLSSocket) => {
    // Node reports a stalled handshake without closing it.
    socket.destroy();
    const raw = tcpUnderTls(socket);
    const peer = raw == null ? undefined : (raw as unknown as Record<symbol, Peer | undefined>)[PEER];
    const bytesIn = raw?.bytesRead ?? 0;
    const { failure, tlsReason } = classifyTlsFailure(err);
    // Connected and left without a word: a health check or a port scan, not an error.
    if (bytesIn === 0 && (failure === "closed" || failure === "reset")) return;
    const remoteAddress = peer?.remoteAddress ?? plainAddress(socket.remoteAddress ?? "unknown");
    const remotePort = peer?.remotePort ?? socket.remotePort ?? 0;
    const remoteFamily = peer?.remoteFamily ?? (remoteAddress.includes(":") ? "IPv6" : "IPv4");
    // OpenSSL's reason where it gave one, quoted; else ours.
    const reason = tlsReason === undefined ? ownReason(failure, handshakeTimeout) : undefined;
    const error = new EchoError(
      "ERR_TLS",
      {
        host: remoteAddress,
        port: remotePort,
        ...(reason === undefined ? { detail: tlsReason ?? plainTlsReason(err.message) } : { reason }),
        ...(failure === "timeout" ? { timeoutMs: handshakeTimeout } : {}),
      },
      { cause: err },
    );
    hooks.failed({ remoteAddress, remotePort, remoteFamily, failure, tlsReason, bytesIn }, error);
  });
  return server;
}

/** Why a handshake failed that OpenSSL gave no reason for, where it is one we word. */
function ownReason(failure: TlsFailure, timeoutMs: number): TlsReason | undefined {
  if (failure === "timeout") return { kind: "tls-timeout", ms: timeoutMs };
  if (failure === "closed") return { kind: "tls-client-closed" };
  return failure === "reset" ? { kind: "tls-client-reset" } : undefined;
}

/**
 * Sorts a handshake error from Node/OpenSSL into a {@link TlsFailure}, with
 * OpenSSL's reason (without its internals) where it gave one.
 */
export function classifyTlsFailure(err: NodeJS.ErrnoException & { reason?: unknown }): {
  failure: TlsFailure;
  tlsReason: string | undefined;
} {
  const code = String(err.code ?? "");
  if (code === "ERR_TLS_HANDSHAKE_TIMEOUT") return { failure: "timeout", tlsReason: undefined };
  // Node's own word for "the client closed before the handshake was done".
  if (code === "ECONNRESET" && err.message === "socket hang up")
    return { failure: "closed", tlsReason: undefined };
  if (code === "ECONNRESET" || code === "EPIPE") return { failure: "reset", tlsReason: undefined };
  if (!code.startsWith("ERR_SSL_")) return { failure: "other", tlsReason: undefined };
  const tlsReason = typeof err.reason === "string" ? err.reason : plainTlsReason(err.message);
  const failure: TlsFailure = /HTTPS?_(PROXY_)?REQUEST$/.test(code)
    ? "http"
    : /WRONG_VERSION_NUMBER|UNKNOWN_PROTOCOL|PACKET_LENGTH_TOO_LONG|RECORD_LENGTH|BAD_PACKET|UNEXPECTED_RECORD/.test(
          code,
        )
      ? "not-tls"
      : /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_|UNSUPPORTED_CERTIFICATE)/.test(code)
        ? "certificate"
        : /UNSUPPORTED_PROTOCOL|NO_SHARED_CIPHER|VERSION_TOO_LOW|NO_PROTOCOLS_AVAILABLE|NO_SHARED_GROUPS|NO_SUITABLE|ALERT_PROTOCOL_VERSION|ALERT_HANDSHAKE_FAILURE|ALERT_INSUFFICIENT_SECURITY/.test(
              code,
            )
          ? "incompatible"
          : "other";
  return { failure, tlsReason };
}
