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
import { firstAnswer, linuxOnly, needs, rawConnect, startCliServer, stopCli, sleep } from "./helpers.js";

const LIMIT = 64;
const CLIENTS = 120;

test(
  "out of descriptors: one line with the limit and how to raise it, a warning at start, and service again once clients leave",
  { timeout: 60_000 },
  async (t) => {
    const skip = linuxOnly("prlimit for a low open-files limit") || needs("prlimit", "util-linux");
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
          // Served (its byte comes back) or dropped unseen (closed at once): whichever, not a timeout.
          if ((await firstAnswer(s)) === "data") echoed++;
          else dropped++;
        }),
      );
      assert.ok(echoed > 0 && echoed < CLIENTS, `${echoed} echoed, ${dropped} dropped`);
      assert.ok(dropped > 0, "every client was served: the limit did not bite");
      const line = await srv.waitFor(/out of file descriptors/);
      assert.match(line, new RegExp(`may have ${LIMIT} files open at once .*ulimit -n .*LimitNOFILE=`));
      // More clients at the limit, each dropped in turn: still one line, not one per client.
      for (let i = 0; i < 20; i++) {
        const s = await rawConnect(srv.port);
        s.on("error", () => {});
        clients.push(s);
        assert.equal(await firstAnswer(s), "closed", "a client past the limit was served");
      }
      await sleep(500); // a second line would have been written with the drops; let it arrive
      const lines = srv.stderr.filter((l) => /out of file descriptors/.test(l));
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.ok(!/\n\s+at /.test(srv.stderr.join("\n")), "a stack trace");
      // Those it holds are still served; once they leave, new clients are too.
      for (const s of clients) s.destroy();
      clients.length = 0;
      // Until the server has seen them close, a new client is dropped as above: try again until one is served.
      let served = false;
      for (const end = Date.now() + 20_000; !served && Date.now() < end;) {
        const s = await rawConnect(srv.port);
        s.on("error", () => {});
        s.write("back in business");
        served = (await firstAnswer(s)) === "data";
        s.destroy();
        if (!served) await sleep(100);
      }
      assert.ok(served, "no new client was served within 20 s of the others leaving");
      await freshEcho(srv.port, "back in business");
      assert.equal(srv.proc.exitCode, null, "the server exited");
    } finally {
      for (const s of clients) s.destroy();
      await stopCli(srv);
    }
  },
);
