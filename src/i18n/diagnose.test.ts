import assert from "node:assert/strict";
import { test } from "node:test";
import { CONNECT_OUTCOMES } from "../client/diagnose.js";
import { diagnoseMessages } from "./diagnose.js";

test("diagnose's catalogue: no route in words, and every outcome in both languages", () => {
  const en = diagnoseMessages.en;
  const ko = diagnoseMessages.ko;
  assert.match(en.unreachable("Invalid argument"), /blackhole or prohibit route/);
  assert.match(ko.unreachable("Network is unreachable"), /맞는 경로가 없음/);
  assert.match(en.unreachable("throw"), /: throw$/);
  for (const o of CONNECT_OUTCOMES) {
    const e = en.outcome(o, "10.0.0.1:9000", "0.500", 0, "ECODE");
    const k = ko.outcome(o, "10.0.0.1:9000", "0.500", 0, "ECODE");
    assert.ok(e.startsWith("connect 10.0.0.1:9000: "), e);
    assert.ok(k.startsWith("접속 10.0.0.1:9000: "), k);
    assert.notEqual(e, k);
  }
  assert.equal(
    new Set(CONNECT_OUTCOMES.map((o) => en.outcome(o, "h:1", "1.000", 0, null))).size,
    CONNECT_OUTCOMES.length,
  );
});

test("diagnose's catalogue: broadcast and multicast are no one host, in both languages", () => {
  for (const m of [diagnoseMessages.en, diagnoseMessages.ko]) {
    const lines = [
      m.broadcast("eth0", "192.0.2.0/24"),
      m.broadcast("eth0", null),
      m.multicast("eth0", "224.0.0.0/4"),
    ];
    for (const line of lines) assert.match(line, /TCP/);
    assert.match(lines[0] ?? "", /192\.0\.2\.0\/24/);
    assert.match(lines[2] ?? "", /224\.0\.0\.0\/4/);
    assert.equal(new Set(lines).size, 3);
  }
  assert.match(diagnoseMessages.en.broadcast("eth0", null), /broadcast/);
  assert.match(diagnoseMessages.ko.multicast("eth0", "ff00::/8"), /멀티캐스트/);
  assert.doesNotMatch(diagnoseMessages.en.multicast("eth0", "ff00::/8"), /straight to the host/);
});

test("the well-known range on macOS says a specific address such as 127.0.0.1 needs root to bind", () => {
  const platform = Object.getOwnPropertyDescriptor(process, "platform")!;
  Object.defineProperty(process, "platform", { value: "darwin" });
  try {
    const en = diagnoseMessages.en.port(80, "well-known", "http");
    const ko = diagnoseMessages.ko.port(80, "well-known", "http");
    assert.match(
      en,
      /wildcard address 0\.0\.0\.0 or ::, but binding it on a specific address such as 127\.0\.0\.1 needs root/,
    );
    assert.match(ko, /127\.0\.0\.1 같은 특정 주소에 바인드하려면 root 권한이 필요/);
    assert.doesNotMatch(ko, /한 주소에는/);
  } finally {
    Object.defineProperty(process, "platform", platform);
  }
});
