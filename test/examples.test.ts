/**
 * examples/: the textbook's server and client (node:net and library versions)
 * against each other, `tcpecho serve`/`client` and ncat, over loopback. The
 * log lines are the textbook's, the echo is byte-exact, and the client's
 * dialogue works through a pipe (lines on stdin, an empty line ends). The
 * naive client (one recv() where the notes call recvn()) prints part of a
 * reply that a slicing server cuts into pieces.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { LINES, type Lines } from "../examples/textbook.js";
import { clientMessages } from "../src/i18n/client.js";
import { serverMessages } from "../src/i18n/server.js";
import {
  cleanEnv,
  freePort,
  killGroup,
  needs,
  randomBytesSeeded,
  runCli,
  runScript,
  runTool,
  startPeer,
  startCliServer,
  startScript,
  stopCli,
  waitListening,
  type RunningCli,
} from "./helpers.js";

const example = (name: string) => fileURLToPath(new URL(`../examples/${name}.js`, import.meta.url));
type Lang = "en" | "ko";
type Server = "net" | "lib" | "tcpecho" | "ncat";
type Client = "net" | "lib";

/** `--lang ko` for the node:net examples, a ko_KR locale for the library ones: both ways are covered. */
const langArgs = (kind: string, lang: Lang) => (lang === "ko" && kind === "net" ? ["--lang", "ko"] : []);
const langEnv = (kind: string, lang: Lang) =>
  cleanEnv(lang === "ko" && kind === "lib" ? { LANG: "ko_KR.UTF-8" } : {});

/** Starts an echo server of one kind on a free loopback port; `stop` ends it. */
async function startServer(
  kind: Server,
  lang: Lang = "en",
): Promise<{ port: number; proc?: RunningCli; stop(): Promise<unknown> }> {
  if (kind === "tcpecho") {
    const srv = await startCliServer();
    return { port: srv.port, stop: () => stopCli(srv) };
  }
  const port = await freePort();
  if (kind === "ncat") {
    const ncat = spawn("ncat", ["-l", "-k", "127.0.0.1", String(port), "--exec", "/bin/cat"], {
      stdio: "ignore",
      detached: true,
    });
    await waitListening(port);
    return { port, stop: async () => killGroup(ncat) };
  }
  const args = ["--host", "127.0.0.1", "--port", String(port), ...langArgs(kind, lang)];
  const proc = startScript(example(`${kind}-server`), args, langEnv(kind, lang));
  await waitListening(port); // its probe shows as one more client in the log; checks below use the client's port
  return { port, proc, stop: () => stopCli(proc) };
}

/** What the example client prints for `lines` typed through a pipe, then an empty line. */
function dialogue(l: Lines, lines: string[]): string {
  const turns = lines.map((line) => {
    const n = Buffer.byteLength(line);
    return `${l.prompt}${line}\n${l.sent(n)}\n${l.received(n)}\n${l.receivedData(line)}\n`;
  });
  return `${turns.join("")}${l.prompt}\n`;
}

/** Checks the example server's lines for the client that sent `lines`: connected, each chunk, disconnected. */
async function checkServerLog(proc: RunningCli, l: Lines, lines: string[]): Promise<void> {
  const first = lines[0] ?? "";
  const tagged = await proc.waitFor(new RegExp(`^\\[TCP/127\\.0\\.0\\.1:(\\d+)\\] ${first}`));
  const port = Number(/:(\d+)\]/.exec(tagged)?.[1]);
  const disconnected = l.disconnected("127.0.0.1", port);
  await proc.waitFor(new RegExp(`^${disconnected.replace(/[[\]().]/g, "\\$&")}$`));
  const mine = proc.stdout.filter(
    (s) => s.includes(`127.0.0.1, `) || s.startsWith(`[TCP/127.0.0.1:${port}]`),
  );
  const at = (line: string) => mine.indexOf(line);
  assert.ok(at(l.connected("127.0.0.1", port)) >= 0, proc.stdout.join("\n"));
  // One recv() may carry two lines sent quickly, so check the bytes, not the split into chunks.
  const data = proc.stdout
    .filter((s) => s.startsWith(`[TCP/127.0.0.1:${port}] `))
    .map((s) => s.slice(`[TCP/127.0.0.1:${port}] `.length))
    .join("");
  assert.equal(data, lines.join(""));
  assert.ok(at(l.connected("127.0.0.1", port)) < at(disconnected));
  assert.deepEqual(proc.stderr, []);
}

test("the examples' lines are tcpecho's, in English and Korean", () => {
  for (const lang of ["en", "ko"] as const) {
    const l = LINES[lang];
    assert.equal(l.connected("127.0.0.1", 51234), serverMessages[lang].connected("127.0.0.1", 51234));
    assert.equal(l.prompt, clientMessages[lang].prompt);
    for (const n of [1, 5, 15, 65536]) {
      assert.equal(l.sent(n), clientMessages[lang].sentBytes(n));
      assert.equal(l.received(n), clientMessages[lang].receivedBytes(n));
    }
    assert.equal(l.receivedData("hi"), `${clientMessages[lang].receivedDataTag} hi`);
  }
  // The textbook's own words, exactly.
  const ko = LINES.ko;
  assert.equal(
    ko.connected("127.0.0.1", 9000),
    "[TCP 서버] 클라이언트 접속: IP 주소=127.0.0.1, 포트 번호=9000",
  );
  assert.equal(
    ko.disconnected("127.0.0.1", 9000),
    "[TCP 서버] 클라이언트 종료: IP 주소=127.0.0.1, 포트 번호=9000",
  );
  assert.equal(ko.data("127.0.0.1", 9000, "hello"), "[TCP/127.0.0.1:9000] hello");
  assert.equal(ko.sent(5), "[TCP 클라이언트] 5바이트를 보냈습니다.");
  assert.equal(ko.received(5), "[TCP 클라이언트] 5바이트를 받았습니다.");
  assert.equal(ko.receivedData("hello"), "[받은 데이터] hello");
  assert.equal(ko.prompt, "[보낼 데이터] ");
});

