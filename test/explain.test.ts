/** `tcpecho explain CODE`, end to end: by errno, Winsock name or number, Node code; both languages; unknown codes. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { cleanEnv, runCli, simulatedEnv } from "./helpers.js";

async function explain(args: string[], env = cleanEnv()) {
  const r = await runCli(["explain", ...args], { env });
  return { ...r, out: r.stdout.toString() };
}

test("explain ECONNREFUSED: cause, the command for this system, and the fix, in English", async () => {
  const r = await explain(["ECONNREFUSED", "--os", "linux"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const lines = r.out.trimEnd().split("\n");
  assert.equal(lines[0], "ECONNREFUSED — connection refused");
  assert.match(
    r.out,
    /^the same error: Linux: errno 111 · macOS: errno 61 · Windows: 10061 WSAECONNREFUSED$/m,
  );
  assert.match(r.out, /^cause: .*nothing listens on that port/m);
  assert.match(r.out, /^see it on Linux: .*ss -ltnp 'sport = :PORT'/m);
  assert.match(r.out, /^fix: start the server/m);
});

test("explain in Korean: by --lang and by LANG", async () => {
  for (const [args, env] of [
    [["econnrefused", "--lang", "ko", "--os", "linux"], cleanEnv()],
    [["ECONNREFUSED", "--os", "linux"], cleanEnv({ LANG: "ko_KR.UTF-8" })],
  ] as const) {
    const r = await explain([...args], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.out, /^ECONNREFUSED — 연결 거부$/m);
    assert.match(r.out, /^원인: /m);
    assert.match(r.out, /^Linux 에서 확인: /m);
    assert.match(r.out, /^해결: /m);
  }
});

test("explain by Winsock name and number leads to the same error, worded for Windows", async () => {
  for (const code of ["WSAECONNREFUSED", "10061", "wsaeconnrefused"]) {
    const r = await explain([code, "--os", "win32"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.out, /^ECONNREFUSED \(10061, WSAECONNREFUSED\) — connection refused$/m, code);
    assert.match(r.out, /^see it on Windows: .*netstat -ano \| findstr \/R \/C:":PORT \.\*LISTENING"/m, code);
  }
  const ko = await explain(["10048", "--os", "win32", "--lang", "ko"]);
  assert.match(ko.out, /^EADDRINUSE \(10048, WSAEADDRINUSE\) — 주소가 이미 사용 중$/m);
  assert.match(
    ko.out,
    /^Windows 에서 확인: netstat -ano \| findstr \/R \/C:":PORT \.\*LISTENING", 그다음 마지막 열의 PID 로 tasklist/m,
  );
});

test("explain follows the system it runs on without --os", async () => {
  const win = await explain(["EACCES"], simulatedEnv("win32"));
  assert.match(win.out, /^EACCES \(10013, WSAEACCES\) — permission denied$/m);
  assert.match(win.out, /netsh int ipv4 show excludedportrange protocol=tcp/);
  const mac = await explain(["EADDRINUSE"], simulatedEnv("darwin"));
  assert.match(mac.out, /^see it on macOS: lsof -nP -iTCP:PORT -sTCP:LISTEN/m);
});

test("explain a Node code and a tcpecho code", async () => {
  const node = await explain(["ERR_TLS_CERT_ALTNAME_INVALID"]);
  assert.equal(node.code, 0, node.stderr);
  assert.match(node.out, /^ERR_TLS_CERT_ALTNAME_INVALID — certificate not made out for this name$/m);
  assert.match(node.out, /--tls-servername NAME/);
  const ko = await explain(["ENOTFOUND", "--lang", "ko"]);
  assert.match(ko.out, /^ENOTFOUND .*— 이름을 찾을 수 없음$/m);
  const own = await explain(["ERR_PEER_CLOSED"]);
  assert.match(own.out, /tcpecho's own code/);
});

test("an unknown code: one line, the closest known code, exit 2, no stack trace", async () => {
  for (const [args, hint] of [
    [["ECONNREFUSD"], /did you mean ECONNREFUSED\?/],
    [["nonsense"], /tcpecho explain --list/],
    [["ECONNREFUSD", "--lang", "ko"], /혹시 ECONNREFUSED\?/],
  ] as const) {
    const r = await explain([...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.out, "");
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? "", /^tcpecho: /);
    assert.match(lines[0] ?? "", hint);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  const bad = await explain(["ECONNREFUSED", "--os", "beos"]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--os/);
});

test("explain --list lists the codes and the Winsock errors", async () => {
  const r = await explain(["--list"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.out, /^ {2}ECONNREFUSED$/m);
  assert.match(r.out, /^ {2}10061 WSAECONNREFUSED \(ECONNREFUSED\)$/m);
});

test("explain gives each code its own numbers: EPIPE, ESHUTDOWN, ECANCELED and EINTR are four errors", async () => {
  const numbersOf = async (code: string, lang = "en") => {
    const r = await explain([code, "--os", "linux", "--lang", lang]);
    assert.equal(r.code, 0, r.stderr);
    return {
      head: r.out.split("\n")[0],
      numbers: r.out.split("\n").find((l) => /^(the same error|같은 오류): /.test(l)),
    };
  };
  const epipe = await numbersOf("EPIPE");
  assert.equal(epipe.head, "EPIPE — broken pipe");
  assert.match(
    epipe.numbers ?? "",
    /^the same error: Linux: errno 32 · macOS: errno 32 · Windows: 10058 WSAESHUTDOWN, which Node reports as EPIPE$/,
  );
  const shutdown = await numbersOf("ESHUTDOWN");
  assert.match(
    shutdown.head ?? "",
    /^ESHUTDOWN \(10058, WSAESHUTDOWN\) — Cannot send after socket shutdown$/,
  );
  assert.match(shutdown.numbers ?? "", /Linux: errno 108 · macOS: errno 58 · /);
  const canceled = await numbersOf("ECANCELED", "ko");
  assert.match(canceled.head ?? "", /^ECANCELED — 작업이 취소됨$/);
  assert.match(
    canceled.numbers ?? "",
    /^같은 오류: Linux: errno 125 · macOS: errno 89 · Windows: 10004 WSAEINTR \(Node 는 ECANCELED 로 알림\)$/,
  );
  const eintr = await numbersOf("EINTR");
  assert.match(eintr.head ?? "", /^EINTR \(10004, WSAEINTR\) — Interrupted function call$/);
  assert.match(eintr.numbers ?? "", /Linux: errno 4 · macOS: errno 4 · /);
});
