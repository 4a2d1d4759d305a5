/**
 * The package as a user gets it: `npm pack`, then `npm install` of the
 * tarball into a scratch folder, offline, then the installed `tcpecho` command
 * and `import … from "tcpecho"` from there, with an echo through both.
 *
 * Offline: the dependencies come from the npm cache that `npm ci` filled.
 * `npm install` without a lockfile asks for full registry metadata, which
 * `npm ci` never fetches (it reads the lockfile, and caches only the short
 * form), so the scratch folder starts with a lockfile holding the project's own
 * locked production dependencies: resolving them needs no metadata, and
 * their tarballs are in the cache by integrity.
 */

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cleanEnv, needs, notSimulated } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * What `npm` sees when a person types it: none of the `npm_*` variables that
 * the `npm test` around this file exports (they would carry its config, prefix
 * and lifecycle into the inner npm), except the cache that holds the tarballs.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env = cleanEnv();
  for (const k of Object.keys(env))
    if (/^npm_/i.test(k) && k.toLowerCase() !== "npm_config_cache") delete env[k];
  return env;
}

/**
 * This machine's own ~/.npmrc sets `nodedir`, which npm 11 warns about on every
 * command. That line is the machine's, not the package's; no other is allowed.
 */
const MACHINE_WARNING = /^npm warn Unknown user config "nodedir"\. /;

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, killed after `ms`. */
function run(command: string, args: string[], cwd: string, ms: number, env = npmEnv()): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    proc.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    proc.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} did not finish in ${ms} ms\n${stdout}\n${stderr}`));
    }, ms);
    proc.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? -1, stdout, stderr });
    });
  });
}

/** npm's warning lines, less the machine's own. */
function npmWarnings(r: Run): string[] {
  return `${r.stdout}\n${r.stderr}`
    .split("\n")
    .filter((l) => /^npm warn/i.test(l) && !MACHINE_WARNING.test(l));
}

/**
 * npm's own script, to run with this node: `npm` on Windows is a .cmd, which
 * spawn cannot start without a shell. Where `npm test` runs this file, npm
 * says where it is; otherwise it sits beside node, as Node's installers put it.
 */
function npmCli(): string | undefined {
  const nodeDir = dirname(process.execPath);
  return [
    process.env.npm_execpath,
    join(nodeDir, "node_modules", "npm", "bin", "npm-cli.js"),
    join(nodeDir, "..", "lib", "node_modules", "npm", "bin", "npm-cli.js"),
  ].find((f) => f !== undefined && basename(f) === "npm-cli.js" && existsSync(f));
}

const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall", "prepare"] as const;

test(
  "the packed tarball installs offline with no script and no warning; its tcpecho and its library work",
  { timeout: 180_000 },
  async (t) => {
    const npm = npmCli();
    if (npm === undefined) return t.skip(needs("npm") || "npm-cli.js is not beside node; skipping");
    // npm under a simulated Windows takes this machine's paths for Windows ones.
    const simulated = process.env.TCPECHO_SIMULATE_PLATFORM === "win32" && notSimulated("npm on Windows");
    if (simulated) return t.skip(simulated);
    const tmp = mkdtempSync(join(tmpdir(), "tcpecho-package-"));
    t.after(() => rmSync(tmp, { recursive: true, force: true }));

    // npm test built dist already; --ignore-scripts keeps prepack from
    // rebuilding it under the test files that are running from it.
    const pack = await run(
      process.execPath,
      [npm, "pack", "--ignore-scripts", "--json", "--pack-destination", tmp],
      ROOT,
      60_000,
    );
    assert.equal(pack.code, 0, `npm pack failed:\n${pack.stdout}\n${pack.stderr}`);
    assert.deepEqual(npmWarnings(pack), []);
    const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(packed);
    const files = packed.files.map((f) => f.path);
    for (const f of [
      "LICENSE",
      "README.md",
      "README.ko.md",
      "package.json",
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/cli/main.js",
    ])
      assert.ok(files.includes(f), `${f} is not in the package`);
    const unwanted = files.filter(
      (f) =>
        !/^(dist\/src\/|docs\/|LICENSE$|README(\.ko)?\.md$|package\.json$)/.test(f) ||
        /\.test\.|\.map$/.test(f),
    );
    assert.deepEqual(
      unwanted,
      [],
      "the package ships only dist/src (no tests, no source maps), docs, README and LICENSE",
    );

    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    };
    const atInstall = INSTALL_SCRIPTS.filter((s) => manifest.scripts?.[s] !== undefined);
    assert.deepEqual(atInstall, [], "package.json has no script that runs when the package is installed");

    const app = join(tmp, "app");
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean; link?: boolean }>;
    };
    const packages: Record<string, unknown> = { "": { name: "scratch" } };
    for (const [path, entry] of Object.entries(lock.packages))
      if (path !== "" && !entry.dev && !entry.link) packages[path] = entry;
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "scratch", private: true }));
    writeFileSync(
      join(app, "package-lock.json"),
      JSON.stringify({ name: "scratch", lockfileVersion: 3, requires: true, packages }),
    );

    // --foreground-scripts: a lifecycle script that ran would show as "> pkg@version script".
    const install = await run(
      process.execPath,
      [
        npm,
        "install",
        "--offline",
        "--no-audit",
        "--no-fund",
        "--foreground-scripts",
        join(tmp, packed.filename),
      ],
      app,
      120_000,
    );
    assert.equal(
      install.code,
      0,
      `npm install of the tarball failed (ENOTCACHED: run npm ci first, which fills the cache):\n${install.stdout}\n${install.stderr}`,
    );
    assert.deepEqual(npmWarnings(install), [], "npm install printed a warning");
    assert.doesNotMatch(`${install.stdout}\n${install.stderr}`, /^> /m, "npm install ran a script");
    assert.doesNotMatch(
      readFileSync(join(app, "node_modules/.package-lock.json"), "utf8"),
      /hasInstallScript/,
    );

    // The installed command: npm's link to it, or on Windows its .cmd shim, which
    // only a shell starts, so there the file it names is run with node.
    const windows = process.platform === "win32";
    const shim = join(app, "node_modules", ".bin", windows ? "tcpecho.cmd" : "tcpecho");
    assert.ok(existsSync(shim), `npm made no ${shim}`);
    const [bin, ...binArgs] = windows
      ? [process.execPath, join(app, "node_modules", "tcpecho", "dist", "src", "cli", "main.js")]
      : [shim];
    const help = await run(bin as string, [...binArgs, "--help"], app, 15_000, cleanEnv());
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: tcpecho /);
    assert.equal(help.stderr, "");

    // The library from the scratch folder, as a user's ESM module imports it, and
    // the installed command as its client.
    writeFileSync(
      join(app, "echo.mjs"),
      `import { execFile } from "node:child_process";
