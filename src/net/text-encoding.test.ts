/** CP949 as the textbook's Visual Studio program writes it: encoder, decoder, and characters split between reads. */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { EchoError } from "./echo-error.js";
import { DEFAULT_TEXT_ENCODING, parseTextEncoding } from "./options.js";
import { chunks } from "../../test/byte-cuts.js";
import {
  CharacterCarry,
  cp949Char,
  decodeCp949,
  encodeCp949,
  unfinishedTail,
  type TextEncoding,
} from "./text-encoding.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("CP949: every KS X 1001 Hangul syllable round-trips, checked against Node's own EUC-KR decoder", () => {
  const ksx1001 = new TextDecoder("euc-kr");
  let n = 0;
  for (let lead = 0xb0; lead <= 0xc8; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) {
      const pair = Uint8Array.of(lead, trail);
      const ch = ksx1001.decode(pair);
      assert.match(ch, /^[\uac00-\ud7a3]$/, `${hex(pair)} is a Hangul syllable`);
      assert.equal(hex(encodeCp949(ch).bytes), hex(pair), ch);
      assert.equal(decodeCp949(pair), ch);
      n++;
    }
  }
  assert.equal(n, 2350);
});

test("CP949: all 11172 Hangul syllables have a code of two bytes, each its own, and decode back", () => {
  const seen = new Set<string>();
  for (let c = 0xac00; c <= 0xd7a3; c++) {
    const ch = String.fromCharCode(c);
    const { bytes, unencodable } = encodeCp949(ch);
    assert.deepEqual(unencodable, [], ch);
    assert.equal(bytes.length, 2, ch);
    seen.add(hex(bytes));
    assert.equal(decodeCp949(bytes), ch);
  }
  assert.equal(seen.size, 11172);
  // The extension's ends and one in its middle (Windows' own codes).
  assert.equal(hex(encodeCp949("갂").bytes), "8141");
  assert.equal(hex(encodeCp949("똠").bytes), "8c63");
  assert.equal(hex(encodeCp949("힣").bytes), "c652");
});

test("CP949: the textbook's strings are the bytes Visual Studio writes on Korean Windows", () => {
  assert.equal(hex(encodeCp949("안녕").bytes), "bec8b3e7");
  assert.equal(
    hex(encodeCp949("[TCP 서버] 클라이언트 접속: IP 주소=").bytes),
    "5b5443502" + "0bcadb9f65d20c5acb6f3c0ccbef0c6ae20c1a2bcd33a2049502" + "0c1d6bcd23d",
  );
  assert.equal(decodeCp949(Buffer.from("5bbab8b3be20b5a5c0ccc5cd5d20", "hex")), "[보낼 데이터] ");
  assert.equal(hex(encodeCp949("€ 漢字 ㄱ").bytes), "a2e620f9d3edae20a4a1");
});

test("CP949: characters it has no code for are named, each once, and left out of the bytes", () => {
  assert.deepEqual(encodeCp949("a😀b😀\u0085"), {
    bytes: Buffer.from("ab"),
    unencodable: ["😀", "\u0085"],
  });
  assert.deepEqual(encodeCp949("hello\r\n").unencodable, []);
});

test("CP949 decoding: bytes of no character are U+FFFD, an ASCII trail byte read again as itself", () => {
  assert.equal(decodeCp949(Uint8Array.of(0x80, 0xff, 0x41)), "\ufffd\ufffdA");
  // 0xC9A1 is a user-defined code (no character: one U+FFFD); 0xBE then "!" is no pair: "!" stays.
  assert.equal(decodeCp949(Uint8Array.of(0xc9, 0xa1, 0xbe, 0x21)), "\ufffd\ufffd!");
  assert.equal(decodeCp949(Uint8Array.of(0xbe)), "\ufffd");
  assert.equal(cp949Char(0xc9, 0xa1), 0);
  assert.equal(cp949Char(0x41, 0x41), 0);
});

test("unfinishedTail (CP949) holds a lead byte whose trail is still to come, read from the start", () => {
  const tail = (...b: number[]) => unfinishedTail(Uint8Array.from(b), "cp949");
  assert.equal(tail(0xbe), 1);
  assert.equal(tail(0xbe, 0xc8), 0);
  assert.equal(tail(0xbe, 0xc8, 0xb3), 1);
  assert.equal(tail(0x41, 0xb3), 1);
  // 0xB3 0x41 is one character (the extension uses letters as trail bytes): nothing is unfinished.
  assert.equal(tail(0xb3, 0x41), 0);
  assert.equal(tail(0x80), 0);
  assert.equal(tail(0xff), 0);
  assert.equal(tail(), 0);
});

const koreanText = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0xac00, max: 0xd7a3 }).map((c) => String.fromCharCode(c)),
      fc.constantFrom("a", "Z", " ", "1", "!", "\n", "€", "漢"),
    ),
    { maxLength: 24 },
  )
  .map((cs) => cs.join(""));

test("CharacterCarry (CP949): Korean text cut anywhere is shown in whole characters, the text whole", () => {
  fc.assert(
    fc.property(koreanText, fc.array(fc.nat(), { maxLength: 10 }), (text, cuts) => {
      const carry = new CharacterCarry("cp949");
      const shown = chunks(encodeCp949(text).bytes, cuts).map((c) => carry.next(3, c));
      for (const s of shown) assert.ok(!decodeCp949(s).includes("\ufffd"), hex(s));
      assert.equal(shown.map(decodeCp949).join(""), text);
      assert.equal(carry.release(3), undefined);
    }),
  );
});

test("CharacterCarry (CP949): any bytes cut anywhere come out in order, none lost, at most one held", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
      const carry = new CharacterCarry("cp949");
      const shown = chunks(bytes, cuts).map((c) => carry.next(9, c));
      const rest = carry.release(9) ?? Buffer.alloc(0);
      assert.deepEqual(new Uint8Array(Buffer.concat([...shown, rest])), new Uint8Array(bytes));
      assert.ok(rest.length <= 1);
    }),
  );
});

test("--encoding: utf-8 by default, cp949 in any case; anything else is a usage error naming the option", () => {
  assert.equal(DEFAULT_TEXT_ENCODING, "utf-8");
  const ok: [string, TextEncoding][] = [
    ["utf-8", "utf-8"],
    ["UTF8", "utf-8"],
    ["cp949", "cp949"],
    [" CP949 ", "cp949"],
  ];
  for (const [given, is] of ok) assert.equal(parseTextEncoding(given, "--encoding"), is);
  for (const bad of ["euc-jp", "", "latin1"]) {
    assert.throws(
      () => parseTextEncoding(bad, "--encoding"),
      (e: unknown) =>
        e instanceof EchoError &&
        e.code === "ERR_INVALID_OPTION" &&
        e.isUsageError &&
        e.context.option === "--encoding" &&
        e.message.includes("cp949"),
    );
  }
});
