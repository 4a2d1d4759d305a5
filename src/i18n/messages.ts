/**
 * Every sentence tcpecho says to a person, in English and Korean: one record
 * per language joining the audiences' catalogues (units, server, client,
 * errors), each of which types its `en` and `ko` alike. The CLI picks a
 * language by `--lang` or the locale; the library needs none of this (its
 * errors carry their own English, `net/error-text.ts`).
 *
 * @module
 */

import { clientMessages, type ClientMessages } from "./client.js";
import { errorMessages, type ErrorMessages } from "./errors.js";
import type { Lang } from "./lang.js";
import { serverMessages, type ServerMessages } from "./server.js";
import { units, type UnitMessages } from "./units.js";

/** One language's sentences, for every audience. */
export type Messages = UnitMessages & ServerMessages & ClientMessages & ErrorMessages;

function join(lang: Lang): Messages {
  return { ...units[lang], ...serverMessages[lang], ...clientMessages[lang], ...errorMessages[lang] };
}

/**
 * The catalogues by language.
 *
 * @example
 * ```ts
 * import { messages } from "./messages.js";
 * messages.ko.connected("127.0.0.1", 51234); // "[TCP 서버] 클라이언트 접속: IP 주소=127.0.0.1, 포트 번호=51234"
 * ```
 */
export const messages: Readonly<Record<Lang, Messages>> = { en: join("en"), ko: join("ko") };
