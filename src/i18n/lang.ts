/**
 * Which language to speak: `--lang` first, then the POSIX locale variables in
 * their order of precedence (LC_ALL, LC_MESSAGES, LANG), then the operating
 * system's locale as ICU resolves it. On Windows ICU asks for the user
 * default locale (GetUserDefaultLocaleName), which is the Region format
 * setting, not the display language: a Windows whose format is Korean speaks
 * Korean without any variable, whatever language its menus are in. Korean for
 * any locale starting with `ko`, English otherwise.
 *
 * @module
 */

/** The languages tcpecho speaks. */
export type Lang = "en" | "ko";

/** Every language, for `--lang` validation and help. */
export const LANGS: readonly Lang[] = ["en", "ko"];

/** The operating system's locale (a BCP 47 tag such as `ko-KR`), as ICU resolves it for this process. */
export function osLocale(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().locale;
  } catch {
    // A Node built without Intl has no locale to tell.
    return "";
  }
}

const KOREAN = /^ko([_.@-]|$)/i;

/**
 * Picks the language from an explicit choice or the environment; `locale`
 * tells the OS locale, for when no locale variable is set.
 *
 * @example
 * ```ts
 * import { detectLang } from "./lang.js";
 * detectLang(undefined, { LANG: "ko_KR.UTF-8" }); // "ko"
 * detectLang("en", { LANG: "ko_KR.UTF-8" }); // "en"
 * detectLang(undefined, {}, () => "ko-KR"); // "ko": a Korean Windows, no LANG
 * ```
 */
export function detectLang(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  locale: () => string = osLocale,
): Lang {
  if (explicit === "ko" || explicit === "en") return explicit;
  // The first variable that is set and non-empty decides, as setlocale(3) does.
  for (const name of ["LC_ALL", "LC_MESSAGES", "LANG"]) {
    const value = env[name];
    if (value) return KOREAN.test(value) ? "ko" : "en";
  }
  return KOREAN.test(locale()) ? "ko" : "en";
}
