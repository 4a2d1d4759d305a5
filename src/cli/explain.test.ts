/** `tcpecho explain`: which code a word names, the closest known one, and the lines for each system. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Command } from "commander";
import { englishWords } from "../i18n/english-words.js";
import { EXPLAINED_CODES, explainWords, explanation } from "../i18n/explain.js";
import { TEXT_PLATFORMS, WINSOCK_ERRORS } from "../net/winsock.js";
import { allCommands, registerCommands } from "./commands.js";
import { closestCode, explainLines, resolveCode } from "./explain.js";

test("a code is found by errno, Winsock name or number, Node or tcpecho code, in any case", () => {
  for (const input of [
    "ECONNREFUSED",
    "econnrefused",
    "WSAECONNREFUSED",
    "wsaeconnrefused",
    "10061",
    " 10061 ",
  ])
    assert.equal(resolveCode(input)?.code, "ECONNREFUSED", input);
  assert.equal(resolveCode("11001")?.code, "ENOTFOUND");
  assert.equal(resolveCode("WSATRY_AGAIN")?.code, "EAI_AGAIN");
  assert.equal(resolveCode("err_socket_bad_port")?.code, "ERR_SOCKET_BAD_PORT");
  assert.equal(resolveCode("ERR_PEER_CLOSED")?.code, "ERR_PEER_CLOSED");
  // Known to the table only: by its Berkeley name or Node's code.
  assert.equal(resolveCode("EWOULDBLOCK")?.wsa?.wsa, 10035);
  assert.equal(resolveCode("EAGAIN")?.wsa?.wsa, 10035);
  // Each errno is itself, not the code Node reports its Winsock twin as.
  assert.equal(resolveCode("ESHUTDOWN")?.code, "ESHUTDOWN");
  assert.equal(resolveCode("EINTR")?.code, "EINTR");
  assert.equal(resolveCode("WSAESHUTDOWN")?.code, "ESHUTDOWN");
  assert.equal(resolveCode("EPIPE")?.code, "EPIPE");
  assert.equal(resolveCode("ECANCELED")?.code, "ECANCELED");
  for (const input of ["ECONNREFUSD", "10062", "111", "", "WSA", "hello"])
    assert.equal(resolveCode(input), undefined, input);
});

test("a mistyped code suggests the closest known one; nonsense suggests none", () => {
  assert.equal(closestCode("ECONNREFUSD"), "ECONNREFUSED");
  assert.equal(closestCode("econrefused"), "ECONNREFUSED");
  assert.equal(closestCode("WSAECONREFUSED"), "WSAECONNREFUSED");
  assert.equal(closestCode("EADDRINUS"), "EADDRINUSE");
  assert.equal(closestCode("hello world"), undefined);
  assert.equal(closestCode("X"), undefined);
});

test("every explained code has a title, cause, command and fix in both languages on every system", () => {
  for (const code of EXPLAINED_CODES)
    for (const os of TEXT_PLATFORMS)
      for (const lang of ["en", "ko"] as const) {
        const words = explanation(code, lang, os)?.words;
        assert.ok(words, `${code} ${os} ${lang}`);
        for (const part of [words.title, words.cause, words.see, words.fix]) assert.ok(part.length > 2, code);
      }
});

test("the commands are each system's own", () => {
  const see = (code: string, os: (typeof TEXT_PLATFORMS)[number]) =>
    explanation(code, "en", os)?.words.see ?? "";
  assert.match(
    see("EADDRINUSE", "win32"),
    /netstat -ano \| findstr \/R \/C:":PORT \.\*LISTENING".*tasklist \/FI "PID eq PID"/,
  );
  assert.match(see("EADDRINUSE", "darwin"), /lsof -nP -iTCP:PORT -sTCP:LISTEN/);
  assert.match(see("EADDRINUSE", "linux"), /ss -ltnp 'sport = :PORT'/);
  assert.match(see("EACCES", "win32"), /netsh int ipv4 show excludedportrange protocol=tcp/);
  assert.match(explanation("EACCES", "en", "darwin")?.words.cause ?? "", /macOS 10\.14/);
  assert.match(explanation("EACCES", "en", "linux")?.words.cause ?? "", /CAP_NET_BIND_SERVICE/);
  assert.match(explanation("ETIMEDOUT", "ko", "win32")?.words.cause ?? "", /Windows Defender 방화벽/);
  for (const os of ["darwin", "win32"] as const)
    for (const code of EXPLAINED_CODES)
      for (const lang of ["en", "ko"] as const) {
        const w = explanation(code, lang, os)?.words;
        assert.doesNotMatch(`${w?.see} ${w?.fix}`, /\bss -|ip route|\/proc\//, `${code} ${os}`);
      }
});

test("the head names the Winsock error on Windows; the numbers line gives each system's number", () => {
  const win = explainLines(resolveCode("10061")!, "en", "win32");
  assert.equal(win[0], "ECONNREFUSED (10061, WSAECONNREFUSED) — connection refused");
  assert.match(win[1] ?? "", /Linux: errno 111 · macOS: errno 61 · Windows: 10061 WSAECONNREFUSED/);
  assert.match(
    win.find((l) => l.startsWith("see it on Windows:")) ?? "",
    /netstat -ano \| findstr \/R \/C:":PORT \.\*LISTENING"/,
  );
  const linux = explainLines(resolveCode("ECONNREFUSED")!, "ko", "linux");
  assert.equal(linux[0], "ECONNREFUSED — 연결 거부");
  assert.ok(linux.some((l) => l.startsWith("원인: ")));
  assert.ok(linux.some((l) => /^Linux 에서 확인: .*ss -ltnp/.test(l)));
  assert.ok(linux.some((l) => l.startsWith("해결: ")));
  assert.match(
    explainLines(resolveCode("ENOTFOUND")!, "en", "win32")[0] ?? "",
    /^ENOTFOUND \(11001, WSAHOST_NOT_FOUND\)/,
  );
  assert.match(explainLines(resolveCode("ERR_SOCKET_BAD_PORT")!, "en", "linux")[1] ?? "", /Node\.js/);
  const table = explainLines(resolveCode("WSAEWOULDBLOCK")!, "en", "linux");
  assert.equal(table[0], "EAGAIN (10035, WSAEWOULDBLOCK) — Resource temporarily unavailable");
});

test("the Korean explanations have no English beyond names, commands and codes", () => {
  // A command is written the same in both languages: what the English has verbatim is not prose.
  const withoutCommands = (ko: string, en: string) =>
    ko
      .split(/[\uac00-\ud7a3]+[^\s]*|[,;()]|: /)
      .map((run) => run.trim())
      .filter((run) => run.length > 0 && !en.includes(run))
      .join(" ");
  for (const code of EXPLAINED_CODES)
    for (const os of TEXT_PLATFORMS) {
      const ko = explanation(code, "ko", os)!.words;
      const en = explanation(code, "en", os)!.words;
      for (const key of ["title", "cause", "see", "fix"] as const) {
        assert.match(ko[key], /[\uac00-\ud7a3]|^[^a-z]*$|\s/, `${code} ${os} ${key}`);
        assert.deepEqual(
          englishWords(withoutCommands(ko[key], en[key])),
          [],
          `${code} ${os} ${key}: ${ko[key]}`,
        );
      }
      for (const line of explainLines(resolveCode(code)!, "ko", os).slice(0, 2))
        assert.deepEqual(englishWords(line), [], line);
    }
  for (const e of WINSOCK_ERRORS) assert.deepEqual(englishWords(e.ko), [], e.ko);
});

test("each code's numbers are its own; Node's name for a Winsock error is said where it differs", () => {
  const numbers = (code: string, lang: "en" | "ko" = "en") =>
    explainLines(resolveCode(code)!, lang, "linux").find((l) => /^(the same error|같은 오류): /.test(l)) ??
    "";
  assert.equal(
    numbers("EPIPE"),
    "the same error: Linux: errno 32 · macOS: errno 32 · Windows: 10058 WSAESHUTDOWN, which Node reports as EPIPE",
  );
  assert.equal(
    numbers("ESHUTDOWN"),
    "the same error: Linux: errno 108 · macOS: errno 58 · Windows: 10058 WSAESHUTDOWN, which Node reports as EPIPE",
  );
  assert.equal(
    numbers("ECANCELED"),
    "the same error: Linux: errno 125 · macOS: errno 89 · Windows: 10004 WSAEINTR, which Node reports as ECANCELED",
  );
  assert.equal(
    numbers("EINTR", "ko"),
    "같은 오류: Linux: errno 4 · macOS: errno 4 · Windows: 10004 WSAEINTR (Node 는 ECANCELED 로 알림)",
  );
  assert.equal(numbers("ENFILE"), "the same error: Linux: errno 23 · macOS: errno 23");
  assert.equal(explainLines(resolveCode("ECANCELED")!, "en", "linux")[0], "ECANCELED — Operation canceled");
  assert.equal(
    explainLines(resolveCode("ESHUTDOWN")!, "en", "linux")[0],
    "ESHUTDOWN (10058, WSAESHUTDOWN) — Cannot send after socket shutdown",
  );
  const epipe = explainLines(resolveCode("EPIPE")!, "en", "linux");
  assert.equal(epipe[0], "EPIPE — broken pipe");
  const winCause = explainLines(resolveCode("EPIPE")!, "en", "win32").find((l) => l.startsWith("cause:"));
  assert.match(winCause ?? "", /ECONNRESET or ECONNABORTED/);
});

/** tcpecho's commands and options as the CLI parses them, each command doing nothing. */
function parserOnly(): Command {
  const program = new Command("tcpecho")
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .option("--lang <lang>");
  registerCommands(program);
  for (const c of allCommands(program)) c.exitOverride().action(() => {});
  return program;
}

