/**
 * Every `@example` in a doc comment of src/ compiles, and the runnable ones run
 * (as Deno std checks its docs), so an example cannot drift from the code.
 *
 * What counts: each ```ts fence that follows an `@example` tag in a `/** … *\/`
 * comment of src/**\/*.ts (not *.test.ts). New modules are found by walking src/.
 *
 * - Each example becomes a module under dist/doc-examples/, at the path of its
 *   source file (`src/cli/count.ts` line 12 → `dist/doc-examples/src/cli/count.12.ts`).
 *   `import … from "tcpecho"` resolves to the package itself (self-reference
 *   through package.json "exports", so the built types in dist/); a relative
 *   import such as `"./count.js"` means the module beside the source file and is
 *   rewritten to that module's built path (`"../../../src/cli/count.js"`).
 * - One TypeScript program type-checks them all, with tsconfig.json's compiler
 *   options, and emits JavaScript beside them. A type error is reported at the
 *   source file and line of the example.
 * - A comment after a one-line statement is checked, so it cannot lie. When it
 *   starts with a primitive literal (`median([3, 1, 2]); // 2`, `// null: admitted`)
 *   or is wholly an object or array literal (`// { host: "::1", port: 7 }`), the
 *   value (for `console.log(x)`: x) must deep-equal it; `// throws … "ERR_CODE"`
 *   means the statement must throw an error with that code. Other comments
 *   (`// e.g. 0.93`, `// <Buffer 68 65>`) are prose.
 * - An example whose first line is `// not run: <reason>` is only type-checked
 *   (it needs something outside itself: an echo server on 127.0.0.1:9000, a file,
 *   a terminal). Every other example runs with node from dist/doc-examples/,
 *   within RUN_TIMEOUT_MS, and must exit 0: start what it needs itself (a server
 *   on 127.0.0.1 port 0) and close it, so the process ends on its own. It may
 *   only use loopback: LOOPBACK_ONLY below makes anything else throw.
 * - The examples are checked once, in the default data path's pass of `npm test`:
 *   what they show does not depend on the path, and both passes would double the cost.
 */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCRATCH = join(ROOT, "dist", "doc-examples");
const RUN_TIMEOUT_MS = 10_000;
const NOT_RUN = /^\/\/\s*not run:\s*\S/;

interface Example {
  /** Source file relative to the root, e.g. `src/cli/count.ts`. */
  source: string;
  /** 1-based line in the source file of the example's first code line. */
  line: number;
  code: string;
  run: boolean;
  /** The scratch module's path. */
  file: string;
}

