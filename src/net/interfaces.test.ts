/** Where a listening socket can be reached from, on a fake set of interfaces. */

import assert from "node:assert/strict";
import type { NetworkInterfaceInfo } from "node:os";
import { test } from "node:test";
import { listenScope, reachableAddresses, type ReachableAddress } from "./interfaces.js";

function v4(address: string, internal = false): NetworkInterfaceInfo {
  return {
    address,
    netmask: "255.255.255.0",
    family: "IPv4",
    mac: "00:00:00:00:00:00",
    internal,
    cidr: `${address}/24`,
  };
}

function v6(address: string, internal = false): NetworkInterfaceInfo {
  return {
    address,
    netmask: "ffff:ffff:ffff:ffff::",
    family: "IPv6",
    mac: "00:00:00:00:00:00",
    internal,
    cidr: `${address}/64`,
    scopeid: 0,
  };
}

/** A laptop: Ethernet and Wi-Fi listed before loopback, link-local IPv6 everywhere. */
const FAKE: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  eth0: [v6("fe80::1c2d:3eff:fe4f:5a6b"), v4("192.168.0.10"), v6("2001:db8::10")],
  lo: [v4("127.0.0.1", true), v6("::1", true)],
  wlan0: [v4("10.0.0.5"), v6("FE80::aaaa")],
  down0: undefined,
};

const addr = (a: ReachableAddress) => a.address;

test("listenScope: 0.0.0.0 is every IPv4 interface, :: is every interface", () => {
  assert.equal(listenScope("0.0.0.0"), "all-ipv4");
  assert.equal(listenScope("::"), "all");
  assert.equal(listenScope("::0"), "all");
});

test("listenScope: loopback addresses are loopback", () => {
  assert.equal(listenScope("127.0.0.1"), "loopback");
  assert.equal(listenScope("127.1.2.3"), "loopback");
  assert.equal(listenScope("::1"), "loopback");
});

test("listenScope: any other address is just that address", () => {
  assert.equal(listenScope("192.168.0.10"), "one");
  assert.equal(listenScope("2001:db8::10"), "one");
  assert.equal(listenScope("fe80::1%eth0"), "one");
  assert.equal(listenScope("10.0.0.0"), "one");
});

test("0.0.0.0 lists only IPv4 addresses, loopback first", () => {
  const got = reachableAddresses("0.0.0.0", FAKE);
  assert.deepEqual(got, [
    { address: "127.0.0.1", family: "IPv4", interface: "lo", loopback: true },
    { address: "192.168.0.10", family: "IPv4", interface: "eth0", loopback: false },
    { address: "10.0.0.5", family: "IPv4", interface: "wlan0", loopback: false },
  ]);
});

test(":: lists both families, loopback first then IPv4 before IPv6, without link-local fe80::", () => {
  const got = reachableAddresses("::", FAKE);
  assert.deepEqual(got.map(addr), ["127.0.0.1", "::1", "192.168.0.10", "10.0.0.5", "2001:db8::10"]);
  assert.deepEqual(
    got.map((a) => [a.family, a.interface, a.loopback]),
    [
      ["IPv4", "lo", true],
      ["IPv6", "lo", true],
      ["IPv4", "eth0", false],
      ["IPv4", "wlan0", false],
      ["IPv6", "eth0", false],
    ],
  );
  assert.ok(got.every((a) => !a.address.toLowerCase().startsWith("fe80:")));
});

test("127.0.0.1 is reachable only at itself, as loopback", () => {
  assert.deepEqual(reachableAddresses("127.0.0.1", FAKE), [
    { address: "127.0.0.1", family: "IPv4", interface: "lo", loopback: true },
  ]);
  assert.deepEqual(reachableAddresses("::1", FAKE), [
    { address: "::1", family: "IPv6", interface: "lo", loopback: true },
  ]);
});

test("a specific address returns just it, with its interface", () => {
  assert.deepEqual(reachableAddresses("192.168.0.10", FAKE), [
    { address: "192.168.0.10", family: "IPv4", interface: "eth0", loopback: false },
  ]);
  assert.deepEqual(reachableAddresses("2001:db8::10", FAKE), [
    { address: "2001:db8::10", family: "IPv6", interface: "eth0", loopback: false },
  ]);
});

test("an address on no interface is still returned, with no interface name", () => {
  assert.deepEqual(reachableAddresses("203.0.113.9", FAKE), [
    { address: "203.0.113.9", family: "IPv4", interface: null, loopback: false },
  ]);
  assert.deepEqual(reachableAddresses("2001:db8::99", FAKE), [
    { address: "2001:db8::99", family: "IPv6", interface: null, loopback: false },
  ]);
  assert.deepEqual(reachableAddresses("127.0.0.2", FAKE), [
    { address: "127.0.0.2", family: "IPv4", interface: null, loopback: true },
  ]);
});

test("a machine with only loopback lists only loopback for a wildcard", () => {
  const loOnly = { lo: [v4("127.0.0.1", true), v6("::1", true)] };
  assert.deepEqual(reachableAddresses("0.0.0.0", loOnly).map(addr), ["127.0.0.1"]);
  assert.deepEqual(reachableAddresses("::", loOnly).map(addr), ["127.0.0.1", "::1"]);
  assert.ok(reachableAddresses("::", loOnly).every((a) => a.loopback));
});

test("no interfaces at all gives an empty list for a wildcard", () => {
  assert.deepEqual(reachableAddresses("0.0.0.0", {}), []);
  assert.deepEqual(reachableAddresses("::", {}), []);
});

test("reachableAddresses does not modify the interfaces it is given", () => {
  const before = JSON.stringify(FAKE);
  reachableAddresses("::", FAKE);
  reachableAddresses("0.0.0.0", FAKE);
  assert.equal(JSON.stringify(FAKE), before);
});
