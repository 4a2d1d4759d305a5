/** The ping catalogues, English and Korean. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { LANGS } from "./lang.js";
import { pingMessages, type PingMessages } from "./ping.js";

const HANGUL = /[\uac00-\ud7a3]/;

/** Sample calls of every entry; the mapped type makes the compiler demand each key. */
const SAMPLES: { [K in keyof PingMessages]: (m: PingMessages) => string[] } = {
  header: (m) => [m.header("localhost:9000", "127.0.0.1", 56, false), m.header("[::1]:7", "::1", 56, true)],
  echoed: (m) => [m.echoed(56, "127.0.0.1:9000", 1, "0.215")],
  connected: (m) => [m.connected("127.0.0.1:9000", 1, "0.215")],
  connectedTls: (m) => [m.connectedTls("127.0.0.1:9000", 1, "0.081", "1.912")],
  failed: (m) => [m.failed("127.0.0.1:9000", 2, "reason")],
  probeError: (m) => [
    m.probeError("ECONNREFUSED", { host: "127.0.0.1", port: 9 }),
    m.probeError("ETIMEDOUT", { host: "127.0.0.1", port: 9, operation: "connect", timeoutMs: 1000 }),
    m.probeError("ETIMEDOUT", { host: "127.0.0.1", port: 9, operation: "tls handshake", timeoutMs: 1000 }),
    m.probeError("ETIMEDOUT", { host: "127.0.0.1", port: 9, operation: "read", timeoutMs: 1000 }),
    m.probeError("ECONNRESET", { host: "127.0.0.1", port: 9 }),
    m.probeError("ERR_PEER_CLOSED", { host: "127.0.0.1", port: 9, received: 10, expected: 56 }),
    m.probeError("ERR_ECHO_MISMATCH", { host: "127.0.0.1", port: 9, offset: 3 }),
    m.probeError("EPIPE", { host: "127.0.0.1", port: 9 }),
    m.probeError("ERR_SOCKET", { host: "127.0.0.1", port: 9, detail: "x" }),
  ],
  noEcho: (m) => [m.noEcho(1000, 0, 56), m.noEcho(250, 20, 56)],
  speaksTls: (m) => [m.speaksTls("127.0.0.1:9443")],
  late: (m) => [m.late(56, "127.0.0.1:9000", 2, "350", 100)],
  statsTitle: (m) => [m.statsTitle("127.0.0.1:9000")],
  summary: (m) => [m.summary(3, 3, 0, 402, false), m.summary(1, 0, 100, 0, true)],
  rtt: (m) => [m.rtt("0.081", "0.102", "0.131", "0.021")],
  percentiles: (m) => [m.percentiles("0.090", "0.131", "0.131")],
  handshake: (m) => [m.handshake("tcp", "0.081", "0.102", "0.131", "0.021")],
  handshakePercentiles: (m) => [m.handshakePercentiles("tls", "1.090", "1.131", "1.131")],
};

for (const lang of LANGS) {
  test(`${lang}: every ping sentence is a non-empty string without undefined/NaN`, () => {
    for (const [key, sample] of Object.entries(SAMPLES)) {
      for (const text of sample(pingMessages[lang])) {
        assert.ok(text.trim().length > 0, `${lang}.${key} is empty`);
        assert.doesNotMatch(text, /undefined|NaN|\[object /, `${lang}.${key}: ${text}`);
      }
    }
  });
}

test("English reads like iputils ping; Korean is Korean", () => {
  const en = pingMessages.en;
  assert.equal(
    en.echoed(56, "127.0.0.1:9000", 1, "0.215"),
    "56 bytes from 127.0.0.1:9000: seq=1 time=0.215 ms",
  );
  assert.equal(en.summary(3, 3, 0, 402.4, false), "3 probes sent, 3 echoed, 0% loss, time 402 ms");
  assert.equal(en.summary(1, 0, 100, 0, false), "1 probe sent, 0 echoed, 100% loss, time 0 ms");
  assert.equal(
    en.rtt("0.081", "0.102", "0.131", "0.021"),
    "rtt min/avg/max/mdev = 0.081/0.102/0.131/0.021 ms",
  );
  assert.equal(pingMessages.ko.summary(3, 3, 0, 402, false), "3개 보냄, 3개 에코, 손실 0%, 시간 402 ms");
  for (const [key, sample] of Object.entries(SAMPLES)) {
    for (const text of sample(en)) assert.doesNotMatch(text, HANGUL, `en.${key}: ${text}`);
  }
  for (const key of [
    "header",
    "echoed",
    "connected",
    "noEcho",
    "late",
    "statsTitle",
    "summary",
    "rtt",
  ] as const) {
    for (const text of SAMPLES[key](pingMessages.ko)) assert.match(text, HANGUL, `ko.${key}: ${text}`);
  }
});

test("a failed probe's reason does not repeat the address the line already names", () => {
  for (const lang of LANGS) {
    const m = pingMessages[lang];
    for (const text of SAMPLES.probeError(m)) assert.doesNotMatch(text, /127\.0\.0\.1/, `${lang}: ${text}`);
    const line = m.failed("127.0.0.1:9", 1, m.probeError("ECONNREFUSED", { host: "127.0.0.1", port: 9 }));
    assert.equal(line.split("127.0.0.1").length - 1, 1, line);
  }
  assert.equal(
    pingMessages.en.failed("127.0.0.1:9", 1, pingMessages.en.probeError("ECONNREFUSED", {})),
    "From 127.0.0.1:9: seq=1 connection refused: nothing is listening on that port",
  );
});

test("Korean ping sentences hold no English", async () => {
  const { englishWords } = await import("./english-words.js");
  // `failed` carries a reason already worded by probeError.
  for (const [key, sample] of Object.entries(SAMPLES).filter(([k]) => k !== "failed"))
    for (const text of sample(pingMessages.ko))
      assert.deepEqual(englishWords(text), [], `ko.${key}: ${text}`);
});
