import assert from "node:assert/strict";
import { test } from "node:test";
import { Pattern } from "./pattern.js";

test("windows are contiguous across the period and match themselves", () => {
  const p = new Pattern(100, 1000);
  const w = p.window(3, p.period - 10, 100);
  assert.equal(w.length, 100);
  assert.equal(p.mismatches(3, p.period - 10, w, 0, 100), 0);
  // Positions wrap: offset + period is the same byte.
  assert.ok(p.window(3, 5, 50).equals(p.window(3, 5 + p.period, 50)));
});

test("different streams send different bytes, so crossed data is caught", () => {
  const p = new Pattern(512, 512);
  assert.ok(p.mismatches(1, 0, p.window(2, 0, 512), 0, 512) > 400);
  // Consecutive messages of one stream differ too, so reordering is caught.
  assert.ok(p.mismatches(1, 0, p.window(1, 512, 512), 0, 512) > 400);
});

test("mismatches counts exactly the bytes that differ", () => {
  const p = new Pattern(64, 64);
  const copy = Buffer.from(p.window(0, 0, 64));
  copy[0] = (copy[0] as number) ^ 1;
  copy[63] = (copy[63] as number) ^ 0xff;
  assert.equal(p.mismatches(0, 0, copy, 0, 64), 2);
});

test("advance and at agree with window", () => {
  const p = new Pattern(200, 256);
  let pos = p.position(9, 0);
  for (let i = 0; i < 1000; i++) pos = p.advance(pos, 200);
  assert.ok(p.at(pos, 100).equals(p.window(9, 200_000, 100)));
  // One message's view is made once and reused.
  assert.equal(p.at(pos, 200), p.at(pos, 200));
  assert.equal(p.messages, 1307); // the largest prime ≤ 256 KiB / 200 = 1310.72
});

test("a whole message checked in a reused buffer sees the buffer's current bytes", () => {
  const p = new Pattern(64, 64);
  const pos = p.position(5, 64 * 3);
  const reused = Buffer.alloc(1024);
  p.at(pos, 64).copy(reused);
  assert.equal(p.mismatchesAt(pos, reused, 0, 64), 0);
  // The same buffer, refilled with a corrupted copy: the check must not remember the last contents.
  reused[10] = (reused[10] as number) ^ 0x40;
  reused[20] = (reused[20] as number) ^ 0x01;
  assert.equal(p.mismatchesAt(pos, reused, 0, 64), 2);
  // The next message at the same place in the buffer.
  const next = p.advance(pos, 64);
  p.at(next, 64).copy(reused);
  assert.equal(p.mismatchesAt(next, reused, 0, 64), 0);
  assert.ok(p.mismatchesAt(pos, reused, 0, 64) > 40);
});
