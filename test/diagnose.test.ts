/**
 * `tcpecho diagnose` in a real topology, made for the test in network
 * namespaces with 10.71.0.0/16 addresses that exist only inside them:
 *
 *   client 10.71.1.2 ─┐
 *                     ├─ br0 10.71.1.1 [router, forwarding] 10.71.2.1 ── server 10.71.2.2
 *   neighbour 10.71.1.3 ┘
 *
 * The client's default route goes through the router; the neighbour has none.
 * The router drops 10.71.3.0/24 silently (a blackhole route: no ICMP), which
 * is how a filtered host looks from the client: a connect that times out.
 * No iptables needed.
 */

import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { portRange } from "tcpecho";
import {
  CLI,
  cleanEnv,
  freePort,
  runCli,
  startCli,
  startCliServer,
  stopCli,
  type RunningCli,
} from "./helpers.js";
import { deleteNamespaces, ip, netnsTagOrSkip } from "./netns.js";

/** The parts of diagnose's JSON the test reads. */
interface DiagnoseJson {
  route: Record<string, unknown>;
  address: Record<string, unknown>;
  port: unknown;
  connect: Record<string, unknown> | null;
  addresses: { address: string; route: { kind: string }; connect: { outcome: string } | null }[];
}

interface Run {
  code: number | null;
  json: DiagnoseJson;
  stdout: string;
  stderr: string;
}

