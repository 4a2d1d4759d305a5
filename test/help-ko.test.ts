/**
 * `--help` in Korean, from the real command: with --lang ko and with a ko_*
 * locale, for the program and each command; every option of the English help
 * is there, and no English is left outside names, flags and examples' commands.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { englishWords } from "../src/i18n/english-words.js";
import { cleanEnv, runCli } from "./helpers.js";

const COMMANDS = [
  [],
  ["serve"],
  ["client"],
  ["ping"],
  ["bench"],
  ["bench", "merge"],
  ["diagnose"],
  ["explain"],
];

/** A help's long flags, in order. */
function flags(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1] ?? "");
}

/** The help's words for people: the term column of lists and example commands taken out. */
function prose(help: string): string[] {
  return help
    .split("\n")
    .map((line) => (/^ {2}\S/.test(line) ? (/\S {2,}(\S.*)$/.exec(line)?.[1] ?? "") : line))
    .filter((line) => line.trim() !== "");
}

for (const args of COMMANDS) {
  const name = args[0] ?? "tcpecho";
  test(`${name} --help in Korean: every option, no English`, { timeout: 30_000 }, async () => {
    const en = await runCli([...args, "--help"]);
    const ko = await runCli([...args, "--help", "--lang", "ko"]);
    const locale = await runCli([...args, "--help"], { env: cleanEnv({ LC_MESSAGES: "ko_KR.UTF-8" }) });
    assert.equal(ko.code, 0);
    const text = ko.stdout.toString();
    assert.equal(locale.stdout.toString(), text, "a ko_* locale gives the same help as --lang ko");
    assert.deepEqual(flags(text), flags(en.stdout.toString()));
    assert.match(text, /^사용법: tcpecho/);
    assert.match(text, /\n옵션:\n/);
    assert.match(text, /\n예:\n/);
    for (const line of prose(text)) assert.deepEqual(englishWords(line), [], `${name}: ${line}`);
    assert.doesNotMatch(text, /\b(default|choices|env|display help|Usage|Options|Examples):/);
  });
}

test("README.ko.md names every option of README.md's option tables, and each README links the other", () => {
  const root = new URL("../../", import.meta.url);
  const en = readFileSync(new URL("README.md", root), "utf8");
  const ko = readFileSync(new URL("README.ko.md", root), "utf8");
  const tableFlags = (text: string) =>
    new Set(
      text
        .split("\n")
        .filter((line) => line.startsWith("| `"))
        .flatMap((line) => [...(line.split("|")[1] ?? "").matchAll(/--[a-z][\w-]*/g)].map((m) => m[0])),
    );
  const missing = [...tableFlags(en)].filter((flag) => !tableFlags(ko).has(flag) && !ko.includes(flag));
  assert.deepEqual(missing, [], "options of README.md missing from README.ko.md");
  assert.ok(tableFlags(en).size > 40);
  assert.match(en.slice(0, 200), /\(README\.ko\.md\)/);
  assert.match(ko.slice(0, 200), /\(README\.md\)/);
});

test("each command's --help lists --lang, in English and in Korean", { timeout: 30_000 }, async () => {
  for (const name of ["serve", "client", "ping", "bench", "diagnose", "explain"]) {
    const en = (await runCli([name, "--help"])).stdout.toString();
    assert.match(en, /\nGlobal Options:\n(.*\n)*? {2}--lang <lang> +message language/, name);
    const ko = (await runCli([name, "--help", "--lang", "ko"])).stdout.toString();
    assert.match(ko, /\n공통 옵션:\n(.*\n)*? {2}--lang <lang> +메시지 언어/, name);
  }
});
