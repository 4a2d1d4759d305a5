/**
 * docs/architecture.md matches the code: its table of which room imports
 * which is computed here from the `.ts` sources of src/ (tests excluded) and
 * compared both ways, and every file or folder the page names exists. The
 * rule of what a room may import is test/imports.test.ts's; this is the fact.
 */

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SRC = join(ROOT, "src");
const DOC = "docs/architecture.md";

/** The `.ts` sources under `dir`, tests excluded. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
    .map((e) => join(e.parentPath ?? (e as { path?: string }).path ?? dir, e.name));
}

/** Every relative import of a source (static, type-only, re-exports, side effects, dynamic). */
function importsOf(text: string): string[] {
  return [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms),
    ...text.matchAll(/^\s*import\s+"([^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
  ]
    .map((m) => m[1] as string)
    .filter((s) => s.startsWith("."));
}

/** A source's room as the page names it: `src/net` for a folder's files, `src/index.ts` for a top-level file. */
function roomOf(file: string): string {
  return `src/${relative(SRC, file).split(/[\\/]/)[0]}`;
}

/** Room → the other rooms its sources import, computed from `sources` (paths under src/ and their text). */
function roomImports(sources: ReadonlyMap<string, string>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [file, text] of sources) {
    const from = roomOf(file);
    const to = graph.get(from) ?? new Set<string>();
    graph.set(from, to);
    for (const spec of importsOf(text)) {
      const room = roomOf(resolve(dirname(file), spec));
      if (room !== from) to.add(room);
    }
  }
  return graph;
}

/** The page's table whose header is `| room | imports |`: room → the rooms in backticks on its row. */
function documentedImports(markdown: string): Map<string, Set<string>> {
  const lines = markdown.split("\n");
  const header = lines.findIndex((l) => /^\|\s*room\s*\|\s*imports\s*\|\s*$/.test(l));
  assert.ok(header >= 0, `${DOC} has no table headed "| room | imports |"`);
  const table = new Map<string, Set<string>>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    const [room = "", imports = ""] = line.split("|").slice(1, 3);
    const name = /`([^`]+)`/.exec(room)?.[1];
    assert.ok(name !== undefined, `${DOC}: a row without a room: ${line}`);
    table.set(name, new Set([...imports.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string)));
  }
  return table;
}

/** The differences between the page's table and the code's graph, one line per wrong or missing arrow. */
function differences(
  doc: ReadonlyMap<string, Set<string>>,
  code: ReadonlyMap<string, Set<string>>,
): string[] {
  const out: string[] = [];
  for (const room of new Set([...doc.keys(), ...code.keys()])) {
    const said = doc.get(room);
    const real = code.get(room);
    if (said === undefined) out.push(`${room}: a room of the code the table does not list`);
    else if (real === undefined) out.push(`${room}: listed, but no such room has sources`);
    else {
      for (const to of said) if (!real.has(to)) out.push(`${room} → ${to}: in the table, not in the code`);
      for (const to of real) if (!said.has(to)) out.push(`${room} → ${to}: in the code, not in the table`);
    }
  }
  return out.sort();
}

/** `a/{b,c}/d` → `a/b/d`, `a/c/d`. */
function expandBraces(path: string): string[] {
  const m = /\{([^{}]*)\}/.exec(path);
  if (!m) return [path];
  return m[1]!.split(",").flatMap((alt) => expandBraces(path.replace(m[0], alt)));
}

const ROOMS = "net|server|client|bench|cli|i18n|ui";

/**
 * Each path the page names that does not exist: `src/…` (and `test/…`,
 * `docs/…`, `deploy/…`) from the repository's root, a room-relative one
 * (`cli/bench.ts`, `ui/page/`) under src/, and a bare `name.ts` anywhere
 * under src/ or test/.
 */
function missingPaths(markdown: string, root: string): string[] {
  const known = new Set(
    ["src", "test"].flatMap((d) =>
      readdirSync(join(root, d), { recursive: true }).map((f) => basename(String(f))),
    ),
  );
  const missing = new Set<string>();
  const path = new RegExp(
    String.raw`(?<![\w./-])((?:src|test|docs|deploy)/|(?:${ROOMS})/)((?:[\w.-]+|\{[\w.,-]+\}|/)*)`,
    "g",
  );
  for (const m of markdown.matchAll(path)) {
    const named = `${m[1]}${m[2]}`.replace(/\.+$/, "");
    for (const p of expandBraces(named)) {
      const found =
        p.startsWith("src/") || /^(test|docs|deploy)\//.test(p)
          ? existsSync(join(root, p))
          : existsSync(join(root, "src", p)) || existsSync(join(root, p));
      if (!found) missing.add(p);
    }
  }
  for (const m of markdown.matchAll(/(?<![\w./-])([\w-]+(?:\.[\w-]+)*\.ts)\b/g)) {
    const name = m[1] as string;
    if (!known.has(name)) missing.add(name);
  }
  return [...missing].sort();
}

const doc = readFileSync(join(ROOT, DOC), "utf8");

test("docs/architecture.md's table of room imports is what the code imports", () => {
  const sources = new Map(sourceFiles(SRC).map((f) => [f, readFileSync(f, "utf8")]));
  assert.ok(sources.size > 30, `only ${sources.size} sources found under ${SRC}`);
  assert.deepEqual(differences(documentedImports(doc), roomImports(sources)), []);
});

test("every file and folder docs/architecture.md names exists", () => {
  assert.deepEqual(missingPaths(doc, ROOT), []);
});

test("a wrong or missing arrow, and a path that is gone, are found", () => {
  const sources = new Map([
    [
      join(SRC, "bench", "load.ts"),
      'import { a } from "../net/a.js";\nimport type { B } from "../client/b.js";',
    ],
    [join(SRC, "net", "a.ts"), "export const a = 1;"],
    [join(SRC, "client", "b.ts"), 'export type B = number;\nconst c = await import("../net/a.js");'],
    [join(SRC, "index.ts"), 'export * from "./bench/load.js";'],
  ]);
  const table = documentedImports(
    [
      "| room | imports |",
      "| --- | --- |",
      "| `src/net` | nothing |",
      "| `src/bench` | `src/net` |",
      "| `src/client` | `src/net`, `src/server` |",
      "",
    ].join("\n"),
  );
  assert.deepEqual(differences(table, roomImports(sources)), [
    "src/bench → src/client: in the code, not in the table",
    "src/client → src/server: in the table, not in the code",
    "src/index.ts: a room of the code the table does not list",
  ]);
  assert.deepEqual(
    missingPaths("`src/net/gone.ts`, `cli/nowhere.ts`, `src/{net,nope}/`, lost-file.ts, `src/net/`.", ROOT),
    ["cli/nowhere.ts", "lost-file.ts", "src/net/gone.ts", "src/nope/"],
  );
});
