/**
 * A load-generator thread (`--threads`): runs its share of the plan and sends
 * progress and the result (histogram encoded) back to the main thread.
 *
 * @module
 */

import { parentPort, workerData } from "node:worker_threads";
import { runLoad, type LoadPlan } from "./load.js";

/** What a thread posts back. */
export type WorkerMessage =
  | { kind: "progress"; completed: number; bytes: number }
  | {
      kind: "done";
      counts: import("./load.js").LoadCounts;
      latency: string;
      connectError?: { code: string; message: string };
    };

const port = parentPort;
if (port !== null) {
  const plan = workerData as LoadPlan;
  const result = await runLoad(plan, (p) =>
    port.postMessage({ kind: "progress", completed: p.completed, bytes: p.bytes } satisfies WorkerMessage),
  );
  const message: WorkerMessage = {
    kind: "done",
    counts: result.counts,
    latency: result.latency.encode(),
    ...(result.connectError
      ? { connectError: { code: result.connectError.code, message: result.connectError.message } }
      : {}),
  };
  port.postMessage(message);
}
