/**
 * The bench scripts' command lines: --help is the usage and exit 0; an unknown
 * option or a missing value is one line and exit 2, before any server starts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const script = (name: string) => fileURLToPath(new URL(`../bench/${name}.js`, import.meta.url));

for (const name of ["peers", "short-connections", "soak"]) {
  test(`bench/${name}: --help, an unknown option, a missing value`, () => {
    const help = spawnSync(process.execPath, [script(name), "--help"], { encoding: "utf8", timeout: 20_000 });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^usage: npm run /);
    for (const bad of [
      ["--bogus"],
      [name === "soak" ? "--minutes" : name === "peers" ? "--rounds" : "--loops"],
    ]) {
      const r = spawnSync(process.execPath, [script(name), ...bad], { encoding: "utf8", timeout: 20_000 });
      assert.equal(r.status, 2, `${bad.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
  });
}
