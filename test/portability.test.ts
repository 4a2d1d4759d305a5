/**
 * What keeps `npm ci` and `npm test` working on Linux, macOS and Windows
 * alike: npm scripts that cmd.exe runs as sh does, a checkout with LF line
 * endings everywhere (Prettier checks them), and the CI matrix of the three.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { needs } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFileSync(ROOT + path, "utf8");

/** A script's text outside its double-quoted strings (cmd.exe knows only double quotes). */
const unquoted = (script: string) => script.replace(/"(?:[^"\\]|\\.)*"/g, '""');

test("npm scripts: no VAR=value prefix, no glob, no single quotes, no POSIX-only command", () => {
  const { scripts } = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
  const problems: string[] = [];
  for (const [name, script] of Object.entries(scripts)) {
    const bare = unquoted(script);
    const commands = bare.split(/&&|\|\||[;|]/).map((c) => c.trim());
    if (commands.some((c) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(c)))
      problems.push(`${name}: VAR=value before a command (cmd.exe has no such syntax)`);
    if (/[*?]|\[[^\]]*\]/.test(bare)) problems.push(`${name}: a glob (cmd.exe does not expand it)`);
    if (bare.includes("'")) problems.push(`${name}: single quotes (cmd.exe passes them on as they are)`);
    if (/\$\w|\$\{|`/.test(bare)) problems.push(`${name}: a shell variable or backquote`);
    const posix = commands.find((c) => /^(rm|cp|mv|mkdir|cat|chmod|ln|sh|bash|env|export|test)\b/.test(c));
    if (posix !== undefined) problems.push(`${name}: ${posix.split(" ")[0]} is not a Windows command`);
  }
  assert.deepEqual(problems, []);
});

test("the checkout keeps LF on every system: .gitattributes and Prettier agree", () => {
  const attributes = read(".gitattributes")
    .split("\n")
    .map((l) => l.trim().split(/\s+/));
  const all = attributes.find((fields) => fields[0] === "*");
  assert.ok(all, ".gitattributes has a line for *");
  assert.ok(all.includes("text=auto") && all.includes("eol=lf"), `* ${all.slice(1).join(" ")}`);
  for (const image of ["*.png"])
    assert.ok(
      attributes.some((f) => f[0] === image && f.includes("binary")),
      `${image} is binary in .gitattributes`,
    );
  const prettier = JSON.parse(read(".prettierrc.json")) as { endOfLine?: string };
  assert.equal(prettier.endOfLine ?? "lf", "lf");
});

test("no file with CRLF in the repository is converted at checkout (git ls-files --eol)", (t) => {
  const skip = needs("git");
  if (skip) return t.skip(skip);
  const r = spawnSync("git", ["ls-files", "--eol"], { cwd: ROOT, encoding: "utf8", timeout: 10_000 });
  if (r.status !== 0) return t.skip("not a git work tree (an unpacked copy)");
  // "i/crlf … attr/text=auto eol=lf": such a file would change at checkout, and again at the next commit.
  const converted = r.stdout.split("\n").filter((l) => /^i\/(crlf|mixed)/.test(l) && !/attr\/-text/.test(l));
  assert.deepEqual(converted, [], "mark recorded CRLF files -text in .gitattributes");
});

test("CI runs the README's test command on Linux, macOS and Windows", () => {
  const workflow = YAML.parse(read(".github/workflows/test.yml")) as {
    jobs: Record<
      string,
      {
        "runs-on": string;
        strategy: { matrix: { os: string[]; node: number[] } };
        steps: { run?: string; if?: string }[];
      }
    >;
  };
  const jobs = Object.values(workflow.jobs);
  assert.equal(jobs.length, 1);
  const [job] = jobs as [(typeof jobs)[number]];
  assert.equal(job["runs-on"], "${{ matrix.os }}");
  assert.deepEqual(job.strategy.matrix.os, ["ubuntu-latest", "macos-latest", "windows-latest"]);
  assert.ok(job.strategy.matrix.node.includes(20), "Node 20, the oldest the package supports");
  const runs = job.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));
  assert.ok(runs.includes("npm ci") && runs.includes("npm test"), runs.join("; "));
  // On Linux .ci/run installs the tools, then runs the same two commands.
  assert.ok(runs.some((r) => /\.ci\/run$/.test(r)));
  assert.match(read(".ci/run"), /^npm ci --no-audit --no-fund\nnpm test$/m);
  const readme = read("README.md");
  assert.match(readme, /npm ci/);
  assert.match(readme, /npm test /);
});
