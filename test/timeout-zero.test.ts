/**
 * A timeout of 0 means the same everywhere: no timeout. `client -t`, `ping -W`,
 * `bench --timeout` and `diagnose -W` each wait as long as it takes with 0,
 * and give up with a short one, against a peer whose echo comes late.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli, startCliServer, startPeer, stopCli } from "./helpers.js";

/** The echo's delay: longer than the short timeouts below, short enough for a test. */
const LATE_MS = 700;

test(
  "0 is no timeout for client -t, ping -W and diagnose -W; a short one gives up",
  { timeout: 60_000 },
  async () => {
    const peer = await startPeer((s) => {
      s.on("data", (b: Buffer) => setTimeout(() => s.writable && s.write(b), LATE_MS));
      s.on("end", () => setTimeout(() => s.end(), LATE_MS));
    });
    try {
      const at = `127.0.0.1:${peer.port}`;
      const cases: [string, string[]][] = [
        ["client", ["client", at, "--send", "late", "-t"]],
        ["ping", ["ping", at, "-c", "1", "-W"]],
        ["diagnose", ["diagnose", at, "-W"]],
      ];
      const runs = await Promise.all(
        cases.flatMap(([, args]) => [runCli([...args, "0"]), runCli([...args, "300ms"])]),
      );
      cases.forEach(([name], i) => {
        const [none, short] = [runs[2 * i], runs[2 * i + 1]];
        assert.equal(none?.code, 0, `${name} with 0: ${none?.stderr} ${none?.stdout}`);
        assert.equal(short?.code, 1, `${name} with 300ms: ${short?.stderr} ${short?.stdout}`);
      });
      assert.equal(runs[0]?.stdout.toString(), "late");
      assert.match(runs[2]?.stdout.toString() ?? "", /seq=1 time=/);
      assert.match(runs[4]?.stdout.toString() ?? "", /echoed/);
    } finally {
      await peer.close();
    }
  },
);

test("bench --timeout 0: no connect timeout, the run goes on as usual", { timeout: 30_000 }, async () => {
  const srv = await startCliServer(["--quiet"]);
  try {
    const r = await runCli(["bench", `127.0.0.1:${srv.port}`, "-n", "50", "-c", "2", "--timeout", "0"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /errors +none/);
  } finally {
    await stopCli(srv);
  }
});
