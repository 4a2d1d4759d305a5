/**
 * Runs one of the system's own network tools (`route`, `netstat`,
 * `powershell`, `lsof`) where the kernel has no `/proc` to read, and says in
 * one word why it could not answer: the command is missing, not allowed,
 * failed, took too long, or printed something this code cannot read.
 * Never a shell: the arguments go to the program as they are.
 *
 * @module
 */

import { execFile } from "node:child_process";

/** Why a tool gave no answer. */
export type ToolFailure = "missing" | "denied" | "failed" | "timed-out" | "unparsable";

/** What a tool printed, or why it could not be run. */
export type ToolRun =
  | { ok: true; code: number; stdout: string; stderr: string }
  | { ok: false; failure: Exclude<ToolFailure, "unparsable">; stderr: string };

/** Runs a tool; replaceable in tests. */
export type ToolRunner = (command: string, args: readonly string[], timeoutMs: number) => Promise<ToolRun>;

/**
 * Put before a PowerShell command: Windows PowerShell 5.1 writes its pipes
 * in the console's OEM code page (CP949 on Korean Windows, so an adapter
 * named `이더넷` and its error records would not read as UTF-8), PowerShell 7
 * too where the console's code page is not UTF-8. The setter needs a console;
 * without one the command goes on as before.
 */
export const POWERSHELL_UTF8 = "try { [Console]::OutputEncoding = [Text.Encoding]::UTF8 } catch {}; ";

/** Output beyond this is a tool gone wrong, not a table (a busy server's is a few megabytes). */
const MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * Runs `command` with `args`, at most `timeoutMs`. A non-zero exit is still
 * an answer (`route -n get` exits 1 for "not in table"): `ok` with its code.
 * Output is read as UTF-8 (PowerShell is told to write it so:
 * {@link POWERSHELL_UTF8}); a tool missing is told by the system's ENOENT,
 * in no language.
 *
 * @example
 * ```ts
 * import { runTool } from "./os-tool.js";
 * const run = await runTool("no-such-tool", [], 1000);
 * run.ok; // false
 * ```
 */
export const runTool: ToolRunner = (command, args, timeoutMs) =>
  new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { timeout: timeoutMs, maxBuffer: MAX_OUTPUT, encoding: "utf8", windowsHide: true },
      (err, stdout, stderr) => {
        if (err === null) return resolve({ ok: true, code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
        if (e.code === "ENOENT") return resolve({ ok: false, failure: "missing", stderr });
        if (e.code === "EACCES" || e.code === "EPERM")
          return resolve({ ok: false, failure: "denied", stderr });
        if (e.killed === true) return resolve({ ok: false, failure: "timed-out", stderr });
        if (typeof e.code === "number") return resolve({ ok: true, code: e.code, stdout, stderr });
        resolve({ ok: false, failure: "failed", stderr });
      },
    );
  });