const SERVERS: Server[] = ["net", "lib", "tcpecho", "ncat"];
const CLIENTS: Client[] = ["net", "lib"];

for (const server of SERVERS) {
  test(
    `the example clients against the ${server} server: the dialogue, piped`,
    { timeout: 60_000 },
    async (t) => {
      if (server === "ncat") {
        const skip = needs("ncat");
        if (skip) return t.skip(skip);
      }
      for (const lang of ["en", "ko"] as const) {
        const srv = await startServer(server, lang);
        try {
          // ncat --exec relays through blocking pipes and can stall on large lines (see cli-client.test.ts).
          const big = "x".repeat(server === "ncat" ? 32 * 1024 : 300 * 1024);
          const lines = ["hello", "안녕하세요", "  spaces and\ttab ", big];
          for (const client of CLIENTS) {
            const input = `${lines.join("\n")}\n\nnot sent after the empty line\n`;
            const run = await runScript(
              example(`${client}-client`),
              ["--port", String(srv.port), ...langArgs(client, lang)],
              { input, env: langEnv(client, lang), timeout: 20_000 },
            );
            assert.equal(run.stderr, "");
            assert.equal(run.code, 0);
            assert.equal(
              run.stdout.toString("utf8"),
              dialogue(LINES[lang], lines),
              `${client} client, ${lang}`,
            );
            if (srv.proc) await checkServerLog(srv.proc, LINES[lang], lines);
          }
        } finally {
          await srv.stop();
        }
      }
    },
  );
}

test(
  "the example clients end at the end of input and when the server closes",
  { timeout: 30_000 },
  async () => {
    const srv = await startServer("net");
    try {
      for (const client of CLIENTS) {
        const run = await runScript(example(`${client}-client`), ["--port", String(srv.port)], {
          input: "last",
        });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout.toString(), dialogue(LINES.en, ["last"]));
      }
    } finally {
      await srv.stop();
    }
    const closing = await startPeer((s) => s.end()); // accepts, then closes at once: recvn() returns 0
    try {
      for (const client of CLIENTS) {
        const run = await runScript(example(`${client}-client`), ["--port", String(closing.port)], {
          input: "x\ny\n\n",
        });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout.toString(), `${LINES.en.prompt}x\n${LINES.en.sent(1)}\n`);
      }
    } finally {
      await closing.close();
    }
    for (const client of CLIENTS) {
      const refused = await runScript(example(`${client}-client`), ["--port", String(srv.port)], {
        input: "x\n",
      });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^connect\(\): .*(ECONNREFUSED|refused)/);
    }
  },
);

for (const server of ["net", "lib"] as const) {
  test(
    `tcpecho client and ncat against the ${server} example server: byte-exact`,
    { timeout: 60_000 },
    async (t) => {
      const srv = await startServer(server, "ko");
      try {
        const data = randomBytesSeeded(128 * 1024, 12);
        const piped = await runCli(["client", "-p", String(srv.port), "--verify"], { input: data });
        assert.equal(piped.code, 0, piped.stderr);
        assert.ok(piped.stdout.equals(data), "tcpecho client got back what it sent");
        const once = await runCli(["client", "-p", String(srv.port), "--send", "hello"]);
        assert.equal(once.stdout.toString(), "hello");
        await checkServerLog(srv.proc as RunningCli, LINES.ko, ["hello"]);
        const skip = needs("ncat");
        if (skip) return t.skip(skip);
        assert.equal(await runTool("ncat", ["127.0.0.1", String(srv.port)], "from ncat\n"), "from ncat\n");
        await checkServerLog(srv.proc as RunningCli, LINES.ko, ["from ncat"]); // its "\n" ends the line
      } finally {
        await srv.stop();
      }
    },
  );
}

test(
  "the naive client against a server that slices its echo: one recv() is only part of the reply",
  { timeout: 30_000 },
  async () => {
    // Pieces of 1 byte, 300 ms apart: the first recv() can hold the whole 5 bytes only if the client
    // did not run for over a second after the first piece came.
    const srv = await startCliServer(["--fault", "slice=1-1:300ms"]);
    try {
      for (const lang of ["en", "ko"] as const) {
        const l = LINES[lang];
        const run = await runScript(example("naive-client"), ["--port", String(srv.port), "--lang", lang], {
          input: "hello\n\n",
          timeout: 20_000,
        });
        assert.equal(run.code, 0, run.stderr);
        const out = run.stdout.toString("utf8").split("\n");
        assert.equal(out[0], `${l.prompt}hello`);
        assert.equal(out[1], l.sent(5));
        const got = out.slice(2, 4).join("\n");
        const partial = [1, 2, 3, 4].some(
          (n) => got === `${l.received(n)}\n${l.receivedData("hello".slice(0, n))}`,
        );
        assert.ok(partial, `expected part of "hello", got:\n${got}`);
      }
    } finally {
      await stopCli(srv);
    }
  },
);

test("bad input: one line and exit code 2", { timeout: 20_000 }, async () => {
  for (const name of ["net-server", "lib-server", "net-client", "lib-client", "naive-client"]) {
    for (const args of [["--port", "99999"], ["--lang", "fr"], ["--bogus"]]) {
      const run = await runScript(example(name), args);
      assert.equal(run.code, 2, `${name} ${args.join(" ")}`);
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
      assert.equal(run.stdout.length, 0);
    }
  }
});
