/**
 * Socket activation, as systemd does it, without running systemd: Debian's
 * `systemd-socket-activate` (package systemd; .ci/run installs it) binds the
 * sockets, waits for the first client, and execs `tcpecho serve` with them
 * (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES). The server echoes on all of them,
 * says they came from systemd, drains on SIGTERM, and refuses what cannot go
 * with them. And `systemd-analyze verify` accepts deploy/systemd's units.
 */

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import {
  STOPPED,
  CLI,
  cleanEnv,
  freePort,
  linuxOnly,
  needs,
  randomBytesSeeded,
  rawConnect,
  readAll,
  readN,
  startCli,
  stopCli,
  type RunningCli,
  waitUntil,
} from "./helpers.js";

const T = { timeout: 30_000 };
const UNITS = fileURLToPath(new URL("../../deploy/systemd/", import.meta.url));

/** Skips (or fails, in CI) without systemd-socket-activate. */
function skipWithout(t: TestContext, tool = "systemd-socket-activate"): boolean {
  const skip = linuxOnly("systemd") || needs(tool, "systemd");
  if (skip) t.skip(skip);
  return skip !== false;
}

/**
 * systemd-socket-activate with `args`. It gives the program a clean
 * environment (PATH, TERM, HOME and the LISTEN_ variables), so pass on what
 * the tests rely on: the data path under test, and no colours.
 */
function socketActivate(...args: string[]): string[] {
  const path = process.env.TCPECHO_DATA_PATH;
  return [
    "systemd-socket-activate",
    "-E",
    "NO_COLOR=1",
    ...(path ? ["-E", `TCPECHO_DATA_PATH=${path}`] : []),
    ...args,
  ];
}

/**
 * `tcpecho serve ARGS` under systemd-socket-activate with a socket on
 * 127.0.0.1 and one on ::1 (free ports), resolved once both are bound; the
 * server itself starts when the first client connects.
 */
async function activate(
  args: string[],
  tool: string[] = [],
): Promise<RunningCli & { port4: number; port6: number }> {
  const port4 = await freePort();
  const port6 = await freePort("::1");
  const cli = startCli(
    ["serve", ...args],
    cleanEnv(),
    socketActivate(
      ...tool,
      "-l",
      `127.0.0.1:${port4}`,
      "-l",
      `[::1]:${port6}`,
      // Names for the two sockets (with --accept, it passes one connection: leave them out).
      ...(tool.includes("--accept") ? [] : ["--fdname=echo4:echo6"]),
    ),
  );
  await cli.waitFor(/^Listening on \[::1\]/);
  return { ...cli, port4, port6 };
}

/** The lines tcpecho itself wrote to standard error (not the launcher's). */
const ownErrors = (cli: RunningCli) =>
  cli.stderr.filter(
    (l) => !/^(Listening on|Communication attempt|Execing|Connection from|Spawned|Child)/.test(l),
  );

test(
  "socket activation: one server echoes on both sockets, says they came from systemd, drains on SIGTERM",
  T,
  async (t) => {
    if (skipWithout(t)) return;
    const cli = await activate(["--data-lines", "0", "--drain-timeout", "10s"]);
    try {
      const c4 = await rawConnect(cli.port4);
      const c6 = await rawConnect(cli.port6, "::1");
      await cli.waitFor(
        new RegExp(
          `listening on 127\\.0\\.0\\.1:${cli.port4} \\(socket from systemd, descriptor 3; loopback`,
        ),
      );
      await cli.waitFor(
        new RegExp(`listening on \\[::1\\]:${cli.port6} \\(socket from systemd, descriptor 4;`),
      );

      const six = randomBytesSeeded(300_000, 6);
      c6.end(six);
      assert.ok((await readAll(c6)).equals(six), "every byte back over the IPv6 socket, in order");

      // SIGTERM with a client mid-transfer: it finishes; nobody new gets in.
      const four = randomBytesSeeded(400_000, 4);
      const half = four.length / 2;
      c4.write(four.subarray(0, half));
      assert.ok((await readN(c4, half)).equals(four.subarray(0, half)));
      cli.proc.kill("SIGTERM");
      await cli.waitFor(/stopping: no longer accepting; waiting up to 10(\.0)? s for 1 open connection/);
      const late = connect(cli.port4, "127.0.0.1");
      const [err] = (await once(late, "error")) as [NodeJS.ErrnoException];
      assert.equal(err.code, "ECONNREFUSED", "the listening sockets are closed during the drain");
      const rest = readAll(c4);
      c4.end(four.subarray(half));
      const back = await rest;
      assert.ok(back.equals(four.subarray(half)), "the rest comes back after SIGTERM, to the last byte");
      assert.equal(await cli.exited, 0);
      assert.ok(cli.stdout.some((l) => /stopped after .*: 2 connections served/.test(l)));
      assert.deepEqual(ownErrors(cli), []);
    } finally {
      await stopCli(cli);
    }
  },
);

