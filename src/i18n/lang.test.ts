/** Picking the language from --lang and the POSIX locale variables. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { detectLang, LANGS, osLocale } from "./lang.js";

test("LANGS lists English and Korean", () => {
  assert.deepEqual([...LANGS], ["en", "ko"]);
});

test("--lang wins over every locale variable", () => {
  const korean = { LC_ALL: "ko_KR.UTF-8", LC_MESSAGES: "ko_KR.UTF-8", LANG: "ko_KR.UTF-8" };
  assert.equal(detectLang("en", korean), "en");
  assert.equal(detectLang("ko", { LC_ALL: "en_US.UTF-8", LANG: "C" }), "ko");
  assert.equal(detectLang("ko", {}), "ko");
});

test("LC_ALL beats LC_MESSAGES, which beats LANG", () => {
  assert.equal(
    detectLang(undefined, { LC_ALL: "ko_KR.UTF-8", LC_MESSAGES: "en_US.UTF-8", LANG: "en_US.UTF-8" }),
    "ko",
  );
  assert.equal(
    detectLang(undefined, { LC_ALL: "en_US.UTF-8", LC_MESSAGES: "ko_KR.UTF-8", LANG: "ko_KR.UTF-8" }),
    "en",
  );
  assert.equal(detectLang(undefined, { LC_MESSAGES: "ko_KR.UTF-8", LANG: "en_US.UTF-8" }), "ko");
  assert.equal(detectLang(undefined, { LC_MESSAGES: "C", LANG: "ko_KR.UTF-8" }), "en");
  assert.equal(detectLang(undefined, { LANG: "ko_KR.UTF-8" }), "ko");
});

test("empty locale variables are skipped, as setlocale(3) does", () => {
  assert.equal(detectLang(undefined, { LC_ALL: "", LC_MESSAGES: "", LANG: "ko_KR.UTF-8" }), "ko");
  assert.equal(detectLang(undefined, { LC_ALL: "", LC_MESSAGES: "ko", LANG: "en_US.UTF-8" }), "ko");
  assert.equal(
    detectLang(undefined, { LC_ALL: "", LANG: "" }, () => "en-US"),
    "en",
  );
});

test("any Korean locale spelling means Korean", () => {
  for (const value of [
    "ko_KR.UTF-8",
    "ko",
    "KO_kr",
    "ko_KR",
    "ko.UTF-8",
    "ko_KR.eucKR",
    "ko@euro",
    "ko-KR",
  ]) {
    assert.equal(detectLang(undefined, { LANG: value }), "ko", value);
  }
});

test("other locales, including ones that merely start with 'ko', mean English", () => {
  for (const value of [
    "kok_IN",
    "kok",
    "kor",
    "en_US.UTF-8",
    "C",
    "POSIX",
    "C.UTF-8",
    "ja_JP.UTF-8",
    "de_DE@euro",
    "xko_KR",
  ]) {
    assert.equal(detectLang(undefined, { LANG: value }), "en", value);
  }
});

test("without --lang or any locale variable, an English (or other) OS locale means English", () => {
  for (const locale of ["en-US", "en-US-u-va-posix", "ja-JP", "kok-IN", ""]) {
    assert.equal(
      detectLang(undefined, {}, () => locale),
      "en",
      locale,
    );
    assert.equal(
      detectLang(undefined, { TERM: "xterm", HOME: "/root" }, () => locale),
      "en",
      locale,
    );
  }
});

test("without --lang or any locale variable, a Korean OS locale (a Korean Windows) means Korean", () => {
  for (const locale of ["ko-KR", "ko", "ko-Kore-KR"]) {
    assert.equal(
      detectLang(undefined, {}, () => locale),
      "ko",
      locale,
    );
    assert.equal(
      detectLang(undefined, { LC_ALL: "", LANG: "" }, () => locale),
      "ko",
      locale,
    );
  }
});

test("a locale variable, even C or English, beats the OS locale; --lang beats both", () => {
  for (const env of [{ LANG: "C" }, { LANG: "en_US.UTF-8" }, { LC_ALL: "POSIX" }, { LC_MESSAGES: "en_GB" }])
    assert.equal(
      detectLang(undefined, env, () => "ko-KR"),
      "en",
      JSON.stringify(env),
    );
  assert.equal(
    detectLang(undefined, { LANG: "ko_KR.UTF-8" }, () => "en-US"),
    "ko",
  );
  assert.equal(
    detectLang("en", {}, () => "ko-KR"),
    "en",
  );
});

test("the OS locale is what ICU resolves for this process", () => {
  assert.equal(osLocale(), Intl.DateTimeFormat().resolvedOptions().locale);
});
