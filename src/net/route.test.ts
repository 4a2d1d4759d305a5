import assert from "node:assert/strict";
import { test } from "node:test";
import { addressScope } from "./address-scope.js";
import {
  longestMatch,
  maskArithmetic,
  parseIpRouteGet,
  parseProcIpv6Route,
  parseProcNetRoute,
  routeTo,
} from "./route.js";
import { parseServices, portRange } from "./services.js";

test("parseIpRouteGet: local, via, dev, src, IPv6, an IPv6 router for IPv4, and junk", () => {
  assert.deepEqual(parseIpRouteGet("local 127.0.0.1 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n"), {
    type: "local",
    destination: "127.0.0.1",
    gateway: null,
    interface: "lo",
    source: "127.0.0.1",
  });
  assert.deepEqual(parseIpRouteGet("10.9.0.1 via 10.1.0.1 dev eth0 src 10.1.0.2 uid 0 \n    cache \n"), {
    type: "unicast",
    destination: "10.9.0.1",
    gateway: "10.1.0.1",
    interface: "eth0",
    source: "10.1.0.2",
  });
  assert.equal(parseIpRouteGet("10.1.0.7 dev eth0 src 10.1.0.2 uid 0")?.gateway, null);
  const v6 = parseIpRouteGet(
    "local ::1 from :: dev lo table local proto kernel src ::1 metric 0 pref medium",
  );
  assert.equal(v6?.type, "local");
  assert.equal(v6?.source, "::1");
  const v6gw = parseIpRouteGet(
    "2001:db8::5 from :: via fe80::1 dev eth0 proto ra src 2001:db8::2 metric 100 pref medium",
  );
  assert.equal(v6gw?.gateway, "fe80::1");
  assert.equal(v6gw?.source, "2001:db8::2");
  assert.equal(parseIpRouteGet("10.2.0.1 via inet6 fe80::1 dev eth0 src 10.1.0.2")?.gateway, "fe80::1");
  assert.equal(parseIpRouteGet("broadcast 10.1.0.255 dev eth0 src 10.1.0.2")?.type, "broadcast");
  assert.equal(parseIpRouteGet(""), undefined);
  assert.equal(parseIpRouteGet("RTNETLINK answers: Network is unreachable"), undefined);
});

const PROC_ROUTE =
  "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
  "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n" +
  "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" +
  "*\t0000050A\t00000000\t0201\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";

test("parseProcNetRoute: little-endian hex, masks, gateways, reject routes; longestMatch picks the narrowest", () => {
  const routes = parseProcNetRoute(PROC_ROUTE);
  assert.equal(routes.length, 3);
  assert.deepEqual(routes[0], {
    interface: "eth0",
    destination: "0.0.0.0",
    prefix: 0,
    gateway: "192.0.2.1",
    reject: false,
    local: false,
    metric: 0,
  });
  assert.equal(routes[1]?.destination, "192.0.2.0");
  assert.equal(routes[1]?.prefix, 24);
  assert.equal(routes[2]?.reject, true);
  assert.equal(longestMatch("192.0.2.9", routes)?.prefix, 24);
  assert.equal(longestMatch("198.51.100.1", routes)?.gateway, "192.0.2.1");
  assert.equal(longestMatch("10.5.0.1", routes)?.reject, true);
  assert.equal(longestMatch("::1", routes), undefined);
});

test("parseProcIpv6Route: destinations, prefixes, gateways and local routes", () => {
  const text =
    "00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n" +
    "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n" +
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0\n";
  const routes = parseProcIpv6Route(text);
  assert.equal(routes.length, 3);
  assert.equal(routes[0]?.destination, "::1");
  assert.equal(routes[0]?.prefix, 128);
  assert.equal(routes[0]?.local, true);
  assert.equal(routes[1]?.destination, "fd00::");
  assert.equal(routes[1]?.prefix, 64);
  assert.equal(routes[2]?.gateway, "fe80::1");
  assert.equal(longestMatch("fd00::9", routes)?.interface, "eth0");
  assert.equal(longestMatch("fd00::9", routes)?.gateway, null);
  assert.equal(longestMatch("2001:db8::1", routes)?.gateway, "fe80::1");
});

