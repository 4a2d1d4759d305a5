/**
 * Every kind of error reason, worded in English and in Korean from its facts:
 * the mapped type of {@link SAMPLES} makes the compiler ask for each kind (as
 * `ReasonWords` does of each catalogue), and the table says where each one is
 * thrown (its code and the rest of its context).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import type {
  EchoErrorCode,
  EchoErrorContext,
  EchoErrorReason,
  EchoErrorReasonKind,
} from "../net/echo-error.js";
import { reasonText } from "../net/error-text.js";
import { englishWords } from "./english-words.js";
import { cliFlag, errorIn, reasonKo } from "./errors.js";

/** One error with a reason of kind K, as its throw site makes it. */
type Sample<K extends EchoErrorReasonKind> = {
  code: EchoErrorCode;
  ctx: EchoErrorContext & { reason: Extract<EchoErrorReason, { kind: K }> };
};

const AT = { host: "192.0.2.7", port: 9000 };
const usage = <R extends EchoErrorReason>(value: string, reason: R) =>
  ({ code: "ERR_INVALID_OPTION", ctx: { value, reason } }) as const;
const pem = <R extends EchoErrorReason>(reason: R) =>
  ({
    code: "ERR_INVALID_OPTION",
    ctx: { value: "key.pem", option: "--tls-key", expect: "pem", reason },
  }) as const;
const fd = <R extends EchoErrorReason>(reason: R) =>
  ({
    code: "ERR_INVALID_OPTION",
    ctx: { value: "3", option: "fds", expect: "listening-socket", reason },
  }) as const;
const proxy = <R extends EchoErrorReason>(reason: R) =>
  ({ code: "ERR_PROXY", ctx: { ...AT, reason } }) as const;
const tls = <R extends EchoErrorReason>(reason: R) => ({ code: "ERR_TLS", ctx: { ...AT, reason } }) as const;

