/** The Winsock table: Microsoft's numbers, the Berkeley names and Node's codes beside them. */

import assert from "node:assert/strict";
import { constants } from "node:os";
import { test } from "node:test";
import {
  ERRNO_NUMBERS,
  errnoNumbers,
  systemCode,
  textPlatform,
  WINSOCK_ERRORS,
  winsockByName,
  winsockFor,
} from "./winsock.js";

test("the Winsock numbers are Microsoft's (Windows Sockets Error Codes)", () => {
  const expected: Record<string, number> = {
    WSAEACCES: 10013,
    WSAEMFILE: 10024,
    WSAEWOULDBLOCK: 10035,
    WSAEADDRINUSE: 10048,
    WSAEADDRNOTAVAIL: 10049,
    WSAENETUNREACH: 10051,
    WSAECONNABORTED: 10053,
    WSAECONNRESET: 10054,
    WSAETIMEDOUT: 10060,
    WSAECONNREFUSED: 10061,
    WSAEHOSTUNREACH: 10065,
    WSANOTINITIALISED: 10093,
    WSAHOST_NOT_FOUND: 11001,
    WSATRY_AGAIN: 11002,
  };
  for (const [name, wsa] of Object.entries(expected)) assert.equal(winsockByName(name)?.wsa, wsa, name);
});

test("each number and each name is in the table once", () => {
  assert.equal(new Set(WINSOCK_ERRORS.map((e) => e.wsa)).size, WINSOCK_ERRORS.length);
  assert.equal(new Set(WINSOCK_ERRORS.map((e) => e.name)).size, WINSOCK_ERRORS.length);
  assert.equal(new Set(WINSOCK_ERRORS.map((e) => e.node ?? e.errno ?? e.name)).size, WINSOCK_ERRORS.length);
});

test("a Berkeley error's Winsock name is WSA + its name, and its number 10000 + the BSD (macOS) errno", () => {
  for (const e of WINSOCK_ERRORS.filter((x) => x.wsa < 10072 && x.errno !== undefined)) {
    assert.equal(e.name, `WSA${e.errno}`);
    assert.equal(errnoNumbers(e.errno ?? "")?.darwin, e.wsa - 10000, e.name);
  }
});

test("each errno has its own numbers, known values on Linux and macOS", () => {
  const known: Record<string, [linux: number, darwin: number]> = {
    EPIPE: [32, 32],
    ECONNREFUSED: [111, 61],
    ECONNRESET: [104, 54],
    EADDRINUSE: [98, 48],
    ETIMEDOUT: [110, 60],
    ECANCELED: [125, 89],
    ESHUTDOWN: [108, 58],
    EINTR: [4, 4],
    EAGAIN: [11, 35],
    EHOSTUNREACH: [113, 65],
  };
  for (const [code, [linux, darwin]] of Object.entries(known))
    assert.deepEqual([errnoNumbers(code)?.linux, errnoNumbers(code)?.darwin], [linux, darwin], code);
  assert.equal(errnoNumbers("ENOTFOUND"), undefined);
  // Every errno the Winsock table copies or Node reports in its place has numbers.
  for (const e of WINSOCK_ERRORS)
    for (const code of [e.errno, e.libuv])
      if (code?.startsWith("E")) assert.ok(errnoNumbers(code), `${e.name}: ${code}`);
});

test("the Linux numbers are this Linux's errno values", { skip: process.platform !== "linux" }, () => {
  const errno = constants.errno as Record<string, number | undefined>;
  // Node lists most of them (not ESHUTDOWN).
  const listed = Object.keys(ERRNO_NUMBERS).filter((code) => errno[code] !== undefined);
  assert.ok(listed.length >= 25, listed.join(" "));
  for (const code of listed) assert.equal(ERRNO_NUMBERS[code]?.linux, errno[code], code);
});

test("Node's code leads to its Winsock error, as libuv translates them", () => {
  assert.equal(winsockFor("ECONNREFUSED")?.name, "WSAECONNREFUSED");
  assert.equal(winsockFor("ENOTFOUND")?.name, "WSAHOST_NOT_FOUND");
  assert.equal(winsockFor("EAI_AGAIN")?.name, "WSATRY_AGAIN");
  assert.equal(winsockFor("EAGAIN")?.name, "WSAEWOULDBLOCK");
  // libuv's uv_translate_sys_error: WSAESHUTDOWN becomes EPIPE, WSAEINTR ECANCELED; ESHUTDOWN and EINTR never come.
  assert.equal(winsockFor("EPIPE")?.name, "WSAESHUTDOWN");
  assert.equal(winsockFor("ECANCELED")?.name, "WSAEINTR");
  assert.equal(winsockFor("ESHUTDOWN"), undefined);
  assert.equal(winsockFor("EINTR"), undefined);
  assert.equal(winsockFor("ENFILE"), undefined);
  assert.equal(winsockFor("ERR_PEER_CLOSED"), undefined);
});

test("a Winsock error is found by name in any case, or by number", () => {
  assert.equal(winsockByName("wsaeconnrefused")?.wsa, 10061);
  assert.equal(winsockByName(" 10061 ")?.name, "WSAECONNREFUSED");
  assert.equal(winsockByName("10062"), undefined);
  assert.equal(winsockByName("ECONNREFUSED"), undefined);
});

test("on Windows a code carries its Winsock number and name; elsewhere it stands alone", () => {
  assert.equal(systemCode("ECONNREFUSED", "win32"), "ECONNREFUSED (10061, WSAECONNREFUSED)");
  assert.equal(systemCode("EADDRINUSE", "win32"), "EADDRINUSE (10048, WSAEADDRINUSE)");
  assert.equal(systemCode("ENOTFOUND", "win32"), "ENOTFOUND (11001, WSAHOST_NOT_FOUND)");
  assert.equal(systemCode("ENFILE", "win32"), "ENFILE");
  assert.equal(systemCode("ECONNREFUSED", "linux"), "ECONNREFUSED");
  assert.equal(systemCode("ECONNREFUSED", "darwin"), "ECONNREFUSED");
});

test("every other Unix takes Linux's words", () => {
  assert.equal(textPlatform("win32"), "win32");
  assert.equal(textPlatform("darwin"), "darwin");
  for (const p of ["linux", "freebsd", "openbsd", "sunos", "aix"]) assert.equal(textPlatform(p), "linux", p);
});
