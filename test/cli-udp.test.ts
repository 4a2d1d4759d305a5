/** `tcpecho serve --udp` as a user runs it. */

import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { test } from "node:test";
import { needsSignals, STOPPED, cleanEnv, freePort, runCli, startCliServer, stopCli } from "./helpers.js";

test(
  "--udp echoes datagrams on the TCP port, logs them, and sums them up at the end",
  { timeout: 15_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM for the closing sums");
    if (skip) return t.skip(skip);
    const srv = await startCliServer(["--udp"]);
    const client = createSocket("udp4");
    try {
      await srv.waitFor(/^\[UDP server\] echoing datagrams on 127\.0\.0\.1:\d+ too/);
      const reply = once(client, "message");
      client.send("ping over udp", srv.port, "127.0.0.1");
      const [msg] = (await Promise.race([
        reply,
        new Promise((_, reject) => setTimeout(() => reject(new Error("no UDP reply within 10 s")), 10_000)),
      ])) as [Buffer];
      assert.equal(msg.toString(), "ping over udp");
      await srv.waitFor(/^\[UDP\/127\.0\.0\.1:\d+\] ping over udp$/);
    } finally {
      client.close();
      assert.equal(await stopCli(srv), STOPPED);
    }
    assert.ok(
      srv.stdout.some((l) => /^\[UDP server\] 1 datagram received, 1 echoed, 0 dropped$/.test(l)),
      srv.stdout.join("\n"),
    );
  },
);

test("--udp on a UDP port someone else holds: said in words, exit 1", { timeout: 15_000 }, async () => {
  const port = await freePort();
  const holder = createSocket("udp4");
  await new Promise<void>((resolve) => holder.bind(port, "127.0.0.1", resolve));
  try {
    const r = await runCli(["serve", "--host", "127.0.0.1", "--port", String(port), "--udp"], {
      env: cleanEnv(),
      timeout: 10_000,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /in use/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  } finally {
    holder.close();
  }
});
