/**
 * Received bytes shown on one log line, as the textbook's `[TCP/ip:port] data`
 * does, but safe: control characters and invalid UTF-8 are escaped (`\n`,
 * `\x00`), valid UTF-8 text (Korean included) is shown as it is, and a long
 * chunk is cut with a count of what was left out.
 *
 * @module
 */

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
 * ```
 */
export function printable(
  bytes: Uint8Array,
  maxChars = 80,
  more: (n: number) => string = (n) => `(+${n} byte${n === 1 ? "" : "s"})`,
): string {
  let out = "";
  let i = 0;
  while (i < bytes.length && out.length < maxChars) {
    const b = bytes[i] as number;
    if (b >= 0x20 && b < 0x7f) {
      out += b === 0x5c ? "\\\\" : String.fromCharCode(b);
      i++;
    } else if (b === 0x0a || b === 0x0d || b === 0x09) {
      out += b === 0x0a ? "\\n" : b === 0x0d ? "\\r" : "\\t";
      i++;
    } else {
      const len = utf8SequenceLength(bytes, i);
      if (len > 0) {
        out += Buffer.from(bytes.buffer, bytes.byteOffset + i, len).toString("utf8");
        i += len;
      } else {
        out += "\\x" + b.toString(16).padStart(2, "0");
        i++;
      }
    }
  }
  const rest = bytes.length - i;
  return rest > 0 ? `${out}… ${more(rest)}` : out;
}

/** Length of a valid, printable UTF-8 sequence of 2–4 bytes at `i`, or 0. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number;
  let len: number;
  let min: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) [len, min] = [2, 0x80];
  else if (b0 >= 0xe0 && b0 <= 0xef) [len, min] = [3, 0x800];
  else if (b0 >= 0xf0 && b0 <= 0xf4) [len, min] = [4, 0x10000];
  else return 0;
  if (i + len > bytes.length) return 0;
  let cp = b0 & (0xff >> (len + 1));
  for (let k = 1; k < len; k++) {
    const b = bytes[i + k] as number;
    if ((b & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  // C1 controls and the line/paragraph separators would break a log line.
  if (cp < 0xa0 || cp === 0x2028 || cp === 0x2029) return 0;
  return len;
}
