/** The English and Korean catalogues. */

import assert from "node:assert/strict";
import { test } from "node:test";
import type { EchoErrorCode, EchoErrorContext } from "../net/echo-error.js";
import { ECHO_ERROR_CODES, portHolderCommand } from "../net/error-text.js";
import type { ListenScope } from "../net/interfaces.js";
import type { DisconnectReason } from "../server/connection.js";
import { errorIn } from "./errors.js";
import { englishWords } from "./english-words.js";
import { LANGS } from "./lang.js";
import { messages, type Messages } from "./messages.js";

const ALL_CODES = ECHO_ERROR_CODES;

const SCOPES: Record<ListenScope, true> = {
  "all-ipv4": true,
  "all-ipv6": true,
  all: true,
  loopback: true,
  one: true,
};
const REASONS: Record<DisconnectReason, true> = {
  end: true,
  reset: true,
  error: true,
  idle: true,
  keepalive: true,
  shutdown: true,
  destroyed: true,
  fault: true,
};

/** A context with every field a message may use. */
const FULL: EchoErrorContext = {
  host: "192.0.2.7",
  port: 9000,
  operation: "connect",
  value: "bad",
  min: 1,
  detail: "--timeout",
  received: 3,
  expected: 5,
  offset: 2,
  timeoutMs: 1500,
};

const HANGUL = /[\uac00-\ud7a3]/;

