/**
 * Fake `route`, `netstat`, `powershell` executables for running the CLI as
 * if on macOS or Windows (with `simulatedEnv`): each prints a recording of
 * test/fixtures/os chosen by its arguments, or, for the TCP table, this
 * machine's real sockets (from /proc/net/tcp) written in that system's
 * format, so that `--trace` shows real states through the system's parser.
 *
 * The fakes are Node scripts started through `env -u NODE_OPTIONS`: the
 * simulation preload would hide /proc from them too. Node is named by its
 * absolute path, so PATH can hold the fakes' directory alone, and a tool
 * left out is missing, as on a system without it.
 */

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fixture } from "./helpers.js";

/** What a fake prints when its arguments contain `when` (the first match wins; `*` matches any). */
export interface FakeAnswer {
  when: string;
  /** A recording under test/fixtures/os, printed on standard output. */
  stdout?: string;
  /** A recording printed on standard error. */
  stderr?: string;
  /** Instead of a recording: this machine's TCP table in macOS's netstat or Get-NetTCPConnection's JSON. */
  live?: "darwin-netstat" | "windows-json";
  code?: number;
  /**
   * PowerShell 5.1 on a localised Windows: these recordings (in the OEM code
   * page, CP949 for Korean) are printed instead unless the command sets the
   * console's output encoding to UTF-8.
   */
  oem?: { stdout?: string; stderr?: string };
  /** How long the tool takes before it reads the table and answers (a slow tool, as PowerShell is). */
  delayMs?: number;
}

const TCP_STATE = fileURLToPath(new URL("../src/net/tcp-state.js", import.meta.url));

/** The fake's program: the answers and the path of tcp-state.js are written into it. */
function program(answers: FakeAnswer[]): string {
  const path = (name: string | undefined) => (name === undefined ? undefined : fixture(`os/${name}`));
  const resolved = answers.map((a) => ({
    ...a,
    stdout: path(a.stdout),
    stderr: path(a.stderr),
    oem: a.oem === undefined ? undefined : { stdout: path(a.oem.stdout), stderr: path(a.oem.stderr) },
  }));
  return `#!/usr/bin/env -S -u NODE_OPTIONS ${process.execPath}
const fs = require("node:fs");
const answers = ${JSON.stringify(resolved)};
const args = process.argv.slice(2).join(" ");
const a = answers.find((x) => x.when === "*" || args.includes(x.when));
const BSD = { SYN_RECV: "SYN_RCVD", FIN_WAIT1: "FIN_WAIT_1", FIN_WAIT2: "FIN_WAIT_2", CLOSE: "CLOSED" };
const WIN = { CLOSE: 1, LISTEN: 2, SYN_SENT: 3, SYN_RECV: 4, ESTABLISHED: 5, FIN_WAIT1: 6, FIN_WAIT2: 7,
  CLOSE_WAIT: 8, CLOSING: 9, LAST_ACK: 10, TIME_WAIT: 11 };
async function main() {
  if (a === undefined) { process.stderr.write("usage\\n"); process.exit(64); }
  if (a.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, a.delayMs));
  if (a.live !== undefined) {
    const { readTcpTable } = await import(${JSON.stringify(TCP_STATE)});
    const rows = readTcpTable() ?? [];
    if (a.live === "windows-json") {
      process.stdout.write(JSON.stringify(rows.map((r) => ({ LocalAddress: r.localAddress, LocalPort: r.localPort,
        RemoteAddress: r.remoteAddress, RemotePort: r.remotePort, State: WIN[r.state] ?? 0, OwningProcess: 0 }))) + "\\r\\n");
    } else {
      const end = (addr, port, listen) => listen && port === 0 ? "*.*" : (addr === "0.0.0.0" || addr === "::" ? "*" : addr) + "." + port;
      const lines = rows.map((r) => ["tcp" + (r.localAddress.includes(":") ? "6" : "4"), r.rxQueue, r.txQueue,
        end(r.localAddress, r.localPort), end(r.remoteAddress, r.remotePort, r.state === "LISTEN"), BSD[r.state] ?? r.state].join("  "));
      process.stdout.write("Active Internet connections (including servers)\\nProto Recv-Q Send-Q  Local Address          Foreign Address        (state)\\n" + lines.join("\\n") + "\\n");
    }
  }
  const utf8 = /\\[Console\\]::OutputEncoding\\s*=\\s*\\[Text\\.Encoding\\]::UTF8/.test(args);
  const out = a.oem !== undefined && !utf8 ? a.oem : a;
  if (out.stdout) process.stdout.write(fs.readFileSync(out.stdout));
  if (out.stderr) process.stderr.write(fs.readFileSync(out.stderr));
  process.exitCode = a.code ?? 0;
}
main();
`;
}

/** A directory of fakes; `path` is the PATH to give the CLI; `remove()` deletes it. */
export interface FakeTools {
  path: string;
  remove(): void;
}

/**
 * Writes one fake executable per tool.
 *
 * @example
 * ```ts
 * const tools = fakeTools({ route: [{ when: "*", stdout: "darwin/route-get-gateway.txt" }] });
 * try { ... simulatedEnv("darwin", { PATH: tools.path }) ... } finally { tools.remove(); }
 * ```
 */
export function fakeTools(tools: Record<string, FakeAnswer[]>): FakeTools {
  const dir = mkdtempSync(join(tmpdir(), "tcpecho-os-tools-"));
  for (const [name, answers] of Object.entries(tools)) {
    const file = join(dir, name);
    writeFileSync(file, program(answers));
    chmodSync(file, 0o755);
  }
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
