/**
 * The shape of the code, checked: the import graph of src/ has no cycle, and
 * each room imports only what it may (docs/architecture.md). The library
 * (net, server, client, bench) never reaches the CLI or its catalogues.
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** What each room (folder of src/) may import, besides itself. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  net: [],
  server: ["net"],
  client: ["net"],
  bench: ["net"],
  i18n: ["net", "server", "client", "bench"],
  // The live page's server side; its browser side (ui/page) imports only types.
  ui: ["net", "server"],
  cli: ["net", "server", "client", "bench", "i18n", "ui"],
  ".": ["net", "server", "client", "bench"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Every relative import of a file (static, type-only and dynamic), as source paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms),
    ...text.matchAll(/^\s*import\s+"([^"]+)"/gm),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => m[1] as string);
  return specs.filter((s) => s.startsWith(".")).map((s) => resolve(dirname(file), s.replace(/\.js$/, ".ts")));
}

const roomOf = (file: string) => {
  const rel = relative(SRC, file);
  return rel.includes("/") ? (rel.split("/")[0] as string) : ".";
};

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

test("every relative import names a file of src/", () => {
  for (const [file, deps] of graph) {
    for (const dep of deps) assert.ok(graph.has(dep), `${relative(SRC, file)} imports ${relative(SRC, dep)}`);
  }
  assert.ok(files.length > 30, `only ${files.length} files found under ${SRC}`);
});

test("each room imports only the rooms below it", () => {
  const wrong: string[] = [];
  for (const [file, deps] of graph) {
    const room = roomOf(file);
    const allowed = MAY_IMPORT[room];
    assert.ok(allowed !== undefined, `${relative(SRC, file)}: a room docs/architecture.md does not know`);
    for (const dep of deps) {
      const to = roomOf(dep);
      if (to !== room && !allowed.includes(to)) wrong.push(`${relative(SRC, file)} -> ${relative(SRC, dep)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

/** The cycles of a graph, each as the files around it. */
function findCycles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[][] = [];
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === "done") return;
    if (state.get(node) === "visiting") {
      cycles.push([...path.slice(path.indexOf(node)), node]);
      return;
    }
    state.set(node, "visiting");
    for (const dep of g.get(node) ?? []) visit(dep, [...path, node]);
    state.set(node, "done");
  };
  for (const node of g.keys()) visit(node, []);
  return cycles;
}

test("the import graph has no cycle", () => {
  const cycles = findCycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(" -> "));
  assert.deepEqual(cycles, []);
});

test("a cycle would be found", () => {
  const g = new Map([
    ["a", ["b"]],
    ["b", ["c"]],
    ["c", ["a"]],
    ["d", ["a"]],
  ]);
  assert.deepEqual(findCycles(g), [["a", "b", "c", "a"]]);
});

test("the live page's browser code takes only types from outside its folder", () => {
  const page = join(SRC, "ui", "page");
  const wrong: string[] = [];
  for (const file of files.filter((f) => dirname(f) === page)) {
    const text = readFileSync(file, "utf8");
    // A value import would be fetched by the browser, which has only the page's own scripts.
    for (const m of text.matchAll(/^\s*(import|export)\b([^;]*?)\bfrom\s+"([^"]+)"/gms)) {
      const [, , what = "", spec = ""] = m;
      if (!spec.startsWith("./") && !/^\s*type\b/.test(what)) wrong.push(`${relative(SRC, file)}: ${spec}`);
    }
  }
  assert.ok(
    files.some((f) => dirname(f) === page),
    `no browser code found under ${page}`,
  );
  assert.deepEqual(wrong, []);
});
