import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { cidrContains, EchoError, parseCidr } from "tcpecho";

test("parseCidr reads ranges and single addresses, IPv4 and IPv6", () => {
  assert.equal(parseCidr("10.0.0.0/8").prefix, 8);
  assert.equal(parseCidr(" 192.168.1.7 ").prefix, 32);
  assert.equal(parseCidr("2001:db8::/32").kind, "ipv6");
  assert.equal(parseCidr("::1").prefix, 128);
});

test("parseCidr refuses what is not a range, naming the option", () => {
  for (const bad of [
    "10.0.0.0/33",
    "::/129",
    "10.0.0/8",
    "0x7f.1/8",
    "host/8",
    "",
    "10.0.0.1/",
    "1.2.3.4/-1",
  ]) {
    assert.throws(
      () => parseCidr(bad, "--deny"),
      (e: unknown) =>
        e instanceof EchoError && e.code === "ERR_INVALID_OPTION" && e.context.option === "--deny",
      bad,
    );
  }
});

test("cidrContains matches by prefix, IPv4-mapped IPv6 as IPv4, and never across families", () => {
  const lan = parseCidr("192.168.0.0/16");
  assert.equal(cidrContains(lan, "192.168.200.1"), true);
  assert.equal(cidrContains(lan, "192.169.0.1"), false);
  assert.equal(cidrContains(lan, "::ffff:192.168.0.9"), true);
  assert.equal(cidrContains(parseCidr("::/0"), "10.0.0.1"), false);
  assert.equal(cidrContains(parseCidr("fe80::/10"), "fe80::1%eth0"), true);
  assert.equal(cidrContains(lan, "not an address"), false);
});

test("a /n range contains exactly the addresses that share its first n bits", () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (a, b, n) => {
      const bits = (ip: string) =>
        ip
          .split(".")
          .map((o) => Number(o).toString(2).padStart(8, "0"))
          .join("");
      const same = bits(a).slice(0, n) === bits(b).slice(0, n);
      return cidrContains(parseCidr(`${a}/${n}`), b) === same;
    }),
  );
});
