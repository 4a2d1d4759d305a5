/**
 * One client of the echo server: the notes' communication socket (통신 소켓)
 * that accept() returned, with the client's address and what it has sent.
 * Kept small, since a server may hold tens of thousands of them. Each data
 * path (handle-path.ts, stream-path.ts) extends it with its own transport.
 *
 * Lifecycle, one verb per meaning, the same on both paths:
 * 1. accepted; with a PROXY header, pending until its preamble is done;
 *    then opened (served) or refused (destroyed unread);
 * 2. echoing: every read is written back, and reading stops while a write
 *    is queued (backpressure);
 * 3. ending, one of:
 *    - `end()`: polite: stop reading, flush what is queued, send our FIN,
 *      close (the client's FIN does this, so does the server's drain deadline
 *      and the idle timeout);
 *    - `destroy(err?)`: now, dropping what is queued; with `err`, the owner
 *      hears of the failure first;
 * 4. closed: the descriptor is released and the owner told, once.
 *
 * {@link Connection.setReason} records why, for the `disconnect` event: set
 * by whoever decides the end, before calling `end()` or `destroy()`.
 *
 * @module
 */

import type { EchoError } from "../net/echo-error.js";
import { plainAddress } from "../net/endpoint.js";

/**
 * Why a connection ended. `keepalive`: the client stopped answering TCP
 * keepalive probes (its host or link went away without a FIN or RST).
 */
export type DisconnectReason =
  "end" | "reset" | "error" | "idle" | "keepalive" | "shutdown" | "destroyed" | "fault";

/** What the server's events tell about a client. */
export interface ConnectionInfo {
  /** Increasing number, unique within one server. */
  readonly id: number;
  /** The client's IP address; IPv4 clients of a dual-stack server read as IPv4. */
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly remoteFamily: "IPv4" | "IPv6";
  /** performance.now() when it was accepted. */
  readonly acceptedAt: number;
  /** Bytes received from the client so far. */
  readonly bytesIn: number;
  /** With PROXY protocol: the load balancer's address, the peer the TCP connection came from. */
  readonly proxyAddress: string | undefined;
  /**
   * The descriptor accept() gave it (`--trace` names the socket by it), or
   * undefined where the OS gives none (Windows). Released at the `closed` step:
   * in a {@link DisconnectInfo} it is the one the connection had.
   */
  readonly fd: number | undefined;
}

/** What the server tells when a client leaves. */
export interface DisconnectInfo extends ConnectionInfo {
  /** Bytes sent back and handed to the kernel. */
  readonly bytesOut: number;
  readonly durationMs: number;
  readonly reason: DisconnectReason;
  readonly error: EchoError | undefined;
}

/**
 * A live connection. The data paths create these; library users see them as
 * {@link ConnectionInfo}.
 */
export abstract class Connection implements ConnectionInfo {
  readonly id: number;
  remoteAddress: string;
  remotePort: number;
  remoteFamily: "IPv4" | "IPv6";
  proxyAddress: string | undefined = undefined;
  readonly acceptedAt: number;
  bytesIn = 0;
  abstract readonly fd: number | undefined;
  reason: DisconnectReason | undefined = undefined;
  error: EchoError | undefined = undefined;

  constructor(id: number, remoteAddress: string, remotePort: number, acceptedAt: number) {
    this.id = id;
    this.remoteAddress = plainAddress(remoteAddress);
    this.remotePort = remotePort;
    this.remoteFamily = this.remoteAddress.includes(":") ? "IPv6" : "IPv4";
    this.acceptedAt = acceptedAt;
  }

  /** The client is elsewhere than the peer (a PROXY header said so); the peer becomes `proxyAddress`. */
  setClient(address: string, port: number): void {
    this.proxyAddress = this.remoteAddress;
    this.remoteAddress = plainAddress(address);
    this.remotePort = port;
    this.remoteFamily = this.remoteAddress.includes(":") ? "IPv6" : "IPv4";
  }

  /** Bytes echoed: everything received, less what still waits to be sent. */
  abstract get bytesOut(): number;

  /**
   * Polite end: stops reading, sends what was already received, then our
   * FIN, then closes. Safe to call more than once, and after `destroy()`.
   */
  abstract end(): void;

  /**
   * Closes now, dropping whatever was not sent yet. With `err`, the owner is
   * told the connection failed first. Safe to call more than once.
   */
  abstract destroy(err?: NodeJS.ErrnoException): void;

  /**
   * The server began to drain: a connection that can never finish by
   * itself (one stalled on purpose by a fault) ends now rather than at the
   * drain deadline. Others are let be.
   */
  draining(): void {}

  /** Records why the connection ends: the first reason wins, but an error or reset outranks a plain end. */
  setReason(reason: DisconnectReason, error?: EchoError): void {
    if (
      this.reason === undefined ||
      (this.reason === "end" && (reason === "reset" || reason === "error" || reason === "keepalive"))
    ) {
      this.reason = reason;
      if (error !== undefined) this.error = error;
    }
  }

  /** A snapshot for the `disconnect` event. */
  toDisconnectInfo(now: number): DisconnectInfo {
    return {
      id: this.id,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      remoteFamily: this.remoteFamily,
      acceptedAt: this.acceptedAt,
      proxyAddress: this.proxyAddress,
      fd: this.fd,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      durationMs: now - this.acceptedAt,
      reason: this.reason ?? "destroyed",
      error: this.error,
    };
  }
}
