/**
 * The Korean of `--trace` and `diagnose`, every entry rendered with sample
 * values: no English left in it beyond names, flags, values and code names.
 * (The server, client and error catalogues are checked in messages.test.ts,
 * ping's and bench's in their own tests.)
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { CONNECT_OUTCOMES } from "../client/diagnose.js";
import type { AddressScope } from "../net/address-scope.js";
import type { RouteSource } from "../net/route.js";
import { diagnoseMessages, toolFailure, type DiagnoseMessages } from "./diagnose.js";
import { englishWords } from "./english-words.js";
import { traceMessages, type TraceMessages } from "./trace.js";

const HANGUL = /[\uac00-\ud7a3]/;

/** Sample calls of every trace entry; the mapped type makes the compiler demand each key. */
const TRACE: { [K in keyof TraceMessages]: (m: TraceMessages) => string[] } = {
  tag: (m) => [m.tag],
  listeningSocket: (m) => [m.listeningSocket],
  communicationSocket: (m) => [m.communicationSocket],
  joinedListen: (m) => [m.joinedListen],
  appliedBacklog: (m) => [m.appliedBacklog(4096)],
  acceptedByLibuv: (m) => [m.acceptedByLibuv],
  acceptQueue: (m) => [m.acceptQueue(0), m.acceptQueue(3)],
  backpressure: (m) => [m.backpressure(1), m.backpressure(65_536)],
  streamQueued: (m) => [m.streamQueued(1), m.streamQueued(65_536)],
  clientFin: (m) => [m.clientFin],
  ourFin: (m) => [m.ourFin],
  lastAckOver: (m) => [m.lastAckOver],
  released: (m) => [m.released],
  gone: (m) => [m.gone],
  goneBy: (m) => [m.goneBy("netstat"), m.goneBy("Get-NetTCPConnection")],
  stateLate: (m) => [m.stateLate("TIME_WAIT", "netstat"), m.stateLate("ESTABLISHED", "Get-NetTCPConnection")],
  noState: (m) => [m.noState],
  noStateFrom: (m) => {
    const lang = m === traceMessages.ko ? "ko" : "en";
    return [
      m.noStateFrom("netstat -an -p tcp", toolFailure(lang, "missing")),
      m.noStateFrom("netstat -ano", toolFailure(lang, "timed-out")),
    ];
  },
  joinedConnect: (m) => [m.joinedConnect],
  ephemeral: (m) => [m.ephemeral("127.0.0.1:51234")],
  recvCalls: (m) => [m.recvCalls(1), m.recvCalls(3)],
  suppressed: (m) => [m.suppressed(20)],
  moreBytes: (m) => [m.moreBytes(1), m.moreBytes(65_521)],
  connectRefused: (m) => [m.connectRefused],
  connectTimedOut: (m) => [m.connectTimedOut("2 s")],
  recvnTimedOut: (m) => [m.recvnTimedOut("2 s")],
  recvnPeerClosed: (m) => [m.recvnPeerClosed(3, 12)],
  recvnReset: (m) => [m.recvnReset],
};

const SCOPES: readonly AddressScope[] = [
  "loopback",
  "private",
  "public",
  "link-local",
  "cgnat",
  "documentation",
  "multicast",
  "unspecified",
  "reserved",
];
const SOURCES: readonly RouteSource[] = [
  "ip route get",
  "/proc/net/route",
  "/proc/net/ipv6_route",
  "route -n get",
  "Find-NetRoute",
  "route print",
];
const FAILURES = ["missing", "denied", "failed", "timed-out", "unparsable"] as const;
const OUTCOMES = CONNECT_OUTCOMES;

