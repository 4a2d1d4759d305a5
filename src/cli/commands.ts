/**
 * Every `tcpecho` command, declared on a program in the order `--help` lists
 * them: main.ts uses this, and so do the tests that check each command's
 * options, so a new command is declared in one place.
 *
 * @module
 */

import type { Command } from "commander";
import { registerBench } from "./bench.js";
import { registerBenchMerge } from "./bench-merge.js";
import { registerClient } from "./client.js";
import { registerDiagnose } from "./diagnose.js";
import { registerExplain } from "./explain.js";
import { registerPing } from "./ping.js";
import { registerServe } from "./serve.js";

/** Declares serve, client, ping, bench (and `bench merge`), diagnose and explain on `program`. */
export function registerCommands(program: Command): void {
  for (const register of [
    registerServe,
    registerClient,
    registerPing,
    registerBench,
    registerBenchMerge,
    registerDiagnose,
    registerExplain,
  ])
    register(program);
}

/** `program`'s commands and their subcommands (`bench merge`), depth first. */
export function allCommands(program: Command): Command[] {
  return program.commands.flatMap((c) => [c as Command, ...allCommands(c as Command)]);
}