test(
  "socket activation: JSON start events name the sockets; --udp still binds its own port",
  T,
  async (t) => {
    if (skipWithout(t)) return;
    const cli = await activate(["--log-format", "json", "--udp"]);
    try {
      const c = await rawConnect(cli.port4);
      await cli.waitFor(/"event":"udp-start"/);
      const starts = cli.stdout
        .filter((l) => l.includes('"event":"start"'))
        .map((l) => JSON.parse(l) as unknown);
      assert.deepEqual(
        starts.map((s) => {
          const { host, port, socket, fd } = s as Record<string, unknown>;
          return { host, port, socket, fd };
        }),
        [
          { host: "127.0.0.1", port: cli.port4, socket: "systemd", fd: 3 },
          { host: "::1", port: cli.port6, socket: "systemd", fd: 4 },
        ],
      );
      c.end("over tcp");
      assert.equal((await readAll(c)).toString(), "over tcp");
      const udp = createSocket("udp4");
      try {
        udp.send("over udp", cli.port4, "127.0.0.1");
        const [msg] = (await once(udp, "message")) as [Buffer];
        assert.equal(msg.toString(), "over udp");
      } finally {
        udp.close();
      }
      assert.equal(await stopCli(cli), STOPPED);
    } finally {
      await stopCli(cli);
    }
  },
);

test("socket activation: the Korean start line names the listening socket systemd passed", T, async (t) => {
  if (skipWithout(t)) return;
  const cli = await activate(["--lang", "ko", "--quiet"]);
  try {
    const c = await rawConnect(cli.port6, "::1");
    await cli.waitFor(
      new RegExp(`\\[::1\\]:${cli.port6} 에서 접속 대기 중 \\(systemd가 넘겨준 대기 소켓, 디스크립터 4;`),
    );
    // An echo, so that the server is past its start (its signal handlers set) before SIGTERM.
    c.end("안녕");
    assert.equal((await readAll(c)).toString(), "안녕");
    assert.equal(await stopCli(cli), STOPPED);
  } finally {
    await stopCli(cli);
  }
});

test(
  "socket activation: --port, --host, --ipv6-only and --workers are refused in one line (exit 2)",
  T,
  async (t) => {
    if (skipWithout(t)) return;
    for (const [args, pattern] of [
      [["--port", "9100"], /^tcpecho: leave out --port \('9100'\) with socket activation: .*ListenStream=/],
      [["--host", "::"], /^tcpecho: leave out --host \('::'\) with socket activation/],
      [["--ipv6-only"], /^tcpecho: leave out --ipv6-only \('true'\) with socket activation/],
      [
        ["--workers", "2"],
        /^tcpecho: leave out --workers \('2'\) with socket activation: it runs one process/,
      ],
      // From the environment (systemd-socket-activate passes it with -E), as from the command line.
      [["-E", "TCPECHO_PORT=9100"], /^tcpecho: leave out --port \('9100'\) with socket activation/],
    ] as const) {
      const [tool, serveArgs] = args[0] === "-E" ? [[...args], []] : [[], [...args]];
      const cli = await activate(serveArgs, tool);
      try {
        const c = await rawConnect(cli.port4);
        c.on("error", () => {});
        assert.equal(await cli.exited, 2, args.join(" "));
        const lines = ownErrors(cli);
        assert.equal(lines.length, 1, lines.join("\n"));
        assert.match(lines[0] ?? "", pattern);
        c.destroy();
      } finally {
        await stopCli(cli);
      }
    }
  },
);

test(
  "socket activation: a UDP socket, or a connected one (Accept=yes), is refused in one line (exit 2)",
  T,
  async (t) => {
    if (skipWithout(t)) return;
    const port = await freePort();
    const udp = startCli(["serve"], cleanEnv(), [
      "systemd-socket-activate",
      "--datagram",
      "-l",
      `127.0.0.1:${port}`,
    ]);
    const sender = createSocket("udp4");
    try {
      await udp.waitFor(/^Listening on/);
      sender.send("wake up", port, "127.0.0.1");
      assert.equal(await udp.exited, 2);
      assert.deepEqual(ownErrors(udp), [
        "tcpecho: give LISTEN_FDS only listening TCP sockets from the service manager: descriptor 3 is not a TCP socket (a UDP or Unix socket?) (see: tcpecho serve --help)",
      ]);
    } finally {
      sender.close();
      await stopCli(udp);
    }

    // --accept: one process per client, given the connected socket, as inetd's nowait services.
    const accept = await activate(["--lang", "ko"], ["--accept"]);
    try {
      const c = await rawConnect(accept.port4);
      c.on("error", () => {});
      await accept.waitFor(/^Child \d+ died with code 2/);
      assert.deepEqual(ownErrors(accept), [
        "tcpecho: LISTEN_FDS 에는 서비스 관리자가 넘겨준 TCP 대기 소켓만 주세요 (디스크립터 3: 대기 소켓이 아니라 연결된 소켓입니다 (.socket 유닛에 Accept=yes 가 있나요?)) (도움말: tcpecho serve --help)",
      ]);
      c.destroy();
    } finally {
      await stopCli(accept);
    }
  },
);

