/**
 * Out of descriptors: `tcpecho serve` under a soft open-files limit of 64
 * (util-linux's prlimit), with more clients than that. Past the limit libuv
 * accepts and closes the waiting clients unseen; the server must say so in one
 * line (the limit, and how to raise it), warn at start, keep serving those it
 * holds, and serve new clients once descriptors are free again.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Socket } from "node:net";
import { freshEcho } from "./attacks.js";
import { needs, rawConnect, readN, startCliServer, stopCli, sleep } from "./helpers.js";

const LIMIT = 64;
const CLIENTS = 120;

test(
  "out of descriptors: one line with the limit and how to raise it, a warning at start, and service again once clients leave",
  { timeout: 60_000 },
  async (t) => {
    const skip = needs("prlimit", "util-linux");
    if (skip) {
      t.skip(skip);
      return;
    }
    const srv = await startCliServer(["--quiet"], undefined, ["prlimit", `--nofile=${LIMIT}:${LIMIT}`]);
    const clients: Socket[] = [];
    try {
      await srv.waitFor(
        new RegExp(`warning: this process may have only ${LIMIT} files open at once .*fewer than 1024`),
      );
      // More clients than descriptors; each sends a byte and expects it back.
      let echoed = 0;
      let dropped = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, i) => {
          await sleep(i * 5);
          const s = await rawConnect(srv.port);
          s.on("error", () => {});
          clients.push(s);
          s.write("x");
          try {
            await readN(s, 1, 5000);
            echoed++;
          } catch {
            dropped++;
          }
        }),
      );
      assert.ok(echoed > 0 && echoed < CLIENTS, `${echoed} echoed, ${dropped} dropped`);
      assert.ok(dropped > 0, "every client was served: the limit did not bite");
      const line = await srv.waitFor(/out of file descriptors/, 5000);
      assert.match(line, new RegExp(`may have ${LIMIT} files open at once .*ulimit -n .*LimitNOFILE=`));
      // More clients at the limit: still one line, not one per client.
      for (let i = 0; i < 20; i++) {
        const s = await rawConnect(srv.port);
        s.on("error", () => {});
        clients.push(s);
      }
      await sleep(500);
      const lines = srv.stderr.filter((l) => /out of file descriptors/.test(l));
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.ok(!/\n\s+at /.test(srv.stderr.join("\n")), "a stack trace");
      // Those it holds are still served; once they leave, new clients are too.
      for (const s of clients) s.destroy();
      clients.length = 0;
      await sleep(300); // the server sees them close
      let served = false;
      for (let attempt = 0; attempt < 20 && !served; attempt++) {
        served = await freshEcho(srv.port, "back in business").then(
          () => true,
          () => false,
        );
        if (!served) await sleep(250);
      }
      assert.ok(served, "no new client was served after the others left");
      assert.equal(srv.proc.exitCode, null, "the server exited");
    } finally {
      for (const s of clients) s.destroy();
      await stopCli(srv);
    }
  },
);
