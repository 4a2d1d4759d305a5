/**
 * Why an {@link EchoError} happened, beyond its code: a `kind` and the facts
 * its sentence needs, never the sentence. Each language words a reason from
 * these facts (English in `error-text.ts`, Korean in the CLI's catalogue), so
 * that mending the words of one language leaves the others as they were.
 * Text that comes from elsewhere (OpenSSL's reason, the system's message) is
 * a fact quoted as it came: a reason's `cause`, or the context's `detail`.
 *
 * @module
 */

/**
 * A usage error without an option (ERR_INVALID_OPTION): two options that do
 * not go together, or a value that is wrong as a whole. The context's `value`
 * is what was given; the reason's sentence says what to do.
 */
export type UsageReason =
  // The host given as an argument and with --host, differently (`value`: both).
  | { readonly kind: "host-twice" }
  // The port given twice, differently (`value`: both).
  | { readonly kind: "port-twice" }
  | { readonly kind: "crlf-and-lf" }
  | { readonly kind: "ca-and-insecure" }
  | { readonly kind: "send-and-interactive" }
  // ping --connect-only with an option for the data it does not send (`value`: that option).
  | { readonly kind: "connect-only-data" }
  // bench --stream with an option that only paced or timed messages have.
  | { readonly kind: "stream-has-none"; readonly flag: "--rate" | "--plot" | "--hgrm" }
  // bench --hgrm with several targets (`value`: the targets).
  | { readonly kind: "hgrm-one-target" }
  // bench --plot with a name ending in neither .svg nor .png.
  | { readonly kind: "plot-file-name" }
  // A file `flag` cannot write; `why` as bench's catalogue words file problems.
  | { readonly kind: "file-unwritable"; readonly flag: string; readonly why: string }
  // bench merge --hgrm/--plot over stream reports, which have no latency (`value`: the files).
  | { readonly kind: "stream-reports"; readonly flag: "--hgrm" | "--plot" }
  // `flag` given something other than HOST:PORT.
  | { readonly kind: "host-port"; readonly flag: string }
  // A certificate and key Node will not take (`cause`: Node's message).
  | { readonly kind: "tls-key-pair"; readonly cause: string }
  // The library's own: `fds` empty or with a descriptor twice, LISTEN_FDNAMES not one per descriptor,
  // proxyProtocol not v1, v2 or any, size × pipeline over 64 MiB.
  | { readonly kind: "fds" }
  | { readonly kind: "listen-fdnames" }
  | { readonly kind: "proxy-protocol" }
  | { readonly kind: "in-flight" }
  // dataPath not auto, handles or streams; handles asked with TLS, or where the handle path is unavailable.
  | { readonly kind: "data-path" }
  | { readonly kind: "data-path-with-tls" }
  | { readonly kind: "data-path-unavailable" };

/** Why a PEM file given to an option (expect "pem") cannot serve. */
export type PemReason =
  | { readonly kind: "no-such-file" }
  | { readonly kind: "permission-denied" }
  | { readonly kind: "no-pem-block" }
  | { readonly kind: "no-certificate" }
  | { readonly kind: "no-private-key" }
  | { readonly kind: "key-mismatch" };

/** What an option given without its partner (expect "missing") lacks. */
export type MissingReason = { readonly kind: "needs-certificate" } | { readonly kind: "needs-private-key" };

/** Why a descriptor from the service manager is no listening TCP socket (expect "listening-socket"). */
export type DescriptorReason =
  | { readonly kind: "fd-not-open" }
  | { readonly kind: "fd-not-socket" }
  // A connected socket, not a listening one: Accept=yes in the .socket unit.
  | { readonly kind: "fd-connected" }
  // A UDP or Unix socket.
  | { readonly kind: "fd-not-tcp" };

