/**
 * How the CLI writes: in the user's language, with colour only on a terminal
 * and never when NO_COLOR is set (https://no-color.org).
 *
 * @module
 */

import { Readable, type Writable } from "node:stream";
import type { ReadStream } from "node:tty";
import { detectLang, type Lang } from "../i18n/lang.js";
import { messages, type Messages } from "../i18n/messages.js";

/** Where and how the CLI writes. */
export interface Terminal {
  readonly lang: Lang;
  /** The CLI's messages in `lang`. */
  readonly messages: Messages;
  /** A line to standard output. */
  out(line: string): void;
  /** An error line to standard error. */
  err(line: string): void;
  /** A plain note to standard error (kept off standard output, which may carry data). */
  note(line: string): void;
  /** Dims text when colour is on (for tags and counts). */
  dim(text: string): string;
  /** Marks text as an error when colour is on. */
  red(text: string): string;
}

function wantsColor(stream: Writable & { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

/**
 * Opens the process's terminal in the language `--lang` or the locale asks for.
 *
 * @example
 * ```ts
 * import { openTerminal } from "./terminal.js";
 * const t = openTerminal("ko");
 * t.out(t.messages.connected("127.0.0.1", 51234));
 * ```
 */
export function openTerminal(
  langOption: string | undefined,
  stdout: Writable & { isTTY?: boolean } = process.stdout,
  stderr: Writable & { isTTY?: boolean } = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Terminal {
  const lang = detectLang(langOption, env);
  const outColor = wantsColor(stdout, env);
  const errColor = wantsColor(stderr, env);
  return {
    lang,
    messages: messages[lang],
    out: (line) => void stdout.write(line + "\n"),
    err: (line) => void stderr.write((errColor ? `\x1b[31m${line}\x1b[0m` : line) + "\n"),
    note: (line) => void stderr.write(line + "\n"),
    dim: (text) => (outColor ? `\x1b[2m${text}\x1b[22m` : text),
    red: (text) => (outColor ? `\x1b[31m${text}\x1b[39m` : text),
  };
}

/** Ctrl-C, Enter (carriage return) and line feed as a terminal in raw mode sends them. */
const CTRL_C = 0x03;
const CR = 0x0d;
const LF = 0x0a;

/**
 * A terminal's keys for readline, one line at a time. What is typed at the
 * prompt goes through at once (readline echoes and edits it); what arrives
 * after an Enter — typed ahead, or the rest of several pasted lines — waits
 * until {@link TypedLines.next} (the next prompt), so that each line is sent,
 * echoed and answered before the next one shows, as if typed one by one.
 * Ctrl-C never waits: it calls `onCtrlC` at once and drops what was held.
 * Give it to readline as its input: it switches the terminal's raw mode for
 * readline as the terminal itself would.
 */
export class TypedLines extends Readable {
  readonly isTTY = true;
  readonly #tty: ReadStream;
  readonly #onCtrlC: () => void;
  #held: Buffer = Buffer.alloc(0);
  /** True from a prompt until an Enter has gone through. */
  #open = false;
  /** The last byte let through was a CR: a LF right after it is the same Enter (CR LF). */
  #afterCr = false;
  readonly #onData = (chunk: Buffer) => {
    if (chunk.includes(CTRL_C)) {
      this.#held = Buffer.alloc(0);
      this.#onCtrlC();
      return;
    }
    this.#held = this.#held.length === 0 ? chunk : Buffer.concat([this.#held, chunk]);
    this.#flow();
  };

  constructor(tty: ReadStream, onCtrlC: () => void) {
    super();
    this.#tty = tty;
    this.#onCtrlC = onCtrlC;
    tty.on("data", this.#onData);
  }

  get isRaw(): boolean {
    return this.#tty.isRaw;
  }

  setRawMode(mode: boolean): this {
    this.#tty.setRawMode(mode);
    return this;
  }

  override _read(): void {}

  /** A prompt is showing: let the next line through. */
  next(): void {
    this.#open = true;
    this.#flow();
  }

  /** Stops reading the terminal, and gives it back its normal mode. */
  stop(): void {
    this.#tty.off("data", this.#onData);
    this.#tty.pause();
    if (this.#tty.isRaw) this.#tty.setRawMode(false);
    this.push(null);
  }

  #flow(): void {
    while (this.#open && this.#held.length > 0) {
      let data = this.#held;
      if (this.#afterCr && data[0] === LF) data = data.subarray(1);
      let end = data.findIndex((b) => b === CR || b === LF);
      if (end < 0) {
        this.#afterCr = false;
        this.#held = Buffer.alloc(0);
        if (data.length > 0) this.push(data);
        return;
      }
      end += data[end] === CR && data[end + 1] === LF ? 2 : 1;
      this.#afterCr = data[end - 1] === CR;
      this.#held = data.subarray(end);
      this.#open = false;
      this.push(data.subarray(0, end));
    }
  }
}
