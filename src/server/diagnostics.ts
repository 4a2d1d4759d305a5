/**
 * Observation of the echo server through `node:diagnostics_channel`, as
 * undici does: the data paths publish every connection's socket steps on
 * one named channel, and any number of observers (the `--trace`, the live
 * page, a program's own view) subscribe to it. With none subscribed, a step
 * costs the channel's `hasSubscribers` check and nothing else: the message
 * is not even built.
 *
 * Channel `tcpecho:connection:step` carries a {@link SocketStepMessage}:
 * which server, which connection, and the {@link SocketStep}. Subscribe to
 * it directly to watch every server of the process, or use
 * `EchoServer.observe` for one server's.
 *
 * @example
 * ```ts
 * import diagnosticsChannel from "node:diagnostics_channel";
 * import { SOCKET_STEP_CHANNEL, type SocketStepMessage } from "tcpecho";
 * const watch = (message: unknown) => {
 *   const { connection, step } = message as SocketStepMessage;
 *   if (step.kind === "accepted") console.log("accepted", connection.id);
 * };
 * diagnosticsChannel.subscribe(SOCKET_STEP_CHANNEL, watch);
 * diagnosticsChannel.unsubscribe(SOCKET_STEP_CHANNEL, watch);
 * ```
 *
 * @module
 */

import diagnosticsChannel from "node:diagnostics_channel";
import type { ConnectionInfo } from "./connection.js";
import type { FaultEffect } from "./faults/faulted-echo.js";

/**
 * One step of a connection's socket, as the data path takes it:
 * - `accepted`: accept() gave it (before any PROXY header, limit or access
 *   rule: a refused client's next step is `closed`; over TLS, once its
 *   handshake is done);
 * - `read`: `bytes` came in (a PROXY header's too);
 * - `written`: the echo of a read: `bytes` the kernel took at once, `queued`
 *   left to send later (the stream path counts a write the kernel takes only
 *   part of as queued whole);
 * - `end`: the client's FIN, the end of its input;
 * - `shutdown`: our FIN went out, after everything queued;
 * - `failed`: a socket error (`error`); `closed` follows;
 * - `fault`: a fault the server was asked for acted (`serve --fault`): an
 *   echo held back or cut into pieces, a bit flipped, a reset, …;
 * - `closed`: the descriptor is released; the last step.
 */
export type SocketStep =
  | { readonly kind: "accepted" }
  | { readonly kind: "read"; readonly bytes: number }
  | { readonly kind: "written"; readonly bytes: number; readonly queued: number }
  | { readonly kind: "end" }
  | { readonly kind: "shutdown" }
  | { readonly kind: "failed"; readonly error: Error }
  | { readonly kind: "fault"; readonly effect: FaultEffect }
  | { readonly kind: "closed" };

/** The name of a {@link SocketStep}. */
export type SocketStepKind = SocketStep["kind"];

/**
 * Sees every socket step of every connection, in order, as it happens
 * (attach any number with `EchoServer.observe`). Called on the data path:
 * keep it quick, and do not keep `step` (it may be reused).
 *
 * @example
 * ```ts
 * import type { SocketObserver } from "tcpecho";
 * const trace: SocketObserver = (conn, step) => console.log(conn.id, step.kind);
 * ```
 */
export type SocketObserver = (conn: ConnectionInfo, step: SocketStep) => void;

/** The `accepted` step: one object for every connection, as it carries nothing. */
export const ACCEPTED: SocketStep = { kind: "accepted" };
/** The `end` step, shared likewise. */
export const END: SocketStep = { kind: "end" };
/** The `shutdown` step, shared likewise. */
export const SHUTDOWN: SocketStep = { kind: "shutdown" };
/** The `closed` step, shared likewise. */
export const CLOSED: SocketStep = { kind: "closed" };

/** The name of the channel every socket step is published on. */
export const SOCKET_STEP_CHANNEL = "tcpecho:connection:step";

/**
 * What the step channel carries. Read it during the call: `connection` is
 * live (its counters move on) and `step` may be shared between messages.
 */
export interface SocketStepMessage {
  /** The `EchoServer` the connection belongs to. */
  readonly server: object;
  readonly connection: ConnectionInfo;
  readonly step: SocketStep;
}

/** The channel itself: the data paths check `steps.hasSubscribers` before building a step. */
export const steps = diagnosticsChannel.channel(SOCKET_STEP_CHANNEL);

/** Publishes one step of `connection` of `server` (call only when `steps.hasSubscribers`). */
export function publishStep(server: object, connection: ConnectionInfo, step: SocketStep): void {
  steps.publish({ server, connection, step } satisfies SocketStepMessage);
}
