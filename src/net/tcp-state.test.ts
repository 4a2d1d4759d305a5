import assert from "node:assert/strict";
import { test } from "node:test";
import { findTcpSocket, parseProcNetTcp, readTcpTable, socketInode } from "./tcp-state.js";

const HEADER =
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

// Written as a little-endian (x86, arm64) kernel writes them.
const TCP4 =
  HEADER +
  "   0: 0100007F:2328 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0\n" +
  "   1: 0100007F:2328 0100007F:C832 08 00000000:00000000 00:00000000 00000000  1000        0 4243 1 0000000000000000 20 4 30 10 -1\n" +
  "   2: 0100007F:C832 0100007F:2328 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000\n" +
  "   3: 0A00000A:0050 0F00A8C0:D431 01 00010000:00000005 01:00000014 00000000  1000        0 77 1\n" +
  "garbage line\n";

const TCP6 =
  HEADER +
  // [::1]:9000, LISTEN
  "   0: 00000000000000000000000001000000:2328 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5000 1\n" +
  // [::ffff:127.0.0.1]:9000 ← [::ffff:127.0.0.1]:51234, LAST_ACK
  "   1: 0000000000000000FFFF00000100007F:2328 0000000000000000FFFF00000100007F:C822 09 00000001:00000000 01:00000014 00000000  1000        0 5001 1\n" +
  // [fe80::1]:22 ← [2001:db8::5]:40000, FIN_WAIT2
  "   2: 000080FE000000000000000001000000:0016 B80D0120000000000000000005000000:9C40 05 00000000:00000000 00:00000000 00000000  1000        0 5002 1\n";

test("parses /proc/net/tcp: endpoints, state names, queues, inode; skips the header and malformed lines", () => {
  const rows = parseProcNetTcp(TCP4, true);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows[0], {
    localAddress: "127.0.0.1",
    localPort: 9000,
    remoteAddress: "0.0.0.0",
    remotePort: 0,
    state: "LISTEN",
    txQueue: 0,
    rxQueue: 3,
    inode: 4242,
  });
  assert.equal(rows[1]?.state, "CLOSE_WAIT");
  assert.equal(rows[1]?.remotePort, 51250);
  assert.equal(rows[2]?.state, "TIME_WAIT");
  assert.equal(rows[2]?.inode, 0);
  assert.equal(rows[3]?.localAddress, "10.0.0.10");
  assert.equal(rows[3]?.remoteAddress, "192.168.0.15");
  assert.equal(rows[3]?.txQueue, 65536);
  assert.equal(rows[3]?.rxQueue, 5);
});

test("parses /proc/net/tcp6: compressed IPv6, IPv4-mapped as plain IPv4", () => {
  const rows = parseProcNetTcp(TCP6, true);
  assert.deepEqual(
    rows.map((r) => [r.localAddress, r.localPort, r.remoteAddress, r.remotePort, r.state]),
    [
      ["::1", 9000, "::", 0, "LISTEN"],
      ["127.0.0.1", 9000, "127.0.0.1", 51234, "LAST_ACK"],
      ["fe80::1", 22, "2001:db8::5", 40000, "FIN_WAIT2"],
    ],
  );
});

test("a big-endian kernel's addresses read the other way round", () => {
  const rows = parseProcNetTcp(
    HEADER + "   0: 7F000001:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 9 1\n",
    false,
  );
  assert.equal(rows[0]?.localAddress, "127.0.0.1");
});

test("findTcpSocket: by inode, by endpoints (any spelling of the address), by state", () => {
  const rows = [...parseProcNetTcp(TCP4, true), ...parseProcNetTcp(TCP6, true)];
  assert.equal(findTcpSocket(rows, { inode: 4243 })?.state, "CLOSE_WAIT");
  assert.equal(findTcpSocket(rows, { inode: 0 }), undefined);
  assert.equal(findTcpSocket(rows, { localPort: 9000, state: "LISTEN" })?.rxQueue, 3);
  assert.equal(
    findTcpSocket(rows, { localPort: 51250, remoteAddress: "::ffff:127.0.0.1", remotePort: 9000 })?.state,
    "TIME_WAIT",
  );
  assert.equal(
    findTcpSocket(rows, { remoteAddress: "2001:0db8:0:0::5", remotePort: 40000 })?.state,
    "FIN_WAIT2",
  );
  assert.equal(findTcpSocket(rows, { localPort: 1 }), undefined);
});

test(
  "the live table and a descriptor's inode (Linux)",
  { skip: process.platform !== "linux" && "no /proc" },
  () => {
    assert.ok(Array.isArray(readTcpTable()));
    assert.equal(readTcpTable("/nonexistent"), undefined);
    assert.equal(socketInode(-1), undefined);
  },
);