test("maskArithmetic: address AND mask = network, IPv4 and IPv6", () => {
  assert.deepEqual(maskArithmetic("192.168.0.10", 24), {
    address: "192.168.0.10",
    mask: "255.255.255.0",
    prefix: 24,
    network: "192.168.0.0",
    cidr: "192.168.0.0/24",
  });
  assert.equal(maskArithmetic("10.1.130.7", 17).network, "10.1.128.0");
  assert.equal(maskArithmetic("fd00::1:2", 64).cidr, "fd00::/64");
});

const ETH0 = {
  lo: [
    {
      address: "127.0.0.1",
      netmask: "255.0.0.0",
      family: "IPv4" as const,
      mac: "",
      internal: true,
      cidr: "127.0.0.1/8",
    },
  ],
  eth0: [
    {
      address: "192.0.2.2",
      netmask: "255.255.255.0",
      family: "IPv4" as const,
      mac: "",
      internal: false,
      cidr: "192.0.2.2/24",
    },
  ],
};

test("routeTo: ip route get first, its kinds, and the kernel's words for no route", async () => {
  const answer = (stdout: string, code = 0, stderr = "") => ({
    ip: async () => ({ code, stdout, stderr }),
    interfaces: ETH0,
    platform: "linux" as const,
  });
  let r = await routeTo("192.0.2.2", answer("local 192.0.2.2 dev lo src 192.0.2.2 uid 0"));
  assert.equal(r.kind, "local");
  assert.equal(r.owner, "eth0");
  r = await routeTo("127.0.0.5", answer("local 127.0.0.5 dev lo src 127.0.0.1 uid 0"));
  assert.equal(r.kind, "loopback");
  r = await routeTo("192.0.2.9", answer("192.0.2.9 dev eth0 src 192.0.2.2 uid 0"));
  assert.equal(r.kind, "subnet");
  assert.equal(r.network?.cidr, "192.0.2.0/24");
  assert.equal(r.via, "ip route get");
  // A network routed onto eth0 with no address of ours in it: the mask comes from the routing table.
  r = await routeTo("10.5.0.9", {
    ip: async () => ({ code: 0, stdout: "10.5.0.9 dev eth0 src 192.0.2.2 uid 0", stderr: "" }),
    readFile: async () => PROC_ROUTE.replace("*\t0000050A\t00000000\t0201", "eth0\t0000050A\t00000000\t0001"),
    interfaces: ETH0,
    platform: "linux" as const,
  });
  assert.equal(r.network?.cidr, "10.5.0.0/24");
  r = await routeTo("198.51.100.1", answer("198.51.100.1 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0"));
  assert.equal(r.kind, "gateway");
  assert.equal(r.gateway, "192.0.2.1");
  r = await routeTo("10.9.9.9", answer("", 2, "RTNETLINK answers: Network is unreachable\n"));
  assert.equal(r.kind, "unreachable");
  assert.equal(r.reason, "Network is unreachable");
});

test("routeTo: without ip, /proc/net/route and the interface list decide, and say so", async () => {
  const probes = {
    ip: async () => null,
    readFile: async () => PROC_ROUTE,
    interfaces: ETH0,
    platform: "linux" as const,
  };
  let r = await routeTo("192.0.2.9", probes);
  assert.deepEqual(
    [r.kind, r.via, r.interface, r.network?.cidr, r.source],
    ["subnet", "/proc/net/route", "eth0", "192.0.2.0/24", "192.0.2.2"],
  );
  r = await routeTo("198.51.100.1", probes);
  assert.deepEqual([r.kind, r.gateway], ["gateway", "192.0.2.1"]);
  assert.equal((await routeTo("192.0.2.2", probes)).kind, "local");
  assert.equal((await routeTo("127.0.0.1", probes)).kind, "loopback");
  assert.equal((await routeTo("10.5.0.1", probes)).kind, "unreachable");
  r = await routeTo("fd00::1", { ...probes, readFile: async () => "" });
  assert.deepEqual([r.kind, r.via], ["unreachable", "/proc/net/ipv6_route"]);
});

