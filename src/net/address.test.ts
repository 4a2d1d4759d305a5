/** Ports, hosts and HOST:PORT as people type them. */

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  DEFAULT_PORT,
  isWellKnownPort,
  parseAddress,
  parseHost,
  parseHostPort,
  parsePort,
} from "./address.js";
import { EchoError, type EchoErrorCode } from "./echo-error.js";

/** Asserts that `fn` throws an EchoError with `code` (and, if given, the offending `value`). */
function throwsCode(fn: () => unknown, code: EchoErrorCode, value?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EchoError, `expected an EchoError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (value !== undefined) assert.equal(err.context.value, value);
    return true;
  });
}

/** Runs `fn` and accepts any outcome except a throw of something other than an EchoError with `code`. */
function onlyEchoErrors(fn: () => unknown, code: EchoErrorCode): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof EchoError, `threw a non-EchoError: ${String(err)}`);
    assert.equal(err.code, code);
  }
}

test("DEFAULT_PORT is the lecture notes' 9000", () => {
  assert.equal(DEFAULT_PORT, 9000);
});

test("parsePort accepts whole numbers from 0 to 65535, from strings and numbers", () => {
  assert.equal(parsePort("9000"), 9000);
  assert.equal(parsePort("0"), 0);
  assert.equal(parsePort("65535"), 65535);
  assert.equal(parsePort("1", 1), 1);
  assert.equal(parsePort(7), 7);
  assert.equal(parsePort("00080"), 80);
});

test("parsePort trims surrounding whitespace", () => {
  assert.equal(parsePort(" 80 "), 80);
  assert.equal(parsePort("\t443\n", 1), 443);
});

test("parsePort: 0 is allowed with min 0 (any free port) and refused with min 1", () => {
  assert.equal(parsePort("0", 0), 0);
  throwsCode(() => parsePort("0", 1), "ERR_INVALID_PORT", "0");
  throwsCode(() => parsePort(0, 1), "ERR_INVALID_PORT", "0");
});

test("parsePort rejects out-of-range, signed, empty and non-decimal values", () => {
  for (const bad of [
    "70000",
    "65536",
    "abc",
    "-1",
    "+80",
    "",
    "   ",
    "8.0",
    "1e3",
    "0x50",
    "80a",
    "8 0",
    "123456",
    "٠",
  ]) {
    throwsCode(() => parsePort(bad), "ERR_INVALID_PORT", bad);
  }
  throwsCode(() => parsePort(80.5), "ERR_INVALID_PORT", "80.5");
  throwsCode(() => parsePort(-1), "ERR_INVALID_PORT", "-1");
  throwsCode(() => parsePort(Number.NaN), "ERR_INVALID_PORT", "NaN");
});

test("parsePort's error names the value and the range", () => {
  assert.throws(() => parsePort("70000"), {
    name: "EchoError",
    code: "ERR_INVALID_PORT",
    message: "give a port number from 0 to 65535, not '70000'",
  });
  assert.throws(() => parsePort("0", 1), { message: /from 1 to 65535/ });
});

test("parsePort: every port in range round-trips; everything above is refused", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 65535 }), (n) => {
      assert.equal(parsePort(String(n)), n);
      assert.equal(parsePort(n), n);
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 65536, max: 99999 }), (n) =>
      throwsCode(() => parsePort(String(n)), "ERR_INVALID_PORT"),
    ),
  );
});

test("parseHost accepts IPv4 literals", () => {
  assert.equal(parseHost("127.0.0.1"), "127.0.0.1");
  assert.equal(parseHost("0.0.0.0"), "0.0.0.0");
  assert.equal(parseHost("255.255.255.255"), "255.255.255.255");
  assert.equal(parseHost(" 10.0.0.1 "), "10.0.0.1");
});

test("parseHost rejects all-numeric names that are not four-part IPv4", () => {
  for (const bad of [
    "300.1.1.1",
    "1.2.3",
    "1.2.3.4.5",
    "01.2.3.4",
    "256.0.0.0",
    "1..2.3",
    "1.2.3.4.",
    "123",
    ".",
  ]) {
    throwsCode(() => parseHost(bad), "ERR_INVALID_HOST", bad);
  }
});

test("parseHost accepts IPv6 with and without brackets, and strips the brackets", () => {
  assert.equal(parseHost("::1"), "::1");
  assert.equal(parseHost("[::1]"), "::1");
  assert.equal(parseHost("::"), "::");
  assert.equal(parseHost("2001:db8::10"), "2001:db8::10");
  assert.equal(parseHost("[2001:db8:0:0:0:0:0:10]"), "2001:db8:0:0:0:0:0:10");
  assert.equal(parseHost("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
});

test("parseHost keeps an IPv6 zone id", () => {
  assert.equal(parseHost("fe80::1%eth0"), "fe80::1%eth0");
  assert.equal(parseHost("[fe80::1%eth0]"), "fe80::1%eth0");
  assert.equal(parseHost("fe80::1%wlp2s0.100"), "fe80::1%wlp2s0.100");
  throwsCode(() => parseHost("fe80::1%"), "ERR_INVALID_HOST");
  throwsCode(() => parseHost("fe80::1%eth 0"), "ERR_INVALID_HOST");
});

test("parseHost rejects malformed IPv6", () => {
  for (const bad of [
    "1::2::3",
    ":",
    ":::",
    "::1::",
    "12345::1",
    "::g",
    "[::1",
    "::1]",
    "[[::1]]",
    "1:2:3:4:5:6:7:8:9",
    "[localhost]",
    "[127.0.0.1]",
  ]) {
    throwsCode(() => parseHost(bad), "ERR_INVALID_HOST", bad);
  }
});

test("parseHost accepts host names in RFC 1123 shape, with an optional final dot", () => {
  for (const ok of [
    "localhost",
    "example.com",
    "a.b.c",
    "xn--bcher-kva.example",
    "host-1",
    "1host",
    "EXAMPLE.Org",
    "localhost.",
  ]) {
    assert.equal(parseHost(ok), ok);
  }
  assert.equal(parseHost("  localhost\t"), "localhost");
});

test("parseHost rejects names with spaces, bad hyphens, empty labels or non-ASCII", () => {
  for (const bad of [
    "",
    " ",
    "a b",
    "-bad-.com",
    "bad-.com",
    "-bad.com",
    "a..b",
    ".a",
    "a_b.com",
    "é.com",
    "host:",
    "[]",
    "local host",
  ]) {
    throwsCode(() => parseHost(bad), "ERR_INVALID_HOST", bad);
  }
});

test("parseHost enforces 63-character labels and 253-character names", () => {
  const label63 = "a".repeat(63);
  assert.equal(parseHost(`${label63}.com`), `${label63}.com`);
  throwsCode(() => parseHost(`${"a".repeat(64)}.com`), "ERR_INVALID_HOST");

  // 4 labels of 63 + 3 dots = 255; trim to exactly 253 and 254.
  const name253 = `${label63}.${label63}.${label63}.${"a".repeat(61)}`;
  assert.equal(name253.length, 253);
  assert.equal(parseHost(name253), name253);
  assert.equal(parseHost(`${name253}.`), `${name253}.`);
  throwsCode(() => parseHost(`${name253}a`), "ERR_INVALID_HOST");
});

test("parseHost's error names the value as given", () => {
  assert.throws(() => parseHost("a b"), {
    code: "ERR_INVALID_HOST",
    message: /^give an IP address .*, not 'a b'$/,
  });
});

test("parseHost returns generated IPv4, IPv6 and domain names unchanged", () => {
  fc.assert(fc.property(fc.ipV4(), (ip) => assert.equal(parseHost(ip), ip)));
  fc.assert(fc.property(fc.ipV6(), (ip) => assert.equal(parseHost(ip), ip)));
  fc.assert(fc.property(fc.ipV6(), (ip) => assert.equal(parseHost(`[${ip}]`), ip)));
  fc.assert(fc.property(fc.domain(), (name) => assert.equal(parseHost(name), name)));
});

test("parseHostPort splits HOST:PORT", () => {
  assert.deepEqual(parseHostPort("127.0.0.1:9000"), { host: "127.0.0.1", port: 9000 });
  assert.deepEqual(parseHostPort("localhost:7"), { host: "localhost", port: 7 });
  assert.deepEqual(parseHostPort(" example.com:65535 "), { host: "example.com", port: 65535 });
});

test("parseHostPort leaves the port undefined when none is given", () => {
  assert.deepEqual(parseHostPort("127.0.0.1"), { host: "127.0.0.1", port: undefined });
  assert.deepEqual(parseHostPort("localhost"), { host: "localhost", port: undefined });
});

test("parseHostPort: [IPv6]:PORT, [IPv6] and bare IPv6", () => {
  assert.deepEqual(parseHostPort("[::1]:9000"), { host: "::1", port: 9000 });
  assert.deepEqual(parseHostPort("[fe80::1%eth0]:7"), { host: "fe80::1%eth0", port: 7 });
  assert.deepEqual(parseHostPort("[::1]"), { host: "::1", port: undefined });
  assert.deepEqual(parseHostPort("::1"), { host: "::1", port: undefined });
  assert.deepEqual(parseHostPort("2001:db8::1"), { host: "2001:db8::1", port: undefined });
});

test("parseHostPort needs a real destination port (1 to 65535)", () => {
  throwsCode(() => parseHostPort("localhost:0"), "ERR_INVALID_PORT", "0");
  throwsCode(() => parseHostPort("[::1]:0"), "ERR_INVALID_PORT", "0");
  throwsCode(() => parseHostPort("127.0.0.1:70000"), "ERR_INVALID_PORT", "70000");
  throwsCode(() => parseHostPort("[::1]:70000"), "ERR_INVALID_PORT", "70000");
  throwsCode(() => parseHostPort("127.0.0.1:"), "ERR_INVALID_PORT", "");
  throwsCode(() => parseHostPort("[::1]:"), "ERR_INVALID_PORT", "");
  throwsCode(() => parseHostPort("host:http"), "ERR_INVALID_PORT", "http");
});

test("parseHostPort rejects a bad host part with ERR_INVALID_HOST", () => {
  throwsCode(() => parseHostPort(":9000"), "ERR_INVALID_HOST", "");
  throwsCode(() => parseHostPort("300.1.1.1:9000"), "ERR_INVALID_HOST", "300.1.1.1");
  throwsCode(() => parseHostPort("[::1]x"), "ERR_INVALID_HOST");
  throwsCode(() => parseHostPort("a:b:c"), "ERR_INVALID_HOST");
  throwsCode(() => parseHostPort("[nonsense::::]:80"), "ERR_INVALID_HOST");
  throwsCode(() => parseHostPort(""), "ERR_INVALID_HOST");
});

test("parseHostPort round-trips generated addresses and ports", () => {
  const port = fc.integer({ min: 1, max: 65535 });
  fc.assert(
    fc.property(fc.ipV4(), port, (ip, p) =>
      assert.deepEqual(parseHostPort(`${ip}:${p}`), { host: ip, port: p }),
    ),
  );
  fc.assert(
    fc.property(fc.ipV6(), port, (ip, p) =>
      assert.deepEqual(parseHostPort(`[${ip}]:${p}`), { host: ip, port: p }),
    ),
  );
  fc.assert(
    fc.property(fc.domain(), port, (name, p) =>
      assert.deepEqual(parseHostPort(`${name}:${p}`), { host: name, port: p }),
    ),
  );
});

test("parseAddress: every way an address is written, :PORT included, each part optional", () => {
  assert.deepEqual(parseAddress("127.0.0.1:9000"), { host: "127.0.0.1", port: 9000 });
  assert.deepEqual(parseAddress(":9000"), { host: undefined, port: 9000 });
  assert.deepEqual(parseAddress(" :7 "), { host: undefined, port: 7 });
  assert.deepEqual(parseAddress("[::1]:9000"), { host: "::1", port: 9000 });
  assert.deepEqual(parseAddress("[::1]"), { host: "::1", port: undefined });
  assert.deepEqual(parseAddress("::"), { host: "::", port: undefined });
  assert.deepEqual(parseAddress("localhost"), { host: "localhost", port: undefined });
  // Where something listens, port 0 (any free port) is a port; for a destination it is not.
  assert.deepEqual(parseAddress("0.0.0.0:0", 0), { host: "0.0.0.0", port: 0 });
  throwsCode(() => parseAddress(":0"), "ERR_INVALID_PORT", "0");
  throwsCode(() => parseAddress(":"), "ERR_INVALID_PORT", "");
  throwsCode(() => parseAddress(":http"), "ERR_INVALID_PORT", "http");
  throwsCode(() => parseAddress("300.1.1.1:9000"), "ERR_INVALID_HOST", "300.1.1.1");
  throwsCode(() => parseAddress(""), "ERR_INVALID_HOST", "");
});

/** Strings made mostly of the characters the parsers branch on, to reach deep paths. */
const addressish = fc.string({
  unit: fc.constantFrom(..."0123456789abcdefxz.:[]%-_ \t", "ffff", "::", "127.0.0.1", "é", "\u0000"),
  maxLength: 30,
});

test("parseHost, parsePort and parseHostPort throw nothing but their EchoError for any string", () => {
  for (const arb of [
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.string({ unit: "grapheme" }),
    addressish,
  ]) {
    fc.assert(
      fc.property(arb, (s) => {
        onlyEchoErrors(() => parseHost(s), "ERR_INVALID_HOST");
        onlyEchoErrors(() => parsePort(s), "ERR_INVALID_PORT");
        onlyEchoErrors(() => parsePort(s, 1), "ERR_INVALID_PORT");
        try {
          const r = parseAddress(s, 0);
          assert.ok(r.host !== undefined || r.port !== undefined);
        } catch (err) {
          assert.ok(err instanceof EchoError, `threw a non-EchoError: ${String(err)}`);
          assert.ok(err.code === "ERR_INVALID_HOST" || err.code === "ERR_INVALID_PORT", err.code);
        }
        try {
          const r = parseHostPort(s);
          assert.equal(typeof r.host, "string");
          assert.ok(r.port === undefined || (Number.isInteger(r.port) && r.port >= 1 && r.port <= 65535));
        } catch (err) {
          assert.ok(err instanceof EchoError, `threw a non-EchoError: ${String(err)}`);
          assert.ok(err.code === "ERR_INVALID_HOST" || err.code === "ERR_INVALID_PORT", err.code);
        }
      }),
      { numRuns: 500 },
    );
  }
});

test("parseHost's result is itself accepted and unchanged (idempotent)", () => {
  fc.assert(
    fc.property(addressish, (s) => {
      let host: string;
      try {
        host = parseHost(s);
      } catch {
        return;
      }
      assert.equal(parseHost(host), host);
    }),
    { numRuns: 1000 },
  );
});

test("isWellKnownPort is true exactly for 1 to 1023", () => {
  assert.equal(isWellKnownPort(7), true);
  assert.equal(isWellKnownPort(1), true);
  assert.equal(isWellKnownPort(1023), true);
  assert.equal(isWellKnownPort(0), false);
  assert.equal(isWellKnownPort(1024), false);
  assert.equal(isWellKnownPort(9000), false);
  assert.equal(isWellKnownPort(65535), false);
});
