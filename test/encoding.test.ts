/**
 * `--encoding cp949` on serve and client, beyond the textbook program
 * (textbook.test.ts): characters split between reads, the JSON log and
 * `--trace`, bad values, piped input, and text CP949 cannot write. The
 * CP949 bytes are written out by hand. On both data paths (TCPECHO_DATA_PATH).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CLI,
  cleanEnv,
  needs,
  onTerminal,
  rawConnect,
  readAll,
  readN,
  runCli,
  startCliServer,
  startPeer,
  stopCli,
} from "./helpers.js";

/** 안녕A then three bytes of no CP949 character, cut inside 녕: as two reads would bring them. */
const SPLIT = [Buffer.from("bec8b3", "hex"), Buffer.from("e74180ff0a", "hex")];

/** Sends `parts` one at a time, each once its echo is back; resolves with everything echoed. */
async function sendInParts(port: number, parts: Buffer[]): Promise<Buffer> {
  const s = await rawConnect(port);
  const echoed: Buffer[] = [];
  for (const part of parts) {
    s.write(part);
    echoed.push(await readN(s, part.length));
  }
  s.end();
  echoed.push(await readAll(s));
  return Buffer.concat(echoed);
}

test(
  "serve --encoding cp949: data lines and --trace show the Hangul, a character split between reads whole; the echo unchanged",
  { timeout: 30_000 },
  async () => {
    const server = await startCliServer(["--encoding", "cp949", "--trace"]);
    try {
      const echoed = await sendInParts(server.port, SPLIT);
      assert.deepEqual(echoed, Buffer.concat(SPLIT));
      await server.waitFor(/client disconnected: .*\(8 bytes echoed/);
      const data = server.stdout.filter((l) => l.startsWith("[TCP/"));
      assert.deepEqual(
        data.map((l) => l.replace(/^\[TCP\/[\d.:]+\] /, "")),
        ["안", "녕A\\x80\\xff\\n"],
      );
      // Where the TCP state comes from a tool (netstat, on macOS and Windows), a trace line can follow the disconnect line.
      await server.waitFor(/^\[trace\] recv\(\d+, 65536\) = 5 /);
      const recvs = server.stdout.filter((l) => /^\[trace\] recv\(\d+, 65536\)/.test(l));
      assert.match(recvs[0] ?? "", / = 3 "안" /);
      assert.match(recvs[1] ?? "", / = 5 "녕A\\x80\\xff\\n" /);
    } finally {
      await stopCli(server);
    }
  },
);

test(
  "serve --encoding cp949 --log-format json: the data event's text in Hangul",
  { timeout: 30_000 },
  async () => {
    const server = await startCliServer(["--encoding", "CP949", "--log-format", "json"]);
    try {
      await sendInParts(server.port, SPLIT);
      await server.waitFor(/"event":"disconnect"/);
      const texts = server.stdout
        .filter((l) => l.includes('"event":"data"'))
        .map((l) => JSON.parse(l) as { bytes: number; text: string })
        .map((e) => [e.bytes, e.text]);
      assert.deepEqual(texts, [
        [3, "안"],
        [5, "녕A\\x80\\xff\n"],
      ]);
    } finally {
      await stopCli(server);
    }
  },
);

test(
  "serve without --encoding reads UTF-8: the same CP949 bytes are escaped",
  { timeout: 30_000 },
  async () => {
    const server = await startCliServer();
    try {
      await sendInParts(server.port, [Buffer.from("bec8b3e7", "hex")]);
      await server.waitFor(/client disconnected: /);
      // 0xE7 may begin a UTF-8 character: held, then shown alone when the client leaves.
      assert.deepEqual(
        server.stdout.filter((l) => l.startsWith("[TCP/")).map((l) => l.replace(/^\[TCP\/[\d.:]+\] /, "")),
        ["\\xbeȳ", "\\xe7"],
      );
    } finally {
      await stopCli(server);
    }
  },
);

for (const args of [
  ["serve", "--port", "0"],
  ["client", "--send", "hi"],
]) {
  for (const lang of ["en", "ko"]) {
    test(`${args[0]} --encoding euc-jp (${lang}): one line naming the option and its values, exit 2`, async () => {
      const r = await runCli([...args, "--encoding", "euc-jp", "--lang", lang]);
      assert.equal(r.code, 2);
      assert.equal(r.stdout.length, 0);
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? "", /--encoding.*utf-8.*cp949.*euc-jp/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }
}

test("client --encoding cp949 refuses piped input before connecting; utf-8 pipes as before", async () => {
  let connections = 0;
  const peer = await startPeer((s) => {
    connections++;
    s.pipe(s);
  });
  try {
    const refused = await runCli(["client", "-p", String(peer.port), "--encoding", "cp949"], {
      input: "안녕\n",
    });
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr.trimEnd().split("\n").length, 1, refused.stderr);
    assert.match(refused.stderr, /--encoding cp949.*iconv.*Git Bash/);
    assert.equal(connections, 0);
    const piped = await runCli(["client", "-p", String(peer.port), "--encoding", "utf-8"], {
      input: "안녕\n",
    });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout.toString(), "안녕\n");
  } finally {
    await peer.close();
  }
});

test("client --encoding cp949 --send: text CP949 cannot write is a usage error naming it; nothing is sent", async () => {
  let connections = 0;
  const peer = await startPeer((s) => {
    connections++;
    s.pipe(s);
  });
  try {
    for (const lang of ["en", "ko"]) {
      const r = await runCli([
        "client",
        "-p",
        String(peer.port),
        "--encoding",
        "cp949",
        "--send",
        "안녕 😀",
        "--lang",
        lang,
      ]);
      assert.equal(r.code, 2);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, /--send.*'😀' \(U\+1F600\)/);
    }
    assert.equal(connections, 0);
    // The bytes of --send are CP949, and the echo is shown as the text sent.
    const got: Buffer[] = [];
    const echo = await startPeer((s) => {
      s.on("data", (b: Buffer) => got.push(b));
      s.pipe(s);
    });
    try {
      const r = await runCli([
        "client",
        "-p",
        String(echo.port),
        "--encoding",
        "cp949",
        "--send",
        "안녕",
        "--lf",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), "안녕\n");
      assert.equal(Buffer.concat(got).toString("hex"), "bec8b3e70a");
    } finally {
      await echo.close();
    }
  } finally {
    await peer.close();
  }
});

