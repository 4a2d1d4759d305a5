import assert from "node:assert/strict";
import { test } from "node:test";
import type { TcpTableReader, TcpTableSnapshot } from "../net/tcp-table.js";
import { ToolStates, type TraceEvent } from "./trace.js";

/** A reader that answers every reading with `snapshot`. */
const reader = (snapshot: TcpTableSnapshot): TcpTableReader => ({
  source: snapshot.source,
  read: async () => snapshot,
});

/** Asks and writes three steps of each of `n` connections; the lines written. */
async function connections(states: ToolStates, n: number): Promise<TraceEvent[]> {
  const written: TraceEvent[] = [];
  for (let c = 0; c < n; c++) {
    for (const call of ["accept", "recv", "close"]) {
      const event: TraceEvent = { call, fd: undefined, state: "unknown", notes: [] };
      event.state = states.ask(event, { localPort: 9000, remoteAddress: "127.0.0.1", remotePort: 50000 + c });
      states.write(event, (e) => written.push(e));
    }
  }
  await states.drained();
  return written;
}

test("the tool's bookkeeping forgets each step once its line is written: sockets gone, readings failed, states found", async () => {
  const row = { localAddress: "127.0.0.1", localPort: 9000, remoteAddress: "127.0.0.1", remotePort: 50000 };
  const cases: [string, TcpTableSnapshot, TraceEvent["state"]][] = [
    ["gone", { ok: true, source: "netstat -an -p tcp", rows: [] }, "gone"],
    ["failed", { ok: false, source: "netstat -ano", failure: "missing" }, "unknown"],
    [
      "found",
      { ok: true, source: "netstat -an -p tcp", rows: [{ ...row, state: "ESTABLISHED" }] },
      undefined,
    ],
  ];
  for (const [name, snapshot, state] of cases) {
    const states = new ToolStates(reader(snapshot));
    const written = await connections(states, 20);
    assert.equal(written.length, 60, name);
    if (state !== undefined)
      assert.ok(
        written.every((e) => e.state === state),
        name,
      );
    assert.equal(states.waiting, 0, `${name}: sockets still waiting`);
  }
});