const SAMPLES: { [K in EchoErrorReasonKind]: Sample<K> } = {
  "host-twice": usage("a.example, b.example", { kind: "host-twice" }),
  "port-twice": usage("9000, 9001", { kind: "port-twice" }),
  "crlf-and-lf": usage("--crlf --lf", { kind: "crlf-and-lf" }),
  "ca-and-insecure": usage("--insecure", { kind: "ca-and-insecure" }),
  "send-and-interactive": usage("--send --interactive", { kind: "send-and-interactive" }),
  "connect-only-data": usage("--size", { kind: "connect-only-data" }),
  "stream-has-none": usage("--stream --rate", { kind: "stream-has-none", flag: "--rate" }),
  "hgrm-one-target": usage("a:9000 b:9000", { kind: "hgrm-one-target" }),
  "plot-file-name": usage("latency.jpg", { kind: "plot-file-name" }),
  "file-unwritable": usage("/proc/x.svg", {
    kind: "file-unwritable",
    flag: "--plot",
    why: "it is a directory",
  }),
  "stream-reports": usage("a.json b.json", { kind: "stream-reports", flag: "--hgrm" }),
  "host-port": usage("9100", { kind: "host-port", flag: "--metrics" }),
  "tls-key-pair": usage("tls", { kind: "tls-key-pair", cause: "key values mismatch" }),
  fds: usage("[]", { kind: "fds" }),
  "listen-fdnames": usage("a:b", { kind: "listen-fdnames" }),
  "proxy-protocol": usage("v3", { kind: "proxy-protocol" }),
  "data-path": usage("fast", { kind: "data-path" }),
  "data-path-with-tls": usage("handles", { kind: "data-path-with-tls" }),
  "data-path-unavailable": usage("handles", { kind: "data-path-unavailable" }),
  "in-flight": usage("1048576 × 128", { kind: "in-flight" }),
  "no-such-file": pem({ kind: "no-such-file" }),
  "permission-denied": pem({ kind: "permission-denied" }),
  "no-pem-block": pem({ kind: "no-pem-block" }),
  "no-certificate": pem({ kind: "no-certificate" }),
  "no-private-key": pem({ kind: "no-private-key" }),
  "key-mismatch": pem({ kind: "key-mismatch" }),
  "needs-certificate": {
    code: "ERR_INVALID_OPTION",
    ctx: {
      option: "--tls-cert",
      needs: "--tls-key",
      expect: "missing",
      reason: { kind: "needs-certificate" },
    },
  },
  "needs-private-key": {
    code: "ERR_INVALID_OPTION",
    ctx: {
      option: "--tls-key",
      needs: "--tls-cert",
      expect: "missing",
      reason: { kind: "needs-private-key" },
    },
  },
  "fd-not-open": fd({ kind: "fd-not-open" }),
  "fd-not-socket": fd({ kind: "fd-not-socket" }),
  "fd-connected": fd({ kind: "fd-connected" }),
  "fd-not-tcp": fd({ kind: "fd-not-tcp" }),
  "tls-closed": {
    code: "ERR_TLS",
    ctx: { ...AT, operation: "tls handshake", reason: { kind: "tls-closed" } },
  },
  "tls-client-closed": tls({ kind: "tls-client-closed" }),
  "tls-client-reset": tls({ kind: "tls-client-reset" }),
  "tls-timeout": tls({ kind: "tls-timeout", ms: 10_000 }),
  "closed-before-listening": {
    code: "ERR_SOCKET",
    ctx: { ...AT, operation: "listen", reason: { kind: "closed-before-listening" } },
  },
  "proxy-required": proxy({ kind: "proxy-required" }),
  "proxy-transport": proxy({ kind: "proxy-transport", transport: "unix-stream" }),
  "proxy-no-source": proxy({ kind: "proxy-no-source" }),
  "proxy-closed": proxy({ kind: "proxy-closed" }),
  "proxy-timeout": proxy({ kind: "proxy-timeout", ms: 3000 }),
  "proxy-signature": proxy({ kind: "proxy-signature", expected: "v1 or v2", offset: 0, byte: 0x47 }),
  "proxy-v1-lf-without-cr": proxy({ kind: "proxy-v1-lf-without-cr", at: 30 }),
  "proxy-v1-cr-without-lf": proxy({ kind: "proxy-v1-cr-without-lf", at: 30 }),
  "proxy-v1-no-crlf": proxy({ kind: "proxy-v1-no-crlf", limit: 107 }),
  "proxy-v1-protocol": proxy({ kind: "proxy-v1-protocol", protocol: "TCP5" }),
  "proxy-v1-fields": proxy({ kind: "proxy-v1-fields", protocol: "TCP4" }),
  "proxy-v1-address": proxy({
    kind: "proxy-v1-address",
    end: "source",
    address: "1.2.3.400",
    protocol: "TCP4",
  }),
  "proxy-v1-port": proxy({ kind: "proxy-v1-port", end: "destination", port: "99999" }),
  "proxy-v2-unsupported": proxy({ kind: "proxy-v2-unsupported", field: "command", value: 5 }),
  "proxy-v2-too-long": proxy({ kind: "proxy-v2-too-long", length: 65_551, limit: 4112 }),
  "proxy-v2-short": proxy({ kind: "proxy-v2-short", length: 4, size: 12, transport: "tcp4" }),
  "proxy-v2-tlv-truncated": proxy({ kind: "proxy-v2-tlv-truncated", at: 28, left: 2 }),
  "proxy-v2-tlv-overrun": proxy({ kind: "proxy-v2-tlv-overrun", type: 1, at: 28, length: 9, left: 0 }),
  "proxy-unparseable": proxy({ kind: "proxy-unparseable", cause: "x is not a function" }),
};

const HANGUL = /[\uac00-\ud7a3]/;
const samples = Object.values(SAMPLES) as Sample<EchoErrorReasonKind>[];

test("every reason kind has a sample thrown where it belongs", () => {
  for (const [kind, { ctx }] of Object.entries(SAMPLES)) assert.equal(ctx.reason.kind, kind);
  assert.ok(samples.length >= 50, String(samples.length));
});