test(
  "client --encoding cp949 on a terminal: a line CP949 cannot write is not sent, and says why; the next is",
  { timeout: 30_000 },
  async (t) => {
    const skip = needs("script");
    if (skip) return t.skip(skip);
    const server = await startCliServer(["--encoding", "cp949"]);
    try {
      const command = `${process.execPath} ${CLI} client -p ${server.port} --encoding cp949`;
      const { code, screen } = await onTerminal(command, ["웃음 😀", "웃음", ""], cleanEnv(), 15_000);
      assert.equal(code, 0, screen);
      assert.match(
        screen,
        /\[send\] 웃음 😀\n\[TCP client\] not sent: CP949 has no code for '😀' \(U\+1F600\)/,
      );
      assert.match(
        screen,
        /\[send\] 웃음\n\[TCP client\] sent 4 bytes\.\n\[TCP client\] received 4 bytes\.\n\[received data\] 웃음\n/,
      );
      await server.waitFor(/client disconnected: .*\(4 bytes echoed/);
      assert.deepEqual(
        server.stdout.filter((l) => l.startsWith("[TCP/")).map((l) => l.replace(/^\[TCP\/[\d.:]+\] /, "")),
        ["웃음"],
      );
    } finally {
      await stopCli(server);
    }
  },
);

test("client --interactive --encoding cp949: piped lines are the dialogue's, sent in CP949", async () => {
  const got: Buffer[] = [];
  const peer = await startPeer((s) => {
    s.on("data", (b: Buffer) => got.push(b));
    s.pipe(s);
  });
  try {
    const r = await runCli(
      ["client", "-p", String(peer.port), "--interactive", "--encoding", "cp949", "--lang", "ko"],
      { input: "안녕\n\n" },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /4바이트를 보냈습니다\.[^]*\[받은 데이터\] 안녕\n/);
    assert.equal(Buffer.concat(got).toString("hex"), "bec8b3e7");
  } finally {
    await peer.close();
  }
});
