import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { POWERSHELL_UTF8, type ToolRun, type ToolRunner } from "./os-tool.js";
import { routeTo } from "./route.js";
import { darwinDecision, parseDarwinRouteGet } from "./route-darwin.js";
import {
  findNetRouteCommand,
  parseFindNetRoute,
  parseRoutePrint,
  routePrintDecision,
} from "./route-windows.js";
import { GET_NET_TCP_CONNECTION } from "./tcp-table.js";

/** A recording of test/fixtures/os (tests run from dist/src/net). */
const recording = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/os/${name}`, import.meta.url), "utf8");

/** No interfaces of this machine: the tools' answers alone decide. */
const NONE = {};

/** A runner that answers each command with a recording (a command not listed is missing); it notes what was asked. */
function runner(answers: Record<string, ToolRun>): ToolRunner & { asked: string[] } {
  const asked: string[] = [];
  const run = async (command: string) => {
    asked.push(command);
    return answers[command] ?? { ok: false as const, failure: "missing" as const, stderr: "" };
  };
  return Object.assign(run, { asked });
}

const ok = (stdout: string, code = 0, stderr = "") => ({ ok: true as const, code, stdout, stderr });

test("macOS route -n get: each recording taken apart", () => {
  const gw = parseDarwinRouteGet(recording("darwin/route-get-gateway.txt"));
  assert.deepEqual(gw, {
    destination: "default",
    mask: "default",
    gateway: "192.168.1.1",
    interface: "en0",
    flags: ["UP", "GATEWAY", "DONE", "STATIC", "PRCLONING"],
  });
  assert.equal(parseDarwinRouteGet(recording("darwin/route-get-neighbour.txt"))?.mask, "255.255.255.0");
  assert.equal(parseDarwinRouteGet(recording("darwin/route-get-v6-gateway.txt"))?.gateway, "fe80::1%en0");
  assert.equal(parseDarwinRouteGet(""), undefined);
  assert.equal(parseDarwinRouteGet("Usage: route [-dnqtv] command [[modifiers] args]\n"), undefined);
});

test("macOS route decisions: loopback, own address, on-link neighbour with its mask, gateway, no route", () => {
  const d = (address: string, file: string) => darwinDecision(address, ok(recording(file)), NONE);
  let r = d("127.0.0.1", "darwin/route-get-loopback.txt");
  assert.deepEqual([r.kind, r.interface, r.via], ["loopback", "lo0", "route -n get"]);
  r = d("192.168.1.23", "darwin/route-get-own.txt");
  assert.deepEqual([r.kind, r.interface], ["local", "lo0"]);
  r = d("192.168.1.40", "darwin/route-get-neighbour.txt");
  assert.deepEqual(
    [r.kind, r.interface, r.network?.cidr, r.network?.mask],
    ["subnet", "en0", "192.168.1.0/24", "255.255.255.0"],
  );
  r = d("93.184.216.34", "darwin/route-get-gateway.txt");
  assert.deepEqual([r.kind, r.gateway, r.interface], ["gateway", "192.168.1.1", "en0"]);
  r = d("2001:db8:85a3::8a2e:370:7334", "darwin/route-get-v6-gateway.txt");
  assert.deepEqual([r.kind, r.gateway, r.interface], ["gateway", "fe80::1%en0", "en0"]);
  r = darwinDecision("10.9.9.9", ok("", 1, recording("darwin/route-get-none.stderr")), NONE);
  assert.deepEqual([r.kind, r.reason], ["unreachable", "not in table"]);
  r = darwinDecision("10.9.9.9", ok("something else\n", 0), NONE);
  assert.deepEqual([r.kind, r.failure], ["unknown", "unparsable"]);
});

test("routeTo on macOS asks route -n get (-inet6 for IPv6), and says so when route is missing", async () => {
  const run = runner({ route: ok(recording("darwin/route-get-gateway.txt")) });
  const r = await routeTo("93.184.216.34", { platform: "darwin", run, interfaces: NONE });
  assert.equal(r.kind, "gateway");
  const missing = await routeTo("93.184.216.34", { platform: "darwin", run: runner({}), interfaces: NONE });
  assert.deepEqual([missing.kind, missing.via, missing.failure], ["unknown", "route -n get", "missing"]);
  // What the address alone tells still holds without the tool: loopback, and this machine's own addresses.
  const lo = {
    lo0: [
      {
        address: "127.0.0.1",
        netmask: "255.0.0.0",
        family: "IPv4",
        mac: "",
        internal: true,
        cidr: "127.0.0.1/8",
      },
    ],
  };
  const en = {
    en0: [
      {
        address: "192.168.1.23",
        netmask: "255.255.255.0",
        family: "IPv4",
        mac: "",
        internal: false,
        cidr: "192.168.1.23/24",
      },
    ],
  };
  const loop = await routeTo("127.0.0.1", { platform: "darwin", run: runner({}), interfaces: lo as never });
  assert.deepEqual(
    [loop.kind, loop.via, loop.interface, loop.tried, loop.failure],
    ["loopback", "interfaces", "lo0", ["route -n get"], "missing"],
  );
  const own = await routeTo("192.168.1.23", { platform: "win32", run: runner({}), interfaces: en as never });
  assert.deepEqual(
    [own.kind, own.via, own.owner, own.tried],
    ["local", "interfaces", "en0", ["Find-NetRoute", "route print"]],
  );
});

test("Windows Find-NetRoute: each recording taken apart and decided", async () => {
  const got = parseFindNetRoute(recording("win32/find-netroute-gateway.json"));
  assert.deepEqual(got, {
    source: { address: "192.168.1.23", prefix: 24, interface: "Ethernet" },
    route: { destination: "0.0.0.0", prefix: 0, nextHop: "192.168.1.1", interface: "Ethernet" },
  });
  assert.equal(parseFindNetRoute("not json"), undefined);
  const cases: [string, string, string, string | null][] = [
    ["127.0.0.1", "loopback", "loopback", null],
    ["192.168.1.23", "own", "local", null],
    ["192.168.1.40", "neighbour", "subnet", "192.168.1.0/24"],
    ["192.168.1.255", "broadcast", "broadcast", "192.168.1.0/24"],
    ["93.184.216.34", "gateway", "gateway", null],
    ["2001:db8:2::1", "v6-gateway", "gateway", null],
  ];
  for (const [address, file, kind, cidr] of cases) {
    const run = runner({ powershell: ok(recording(`win32/find-netroute-${file}.json`)) });
    const r = await routeTo(address, { platform: "win32", run, interfaces: NONE });
    assert.equal(r.kind, kind, address);
    assert.equal(r.via, "Find-NetRoute");
    if (cidr !== null) assert.equal(r.network?.cidr, cidr, address);
    assert.deepEqual(run.asked, ["powershell"], "route print is not asked when PowerShell answered");
  }
  const gw = await routeTo("2001:db8:2::1", {
    platform: "win32",
    run: runner({ powershell: ok(recording("win32/find-netroute-v6-gateway.json")) }),
    interfaces: NONE,
  });
  assert.deepEqual([gw.gateway, gw.interface, gw.source], ["fe80::1", "Wi-Fi", "2001:db8:1::23"]);
  const none = await routeTo("10.9.9.9", {
    platform: "win32",
    run: runner({ powershell: ok("", 1, recording("win32/find-netroute-none.stderr")) }),
    interfaces: NONE,
  });
  assert.equal(none.kind, "unreachable");
  assert.match(none.reason ?? "", /^The network location cannot be reached/);
});

test("Windows route print: the active routes, IPv4 and IPv6 (a wrapped line joined), and the decisions", async () => {
  const rows = parseRoutePrint(recording("win32/route-print.txt"));
  assert.equal(rows.filter((r) => r.destination.includes(".")).length, 11);
  assert.deepEqual(rows[0], {
    interface: "192.168.1.23",
    destination: "0.0.0.0",
    prefix: 0,
    gateway: "192.168.1.1",
    reject: false,
    local: false,
    metric: 25,
  });
  const wrapped = rows.find((r) => r.destination === "fe80::1c2a:9f3e:4b5d:6c7e");
  assert.deepEqual([wrapped?.prefix, wrapped?.interface, wrapped?.gateway], [128, "If 12", null]);
  assert.equal(rows.find((r) => r.destination === "::")?.gateway, "fe80::1");
  const kinds = [
    "127.0.0.1",
    "192.168.1.23",
    "192.168.1.40",
    "192.168.1.255",
    "93.184.216.34",
    "224.0.0.251",
  ].map((a) => routePrintDecision(a, rows).kind);
  assert.deepEqual(kinds, ["loopback", "local", "subnet", "broadcast", "gateway", "multicast"]);
  assert.equal(routePrintDecision("192.168.1.40", rows).network?.cidr, "192.168.1.0/24");
  assert.equal(routePrintDecision("2001:db8:1::9", rows).kind, "subnet");
  assert.equal(routePrintDecision("2001:db8:2::9", rows).gateway, "fe80::1");
  // Without PowerShell, routeTo falls back to route print and says so; with neither, unknown and both named.
  const run = runner({ route: ok(recording("win32/route-print.txt")) });
  const r = await routeTo("93.184.216.34", { platform: "win32", run, interfaces: NONE });
  assert.deepEqual([r.kind, r.via, run.asked], ["gateway", "route print", ["powershell", "route"]]);
  const neither = await routeTo("93.184.216.34", { platform: "win32", run: runner({}), interfaces: NONE });
  assert.deepEqual(
    [neither.kind, neither.failure, neither.tried],
    ["unknown", "missing", ["Find-NetRoute", "route print"]],
  );
});

test("Windows route print in Korean (IPv4 경로 테이블, 연결됨), as written or in CP949 read as UTF-8: the same routes as in English", () => {
  const english = parseRoutePrint(recording("win32/route-print.txt"));
  assert.equal(english.length, 19);
  assert.deepEqual(parseRoutePrint(recording("win32/route-print-ko.txt")), english);
  assert.deepEqual(parseRoutePrint(recording("win32/route-print-ko.cp949.txt")), english);
  // An on-link word of more than one word, as other languages have, is no gateway either.
  const two = parseRoutePrint(
    "IPv4 Route Table\n=====\n   192.168.1.0    255.255.255.0     Auf Verbindung    192.168.1.23    281\n=====\n",
  );
  assert.deepEqual([two[0]?.prefix, two[0]?.gateway, two[0]?.interface], [24, null, "192.168.1.23"]);
});

test("Windows without Find-NetRoute: PowerShell's exit code says so in any language; each tool's own failure is kept", async () => {
  const missing = ok("", 127, "");
  const run = runner({ powershell: missing, route: ok(recording("win32/route-print-ko.txt")) });
  const r = await routeTo("93.184.216.34", { platform: "win32", run, interfaces: NONE });
  assert.deepEqual([r.kind, r.via, run.asked], ["gateway", "route print", ["powershell", "route"]]);
  const failed = await routeTo("93.184.216.34", {
    platform: "win32",
    run: runner({ route: ok("", 1) }),
    interfaces: NONE,
  });
  assert.deepEqual(
    [failed.kind, failed.tried, failed.failures, failed.failure],
    ["unknown", ["Find-NetRoute", "route print"], ["missing", "failed"], "failed"],
  );
});

test("the PowerShell commands set UTF-8 output first (PowerShell 5.1 writes the OEM code page) and look for Find-NetRoute by exit code", () => {
  for (const command of [findNetRouteCommand("192.0.2.1"), GET_NET_TCP_CONNECTION]) {
    assert.ok(command.startsWith(POWERSHELL_UTF8), command);
  }
  assert.match(
    findNetRouteCommand("192.0.2.1"),
    /Get-Command Find-NetRoute .*exit 127 .*Find-NetRoute -RemoteIPAddress '192\.0\.2\.1'/,
  );
});
