/**
 * The text encodings a person may read a client's bytes in: UTF-8, and CP949
 * (Korean Windows' code page, in which the textbook's Visual Studio program
 * writes its Korean strings). Used only to show and type text: the bytes a
 * server echoes are never changed.
 *
 * CP949 is KS X 1001 (EUC-KR: two bytes 0xA1–0xFE each) plus the Hangul
 * syllables KS X 1001 lacks, in Unicode order, on lead bytes 0x81–0xC6 with
 * trail bytes 0x41–0x5A, 0x61–0x7A and 0x81–0xFE. Node's
 * `TextDecoder("euc-kr")` (ICU) decodes the KS X 1001 part only, and Node has
 * no encoder: the tables here are built from that decoder, the extension
 * computed, once, on first use (about 40 ms, 170 KB).
 *
 * @module
 */

/** An encoding text is shown and typed in. */
export type TextEncoding = "utf-8" | "cp949";

/** Every {@link TextEncoding}, the default first. */
export const TEXT_ENCODINGS: readonly TextEncoding[] = ["utf-8", "cp949"];

const LEADS = 0xfe - 0x81 + 1;
const TRAILS = 0xfe - 0x41 + 1;

// (lead, trail) → UTF-16 code unit, 0 for no character; and back: code unit → lead << 8 | trail.
let decodeTable: Uint16Array | undefined;
let encodeTable: Uint16Array | undefined;

/** Trail bytes of the Hangul extension: A–Z, a–z, 0x81–0xFE. */
function extensionTrail(t: number): boolean {
  return (t >= 0x41 && t <= 0x5a) || (t >= 0x61 && t <= 0x7a) || t >= 0x81;
}

function buildTables(): Uint16Array {
  const table = new Uint16Array(LEADS * TRAILS);
  const ksx1001 = new TextDecoder("euc-kr");
  for (let lead = 0xa1; lead <= 0xfe; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) {
      const s = ksx1001.decode(Uint8Array.of(lead, trail));
      const c = s.charCodeAt(0);
      // ICU gives its user-defined rows private-use characters; CP949 has no character there.
      if (s.length === 1 && c !== 0xfffd && (c < 0xe000 || c > 0xf8ff))
        table[(lead - 0x81) * TRAILS + trail - 0x41] = c;
    }
  }
  // Added to KS X 1001 by CP949 (and the WHATWG index): euro sign, registered sign, 주 in a circle.
  table[(0xa2 - 0x81) * TRAILS + 0xe6 - 0x41] = 0x20ac;
  table[(0xa2 - 0x81) * TRAILS + 0xe7 - 0x41] = 0x00ae;
  table[(0xa2 - 0x81) * TRAILS + 0xe8 - 0x41] = 0x327e;
  const encode = new Uint16Array(0x10000);
  for (let i = 0; i < table.length; i++) {
    const c = table[i] as number;
    if (c !== 0 && encode[c] === 0)
      encode[c] = ((0x81 + Math.floor(i / TRAILS)) << 8) | (0x41 + (i % TRAILS));
  }
  // The other 8822 syllables, in Unicode order: 178 a lead up to 0xA0, then 84 (trails up to 0xA0).
  let lead = 0x81;
  let trail = 0x41;
  for (let c = 0xac00; c <= 0xd7a3; c++) {
    if (encode[c] !== 0) continue;
    table[(lead - 0x81) * TRAILS + trail - 0x41] = c;
    encode[c] = (lead << 8) | trail;
    do trail++;
    while (trail <= 0xfe && !extensionTrail(trail));
    if (trail > (lead < 0xa1 ? 0xfe : 0xa0)) {
      lead++;
      trail = 0x41;
    }
  }
  encodeTable = encode;
  return table;
}

/**
 * The character CP949 writes as `lead`, `trail` (a UTF-16 code unit: CP949
 * has nothing beyond the BMP), or 0 when that pair is none.
 */
export function cp949Char(lead: number, trail: number): number {
  if (lead < 0x81 || lead > 0xfe || trail < 0x41 || trail > 0xfe) return 0;
  decodeTable ??= buildTables();
  return decodeTable[(lead - 0x81) * TRAILS + trail - 0x41] as number;
}

/** 2 when `bytes` hold a whole two-byte CP949 character at `i`, else 0. */
export function cp949CharLength(bytes: Uint8Array, i: number): number {
  return i + 1 < bytes.length && cp949Char(bytes[i] as number, bytes[i + 1] as number) !== 0 ? 2 : 0;
}

/**
 * `bytes` read as CP949, each byte that begins no character as U+FFFD (a
 * trail byte that is ASCII is read again as itself, as WHATWG decoders do).
 *
 * @example
 * ```ts
 * import { decodeCp949 } from "tcpecho";
 * decodeCp949(Buffer.from([0xbe, 0xc8, 0xb3, 0xe7])); // "안녕"
 * ```
 */
