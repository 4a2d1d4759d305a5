/**
 * `tcpecho explain CODE`: what an error code means, how to see it on this
 * system (or the one `--os` names), and the fix. CODE is an errno name as
 * Node spells it (ECONNREFUSED), a Winsock name or number (WSAECONNREFUSED,
 * 10061), a Node code (ENOTFOUND, ERR_TLS_CERT_ALTNAME_INVALID) or one of
 * tcpecho's own (ERR_PEER_CLOSED), in any case. An unknown code is one line
 * on standard error and exit code 2.
 *
 * @module
 */

import { Option, type Command } from "commander";
import { EXPLAINED_CODES, explainWords, explanation, OS_NAMES, type ExplainWords } from "../i18n/explain.js";
import type { Lang } from "../i18n/lang.js";
import {
  errnoNumbers,
  ownCode,
  systemCode,
  TEXT_PLATFORMS,
  textPlatform,
  WINSOCK_ERRORS,
  winsockByName,
  winsockFor,
  type TextPlatform,
  type WinsockError,
} from "../net/winsock.js";
import { ReportedFailure } from "./reported-failure.js";
import { openTerminal, type Terminal } from "./terminal.js";

interface ExplainCliOptions {
  os: TextPlatform;
  list?: boolean;
  lang?: string;
}

/** What a code given on the command line names: an entry of the catalogue, or a Winsock error only. */
interface Resolved {
  /** The code as tcpecho and Node name it. */
  readonly code: string;
  readonly wsa: WinsockError | undefined;
}

/** Finds what `input` names: a Winsock number or name, an explained code, or a Berkeley name in the table. */
export function resolveCode(input: string): Resolved | undefined {
  const upper = input.trim().toUpperCase();
  const byWinsock = winsockByName(upper) ?? WINSOCK_ERRORS.find((e) => e.errno === upper);
  if (byWinsock) return { code: ownCode(byWinsock), wsa: byWinsock };
  // A code of its own that Node may report for a Winsock error of another name (EPIPE for WSAESHUTDOWN).
  const wsa = winsockFor(upper);
  return EXPLAINED_CODES.includes(upper) || wsa ? { code: upper, wsa } : undefined;
}

/** The edit distance of two short words, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The known code closest to a mistyped one, if any is close enough to be the one meant. */
export function closestCode(input: string): string | undefined {
  const upper = input.trim().toUpperCase();
  const names = [...EXPLAINED_CODES, ...WINSOCK_ERRORS.flatMap((e) => [e.name, e.errno ?? e.name])];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(upper.length / 4)) + 1;
  for (const name of names) {
    const d = distance(upper, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/**
 * The code's number on each system, `Linux: errno 111 · macOS: errno 61 ·
 * Windows: 10061 WSAECONNREFUSED`: its own errno numbers, and the Winsock
 * error that copies it or that libuv reports as it, with the code Node gives
 * it where libuv translates (`10058 WSAESHUTDOWN, which Node reports as EPIPE`).
 */
function numbers(code: string, wsa: WinsockError | undefined, w: ExplainWords): string[] {
  const parts: string[] = [];
  const errno = errnoNumbers(code);
  if (errno !== undefined)
    parts.push(`${OS_NAMES.linux}: errno ${errno.linux}`, `${OS_NAMES.darwin}: errno ${errno.darwin}`);
  if (wsa !== undefined)
    parts.push(`${OS_NAMES.win32}: ${wsa.wsa} ${wsa.name}${wsa.libuv ? w.reportedAs(wsa.libuv) : ""}`);
  return parts;
}

/** What a code means when only the tables know it: the Winsock error's words, or the errno's own. */
function tableTitle(code: string, wsa: WinsockError | undefined, lang: Lang): string | undefined {
  const errno = errnoNumbers(code);
  if (wsa !== undefined && ownCode(wsa) === code) return lang === "ko" ? wsa.ko : wsa.en;
  return lang === "ko" ? errno?.ko : errno?.en;
}

/** The lines of an explanation, in `lang`, for `os`. */
export function explainLines(resolved: Resolved, lang: Lang, os: TextPlatform): string[] {
  const w: ExplainWords = explainWords[lang];
  const { code, wsa } = resolved;
  const found = explanation(code, lang, os);
  const head = systemCode(code, os);
  if (found === undefined) {
    // Known to the tables only: its meaning and numbers.
    const own = wsa !== undefined && ownCode(wsa) === code;
    const name = !own
      ? code
      : code === wsa.name
        ? `${code} (${wsa.wsa})`
        : `${code} (${wsa.wsa}, ${wsa.name})`;
    return [
      `${name} — ${tableTitle(code, wsa, lang) ?? ""}`,
      w.numbers(numbers(code, wsa, w)),
      w.tableOnly(own ? wsa.node : undefined),
    ];
  }
  const { source, words } = found;
  const parts = source === "system" ? numbers(code, wsa, w) : [];
  const origin =
    source === "node"
      ? w.node
      : source === "tcpecho"
        ? w.tcpecho
        : parts.length > 0
          ? w.numbers(parts)
          : undefined;
  return [
    `${head} — ${words.title}`,
    ...(origin === undefined ? [] : [origin]),
    `${w.cause} ${words.cause}`,
    `${w.see(OS_NAMES[os])} ${words.see}`,
    `${w.fix} ${words.fix}`,
  ];
}

function list(t: Terminal): void {
  const w = explainWords[t.lang];
  t.out(w.listCodes);
  for (const code of EXPLAINED_CODES) t.out(`  ${code}`);
  t.out(w.listWinsock);
  for (const e of WINSOCK_ERRORS) t.out(`  ${e.wsa} ${e.name}${e.errno || e.node ? ` (${ownCode(e)})` : ""}`);
}

/** Registers `tcpecho explain`. */
export function registerExplain(program: Command): void {
  program
    .command("explain")
    .description(
      "what an error code means, how to see it on this system, and the fix: errno (ECONNREFUSED), Winsock (WSAECONNREFUSED, 10061), Node (ENOTFOUND) and tcpecho codes",
    )
    .argument(
      "[code]",
      "the code, in any case: ECONNREFUSED, WSAECONNREFUSED, 10061, ERR_TLS_CERT_ALTNAME_INVALID, …",
    )
    .addOption(
      new Option("--os <os>", "explain for another system: linux, darwin (macOS) or win32 (Windows)")
        .choices(TEXT_PLATFORMS)
        .default(textPlatform(), "this system"),
    )
    .option("--list", "list every code it explains, and the Winsock errors it knows")
    .addHelpText(
      "after",
      `
Examples:
  tcpecho explain ECONNREFUSED            cause, the command that shows it here, and the fix
  tcpecho explain 10061                   a Winsock number (WSAGetLastError()), as a C program on Windows prints it
  tcpecho explain EACCES --os win32       the same error, as Windows has it
  tcpecho explain --list

Exit code 0, or 2 for a code it does not know.`,
    )
    .action((code: string | undefined, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<ExplainCliOptions>();
      const t = openTerminal(opts.lang);
      if (opts.list || code === undefined) return list(t);
      const resolved = resolveCode(code);
      if (resolved === undefined) {
        t.err(explainWords[t.lang].unknown(code, closestCode(code)));
        throw new ReportedFailure(2);
      }
      for (const line of explainLines(resolved, t.lang, opts.os)) t.out(line);
    });
}