/** `tcpecho diagnose ARGS --json` inside a namespace; the last line parsed. */
function diagnoseIn(ns: string, ...args: string[]): Run {
  const r = spawnSync("ip", ["netns", "exec", ns, process.execPath, CLI, "diagnose", ...args, "--json"], {
    encoding: "utf8",
    timeout: 15_000,
    env: cleanEnv(),
  });
  const last = r.stdout.trim().split("\n").at(-1) ?? "";
  let json: DiagnoseJson = { route: {}, address: {}, port: null, connect: null, addresses: [] };
  try {
    json = JSON.parse(last) as DiagnoseJson;
  } catch {
    assert.fail(`no JSON from diagnose ${args.join(" ")}: ${r.stdout} ${r.stderr}`);
  }
  return { code: r.status, json, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Two servers that are not echo servers: one answers every read with the
 * bytes upper-cased, the other resets the connection when data arrives.
 */
const NOT_ECHO = `
const net = require("node:net");
const upper = net.createServer((c) => c.on("data", (d) => c.write(d.toString().toUpperCase())).on("error", () => {}));
const reset = net.createServer((c) => c.on("data", () => c.resetAndDestroy()).on("error", () => {}));
upper.listen(0, process.argv[1], () =>
  reset.listen(0, process.argv[1], () => console.log("ports " + upper.address().port + " " + reset.address().port)),
);
`;

test(
  "diagnose: every route kind and connect outcome in a namespace topology",
  { timeout: 60_000 },
  async (t) => {
    const tag = netnsTagOrSkip(t);
    if (tag === undefined) return;
    const ns = {
      client: `tcpecho-dg-c-${tag}`,
      router: `tcpecho-dg-r-${tag}`,
      server: `tcpecho-dg-s-${tag}`,
      neighbour: `tcpecho-dg-n-${tag}`,
    };
    const nameDir = `/etc/netns/${ns.client}`;
    let server: RunningCli | undefined;
    let other: ChildProcess | undefined;
    try {
      for (const n of Object.values(ns)) {
        ip("netns", "add", n);
        ip("-n", n, "link", "set", "lo", "up");
      }
      ip("-n", ns.router, "link", "add", "br0", "type", "bridge");
      for (const [n, addr, name] of [
        [ns.client, "10.71.1.2/24", "c"],
        [ns.neighbour, "10.71.1.3/24", "n"],
      ] as const) {
        ip(
          "link",
          "add",
          `tdg${name}${tag}`,
          "netns",
          n,
          "type",
          "veth",
          "peer",
          "name",
          `tdg${name}r${tag}`,
          "netns",
          ns.router,
        );
        ip("-n", n, "addr", "add", addr, "dev", `tdg${name}${tag}`);
        ip("-n", n, "link", "set", `tdg${name}${tag}`, "up");
        ip("-n", ns.router, "link", "set", `tdg${name}r${tag}`, "master", "br0");
        ip("-n", ns.router, "link", "set", `tdg${name}r${tag}`, "up");
      }
      ip("-n", ns.router, "addr", "add", "10.71.1.1/24", "dev", "br0");
      ip("-n", ns.router, "link", "set", "br0", "up");
      ip(
        "link",
        "add",
        `tdgs${tag}`,
        "netns",
        ns.server,
        "type",
        "veth",
        "peer",
        "name",
        `tdgsr${tag}`,
        "netns",
        ns.router,
      );
      ip("-n", ns.server, "addr", "add", "10.71.2.2/24", "dev", `tdgs${tag}`);
      ip("-n", ns.server, "link", "set", `tdgs${tag}`, "up");
      ip("-n", ns.router, "addr", "add", "10.71.2.1/24", "dev", `tdgsr${tag}`);
      ip("-n", ns.router, "link", "set", `tdgsr${tag}`, "up");
      ip("-n", ns.client, "route", "add", "default", "via", "10.71.1.1");
      ip("-n", ns.server, "route", "add", "default", "via", "10.71.2.1");
      ip("-n", ns.router, "route", "add", "blackhole", "10.71.3.0/24");
      ip("netns", "exec", ns.router, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");
      // `ip netns exec` puts /etc/netns/NAME/{hosts,resolv.conf} in place of /etc's: names of the test's own,
      // and a resolver on the namespace's loopback where nothing listens, so an unknown name fails at once.
      mkdirSync(nameDir, { recursive: true });
      writeFileSync(`${nameDir}/hosts`, "127.0.0.1 localhost\n10.71.1.3 both.test\n10.71.2.2 both.test\n");
      writeFileSync(`${nameDir}/resolv.conf`, "nameserver 127.0.0.1\noptions attempts:1 timeout:1\n");

      server = startCli(["serve", "--host", "10.71.2.2", "--port", "0"], cleanEnv(), [
        "ip",
        "netns",
        "exec",
        ns.server,
      ]);
      const echoPort = /10\.71\.2\.2:(\d+)/.exec(await server.waitFor(/10\.71\.2\.2:(\d+)/))?.[1] ?? "";
      other = spawn("ip", ["netns", "exec", ns.server, process.execPath, "-e", NOT_ECHO, "10.71.2.2"], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const [otherPort, resetPort] = await new Promise<[string, string]>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error("the not-echo server did not start in 10 s")),
          10_000,
        );
        other?.stdout?.on("data", (b: Buffer) => {
          const m = /ports (\d+) (\d+)/.exec(b.toString());
          if (m) {
            clearTimeout(timer);
            resolve([m[1] ?? "", m[2] ?? ""]);
          }
        });
      });

      // Loopback.
      let r = diagnoseIn(ns.client, "127.0.0.1", "--no-connect");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.route.kind, "loopback");
      assert.equal(r.json.route.interface, "lo");
      assert.equal(r.json.route.via, "ip route get");
      assert.equal(r.json.address.scope, "loopback");
      assert.equal(r.json.connect, null);

      // One of the client's own addresses: delivered inside, on lo.
      r = diagnoseIn(ns.client, "10.71.1.2", "--no-connect");
      assert.equal(r.json.route.kind, "local");
      assert.equal(r.json.route.interface, "lo");
      assert.equal(r.json.route.owner, `tdgc${tag}`);
      assert.equal(r.json.address.scope, "private");

      // The neighbour: on the client's subnet, no gateway; nothing listens there.
      r = diagnoseIn(ns.client, "10.71.1.3", "7", "--timeout", "2s");
      assert.equal(r.json.route.kind, "subnet");
      assert.equal(r.json.route.network, "10.71.1.0/24");
      assert.equal(r.json.route.mask, "255.255.255.0");
      assert.equal(r.json.route.interface, `tdgc${tag}`);
      assert.equal(r.json.route.gateway, null);
      assert.equal(r.json.route.source, "10.71.1.2");
      assert.deepEqual(r.json.port, { number: 7, range: "well-known", service: "echo" });
      assert.equal(r.json.connect?.outcome, "refused");
      assert.equal(r.json.connect?.ok, false);
      assert.equal(r.code, 1);

      // The server beyond the router: echoed.
      r = diagnoseIn(ns.client, `10.71.2.2:${echoPort}`);
      assert.equal(r.json.route.kind, "gateway");
      assert.equal(r.json.route.gateway, "10.71.1.1");
      assert.equal(r.json.route.interface, `tdgc${tag}`);
      assert.equal(r.json.route.source, "10.71.1.2");
      assert.equal(r.json.connect?.outcome, "echoed", r.stdout);
      assert.equal(r.json.connect?.ok, true);
      assert.equal(typeof r.json.connect?.rttMs, "number");
      assert.equal(r.code, 0);

      // A server that answers, but not with the same bytes.
      r = diagnoseIn(ns.client, "10.71.2.2", otherPort);
      assert.equal(r.json.connect?.outcome, "not-echo", r.stdout);
      assert.equal(r.json.connect?.code, "ERR_ECHO_MISMATCH");
      assert.equal(r.code, 1);

      // A server that aborts the connection.
      r = diagnoseIn(ns.client, "10.71.2.2", resetPort);
      assert.equal(r.json.connect?.outcome, "reset", r.stdout);
      assert.equal(r.code, 1);

      // Dropped silently at the router: the connect times out.
      const t0 = Date.now();
      r = diagnoseIn(ns.client, "10.71.3.5", "--timeout", "1s");
      assert.equal(r.json.route.kind, "gateway");
      assert.equal(r.json.connect?.outcome, "timed-out", r.stdout);
      assert.equal(r.code, 1);
      assert.ok(Date.now() - t0 < 10_000, "the timeout bounds the wait");

      // No route at all: the neighbour has no default route.
      r = diagnoseIn(ns.neighbour, "10.71.9.9");
      assert.equal(r.json.route.kind, "unreachable");
      assert.match(String(r.json.route.reason), /unreachable/i);
      assert.equal(r.json.connect?.outcome, "no-route", r.stdout);
      assert.equal(r.code, 1);

      // A name with two addresses: the first refuses, the second echoes, and that one counts.
      r = diagnoseIn(ns.client, "both.test", echoPort);
      assert.equal(r.code, 0, r.stdout);
      assert.deepEqual(
        r.json.addresses.map((a) => [a.address, a.route.kind, a.connect?.outcome]),
        [
          ["10.71.1.3", "subnet", "refused"],
          ["10.71.2.2", "gateway", "echoed"],
        ],
      );
      assert.equal(r.json.route.kind, "subnet", "the top level describes the first address");
      assert.equal(r.json.connect?.outcome, "echoed");

      // A name nobody knows: exit 1, whether it was to be connected to or not.
      r = diagnoseIn(ns.client, "nobody.test");
      assert.equal(r.code, 1);
      assert.equal(r.json.connect?.outcome, "name-not-found");
      assert.deepEqual(r.json.addresses, []);
      r = diagnoseIn(ns.client, "nobody.test", "--no-connect");
      assert.equal(r.code, 1, r.stdout);
      assert.deepEqual(r.json.addresses, []);

      // No one host: the subnet's broadcast address (its address was added without `brd`, so only
      // the prefix tells), the limited broadcast, a multicast group.
      r = diagnoseIn(ns.client, "10.71.1.255", "--no-connect");
      assert.equal(r.json.route.kind, "broadcast", r.stdout);
      assert.equal(r.json.route.network, "10.71.1.0/24");
      assert.equal(r.json.route.interface, `tdgc${tag}`);
      assert.equal(diagnoseIn(ns.client, "255.255.255.255", "--no-connect").json.route.kind, "broadcast");
      assert.equal(diagnoseIn(ns.client, "224.0.0.1", "--no-connect").json.route.kind, "multicast");
      for (const [host, en, ko] of [
        [
          "10.71.1.255",
          /broadcast address of the network 10\.71\.1\.0\/24 .*not to one host/,
          /브로드캐스트 주소/,
        ],
        ["224.0.0.1", /multicast: a group address \(224\.0\.0\.0\/4\)/, /멀티캐스트: 그룹 주소/],
      ] as const) {
        for (const [lang, pattern] of [
          ["en", en],
          ["ko", ko],
        ] as const) {
          const said = spawnSync(
            "ip",
            [
              "netns",
              "exec",
              ns.client,
              process.execPath,
              CLI,
              "diagnose",
              host,
              "--no-connect",
              "--lang",
              lang,
            ],
            { encoding: "utf8", timeout: 15_000, env: cleanEnv() },
          );
          assert.equal(said.status, 0, said.stderr);
          assert.match(said.stdout, pattern);
          assert.doesNotMatch(said.stdout, /straight to the host|바로 보냅니다/);
        }
      }

      // Words, in Korean: the mask arithmetic and the gateway.
      const words = spawnSync(
        "ip",
        [
          "netns",
          "exec",
          ns.client,
          process.execPath,
          CLI,
          "diagnose",
          "10.71.1.3",
          "--no-connect",
          "--lang",
          "ko",
        ],
        { encoding: "utf8", timeout: 15_000, env: cleanEnv() },
      );
      assert.equal(words.status, 0, words.stderr);
      assert.match(words.stdout, /10\.71\.1\.3 AND 서브넷 마스크 255\.255\.255\.0 = 10\.71\.1\.0/);
      assert.match(words.stdout, /게이트웨이 없이/);
    } finally {
      other?.kill("SIGKILL");
      if (server !== undefined) await stopCli(server);
      deleteNamespaces(Object.values(ns));
      rmSync(nameDir, { recursive: true, force: true });
    }
  },
);