/** Sample calls of every entry of a catalogue; the mapped type makes the compiler demand each key. */
const SAMPLES: { [K in keyof Messages]: (m: Messages) => string[] } = {
  bytes: (m) => [0, 1, 2, 999_999, 1_500_000].map((n) => m.bytes(n)),
  duration: (m) => [0, 250, 999, 1000, 1500, 59_999, 60_000, 3_725_000].map((ms) => m.duration(ms)),
  serverTag: (m) => [m.serverTag],
  listening: (m) => [
    ...Object.keys(SCOPES).map((s) => m.listening("0.0.0.0:9000", s as ListenScope, 511, 511)),
    m.listening("[::]:9000", "all-ipv6", 511, 511, 4),
    m.listening("0.0.0.0:9000", "all-ipv4", 4096, 100_000),
  ],
  moreBytes: (m) => [m.moreBytes(1), m.moreBytes(420)],
  reachAt: (m) => [
    m.reachAt("127.0.0.1:9000", m.loopbackLabel),
    m.reachAt("192.0.2.7:9000", "eth0"),
    m.reachAt("[::1]:9000", null),
  ],
  loopbackLabel: (m) => [m.loopbackLabel],
  noExternalInterface: (m) => [m.noExternalInterface],
  connected: (m) => [m.connected("127.0.0.1", 51234)],
  disconnected: (m) =>
    Object.keys(REASONS).map((r) => m.disconnected("127.0.0.1", 51234, 42, 1234, r as DisconnectReason)),
  connectionError: (m) => [m.connectionError("::1", 51234, "boom")],
  refused: (m) => [
    m.refused("10.0.0.1", 51234, "max-connections", 100),
    m.refused("10.0.0.1", 51234, "max-per-ip", 1),
    m.refused("10.0.0.1", 51234, "denied", 0),
  ],
  dataSuppressed: (m) => [m.dataSuppressed(20)],
  refusedSuppressed: (m) => [m.refusedSuppressed(20)],
  metricsAt: (m) => [m.metricsAt("http://127.0.0.1:9100/metrics")],
  livePageAt: (m) => [m.livePageAt("http://127.0.0.1:8080/")],
  udpListening: (m) => [m.udpListening("0.0.0.0:9000")],
  udpDropped: (m) => [
    m.udpDropped("10.0.0.1", 7, "service-port"),
    m.udpDropped("10.0.0.1", 5000, "rate-limit"),
    m.udpDropped("::1", 5000, "denied"),
  ],
  udpDroppedSuppressed: (m) => [m.udpDroppedSuppressed(20)],
  udpSummary: (m) => [m.udpSummary(1, 1, 0), m.udpSummary(10, 7, 3)],
  workersStarting: (m) => [m.workersStarting(1), m.workersStarting(4)],
  workerStarted: (m) => [m.workerStarted(1, 4242)],
  workerDied: (m) => [m.workerDied(2, 4243, "SIGKILL", true), m.workerDied(2, 4243, "exit code 1", false)],
  workersStopped: (m) => [m.workersStopped(1), m.workersStopped(4)],
  stopping: (m) => [m.stopping(0, 10_000), m.stopping(1, 10_000), m.stopping(3, 500)],
  forcing: (m) => [m.forcing(1), m.forcing(2)],
  notReady: (m) => [m.notReady(3000), m.notReady(500)],
  summary: (m) => [m.summary(5000, 0, 0, 0), m.summary(65_000, 1, 1, 0), m.summary(65_000, 3, 2_000_000, 2)],
  tlsFailed: (m) => [m.tlsFailed("192.0.2.7", 51234, m.tlsFailure("timeout", "", 10_000))],
  tlsFailure: (m) =>
    (["timeout", "closed", "reset", "http", "not-tls", "certificate", "incompatible", "other"] as const).map(
      (f) => m.tlsFailure(f, "unsupported protocol", 10_000),
    ),
  peerErrorsSuppressed: (m) => [m.peerErrorsSuppressed(20)],
  faultsActive: (m) => [m.faultsActive([], true), m.faultsActive(["delay=200ms", "slice=1-3"], false)],
  faultApplied: (m) => [m.faultApplied("127.0.0.1", 51234, 3, "delay=200ms", "…")],
  faultsSuppressed: (m) => [m.faultsSuppressed(20)],
  fewDescriptors: (m) => [m.fewDescriptors(64, 0), m.fewDescriptors(1024, 5000)],
  udpWorkerSummary: (m) => [m.udpWorkerSummary(2, 1, 1, 0)],
  workerSummary: (m) => [m.workerSummary(2, 5000, 0, 0, 0), m.workerSummary(3, 65_000, 3, 2_000_000, 2)],
  clientTag: (m) => [m.clientTag],
  prompt: (m) => [m.prompt],
  receivedDataTag: (m) => [m.receivedDataTag],
  clientConnected: (m) => [m.clientConnected("127.0.0.1:9000"), m.clientConnected("[::1]:9000", "TLSv1.3")],
  sentBytes: (m) => [m.sentBytes(5), m.sentBytes(1)],
  receivedBytes: (m) => [m.receivedBytes(5), m.receivedBytes(1)],
  notSentUnencodable: (m) => [m.notSentUnencodable("'😀' (U+1F600)")],
  clientClosed: (m) => [m.clientClosed],
  serverClosedConnection: (m) => [m.serverClosedConnection("127.0.0.1:9000")],
  serverClosedBeforeSending: (m) => [m.serverClosedBeforeSending("127.0.0.1:9000")],
  clientInterrupted: (m) => [m.clientInterrupted(true), m.clientInterrupted(false)],
  tlsInsecure: (m) => [m.tlsInsecure],
  pipedInMintty: (m) => [m.pipedInMintty],
  verified: (m) => [m.verified(5)],
  usage: (m) => [m.usage("unknown option '--x'", "serve ")],
  error: (m) => ALL_CODES.map((code) => m.error(code, FULL)),
  commanderError: (m) =>
    COMMANDER_ERRORS.map(([code, message]) => m.commanderError(code, message.replace(/\s*\n\s*/g, " "))),
};

/** Commander's messages, as commander 14 words them (without its `error: `). */
const COMMANDER_ERRORS: readonly [string, string][] = [
  ["commander.unknownOption", "unknown option '--foo'"],
  ["commander.unknownOption", "unknown option '--max-conection'\n(Did you mean --max-connections?)"],
  ["commander.unknownCommand", "unknown command 'srve'\n(Did you mean serve?)"],
  ["commander.missingArgument", "missing required argument 'host'"],
  ["commander.optionMissingArgument", "option '-p, --port <port>' argument missing"],
  ["commander.missingMandatoryOptionValue", "required option '--x <n>' not specified"],
  ["commander.conflictingOption", "option '--crlf' cannot be used with option '--lf'"],
  ["commander.excessArguments", "too many arguments for 'client'. Expected 2 arguments but got 3."],
  [
    "commander.invalidArgument",
    "option '--log-format <format>' argument 'x' is invalid. Allowed choices are text, json.",
  ],
  ["commander.somethingNew", "a message commander adds later"],
];

