/** How addresses and ports are written on a log line. */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { formatEndpoint, plainAddress } from "./endpoint.js";

test("plainAddress strips the IPv4-mapped prefix, in either case", () => {
  assert.equal(plainAddress("::ffff:127.0.0.1"), "127.0.0.1");
  assert.equal(plainAddress("::FFFF:10.0.0.1"), "10.0.0.1");
  assert.equal(plainAddress("::ffff:192.168.100.200"), "192.168.100.200");
});

test("plainAddress leaves everything else alone", () => {
  for (const same of [
    "127.0.0.1",
    "::1",
    "::",
    "::ffff:",
    "::ffff:7f00:1",
    "::ffff:1.2.3",
    "2001:db8::ffff:1.2.3.4",
    "x::ffff:1.2.3.4",
    "::ffff:1.2.3.4 ",
    "fe80::1%eth0",
    "localhost",
    "",
  ]) {
    assert.equal(plainAddress(same), same);
  }
});

test("formatEndpoint writes IPv4 and names as host:port", () => {
  assert.equal(formatEndpoint("127.0.0.1", 9000), "127.0.0.1:9000");
  assert.equal(formatEndpoint("localhost", 7), "localhost:7");
  assert.equal(formatEndpoint("0.0.0.0", 0), "0.0.0.0:0");
});

test("formatEndpoint brackets IPv6", () => {
  assert.equal(formatEndpoint("::1", 9000), "[::1]:9000");
  assert.equal(formatEndpoint("::", 9000), "[::]:9000");
  assert.equal(formatEndpoint("fe80::1%eth0", 7), "[fe80::1%eth0]:7");
});

test("formatEndpoint shows an IPv4-mapped client as plain IPv4", () => {
  assert.equal(formatEndpoint("::ffff:127.0.0.1", 51234), "127.0.0.1:51234");
});

test("formatEndpoint without a port writes just the host (bracketed if IPv6)", () => {
  assert.equal(formatEndpoint("127.0.0.1", undefined), "127.0.0.1");
  assert.equal(formatEndpoint("::1", undefined), "[::1]");
  assert.equal(formatEndpoint("::ffff:10.1.2.3", undefined), "10.1.2.3");
});

test("formatEndpoint: IPv4 as is, mapped IPv4 unwrapped, IPv6 bracketed, for any address and port", () => {
  const port = fc.integer({ min: 0, max: 65535 });
  fc.assert(
    fc.property(fc.ipV4(), port, (ip, p) => {
      assert.equal(formatEndpoint(ip, p), `${ip}:${p}`);
      assert.equal(formatEndpoint(`::ffff:${ip}`, p), `${ip}:${p}`);
    }),
  );
  fc.assert(
    fc.property(
      fc.ipV6().filter((ip) => !/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)),
      port,
      (ip, p) => assert.equal(formatEndpoint(ip, p), `[${ip}]:${p}`),
    ),
  );
});