import { createEchoServer, connect } from "tcpecho";

const server = createEchoServer({ host: "127.0.0.1", port: 0 });
const { port } = await server.listen();
const client = await connect({ host: "127.0.0.1", port, timeout: 5000 });
const reply = await client.echo(Buffer.from("through the library"));
await client.close();
const cli = await new Promise((resolve, reject) =>
  execFile(${JSON.stringify(bin)}, [...${JSON.stringify(binArgs)}, "client", "127.0.0.1", String(port), "--send", "through the command"], { timeout: 10000 },
    (err, stdout) => (err ? reject(err) : resolve(stdout))),
);
const stats = await server.close();
console.log(JSON.stringify({ reply: reply.toString(), cli, connections: stats.connectionsTotal }));
`,
    );
    const echo = await run(process.execPath, ["echo.mjs"], app, 30_000, cleanEnv());
    assert.equal(echo.code, 0, echo.stderr);
    assert.deepEqual(JSON.parse(echo.stdout), {
      reply: "through the library",
      cli: "through the command",
      connections: 2,
    });
  },
);

test("the tarball npm pack writes next to the package is ignored by git", (t) => {
  const skip = needs("git");
  if (skip) return t.skip(skip);
  if (spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: ROOT }).status !== 0)
    return t.skip("not a git work tree (an unpacked copy): nothing to ignore");
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  const tarball = `${manifest.name}-${manifest.version}.tgz`;
  const r = spawnSync("git", ["check-ignore", "--no-index", "--quiet", tarball], {
    cwd: ROOT,
    timeout: 10_000,
  });
  assert.equal(r.status, 0, `${tarball} is not ignored: add *.tgz to .gitignore`);
});

/**
 * The modules a fresh node loads for `import(entry)`, through the package's
 * name (a self-reference, as a program beside the package would): a load
 * hook writes each URL it loads, as paths relative to the package (`dist/src/client/connect.js`,
 * `node_modules/prom-client/index.js`) or `node:` names.
 */
async function modulesLoadedBy(entry: string, dir: string): Promise<string[]> {
  writeFileSync(
    join(dir, "hooks.mjs"),
    `import { writeSync } from "node:fs";
