/** The library's own English: every code worded, and no CLI flag in any of it. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { ECHO_ERROR_CODES, errorText, type EchoErrorContext } from "./error-text.js";

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
  ...["wrong version number", "closed during the handshake"].map((detail) => ({
    host: "::1",
    port: 9000,
    operation: "tls handshake",
    detail,
  })),
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
