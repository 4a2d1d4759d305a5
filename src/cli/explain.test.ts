/** `tcpecho explain`: which code a word names, the closest known one, and the lines for each system. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { englishWords } from "../i18n/english-words.js";
import { EXPLAINED_CODES, explanation } from "../i18n/explain.js";
import { TEXT_PLATFORMS, WINSOCK_ERRORS } from "../net/winsock.js";
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
  assert.match(see("EADDRINUSE", "win32"), /netstat -ano \| findstr :PORT.*tasklist \/FI "PID eq PID"/);
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
  assert.match(win.find((l) => l.startsWith("see it on Windows:")) ?? "", /netstat -ano \| findstr :PORT/);
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
