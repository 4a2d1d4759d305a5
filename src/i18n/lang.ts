/**
 * Which language to speak: `--lang` first, then the POSIX locale variables in
 * their order of precedence (LC_ALL, LC_MESSAGES, LANG). Korean for any
 * locale starting with `ko`, English otherwise.
 *
 * @module
 */

/** The languages tcpecho speaks. */
export type Lang = "en" | "ko";

/** Every language, for `--lang` validation and help. */
export const LANGS: readonly Lang[] = ["en", "ko"];

/**
 * Picks the language from an explicit choice or the environment.
 *
 * @example
 * ```ts
 * import { detectLang } from "./lang.js";
 * detectLang(undefined, { LANG: "ko_KR.UTF-8" }); // "ko"
 * detectLang("en", { LANG: "ko_KR.UTF-8" }); // "en"
 * ```
 */
export function detectLang(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (explicit === "ko" || explicit === "en") return explicit;
  // The first variable that is set and non-empty decides, as setlocale(3) does.
  for (const name of ["LC_ALL", "LC_MESSAGES", "LANG"]) {
    const value = env[name];
    if (value) return /^ko([_.@-]|$)/i.test(value) ? "ko" : "en";
  }
  return "en";
}