export async function load(url, context, next) {
  writeSync(2, "loaded " + url + "\\n");
  return next(url, context);
}
`,
  );
  writeFileSync(
    join(dir, "register.mjs"),
    `import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url);\n`,
  );
  const script = `const m = await import(${JSON.stringify(entry)}); console.log(Object.keys(m).length);`;
  const r = await run(
    process.execPath,
    ["--import", pathToFileURL(join(dir, "register.mjs")).href, "--input-type=module", "-e", script],
    ROOT,
    30_000,
    cleanEnv(),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Number(r.stdout) > 5, `${entry} exports ${r.stdout}`);
  const root = pathToFileURL(ROOT).href;
  return [...r.stderr.matchAll(/^loaded (\S+)$/gm)].map((m) => (m[1] as string).replace(root, ""));
}

/** What a subpath must not load: the other parts, the command's rooms, and their dependencies. */
const NOT_LOADED: Readonly<Record<string, readonly RegExp[]>> = {
  "tcpecho/client": [
    /^dist\/src\/(server|bench|cli|i18n|ui)\//,
    /node_modules\/(prom-client|hdr-histogram-js)\//,
  ],
  "tcpecho/bench": [/^dist\/src\/(server|cli|i18n|ui)\//, /node_modules\/prom-client\//],
  "tcpecho/server": [/^dist\/src\/(client|bench|cli|i18n|ui)\//, /node_modules\/hdr-histogram-js\//],
};

test("tcpecho/server, tcpecho/client and tcpecho/bench each load only their own part", async (t) => {
  if (typeof (await import("node:module")).register !== "function")
    return t.skip("module.register (Node 20.6) is needed to see what an import loads");
  const tmp = mkdtempSync(join(tmpdir(), "tcpecho-subpaths-"));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  for (const [entry, forbidden] of Object.entries(NOT_LOADED)) {
    const loaded = await modulesLoadedBy(entry, tmp);
    const room = entry.replace("tcpecho/", "");
    assert.ok(loaded.includes(`dist/src/${room}/index.js`), `${entry} loaded:\n${loaded.join("\n")}`);
    const wrong = loaded.filter((url) => forbidden.some((f) => f.test(url)));
    assert.deepEqual(wrong, [], `${entry} loads more than it needs`);
  }
  // The root loads all three (prom-client with the server's metrics): the hook does see it.
  assert.ok((await modulesLoadedBy("tcpecho", tmp)).some((url) => /node_modules\/prom-client\//.test(url)));
});

test("every name of a subpath is the same thing from tcpecho", async () => {
  const all = (await import("tcpecho")) as Record<string, unknown>;
  for (const entry of ["tcpecho/server", "tcpecho/client", "tcpecho/bench"]) {
    const part = (await import(entry)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(part)) assert.equal(all[name], value, `${entry}: ${name}`);
  }
  const { connect } = await import("tcpecho/client");
  const { createEchoServer } = await import("tcpecho/server");
  const server = createEchoServer({ host: "127.0.0.1", port: 0 });
  const { port } = await server.listen();
  const client = await connect({ host: "127.0.0.1", port, timeout: 5000 });
  assert.equal((await client.echo("through the subpaths")).toString(), "through the subpaths");
  await client.close();
  await server.close();
});
