import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { ToolRun } from "./os-tool.js";
import { portName } from "./services.js";
import {
  findTcpRow,
  parseDarwinNetstat,
  parseGetNetTcpConnection,
  parseWindowsNetstat,
  SharedTcpSnapshots,
  tcpTableReader,
  type TcpTableRow,
} from "./tcp-table.js";

const recording = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/os/${name}`, import.meta.url), "utf8");

const ok = (stdout: string, code = 0): ToolRun => ({ ok: true, code, stdout, stderr: "" });
const states = (rows: TcpTableRow[]) => new Set(rows.map((r) => r.state));

test("macOS netstat -an -p tcp: dotted ports, *.*, IPv6 with a zone, every state in the kernel's spelling", () => {
  const rows = parseDarwinNetstat(recording("darwin/netstat-an-p-tcp.txt"));
  assert.equal(rows.length, 16);
  assert.deepEqual(rows[0], {
    localAddress: "127.0.0.1",
    localPort: 9000,
    remoteAddress: "127.0.0.1",
    remotePort: 51234,
    state: "ESTABLISHED",
    rxQueue: 0,
    txQueue: 0,
  });
  assert.deepEqual([...states(rows)].sort(), [
    "CLOSE",
    "CLOSE_WAIT",
    "CLOSING",
    "ESTABLISHED",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "LAST_ACK",
    "LISTEN",
    "SYN_RECV",
    "SYN_SENT",
    "TIME_WAIT",
  ]);
  assert.equal(findTcpRow(rows, { localPort: 9000, state: "LISTEN" })?.remoteAddress, "0.0.0.0");
  assert.equal(findTcpRow(rows, { localPort: 9000, remotePort: 51240 })?.rxQueue, 5);
  assert.equal(findTcpRow(rows, { localPort: 9001, state: "LISTEN" })?.localAddress, "::");
  const v6 = findTcpRow(rows, { remotePort: 51250 });
  assert.deepEqual([v6?.localAddress, v6?.state], ["::1", "ESTABLISHED"]);
  assert.equal(findTcpRow(rows, { remotePort: 8080 })?.localAddress, "fe80::1c2a:9f3e:4b5d:6c7e");
  assert.equal(findTcpRow(rows, { localPort: 51002 })?.txQueue, 31);
});

test("Windows netstat -ano: [::1]:9000, LISTENING, PIDs, UDP rows left out", () => {
  const rows = parseWindowsNetstat(recording("win32/netstat-ano.txt"));
  assert.equal(rows.length, 14);
  assert.deepEqual(findTcpRow(rows, { localPort: 9001, state: "LISTEN" }), {
    localAddress: "::1",
    localPort: 9001,
    remoteAddress: "::",
    remotePort: 0,
    state: "LISTEN",
    pid: 4243,
  });
  assert.deepEqual([...states(rows)].sort(), [
    "CLOSE_WAIT",
    "ESTABLISHED",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "LAST_ACK",
    "LISTEN",
    "SYN_SENT",
    "TIME_WAIT",
  ]);
  assert.equal(findTcpRow(rows, { remotePort: 8080 })?.localAddress, "fe80::1c2a:9f3e:4b5d:6c7e");
  // A localised Windows words the states in its language: read as unknown, never guessed.
  assert.equal(
    parseWindowsNetstat("  TCP    0.0.0.0:135    0.0.0.0:0    ABHÖREN    1032\r\n")[0]?.state,
    "UNKNOWN",
  );
});

test("Windows Get-NetTCPConnection JSON: State numbers (2 Listen … 11 TimeWait, 100 Bound) and names, one object or many", () => {
  const rows = parseGetNetTcpConnection(recording("win32/get-nettcpconnection.json")) ?? [];
  assert.equal(rows.length, 12);
  assert.equal(findTcpRow(rows, { localPort: 9000, state: "LISTEN" })?.pid, 4242);
  assert.equal(findTcpRow(rows, { localPort: 9000, remotePort: 51240 })?.state, "CLOSE_WAIT");
  assert.equal(findTcpRow(rows, { localPort: 51240 })?.state, "FIN_WAIT2");
  assert.equal(findTcpRow(rows, { localPort: 51230 })?.state, "TIME_WAIT");
  assert.equal(findTcpRow(rows, { localPort: 49664 })?.state, "UNKNOWN");
  assert.equal(findTcpRow(rows, { localPort: 9001, remotePort: 51250 })?.remoteAddress, "::1");
  const one = parseGetNetTcpConnection(
    '{"LocalAddress":"::ffff:127.0.0.1","LocalPort":9000,"RemoteAddress":"::ffff:127.0.0.1","RemotePort":5,"State":"Established"}',
  );
  assert.deepEqual(
    one?.map((r) => [r.localAddress, r.state]),
    [["127.0.0.1", "ESTABLISHED"]],
  );
  assert.deepEqual(parseGetNetTcpConnection(""), []);
  assert.equal(parseGetNetTcpConnection("Get-NetTCPConnection : not recognized"), undefined);
});

test("the readers: macOS netstat, Windows PowerShell then netstat (remembered), and why each failed", async () => {
  const mac = tcpTableReader("darwin", async () => ok(recording("darwin/netstat-an-p-tcp.txt")));
  const read = await mac.read();
  assert.ok(read.ok && read.source === "netstat -an -p tcp" && read.rows.length === 16);
  const garbled = await tcpTableReader("darwin", async () => ok("netstat: illegal option\n")).read();
  assert.deepEqual(garbled, { ok: false, source: "netstat -an -p tcp", failure: "unparsable" });
  // Linux's net-tools netstat has the same header but host:port endpoints: unreadable, not an empty table.
  const linuxNetstat =
    "Active Internet connections (servers and established)\n" +
    "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n" +
    "tcp        0      0 127.0.0.1:9000          0.0.0.0:*               LISTEN\n";
  const other = await tcpTableReader("darwin", async () => ok(linuxNetstat)).read();
  assert.deepEqual(other, { ok: false, source: "netstat -an -p tcp", failure: "unparsable" });
  const otherWin = await tcpTableReader("win32", async (command) =>
    command === "powershell" ? { ok: false, failure: "missing", stderr: "" } : ok(linuxNetstat),
  ).read();
  assert.deepEqual(otherWin, { ok: false, source: "netstat -ano", failure: "unparsable" });
  const asked: string[] = [];
  const win = tcpTableReader("win32", async (command) => {
    asked.push(command);
    if (command === "powershell") return { ok: false, failure: "missing", stderr: "" };
    return ok(recording("win32/netstat-ano.txt"));
  });
  const first = await win.read();
  const second = await win.read();
  assert.ok(first.ok && first.source === "netstat -ano" && second.ok);
  assert.deepEqual(asked, ["powershell", "netstat", "netstat"]);
  const none = await tcpTableReader("win32", async () => ({
    ok: false,
    failure: "timed-out",
    stderr: "",
  })).read();
  assert.deepEqual(none, { ok: false, source: "netstat -ano", failure: "timed-out" });
});

test("SharedTcpSnapshots: one reading for everyone waiting, never one older than the call", async () => {
  let readings = 0;
  let release: (() => void) | undefined;
  const snapshots = new SharedTcpSnapshots({
    source: "netstat -an -p tcp",
    read: () =>
      new Promise((resolve) => {
        const n = ++readings;
        release = () =>
          resolve({
            ok: true,
            source: "netstat -an -p tcp",
            rows: [
              {
                localAddress: "127.0.0.1",
                localPort: n,
                remoteAddress: "0.0.0.0",
                remotePort: 0,
                state: "LISTEN",
              },
            ],
          });
      }),
  });
  const a = snapshots.next();
  const b = snapshots.next();
  const c = snapshots.next();
  assert.equal(readings, 1);
  release?.();
  const first = await a;
  await new Promise((r) => setImmediate(r));
  assert.equal(readings, 2, "the calls made during the first reading share a second one");
  release?.();
  const [second, third] = await Promise.all([b, c]);
  assert.ok(first.ok && second.ok && third.ok);
  assert.deepEqual(
    [first.rows[0]?.localPort, second.rows[0]?.localPort, third.rows[0]?.localPort],
    [1, 2, 2],
  );
});

test("portName: the services file where there is one, else IANA's name from the built-in table", async () => {
  assert.deepEqual(await portName(9000, { file: "/nonexistent" }), { name: "cslistener", source: "IANA" });
  assert.deepEqual(await portName(7, { file: "/nonexistent" }), { name: "echo", source: "IANA" });
  assert.deepEqual(await portName(443, { platform: "win32", env: {} }), { name: "https", source: "IANA" });
  assert.deepEqual(await portName(50_000, { platform: "win32", env: {} }), { name: null, source: "IANA" });
  assert.deepEqual(await portName(9000, { platform: "win32", env: { SystemRoot: "C:\\Windows" } }), {
    name: "cslistener",
    source: "IANA",
  });
});