/** All .ts files under `dir` except tests, relative to ROOT. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts"))
      out.push(rel);
  }
  return out.sort();
}

/** The ```ts fences after `@example` tags in the doc comments of one source file. */
function examplesIn(source: string): Example[] {
  const lines = readFileSync(join(ROOT, source), "utf8").split("\n");
  const found: Example[] = [];
  let inDoc = false;
  let afterTag = false;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] as string;
    if (!inDoc) {
      if (/^\s*\/\*\*/.test(text) && !text.includes("*/")) inDoc = true;
      afterTag = false;
      continue;
    }
    if (text.includes("*/")) {
      inDoc = false;
      continue;
    }
    const body = text.replace(/^\s*\* ?/, "");
    if (/^@example\b/.test(body)) afterTag = true;
    else if (/^@\w/.test(body)) afterTag = false;
    else if (afterTag && /^```(ts|typescript)\b/.test(body)) {
      const code: string[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const inner = (lines[j] as string).replace(/^\s*\* ?/, "");
        if (/^```\s*$/.test(inner) || (lines[j] as string).includes("*/")) break;
        code.push(inner);
      }
      assert.ok(
        /^```\s*$/.test((lines[j] ?? "").replace(/^\s*\* ?/, "")),
        `${source}:${i + 1}: unclosed fence`,
      );
      const line = i + 2;
      found.push({
        source,
        line,
        code: code.join("\n"),
        run: !NOT_RUN.test((code[0] ?? "").trim()),
        file: join(SCRATCH, source.replace(/\.ts$/, `.${line}.ts`)),
      });
      i = j;
      afterTag = false;
    }
  }
  return found;
}

/** Whether `node` is written only of literals: `"a"`, `-1`, `null`, `undefined`, `{ a: [1, true] }`. */
function isPlainLiteral(node: ts.Node): boolean {
  if (ts.isParenthesizedExpression(node)) return isPlainLiteral(node.expression);
  if (ts.isStringLiteral(node) || ts.isNumericLiteral(node)) return true;
  if (ts.isPrefixUnaryExpression(node)) return ts.isNumericLiteral(node.operand);
  if (ts.isIdentifier(node)) return node.text === "undefined";
  if ([ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword].includes(node.kind))
    return true;
  if (ts.isArrayLiteralExpression(node)) return node.elements.every(isPlainLiteral);
  if (ts.isObjectLiteralExpression(node))
    return node.properties.every(
      (p) =>
        ts.isPropertyAssignment(p) &&
        (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) &&
        isPlainLiteral(p.initializer),
    );
  return false;
}

/**
 * The value a trailing comment states, as source text, or undefined when it is
 * prose: a primitive literal followed by the end, `:`, `,`, `;`, ` (` or ` —`
 * (`// null: admitted`), or an object or array literal that is the whole comment.
 */
function statedValue(comment: string): string | undefined {
  const text = comment.replace(/^\/\/\s*/, "").trim();
  const m =
    /^("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|true|false|null|undefined)(?=$|[:,;]|\s+\(|\s+—)/.exec(
      text,
    );
  if (m) return m[1];
  if (!/^[[{]/.test(text)) return undefined;
  const sf = ts.createSourceFile("v.ts", `(${text});`, ts.ScriptTarget.ES2022, true);
  const stmt = sf.statements[0];
  const ok =
    sf.statements.length === 1 &&
    stmt !== undefined &&
    ts.isExpressionStatement(stmt) &&
    stmt.getText(sf) === `(${text});` &&
    isPlainLiteral(stmt.expression);
  return ok ? `(${text})` : undefined;
}

/** The error code a `// throws …` comment names (`"ERR_…"`), "" for any error, or undefined for other comments. */
function statedThrow(comment: string): string | undefined {
  const text = comment.replace(/^\/\/\s*/, "");
  if (!/^throws\b/.test(text)) return undefined;
  return /"([A-Z][A-Z0-9_]+)"/.exec(text)?.[1] ?? "";
}

/**
 * The module written for an example: relative imports pointed at the built
 * modules, and `expr; // literal` lines turned into checks. Lines keep their
 * numbers (the helper import and function go at the end).
 */
function moduleText(ex: Example): string {
  const builtDir = join(ROOT, "dist", dirname(ex.source));
  let code = ex.code.replace(
    /(\bfrom\s+|\bimport\s*\(\s*)"(\.\.?\/[^"]+)"/g,
    (_, lead: string, spec: string) => {
      let to = relative(dirname(ex.file), join(builtDir, spec));
      if (!to.startsWith(".")) to = `./${to}`;
      return `${lead}"${to}"`;
    },
  );
  const sf = ts.createSourceFile("x.ts", code, ts.ScriptTarget.ES2022, true);
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isExpressionStatement(node)) {
      const start = node.getStart(sf);
      const at = (p: number) => sf.getLineAndCharacterOfPosition(p).line;
      const comment = ts.getTrailingCommentRanges(code, node.end)?.[0];
      const text = comment ? code.slice(comment.pos, comment.end) : "";
      const alone = comment !== undefined && at(start) === at(node.end) && at(comment.pos) === at(start);
      const where = JSON.stringify(`${ex.source}:${ex.line + at(start)}`);
      const expected = alone ? statedValue(text) : undefined;
      const throws = alone ? statedThrow(text) : undefined;
      if (throws !== undefined) {
        edits.push({
          start,
          end: node.end,
          text: `__throws(() => ${node.expression.getText(sf)}, ${JSON.stringify(throws)}, ${where});`,
        });
      } else if (expected !== undefined) {
        // `console.log(x); // 5` speaks of x.
        const e = node.expression;
        const logged =
          ts.isCallExpression(e) &&
          e.arguments.length === 1 &&
          /^console\.(log|error)$/.test(e.expression.getText(sf))
            ? (e.arguments[0] as ts.Expression)
            : undefined;
        const target = logged ?? e;
        edits.push({
          start: target.getStart(sf),
          end: target.end,
          text: `__expect(${target.getText(sf)}, ${expected}, ${where})`,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  for (const e of edits.sort((a, b) => b.start - a.start))
    code = code.slice(0, e.start) + e.text + code.slice(e.end);
  return (
    code +
    "\n\n// Added by test/doc-examples.test.ts: the comment after a statement is its value.\n" +
    'import { deepStrictEqual as __deepStrictEqual } from "node:assert/strict";\n' +
    "function __expect<T>(actual: T, expected: unknown, where: string): T {\n" +
    "  __deepStrictEqual(actual, expected, `${where}: the comment says ${String(expected)}, the value is ${String(actual)}`);\n" +
    "  return actual;\n" +
    "}\n" +
    "function __throws(f: () => unknown, code: string, where: string): void {\n" +
    "  let thrown: unknown;\n" +
    "  try {\n" +
    "    f();\n" +
    "  } catch (err) {\n" +
    "    thrown = err ?? new Error(String(err));\n" +
    "  }\n" +
    "  if (thrown === undefined) throw new Error(`${where}: the comment says it throws, it did not`);\n" +
    "  const got = (thrown as { code?: unknown }).code;\n" +
    '  if (code !== "" && got !== code) throw new Error(`${where}: the comment says it throws ${code}, it threw ${String(got)}`);\n' +
    "}\n"
  );
}

const examples = sources("src").flatMap(examplesIn);
const once = process.env.TCPECHO_DATA_PATH === "streams" && "checked in the default data path's pass";

/** tsconfig.json's compiler options, emitting beside the scratch modules. */
function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, configPath);
  return {
    ...parsed.options,
    rootDir: SCRATCH,
    outDir: SCRATCH,
    // The build's project settings (tsconfig.json is composite, for the page's reference to it) are not the scratch's.
    composite: false,
    incremental: false,
    tsBuildInfoFile: undefined,
    declaration: false,
    noEmit: false,
    noEmitOnError: false,
  };
}

function where(d: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (!d.file || d.start === undefined) return message;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const ex = examples.find((e) => e.file === d.file?.fileName);
  if (!ex) return `${relative(ROOT, d.file.fileName)}:${line + 1}:${character + 1}: ${message}`;
  return `${ex.source}:${ex.line + line}: ${message} (example at ${ex.source}:${ex.line})`;
}

test("the doc comments of src/ hold @examples", { skip: once }, () => {
  // Guards the extraction itself: a change that found none would pass every check below.
  assert.ok(examples.length >= 20, `found only ${examples.length} examples`);
});

let emitted = false;

test("every @example type-checks", { skip: once }, () => {
  rmSync(SCRATCH, { recursive: true, force: true });
  mkdirSync(SCRATCH, { recursive: true });
  writeFileSync(join(SCRATCH, "loopback-only.mjs"), LOOPBACK_ONLY);
  for (const ex of examples) {
    mkdirSync(dirname(ex.file), { recursive: true });
    writeFileSync(ex.file, moduleText(ex));
  }
  const program = ts.createProgram(
    examples.map((e) => e.file),
    compilerOptions(),
  );
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
  emitted = true; // even with type errors, so the run below still reports what it can
  assert.deepEqual(diagnostics.map(where), []);
});

/**
 * Loaded before each example (`--import`): the project's network rule made
 * mechanical. Connecting, listening, binding or sending anywhere but loopback
 * (127.0.0.0/8, ::1, localhost) throws, and so does listening on every
 * interface by leaving the host out.
 */
const LOOPBACK_ONLY = `
import net from "node:net";
import dgram from "node:dgram";
const loopback = (h) =>
  h === "localhost" || h === "::1" || /^(::ffff:)?127\\.\\d+\\.\\d+\\.\\d+$/i.test(h);
const check = (what, host) => {
  if (typeof host !== "string" || !loopback(host))
    throw new Error(\`an example may only \${what} on loopback (127.0.0.1, ::1), not \${String(host)}\`);
};
const first = (args) => (Array.isArray(args[0]) ? args[0] : args);
const hostOf = (args) => {
  const [a, b] = first(args);
  if (a !== null && typeof a === "object") return "path" in a || "fd" in a || "handle" in a ? "localhost" : a.host ?? a.address;
  return typeof b === "string" ? b : undefined;
};
const wrap = (proto, name, what, host) => {
  const original = proto[name];
  proto[name] = function (...args) {
    check(what, host(args));
    return original.apply(this, args);
  };
};
wrap(net.Socket.prototype, "connect", "connect", (args) => hostOf(args) ?? "localhost");
wrap(net.Server.prototype, "listen", "listen", (args) =>
  typeof first(args)[0] === "string" ? "localhost" : hostOf(args));
wrap(dgram.Socket.prototype, "bind", "bind", hostOf);
wrap(dgram.Socket.prototype, "send", "send", (args) => args.slice(1).filter((a) => typeof a === "string").at(-1) ?? "localhost");
`;

/** Runs one built example; resolves with its exit code and output. */
function run(file: string): Promise<{ code: number | string; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "./loopback-only.mjs", file],
      { cwd: SCRATCH, timeout: RUN_TIMEOUT_MS, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const code = error ? (error.signal ?? (typeof error.code === "number" ? error.code : 1)) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

test("every runnable @example exits 0", { concurrency: 4, skip: once }, async (t) => {
  const runs = examples
    .filter((e) => e.run)
    .map((ex) =>
      t.test(`${ex.source}:${ex.line}`, { skip: !emitted && "not emitted" }, async () => {
        const result = await run(ex.file.replace(/\.ts$/, ".js"));
        assert.equal(result.code, 0, `${ex.source}:${ex.line} exited with ${result.code}:\n${result.output}`);
      }),
    );
  await Promise.all(runs);
});