/** Why a TLS handshake failed (ERR_TLS), where OpenSSL said nothing (its reason is `detail`). */
export type TlsReason =
  // The server closed the connection during our handshake.
  | { readonly kind: "tls-closed" }
  // The server's side: the client closed, reset, or did not finish within `ms`.
  | { readonly kind: "tls-client-closed" }
  | { readonly kind: "tls-client-reset" }
  | { readonly kind: "tls-timeout"; readonly ms: number };

/**
 * What is wrong with a PROXY header as written, as the parser found it
 * (`server/proxy-protocol.ts`); `at` and `offset` count bytes from the
 * header's start.
 */
export type ProxyHeaderReason =
  // The first bytes are not an allowed signature; `expected`: the versions allowed.
  | {
      readonly kind: "proxy-signature";
      readonly expected: "v1" | "v2" | "v1 or v2";
      readonly offset: number;
      readonly byte: number;
    }
  | { readonly kind: "proxy-v1-lf-without-cr"; readonly at: number }
  | { readonly kind: "proxy-v1-cr-without-lf"; readonly at: number }
  | { readonly kind: "proxy-v1-no-crlf"; readonly limit: number }
  // `protocol` is neither TCP4, TCP6 nor UNKNOWN.
  | { readonly kind: "proxy-v1-protocol"; readonly protocol: string }
  | { readonly kind: "proxy-v1-fields"; readonly protocol: string }
  | {
      readonly kind: "proxy-v1-address";
      readonly end: "source" | "destination";
      readonly address: string;
      readonly protocol: string;
    }
  | { readonly kind: "proxy-v1-port"; readonly end: "source" | "destination"; readonly port: string }
  | {
      readonly kind: "proxy-v2-unsupported";
      readonly field: "version" | "command" | "address family" | "transport protocol";
      readonly value: number;
    }
  | { readonly kind: "proxy-v2-too-long"; readonly length: number; readonly limit: number }
  // The length field leaves no room for the `size`-byte address block of `transport`.
  | {
      readonly kind: "proxy-v2-short";
      readonly length: number;
      readonly size: number;
      readonly transport: string;
    }
  | { readonly kind: "proxy-v2-tlv-truncated"; readonly at: number; readonly left: number }
  | {
      readonly kind: "proxy-v2-tlv-overrun";
      readonly type: number;
      readonly at: number;
      readonly length: number;
      readonly left: number;
    }
  // The parser itself failed (`cause`: its message); not expected on any input.
  | { readonly kind: "proxy-unparseable"; readonly cause: string };

/** Why the server refused a PROXY header (ERR_PROXY without `option`): the parser's reasons, or its own. */
export type ProxyReason =
  | ProxyHeaderReason
  // A trusted peer sent no header (its first bytes are no signature).
  | { readonly kind: "proxy-required" }
  // A header for a client of `transport` (udp4, unix-stream …), which TCP cannot echo.
  | { readonly kind: "proxy-transport"; readonly transport: string }
  | { readonly kind: "proxy-no-source" }
  | { readonly kind: "proxy-closed" }
  | { readonly kind: "proxy-timeout"; readonly ms: number };

/** Why a UDP socket failed (ERR_SOCKET), where the system said nothing (its message is `detail`). */
export type SocketReason = { readonly kind: "closed-before-listening" };

/**
 * Every reason an {@link EchoError} may carry in its context's `reason`.
 *
 * @example
 * ```ts
 * import { EchoError } from "./echo-error.js";
 * const err = new EchoError("ERR_PROXY", { host: "10.0.0.1", port: 4000, reason: { kind: "proxy-v1-no-crlf", limit: 107 } });
 * err.message; // "PROXY protocol from 10.0.0.1:4000: v1: no CRLF within 107 bytes; connection closed"
 * ```
 */
export type EchoErrorReason =
  UsageReason | PemReason | MissingReason | DescriptorReason | TlsReason | ProxyReason | SocketReason;

/** The kind of every {@link EchoErrorReason}. */
export type EchoErrorReasonKind = EchoErrorReason["kind"];
