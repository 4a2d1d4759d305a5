/** The Korean help: complete for every declared option and argument, and without English. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { Command } from "commander";
import { helpKo, type HelpCommand } from "../i18n/help.js";
import { allCommands, registerCommands } from "./commands.js";

/** The commands as main.ts declares them, on a program of their own. */
function commands(): Command[] {
  const program = new Command("tcpecho");
  registerCommands(program);
  return allCommands(program);
}

test("every option and argument of every command has its Korean help line", () => {
  const seen = new Set<string>();
  for (const cmd of commands()) {
    const record = helpKo[cmd.name() as HelpCommand];
    assert.ok(record, `no Korean help for ${cmd.name()}`);
    seen.add(cmd.name());
    for (const option of cmd.options) {
      const flag = option.long ?? "";
      assert.ok(record.options[flag], `${cmd.name()} ${flag} has no Korean help (src/i18n/help.ts)`);
    }
    for (const arg of cmd.registeredArguments)
      assert.ok(record.arguments[arg.name()], `${cmd.name()} [${arg.name()}] has no Korean help`);
    // And nothing stale: every Korean line belongs to a declared option or argument.
    const flags = new Set(cmd.options.map((o) => o.long));
    for (const flag of Object.keys(record.options))
      assert.ok(flags.has(flag), `${cmd.name()}: ${flag} is gone`);
    for (const flag of Object.keys(record.defaults))
      assert.ok(flags.has(flag), `${cmd.name()}: ${flag} is gone`);
    const args = new Set(cmd.registeredArguments.map((a) => a.name()));
    for (const name of Object.keys(record.arguments))
      assert.ok(args.has(name), `${cmd.name()}: ${name} is gone`);
  }
  assert.deepEqual(
    [...seen].sort(),
    Object.keys(helpKo)
      .filter((c) => c !== "tcpecho")
      .sort(),
  );
});
