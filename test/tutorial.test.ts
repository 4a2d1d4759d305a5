/**
 * Runs every command of docs/tutorial.md and docs/tutorial.ko.md so the
 * tutorial cannot rot. The convention (also stated at the end of the tutorial):
 *
 * - Only ```console blocks run. A line starting with `$ ` is a command; the
 *   lines under it, up to the next command, are what it prints.
 * - `tcpecho` runs the built CLI, `node dist/…` a built script of this
 *   repository (the examples) with the same node; port 9000 (also the
 *   default, through TCPECHO_PORT) becomes a free loopback port, and 9100
 *   (the live page's, the metrics') another.
 * - A command ending in ` &` starts in the background; the next command waits
 *   for its first shown line, and its shown lines are checked (waiting up to
 *   30 s) at the end of the block, where it is stopped.
 * - A shown line must appear in the output after normalising: numbers become 0
 *   (and `1 byte` reads as `0 bytes`), runs of blanks one space, and the TCP
 *   state after a data step (which races on loopback) is not compared. `…`
 *   inside a line matches anything; a line that is only `…` stands for lines
 *   left out.
 * - `<!-- as: nobody -->` before a block: as root, each command runs with
 *   `setpriv --reuid=nobody --regid=nogroup --clear-groups` (a normal user
 *   already is unprivileged).
 * - `<!-- tty -->` before a block: the command runs on a terminal (`script`),
 *   typing the text shown after each `[send] ` / `[보낼 데이터] ` prompt.
 */

import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  CLI,
  cleanEnv,
  freePort,
  killGroup,
  linuxOnly,
  needs,
  onTerminal,
  skipReason,
  sleep,
} from "./helpers.js";

/** The repository's root, where `node dist/…` finds the built examples. */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Step {
  command: string;
  shown: string[];
}
interface Block {
  steps: Step[];
  asNobody: boolean;
  tty: boolean;
}

/** The runnable blocks of a markdown file. */
function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```console") continue;
    let j = i - 1;
    while (j >= 0 && lines[j] === "") j--;
    const mark = lines[j] ?? "";
    const block: Block = {
      steps: [],
      asNobody: mark === "<!-- as: nobody -->",
      tty: mark === "<!-- tty -->",
    };
    for (i++; i < lines.length && lines[i] !== "```"; i++) {
      const line = lines[i] ?? "";
      if (line.startsWith("$ ")) block.steps.push({ command: line.slice(2), shown: [] });
      else block.steps.at(-1)?.shown.push(line);
    }
    out.push(block);
  }
  return out;
}

const STATES = /→ (ESTABLISHED|CLOSE_WAIT|FIN_WAIT1|FIN_WAIT2|TIME_WAIT|CLOSING|LAST_ACK)\b/g;
const normalize = (s: string) =>
  s
    .replace(STATES, "→ STATE")
    .replace(/\b1 byte\b/g, "1 bytes")
    .replace(/\d+/g, "0")
    .replace(/\s+/g, " ")
    .trim();

/** True if `shown` (one line of the tutorial) matches one of the output lines. */
function appears(shown: string, output: string[]): boolean {
  const parts = normalize(shown)
    .split("…")
    .map((p) => p.trim());
  return output.some((line) => {
    const l = normalize(line);
    let at = 0;
    for (const p of parts) {
      const k = l.indexOf(p, at);
      if (k < 0) return false;
      at = k + p.length;
    }
    return true;
  });
}

const checkable = (shown: string[]) => shown.filter((l) => l.trim() !== "" && l.trim() !== "…");

function assertShown(step: Step, output: string[], file: string): void {
  for (const line of checkable(step.shown))
    assert.ok(
      appears(line, output),
      `${file}: \`${step.command}\` did not print\n  ${line}\ngot:\n${output.join("\n")}`,
    );
}

/** The shell command to run for a tutorial command. */
function shell(command: string, port: number, asNobody: boolean, httpPort: number): string {
  const wrap =
    asNobody && process.getuid?.() === 0 ? "setpriv --reuid=nobody --regid=nogroup --clear-groups " : "";
  return (
    command
      .replace(/ &$/, "")
      .replace(/\b9000\b/g, String(port))
      .replace(/\b9100\b/g, String(httpPort))
      .replace(/\btcpecho\b/g, `${wrap}'${process.execPath}' '${CLI}'`)
      // After the CLI's path is in: the root's path may itself contain "tcpecho".
      .replace(/\bnode (dist\/\S+)/g, (_, script: string) => `'${process.execPath}' '${ROOT}${script}'`)
  );
}

/** The default port (9000) is the block's free port too. */
const env = (port: number) => cleanEnv({ TCPECHO_PORT: String(port) });

