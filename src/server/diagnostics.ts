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
import type { SocketStep } from "./data-path.js";

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
