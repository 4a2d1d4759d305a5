/**
 * `npm run soak -- --minutes N [-- SERVE OPTIONS...]`: the attacks of
 * test/reliability.test.ts, larger and over and over for N minutes, against
 * one `tcpecho serve` process (its defaults, plus any options given after
 * `--`, e.g. `-- --proxy-protocol v1` is not useful, but `-- --max-connections
 * 100` or `-- --idle-timeout 30s` are). After every round it checks that the
 * server still answers, and prints its descriptors and memory, so a leak
 * shows as a trend. Exit 1 at the first failure. Talks to 127.0.0.1 only.
 */

import {
  flood,
  freshEcho,
  halfClose,
  integrity,
  neverReaders,
  oneByteReader,
  openDescriptors,
  residentBytes,
  resets,
  stalledReader,
  until,
} from "../test/attacks.js";
import { startCliServer, stopCli } from "../test/helpers.js";
import { scriptArgs } from "./args.js";

const { values, positionals } = scriptArgs(
  "soak",
  `usage: npm run soak -- [--minutes 1] [-- SERVE OPTIONS...]

The reliability attacks, larger and over and over, against one tcpecho serve
on 127.0.0.1, its descriptors and memory printed after every round.`,
  { minutes: { type: "string" } },
  true,
);
values.minutes ??= "1";
const minutes = Number(values.minutes);
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) {
  console.error(`soak: --minutes takes a number of minutes from 0 to 1440, not '${values.minutes}'`);
  process.exit(2);
}

const MB = 1024 * 1024;
const srv = await startCliServer(["--quiet", ...positionals]);
const pid = srv.proc.pid as number;
const deadline = Date.now() + minutes * 60_000;
const baseline = { fds: openDescriptors(pid), rss: residentBytes(pid) };
console.log(
  `soak: tcpecho serve (pid ${pid}) on 127.0.0.1:${srv.port} ${positionals.join(" ")} for ${minutes} min; ` +
    `${baseline.fds} descriptors, ${(baseline.rss / MB).toFixed(1)} MB resident`,
);

const attacks: [string, (round: number) => Promise<unknown>][] = [
  ["integrity 64 x 4 MB", (r) => integrity(srv.port, { clients: 64, bytes: 4 * MB, runs: 2, seed: r + 1 })],
  ["never-readers 40 x 10 s", () => neverReaders(srv.port, pid, { clients: 40, seconds: 10 })],
  ["half-close 300 KB", () => halfClose(srv.port, 300 * 1024)],
  ["resets 20000", () => resets(srv.port, { count: 20_000, batch: 200 })],
  ["storm 20000", () => flood(srv.port, { storm: 20_000, batch: 500, served: 20, servedBytes: 2 * MB })],
  ["one byte per read 1 MB", () => oneByteReader(srv.port, MB)],
  ["stalled reader 64 MB", () => stalledReader(srv.port, 64 * MB, 2000)],
];

let round = 0;
let failed = false;
try {
  while (Date.now() < deadline) {
    round++;
    for (const [name, attack] of attacks) {
      if (Date.now() >= deadline) break;
      const t0 = Date.now();
      const result = await attack(round);
      const rtt = await freshEcho(srv.port);
      // Descriptors go back to the baseline once the attack's connections are closed.
      await until(() => openDescriptors(pid) <= baseline.fds, 10_000);
      console.log(
        `round ${round} ${name}: ok in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
          `then a fresh echo in ${rtt.toFixed(1)} ms, ${openDescriptors(pid)} descriptors, ` +
          `${(residentBytes(pid) / MB).toFixed(1)} MB resident` +
          (result && typeof result === "object" ? ` ${JSON.stringify(result)}` : ""),
      );
    }
  }
} catch (err) {
  failed = true;
  console.error(`soak: round ${round} failed: ${err instanceof Error ? err.message : String(err)}`);
}
const code = await stopCli(srv);
if (code !== 0) {
  failed = true;
  console.error(`soak: the server exited with ${code} at SIGTERM`);
}
console.log(`soak: ${failed ? "FAILED" : "passed"} after ${round} round${round === 1 ? "" : "s"}`);
process.exit(failed ? 1 : 0);
