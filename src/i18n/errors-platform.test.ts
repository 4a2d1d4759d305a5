/**
 * Errors in the words of each system: Linux's as they have always been,
 * macOS's `lsof` and its rule for ports below 1024, Windows's Winsock number
 * and name, `netstat`, `tasklist` and reserved port ranges; in English and Korean.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { SYSTEM_ERROR_CODES } from "../net/echo-error.js";
import { ECHO_ERROR_CODES, errorText, type EchoErrorContext } from "../net/error-text.js";
import { TEXT_PLATFORMS } from "../net/winsock.js";
import { englishWords } from "./english-words.js";
import { errorIn } from "./errors.js";
import { explanation } from "./explain.js";

const REFUSED: EchoErrorContext = { host: "127.0.0.1", port: 9000, operation: "connect" };
const IN_USE: EchoErrorContext = { host: "0.0.0.0", port: 9000, operation: "listen", option: "--port" };
const LOW: EchoErrorContext = { host: "0.0.0.0", port: 80, operation: "listen", option: "--port" };
const HIGH: EchoErrorContext = { host: "0.0.0.0", port: 5037, operation: "listen", option: "--port" };

test("Linux: the words are today's (no Winsock, ss, root or CAP_NET_BIND_SERVICE)", () => {
  assert.equal(
    errorIn("en", "ECONNREFUSED", REFUSED, "linux"),
    "connection refused by 127.0.0.1:9000: nothing is listening on that port there (is the server running, on this port?)",
  );
  assert.equal(
    errorIn("en", "EADDRINUSE", IN_USE, "linux"),
    "the echo port 9000 on 0.0.0.0 is already in use by another program; see which with: ss -ltnp 'sport = :9000'",
  );
  assert.equal(
    errorIn("en", "EACCES", LOW, "linux"),
    "no permission to listen on port 80: ports below 1024 are well-known ports and need root (or CAP_NET_BIND_SERVICE); use 1024 or above, e.g. --port 9000",
  );
  assert.equal(
    errorIn("ko", "EADDRINUSE", IN_USE, "linux"),
    "0.0.0.0 의 에코 포트 9000: 다른 프로그램이 이미 쓰고 있습니다. 확인: ss -ltnp 'sport = :9000'",
  );
  for (const lang of ["en", "ko"] as const)
    for (const code of ECHO_ERROR_CODES)
      assert.doesNotMatch(errorIn(lang, code, REFUSED, "linux"), /WSA|netstat|lsof/, `${lang} ${code}`);
});

test("Windows: a system error names its Winsock number and name beside the code, in both languages", () => {
  for (const lang of ["en", "ko"] as const) {
    assert.match(
      errorIn(lang, "ECONNREFUSED", REFUSED, "win32"),
      /^ECONNREFUSED \(10061, WSAECONNREFUSED\): /,
    );
    assert.match(errorIn(lang, "EADDRINUSE", IN_USE, "win32"), /^EADDRINUSE \(10048, WSAEADDRINUSE\): /);
    assert.match(errorIn(lang, "EACCES", LOW, "win32"), /^EACCES \(10013, WSAEACCES\): /);
    assert.match(errorIn(lang, "ETIMEDOUT", REFUSED, "win32"), /^ETIMEDOUT \(10060, WSAETIMEDOUT\): /);
    assert.match(
      errorIn(lang, "ENOTFOUND", { host: "nosuch.example" }, "win32"),
      /^ENOTFOUND \(11001, WSAHOST_NOT_FOUND\): /,
    );
    // Codes Windows has no Winsock error for stay as they are.
    assert.equal(
      errorIn(lang, "ERR_PEER_CLOSED", REFUSED, "win32"),
      errorIn(lang, "ERR_PEER_CLOSED", REFUSED, "linux"),
    );
  }
  // The library's own English says the same.
  assert.match(
    errorText("ECONNREFUSED", REFUSED, undefined, "win32"),
    /^ECONNREFUSED \(10061, WSAECONNREFUSED\): /,
  );
});

test("Windows: who holds a port is netstat -ano | findstr on its LISTENING line, then tasklist by its PID", () => {
  for (const lang of ["en", "ko"] as const) {
    const text = errorIn(lang, "EADDRINUSE", IN_USE, "win32");
    assert.match(text, /netstat -ano \| findstr \/R \/C:":9000 \.\*LISTENING"/);
    assert.match(text, /tasklist \/FI "PID eq PID"/);
    assert.doesNotMatch(text, /ss -l/);
    assert.match(
      errorIn(lang, "ECONNREFUSED", REFUSED, "win32"),
      /netstat -ano \| findstr \/R \/C:":9000 \.\*LISTENING"/,
    );
    assert.match(
      errorIn(lang, "EADDRINUSE", { ...IN_USE, option: "--udp" }, "win32"),
      /netstat -ano \| findstr \/R \/C:"UDP \.\*:9000 "/,
    );
  }
});

test("Windows: EACCES on listen is a reserved range or an exclusive bind, never privilege, on any port", () => {
  for (const ctx of [LOW, HIGH])
    for (const lang of ["en", "ko"] as const) {
      const text = errorIn(lang, "EACCES", ctx, "win32");
      assert.match(text, /netsh int ipv4 show excludedportrange protocol=tcp/);
      assert.match(text, new RegExp(`findstr /R /C:":${ctx.port} `));
      assert.doesNotMatch(text, /CAP_NET_BIND_SERVICE|root/);
    }
  assert.match(errorIn("en", "EACCES", LOW, "win32"), /Windows needs no privilege for any port/);
  assert.match(errorIn("ko", "EACCES", LOW, "win32"), /관리자 권한이 필요 없으므로/);
});

test("macOS: lsof shows who listens; below 1024 only a specific address such as 127.0.0.1 needs root (10.14 and later)", () => {
  for (const lang of ["en", "ko"] as const) {
    assert.match(errorIn(lang, "EADDRINUSE", IN_USE, "darwin"), /lsof -nP -iTCP:9000 -sTCP:LISTEN/);
    assert.match(errorIn(lang, "ECONNREFUSED", REFUSED, "darwin"), /lsof -nP -iTCP:9000 -sTCP:LISTEN/);
    assert.match(
      errorIn(lang, "EADDRINUSE", { ...IN_USE, option: "--udp" }, "darwin"),
      /lsof -nP -iUDP:9000/,
    );
    const low = errorIn(lang, "EACCES", LOW, "darwin");
    assert.match(low, /macOS 10\.14/);
    assert.match(low, /0\.0\.0\.0/);
    assert.doesNotMatch(low, /CAP_NET_BIND_SERVICE|WSA/);
  }
  for (const [lang, rule] of [
    ["en", /listening on a specific address such as 127\.0\.0\.1 (still )?needs root/],
    ["ko", /127\.0\.0\.1 같은 특정 주소에서 대기하려면 root 권한이 필요합니다/],
  ] as const) {
    assert.match(errorIn(lang, "EACCES", LOW, "darwin"), rule);
    assert.match(explanation("EACCES", lang, "darwin")?.words.cause ?? "", rule);
  }
  assert.doesNotMatch(errorIn("en", "EACCES", HIGH, "darwin"), /1024/);
});

test("the local port range and descriptor limits are each system's", () => {
  const ctx: EchoErrorContext = { host: "127.0.0.1", port: 9000, operation: "connect" };
  assert.match(errorIn("en", "EADDRNOTAVAIL", ctx, "linux"), /net\.ipv4\.ip_local_port_range/);
  assert.match(errorIn("en", "EADDRNOTAVAIL", ctx, "win32"), /netsh int ipv4 show dynamicport tcp/);
  assert.match(errorIn("ko", "EADDRNOTAVAIL", ctx, "darwin"), /net\.inet\.ip\.portrange\.first/);
  assert.match(errorIn("en", "EMFILE", { limit: 256 }, "darwin"), /kern\.maxfilesperproc/);
  assert.doesNotMatch(errorIn("en", "EMFILE", { limit: 256 }, "win32"), /ulimit|systemd/);
  assert.match(errorIn("ko", "ENFILE", {}, "darwin"), /kern\.maxfiles/);
});

test("the Korean of every system has no English beyond names, commands and codes", () => {
  const contexts = [REFUSED, IN_USE, LOW, HIGH, { host: "10.0.0.1", port: 9, timeoutMs: 1500, limit: 256 }];
  for (const platform of TEXT_PLATFORMS)
    for (const code of SYSTEM_ERROR_CODES)
      for (const ctx of contexts) {
        const text = errorIn("ko", code, ctx, platform);
        assert.deepEqual(englishWords(text), [], `${platform} ${code}: ${text}`);
      }
});