test("diagnose on loopback: echoed against tcpecho serve, refused without it, in English and Korean", async () => {
  const server = await startCliServer();
  try {
    const echoed = await runCli(["diagnose", "127.0.0.1", String(server.port), "--json"]);
    assert.equal(echoed.code, 0, echoed.stderr);
    const json = JSON.parse(echoed.stdout.toString().trim().split("\n").at(-1) ?? "") as DiagnoseJson;
    assert.equal(json.route.kind, "loopback");
    assert.equal(json.address.scope, "loopback");
    assert.deepEqual(json.port, { number: server.port, range: portRange(server.port), service: null });
    assert.equal(json.connect?.ok, true);
    assert.equal(typeof json.connect?.rttMs, "number");
    const ko = await runCli(["diagnose", `127.0.0.1:${server.port}`, "--lang", "ko"]);
    assert.equal(ko.code, 0, ko.stderr);
    assert.match(ko.stdout.toString(), /루프백: lo 인터페이스로 전달되며/);
    assert.match(ko.stdout.toString(), /에코 성공, 프로브가 \d+\.\d{3}밀리초 만에 돌아왔습니다/);
  } finally {
    await stopCli(server);
  }
  const port = await freePort();
  const refused = await runCli(["diagnose", "127.0.0.1", String(port)]);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout.toString(), /refused, nothing listens on that port/);
  const skipped = await runCli(["diagnose", "::1", String(port), "--no-connect"]);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stdout.toString(), /address ::1 \(IPv6\): loopback/);
});

test("diagnose: bad input is one line and exit code 2", async () => {
  for (const args of [
    ["diagnose", ":0"],
    ["diagnose", "1.2.3.4.5"],
    ["diagnose", "127.0.0.1", "70000"],
    ["diagnose", "127.0.0.1:9000", "9001"],
    ["diagnose", "127.0.0.1", "--timeout", "soon"],
  ]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.equal(r.stdout.length, 0);
  }
});
