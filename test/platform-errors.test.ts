/**
 * The CLI's errors in the words of the system it runs on, end to end: under
 * the simulated Windows a refused connect and a taken port name the Winsock
 * error and `netstat -ano | findstr` on the port; under the simulated macOS, `lsof`;
 * on Linux the words are today's. (The kernel underneath is Linux in every
 * case: the errno is real, the words follow `process.platform`.)
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { after, before, describe, test } from "node:test";
import { CLI, cleanEnv, freePort, have, linuxOnly, runCli, simulatedEnv } from "./helpers.js";

/** A port this test holds on 127.0.0.1, so that `serve` finds it taken. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  return { server, port: address.port };
}

/** The one error line a failed command writes, checked to be one line without a stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /);
  return lines[0] ?? "";
}

/**
 * A failed client's error line: its last line, the only one naming the error, without a
 * stack trace (before it, Windows's client may note that standard input is a pipe).
 */
function clientError(stderr: string, names: RegExp): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.filter((l) => names.test(l)).length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /);
  return lines.at(-1) ?? "";
}

describe("the words of the system it runs on", () => {
  let held: { server: Server; port: number };
  let closed: number;
  before(async () => {
    held = await holdPort();
    closed = await freePort();
  });
  after(() => held.server.close());

  test("Windows: a refused connect names 10061 WSAECONNREFUSED and netstat", async () => {
    for (const [env, words] of [
      [simulatedEnv("win32"), /nothing is listening/],
      [simulatedEnv("win32", { LANG: "ko_KR.UTF-8" }), /대기 중인 프로그램이 없습니다/],
    ] as const) {
      const r = await runCli(["client", "127.0.0.1", String(closed)], { env });
      assert.equal(r.code, 1, r.stderr);
      const line = clientError(r.stderr, /ECONNREFUSED/);
      assert.match(line, /ECONNREFUSED \(10061, WSAECONNREFUSED\): /);
      assert.match(line, new RegExp(`netstat -ano \\| findstr /R /C:":${closed} \\.\\*LISTENING"`));
      assert.match(line, words);
    }
  });

  test("Windows: serve on a taken port names 10048 WSAEADDRINUSE, netstat and tasklist", async () => {
    const r = await runCli(["serve", "--host", "127.0.0.1", "--port", String(held.port)], {
      env: simulatedEnv("win32"),
    });
    assert.equal(r.code, 1, r.stderr);
    const line = oneLine(r.stderr);
    assert.match(line, /EADDRINUSE \(10048, WSAEADDRINUSE\): /);
    assert.match(line, new RegExp(`netstat -ano \\| findstr /R /C:":${held.port} \\.\\*LISTENING"`));
    assert.match(line, /tasklist \/FI "PID eq PID"/);
    assert.doesNotMatch(line, /ss -l/);
  });

  test("macOS: a refused connect and a taken port name lsof, and no Winsock", async () => {
    const refused = await runCli(["client", "127.0.0.1", String(closed)], { env: simulatedEnv("darwin") });
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(clientError(refused.stderr, /refused/), new RegExp(`lsof -nP -iTCP:${closed} -sTCP:LISTEN`));
    const taken = await runCli(["serve", "--host", "127.0.0.1", "--port", String(held.port)], {
      env: simulatedEnv("darwin"),
    });
    assert.equal(taken.code, 1, taken.stderr);
    const line = oneLine(taken.stderr);
    assert.match(line, new RegExp(`lsof -nP -iTCP:${held.port} -sTCP:LISTEN`));
    assert.doesNotMatch(line, /WSA|ss -l/);
  });

  test("Linux: the words are today's", { skip: linuxOnly("the Linux wording") }, async () => {
    const refused = await runCli(["client", "127.0.0.1", String(closed)], { env: cleanEnv() });
    assert.equal(
      oneLine(refused.stderr),
      `[TCP client] connection refused by 127.0.0.1:${closed}: nothing is listening on that port there (is the server running, on this port?)`,
    );
    const taken = await runCli(["serve", "--host", "127.0.0.1", "--port", String(held.port)], {
      env: cleanEnv(),
    });
    assert.match(
      oneLine(taken.stderr),
      new RegExp(
        `the echo port ${held.port} on 127\\.0\\.0\\.1 is already in use by another program; see which with: ss -ltnp 'sport = :${held.port}'$`,
      ),
    );
  });

  test(
    "a port below 1024 refused by the kernel: each system's reason and remedy",
    { timeout: 30_000 },
    (t) => {
      // The kernel's EACCES for real: the CLI run as nobody on a Linux that keeps ports below 1024 privileged.
      if (process.getuid?.() !== 0 || !have("setpriv") || process.platform !== "linux")
        return t.skip("needs root and setpriv on Linux, to run the CLI as an unprivileged user");
      if (Number(readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8")) <= 7)
        return t.skip("this kernel lets anyone bind low ports (ip_unprivileged_port_start)");
      const serveAsNobody = (env: NodeJS.ProcessEnv) => {
        const nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
        const r = spawnSync(
          "setpriv",
          [...nobody, process.execPath, CLI, "serve", "-H", "127.0.0.1", "-p", "7"],
          {
            env,
            timeout: 15_000,
            encoding: "utf8",
          },
        );
        assert.equal(r.status, 1, r.stderr);
        return oneLine(r.stderr);
      };
      const windows = serveAsNobody(simulatedEnv("win32"));
      assert.match(windows, /EACCES \(10013, WSAEACCES\): /);
      assert.match(windows, /netsh int ipv4 show excludedportrange protocol=tcp/);
      assert.doesNotMatch(windows, /root|CAP_NET_BIND_SERVICE/);
      const mac = serveAsNobody(simulatedEnv("darwin"));
      assert.match(
        mac,
        /macOS 10\.14 and later let any user listen on the wildcard address \(0\.0\.0\.0 or ::\)/,
      );
      assert.match(mac, /run with sudo/);
      assert.match(serveAsNobody(cleanEnv()), /need root \(or CAP_NET_BIND_SERVICE\)/);
    },
  );

  test("diagnose: the well-known range as each system has it", async () => {
    const port = async (env: NodeJS.ProcessEnv) => {
      const r = await runCli(["diagnose", "127.0.0.1", "80", "--no-connect"], { env });
      return (
        r.stdout
          .toString()
          .split("\n")
          .find((l) => l.startsWith("port 80:")) ?? r.stdout.toString()
      );
    };
    assert.match(await port(simulatedEnv("win32")), /Windows needs no privilege to bind it/);
    assert.match(
      await port(simulatedEnv("darwin")),
      /macOS 10\.14 and later let anyone bind it on the wildcard address 0\.0\.0\.0 or ::, but binding it on a specific address such as 127\.0\.0\.1 needs root/,
    );
    if (process.platform === "linux")
      assert.match(await port(cleanEnv()), /a well-known port \(0–1023; binding it needs privilege\)/);
  });
});
