/**
 * No English in Korean output, from the real commands: `serve` with its
 * trace, data, refusals, UDP and metrics lines and its shutdown; `client`,
 * `ping` and `diagnose` when the echo works and when nothing listens; and
 * bad command lines of each. Every line is checked with `englishWords`
 * (flags, values, code names, units and the notes' socket calls may stay);
 * the data sent is Korean or zero bytes, so that no word in a line is the
 * client's. Double quotes are taken away first: the trace quotes received
 * data, and nothing worded may hide inside them.
 */

import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { test } from "node:test";
import { englishWords } from "../src/i18n/english-words.js";
import {
  needsSignals,
  STOPPED,
  cleanEnv,
  freePort,
  rawConnect,
  readAll,
  readN,
  runCli,
  startCliServer,
  stopCli,
} from "./helpers.js";

const KO = ["--lang", "ko"];

/** The lines of `text` that hold English, with the words found. */
function english(lines: readonly string[]): string[] {
  return lines
    .map((line) => ({ line, words: englishWords(line.replaceAll('"', " ")) }))
    .filter((l) => l.words.length > 0)
    .map((l) => `${l.line}  → ${l.words.join(", ")}`);
}

const linesOf = (text: string) => text.split("\n").filter((l) => l !== "");

test(
  "serve --lang ko: start, trace, data (cut too), refusal, UDP, metrics and shutdown lines hold no English",
  { timeout: 30_000 },
  async (t) => {
    const skip = needsSignals("SIGTERM for the shutdown lines");
    if (skip) return t.skip(skip);
    const srv = await startCliServer([
      ...KO,
      "--trace",
      "--max-connections",
      "1",
      "--udp",
      "--metrics",
      "127.0.0.1:0",
    ]);
    try {
      await srv.waitFor(/^\[TCP 서버\] 메트릭 주소: /);
      const a = await rawConnect(srv.port);
      a.write("안녕하세요");
      await readN(a, 15);
      // More than a line shows: the data line and the trace's recv line are cut, with a count.
      a.write(Buffer.alloc(70_000));
      await readN(a, 70_000);
      await srv.waitFor(/^\[추적\] recv\(\d+, 65536\) = \d+ ".*…/);
      const b = await rawConnect(srv.port);
      b.on("error", () => {});
      await readAll(b).catch(() => Buffer.alloc(0));
      await srv.waitFor(/^\[TCP 서버\] 클라이언트 거부: /);
      const udp = createSocket("udp4");
      udp.send("안녕", srv.port, "127.0.0.1");
      await once(udp, "message");
      udp.close();
      await srv.waitFor(/^\[UDP\/127\.0\.0\.1:\d+\] 안녕$/);
      a.end();
      await readAll(a);
      await srv.waitFor(/^\[TCP 서버\] 클라이언트 종료: .*70015바이트 에코/);
    } finally {
      assert.equal(await stopCli(srv), STOPPED);
    }
    await srv.waitFor(/^\[UDP 서버\] 데이터그램 /);
    const lines = [...srv.stdout, ...srv.stderr];
    assert.ok(lines.length >= 20, lines.join("\n"));
    assert.deepEqual(english(lines), []);
  },
);

test(
  "client, ping, diagnose and bench --lang ko hold no English, echoing or refused",
  { timeout: 90_000 },
  async () => {
    const srv = await startCliServer(["--data-lines", "0"]);
    const closed = await freePort();
    const target = `127.0.0.1:${srv.port}`;
    const runs: [string[], string?][] = [
      [["client", "127.0.0.1", String(srv.port), "--send", "안녕", "--trace"]],
      [["client", "127.0.0.1", String(srv.port), "--verify"], "안녕\n"],
      [["client", "127.0.0.1", String(closed), "--send", "안녕"]],
      [["ping", target, "-c", "2", "-i", "0.05"]],
      [["ping", target, "-c", "2", "-i", "0.05", "--connect-only"]],
      [["ping", `127.0.0.1:${closed}`, "-c", "1"]],
      [["diagnose", "127.0.0.1", String(srv.port)]],
      [["diagnose", "127.0.0.1", String(closed)]],
      [["diagnose", "localhost", String(srv.port), "--no-connect"]],
      [["bench", target, "-c", "2", "-n", "200"]],
      [["bench", target, "-c", "1", "-d", "300ms", "--stream"]],
      [["bench", `127.0.0.1:${closed}`, "-c", "2", "-n", "10"]],
    ];
    try {
      for (const [args, input] of runs) {
        const r = await runCli([...args, ...KO], input === undefined ? {} : { input });
        const said = `tcpecho ${args.join(" ")} (exit ${r.code})`;
        // The piped client's standard output is the echo itself, not words.
        const out = args.includes("--verify") ? [] : linesOf(r.stdout.toString());
        const lines = [...out, ...linesOf(r.stderr)];
        assert.ok(lines.length > 0, said);
        assert.deepEqual(english(lines), [], said);
      }
    } finally {
      await stopCli(srv);
    }
  },
);

test("bad command lines --lang ko: one line, exit 2, no English", { timeout: 60_000 }, async () => {
  const bad = [
    ["serve", "--backlog", "0"],
    ["serve", "--drain-timeout", "soon"],
    ["serve", "--log-format", "xml"],
    ["serve", "--port"],
    ["serve", "--port", "70000"],
    ["serve", "--metrics", "foo"],
    ["serve", "--tls-cert", "x.pem"],
    ["serve", "--proxy-trusted", "10.0.0.0/8"],
    ["serve", "--allow", "10.0.0.0/33"],
    ["serve", "--max-conection", "3"],
    ["srve"],
    ["client", "--crlf", "--lf"],
    ["client", "a", "b", "c"],
    ["client", "127.0.0.1:5", "6"],
    ["client", "x", "--host", "y"],
    ["client", "a..b"],
    ["client", "--tls-ca", "/nonexistent.pem", "--insecure"],
    ["client", "--tls-servername", "1.2.3.4"],
    ["client", "--tls-ca", "/nonexistent.pem"],
    ["ping", "-c", "0"],
    ["ping", "--connect-only", "-s", "100"],
    ["ping", "-i", "soon"],
    ["diagnose", "127.0.0.1:1", "2"],
    ["diagnose", "-p", "0"],
    ["bench", "127.0.0.1:1", "--stream", "--rate", "5"],
  ];
  for (const args of bad) {
    const r = await runCli([...args, ...KO], { env: cleanEnv() });
    const said = `tcpecho ${args.join(" ")}: ${r.stderr}`;
    assert.equal(r.code, 2, said);
    const lines = linesOf(r.stderr);
    assert.equal(lines.length, 1, said);
    assert.match(lines[0] ?? "", /^tcpecho: .*\(도움말: tcpecho /, said);
    assert.deepEqual(english(lines), [], said);
  }
});
