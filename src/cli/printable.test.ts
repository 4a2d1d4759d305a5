/** Received bytes on one safe log line. */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { CharacterCarry, jsonText, printable, unfinishedTail } from "./printable.js";
import { chunks } from "../../test/byte-cuts.js";

const bytes = (...b: number[]) => Uint8Array.from(b);
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

/** The first character that must never reach a log line raw (C0, DEL, C1, U+2028/2029), or undefined. */
function rawControl(text: string): string | undefined {
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029) return ch;
  }
  return undefined;
}

/**
 * Undoes printable's escaping: `\\`, `\n`, `\r`, `\t`, `\xNN`, and UTF-8 for
 * everything else. The escaping is unambiguous exactly if this inverts it.
 */
function unescape(shown: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < shown.length;) {
    if (shown[i] === "\\") {
      const c = shown[i + 1];
      if (c === "\\") out.push(0x5c);
      else if (c === "n") out.push(0x0a);
      else if (c === "r") out.push(0x0d);
      else if (c === "t") out.push(0x09);
      else if (c === "x") {
        const hex = shown.slice(i + 2, i + 4);
        assert.match(hex, /^[0-9a-f]{2}$/, `bad escape at ${i} in ${JSON.stringify(shown)}`);
        out.push(parseInt(hex, 16));
        i += 4;
        continue;
      } else assert.fail(`unknown escape \\${c} in ${JSON.stringify(shown)}`);
      i += 2;
    } else {
      const cp = shown.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      out.push(...Buffer.from(ch, "utf8"));
      i += ch.length;
    }
  }
  return Uint8Array.from(out);
}

/** Splits a result into what was shown and how many bytes the suffix says were left out. */
function split(result: string): { shown: string; rest: number } {
  const m = /… \(\+(\d+) bytes?\)$/.exec(result);
  if (!m) return { shown: result, rest: 0 };
  return { shown: result.slice(0, m.index), rest: Number(m[1]) };
}

test("printable shows printable ASCII as is", () => {
  assert.equal(printable(utf8("hello, world!")), "hello, world!");
  const all = Array.from({ length: 0x7f - 0x20 }, (_, k) => k + 0x20).filter((b) => b !== 0x5c);
  assert.equal(printable(Uint8Array.from(all), 1000), String.fromCharCode(...all));
});

test("printable escapes \\n, \\r and \\t", () => {
  assert.equal(printable(utf8("hi\r\n")), "hi\\r\\n");
  assert.equal(printable(utf8("a\tb")), "a\\tb");
});

test("printable doubles a backslash so escapes stay unambiguous", () => {
  assert.equal(printable(utf8("C:\\temp")), "C:\\\\temp");
  assert.equal(printable(utf8("\\n")), "\\\\n"); // a backslash and an n, not a newline
  assert.equal(printable(utf8("\\x00")), "\\\\x00");
});

test("printable escapes other control bytes as \\xNN (lower-case hex)", () => {
  assert.equal(printable(bytes(0x00)), "\\x00");
  assert.equal(printable(bytes(0x61, 0x00, 0x62)), "a\\x00b");
  assert.equal(printable(bytes(0x1b, 0x5b, 0x32, 0x4a)), "\\x1b[2J"); // ESC [2J: no terminal tricks
  assert.equal(printable(bytes(0x07, 0x08, 0x0b, 0x0c, 0x1f, 0x7f)), "\\x07\\x08\\x0b\\x0c\\x1f\\x7f");
});

test("printable escapes invalid UTF-8 byte by byte", () => {
  assert.equal(printable(bytes(0xff)), "\\xff");
  assert.equal(printable(bytes(0x80)), "\\x80"); // a lone continuation byte
  assert.equal(printable(bytes(0xfe, 0x41)), "\\xfeA");
  assert.equal(printable(bytes(0xe5, 0xa5)), "\\xe5\\xa5"); // a 3-byte sequence cut short at the end
  assert.equal(printable(bytes(0xe5, 0x41, 0x42)), "\\xe5AB"); // a lead byte without continuation
});

test("printable shows valid UTF-8 text, Korean included, as is", () => {
  assert.equal(printable(utf8("안녕하세요")), "안녕하세요");
  assert.equal(printable(utf8("[TCP 서버] 접속")), "[TCP 서버] 접속");
  assert.equal(printable(utf8("café ñ €")), "café ñ €");
  assert.equal(printable(utf8("😀")), "😀"); // 4 bytes, a surrogate pair in JS
  assert.equal(printable(bytes(0xc2, 0xa0)), "\u00a0"); // U+00A0, the first code point after C1
});

