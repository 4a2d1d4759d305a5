/**
 * Bad input everywhere: every option of every command that takes a value,
 * given a bad one, is one line on standard error and exit 2, never a stack
 * trace; and random strings into every parser of typed input never make it
 * throw anything but an EchoError.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  EchoError,
  parseCidr,
  parseDuration,
  parseHost,
  parseAddress,
  parseHostPort,
  parsePort,
  ProxyHeaderParser,
} from "tcpecho";
import { cleanEnv, freePort, runCli } from "./helpers.js";

// Options whose value is free text by design: any string is a valid value (text to send, a file to write).
const FREE_TEXT = new Set(["client --send", "bench --hgrm"]);

/** The options of `command` that take a value, read from its --help. */
async function valueOptions(command: string): Promise<string[]> {
  const help = (await runCli([command, "--help"])).stdout.toString();
  const options = help.split("Options:")[1]?.split(/\n\n/)[0] ?? "";
  return [...options.matchAll(/^\s+(?:-\w, )?(--[\w-]+) <[^>]+>/gm)].map((m) => m[1] as string);
}

test(
  "every option with a bad value: one line, exit 2, never a stack trace",
  { timeout: 120_000 },
  async () => {
    let checked = 0;
    for (const command of ["serve", "client", "bench", "ping"]) {
      const options = await valueOptions(command);
      assert.ok(options.length >= 3, `${command}: found only ${options.join(" ")}`);
      for (const option of options) {
        if (FREE_TEXT.has(`${command} ${option}`)) continue;
        const port = String(await freePort());
        // A target that refuses, in case a bad value were accepted: the run then ends at once, not hangs.
        const target = command === "serve" ? ["--host", "127.0.0.1", "--port", port] : [`127.0.0.1:${port}`];
        const args =
          command === "client"
            ? [command, ...target.map((t) => t.split(":")[0] as string), port]
            : [command, ...target];
        const r = await runCli([...args, option, "%bogus%"], { env: cleanEnv(), timeout: 15_000 });
        const lines = r.stderr.trim().split("\n");
        assert.equal(r.code, 2, `${command} ${option} %bogus%: exit ${r.code}, stderr ${r.stderr}`);
        assert.equal(lines.length, 1, `${command} ${option}: ${r.stderr}`);
        assert.match(lines[0] ?? "", /^tcpecho: /);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        checked++;
      }
    }
    assert.ok(checked >= 30, `only ${checked} options checked`);
  },
);

/** A value written as its option takes it, but beyond any limit, by the option's placeholder. */
const TOO_MUCH: Readonly<Record<string, string>> = {
  "<n>": "9007199254740992",
  "<n|auto>": "9007199254740992",
  "<bytes>": "9007199254740992",
  "<per-second>": "9007199254740992",
  "<duration>": "597h",
  "<port>": "70000",
};

test(
  "every number and duration option, given a well-written value beyond its limit, says the limit",
  { timeout: 180_000 },
  async () => {
    let checked = 0;
    for (const command of ["serve", "client", "ping", "bench", "diagnose"]) {
      const help = (await runCli([command, "--help"])).stdout.toString();
      const options = [...help.matchAll(/^\s+(?:-\w, )?(--[\w-]+) (<[^>]+>)/gm)]
        .map((m) => [m[1] ?? "", m[2] ?? ""] as const)
        .filter(([, placeholder]) => TOO_MUCH[placeholder] !== undefined);
      const port = String(await freePort());
      // A target that refuses, in case a value were accepted: the run then ends at once, not hangs.
      const target = command === "serve" ? ["--host", "127.0.0.1", "--port", port] : [`127.0.0.1:${port}`];
      const runs = await Promise.all(
        options.map(([option, placeholder]) =>
          runCli([command, ...(option === "--port" ? [] : target), option, TOO_MUCH[placeholder] ?? ""], {
            timeout: 15_000,
          }),
        ),
      );
      runs.forEach((r, i) => {
        const [option, placeholder] = options[i] ?? ["", ""];
        const what = `${command} ${option} ${TOO_MUCH[placeholder]}`;
        assert.equal(r.code, 2, `${what}: exit ${r.code}, stderr ${r.stderr}`);
        const line = r.stderr.trimEnd();
        assert.equal(line.split("\n").length, 1, `${what}: ${line}`);
        // The limit, as a number; never the format the value was already in.
        const limit =
          placeholder === "<port>"
            ? /from [01] to 65535/
            : placeholder === "<duration>"
              ? /at most \d+m?s \(about [\d.]+ (days|hours)\)/
              : /at most \d+/;
        assert.match(line, limit, what);
        assert.doesNotMatch(line, /such as|a duration|a whole number of|bare number/, what);
        checked++;
      });
    }
    assert.ok(checked >= 30, `only ${checked} options checked`);
    const ko = await runCli(["ping", "-W", "597h", "--lang", "ko"]);
    assert.match(
      ko.stderr,
      /--timeout 에는 2147483647ms\(약 24\.8일\) 이하의 시간을 주세요 \(받은 값: '597h'\)/,
    );
  },
);

test("random strings into every parser: a value or an EchoError, nothing else", { timeout: 60_000 }, () => {
  const parsers: [string, (v: string) => unknown][] = [
    ["parseDuration", (v) => parseDuration(v, "--x")],
    ["parseCidr", (v) => parseCidr(v, "--allow")],
    ["parseHost", parseHost],
    ["parsePort", (v) => parsePort(v, 0)],
    ["parseHostPort", parseHostPort],
    ["parseAddress", (v) => parseAddress(v, 0)],
  ];
  const text = fc.oneof(
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.stringMatching(/^[0-9a-fA-F.:/%[\] msh-]{0,40}$/),
  );
  for (const [name, parse] of parsers) {
    fc.assert(
      fc.property(text, (v) => {
        try {
          parse(v);
        } catch (e) {
          assert.ok(e instanceof EchoError, `${name}(${JSON.stringify(v)}) threw ${String(e)}`);
          assert.ok(e.isUsageError, `${name}(${JSON.stringify(v)}): ${e.code}`);
        }
      }),
      { numRuns: 2000 },
    );
  }
  // The PROXY parser takes bytes; it answers, never throws.
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const r = new ProxyHeaderParser("any").push(Buffer.from(bytes));
      assert.ok(["more", "done", "error"].includes(r.state));
    }),
    { numRuns: 2000 },
  );
});