test("routeTo: broadcast and multicast destinations are named as such, not as one host on a subnet", async () => {
  const answer = (stdout: string) => ({
    ip: async () => ({ code: 0, stdout, stderr: "" }),
    interfaces: ETH0,
    platform: "linux" as const,
  });
  // The kernel says broadcast: a subnet's, with its network, or the limited one, with none.
  let r = await routeTo("192.0.2.255", answer("broadcast 192.0.2.255 dev eth0 src 192.0.2.2 uid 0"));
  assert.deepEqual([r.kind, r.interface, r.network?.cidr], ["broadcast", "eth0", "192.0.2.0/24"]);
  r = await routeTo("255.255.255.255", answer("broadcast 255.255.255.255 dev eth0 src 192.0.2.2 uid 0"));
  assert.deepEqual([r.kind, r.interface, r.network], ["broadcast", "eth0", null]);
  // An address added without `brd`: the kernel routes its subnet's broadcast as unicast; the prefix tells.
  r = await routeTo("192.0.2.255", answer("192.0.2.255 dev eth0 src 192.0.2.2 uid 0"));
  assert.deepEqual([r.kind, r.network?.cidr], ["broadcast", "192.0.2.0/24"]);
  r = await routeTo("224.0.0.1", answer("multicast 224.0.0.1 dev eth0 src 192.0.2.2 uid 0"));
  assert.deepEqual([r.kind, r.interface, r.source], ["multicast", "eth0", "192.0.2.2"]);
  r = await routeTo(
    "ff02::1",
    answer("multicast ff02::1 from :: dev eth0 table local proto kernel src fe80::1 metric 256 pref medium"),
  );
  assert.equal(r.kind, "multicast");
  // Without ip: the same names, from the address and the interfaces' prefixes.
  const proc = {
    ip: async () => null,
    readFile: async () => PROC_ROUTE,
    interfaces: ETH0,
    platform: "linux" as const,
  };
  r = await routeTo("192.0.2.255", proc);
  assert.deepEqual(
    [r.kind, r.interface, r.network?.cidr, r.via],
    ["broadcast", "eth0", "192.0.2.0/24", "/proc/net/route"],
  );
  assert.equal((await routeTo("255.255.255.255", proc)).kind, "broadcast");
  assert.equal((await routeTo("239.1.2.3", proc)).kind, "multicast");
  // One host stays one host.
  assert.equal((await routeTo("192.0.2.254", proc)).kind, "subnet");
  assert.equal(
    (await routeTo("192.0.2.254", answer("192.0.2.254 dev eth0 src 192.0.2.2 uid 0"))).kind,
    "subnet",
  );
});

test("addressScope: each range, IPv4 and IPv6", () => {
  const cases: [string, string | undefined][] = [
    ["127.0.0.1", "loopback"],
    ["::1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["fd12::1", "private"],
    ["8.8.8.8", "public"],
    ["2606:4700::1", "public"],
    ["169.254.0.1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["192.0.2.1", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.9", "documentation"],
    ["2001:db8::1", "documentation"],
    ["::ffff:10.0.0.1", "private"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["0.0.0.0", "unspecified"],
    ["example.com", undefined],
  ];
  for (const [address, scope] of cases) assert.equal(addressScope(address), scope, address);
});

test("ports: the three ranges at their edges, and service names from a services(5) text", () => {
  assert.deepEqual([0, 1023, 1024, 49151, 49152, 65535].map(portRange), [
    "well-known",
    "well-known",
    "registered",
    "registered",
    "dynamic",
    "dynamic",
  ]);
  const names = parseServices(
    "# comment\n\necho\t\t7/tcp\necho\t\t7/udp\nsyslog\t\t514/udp\nssh\t\t22/tcp\t\t\t# SSH Remote Login\nhttp 80/tcp www\nwww-alt 80/tcp\nbad line\nbig 70000/tcp\n",
  );
  assert.equal(names.get(7), "echo");
  assert.equal(names.get(22), "ssh");
  assert.equal(names.get(80), "http");
  assert.equal(names.get(514), undefined);
  assert.equal(names.has(70000), false);
});
