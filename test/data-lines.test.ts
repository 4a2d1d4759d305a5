/**
 * `serve`'s received-data lines (`[TCP/ip:port] data`, and `data` events in
 * JSON) over real sockets, on both data paths: a character TCP split
 * between two reads is shown whole, with the read that completes it; the
 * bytes of a character a client left unfinished when it closed are shown
 * escaped; JSON's `text` is the text that came, escaped once (by JSON).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { cleanEnv, rawConnect, readAll, startCliServer, stopCli } from "./helpers.js";

const PATHS = ["handles", "streams"] as const;

/** "안녕하세요" in UTF-8, cut inside "녕" (EB 85 95): "안" and its first byte, then the rest. */
const KOREAN = Buffer.from("안녕하세요", "utf8");
const FIRST = KOREAN.subarray(0, 4);
const REST = KOREAN.subarray(4);

/**
 * Sends, waiting before each write until the server has logged the one
 * before (so that each is a read of its own): `안\xeb`, `\x85\x95하세요`,
 * `hello\n`, then `\xeb\x85` (the start of a character) and the end.
 */
async function sendInReads(srv: Awaited<ReturnType<typeof startCliServer>>, json: boolean): Promise<number> {
  const s = await rawConnect(srv.port);
  s.resume(); // the echo is not what is looked at here
  const port = s.localPort ?? 0;
  const data = json ? `"event":"data".*"remotePort":${port}` : `^\\[TCP/127\\.0\\.0\\.1:${port}\\] `;
  s.write(FIRST);
  await srv.waitFor(new RegExp(data));
  s.write(REST);
  await srv.waitFor(new RegExp(`${data}.*하세요`));
  s.write("hello\n");
  await srv.waitFor(new RegExp(`${data}.*hello`));
  s.end(Buffer.from([0xeb, 0x85]));
  await readAll(s);
  await srv.waitFor(json ? /"event":"disconnect"/ : /client disconnected/);
  return port;
}

for (const path of PATHS) {
  test(
    `${path}: a character split between two reads is logged whole, an unfinished one escaped`,
    { timeout: 15_000 },
    async () => {
      const srv = await startCliServer([], cleanEnv({ TCPECHO_DATA_PATH: path }));
      try {
        const port = await sendInReads(srv, false);
        const tag = `[TCP/127.0.0.1:${port}] `;
        const lines = srv.stdout.filter((l) => l.startsWith(tag) || l.includes("client disconnected"));
        assert.deepEqual(lines.slice(0, 4), [
          `${tag}안`,
          `${tag}녕하세요`,
          `${tag}hello\\n`,
          `${tag}\\xeb\\x85`,
        ]);
        assert.match(lines[4] ?? "", new RegExp(`port=${port} \\(${KOREAN.length + 8} bytes echoed`));
      } finally {
        await stopCli(srv);
      }
    },
  );

  test(
    `${path}: --log-format json: text is the text that came, escaped once, a split character whole`,
    { timeout: 15_000 },
    async () => {
      const srv = await startCliServer(["--log-format", "json"], cleanEnv({ TCPECHO_DATA_PATH: path }));
      try {
        await sendInReads(srv, true);
        const data = srv.stdout
          .filter((l) => l.includes('"event":"data"'))
          .map((l) => JSON.parse(l) as { bytes: number; text: string; moreBytes?: number });
        assert.deepEqual(
          data.map((e) => [e.bytes, e.text]),
          [
            [4, "안"],
            [REST.length, "녕하세요"],
            [6, "hello\n"],
            [2, ""], // the start of a character: nothing whole yet
            [0, "\\xeb\\x85"], // the client closed: those bytes, escaped
          ],
        );
        assert.ok(
          srv.stdout.some((l) => l.includes('"text":"hello\\n"')),
          "a newline is escaped once, by JSON",
        );
      } finally {
        await stopCli(srv);
      }
    },
  );
}

test(
  "--log-format json: a long read's text is cut with moreBytes; bytes JSON leaves raw are escaped",
  { timeout: 15_000 },
  async () => {
    const srv = await startCliServer(["--log-format", "json"]);
    try {
      const s = await rawConnect(srv.port);
      s.resume();
      s.write(Buffer.concat([Buffer.from("a\u0085b\u2028c\\x", "utf8"), Buffer.from([0xff])]));
      await srv.waitFor(/"event":"data"/);
      s.write(Buffer.alloc(100, 0x62));
      await srv.waitFor(/"moreBytes"/);
      s.end();
      await readAll(s);
      const lines = srv.stdout.filter((l) => l.includes('"event":"data"'));
      const [first, long] = lines.map((l) => JSON.parse(l) as { text: string; moreBytes?: number });
      assert.equal(first?.text, "a\u0085b\u2028c\\x\\xff");
      assert.match(
        lines[0] ?? "",
        /"text":"a\\u0085b\\u2028c\\\\x\\\\xff"/,
        "C1 and U+2028 written as \\u escapes",
      );
      assert.equal(long?.text, "b".repeat(80));
      assert.equal(long?.moreBytes, 20);
    } finally {
      await stopCli(srv);
    }
  },
);
