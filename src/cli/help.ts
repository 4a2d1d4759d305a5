/**
 * `--help` in Korean: the program's and each command's help drawn from the
 * Korean record (`src/i18n/help.ts`) through commander's Help hooks, with
 * commander's own words (titles, `default:`, the help option) translated too.
 * The English help is commander's own output, untouched.
 *
 * @module
 */

import type { EventEmitter } from "node:events";
import { Help, type Argument, type Command, type Option } from "commander";
import { helpKo, helpWordsKo, type CommandHelp } from "../i18n/help.js";

/** The Korean record of a command, by its name (`tcpecho` for the program). */
function recordOf(cmd: Command): CommandHelp | undefined {
  return (helpKo as Readonly<Record<string, CommandHelp>>)[cmd.name()];
}

/** `(선택: …, 기본값: …, 환경 변수: …)`, shown when commander would show its English. */
function extras(parts: string[]): string {
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

function choices(list: readonly string[] | undefined): string[] {
  const w = helpWordsKo;
  return list ? [`${w.choices}: ${list.map((c) => JSON.stringify(c)).join(", ")}`] : [];
}

/** `[options]` and `[command]` in a usage line, in Korean. */
function placeholders(usage: string): string {
  return usage.replace(/\[options\]|\[command\]/g, (s) => helpWordsKo.usage[s] ?? s);
}

// Hangul and other East Asian wide characters take two terminal columns.
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;

/** Commander's Help with every word in Korean; `cmd` is the command the help is for. */
function koreanHelpFor(cmd: Command): Partial<Help> {
  const record = recordOf(cmd);
  const w = helpWordsKo;
  return {
    // A command's help lists the program's --lang too, as the English does (not `bench merge`'s: see main.ts).
    showGlobalOptions: cmd.parent?.parent == null,
    styleTitle: (title: string) => w.titles[title] ?? title,
    commandUsage(c: Command): string {
      return placeholders(Help.prototype.commandUsage.call(this, c));
    },
    subcommandTerm(sub: Command): string {
      return placeholders(Help.prototype.subcommandTerm.call(this, sub));
    },
    commandDescription: (c: Command) => recordOf(c)?.description ?? c.description(),
    subcommandDescription: (sub: Command) =>
      sub.name() === "help" ? w.helpCommand : (recordOf(sub)?.description ?? sub.description()),
    argumentDescription(arg: Argument): string {
      const text = record?.arguments[arg.name()] ?? arg.description;
      const parts = choices(arg.argChoices);
      if (arg.defaultValue !== undefined)
        parts.push(`${w.default}: ${arg.defaultValueDescription || JSON.stringify(arg.defaultValue)}`);
      return text + extras(parts);
    },
    optionDescription(option: Option): string {
      const flag = option.long ?? "";
      const text =
        flag === "--help"
          ? w.help
          : flag === "--version"
            ? w.version
            : (record?.options[flag] ?? helpKo.tcpecho.options[flag] ?? option.description);
      const parts = choices(option.argChoices);
      // Shown exactly when commander shows its "default:".
      const showDefault =
        option.required ||
        option.optional ||
        (option.isBoolean() && typeof option.defaultValue === "boolean");
      if (option.defaultValue !== undefined && showDefault)
        parts.push(
          `${w.default}: ${record?.defaults[flag] ?? (option.defaultValueDescription || JSON.stringify(option.defaultValue))}`,
        );
      if (option.envVar !== undefined) parts.push(`${w.env}: ${option.envVar}`);
      return text + extras(parts);
    },
    displayWidth(str: string): number {
      return Help.prototype.displayWidth.call(this, str) + (str.match(WIDE)?.length ?? 0);
    },
  };
}

/**
 * Makes the program's help, and each command's, Korean: descriptions, argument
 * and option help, defaults and the examples after them.
 */
export function useKoreanHelp(program: Command): void {
  // Subcommands of commands too (`bench merge`).
  const all = (cmd: Command): Command[] => [cmd, ...cmd.commands.flatMap(all)];
  for (const cmd of all(program)) {
    cmd.configureHelp(koreanHelpFor(cmd));
    const record = recordOf(cmd);
    if (record === undefined) continue;
    // The English examples were added as an `afterHelp` listener; the Korean replace them.
    (cmd as unknown as EventEmitter).removeAllListeners("afterHelp");
    cmd.addHelpText("after", record.after);
  }
}
