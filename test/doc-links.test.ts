/**
 * The docs' links stay true: every relative link in README*.md and docs/*.md
 * names a file that exists, and every `#anchor` (in the same file or in
 * another `.md`) names a heading there, slugged as GitHub does (Korean
 * headings included). A renamed heading or a moved file fails here, not in
 * a reader's browser.
 */

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The Markdown a reader browses: the READMEs at the root and everything in docs/. */
function docFiles(root: string): string[] {
  const top = readdirSync(root).filter((f) => /^README.*\.md$/.test(f));
  const docs = existsSync(join(root, "docs"))
    ? readdirSync(join(root, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => join("docs", f))
    : [];
  return [...top, ...docs].map((f) => join(root, f));
}

/** The text outside fenced code blocks, line by line (a link in a code block is not a link). */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split("\n").map((line) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      const mark = m[1] as string;
      if (fence === undefined) fence = mark[0] as string;
      else if (mark[0] === fence) fence = undefined;
      return "";
    }
    return fence === undefined ? line : "";
  });
}

/**
 * GitHub's heading anchor: the heading's text as rendered (code spans, links
 * and emphasis reduced to their text), lower-cased, everything but letters,
 * digits, `_`, `-` and spaces dropped, spaces made `-`; a repeated slug gets
 * `-1`, `-2`, ….
 */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/[`*]/g, "");
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a Markdown file offers: its headings' slugs, numbered when repeated. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(text)) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1] as string);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** The relative links of a Markdown file, as written, with their line numbers. */
function linksOf(text: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  proseLines(text).forEach((raw, i) => {
    const line = raw.replace(/`[^`]*`/g, "");
    for (const m of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1] as string;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ line: i + 1, target });
    }
  });
  return links;
}

/** Each link of `files` that names no file, or no heading of the file it names. */
function brokenLinks(files: readonly string[], root: string): string[] {
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    let set = anchorCache.get(file);
    if (set === undefined) {
      set = anchorsOf(readFileSync(file, "utf8"));
      anchorCache.set(file, set);
    }
    return set;
  };
  const broken: string[] = [];
  for (const file of files) {
    for (const { line, target } of linksOf(readFileSync(file, "utf8"))) {
      const [path = "", hash] = target.split("#", 2);
      const to = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
      const where = `${relative(root, file)}:${line}: ${target}`;
      if (!existsSync(to)) broken.push(`${where} (no such file)`);
      else if (hash !== undefined && to.endsWith(".md") && !anchors(to).has(decodeURIComponent(hash)))
        broken.push(`${where} (no such heading in ${relative(root, to)})`);
    }
  }
  return broken;
}

test("every relative link in README*.md and docs/*.md names a file and a heading that exist", () => {
  const files = docFiles(ROOT);
  assert.ok(files.length >= 10, `only ${files.length} Markdown files found under ${ROOT}`);
  assert.deepEqual(brokenLinks(files, ROOT), []);
});

/** `*.ts` files under `dir`, this one excepted. */
function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && e.name !== "doc-links.test.ts")
    .map((e) => join(e.parentPath ?? (e as { path?: string }).path ?? dir, e.name));
}

test("every doc anchor named in a comment or a message of src/, test/, bench/ or examples/ exists", () => {
  const broken: string[] = [];
  let named = 0;
  for (const file of ["src", "test", "bench", "examples"].flatMap((d) => sourceFiles(join(ROOT, d)))) {
    for (const m of readFileSync(file, "utf8").matchAll(/\b((?:docs\/)?[\w.-]+\.md)#([\p{L}\p{N}_-]+)/gu)) {
      named++;
      const [, doc = "", hash = ""] = m;
      const to = [join(ROOT, doc), join(ROOT, "docs", doc)].find((f) => existsSync(f));
      if (to === undefined || !anchorsOf(readFileSync(to, "utf8")).has(hash))
        broken.push(`${relative(ROOT, file)}: ${doc}#${hash}`);
    }
  }
  assert.deepEqual(broken, [], `${named} doc anchors named in the code`);
});

test("headings are slugged as GitHub does, Korean and repeated ones included", () => {
  assert.equal(slug("systemd 아래에서, 소켓 활성화로"), "systemd-아래에서-소켓-활성화로");
  assert.equal(slug("Inside `src/server`"), "inside-srcserver");
  assert.equal(slug("One byte's way through the server"), "one-bytes-way-through-the-server");
  assert.equal(slug("A page open with 10,000 connections"), "a-page-open-with-10000-connections");
  assert.equal(
    slug("Load from several machines: `tcpecho bench merge`"),
    "load-from-several-machines-tcpecho-bench-merge",
  );
  assert.deepEqual([...anchorsOf("# A\n## A\n```\n# not a heading\n```\n## A\n")], ["a", "a-1", "a-2"]);
});

test("a link to a missing file or heading is found, and one inside code is not a link", () => {
  const dir = mkdtempSync(join(tmpdir(), "tcpecho-doc-links-"));
  try {
    writeFileSync(join(dir, "other.md"), "# Other\n\n## 성능과 신뢰성\n");
    writeFileSync(
      join(dir, "README.md"),
      [
        "# Title",
        "[fine](other.md#성능과-신뢰성) [fine](#title) [web](https://example.com/x.md#y)",
        "[gone](other.md#step-10-the-final-figures) [missing](nowhere.md) [self](#no-such)",
        "`[code](nowhere.md)`",
        "```",
        "[fenced](nowhere.md)",
        "```",
      ].join("\n"),
    );
    assert.deepEqual(brokenLinks([join(dir, "README.md")], dir), [
      "README.md:3: other.md#step-10-the-final-figures (no such heading in other.md)",
      "README.md:3: nowhere.md (no such file)",
      "README.md:3: #no-such (no such heading in README.md)",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
