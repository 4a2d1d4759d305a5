/** Client TLS options and failures in words. */

import assert from "node:assert/strict";
import { test } from "node:test";
import { clientTls, plainTlsReason, tlsClientError, tlsConnectOptions } from "./client-tls.js";

test("tlsConnectOptions: SNI for names only, verification unless insecure", () => {
  assert.equal(tlsConnectOptions("localhost", 9000, {}).servername, "localhost");
  assert.equal(tlsConnectOptions("127.0.0.1", 9000, {}).servername, undefined);
  assert.equal(tlsConnectOptions("127.0.0.1", 9000, { servername: "echo.test" }).servername, "echo.test");
  assert.equal(tlsConnectOptions("127.0.0.1", 9000, {}).rejectUnauthorized, true);
  assert.equal(tlsConnectOptions("127.0.0.1", 9000, { insecure: true }).rejectUnauthorized, false);
  assert.deepEqual(clientTls(true), {});
  assert.equal(clientTls(false), null);
  assert.equal(clientTls(undefined), null);
});

test("tlsClientError: a failed check names it; other TLS failures lose OpenSSL's internals", () => {
  const where = { host: "127.0.0.1", port: 9000 };
  const selfSigned = tlsClientError(
    Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }),
    where,
  );
  assert.equal(selfSigned?.code, "ERR_TLS_VERIFY");
  assert.match(selfSigned?.message ?? "", /self-signed.*tls\.ca/);
  const name = tlsClientError(
    Object.assign(new Error("Hostname/IP does not match"), { code: "ERR_TLS_CERT_ALTNAME_INVALID" }),
    where,
    "echo.test",
  );
  assert.match(name?.message ?? "", /'echo\.test'.*tls\.servername/);
  const wrongVersion = tlsClientError(
    Object.assign(
      new Error("C0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/x.c:354:\n"),
      {
        code: "ERR_SSL_WRONG_VERSION_NUMBER",
        library: "SSL routines",
        reason: "wrong version number",
      },
    ),
    where,
  );
  assert.equal(wrongVersion?.code, "ERR_TLS");
  assert.doesNotMatch(wrongVersion?.message ?? "", /\.\.\/deps|0A00010B|\n/);
  assert.equal(tlsClientError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }), where), undefined);
});

test("plainTlsReason keeps OpenSSL's reason only", () => {
  const raw =
    "C0D7B0E8A07F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:354:\n";
  assert.equal(plainTlsReason(raw), "wrong version number");
  assert.equal(
    plainTlsReason("error:0A000412:SSL routines::sslv3 alert bad certificate"),
    "sslv3 alert bad certificate",
  );
  assert.equal(plainTlsReason("socket hang up"), "socket hang up");
});