for (const lang of LANGS) {
  test(`${lang}: every message is a non-empty string without undefined/NaN/[object`, () => {
    for (const [key, sample] of Object.entries(SAMPLES)) {
      for (const text of sample(messages[lang])) {
        assert.equal(typeof text, "string", key);
        assert.ok(text.trim().length > 0, `${lang}.${key} is empty`);
        assert.doesNotMatch(text, /undefined|NaN|\[object /, `${lang}.${key}: ${text}`);
      }
    }
  });

  test(`${lang}: every EchoErrorCode has its own non-empty message`, () => {
    const seen = new Map<string, EchoErrorCode>();
    for (const code of ALL_CODES) {
      const text = messages[lang].error(code, FULL);
      assert.ok(text.length > 0, `${lang} ${code}`);
      assert.doesNotMatch(text, /undefined/, `${lang} ${code}: ${text}`);
      assert.equal(seen.get(text), undefined, `${lang}: ${code} says the same as ${seen.get(text)}`);
      seen.set(text, code);
    }
  });

  test(`${lang}: every EchoErrorCode has a message for a minimal context too`, () => {
    // What the library's throw sites pass at least: usage errors a value; the rest an address
    // (and ERR_ECHO_MISMATCH the offset, which its message needs).
    for (const code of ALL_CODES) {
      const ctx: EchoErrorContext = code.startsWith("ERR_INVALID_")
        ? { value: "x" }
        : code === "ERR_ECHO_MISMATCH"
          ? { host: "::1", port: 7, offset: 0 }
          : { host: "::1", port: 7 };
      const text = messages[lang].error(code, ctx);
      assert.ok(text.length > 0);
      assert.doesNotMatch(text, /undefined|NaN/, `${lang} ${code}: ${text}`);
    }
  });

  test(`${lang}: the five listen scopes, a socket from systemd, the capped backlog, every disconnect and refusal reason read differently`, () => {
    assert.equal(new Set(SAMPLES.listening(messages[lang])).size, 7);
    assert.match(messages[lang].listening("0.0.0.0:9000", "all-ipv4", 4096, 100_000), /somaxconn/);
    assert.equal(new Set(SAMPLES.disconnected(messages[lang])).size, Object.keys(REASONS).length);
    assert.equal(new Set(SAMPLES.refused(messages[lang])).size, 3);
  });
}

/** The kinds of value an option may be told to take, each worded with the value given. */
const VALUE_EXPECTS = [
  "duration",
  "positive-duration",
  "count",
  "number",
  "positive-number",
  "cidr",
  "hostname",
] as const;

test("Korean messages are in Korean and English ones are not", () => {
  for (const [key, sample] of Object.entries(SAMPLES)) {
    for (const text of sample(messages.en)) assert.doesNotMatch(text, HANGUL, `en.${key}: ${text}`);
  }
  for (const code of ALL_CODES) {
    assert.match(messages.ko.error(code, FULL), HANGUL, `ko ${code} is not translated`);
  }
  for (const key of [
    "serverTag",
    "clientTag",
    "connected",
    "sentBytes",
    "listening",
    "dataSuppressed",
  ] as const) {
    for (const text of SAMPLES[key](messages.ko)) assert.match(text, HANGUL, `ko.${key}: ${text}`);
  }
});

test("server and client lines: the textbook's wording exactly in Korean, and the English", () => {
  const expected = {
    ko: {
      connected: "[TCP 서버] 클라이언트 접속: IP 주소=127.0.0.1, 포트 번호=51234",
      sent5: "[TCP 클라이언트] 5바이트를 보냈습니다.",
      sent1: "[TCP 클라이언트] 1바이트를 보냈습니다.",
      received5: "[TCP 클라이언트] 5바이트를 받았습니다.",
      disconnected: /^\[TCP 서버\] 클라이언트 종료: IP 주소=127\.0\.0\.1, 포트 번호=51234 /,
    },
    en: {
      connected: "[TCP server] client connected: IP address=127.0.0.1, port=51234",
      sent5: "[TCP client] sent 5 bytes.",
      sent1: "[TCP client] sent 1 byte.",
      received5: "[TCP client] received 5 bytes.",
      disconnected:
        /^\[TCP server\] client disconnected: IP address=127\.0\.0\.1, port=51234 \(5 bytes echoed in 10 ms, reset by the client\)$/,
    },
  } as const;
  for (const lang of ["ko", "en"] as const) {
    const m = messages[lang];
    const want = expected[lang];
    assert.equal(m.connected("127.0.0.1", 51234), want.connected);
    assert.equal(m.sentBytes(5), want.sent5);
    assert.equal(m.sentBytes(1), want.sent1);
    assert.equal(m.receivedBytes(5), want.received5);
    assert.match(m.disconnected("127.0.0.1", 51234, 5, 10, "reset"), want.disconnected);
  }
  assert.equal(messages.ko.serverTag, "[TCP 서버]");
  assert.equal(messages.ko.clientTag, "[TCP 클라이언트]");
});

test("byte counts and durations are worded per language", () => {
  assert.equal(messages.en.bytes(0), "0 bytes");
  assert.equal(messages.en.bytes(1), "1 byte");
  assert.equal(messages.en.bytes(999_999), "999999 bytes");
  assert.equal(messages.en.bytes(1_500_000), "1.5 MB");
  assert.equal(messages.ko.bytes(1), "1바이트");
  assert.equal(messages.ko.bytes(2_500_000), "2.5MB");

  assert.equal(messages.en.duration(250), "250 ms");
  assert.equal(messages.en.duration(1500), "1.5 s");
  assert.equal(messages.en.duration(65_000), "1 min 05 s");
  assert.equal(messages.ko.duration(250), "250밀리초");
  assert.equal(messages.ko.duration(1500), "1.5초");
  assert.equal(messages.ko.duration(65_000), "1분 5초");
});

test("error messages use their context", () => {
  // Linux's words (each system's own are in errors-platform.test.ts).
  const en = { error: (c: EchoErrorCode, x: EchoErrorContext) => errorIn("en", c, x, "linux") };
  const ko = { error: (c: EchoErrorCode, x: EchoErrorContext) => errorIn("ko", c, x, "linux") };
  assert.equal(
    en.error("ERR_INVALID_PORT", { value: "70000", min: 1 }),
    "give a port number from 1 to 65535, not '70000'",
  );
  assert.equal(
    ko.error("ERR_INVALID_PORT", { value: "70000", min: 1 }),
    "포트 번호는 1부터 65535까지의 정수로 주세요 (받은 값: '70000')",
  );
  assert.match(
    en.error("ECONNREFUSED", { host: "::1", port: 9000 }),
    /^connection refused by \[::1\]:9000: /,
  );
  assert.match(en.error("ECONNREFUSED", {}), /^connection refused by the server: /);
  assert.match(ko.error("ECONNREFUSED", {}), /^서버가 접속을 거부했습니다/);
  assert.match(
    ko.error("ECONNREFUSED", { host: "::1", port: 9000 }),
    /^서버\(\[::1\]:9000\)가 접속을 거부했습니다/,
  );
  assert.match(en.error("ENOTFOUND", { host: "nosuch.example" }), /'nosuch\.example' was not found/);
  assert.match(
    en.error("EACCES", { host: "0.0.0.0", port: 80, operation: "listen" }),
    /port 80: ports below 1024/,
  );
  assert.match(
    ko.error("EACCES", { host: "0.0.0.0", port: 80, operation: "listen" }),
    /포트 80에서 대기할 권한이 없습니다/,
  );
  assert.match(
    en.error("EADDRINUSE", { host: "0.0.0.0", port: 9000 }),
    /port 9000 on 0\.0\.0\.0 is already in use/,
  );
  assert.match(
    en.error("ETIMEDOUT", { host: "10.0.0.1", port: 9, timeoutMs: 1500 }),
    /^no answer from 10\.0\.0\.1:9 within 1\.5 s/,
  );
  assert.match(en.error("ETIMEDOUT", { host: "10.0.0.1", port: 9 }), /^no answer from 10\.0\.0\.1:9: /);
  assert.match(
    en.error("ETIMEDOUT", { host: "10.0.0.1", port: 9, operation: "read", timeoutMs: 2000 }),
    /^no echo from 10\.0\.0\.1:9 within 2 s/,
  );
  assert.match(
    ko.error("ETIMEDOUT", { host: "10.0.0.1", port: 9, operation: "read", timeoutMs: 2000 }),
    /2초 안에 에코가/,
  );
  assert.match(
    en.error("ERR_PEER_CLOSED", { host: "::1", port: 7, received: 3, expected: 5 }),
    /after sending back 3 of 5 bytes/,
  );
  assert.match(
    ko.error("ERR_PEER_CLOSED", { host: "::1", port: 7, received: 3, expected: 5 }),
    /5바이트 중 3바이트만/,
  );
  assert.match(en.error("ERR_ECHO_MISMATCH", { host: "::1", port: 7, offset: 12 }), /first at byte 12$/);
  assert.match(en.error("ERR_SOCKET", { host: "::1", port: 7, detail: "EMFILE" }), /: EMFILE$/);
  assert.match(en.error("ERR_SOCKET", {}), /: unknown$/);
});

test("limits, a missing TLS part, the echo port taken by --metrics, and each listen error's option, in both languages", () => {
  const { en, ko } = messages;
  const limit = { value: "597h", option: "--timeout", expect: "too-long", max: 2_147_483_647 } as const;
  assert.equal(
    en.error("ERR_INVALID_OPTION", limit),
    "give --timeout at most 2147483647ms (about 24.8 days), not '597h'",
  );
  assert.match(
    ko.error("ERR_INVALID_OPTION", limit),
    /--timeout 에는 2147483647ms\(약 24\.8일\) 이하의 시간을 주세요/,
  );
  const many = {
    value: "9007199254740992",
    option: "--connections",
    expect: "too-large",
    max: 100_000,
  } as const;
  assert.match(
    en.error("ERR_INVALID_OPTION", many),
    /^give --connections at most 100000, not '9007199254740992'$/,
  );
  assert.match(ko.error("ERR_INVALID_OPTION", many), /--connections 에는 100000 이하의 값을 주세요/);
  const missing = {
    option: "--tls-key",
    needs: "--tls-cert",
    expect: "missing",
    reason: { kind: "needs-private-key" },
  } as const;
  assert.equal(
    en.error("ERR_INVALID_OPTION", missing),
    "give --tls-key too: --tls-cert needs the certificate's private key",
  );
  assert.match(
    ko.error("ERR_INVALID_OPTION", missing),
    /^--tls-key 도 주세요: --tls-cert 에는 인증서의 개인 키가 필요합니다$/,
  );
  const same = {
    value: "127.0.0.1:9000",
    option: "--metrics",
    expect: "same-port",
    detail: "0.0.0.0:9000",
  } as const;
  assert.match(en.error("ERR_INVALID_OPTION", same), /same port/);
  assert.match(ko.error("ERR_INVALID_OPTION", same), /같은 포트/);
  const metrics = { host: "192.0.2.7", port: 80, operation: "listen", option: "--metrics" };
  for (const m of [en, ko]) {
    assert.match(m.error("EADDRNOTAVAIL", metrics), /192\.0\.2\.7 \(--metrics\)/);
    assert.match(m.error("EACCES", metrics), /80 \(--metrics\)/);
    assert.doesNotMatch(m.error("EACCES", metrics), /--port/);
    assert.match(m.error("EADDRNOTAVAIL", { ...metrics, option: "--port" }), /\(--host\)/);
    assert.match(m.error("ERR_INVALID_PORT", { value: "99999", option: "--metrics" }), /--metrics/);
  }
});

test("usage lines point at the command's help", () => {
  assert.equal(
    messages.en.usage("missing host", "client "),
    "tcpecho: missing host (see: tcpecho client --help)",
  );
  assert.equal(messages.ko.usage("missing host", ""), "tcpecho: missing host (도움말: tcpecho --help)");
});

test("a port in use names which port: echo, --metrics or --udp, in both languages", () => {
  for (const lang of LANGS) {
    const m = messages[lang];
    const said = ["--port", "--metrics", "--udp"].map((option) =>
      m.error("EADDRINUSE", { host: "127.0.0.1", port: 9100, operation: "listen", option }),
    );
    assert.equal(new Set(said).size, 3, said.join("\n"));
    assert.match(said[1] ?? "", /--metrics/);
    assert.ok(said[2]?.includes(portHolderCommand(9100, true)), said[2]);
  }
  assert.match(
    errorIn(
      "en",
      "EADDRINUSE",
      { host: "127.0.0.1", port: 9000, operation: "listen", option: "--port" },
      "linux",
    ),
    /^the echo port 9000 on 127\.0\.0\.1 is already in use/,
  );
  assert.match(messages.en.workerSummary(2, 1000, 1, 5, 0), /^\[TCP server\] worker 2 stopped after /);
  assert.match(messages.ko.workerSummary(2, 1000, 1, 5, 0), /^\[TCP 서버\] 작업 프로세스 2 종료: /);
});

/** Korean error messages for many contexts: every TLS check, option pairs (every reason: error-reasons.test.ts). */
function koreanErrors(): string[] {
  const ko = messages.ko;
  const texts: string[] = [];
  const where = { host: "192.0.2.7", port: 9000, offset: 0 };
  texts.push(ko.error("ERR_PROXY", { ...where, option: "proxyTrusted" }));
  texts.push(
    ko.error("ERR_INVALID_OPTION", { value: "10.0.0.0/8", option: "proxyTrusted", needs: "proxyProtocol" }),
  );
  for (const detail of ["wrong version number", "sslv3 alert handshake failure"])
    texts.push(ko.error("ERR_TLS", { ...where, operation: "tls handshake", detail }));
  texts.push(ko.error("ERR_TLS", { ...where, operation: "tls handshake", reason: { kind: "tls-closed" } }));
  for (const tlsCheck of [
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "CERT_HAS_EXPIRED",
    "CERT_NOT_YET_VALID",
    "ERR_TLS_CERT_ALTNAME_INVALID",
    "SOMETHING_ELSE",
  ])
    texts.push(ko.error("ERR_TLS_VERIFY", { ...where, tlsCheck, detail: "echo.example.org" }));
  for (const operation of ["connect", "read", "listen", "tls handshake"])
    for (const code of ALL_CODES)
      for (const port of [80, 9000])
        texts.push(
          ko.error(code, {
            ...where,
            port,
            operation,
            timeoutMs: 1500,
            received: 2,
            expected: 5,
            offset: 1,
            value: "x",
            min: 1,
            max: 9,
          }),
        );
  for (const expect of [
    ...VALUE_EXPECTS,
    "pem",
    "too-large",
    "too-small",
    "too-long",
    "as-option",
    "ipv6",
  ] as const)
    texts.push(ko.error("ERR_INVALID_OPTION", { value: "x", option: "--timeout", expect, min: 1, max: 9 }));
  texts.push(
    ko.error("ERR_INVALID_OPTION", {
      option: "--tls-key",
      needs: "--tls-cert",
      expect: "missing",
      reason: { kind: "needs-private-key" },
    }),
    ko.error("ERR_INVALID_OPTION", {
      value: "127.0.0.1:9000",
      option: "--metrics",
      expect: "same-port",
      detail: "0.0.0.0:9000",
    }),
  );
  for (const option of ["--port", "--metrics", "--host"])
    for (const code of ["ERR_INVALID_PORT", "ERR_INVALID_HOST", "EACCES", "EADDRNOTAVAIL"] as const)
      texts.push(ko.error(code, { host: "192.0.2.7", port: 8080, operation: "listen", value: "x", option }));
  return texts;
}

test("Korean messages hold no English: every catalogue entry, every error with many contexts", () => {
  // connectionError and usage carry a sentence already worded (by `error`, `commanderError`): not theirs to check.
  const own = Object.entries(SAMPLES).filter(([key]) => key !== "connectionError" && key !== "usage");
  const texts = [...own.flatMap(([, sample]) => sample(messages.ko)), ...koreanErrors()];
  assert.ok(texts.length > 300, String(texts.length));
  const english = texts.filter((text) => englishWords(text).length > 0);
  assert.deepEqual(english, []);
});

test("the checker finds English where it is", () => {
  assert.deepEqual(englishWords("a PROXY header from a peer outside --proxy-trusted"), [
    "header",
    "from",
    "peer",
    "outside",
  ]);
  assert.deepEqual(englishWords("--proxy-trusted without --proxy-protocol의 값"), ["without"]);
  assert.deepEqual(englishWords("--timeout 의 값 '5x' (500ms, 10s; TLS, PROXY; /etc/services)"), []);
  assert.deepEqual(englishWords("[추적] recv(22, 65536) = 65536 \\x00… (+65521 bytes)"), ["bytes"]);
  assert.deepEqual(englishWords("커널의 라우팅 결정 (ip route get 기준): Node는 socket(), bind()"), []);
  assert.deepEqual(englishWords(".socket 유닛에 Accept=yes 가 있나요? (LimitNOFILE=65536)"), []);
  assert.deepEqual(englishWords("Accept yes 가 있나요?"), ["yes"]);
});

/** Usage errors in the forms they take: a bad value of an option of each kind, a bad port or host (two options that do not go together: error-reasons.test.ts). */
function usageErrors(): { ctx: EchoErrorContext; code: EchoErrorCode; names: string[] }[] {
  const out: { ctx: EchoErrorContext; code: EchoErrorCode; names: string[] }[] = [
    { code: "ERR_INVALID_PORT", ctx: { value: "70000", min: 1 }, names: [] },
    { code: "ERR_INVALID_HOST", ctx: { value: "a b" }, names: [] },
    { code: "ERR_INVALID_OPTION", ctx: { value: "soon", expect: "duration" }, names: [] },
    {
      code: "ERR_INVALID_OPTION",
      ctx: { value: "10.0.0.0/8", option: "proxyTrusted", needs: "proxyProtocol" },
      names: ["--proxy-trusted", "--proxy-protocol"],
    },
    {
      code: "ERR_INVALID_OPTION",
      ctx: { value: "3", option: "fds", expect: "listening-socket", reason: { kind: "fd-not-socket" } },
      names: ["LISTEN_FDS"],
    },
    {
      code: "ERR_INVALID_OPTION",
      ctx: { value: "2", option: "--workers", expect: "socket-activation" },
      names: ["--workers"],
    },
    {
      code: "ERR_INVALID_OPTION",
      ctx: { value: "::", option: "--host", expect: "socket-activation" },
      names: ["--host"],
    },
    {
      code: "ERR_INVALID_OPTION",
      ctx: { value: "ca.pem", option: "--tls-ca", expect: "pem", reason: { kind: "no-such-file" } },
      names: ["--tls-ca"],
    },
  ];
  for (const expect of VALUE_EXPECTS)
    out.push({
      code: "ERR_INVALID_OPTION",
      ctx: { value: "x1", option: "--timeout", expect, min: 1, max: 9 },
      names: ["--timeout"],
    });
  return out;
}

test("usage errors say what to do first, in one line, naming the option and the value", () => {
  const all = usageErrors();
  assert.ok(all.length >= 15, String(all.length));
  for (const { code, ctx, names } of all) {
    for (const lang of LANGS) {
      const text = messages[lang].error(code, ctx);
      const said = `${lang} ${JSON.stringify(ctx)}: ${text}`;
      assert.doesNotMatch(text, /\n/, said);
      for (const name of names) assert.ok(text.includes(name), `${said} (names ${name})`);
      // The value given, where the sentence shows it (not where the value is the two flags the sentence names).
      const shows = messages[lang].error(code, { ...ctx, value: "other" }) !== text;
      if (shows) assert.ok(text.includes(ctx.value ?? ""), said);
    }
    const en = messages.en.error(code, ctx);
    const ko = messages.ko.error(code, ctx);
    assert.match(en, /^(give|leave out|keep|check) /, en);
    assert.doesNotMatch(en, /invalid value/, en);
    assert.match(ko, /(주세요|하세요)/, ko);
    assert.doesNotMatch(ko, /잘못되었습니다|이\(가\)|을\(를\)|은\(는\)/, ko);
  }
});

test("commander's usage errors say what to do too, in both languages", () => {
  const said = (code: string, message: string) => LANGS.map((l) => messages[l].commanderError(code, message));
  assert.deepEqual(
    said(
      "commander.invalidArgument",
      "option '--log-format <format>' argument 'x' is invalid. Allowed choices are text, json.",
    ),
    [
      "give --log-format one of text, json, not 'x'",
      "--log-format 에는 text, json 중 하나를 주세요 (받은 값: 'x')",
    ],
  );
  assert.deepEqual(said("commander.optionMissingArgument", "option '-p, --port <port>' argument missing"), [
    "give --port a value (<port>)",
    "--port 에 값을 주세요 (<port>)",
  ]);
  assert.deepEqual(said("commander.conflictingOption", "option '--crlf' cannot be used with option '--lf'"), [
    "give only one of --crlf and --lf",
    "--crlf, --lf 중 하나만 주세요",
  ]);
  assert.deepEqual(
    said("commander.excessArguments", "too many arguments for 'client'. Expected 2 arguments but got 3."),
    ["give client at most 2 arguments, not 3", "인자는 2개까지만 주세요 (받은 인자 3개)"],
  );
});