/** Stand-ins for the words a quoted command leaves for the reader to fill in. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  HOST: "127.0.0.1",
  PORT: "9000",
  ADDRESS: "127.0.0.1",
  NAME: "localhost",
  FILE: "ca.pem",
};

/** Each `tcpecho …` command quoted in `text`, as argv: it ends at the first word that is no part of it. */
function quotedCommands(text: string): string[][] {
  const program = parserOnly();
  const commands: string[][] = [];
  for (const match of text.matchAll(/\btcpecho /g)) {
    const argv: string[] = [];
    let cmd = program;
    for (const raw of text.slice((match.index ?? 0) + match[0].length).split(/\s+/)) {
      const word = raw.replace(/[),;:]+$/, "");
      const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
      const last = argv.at(-1) ?? "";
      const option = [...cmd.options, ...program.options].find((o) => o.long === last || o.short === last);
      if (sub) cmd = sub;
      else if (cmd === program)
        break; // prose: "tcpecho does not report it"
      else if (!(
        word.startsWith("-") ||
        option?.required ||
        option?.optional ||
        /^[A-Z]+$|^[\d.:]+$/.test(word)
      ))
        break;
      argv.push(PLACEHOLDERS[word] ?? word);
      if (word !== raw) break;
    }
    if (argv.length > 0) commands.push(argv);
  }
  return commands;
}

test("every tcpecho command explain quotes parses, in both languages on every system", async () => {
  const texts = new Set<string>();
  for (const lang of ["en", "ko"] as const) {
    texts.add(explainWords[lang].unknown("ECONNREFUSD", "ECONNREFUSED"));
    for (const os of TEXT_PLATFORMS)
      for (const code of EXPLAINED_CODES)
        for (const line of explainLines(resolveCode(code)!, lang, os)) texts.add(line);
  }
  const commands = [...texts].flatMap(quotedCommands);
  const seen = new Set(commands.map((argv) => argv.join(" ")));
  // The extraction finds what the texts quote, options and values included.
  assert.ok(seen.has("client 127.0.0.1 9000 --send hello --trace"), [...seen].join("\n"));
  assert.ok(seen.has("serve --host 0.0.0.0"), [...seen].join("\n"));
  assert.ok(seen.has("explain --list"), [...seen].join("\n"));
  for (const argv of seen) {
    const parsed = await parserOnly()
      .parseAsync(argv.split(" "), { from: "user" })
      .then(
        () => "parsed",
        (err: Error) => err.message,
      );
    assert.equal(parsed, "parsed", `tcpecho ${argv}`);
  }
});
