#!/usr/bin/env node
/**
 * The `tcpecho` command. Exit codes: 0 success, 1 the job failed, 2 the
 * command line was wrong. Every failure is one line in words, never a stack
 * trace (set TCPECHO_DEBUG=1 to see one); for `serve --log-format json`, one
 * JSON `error` event on standard output, like the server's other events.
 *
 * @module
 */

import { createRequire } from "node:module";
import { Command, CommanderError, Option } from "commander";
import { detectLang, type Lang } from "../i18n/lang.js";
import { messages } from "../i18n/messages.js";
import { EchoError } from "../net/echo-error.js";
import { registerCommands } from "./commands.js";
import { jsonServeLog } from "./serve-log.js";
import { ReportedFailure } from "./reported-failure.js";
import { useKoreanHelp } from "./help.js";

const pkg = createRequire(import.meta.url)("../../../package.json") as { version: string };

function buildProgram(lang: Lang): Command {
  const program = new Command("tcpecho")
    .description(
      "TCP echo server and client, from the classic socket-programming lesson to a tool you can rely on",
    )
    .version(pkg.version, "-V, --version")
    .addOption(
      new Option(
        "--lang <lang>",
        "message language (default: from LC_ALL, LC_MESSAGES or LANG, else the system's locale)",
      ).choices(["en", "ko"]),
    )
    // Each command's --help lists --lang too.
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .addHelpText(
      "after",
      `
Examples:
  tcpecho serve                     echo server on 0.0.0.0:9000
  tcpecho client                    talk to it from another terminal
  echo hi | tcpecho client --verify pipe bytes through and check them
  tcpecho ping 127.0.0.1:9000 -c 3  round-trip time of small numbered probes
  tcpecho bench 127.0.0.1:9000      load: requests/s, MB/s, latency, every byte checked
  tcpecho explain ECONNREFUSED      what an error means, how to see it on this system, the fix`,
    );
  registerCommands(program);
  // A subcommand's subcommand (`bench merge`) would list its parent's options as global ones: not those.
  for (const sub of program.commands.flatMap((c) => c.commands))
    sub.configureHelp({ ...sub.configureHelp(), showGlobalOptions: false });
  if (lang === "ko") useKoreanHelp(program);
  return program;
}

/** The subcommand named on the command line, for the "see --help" hint. */
function commandIn(argv: readonly string[], program: Command): Command | undefined {
  for (const arg of argv) {
    const found = program.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (found) return found;
  }
  return undefined;
}

function langIn(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === "--lang" || a.startsWith("--lang="));
  if (i < 0) return undefined;
  const a = argv[i] as string;
  return a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[i + 1];
}

/** `serve … --log-format json`: then even a bad command line is reported as a JSON event. */
function wantsJson(argv: readonly string[], command: Command | undefined): boolean {
  if (command?.name() !== "serve") return false;
  const i = argv.findIndex((a) => a === "--log-format" || a.startsWith("--log-format="));
  const a = argv[i];
  return a !== undefined && (a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[i + 1]) === "json";
}

async function main(argv: readonly string[], program: Command, lang: Lang): Promise<number> {
  const m = messages[lang];
  const command = commandIn(argv, program);
  // A subcommand's mistakes point at its own help (`bench merge --help`).
  const sub = command === undefined ? undefined : commandIn(argv, command);
  const helpHint = command ? `${command.name()} ${sub ? `${sub.name()} ` : ""}` : "";
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof ReportedFailure) return err.exitCode;
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0;
      if (err.code === "commander.help" || err.code === "commander.helpDisplayed") {
        return 2;
      }
    }
    if (wantsJson(argv, command)) {
      if (process.env.TCPECHO_DEBUG) console.error(err);
      const exitCode =
        err instanceof CommanderError || (err instanceof EchoError && err.isUsageError) ? 2 : 1;
      jsonServeLog((line) => process.stdout.write(line + "\n"), m).failed(err, exitCode);
      return exitCode;
    }
    if (err instanceof CommanderError) {
      const text = err.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
      process.stderr.write(m.usage(m.commanderError(err.code, text), helpHint) + "\n");
      return 2;
    }
    if (err instanceof EchoError) {
      if (err.isUsageError) {
        process.stderr.write(m.usage(m.error(err.code, err.context), helpHint) + "\n");
        return 2;
      }
      const tag = command?.name() === "serve" ? m.serverTag : m.clientTag;
      process.stderr.write(`${tag} ${m.error(err.code, err.context)}\n`);
      return 1;
    }
    if (process.env.TCPECHO_DEBUG) console.error(err);
    process.stderr.write(`tcpecho: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

// A reader that goes away (`tcpecho client | head -c 10`) is not an error worth a trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const argv = process.argv.slice(2);
// The language is known before the program is built, so that its --help is in it.
const lang = detectLang(langIn(argv));
const program = buildProgram(lang);
const code = await main(argv, program, lang);
// The server keeps running until a signal; every other command ends here, even
// if a terminal or timer would keep the event loop alive.
if (code !== 0 || commandIn(argv, program)?.name() !== "serve")
  process.exit(code || Number(process.exitCode ?? 0));
