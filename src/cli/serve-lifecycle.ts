/**
 * How `tcpecho serve` runs and ends, for one process, for each worker of
 * `--workers N` and for their primary: one small state machine.
 *
 * ```
 * starting ──up──► serving ──stop──► draining ──stop──► forcing ──stop──► killing (the primary only)
 * ```
 *
 * A stop request is a signal (Ctrl-C's SIGINT, a service manager's SIGTERM,
 * Windows' Ctrl-Break as SIGBREAK) or, in a worker, the primary's order. One
 * that comes while starting is held until the server is up, rather than left
 * to the signal's default action (killed at once, without a line or a
 * drain), and acted on then. The first drains: the listener closes (after
 * `--shutdown-delay`) and open connections may finish within
 * `--drain-timeout`; the second forces: those still open are closed now; the
 * primary's third (and each after it) kills the workers that still run.
 *
 * Under `--workers` the primary gives its stop orders over the cluster
 * channel, not by signal: on Windows a signal sent to a process ends it at
 * once (no drain, no summary), and everywhere a signal to the whole group
 * (Ctrl-C in a terminal or a Windows console, Ctrl-Break, systemd's SIGTERM
 * to the service's processes) reaches the workers too. So a worker ignores
 * those signals and counts only the primary's orders: the first drains, the
 * second forces.
 *
 * Exit codes ({@link EXIT}): 0 once stopped, 1 when the server failed, 2 for
 * a bad command line.
 *
 * @module
 */

import cluster from "node:cluster";
import { EchoError } from "../net/echo-error.js";
import { ReportedFailure } from "./reported-failure.js";
import { failureMessage, type ServeLog } from "./serve-log.js";

/** How `serve` exits: stopped by a request, failed, or refused its command line. */
export const EXIT = { stopped: 0, failed: 1, usage: 2 } as const;

/** The exit code a failure ends `serve` with. */
export function exitCodeOf(err: unknown): number {
  return err instanceof EchoError && err.isUsageError ? EXIT.usage : EXIT.failed;
}

/** The signals that stop the server: Ctrl-C, a service manager's stop, and Windows' Ctrl-Break. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGBREAK"] as const;

/** Where a run is (see the module's diagram). */
export type ServeState = "starting" | "serving" | "draining" | "forcing" | "killing";

/** What entering each stage of a stop does. */
export interface StopSteps {
  drain(): void;
  force(): void;
  /** The primary's: end the workers that still run. Without it, a third request does nothing. */
  kill?(): void;
}

/** The stage a stop request moves each one to. */
const NEXT: Readonly<Record<Exclude<ServeState, "starting">, ServeState>> = {
  serving: "draining",
  draining: "forcing",
  forcing: "killing",
  killing: "killing",
};

/**
 * The state machine: stop requests come from {@link listenTo}'s source (or
 * {@link stop}); {@link up} says the run is serving and what each stage does.
 *
 * @example
 * ```ts
 * import { ServeLifecycle } from "./serve-lifecycle.js";
 * const life = new ServeLifecycle().listenTo("signals");
 * // … start the server; a Ctrl-C meanwhile waits …
 * life.up({ drain: () => console.log("draining"), force: () => console.log("forcing") });
 * ```
 */
export class ServeLifecycle {
  #state: ServeState = "starting";
  #held = 0;
  #steps: StopSteps | undefined;

  get state(): ServeState {
    return this.#state;
  }

  /**
   * Takes stop requests from this process's signals, or (a worker) from the
   * primary's orders, ignoring the signals: the primary counts those.
   */
  listenTo(source: "signals" | "orders"): this {
    const request = () => this.stop();
    // A listener, even one that does nothing, replaces the signal's default action (ending the process).
    for (const signal of STOP_SIGNALS) process.on(signal, source === "signals" ? request : () => {});
    if (source === "orders") takeStopOrders(request);
    return this;
  }

  /** Serving now: `steps` say what each stage does; the requests held meanwhile are acted on, in turn. */
  up(steps: StopSteps): void {
    this.#steps = steps;
    this.#state = "serving";
    for (; this.#held > 0; this.#held--) this.stop();
  }

  /** One stop request: held while starting, else the next stage. */
  stop(): void {
    const steps = this.#steps;
    if (this.#state === "starting" || steps === undefined) {
      this.#held++;
      return;
    }
    const next = NEXT[this.#state];
    if (next === "killing" && steps.kill === undefined) return;
    this.#state = next;
    if (next === "draining") steps.drain();
    else if (next === "forcing") steps.force();
    else steps.kill?.();
  }
}

/** The primary's order to a worker: the first drains, the second forces the stop. */
const STOP_ORDER = { tcpecho: "stop" };

/**
 * In a worker: calls `onOrder` for each stop order of the primary, and
 * tells the primary it may now send them (one sent earlier would be lost:
 * nobody listened yet).
 */
function takeStopOrders(onOrder: () => void): void {
  process.on("message", (msg: { tcpecho?: unknown } | null) => {
    if (msg?.tcpecho === STOP_ORDER.tcpecho) onOrder();
  });
  process.send?.({ tcpecho: "ready" });
}

/**
 * The primary's side of the orders: how many each worker is due (1 drains,
 * 2 forces) and has been sent. A worker is sent none before it says it
 * listens for them ({@link ready}), then all it is due at once.
 */
export class StopOrders<W extends { send(message: object): unknown }> {
  #due = 0;
  readonly #sent = new WeakMap<W, number>();

  /** `worker` listens for orders now (its `{ tcpecho: "ready" }`). */
  ready(worker: W): void {
    this.#sent.set(worker, 0);
    this.#give(worker);
  }

  /** Each of `workers` is due `n` orders from now on (never fewer than before). */
  raise(n: number, workers: Iterable<W>): void {
    this.#due = Math.max(this.#due, n);
    for (const worker of workers) this.#give(worker);
  }

  #give(worker: W): void {
    const sent = this.#sent.get(worker);
    if (sent === undefined) return; // not listening for orders yet: it gets them when it is
    for (let i = sent; i < this.#due; i++) worker.send(STOP_ORDER);
    this.#sent.set(worker, Math.max(sent, this.#due));
  }
}

/**
 * Reports a failure that ends `serve` in the chosen format: a worker hands it
 * to the primary, which reports it once for all; a JSON log gets one `error`
 * event (`log` makes it). Text from a single process is left to the
 * command's usual error line.
 */
export async function reportFailure(err: unknown, json: boolean, log: () => ServeLog): Promise<never> {
  const exitCode = exitCodeOf(err);
  const send = process.send?.bind(process);
  const toPrimary = cluster.isWorker && send !== undefined;
  if (!toPrimary && !json) throw err;
  if (process.env.TCPECHO_DEBUG) console.error(err);
  if (toPrimary) {
    await new Promise<void>((resolve) => send(failureMessage(err, exitCode), undefined, {}, () => resolve()));
    throw new ReportedFailure(exitCode);
  }
  log().failed(err, exitCode);
  throw new ReportedFailure(exitCode);
}