test("every reason reads in English, and each says its own", () => {
  const seen = new Map<string, string>();
  for (const { code, ctx } of samples) {
    const kind = ctx.reason.kind;
    const en = errorIn("en", code, ctx, "linux");
    assert.doesNotMatch(en, /undefined|NaN|\[object |\n/, `${kind}: ${en}`);
    assert.doesNotMatch(en, HANGUL, `${kind}: ${en}`);
    // The reason is in the sentence, worded from its facts (the CLI's flags for the library's names).
    assert.ok(en.includes(reasonText(ctx.reason, ctx.value, cliFlag)), `${kind}: ${en}`);
    assert.equal(seen.get(en), undefined, `${kind} says the same as ${seen.get(en)}: ${en}`);
    seen.set(en, kind);
  }
});

test("every reason reads in Korean, with no English beyond names, flags and the quoted cause", () => {
  for (const { code, ctx } of samples) {
    const kind = ctx.reason.kind;
    const ko = errorIn("ko", code, ctx, "linux");
    assert.match(ko, HANGUL, `${kind}: ${ko}`);
    assert.doesNotMatch(ko, /undefined|NaN|\[object |\n/, `${kind}: ${ko}`);
    assert.ok(ko.includes(reasonKo(ctx.reason, ctx.value)), `${kind}: ${ko}`);
    assert.deepEqual(englishWords(ko), [], `${kind}: ${ko}`);
  }
});

test("a usage reason says what to do, naming its flag and the value given, in both languages", () => {
  for (const { code, ctx } of samples) {
    if (ctx.option !== undefined || code !== "ERR_INVALID_OPTION") continue;
    const en = errorIn("en", code, ctx, "linux");
    const ko = errorIn("ko", code, ctx, "linux");
    assert.match(en, /^(give|leave out|keep|check) /, en);
    assert.match(ko, /(주세요|하세요)/, ko);
    assert.doesNotMatch(ko, /잘못되었습니다|이\(가\)|을\(를\)|은\(는\)/, ko);
    const flag = "flag" in ctx.reason ? ctx.reason.flag : undefined;
    for (const [lang, text] of [
      ["en", en],
      ["ko", ko],
    ] as const) {
      if (flag !== undefined) assert.ok(text.includes(flag), `${text} (names ${flag})`);
      // The value given, where the sentence shows it (not where the value is the two flags it names).
      const shows = errorIn(lang, code, { ...ctx, value: "other" }, "linux") !== text;
      if (shows) assert.ok(text.includes(ctx.value ?? ""), text);
    }
  }
});

test("the PROXY parser's reasons read apart in Korean: too long, not in the spec, no signature, malformed", () => {
  const ko = (kind: EchoErrorReasonKind) => {
    const { code, ctx } = SAMPLES[kind];
    return errorIn("ko", code, ctx, "linux");
  };
  assert.match(ko("proxy-v1-no-crlf"), /v1: 107바이트 안에 CRLF가 없습니다 \(헤더가 너무 깁니다\)/);
  assert.match(ko("proxy-v2-too-long"), /v2: 헤더가 너무 깁니다 \(65551바이트, 한도 4112바이트\)/);
  assert.match(ko("proxy-v2-unsupported"), /v2: 규격에 없는 명령 5/);
  assert.match(ko("proxy-signature"), /시그니처가 아닙니다 \(0번째 바이트가 0x47\)/);
  assert.match(ko("proxy-v2-tlv-overrun"), /v2: PROXY 헤더의 형식이 잘못되었습니다 \(28번째 바이트\)/);
  assert.match(ko("proxy-timeout"), /3000ms 안에 헤더가 끝나지 않았습니다/);
  assert.match(ko("proxy-transport"), /유닉스 스트림 소켓 클라이언트는 TCP로 에코할 수 없습니다/);
});

test("text from elsewhere is quoted as it came, in both languages", () => {
  const openssl = { ...AT, operation: "tls handshake", detail: "sslv3 alert handshake failure" };
  assert.match(
    errorIn("en", "ERR_TLS", openssl, "linux"),
    /refused the handshake \(sslv3 alert handshake failure\)$/,
  );
  assert.match(
    errorIn("ko", "ERR_TLS", openssl, "linux"),
    /거절했습니다 \('sslv3 alert handshake failure'\)$/,
  );
  const system = { ...AT, detail: "write EBADF" };
  assert.match(errorIn("en", "ERR_SOCKET", system, "linux"), /: write EBADF$/);
  assert.match(errorIn("ko", "ERR_SOCKET", system, "linux"), /소켓 오류: 'write EBADF'$/);
  const file = {
    value: "k.pem",
    option: "--tls-key",
    expect: "pem",
    detail: "EISDIR: illegal operation",
  } as const;
  assert.match(
    errorIn("ko", "ERR_INVALID_OPTION", file, "linux"),
    /\('k\.pem': 'EISDIR: illegal operation'\)$/,
  );
  assert.equal(
    reasonKo({ kind: "tls-key-pair", cause: "key values mismatch" }),
    "TLS 인증서와 키를 확인하세요: 'key values mismatch'",
  );
});
