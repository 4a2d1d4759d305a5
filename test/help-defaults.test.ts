/**
 * Every command's `--help`, in English and Korean, says each default once:
 * no option or argument line repeats in its `(default: …)` what it already
 * says in words, as `(0: never) (default: 0: never)` did.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "./helpers.js";

const COMMANDS = [[], ["serve"], ["client"], ["ping"], ["bench"], ["bench", "merge"], ["diagnose"]];

/** The entries of a help's argument and option lists, each on one line however commander wrapped it. */
function entries(help: string): string[] {
  const out: string[] = [];
  let inList = false;
  for (const line of help.split("\n")) {
    if (/^(Arguments|Options|Commands|인자|옵션|명령):$/.test(line)) inList = true;
    else if (!line.startsWith(" ")) inList = false;
    else if (inList && /^ {2}\S/.test(line)) out.push(line.trim());
    else if (inList && out.length > 0) out[out.length - 1] += ` ${line.trim()}`;
  }
  return out;
}

/** What an entry says about its default: the `(default: …)` group, and every other group in parentheses. */
function defaults(entry: string): { said: string[]; groups: string[] } {
  const groups = [...entry.matchAll(/\(([^()]*)\)/g)].map((m) => m[1] ?? "");
  const said = groups
    .flatMap((g) => [...g.matchAll(/(?:^|, )(?:default|기본값): (.*?)(?=, (?:env|환경 변수):|$)/g)])
    .map((m) => m[1] ?? "");
  return { said, groups: groups.filter((g) => !/(default|기본값):/.test(g)) };
}

for (const lang of ["en", "ko"]) {
  test(`every command's --help (${lang}) says each default once`, { timeout: 60_000 }, async () => {
    const helps = await Promise.all(COMMANDS.map((args) => runCli([...args, "--help", "--lang", lang])));
    let seen = 0;
    helps.forEach((r, i) => {
      const name = ["tcpecho", ...(COMMANDS[i] ?? [])].join(" ");
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      for (const entry of entries(r.stdout.toString())) {
        const { said, groups } = defaults(entry);
        assert.ok(said.length <= 1, `${name}: two defaults in: ${entry}`);
        const value = said[0];
        if (value === undefined) continue;
        seen++;
        assert.ok(!groups.includes(value), `${name}: the default '${value}' is said twice in: ${entry}`);
        assert.equal(new Set(groups).size, groups.length, `${name}: a repeated note in: ${entry}`);
      }
    });
    assert.ok(seen >= 25, `only ${seen} defaults found`);
  });
}
