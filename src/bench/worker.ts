/**
 * A load-generator thread (`--threads`): runs its share of the plan and sends
 * progress and the result (histogram encoded) back to the main thread.
 *
 * @module
 */

import { parentPort, workerData } from "node:worker_threads";
import type { EchoErrorContext } from "../net/echo-error.js";
import { runLoad, type LoadPlan } from "./load.js";

/** What the main thread posts to a thread: stop the run now (Ctrl-C), and report what was measured. */
export type WorkerCommand = "stop";

/** What a thread posts back. */
export type WorkerMessage =
  | { kind: "progress"; completed: number; bytes: number }
  | {
      kind: "done";
      counts: import("./load.js").LoadCounts;
      latency: string;
      /** The exact largest latency, µs. */
      latencyMaxUs: number;
      connectError?: { code: string; message: string; context: EchoErrorContext };
    };

const port = parentPort;
if (port !== null) {
  const plan = workerData as LoadPlan;
  const stop = new AbortController();
  const onCommand = (c: WorkerCommand) => {
    if (c === "stop") stop.abort();
  };
  port.on("message", onCommand);
  port.unref(); // listening for "stop" does not keep the thread alive
  const result = await runLoad(
    plan,
    (p) =>
      port.postMessage({ kind: "progress", completed: p.completed, bytes: p.bytes } satisfies WorkerMessage),
    stop.signal,
  );
  port.off("message", onCommand);
  const message: WorkerMessage = {
    kind: "done",
    counts: result.counts,
    latency: result.latency.encode(),
    latencyMaxUs: result.latency.summary().maxUs,
    ...(result.connectError
      ? {
          connectError: {
            code: result.connectError.code,
            message: result.connectError.message,
            // The context (which TLS check failed, …) lets the main thread say it in the user's language.
            context: { ...result.connectError.context },
          },
        }
      : {}),
  };
  port.postMessage(message);
}
