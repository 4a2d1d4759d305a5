/**
 * Runs the test suite the same way on Linux, macOS and Windows: finds the
 * built test files without a shell glob, sets the environment without POSIX
 * `VAR=value` syntax, and runs them with `node --test`.
 *
 * ```
 * node dist/test/run-suite.js                        # every test file, default data path
 * node dist/test/run-suite.js --data-path streams    # the end-to-end tests on the streams data path
 * node dist/test/run-suite.js --simulate win32       # every test file as if on Windows (see simulated-platform.ts)
 * ```
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { readdirSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { SIMULATE_VARIABLE } from "./simulated-platform.js";

const dist = fileURLToPath(new URL("..", import.meta.url));

/**
 * Test files whose subject never passes through the server's data path: usage errors and help,
 * the client's, diagnose's and bench's own words and files, the package and the repository.
 * A server they start only answers a connect, so a second run on the streams path would test
 * nothing new.
 */
const NO_ECHO_PATH: ReadonlySet<string> = new Set([
  "address-grammar.test.js",
  "architecture.test.js",
  "bad-input.test.js",
  "bench-merge.test.js",
  "bench-plot.test.js",
  "bench-scripts.test.js",
  "deploy-kubernetes.test.js",
  "diagnose.test.js",
  "doc-links.test.js",
  "explain.test.js",
  "help-defaults.test.js",
  "help-ko.test.js",
  "imports.test.js",
  "package.test.js",
  "platform-errors.test.js",
  "portability.test.js",
]);

/** Every `*.test.js` under `dir`, sorted, as paths relative to the working directory. */
export function testFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".test.js"))
      found.push(join(entry.parentPath ?? (entry as { path?: string }).path ?? dir, entry.name));
  }
  return found.map((f) => relative(process.cwd(), f)).sort();
}

function usage(message: string): never {
  console.error(`run-suite: ${message}`);
  console.error(
    "usage: node dist/test/run-suite.js [--data-path streams] [--simulate darwin|win32] [FILE...]",
  );
  process.exit(2);
}

function main(argv: string[]): number {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const files: string[] = [];
  let dataPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--data-path" || arg === "--simulate") {
      const value = argv[++i];
      if (value === undefined) usage(`${arg} needs a value`);
      if (arg === "--data-path") {
        if (value !== "streams")
          usage(`--data-path is streams (the default path needs no option), not ${value}`);
        dataPath = value;
        env.TCPECHO_DATA_PATH = value;
      } else {
        if (value !== "darwin" && value !== "win32") usage(`--simulate is darwin or win32, not ${value}`);
        const preload = new URL("./simulated-platform.js", import.meta.url).href;
        env[SIMULATE_VARIABLE] = value;
        env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --import=${preload}`.trim();
        // CI stays as it is: as on GitHub's macOS and Windows runners, a tool missing
        // there is a skip (only CI on Linux requires every tool; see requiredInCi).
        console.log(`# simulating ${value} (process.platform, /proc hidden, Linux-only tools hidden)`);
      }
    } else if (arg.startsWith("--")) usage(`unknown option ${arg}`);
    else files.push(arg);
  }
  // The streams data path changes only the server, so only the end-to-end tests that echo through
  // one run on it again.
  if (files.length === 0) {
    files.push(
      ...(dataPath === "streams" ? [] : testFiles(join(dist, "src"))),
      ...testFiles(join(dist, "test")).filter(
        (f) => dataPath !== "streams" || !NO_ECHO_PATH.has(basename(f)),
      ),
    );
  }
  // Two test files at a time, even on two cores: most of a test's time is spent waiting on sockets and
  // child processes, and the tests are written to hold on a loaded machine (they wait for events).
  const concurrency = `--test-concurrency=${Math.max(2, availableParallelism() - 1)}`;
  const r = spawnSync(
    process.execPath,
    ["--test", "--test-force-exit", concurrency, "--test-reporter=spec", ...files],
    {
      stdio: "inherit",
      env,
    },
  );
  if (r.error) throw r.error;
  return r.status ?? 1;
}

process.exitCode = main(process.argv.slice(2));
