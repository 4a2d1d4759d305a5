/**
 * How the CLI writes: in the user's language, with colour only on a terminal
 * and never when NO_COLOR is set (https://no-color.org).
 *
 * @module
 */

import type { Writable } from "node:stream";
import { detectLang, type Lang } from "../i18n/lang.js";
import { messages, type Messages } from "../i18n/messages.js";

/** Where and how the CLI writes. */
export interface Terminal {
  readonly lang: Lang;
  readonly m: Messages;
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
 * t.out(t.m.connected("127.0.0.1", 51234));
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
    m: messages[lang],
    out: (line) => void stdout.write(line + "\n"),
    err: (line) => void stderr.write((errColor ? `\x1b[31m${line}\x1b[0m` : line) + "\n"),
    note: (line) => void stderr.write(line + "\n"),
    dim: (text) => (outColor ? `\x1b[2m${text}\x1b[22m` : text),
    red: (text) => (outColor ? `\x1b[31m${text}\x1b[39m` : text),
  };
}
