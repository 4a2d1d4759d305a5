/**
 * Received bytes shown on one log line, as the textbook's `[TCP/ip:port] data`
 * does, but safe: control characters and invalid UTF-8 are escaped (`\n`,
 * `\x00`), valid UTF-8 text (Korean included) is shown as it is, and a long
 * chunk is cut with a count of what was left out. For JSON logs, the same
 * bytes as text that JSON itself escapes ({@link jsonText}). A character
 * that TCP split across two reads is carried to the next line whole
 * ({@link CharacterCarry}). With `cp949`, bytes are read as CP949 (the
 * textbook's Visual Studio program's Korean) instead of UTF-8.
 *
 * @module
 */

import { cp949Char, cp949CharLength, utf8SequenceLength, type TextEncoding } from "../net/text-encoding.js";

export { CharacterCarry, unfinishedTail } from "../net/text-encoding.js";

/** Text shown for some bytes, and how many of them it leaves out (a cut). */
export interface ShownText {
  text: string;
  rest: number;
}

/**
 * Formats `bytes` for a log line, at most about `maxChars` characters wide
 * (escapes count by their width).
 *
 * @example
 * ```ts
 * import { printable } from "./printable.js";
 * printable(Buffer.from("hi\r\n")); // "hi\\r\\n"
 * printable(Buffer.from("안녕")); // "안녕"
 * printable(Buffer.alloc(100, 0x61), 10); // "aaaaaaaaaa… (+90 bytes)"
 * printable(Buffer.from([0xbe, 0xc8, 0xb3, 0xe7]), 80, undefined, "cp949"); // "안녕"
 * ```
 */
export function printable(
  bytes: Uint8Array,
  maxChars = 80,
  more: (n: number) => string = (n) => `(+${n} byte${n === 1 ? "" : "s"})`,
  encoding: TextEncoding = "utf-8",
): string {
  const { text, rest } = printableText(bytes, maxChars, encoding);
  return rest > 0 ? `${text}… ${more(rest)}` : text;
}

/** What {@link printable} shows, with the count of bytes it cut off apart. */
export function printableText(bytes: Uint8Array, maxChars = 80, encoding: TextEncoding = "utf-8"): ShownText {
  return render(bytes, maxChars, false, encoding);
}

/**
 * `bytes` as the text they are, for a JSON string: every valid UTF-8
 * character as it is (JSON escapes a newline or a quote itself, once), each
 * byte that is not valid UTF-8 as `\xNN`; at most `maxChars` characters, with
 * the count of bytes left out.
 *
 * @example
 * ```ts
 * import { jsonText } from "./printable.js";
 * jsonText(Buffer.from("hi\n")); // { text: "hi\n", rest: 0 }
 * jsonText(Buffer.from([0x61, 0xff])); // { text: "a\\xff", rest: 0 }
 * ```
 */
export function jsonText(bytes: Uint8Array, maxChars = 80, encoding: TextEncoding = "utf-8"): ShownText {
  return render(bytes, maxChars, true, encoding);
}

function render(bytes: Uint8Array, maxChars: number, json: boolean, encoding: TextEncoding): ShownText {
  const cp949 = encoding === "cp949";
  let out = "";
  let i = 0;
  while (i < bytes.length && out.length < maxChars) {
    const b = bytes[i] as number;
    if (b < 0x80 && (json || (b >= 0x20 && b < 0x7f))) {
      out += b === 0x5c && !json ? "\\\\" : String.fromCharCode(b);
      i++;
    } else if (b === 0x0a || b === 0x0d || b === 0x09) {
      out += b === 0x0a ? "\\n" : b === 0x0d ? "\\r" : "\\t";
      i++;
    } else {
      const len = cp949 ? cp949CharLength(bytes, i) : utf8CharLength(bytes, i, json);
      if (len > 0) {
        out += cp949
          ? String.fromCharCode(cp949Char(b, bytes[i + 1] as number))
          : Buffer.from(bytes.buffer, bytes.byteOffset + i, len).toString("utf8");
        i += len;
      } else {
        out += "\\x" + b.toString(16).padStart(2, "0");
        i++;
      }
    }
  }
  return { text: out, rest: bytes.length - i };
}

/**
 * Length of a valid UTF-8 sequence of 2–4 bytes at `i`, or 0; for a log line
 * (`any` false) only of a printable character.
 */
function utf8CharLength(bytes: Uint8Array, i: number, any: boolean): number {
  const b0 = bytes[i] as number;
  const len = utf8SequenceLength(b0);
  if (len === 0 || i + len > bytes.length) return 0;
  let cp = b0 & (0xff >> (len + 1));
  for (let k = 1; k < len; k++) {
    const b = bytes[i + k] as number;
    if ((b & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  const min = len === 2 ? 0x80 : len === 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  // C1 controls and the line/paragraph separators would break a log line.
  if (!any && (cp < 0xa0 || cp === 0x2028 || cp === 0x2029)) return 0;
  return len;
}