test("printable escapes overlong encodings, surrogates and code points beyond U+10FFFF", () => {
  assert.equal(printable(bytes(0xc0, 0xaf)), "\\xc0\\xaf"); // overlong '/'
  assert.equal(printable(bytes(0xc1, 0xbf)), "\\xc1\\xbf");
  assert.equal(printable(bytes(0xe0, 0x80, 0xaf)), "\\xe0\\x80\\xaf"); // overlong 3-byte '/'
  assert.equal(printable(bytes(0xf0, 0x80, 0x80, 0xaf)), "\\xf0\\x80\\x80\\xaf"); // overlong 4-byte
  assert.equal(printable(bytes(0xed, 0xa0, 0x80)), "\\xed\\xa0\\x80"); // U+D800, a surrogate
  assert.equal(printable(bytes(0xed, 0xbf, 0xbf)), "\\xed\\xbf\\xbf"); // U+DFFF
  assert.equal(printable(bytes(0xf4, 0x90, 0x80, 0x80)), "\\xf4\\x90\\x80\\x80"); // U+110000
  assert.equal(printable(bytes(0xf5, 0x80, 0x80, 0x80)), "\\xf5\\x80\\x80\\x80");
});

test("printable escapes C1 controls and the line/paragraph separators even when valid UTF-8", () => {
  assert.equal(printable(bytes(0xc2, 0x85)), "\\xc2\\x85"); // U+0085 NEL
  assert.equal(printable(bytes(0xc2, 0x9b)), "\\xc2\\x9b"); // U+009B CSI
  assert.equal(printable(utf8("a\u2028b")), "a\\xe2\\x80\\xa8b");
  assert.equal(printable(utf8("\u2029")), "\\xe2\\x80\\xa9");
});

test("printable cuts long input and counts exactly the bytes left out", () => {
  assert.equal(printable(Buffer.alloc(100, 0x61), 10), "aaaaaaaaaa… (+90 bytes)");
  assert.equal(printable(Buffer.alloc(11, 0x61), 10), "aaaaaaaaaa… (+1 byte)");
  assert.equal(printable(Buffer.alloc(10, 0x61), 10), "aaaaaaaaaa"); // fits: no suffix
  assert.equal(printable(utf8("안녕하세요"), 2), "안녕… (+9 bytes)"); // 2 syllables of 3 bytes shown
  assert.equal(printable(bytes(0, 0, 0, 0), 5), "\\x00\\x00… (+2 bytes)"); // escapes count by width
  assert.equal(printable(Buffer.alloc(200, 0x62)).length, 80 + "… (+120 bytes)".length); // default 80
});

test("printable of nothing is empty", () => {
  assert.equal(printable(new Uint8Array(0)), "");
});

test("printable reads only its view of a shared buffer", () => {
  const whole = utf8("xx안녕yy");
  assert.equal(printable(whole.subarray(2, 8)), "안녕");
  assert.equal(printable(Buffer.from("zz안녕zz").subarray(2, 5)), "안");
});

test("printable never lets a raw control character or separator through", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 120 }), (b, max) => {
      const out = printable(b, max);
      assert.equal(rawControl(out), undefined, JSON.stringify(out));
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 100 }), (s) => {
      const out = printable(utf8(s), 10_000);
      assert.equal(rawControl(out), undefined, JSON.stringify(out));
    }),
  );
});

test("printable stays within maxChars plus one escape plus the suffix", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 500 }), fc.integer({ min: 0, max: 200 }), (b, max) => {
      const out = printable(b, max);
      const { shown } = split(out);
      // An escape (\xNN, 4 wide) or a surrogate pair may start just under the limit.
      assert.ok(shown.length <= max + 3, `${shown.length} > ${max} + 3 for ${JSON.stringify(out)}`);
      assert.ok(out.length <= max + 3 + `… (+${b.length} bytes)`.length);
    }),
    { numRuns: 2000 },
  );
});

test("printable's escaping is reversible, and the suffix counts exactly the bytes not shown", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 400 }), (b, max) => {
      const { shown, rest } = split(printable(b, max));
      assert.deepEqual(unescape(shown), b.subarray(0, b.length - rest));
      if (rest > 0) assert.ok(shown.length >= max, "cut although there was room");
    }),
    { numRuns: 2000 },
  );
});

test("printable shows any string of printable code points unchanged, backslashes doubled", () => {
  const printableText = fc
    .string({ unit: "binary", maxLength: 100 })
    .filter((s) => rawControl(s) === undefined);
  fc.assert(
    fc.property(printableText, (s) => {
      assert.equal(printable(utf8(s), Number.MAX_SAFE_INTEGER), s.replaceAll("\\", "\\\\"));
    }),
  );
});