test(
  "sockets made as the shipped unit makes them (0.0.0.0, and :: IPv6-only, one port) serve as one",
  T,
  async (t) => {
    const skip = linuxOnly("systemd socket activation");
    if (skip) return t.skip(skip);
    // systemd-socket-activate cannot make an IPv6-only socket (BindIPv6Only=), so hand them over as
    // systemd does: descriptors 3 and 4, LISTEN_PID set by a shell that then execs node. They are
    // wildcard sockets (as the unit's), on a free port; only loopback is connected to.
    const v4 = createServer();
    v4.listen({ host: "0.0.0.0", port: 0 });
    await once(v4, "listening");
    const { port } = v4.address() as AddressInfo;
    const v6 = createServer();
    v6.listen({ host: "::", port, ipv6Only: true });
    await once(v6, "listening");
    const fdOf = (s: Server) => (s as unknown as { _handle: { fd: number } })._handle.fd;
    const child = spawn(
      "sh",
      ["-c", 'LISTEN_PID=$$ exec "$0" "$@"', process.execPath, CLI, "serve", "--quiet"],
      {
        env: cleanEnv({ LISTEN_FDS: "2", LISTEN_FDNAMES: "echo:echo" }),
        stdio: ["ignore", "pipe", "inherit", fdOf(v4), fdOf(v6)],
      },
    );
    // The child holds the sockets now; ours go, so that only the server answers.
    v4.close();
    v6.close();
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (text: string) => (out += text));
    const exited = once(child, "exit");
    try {
      await waitUntil("the start line of the second socket", () => out.includes("[::]"), 20_000);
      assert.match(
        out,
        new RegExp(
          `listening on 0\\.0\\.0\\.0:${port} \\(socket from systemd, descriptor 3; every IPv4 interface\\)`,
        ),
      );
      assert.match(
        out,
        new RegExp(
          `listening on \\[::\\]:${port} \\(socket from systemd, descriptor 4; every IPv6 interface\\)`,
        ),
      );
      for (const host of ["127.0.0.1", "::1"]) {
        const c = await rawConnect(port, host);
        c.end(`hello over ${host}`);
        assert.equal((await readAll(c)).toString(), `hello over ${host}`);
      }
      child.kill("SIGTERM");
      assert.deepEqual(await exited, [0, null]);
    } finally {
      child.kill("SIGKILL");
    }
  },
);

test(
  "systemd-analyze verify accepts deploy/systemd's units (and does complain about a broken one)",
  T,
  (t) => {
    if (skipWithout(t, "systemd-analyze")) return;
    // verify insists that ExecStart's program exists: check a copy that runs this build's CLI
    // (the units as shipped name /usr/bin/tcpecho, from npm install -g).
    const dir = mkdtempSync(join(tmpdir(), "tcpecho-units-"));
    try {
      copyFileSync(join(UNITS, "tcpecho.socket"), join(dir, "tcpecho.socket"));
      const shipped = readFileSync(join(UNITS, "tcpecho.service"), "utf8");
      assert.match(shipped, /^ExecStart=\/usr\/bin\/tcpecho serve /m);
      const service = shipped.replace(
        /^ExecStart=\/usr\/bin\/tcpecho /m,
        `ExecStart=${process.execPath} ${CLI} `,
      );
      const verify = () => {
        writeFileSync(join(dir, "tcpecho.service"), service);
        const r = spawnSync(
          "systemd-analyze",
          ["verify", "--man=no", join(dir, "tcpecho.socket"), join(dir, "tcpecho.service")],
          { encoding: "utf8", timeout: 20_000 },
        );
        return { status: r.status, said: `${r.stdout}${r.stderr}`.trim() };
      };
      assert.deepEqual(verify(), { status: 0, said: "" });

      // verify warns about a value it cannot parse and still exits 0: the silence above is the check.
      writeFileSync(
        join(dir, "tcpecho.socket"),
        readFileSync(join(UNITS, "tcpecho.socket"), "utf8") + "Backlog=lots\n",
      );
      const broken = verify();
      assert.match(broken.said, /Backlog|lots/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
