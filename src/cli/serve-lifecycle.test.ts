import assert from "node:assert/strict";
import { test } from "node:test";
import { EchoError } from "../net/echo-error.js";
import { exitCodeOf, ServeLifecycle, StopOrders, type StopSteps } from "./serve-lifecycle.js";

/** Steps that record what each stage did; `kill` only when asked (the primary's). */
function recorder(withKill: boolean): { steps: StopSteps; done: string[] } {
  const done: string[] = [];
  const steps: StopSteps = {
    drain: () => done.push("drain"),
    force: () => done.push("force"),
    ...(withKill ? { kill: () => done.push("kill") } : {}),
  };
  return { steps, done };
}

test("stop requests while starting are held, then acted on in turn once up", () => {
  const life = new ServeLifecycle();
  const { steps, done } = recorder(false);
  life.stop();
  life.stop();
  assert.equal(life.state, "starting");
  assert.deepEqual(done, [], "nothing happens before the server is up");
  life.up(steps);
  assert.deepEqual(done, ["drain", "force"]);
  assert.equal(life.state, "forcing");
});

test("a server: the first request drains, the second forces, a third does nothing", () => {
  const life = new ServeLifecycle();
  const { steps, done } = recorder(false);
  life.up(steps);
  assert.equal(life.state, "serving");
  life.stop();
  assert.deepEqual(done, ["drain"]);
  assert.equal(life.state, "draining");
  life.stop();
  life.stop();
  assert.deepEqual(done, ["drain", "force"]);
  assert.equal(life.state, "forcing");
});

test("the primary: a third request kills the workers, and each one after it again", () => {
  const life = new ServeLifecycle();
  const { steps, done } = recorder(true);
  life.up(steps);
  for (let i = 0; i < 4; i++) life.stop();
  assert.deepEqual(done, ["drain", "force", "kill", "kill"]);
  assert.equal(life.state, "killing");
});

test("stop orders: none to a worker before it is ready, then all it is due at once, never one twice", () => {
  const sent = new Map<string, number>();
  const worker = (name: string) => ({ send: () => sent.set(name, (sent.get(name) ?? 0) + 1) });
  const a = worker("a");
  const b = worker("b");
  const orders = new StopOrders<ReturnType<typeof worker>>();
  orders.ready(a);
  orders.raise(1, [a, b]);
  assert.deepEqual([sent.get("a"), sent.get("b")], [1, undefined], "b is not listening yet");
  orders.raise(2, [a, b]);
  orders.ready(b);
  assert.deepEqual([sent.get("a"), sent.get("b")], [2, 2], "b gets both once it listens");
  orders.raise(1, [a, b]);
  orders.raise(2, [a, b]);
  assert.deepEqual([sent.get("a"), sent.get("b")], [2, 2], "what was due is not sent again");
});

test("exit codes: 2 for a bad command line, 1 for any other failure", () => {
  assert.equal(exitCodeOf(new EchoError("ERR_INVALID_OPTION", { option: "--port", value: "x" })), 2);
  assert.equal(exitCodeOf(new Error("boom")), 1);
});