interface Background {
  proc: ChildProcess;
  output: () => string[];
  step: Step;
}

function background(command: string, step: Step, port: number): Background {
  const proc = spawn("bash", ["-c", command], {
    env: env(port),
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let text = "";
  proc.stdout!.on("data", (b: Buffer) => (text += b.toString("utf8")));
  proc.stderr!.on("data", (b: Buffer) => (text += b.toString("utf8")));
  return { proc, step, output: () => text.split("\n") };
}

async function waitShown(bg: Background, lines: string[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (lines.every((l) => appears(l, bg.output()))) return true;
    await sleep(50);
  }
  return false;
}

async function runBlock(block: Block, file: string): Promise<void> {
  const port = await freePort();
  const httpPort = await freePort();
  const running: Background[] = [];
  try {
    for (const step of block.steps) {
      const command = shell(step.command, port, block.asNobody, httpPort);
      if (step.command.endsWith(" &")) {
        const bg = background(command, step, port);
        running.push(bg);
        const first = checkable(step.shown)[0];
        if (first !== undefined) assert.ok(await waitShown(bg, [first], 10_000), `${file}: ${step.command}`);
      } else if (block.tty) {
        const typed = step.shown.flatMap((l) => /^\[(?:send|보낼 데이터)\] (.*)$/.exec(l)?.[1] ?? []);
        // The last prompt is answered with an empty line, which ends the dialogue.
        assertShown(
          step,
          (await onTerminal(command, [...typed, ""], env(port), 15_000)).screen.split("\n"),
          file,
        );
      } else {
        const r = spawnSync("bash", ["-c", command], { env: env(port), encoding: "utf8", timeout: 20_000 });
        assertShown(step, `${r.stdout}\n${r.stderr}`.split("\n"), file);
      }
    }
    for (const bg of running) {
      const lines = checkable(bg.step.shown);
      // Generous: a loaded machine echoes slowly, and a line may need the kernel's buffers to fill first.
      if (!(await waitShown(bg, lines, 30_000)))
        for (const l of lines) assertShown({ ...bg.step, shown: [l] }, bg.output(), file);
    }
  } finally {
    for (const bg of running) {
      const done = new Promise((r) => bg.proc.once("close", r));
      if (bg.proc.exitCode === null && bg.proc.signalCode === null) killGroup(bg.proc);
      await Promise.race([done, sleep(5000)]);
    }
  }
}

/** The tutorial's commands are a POSIX shell's (`&`, pipes, `$?`): Windows does not run them. */
const posixShell =
  process.platform === "win32" && skipReason("the tutorial's commands are for a POSIX shell (bash)");

for (const name of ["tutorial.md", "tutorial.ko.md"]) {
  test(`docs/${name}: every command prints what the tutorial shows`, { timeout: 120_000 }, async (t) => {
    const file = fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));
    const all = blocks(readFileSync(file, "utf8"));
    assert.ok(all.length >= 6, `${name}: expected a block for each lesson`);
    for (const [i, block] of all.entries()) {
      const text = block.steps.map((s) => s.command).join("; ");
      // What only Linux has: ss, diagnose's route from `ip route get`, --trace's
      // TCP states (/proc/net/tcp), util-linux's `script`, setpriv.
      const linux = [
        ...(/\bss\b/.test(text) ? ["ss"] : []),
        ...(/\bdiagnose\b/.test(text) ? ["diagnose's route from ip route get"] : []),
        ...(/--trace\b/.test(text) ? ["--trace's TCP states from /proc/net/tcp"] : []),
        ...(block.tty ? ["util-linux script for a terminal"] : []),
        ...(block.asNobody && process.getuid?.() === 0 ? ["setpriv"] : []),
      ];
      const tools = [
        ...(/\bss\b/.test(text) ? ["ss"] : []),
        ...(/\bdiagnose\b/.test(text) ? ["ip"] : []),
        ...(/\bpython3\b/.test(text) ? ["python3"] : []),
        ...(/\bcurl\b/.test(text) ? ["curl"] : []),
        ...(block.tty ? ["script"] : []),
        ...(block.asNobody && process.getuid?.() === 0 ? ["setpriv"] : []),
      ];
      const skip =
        posixShell ||
        (linux.length > 0 && linuxOnly(linux.join(", "))) ||
        tools
          .map((tool) =>
            needs(
              tool,
              tool === "ss" || tool === "ip"
                ? "iproute2"
                : ["python3", "curl"].includes(tool)
                  ? tool
                  : "util-linux",
            ),
          )
          .find(Boolean);
      await t.test(`block ${i + 1}: ${text}`, { skip: skip || false }, () => runBlock(block, name));
    }
  });
}