test("CharacterCarry: any bytes cut anywhere come out whole, in order, none lost", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
      const carry = new CharacterCarry();
      const shown = chunks(bytes, cuts).map((c) => carry.next(7, c));
      const rest = carry.release(7) ?? Buffer.alloc(0);
      assert.deepEqual(new Uint8Array(Buffer.concat([...shown, rest])), new Uint8Array(bytes));
      assert.equal(carry.size, 0);
      assert.ok(rest.length <= 3);
    }),
  );
});

test("CharacterCarry: text cut inside its characters is shown in whole characters only", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "grapheme", maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (text, cuts) => {
        const carry = new CharacterCarry();
        const shown = chunks(utf8(text), cuts).map((c) => carry.next(1, c));
        // Each chunk is valid UTF-8 on its own: decoding it loses nothing.
        for (const s of shown) assert.ok(Buffer.from(s.toString("utf8"), "utf8").equals(s), printable(s));
        assert.equal(shown.map((s) => s.toString("utf8")).join(""), text);
        assert.equal(carry.release(1), undefined);
      },
    ),
  );
});

test("CharacterCarry keeps connections apart and forgets on clear", () => {
  const carry = new CharacterCarry();
  const ko = Buffer.from("안녕", "utf8");
  assert.equal(carry.next(1, ko.subarray(0, 4)).toString(), "안");
  assert.equal(carry.next(2, Buffer.from([0xf0, 0x9f])).length, 0);
  assert.equal(carry.size, 2);
  assert.equal(carry.next(1, ko.subarray(4)).toString(), "녕");
  assert.equal(carry.next(2, Buffer.from([0x98, 0x80])).toString(), "😀");
  carry.next(3, Buffer.from([0xeb]));
  carry.clear();
  assert.equal(carry.size, 0);
  assert.deepEqual([...carry.next(3, Buffer.from([0x85, 0x95]))], [0x85, 0x95]);
});

test("unfinishedTail holds only what may still become a character", () => {
  assert.equal(unfinishedTail(bytes(0x61, 0xeb)), 1);
  assert.equal(unfinishedTail(bytes(0xeb, 0x85)), 2);
  assert.equal(unfinishedTail(bytes(0xf0, 0x9f, 0x98)), 3);
  assert.equal(unfinishedTail(bytes(0xeb, 0x85, 0x95)), 0, "complete");
  assert.equal(unfinishedTail(bytes(0x85)), 0, "a continuation byte alone");
  assert.equal(unfinishedTail(bytes(0xc0)), 0, "never a lead byte");
  assert.equal(unfinishedTail(bytes(0xe0, 0x80)), 0, "overlong");
  assert.equal(unfinishedTail(bytes(0xed, 0xa0)), 0, "a surrogate");
  assert.equal(unfinishedTail(bytes(0xf4, 0x90)), 0, "beyond U+10FFFF");
});

test("jsonText: the text as it came for JSON to escape once; invalid bytes as \\xNN; cut with a count", () => {
  assert.deepEqual(jsonText(utf8('hi\n\t"\\')), { text: 'hi\n\t"\\', rest: 0 });
  assert.deepEqual(jsonText(bytes(0x61, 0xff, 0x00)), { text: "a\\xff\u0000", rest: 0 });
  assert.deepEqual(jsonText(utf8("안녕\u0085")), { text: "안녕\u0085", rest: 0 });
  assert.deepEqual(jsonText(utf8("x".repeat(90)), 80), { text: "x".repeat(80), rest: 10 });
  assert.equal(JSON.stringify(jsonText(utf8("hello\n")).text), '"hello\\n"');
});

test("printable and jsonText with cp949: the textbook's Korean as Hangul, bytes of no character escaped", () => {
  const cp949 = Buffer.from("bec8b3e72100", "hex"); // 안녕!\0 as Visual Studio writes it on Korean Windows
  assert.equal(printable(cp949), "\\xbeȳ\\xe7!\\x00", "read as UTF-8, as without --encoding");
  assert.equal(printable(cp949, 80, undefined, "cp949"), "안녕!\\x00");
  assert.equal(printable(bytes(0x80, 0xbe, 0x0a, 0xff), 80, undefined, "cp949"), "\\x80\\xbe\\n\\xff");
  assert.equal(
    printable(Buffer.from("bec8".repeat(50), "hex"), 10, undefined, "cp949"),
    "안안안안안안안안안안… (+80 bytes)",
  );
  assert.deepEqual(jsonText(cp949, 80, "cp949"), { text: "안녕!\u0000", rest: 0 });
  assert.deepEqual(jsonText(bytes(0xbe), 80, "cp949"), { text: "\\xbe", rest: 0 });
});
