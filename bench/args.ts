/**
 * Command-line arguments of the bench scripts, parsed strictly: `--help`
 * prints the script's usage and exits 0; an unknown option or a missing
 * value is one line on standard error and exit code 2, before anything runs.
 */

import { parseArgs } from "node:util";

/** What a script takes: options with a value, and flags. */
export type ScriptOptions = Record<string, { type: "string" | "boolean" }>;

/** The parsed arguments. */
export interface ScriptArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `process.argv` for `script` (its name in messages) with `options`;
 * `usage` is printed for `--help`.
 */
export function scriptArgs(
  script: string,
  usage: string,
  options: ScriptOptions,
  positionals = false,
): ScriptArgs {
  let parsed: ScriptArgs;
  try {
    const { values, positionals: rest } = parseArgs({
      args: process.argv.slice(2),
      options: { ...options, help: { type: "boolean" } },
      allowPositionals: positionals,
      strict: true,
    });
    parsed = { values: values as ScriptArgs["values"], positionals: rest };
  } catch (err) {
    console.error(`${script}: ${err instanceof Error ? err.message : String(err)} (see --help)`);
    process.exit(2);
  }
  if (parsed.values.help === true) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}
