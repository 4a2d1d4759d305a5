import assert from "node:assert/strict";
import { test } from "node:test";
import { EchoError } from "../../net/echo-error.js";
import { FAULT_KIND_NAMES } from "../../net/error-text.js";
import { Bandwidth } from "./bandwidth.js";
import { ByteLimit } from "./byte-limit.js";
import { Corrupt } from "./corrupt.js";
import { Delay } from "./delay.js";
import { FaultBook } from "./plan.js";
import { Slice } from "./slice.js";
import { FAULT_KINDS, parseFault } from "./spec.js";

test("parseFault: each kind, its value, range and share; the text as written, trimmed, a missing value filled in", () => {
  const cases: [string, string, unknown][] = [
    ["hold=2s", "hold=2s", { ms: 2000 }],
    ["reset-after=1KiB", "reset-after=1KiB", { bytes: 1024 }],
    ["close-after", "close-after=0", { bytes: 0 }],
    ["stall-after=10", "stall-after=10", { bytes: 10 }],
    ["corrupt", "corrupt=1", { fraction: 1 }],
    ["corrupt=0.01", "corrupt=0.01", { fraction: 0.01 }],
    ["delay=200ms~50ms", "delay=200ms~50ms", { ms: 200, jitterMs: 50 }],
    ["slice=1-3:50ms", "slice=1-3:50ms", { min: 1, max: 3, gapMs: 50 }],
    ["SLICE=4", "slice=4", { min: 4, max: 4, gapMs: 0 }],
    ["bandwidth=64KiB/s", "bandwidth=64KiB/s", { bytesPerSecond: 65536 }],
    [" bandwidth=1MB/s ", "bandwidth=1MB/s", { bytesPerSecond: 1_000_000 }],
    ["slow-close=1s", "slow-close=1s", { ms: 1000 }],
  ];
  for (const [text, normal, params] of cases) {
    const spec = parseFault(text);
    assert.deepEqual(spec.params, params, text);
    assert.equal(spec.text, normal, text);
    assert.equal(spec.percent, 100);
    assert.equal(spec.range, null);
  }
  const scoped = parseFault("delay=200ms@10.0.0.0/8%25");
  assert.equal(scoped.range?.text, "10.0.0.0/8");
  assert.equal(scoped.percent, 25);
  assert.equal(scoped.text, "delay=200ms@10.0.0.0/8%25");
  assert.equal(parseFault("reset-after=5@::1").range?.text, "::1");
});

test("parseFault: what is wrong is named, as a usage error", () => {
  const bad: [string, string][] = [
    ["bogus", "unknown-kind"],
    ["delay", "value-missing"],
    ["delay=fast", "bad-value"],
    ["slice=5-2", "bad-value"],
    ["slice=0-2", "bad-value"],
    ["corrupt=1.5", "bad-value"],
    ["bandwidth=0", "bad-value"],
    ["reset-after=-1", "bad-value"],
    ["hold=1s@300.0.0.0/8", "bad-cidr"],
    ["hold=1s%101", "bad-percent"],
    ["hold=1s%-1", "bad-percent"],
    ["hold=1s%x", "bad-percent"],
  ];
  for (const [text, reason] of bad) {
    assert.throws(
      () => parseFault(text, "--fault"),
      (e: unknown) =>
        e instanceof EchoError &&
        e.isUsageError &&
        e.context.option === "--fault" &&
        e.context.fault?.reason === reason,
      text,
    );
  }
});

test("FaultBook.choose: by range, by chance rolled once, the last of a kind, in the stated order", () => {
  const book = new FaultBook(["slice=1-3", "delay=200ms@10.0.0.0/8", "delay=50ms@127.0.0.0/8", "hold=1s"]);
  const local = book.choose("127.0.0.1");
  assert.deepEqual(
    local?.specs.map((s) => s.text),
    ["hold=1s", "delay=50ms@127.0.0.0/8", "slice=1-3"],
  );
  assert.deepEqual(
    book.choose("10.1.2.3")?.specs.map((s) => s.kind),
    ["hold", "delay", "slice"],
  );
  assert.equal(new FaultBook(["delay=1s@10.0.0.0/8"]).choose("127.0.0.1"), null);
  assert.equal(new FaultBook(["delay=1s%0"]).choose("127.0.0.1"), null);
  // A chance of 30 %: the dice decide, once per connection.
  const rolls = [0.2, 0.5];
  const dice = new FaultBook(["delay=1s%30"], () => rolls.shift() ?? 0);
  assert.notEqual(dice.choose("127.0.0.1"), null);
  assert.equal(dice.choose("127.0.0.1"), null);
  // IPv4 clients of a dual-stack server, as Node names them, are in IPv4 ranges.
  assert.notEqual(new FaultBook(["hold=1s@127.0.0.0/8"]).choose("::ffff:127.0.0.1"), null);
  // Several byte limits: the fewest bytes acts.
  const limits = new FaultBook(["close-after=100", "reset-after=10", "stall-after=50"]).choose("::1");
  assert.equal(limits?.limit?.bytes, 10);
  assert.equal(limits?.limit?.action, "reset");
  assert.deepEqual([...FAULT_KINDS].slice(0, 2), ["hold", "reset-after"]);
});

test("the kinds, one job each", () => {
  const delay = new Delay(100, 0);
  assert.equal(delay.due(1000), 1100);
  assert.equal(new Delay(100, 50, () => 1).due(0), 150);
  // Order is kept: an echo never leaves before the one before it, whatever its jitter.
  const jittery = new Delay(
    100,
    50,
    (() => {
      const r = [1, 0];
      return () => r.shift() ?? 0;
    })(),
  );
  const first = jittery.due(0);
  assert.ok(jittery.due(1) >= first);

  const pieces = new Slice(2, 3, 0, () => 0.99).cut(Buffer.from("abcdefgh"));
  assert.deepEqual(pieces.map(String), ["abc", "def", "gh"]);

  const bw = new Bandwidth(1000);
  assert.equal(bw.burst, 20);
  assert.equal(bw.wait(20, 0), 0);
  assert.equal(bw.wait(20, 0), 20);
  assert.equal(bw.wait(20, 20), 0);

  const bytes = Buffer.from("hello");
  const offset = new Corrupt(1, () => 0.5).flip(bytes);
  assert.ok(offset >= 0 && offset < 5);
  const changed = [...bytes].map((b, i) => b ^ "hello".charCodeAt(i)).filter((x) => x !== 0);
  assert.equal(changed.length, 1);
  assert.equal(changed[0]! & (changed[0]! - 1), 0, "one bit");
  assert.equal(new Corrupt(0, () => 0.5).flip(Buffer.from("x")), -1);

  const limit = new ByteLimit(5, "reset");
  assert.equal(limit.take(3), 3);
  assert.equal(limit.reached, false);
  assert.equal(limit.take(4), 2);
  assert.equal(limit.reached, true);
  assert.equal(limit.take(4), 0);
});

test("the kinds a bad fault's message lists are the kinds there are, in their order", () => {
  assert.equal(FAULT_KIND_NAMES, FAULT_KINDS.join(", "));
});