/** Sample calls of every diagnose entry, with each scope, route source, reason and outcome. */
const DIAGNOSE: { [K in keyof DiagnoseMessages]: (m: DiagnoseMessages) => string[] } = {
  isAddress: (m) => [m.isAddress("127.0.0.1")],
  resolved: (m) => [m.resolved("localhost", ["127.0.0.1"]), m.resolved("example.org", ["192.0.2.1", "::1"])],
  nameNotFound: (m) => [m.nameNotFound("nosuch.example", "ENOTFOUND")],
  address: (m) => SCOPES.flatMap((s) => [m.address("192.0.2.1", 4, s), m.address("::1", 6, s)]),
  routeFrom: (m) => [
    ...SOURCES.map((s) => m.routeFrom(s)),
    ...FAILURES.map((f) => m.routeFrom("interfaces", ["Find-NetRoute", "route print"], [f, f])),
    m.routeFrom("interfaces", ["Find-NetRoute", "route print"], ["missing", "failed"]),
  ],
  routeHeading: (m) => [m.routeHeading],
  loopback: (m) => [m.loopback("lo")],
  local: (m) => [m.local("eth0"), m.local(null)],
  localNote: (m) => [m.localNote],
  subnet: (m) => [m.subnet("eth0", "192.168.0.7", "255.255.255.0", "192.168.0.0", "192.168.0.0/24")],
  subnetNoMask: (m) => [m.subnetNoMask("eth0")],
  gateway: (m) => [m.gateway("10.0.0.1", "eth0")],
  broadcast: (m) => [m.broadcast("eth0", "192.168.0.0/24"), m.broadcast("eth0", null)],
  multicast: (m) => [m.multicast("eth0", "224.0.0.0/4"), m.multicast("eth0", "ff00::/8")],
  unreachable: (m) =>
    [
      null,
      "Network is unreachable",
      "Invalid argument",
      "no route",
      "reject route",
      "unreachable",
      "blackhole",
      "prohibit",
      "not in table",
      "something the kernel says",
    ].map((r) => m.unreachable(r)),
  routeUnknown: (m) =>
    FAILURES.flatMap((f) => [
      m.routeUnknown(["route -n get"], [f]),
      m.routeUnknown(["Find-NetRoute", "route print"], [f, f]),
      m.routeUnknown(["Find-NetRoute", "route print"], ["missing", f]),
    ]),
  source: (m) => [m.source("192.168.0.7")],
  port: (m) => [
    m.port(80, "well-known", "http"),
    m.port(9000, "registered", null),
    m.port(50_000, "dynamic", null),
    m.port(9000, "registered", "cslistener", "IANA"),
    m.port(9001, "registered", null, "IANA"),
    m.port(80, "well-known", "http", "C:\\Windows\\System32\\drivers\\etc\\services"),
  ],
  outcome: (m) =>
    OUTCOMES.flatMap((o) => [
      m.outcome(o, "10.0.0.1:9000", "0.500", 0, null),
      m.outcome(o, "10.0.0.1:9000", "0.500", 3, "ECONNRESET"),
      m.outcome(o, "10.0.0.1:9000", "1.250", 0, "ERR_ECHO_MISMATCH"),
    ]),
  notTried: (m) => [m.notTried("10.0.0.1:9000")],
  noConnect: (m) => [m.noConnect],
};

function english(samples: Record<string, (m: never) => string[]>, m: unknown): string[] {
  return Object.entries(samples).flatMap(([key, sample]) =>
    sample(m as never)
      .filter((text) => englishWords(text).length > 0)
      .map((text) => `${key}: ${text} → ${englishWords(text).join(", ")}`),
  );
}

test("the Korean trace holds no English, a cut read's count included", () => {
  assert.deepEqual(english(TRACE, traceMessages.ko), []);
  assert.equal(traceMessages.ko.moreBytes(65_521), "(+65521바이트)");
  assert.equal(traceMessages.en.moreBytes(1), "(+1 byte)");
  for (const [key, sample] of Object.entries(TRACE))
    for (const text of sample(traceMessages.en)) assert.doesNotMatch(text, HANGUL, `en.${key}: ${text}`);
});

test("the Korean diagnose holds no English: every scope, route, reason and outcome", () => {
  assert.deepEqual(english(DIAGNOSE, diagnoseMessages.ko), []);
  for (const [key, sample] of Object.entries(DIAGNOSE))
    for (const text of sample(diagnoseMessages.en)) assert.doesNotMatch(text, HANGUL, `en.${key}: ${text}`);
});
