/** The library's own English: every code worded, and no CLI flag in any of it. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { ECHO_ERROR_CODES, errorText, portHolderCommand, type EchoErrorContext } from "./error-text.js";

/** Contexts as the library's throw sites make them: every operation, check and reason that changes the words. */
const CONTEXTS: EchoErrorContext[] = [
  {},
  { host: "127.0.0.1", port: 80, operation: "listen" },
  { host: "127.0.0.1", port: 9000, operation: "connect", timeoutMs: 1500 },
  { host: "127.0.0.1", port: 9000, operation: "read", timeoutMs: 2000, received: 3, expected: 5 },
  { host: "127.0.0.1", port: 9000, operation: "tls handshake", timeoutMs: 300 },
  { value: "10.0.0.0/99", option: "proxyTrusted", expect: "cidr" },
  { value: "10.0.0.0/8", option: "proxyTrusted", needs: "proxyProtocol" },
  { host: "192.0.2.1", port: 4000, option: "proxyTrusted" },
  ...[
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_GET_ISSUER_CERT",
    "CERT_HAS_EXPIRED",
    "CERT_NOT_YET_VALID",
  ].map((tlsCheck) => ({ host: "::1", port: 9000, tlsCheck })),
  { host: "::1", port: 9000, tlsCheck: "ERR_TLS_CERT_ALTNAME_INVALID", detail: "echo.test" },
  { host: "::1", port: 9000, operation: "tls handshake", detail: "wrong version number" },
  { host: "::1", port: 9000, operation: "tls handshake", reason: { kind: "tls-closed" } },
];

test("no library sentence names a command-line flag", () => {
  for (const code of ECHO_ERROR_CODES) {
    for (const ctx of CONTEXTS) {
      const text = errorText(code, ctx);
      assert.ok(text.length > 0, code);
      assert.doesNotMatch(text, /(^|[\s(])--[a-z]/, `${code} ${JSON.stringify(ctx)}: ${text}`);
    }
  }
});

test("options are named as the library spells them, or as the namer says", () => {
  const untrusted = { host: "::1", port: 9000, tlsCheck: "DEPTH_ZERO_SELF_SIGNED_CERT" };
  assert.match(
    errorText("ERR_TLS_VERIFY", untrusted),
    /trust it with tls\.ca .* skip every check with tls\.insecure$/,
  );
  assert.match(
    errorText("ERR_TLS_VERIFY", untrusted, (name) => `<${name}>`),
    /trust it with <tls\.ca> .* with <tls\.insecure>$/,
  );
  assert.equal(
    errorText("ERR_INVALID_OPTION", { value: "10.0.0.0/8", option: "proxyTrusted", needs: "proxyProtocol" }),
    "give proxyProtocol too, or leave out proxyTrusted ('10.0.0.0/8'): it works only with proxyProtocol",
  );
  assert.match(errorText("EACCES", { host: "0.0.0.0", port: 80, operation: "listen" }), /e\.g\. port 9000$/);
});

/** What `netstat … | findstr ARGS` keeps of `lines`: findstr's regex (`.`, `*`, `[…]`), as /C: or space-separated strings. */
function findstr(command: string, lines: readonly string[]): string[] {
  const args = command.slice(command.indexOf("findstr ") + "findstr ".length);
  const literal = /\/L\b/i.test(args);
  const quoted = /\/C:"([^"]*)"/i.exec(args)?.[1];
  const strings =
    quoted !== undefined
      ? [quoted]
      : args
          .replace(/\/\w+\s*/g, "")
          .trim()
          .split(/\s+/);
  const toRegex = (s: string) =>
    new RegExp(literal ? s.replace(/[^\w\s]/g, "\\$&") : s.replace(/[^\w\s.*[\]^$-]/g, "\\$&"));
  return lines.filter((line) => strings.some((s) => toRegex(s).test(line)));
}

test("Windows: who holds a port finds that port's listener, not every line with the digits", () => {
  // netstat -ano on Windows: IPv4 and IPv6, listening and connected, TCP and UDP.
  const netstat = [
    "  TCP    0.0.0.0:1              0.0.0.0:0              LISTENING       4100",
    "  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1024",
    "  TCP    0.0.0.0:10000          0.0.0.0:0              LISTENING       2200",
    "  TCP    127.0.0.1:51000        127.0.0.1:1            ESTABLISHED     3300",
    "  TCP    [::]:9000              [::]:0                 LISTENING       5500",
    "  TCP    [::1]:135              [::]:0                 LISTENING       1024",
    "  TCP    [::1]:49700            [::1]:9000             ESTABLISHED     6600",
    "  UDP    0.0.0.0:1              *:*                                    4100",
    "  UDP    [::1]:1900             *:*                                    7700",
  ];
  const holders = (port: number, udp: boolean) => findstr(portHolderCommand(port, udp, "win32"), netstat);
  assert.deepEqual(holders(1, false), [netstat[0]]);
  assert.deepEqual(holders(135, false), [netstat[1], netstat[5]]);
  assert.deepEqual(holders(9000, false), [netstat[4]]);
  assert.deepEqual(holders(1, true), [netstat[7]]);
  assert.deepEqual(holders(1900, true), [netstat[8]]);
});
