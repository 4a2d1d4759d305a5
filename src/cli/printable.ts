/**
 * Received bytes shown on one log line, as the textbook's `[TCP/ip:port] data`
 * does, but safe: control characters and invalid UTF-8 are escaped (`\n`,
 * `\x00`), valid UTF-8 text (Korean included) is shown as it is, and a long
 * chunk is cut with a count of what was left out. For JSON logs, the same
 * bytes as text that JSON itself escapes ({@link jsonText}). A character
 * that TCP split across two reads is carried to the next line whole
 * ({@link CharacterCarry}).
 *
 * @module
 */

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
 * ```
 */
export function printable(
  bytes: Uint8Array,
  maxChars = 80,
  more: (n: number) => string = (n) => `(+${n} byte${n === 1 ? "" : "s"})`,
): string {
  const { text, rest } = printableText(bytes, maxChars);
  return rest > 0 ? `${text}… ${more(rest)}` : text;
}

/** What {@link printable} shows, with the count of bytes it cut off apart. */
export function printableText(bytes: Uint8Array, maxChars = 80): ShownText {
  return render(bytes, maxChars, false);
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
export function jsonText(bytes: Uint8Array, maxChars = 80): ShownText {
  return render(bytes, maxChars, true);
}

function render(bytes: Uint8Array, maxChars: number, json: boolean): ShownText {
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
      const len = utf8SequenceLength(bytes, i, json);
      if (len > 0) {
        out += Buffer.from(bytes.buffer, bytes.byteOffset + i, len).toString("utf8");
        i += len;
      } else {
        out += "\\x" + b.toString(16).padStart(2, "0");
        i++;
      }
    }
  }
  return { text: out, rest: bytes.length - i };
}

/** The length a UTF-8 sequence announces by its lead byte `b0` (2–4), or 0 for no lead byte. */
function sequenceLength(b0: number): number {
  if (b0 >= 0xc2 && b0 <= 0xdf) return 2;
  if (b0 >= 0xe0 && b0 <= 0xef) return 3;
  if (b0 >= 0xf0 && b0 <= 0xf4) return 4;
  return 0;
}

/**
 * Length of a valid UTF-8 sequence of 2–4 bytes at `i`, or 0; for a log line
 * (`any` false) only of a printable character.
 */
function utf8SequenceLength(bytes: Uint8Array, i: number, any: boolean): number {
  const b0 = bytes[i] as number;
  const len = sequenceLength(b0);
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

/**
 * How many bytes at the end of `bytes` (0 to 3) begin a UTF-8 character
 * that bytes still to come may complete: a lead byte and the continuation
 * bytes that may follow it, fewer than it announces.
 *
 * @example
 * ```ts
 * import { unfinishedTail } from "./printable.js";
 * unfinishedTail(Buffer.from([0xec, 0x95, 0x88, 0xeb])); // 1: "안", then the first byte of "녕"
 * unfinishedTail(Buffer.from("안")); // 0
 * ```
 */
export function unfinishedTail(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let k = 1; k <= 3 && k <= end; k++) {
    const b = bytes[end - k] as number;
    if ((b & 0xc0) === 0x80) continue;
    return sequenceLength(b) > k && mayContinue(b, bytes[end - k + 1]) ? k : 0;
  }
  return 0;
}

/** Whether `second` (undefined: not come yet) may follow the lead byte `b0`: no overlong form, surrogate or code point past U+10FFFF. */
function mayContinue(b0: number, second: number | undefined): boolean {
  if (second === undefined) return true;
  if (b0 === 0xe0) return second >= 0xa0;
  if (b0 === 0xed) return second <= 0x9f;
  if (b0 === 0xf0) return second >= 0x90;
  if (b0 === 0xf4) return second <= 0x8f;
  return true;
}

/**
 * Per connection, the last bytes of a read that begin a character the next
 * read completes, so that each log line shows whole characters: `안\xeb`
 * then `\x85\x95` become `안` then `녕`. At most 3 bytes a connection, and
 * only for connections that hold some.
 *
 * @example
 * ```ts
 * import { CharacterCarry } from "./printable.js";
 * const carry = new CharacterCarry();
 * carry.next(1, Buffer.from([0xec, 0x95, 0x88, 0xeb])).toString(); // "안"
 * carry.next(1, Buffer.from([0x85, 0x95])).toString(); // "녕"
 * ```
 */
export class CharacterCarry {
  readonly #held = new Map<number, Buffer>();

  /** Connections holding bytes now. */
  get size(): number {
    return this.#held.size;
  }

  /**
   * The bytes to show for connection `id`'s `chunk`: what it held before, then
   * the chunk, less a character left unfinished at the end (held for the next).
   */
  next(id: number, chunk: Buffer): Buffer {
    const before = this.#held.get(id);
    let all = chunk;
    if (before !== undefined) {
      this.#held.delete(id);
      all = Buffer.concat([before, chunk]);
    }
    const tail = unfinishedTail(all);
    if (tail === 0) return all;
    // A copy: the server reads every connection into one buffer, which the next read overwrites.
    this.#held.set(id, Buffer.from(all.subarray(all.length - tail)));
    return all.subarray(0, all.length - tail);
  }

  /** What connection `id` still holds (it closed in the middle of a character), forgotten. */
  release(id: number): Buffer | undefined {
    const held = this.#held.get(id);
    this.#held.delete(id);
    return held;
  }

  /** Forgets every connection's bytes: the reads that follow are not the next ones (lines were left out). */
  clear(): void {
    this.#held.clear();
  }
}