export function decodeCp949(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x80) out += String.fromCharCode(b);
    else if (cp949CharLength(bytes, i) === 2) out += String.fromCharCode(cp949Char(b, bytes[++i] as number));
    else {
      out += "\ufffd";
      // A lead byte with a trail that is no pair: the trail byte, if not ASCII, went with it.
      if (b >= 0x81 && b <= 0xfe && (bytes[i + 1] ?? 0) >= 0x80) i++;
    }
  }
  return out;
}

/** What {@link encodeCp949} made of a text. */
export interface Cp949Text {
  /** The text in CP949, without the characters it has no code for. */
  bytes: Buffer;
  /** The characters CP949 cannot write, each once, in the order they came (empty: none). */
  unencodable: string[];
}

/**
 * `text` in CP949, and the characters CP949 has no code for (emoji, most
 * characters beyond Korean, Hanja and common symbols).
 *
 * @example
 * ```ts
 * import { encodeCp949 } from "tcpecho";
 * encodeCp949("안녕").bytes; // <Buffer be c8 b3 e7>
 * encodeCp949("hi 😀").unencodable; // ["😀"]
 * ```
 */
export function encodeCp949(text: string): Cp949Text {
  const out = Buffer.allocUnsafe(text.length * 2);
  const unencodable: string[] = [];
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (decodeTable === undefined) decodeTable = buildTables();
    const code = c <= 0xffff ? (encodeTable?.[c] ?? 0) : 0;
    if (code === 0) {
      if (!unencodable.includes(ch)) unencodable.push(ch);
      continue;
    }
    out[n++] = code >> 8;
    out[n++] = code & 0xff;
  }
  return { bytes: Buffer.from(out.subarray(0, n)), unencodable };
}

/** The length a UTF-8 sequence announces by its lead byte `b0` (2–4), or 0 for no lead byte. */
export function utf8SequenceLength(b0: number): number {
  if (b0 >= 0xc2 && b0 <= 0xdf) return 2;
  if (b0 >= 0xe0 && b0 <= 0xef) return 3;
  if (b0 >= 0xf0 && b0 <= 0xf4) return 4;
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

function utf8UnfinishedTail(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let k = 1; k <= 3 && k <= end; k++) {
    const b = bytes[end - k] as number;
    if ((b & 0xc0) === 0x80) continue;
    return utf8SequenceLength(b) > k && mayContinue(b, bytes[end - k + 1]) ? k : 0;
  }
  return 0;
}

// A CP949 trail byte may be a lead byte or a letter too: only a reading from a character's start
// tells where characters begin, so the bytes are read from the first.
function cp949UnfinishedTail(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x81 || b > 0xfe) continue;
    if (i + 1 === bytes.length) return 1;
    if (cp949CharLength(bytes, i) === 2) i++;
  }
  return 0;
}

/**
 * How many bytes at the end of `bytes` begin a character that bytes still
 * to come may complete: in UTF-8 a lead byte and the continuation bytes that
 * may follow it, fewer than it announces (0 to 3); in CP949 a lead byte (0
 * or 1), `bytes` read from a character's start.
 *
 * @example
 * ```ts
 * import { unfinishedTail } from "./text-encoding.js";
 * unfinishedTail(Buffer.from([0xec, 0x95, 0x88, 0xeb])); // 1: "안", then the first byte of "녕"
 * unfinishedTail(Buffer.from([0xbe, 0xc8, 0xb3]), "cp949"); // 1: "안", then the first byte of "녕"
 * unfinishedTail(Buffer.from("안")); // 0
 * ```
 */
export function unfinishedTail(bytes: Uint8Array, encoding: TextEncoding = "utf-8"): number {
  return encoding === "cp949" ? cp949UnfinishedTail(bytes) : utf8UnfinishedTail(bytes);
}

/**
 * Per connection, the last bytes of a read that begin a character the next
 * read completes, so that each line shows whole characters: `안\xeb` then
 * `\x85\x95` become `안` then `녕` (in CP949, `\xbe\xc8\xb3` then `\xe7`).
 * At most 3 bytes a connection, and only for connections that hold some.
 * For showing text only: what it returns is what the server received,
 * regrouped.
 *
 * @example
 * ```ts
 * import { CharacterCarry } from "./text-encoding.js";
 * const carry = new CharacterCarry();
 * carry.next(1, Buffer.from([0xec, 0x95, 0x88, 0xeb])).toString(); // "안"
 * carry.next(1, Buffer.from([0x85, 0x95])).toString(); // "녕"
 * ```
 */
export class CharacterCarry {
  readonly #held = new Map<number, Buffer>();
  readonly #encoding: TextEncoding;

  constructor(encoding: TextEncoding = "utf-8") {
    this.#encoding = encoding;
  }

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
    const tail = unfinishedTail(all, this.#encoding);
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
