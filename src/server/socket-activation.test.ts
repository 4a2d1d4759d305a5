import assert from "node:assert/strict";
import { openSync, closeSync } from "node:fs";
import { once } from "node:events";
import { createServer, connect } from "node:net";
import { createSocket } from "node:dgram";
import { test } from "node:test";
import { EchoError } from "../net/echo-error.js";
import { listenFds, listeningSocketProblem } from "./socket-activation.js";

type Env = Record<string, string | undefined>;

/** The error listenFds throws for `env` (as process 42), or a failure when it throws none. */
function failure(env: Env): EchoError {
  try {
    listenFds({ env, pid: 42 });
  } catch (err) {
    assert.ok(err instanceof EchoError);
    return err;
  }
  assert.fail(`no error for ${JSON.stringify(env)}`);
}

test("listenFds: the sockets of this process, from 3 up, named when LISTEN_FDNAMES says", () => {
  assert.deepEqual(listenFds({ env: { LISTEN_PID: "42", LISTEN_FDS: "1" }, pid: 42 }), [{ fd: 3 }]);
  const env: Env = { LISTEN_PID: "42", LISTEN_FDS: "3", LISTEN_FDNAMES: "v4:v6:", OTHER: "kept" };
  assert.deepEqual(listenFds({ env, pid: 42 }), [{ fd: 3, name: "v4" }, { fd: 4, name: "v6" }, { fd: 5 }]);
  // Taken: a child started from here must not take them for its own.
  assert.deepEqual(env, { OTHER: "kept" });
});

test("listenFds: none without the variables, or when LISTEN_PID names another process", () => {
  assert.deepEqual(listenFds({ env: {}, pid: 42 }), []);
  assert.deepEqual(listenFds({ env: { LISTEN_FDS: "2" }, pid: 42 }), []);
  assert.deepEqual(listenFds({ env: { LISTEN_PID: "42" }, pid: 42 }), []);
  const parents: Env = { LISTEN_PID: "41", LISTEN_FDS: "2" };
  assert.deepEqual(listenFds({ env: parents, pid: 42 }), []);
  assert.deepEqual(parents, {}, "unset even when not ours, as sd_listen_fds does");
  const kept: Env = { LISTEN_PID: "42", LISTEN_FDS: "1" };
  assert.deepEqual(listenFds({ env: kept, pid: 42, unsetEnvironment: false }), [{ fd: 3 }]);
  assert.deepEqual(kept, { LISTEN_PID: "42", LISTEN_FDS: "1" });
});

test("listenFds: malformed values are usage errors naming the variable", () => {
  for (const [env, variable, value] of [
    [{ LISTEN_PID: "x42", LISTEN_FDS: "1" }, "LISTEN_PID", "x42"],
    [{ LISTEN_PID: "-42", LISTEN_FDS: "1" }, "LISTEN_PID", "-42"],
    [{ LISTEN_PID: "", LISTEN_FDS: "1" }, "LISTEN_PID", ""],
    [{ LISTEN_PID: "42", LISTEN_FDS: "0" }, "LISTEN_FDS", "0"],
    [{ LISTEN_PID: "42", LISTEN_FDS: "two" }, "LISTEN_FDS", "two"],
    [{ LISTEN_PID: "42", LISTEN_FDS: "1.5" }, "LISTEN_FDS", "1.5"],
    [{ LISTEN_PID: "42", LISTEN_FDS: "99999999" }, "LISTEN_FDS", "99999999"],
  ] as const) {
    const err = failure({ ...env });
    assert.equal(err.code, "ERR_INVALID_OPTION");
    assert.ok(err.isUsageError);
    assert.equal(err.context.option, variable);
    assert.equal(err.context.value, value);
  }
  const names = failure({ LISTEN_PID: "42", LISTEN_FDS: "2", LISTEN_FDNAMES: "only-one" });
  assert.match(names.message, /^give LISTEN_FDNAMES one name per descriptor/);
});

test(
  "listeningSocketProblem: a listening TCP socket passes; a file, a connected socket do not",
  { skip: process.platform !== "linux" && "reads the kernel's TCP table, /proc/net/tcp (Linux)" },
  async () => {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const listenFd = (server as unknown as { _handle: { fd: number } })._handle.fd;
    assert.equal(listeningSocketProblem(listenFd), null);

    const client = connect((server.address() as { port: number }).port, "127.0.0.1");
    await once(client, "connect");
    const clientFd = (client as unknown as { _handle: { fd: number } })._handle.fd;
    assert.deepEqual(listeningSocketProblem(clientFd), { kind: "fd-connected" });
    client.destroy();
    server.close();

    const file = openSync(new URL(import.meta.url), "r");
    assert.deepEqual(listeningSocketProblem(file), { kind: "fd-not-socket" });
    closeSync(file);
    assert.deepEqual(listeningSocketProblem(file), { kind: "fd-not-open" });

    // A UDP socket is left to listen() to refuse (the server says so: see test/systemd.test.ts).
    const udp = createSocket("udp4");
    udp.bind(0, "127.0.0.1");
    await once(udp, "listening");
    assert.equal(listeningSocketProblem((udp as unknown as { _handle: { fd: number } })._handle.fd), null);
    udp.close();
  },
);

test("EchoServer fds: checked like every option; a descriptor that is no TCP socket is refused at listen", async () => {
  const { createEchoServer } = await import("./echo-server.js");
  const refused = (options: Parameters<typeof createEchoServer>[0]) => {
    try {
      createEchoServer(options);
    } catch (err) {
      assert.ok(err instanceof EchoError && err.isUsageError);
      return err.message;
    }
    assert.fail(`accepted ${JSON.stringify(options)}`);
  };
  assert.match(refused({ fds: [] }), /^give fds one or more descriptors, each once, not '\[\]'$/);
  assert.match(refused({ fds: [3, 3] }), /^give fds .*, not '3'$/);
  assert.match(refused({ fds: [-1] }), /^give fds a whole number of at least 0, not '-1'$/);
  assert.match(refused({ fds: [3], port: 9000 }), /^leave out port \('9000'\) with socket activation/);
  assert.match(refused({ fds: [3], host: "::" }), /^leave out host \('::'\) with socket activation/);

  const udp = createSocket("udp4");
  udp.bind(0, "127.0.0.1");
  await once(udp, "listening");
  const fd = (udp as unknown as { _handle: { fd: number } })._handle.fd;
  const server = createEchoServer({ fds: [fd] });
  await assert.rejects(server.listen(), (err: unknown) => {
    assert.ok(err instanceof EchoError);
    assert.equal(err.code, "ERR_INVALID_OPTION");
    assert.match(err.message, /: descriptor \d+ is not a TCP socket \(a UDP or Unix socket\?\)$/);
    return true;
  });
  udp.close();
});
