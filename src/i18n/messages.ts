/**
 * Every sentence tcpecho says to a person, in English and Korean. The Korean
 * server and client lines keep the textbook's wording (`[TCP 서버] 클라이언트
 * 접속: IP 주소=…, 포트 번호=…`). The library uses the English catalogue for
 * its error messages; the CLI picks one by `--lang` or the locale.
 *
 * @module
 */

import type { EchoErrorCode, EchoErrorContext } from "../net/echo-error.js";
import { formatEndpoint } from "../net/endpoint.js";
import type { ListenScope } from "../net/interfaces.js";
import type { DisconnectReason } from "../server/connection.js";
import type { RefusalReason } from "../server/connection-limits.js";
import type { UdpDropReason } from "../server/udp-echo.js";
import type { TlsFailure } from "../server/tls-server.js";
import type { Lang } from "./lang.js";

/** One language's sentences. */
export interface Messages {
  bytes(n: number): string;
  duration(ms: number): string;

  serverTag: string;
  listening(endpoint: string, scope: ListenScope, backlog: number, requested: number): string;
  moreBytes(n: number): string;
  reachAt(endpoint: string, via: string | null): string;
  loopbackLabel: string;
  noExternalInterface: string;
  connected(ip: string, port: number): string;
  disconnected(ip: string, port: number, bytes: number, ms: number, reason: DisconnectReason): string;
  connectionError(ip: string, port: number, message: string): string;
  /** A client turned away; `limit` is the limit it hit (none for an access rule). */
  refused(ip: string, port: number, reason: RefusalReason, limit: number): string;
  refusedSuppressed(perSecond: number): string;
  metricsAt(url: string): string;
  udpListening(endpoint: string): string;
  udpDropped(ip: string, port: number, reason: UdpDropReason): string;
  udpDroppedSuppressed(perSecond: number): string;
  udpSummary(datagramsIn: number, datagramsOut: number, dropped: number): string;
  /** One `--workers` worker's own UDP summary; the primary's {@link udpSummary} sums them all. */
  udpWorkerSummary(worker: number, datagramsIn: number, datagramsOut: number, dropped: number): string;
  workersStarting(n: number): string;
  workerStarted(id: number, pid: number): string;
  /** `how` is an exit code or a signal name. */
  workerDied(id: number, pid: number, how: string, replacing: boolean): string;
  workersStopped(n: number): string;
  dataSuppressed(perSecond: number): string;
  stopping(open: number, drainMs: number): string;
  forcing(open: number): string;
  summary(uptimeMs: number, connections: number, bytes: number, cutOff: number): string;
  /** A TLS client closed before its handshake was done: the whole line, with `why` from {@link tlsFailure}. */
  tlsFailed(ip: string, port: number, why: string): string;
  /** Why, in plain words; `detail` is OpenSSL's reason for `other`, `timeoutMs` the handshake timeout. */
  tlsFailure(failure: TlsFailure, detail: string, timeoutMs: number): string;
  /** More failed TLS handshakes or PROXY headers this second than are shown. */
  peerErrorsSuppressed(perSecond: number): string;
  /** At start: the open-files limit is below --max-connections (0: below 1024 with no limit). */
  fewDescriptors(soft: number, maxConnections: number): string;
  /** One `--workers` worker's own summary; the primary's {@link summary} sums them all. */
  workerSummary(worker: number, uptimeMs: number, connections: number, bytes: number, cutOff: number): string;

  clientTag: string;
  prompt: string;
  receivedDataTag: string;
  /** `tls` names the protocol version (`TLSv1.3`) when the connection is encrypted. */
  clientConnected(endpoint: string, tls?: string): string;
  sentBytes(n: number): string;
  receivedBytes(n: number): string;
  clientClosed: string;
  /** The server ended the connection while the terminal client waited at the prompt. */
  serverClosedConnection(endpoint: string): string;
  /** Said once on standard error when --insecure turns certificate checks off. */
  tlsInsecure: string;
  verified(n: number): string;

  usage(message: string, command: string): string;
  error(code: EchoErrorCode, ctx: EchoErrorContext): string;
}

function where(ctx: EchoErrorContext): string {
  return ctx.host === undefined ? "the server" : formatEndpoint(ctx.host, ctx.port);
}

/** An open-files limit to suggest: room for every client allowed and the server's own files. */
function suggestedLimit(maxConnections: number): number {
  return Math.max(65_536, maxConnections + 1024);
}

function seconds(ms: number | undefined, unit: string): string {
  return ms === undefined ? "" : `${+(ms / 1000).toFixed(3)}${unit}`;
}

/** Which of the server's ports a listen error is about: `option` names it (`--port`, `--metrics`, `--udp`). */
function listenPortEn(ctx: EchoErrorContext): string {
  switch (ctx.option) {
    case "--port":
      return `the echo port ${ctx.port}`;
    case "--metrics":
      return `the metrics port ${ctx.port} (--metrics)`;
    case "--udp":
      return `the UDP echo port ${ctx.port} (--udp)`;
    default:
      return `port ${ctx.port}`;
  }
}

function listenPortKo(ctx: EchoErrorContext): string {
  switch (ctx.option) {
    case "--port":
      return `에코 포트 ${ctx.port}`;
    case "--metrics":
      return `메트릭 포트 ${ctx.port}(--metrics)`;
    case "--udp":
      return `UDP 에코 포트 ${ctx.port}(--udp)`;
    default:
      return `포트 ${ctx.port}`;
  }
}

const TRUST_EN =
  "trust it with --tls-ca FILE (the server's certificate or its CA, PEM), or skip every check with --insecure";
const TRUST_KO = "--tls-ca 파일(서버 인증서나 그 CA, PEM)로 신뢰하거나, --insecure 로 검사를 모두 건너뛰세요";

/** Which check a server certificate failed, and how to trust it (ERR_TLS_VERIFY). */
function tlsCheckEn(ctx: EchoErrorContext): string {
  switch (ctx.tlsCheck) {
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
      return `it is self-signed; ${TRUST_EN}`;
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
      return `it is signed by a CA this machine does not trust; ${TRUST_EN}`;
    case "CERT_HAS_EXPIRED":
      return "it has expired; renew it on the server (or skip every check with --insecure)";
    case "CERT_NOT_YET_VALID":
      return "it is not valid yet (check both machines' clocks), or skip every check with --insecure";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `it is not made out for the name ${ctx.detail ? `'${ctx.detail}'` : "connected to"}; connect by a name it lists, or give that name with --tls-servername NAME`;
    default:
      return `${ctx.tlsCheck ?? "verification failed"}; ${TRUST_EN}`;
  }
}

function tlsCheckKo(ctx: EchoErrorContext): string {
  switch (ctx.tlsCheck) {
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
      return `자체 서명 인증서입니다. ${TRUST_KO}`;
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
      return `이 컴퓨터가 신뢰하지 않는 CA가 서명했습니다. ${TRUST_KO}`;
    case "CERT_HAS_EXPIRED":
      return "유효 기간이 지났습니다. 서버에서 인증서를 갱신하세요 (또는 --insecure 로 검사를 건너뛰세요)";
    case "CERT_NOT_YET_VALID":
      return "아직 유효하지 않습니다 (두 컴퓨터의 시계를 확인하세요). 또는 --insecure 로 검사를 건너뛰세요";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `${ctx.detail ? `'${ctx.detail}'` : "접속한 이름"} 에 대해 발급된 인증서가 아닙니다. 인증서에 있는 이름으로 접속하거나 --tls-servername 이름 으로 그 이름을 주세요`;
    default:
      return `${ctx.tlsCheck ?? "검증 실패"}. ${TRUST_KO}`;
  }
}

/** OpenSSL's reasons when the bytes that came back are no TLS at all (a plain TCP server, an echo of our hello). */
const NOT_TLS: ReadonlySet<string> = new Set([
  "wrong version number",
  "unexpected message",
  "packet length too long",
  "record layer failure",
  "http request",
]);

const PLAIN_EN = "is this port a TLS server? (for plain TCP, leave out --tls)";
const PLAIN_KO = "이 포트가 TLS 서버인지 확인하세요 (일반 TCP라면 --tls 를 빼세요)";

/** Why a client's TLS handshake failed (ERR_TLS with operation "tls handshake"), in words. */
function tlsFailEn(detail: string | undefined): string {
  if (detail !== undefined && NOT_TLS.has(detail)) return `the server's answer is not TLS; ${PLAIN_EN}`;
  if (detail === "closed during the handshake")
    return `the server closed the connection during the handshake; ${PLAIN_EN}`;
  if (detail !== undefined && detail.includes("alert")) return `the server refused the handshake (${detail})`;
  return detail ?? "unknown";
}

function tlsFailKo(detail: string | undefined): string {
  if (detail !== undefined && NOT_TLS.has(detail)) return `서버의 응답이 TLS가 아닙니다. ${PLAIN_KO}`;
  if (detail === "closed during the handshake")
    return `핸드셰이크 중에 서버가 연결을 닫았습니다. ${PLAIN_KO}`;
  if (detail !== undefined && detail.includes("alert")) return `서버가 핸드셰이크를 거절했습니다 (${detail})`;
  return detail ?? "알 수 없음";
}

const en: Messages = {
  bytes: (n) => (n === 1 ? "1 byte" : n < 1e6 ? `${n} bytes` : `${(n / 1e6).toFixed(1)} MB`),
  duration: (ms) =>
    ms < 1000
      ? `${Math.round(ms)} ms`
      : ms < 60_000
        ? `${(ms / 1000).toFixed(1)} s`
        : `${Math.floor(ms / 60_000)} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")} s`,

  serverTag: "[TCP server]",
  moreBytes: (n) => `(+${en.bytes(n)})`,
  listening: (ep, scope, backlog, requested) =>
    `[TCP server] listening on ${ep} (${
      {
        "all-ipv4": "every IPv4 interface",
        all: "every interface, IPv4 and IPv6",
        loopback: "loopback: this machine only",
        one: "this address only",
      }[scope]
    }), backlog ${backlog}${requested > backlog ? ` (${requested} asked; the kernel caps it at net.core.somaxconn)` : ""}`,
  reachAt: (ep, via) => `[TCP server] a client can connect to ${ep}${via ? ` (${via})` : ""}`,
  loopbackLabel: "loopback, from this machine",
  noExternalInterface:
    "[TCP server] this machine has no other network interface up: only loopback reaches it",
  connected: (ip, port) => `[TCP server] client connected: IP address=${ip}, port=${port}`,
  disconnected: (ip, port, bytes, ms, reason) =>
    `[TCP server] client disconnected: IP address=${ip}, port=${port} (${en.bytes(bytes)} echoed in ${en.duration(ms)}${
      {
        end: "",
        reset: ", reset by the client",
        error: ", after an error",
        idle: ", closed: it sent nothing for the idle timeout",
        keepalive: ", closed: it stopped answering keepalive probes",
        shutdown: ", closed at shutdown",
        destroyed: ", closed",
      }[reason]
    })`,
  connectionError: (ip, port, message) => `[TCP server] client ${formatEndpoint(ip, port)}: ${message}`,
  refused: (ip, port, reason, limit) =>
    `[TCP server] client refused: IP address=${ip}, port=${port} (${
      {
        "max-connections": `already serving ${limit} client${limit === 1 ? "" : "s"}, the --max-connections limit`,
        "max-per-ip": `already serving ${limit} client${limit === 1 ? "" : "s"} from this address, the --max-per-ip limit`,
        denied: "not allowed by the --allow/--deny rules",
      }[reason]
    }; closed without reading)`,
  metricsAt: (url) => `[TCP server] metrics at ${url} (also /healthz and /readyz)`,
  udpListening: (ep) =>
    `[UDP server] echoing datagrams on ${ep} too (rate-limited per sender; none to service ports such as 7 and 19)`,
  udpDropped: (ip, port, reason) =>
    `[UDP server] datagram from ${formatEndpoint(ip, port)} dropped: ${
      {
        "service-port": "it comes from a service port that answers every datagram, which would loop",
        "rate-limit": "that sender is over its rate limit",
        denied: "not allowed by the --allow/--deny rules",
      }[reason]
    }`,
  udpDroppedSuppressed: (rate) =>
    `[UDP server] more than ${rate} datagrams dropped this second: the rest of this second is not shown`,
  udpSummary: (dIn, dOut, dropped) =>
    `[UDP server] ${dIn} datagram${dIn === 1 ? "" : "s"} received, ${dOut} echoed, ${dropped} dropped`,
  workersStarting: (n) => `[TCP server] starting ${n} worker process${n === 1 ? "" : "es"} sharing the port`,
  workerStarted: (id, pid) => `[TCP server] worker ${id} started (pid ${pid})`,
  workerDied: (id, pid, how, replacing) =>
    `[TCP server] worker ${id} (pid ${pid}) died (${how})${replacing ? "; starting a replacement" : "; too many deaths in a row, not replacing it"}`,
  workersStopped: (n) => `[TCP server] all ${n} worker${n === 1 ? "" : "s"} stopped`,
  refusedSuppressed: (rate) =>
    `[TCP server] more than ${rate} clients refused this second: the rest of this second is not shown`,
  dataSuppressed: (rate) =>
    `[TCP server] more than ${rate} data lines this second: the rest of this second is not shown (the echo goes on; logging never slows it)`,
  stopping: (open, drainMs) =>
    open === 0
      ? "[TCP server] stopping: no longer accepting connections"
      : `[TCP server] stopping: no longer accepting; waiting up to ${en.duration(drainMs)} for ${open} open connection${open === 1 ? "" : "s"} to finish (signal again to force)`,
  forcing: (open) => `[TCP server] forced stop: closing ${open} connection${open === 1 ? "" : "s"} now`,
  summary: (uptime, conns, bytes, cutOff) =>
    `[TCP server] stopped after ${en.duration(uptime)}: ${conns} connection${conns === 1 ? "" : "s"} served, ${en.bytes(bytes)} echoed${
      cutOff > 0 ? `, ${cutOff} cut off at the drain deadline` : ""
    }`,
  tlsFailed: (ip, port, why) =>
    `[TCP server] TLS handshake failed, connection closed: IP address=${ip}, port=${port} (${why})`,
  tlsFailure: (failure, detail, timeoutMs) =>
    ({
      timeout: `it did not finish the handshake within ${en.duration(timeoutMs)}`,
      closed:
        "it closed the connection during the handshake, as a client that does not trust this certificate may",
      reset: "it reset the connection during the handshake",
      http: "it sent plain HTTP, not TLS",
      "not-tls": "what it sent is not TLS: a client without --tls?",
      certificate:
        "it does not trust this server's certificate: give the client the certificate or its CA, e.g. tcpecho client --tls-ca FILE",
      incompatible: `no TLS version or cipher in common with it: ${detail}`,
      other: detail,
    })[failure],
  peerErrorsSuppressed: (rate) =>
    `[TCP server] more than ${rate} failed TLS handshakes or PROXY headers this second: the rest of this second is not shown`,
  fewDescriptors: (soft, max) =>
    `[TCP server] warning: this process may have only ${soft} files open at once (ulimit -n), fewer than ${
      max > 0 ? `--max-connections ${max}` : "1024"
    }: clients past that are dropped. Raise it with ulimit -n ${suggestedLimit(max)} before starting, or LimitNOFILE=${suggestedLimit(max)} in a systemd unit`,
  udpWorkerSummary: (worker, dIn, dOut, dropped) =>
    en.udpSummary(dIn, dOut, dropped).replace("] ", `] worker ${worker}: `),
  workerSummary: (worker, uptime, conns, bytes, cutOff) =>
    en.summary(uptime, conns, bytes, cutOff).replace("] stopped", `] worker ${worker} stopped`),

  clientTag: "[TCP client]",
  prompt: "[send] ",
  receivedDataTag: "[received data]",
  clientConnected: (ep, tls) =>
    `[TCP client] connected to ${ep}${tls ? ` (${tls})` : ""}; type a line to send, an empty line to quit`,
  sentBytes: (n) => `[TCP client] sent ${en.bytes(n)}.`,
  receivedBytes: (n) => `[TCP client] received ${en.bytes(n)}.`,
  clientClosed: "[TCP client] connection closed.",
  serverClosedConnection: (ep) => `[TCP client] the server (${ep}) closed the connection.`,
  tlsInsecure:
    "[TCP client] --insecure: the server's certificate is not checked; the connection is encrypted, but anyone could be at the other end",
  verified: (n) => `[TCP client] verified: all ${en.bytes(n)} came back exactly as sent`,

  usage: (message, command) => `tcpecho: ${message} (see: tcpecho ${command}--help)`,
  error(code, ctx) {
    const at = where(ctx);
    switch (code) {
      case "ERR_INVALID_PORT":
        return `invalid port '${ctx.value}': a port is a whole number from ${ctx.min ?? 0} to 65535`;
      case "ERR_INVALID_HOST":
        return `invalid host '${ctx.value}': give an IP address such as 127.0.0.1 or ::1, or a host name such as localhost`;
      case "ERR_INVALID_OPTION":
        if (ctx.option !== undefined) {
          const takes =
            ctx.expect === "duration"
              ? "a duration such as 500ms, 10s, 2m or 1h; a bare number is seconds"
              : ctx.expect === "positive-duration"
                ? "a duration of more than zero, such as 500ms or 10s"
                : ctx.expect === "cidr"
                  ? "an address range such as 10.0.0.0/8 or 2001:db8::/32, or one address"
                  : ctx.expect === "pem"
                    ? `a readable PEM file${ctx.detail ? `: ${ctx.detail}` : ""}`
                    : ctx.expect === "hostname"
                      ? "a host name such as echo.example.org, not an IP address"
                      : ctx.expect === "positive-number"
                        ? "a number greater than 0"
                        : ctx.expect === "number"
                          ? ctx.max !== undefined
                            ? `a number from ${ctx.min ?? 0} to ${ctx.max}`
                            : `a number of at least ${ctx.min ?? 0}`
                          : ctx.max !== undefined
                            ? `a whole number from ${ctx.min ?? 0} to ${ctx.max}`
                            : `a whole number of at least ${ctx.min ?? 0}`;
          return `invalid value '${ctx.value}' for ${ctx.option} (${takes})`;
        }
        return `invalid value '${ctx.value}' for ${ctx.detail ?? "an option"}`;
      case "ECONNREFUSED":
        return `connection refused by ${at}: nothing is listening on that port there (is the server running, on this port?)`;
      case "ETIMEDOUT":
        if (ctx.operation === "tls handshake")
          return `no TLS handshake from ${at} within ${seconds(ctx.timeoutMs, " s")}: the server accepted the connection but did not answer in TLS; ${PLAIN_EN}`;
        if (ctx.operation === "read" && ctx.received)
          return `the echo from ${at} stopped: nothing more for ${seconds(ctx.timeoutMs, " s")} after ${ctx.received} of ${ctx.expected} bytes came back`;
        return ctx.operation === "read"
          ? `no echo from ${at} within ${seconds(ctx.timeoutMs, " s")}: the server accepted the connection but sent nothing back`
          : `no answer from ${at}${ctx.timeoutMs ? ` within ${seconds(ctx.timeoutMs, " s")}` : ""}: a firewall may be dropping the packets, or the host is down or not on a network this machine reaches`;
      case "EHOSTUNREACH":
        return `no route to ${at}: the host is down, not on this network, or a firewall rejects the packets`;
      case "ENETUNREACH":
        return `the network of ${at} is unreachable: no interface or gateway of this machine leads there`;
      case "ENOTFOUND":
        return `the name '${ctx.host}' was not found: check the spelling, or give an IP address`;
      case "EAI_AGAIN":
        return `the name '${ctx.host}' could not be looked up right now (the DNS server did not answer); try again, or give an IP address`;
      case "ECONNRESET":
        return `the connection to ${at} was reset: the other side closed it abruptly`;
      case "EPIPE":
        return `the connection to ${at} was closed by the other side while data was still being sent`;
      case "EADDRINUSE":
        if (ctx.operation === "connect")
          return `no local port was free to connect to ${at} from (too many connections at once, or many in TIME_WAIT)`;
        return `${listenPortEn(ctx)} on ${ctx.host} is already in use by another program; see which with: ss -l${ctx.option === "--udp" ? "u" : "t"}np 'sport = :${ctx.port}'`;
      case "EACCES":
        if (ctx.operation === "connect")
          return `permission denied connecting to ${at}: a broadcast address, or a local firewall rule forbids it`;
        return ctx.port !== undefined && ctx.port > 0 && ctx.port < 1024
          ? `no permission to listen on port ${ctx.port}: ports below 1024 are well-known ports and need root (or CAP_NET_BIND_SERVICE); use 1024 or above, e.g. --port 9000`
          : `permission denied for ${at}`;
      case "EADDRNOTAVAIL":
        if (ctx.operation === "connect")
          return `cannot connect to ${at}: no local address or port is available for it (the local ports may be used up: see net.ipv4.ip_local_port_range)`;
        return `this machine has no address ${ctx.host}: listen on 0.0.0.0 (every interface), 127.0.0.1, or one of this machine's own addresses`;
      case "EMFILE":
        return `out of file descriptors: this process may have ${ctx.limit ?? "no more"} files open at once (its "Max open files" limit) and all are in use, so new clients are dropped until connections close; raise the limit with ulimit -n 65536 before starting, or LimitNOFILE=65536 in a systemd unit`;
      case "ENFILE":
        return "the whole system is out of file descriptors (fs.file-max), so new clients are dropped until some are freed; raise fs.file-max with sysctl, or close other programs' files";
      case "ERR_PEER_CLOSED":
        return `${at} closed the connection after sending back ${ctx.received ?? 0} of ${ctx.expected ?? "?"} bytes`;
      case "ERR_ECHO_MISMATCH":
        return `the echo from ${at} differs from what was sent, first at byte ${ctx.offset}`;
      case "ERR_SOCKET":
        return `socket error with ${at}: ${ctx.detail ?? "unknown"}`;
      case "ERR_PROXY":
        return `PROXY protocol from ${at}: ${ctx.detail ?? "bad header"}; connection closed`;
      case "ERR_TLS":
        if (ctx.operation === "tls handshake") return `TLS with ${at} failed: ${tlsFailEn(ctx.detail)}`;
        return `TLS with ${at} failed: ${ctx.detail ?? "unknown"} (is the client speaking TLS, and does it trust this certificate?)`;
      case "ERR_TLS_VERIFY":
        return `the TLS certificate of ${at} is not trusted: ${tlsCheckEn(ctx)}`;
    }
  },
};

const ko: Messages = {
  bytes: (n) => (n < 1e6 ? `${n}바이트` : `${(n / 1e6).toFixed(1)}MB`),
  duration: (ms) =>
    ms < 1000
      ? `${Math.round(ms)}밀리초`
      : ms < 60_000
        ? `${(ms / 1000).toFixed(1)}초`
        : `${Math.floor(ms / 60_000)}분 ${Math.floor((ms % 60_000) / 1000)}초`,

  serverTag: "[TCP 서버]",
  moreBytes: (n) => `(+${ko.bytes(n)})`,
  listening: (ep, scope, backlog, requested) =>
    `[TCP 서버] ${ep} 에서 접속 대기 중 (${
      {
        "all-ipv4": "모든 IPv4 인터페이스",
        all: "모든 인터페이스, IPv4와 IPv6",
        loopback: "루프백: 이 컴퓨터에서만",
        one: "이 주소에서만",
      }[scope]
    }), 접속 대기 큐 ${backlog}${requested > backlog ? ` (${requested} 요청; 커널이 net.core.somaxconn 으로 제한)` : ""}`,
  reachAt: (ep, via) => `[TCP 서버] 클라이언트 접속 주소: ${ep}${via ? ` (${via})` : ""}`,
  loopbackLabel: "루프백, 이 컴퓨터에서",
  noExternalInterface:
    "[TCP 서버] 루프백 외에 켜진 네트워크 인터페이스가 없습니다: 이 컴퓨터에서만 접속할 수 있습니다",
  connected: (ip, port) => `[TCP 서버] 클라이언트 접속: IP 주소=${ip}, 포트 번호=${port}`,
  disconnected: (ip, port, bytes, ms, reason) =>
    `[TCP 서버] 클라이언트 종료: IP 주소=${ip}, 포트 번호=${port} (${ko.duration(ms)} 동안 ${ko.bytes(bytes)} 에코${
      {
        end: "",
        reset: ", 클라이언트가 연결을 리셋함",
        error: ", 오류 후 종료",
        idle: ", 유휴 시간 동안 아무것도 보내지 않아 닫음",
        keepalive: ", keepalive 확인에 응답이 없어 닫음",
        shutdown: ", 서버 종료로 닫음",
        destroyed: ", 닫음",
      }[reason]
    })`,
  connectionError: (ip, port, message) => `[TCP 서버] 클라이언트 ${formatEndpoint(ip, port)}: ${message}`,
  refused: (ip, port, reason, limit) =>
    `[TCP 서버] 클라이언트 거부: IP 주소=${ip}, 포트 번호=${port} (${
      {
        "max-connections": `이미 클라이언트 ${limit}개 처리 중: --max-connections 제한`,
        "max-per-ip": `이 주소의 클라이언트 ${limit}개 처리 중: --max-per-ip 제한`,
        denied: "--allow/--deny 규칙에서 허용되지 않음",
      }[reason]
    }; 읽지 않고 닫음)`,
  metricsAt: (url) => `[TCP 서버] 메트릭 주소: ${url} (/healthz, /readyz 도 있음)`,
  udpListening: (ep) =>
    `[UDP 서버] ${ep} 에서 데이터그램도 에코합니다 (보낸 쪽마다 속도 제한; 7, 19 같은 서비스 포트에서 온 것은 버림)`,
  udpDropped: (ip, port, reason) =>
    `[UDP 서버] ${formatEndpoint(ip, port)} 의 데이터그램을 버림: ${
      {
        "service-port": "모든 데이터그램에 응답하는 서비스 포트에서 와서 무한 반복될 수 있음",
        "rate-limit": "보낸 쪽이 속도 제한을 넘음",
        denied: "--allow/--deny 규칙에서 허용되지 않음",
      }[reason]
    }`,
  udpDroppedSuppressed: (rate) =>
    `[UDP 서버] 이번 1초에 ${rate}개가 넘는 데이터그램을 버렸습니다: 남은 1초 동안은 출력하지 않습니다`,
  udpSummary: (dIn, dOut, dropped) =>
    `[UDP 서버] 데이터그램 ${dIn}개 받음, ${dOut}개 에코, ${dropped}개 버림`,
  workersStarting: (n) => `[TCP 서버] 포트를 함께 쓰는 작업 프로세스 ${n}개를 시작합니다`,
  workerStarted: (id, pid) => `[TCP 서버] 작업 프로세스 ${id} 시작 (pid ${pid})`,
  workerDied: (id, pid, how, replacing) =>
    `[TCP 서버] 작업 프로세스 ${id} (pid ${pid}) 종료됨 (${how})${replacing ? "; 새로 시작합니다" : "; 연달아 너무 많이 죽어 다시 시작하지 않습니다"}`,
  workersStopped: (n) => `[TCP 서버] 작업 프로세스 ${n}개가 모두 멈췄습니다`,
  refusedSuppressed: (rate) =>
    `[TCP 서버] 이번 1초에 ${rate}개가 넘는 클라이언트를 거부했습니다: 남은 1초 동안은 출력하지 않습니다`,
  dataSuppressed: (rate) =>
    `[TCP 서버] 이번 1초에 데이터가 ${rate}줄을 넘었습니다: 남은 1초 동안은 출력하지 않습니다 (에코는 계속되며, 로그가 에코를 느리게 하지 않습니다)`,
  stopping: (open, drainMs) =>
    open === 0
      ? "[TCP 서버] 종료 중: 더 이상 접속을 받지 않습니다"
      : `[TCP 서버] 종료 중: 더 이상 접속을 받지 않고, 열린 연결 ${open}개가 끝나기를 최대 ${ko.duration(drainMs)} 기다립니다 (한 번 더 누르면 강제 종료)`,
  forcing: (open) => `[TCP 서버] 강제 종료: 연결 ${open}개를 지금 닫습니다`,
  summary: (uptime, conns, bytes, cutOff) =>
    `[TCP 서버] 종료: ${ko.duration(uptime)} 동안 클라이언트 ${conns}개, ${ko.bytes(bytes)} 에코${
      cutOff > 0 ? `, 제한 시간에 끊은 연결 ${cutOff}개` : ""
    }`,
  tlsFailed: (ip, port, why) =>
    `[TCP 서버] TLS 핸드셰이크 실패로 연결을 닫음: IP 주소=${ip}, 포트 번호=${port} (${why})`,
  tlsFailure: (failure, detail, timeoutMs) =>
    ({
      timeout: `${ko.duration(timeoutMs)} 안에 핸드셰이크를 마치지 않음`,
      closed: "핸드셰이크 도중 클라이언트가 연결을 닫음. 이 인증서를 신뢰하지 않는 클라이언트일 수 있음",
      reset: "핸드셰이크 도중 클라이언트가 연결을 리셋함",
      http: "TLS가 아닌 평문 HTTP 요청을 보냄",
      "not-tls": "보낸 데이터가 TLS가 아님. --tls 없이 접속한 클라이언트일 수 있음",
      certificate:
        "클라이언트가 이 서버의 인증서를 신뢰하지 않음. 클라이언트에 인증서나 그 CA를 주세요. 예: tcpecho client --tls-ca 파일",
      incompatible: `함께 쓸 수 있는 TLS 버전이나 암호 방식이 없음: ${detail}`,
      other: detail,
    })[failure],
  peerErrorsSuppressed: (rate) =>
    `[TCP 서버] 이번 1초에 TLS 핸드셰이크나 PROXY 헤더 실패가 ${rate}개를 넘었습니다: 남은 1초 동안은 출력하지 않습니다`,
  fewDescriptors: (soft, max) =>
    `[TCP 서버] 경고: 이 프로세스가 한 번에 열 수 있는 파일은 ${soft}개(ulimit -n)로 ${
      max > 0 ? `--max-connections ${max}` : "1024"
    }보다 적습니다. 그보다 많은 클라이언트는 끊깁니다. 시작 전에 ulimit -n ${suggestedLimit(max)}, 또는 systemd 유닛의 LimitNOFILE=${suggestedLimit(max)} 으로 올리세요`,
  udpWorkerSummary: (worker, dIn, dOut, dropped) =>
    ko.udpSummary(dIn, dOut, dropped).replace("] ", `] 작업 프로세스 ${worker}: `),
  workerSummary: (worker, uptime, conns, bytes, cutOff) =>
    ko.summary(uptime, conns, bytes, cutOff).replace("] 종료:", `] 작업 프로세스 ${worker} 종료:`),

  clientTag: "[TCP 클라이언트]",
  prompt: "[보낼 데이터] ",
  receivedDataTag: "[받은 데이터]",
  clientConnected: (ep, tls) =>
    `[TCP 클라이언트] ${ep} 에 접속했습니다${tls ? ` (${tls})` : ""}. 보낼 줄을 입력하세요 (빈 줄이면 종료)`,
  sentBytes: (n) => `[TCP 클라이언트] ${n}바이트를 보냈습니다.`,
  receivedBytes: (n) => `[TCP 클라이언트] ${n}바이트를 받았습니다.`,
  clientClosed: "[TCP 클라이언트] 연결을 닫았습니다.",
  serverClosedConnection: (ep) => `[TCP 클라이언트] 서버(${ep})가 연결을 닫았습니다.`,
  tlsInsecure:
    "[TCP 클라이언트] --insecure: 서버 인증서를 확인하지 않습니다. 연결은 암호화되지만 상대가 누구인지는 보장되지 않습니다",
  verified: (n) => `[TCP 클라이언트] 확인: ${n}바이트가 보낸 그대로 돌아왔습니다`,

  usage: (message, command) => `tcpecho: ${message} (도움말: tcpecho ${command}--help)`,
  error(code, ctx) {
    const at = where(ctx).replace("the server", "서버");
    switch (code) {
      case "ERR_INVALID_PORT":
        return `잘못된 포트 번호 '${ctx.value}': 포트 번호는 ${ctx.min ?? 0}부터 65535까지의 정수입니다`;
      case "ERR_INVALID_HOST":
        return `잘못된 호스트 '${ctx.value}': 127.0.0.1, ::1 같은 IP 주소나 localhost 같은 호스트 이름을 주세요`;
      case "ERR_INVALID_OPTION":
        if (ctx.option !== undefined) {
          const takes =
            ctx.expect === "duration"
              ? "500ms, 10s, 2m, 1h 같은 시간; 단위 없는 숫자는 초"
              : ctx.expect === "positive-duration"
                ? "0보다 긴 시간, 예: 500ms, 10s"
                : ctx.expect === "cidr"
                  ? "10.0.0.0/8, 2001:db8::/32 같은 주소 범위나 주소 하나"
                  : ctx.expect === "pem"
                    ? `읽을 수 있는 PEM 파일${ctx.detail ? `: ${ctx.detail}` : ""}`
                    : ctx.expect === "hostname"
                      ? "echo.example.org 같은 호스트 이름 (IP 주소는 안 됨)"
                      : ctx.expect === "positive-number"
                        ? "0보다 큰 수"
                        : ctx.expect === "number"
                          ? ctx.max !== undefined
                            ? `${ctx.min ?? 0}부터 ${ctx.max}까지의 수`
                            : `${ctx.min ?? 0} 이상의 수`
                          : ctx.max !== undefined
                            ? `${ctx.min ?? 0}부터 ${ctx.max}까지의 정수`
                            : `${ctx.min ?? 0} 이상의 정수`;
          return `${ctx.option}의 값 '${ctx.value}'이(가) 잘못되었습니다 (${takes})`;
        }
        return `${ctx.detail ?? "옵션"}의 값 '${ctx.value}'이(가) 잘못되었습니다`;
      case "ECONNREFUSED":
        return `${at} 이(가) 접속을 거부했습니다: 그 포트에서 대기 중인 프로그램이 없습니다 (서버가 실행 중인지, 포트 번호가 맞는지 확인하세요)`;
      case "ETIMEDOUT":
        if (ctx.operation === "tls handshake")
          return `${at} 에서 ${seconds(ctx.timeoutMs, "초")} 안에 TLS 핸드셰이크가 끝나지 않았습니다: 서버가 접속은 받았지만 TLS로 응답하지 않았습니다. ${PLAIN_KO}`;
        if (ctx.operation === "read" && ctx.received)
          return `${at} 의 에코가 멈췄습니다: ${ctx.expected}바이트 중 ${ctx.received}바이트가 돌아온 뒤 ${seconds(ctx.timeoutMs, "초")} 동안 더 오지 않았습니다`;
        return ctx.operation === "read"
          ? `${at} 에서 ${seconds(ctx.timeoutMs, "초")} 안에 에코가 오지 않았습니다: 서버가 접속은 받았지만 아무것도 돌려보내지 않았습니다`
          : `${at} 에서 ${ctx.timeoutMs ? `${seconds(ctx.timeoutMs, "초")} 안에 ` : ""}응답이 없습니다: 방화벽이 패킷을 버리거나, 호스트가 꺼져 있거나, 이 컴퓨터가 닿지 않는 네트워크에 있습니다`;
      case "EHOSTUNREACH":
        return `${at} 까지 가는 경로가 없습니다: 호스트가 꺼져 있거나, 이 네트워크에 없거나, 방화벽이 거부합니다`;
      case "ENETUNREACH":
        return `${at} 의 네트워크에 닿을 수 없습니다: 그쪽으로 가는 인터페이스나 게이트웨이가 없습니다`;
      case "ENOTFOUND":
        return `이름 '${ctx.host}'을(를) 찾을 수 없습니다: 철자를 확인하거나 IP 주소를 주세요`;
      case "EAI_AGAIN":
        return `이름 '${ctx.host}'을(를) 지금 조회할 수 없습니다 (DNS 서버가 응답하지 않음): 다시 시도하거나 IP 주소를 주세요`;
      case "ECONNRESET":
        return `${at} 와(과)의 연결이 리셋되었습니다: 상대가 연결을 갑자기 끊었습니다`;
      case "EPIPE":
        return `${at} 와(과)의 연결을 상대가 닫았습니다 (보내는 중이던 데이터가 있었습니다)`;
      case "EADDRINUSE":
        if (ctx.operation === "connect")
          return `${at} 에 접속할 때 쓸 로컬 포트가 남아 있지 않습니다 (동시 연결이 너무 많거나 TIME_WAIT 상태가 많습니다)`;
        return `${ctx.host} 의 ${listenPortKo(ctx)}은(는) 다른 프로그램이 이미 쓰고 있습니다. 확인: ss -l${ctx.option === "--udp" ? "u" : "t"}np 'sport = :${ctx.port}'`;
      case "EACCES":
        if (ctx.operation === "connect")
          return `${at} 에 접속할 권한이 없습니다: 브로드캐스트 주소이거나 로컬 방화벽 규칙이 막고 있습니다`;
        return ctx.port !== undefined && ctx.port > 0 && ctx.port < 1024
          ? `포트 ${ctx.port}에서 대기할 권한이 없습니다: 1024 미만은 well-known 포트라서 root 권한(또는 CAP_NET_BIND_SERVICE)이 필요합니다. 1024 이상을 쓰세요 (예: --port 9000)`
          : `${at} 에 대한 권한이 없습니다`;
      case "EADDRNOTAVAIL":
        if (ctx.operation === "connect")
          return `${at} 에 접속할 수 없습니다: 쓸 수 있는 로컬 주소나 포트가 없습니다 (로컬 포트가 바닥났을 수 있습니다: net.ipv4.ip_local_port_range)`;
        return `이 컴퓨터에는 ${ctx.host} 주소가 없습니다: 0.0.0.0(모든 인터페이스), 127.0.0.1, 또는 이 컴퓨터의 주소 중 하나를 쓰세요`;
      case "EMFILE":
        return `파일 디스크립터가 모자랍니다: 이 프로세스는 파일을 한 번에 ${ctx.limit === undefined ? "더 이상" : `${ctx.limit}개까지`} 열 수 있는데 ("Max open files" 한도) 모두 쓰고 있어, 연결이 닫힐 때까지 새 클라이언트는 끊깁니다. 시작 전에 ulimit -n 65536, 또는 systemd 유닛의 LimitNOFILE=65536 으로 한도를 올리세요`;
      case "ENFILE":
        return "시스템 전체의 파일 디스크립터가 모자랍니다 (fs.file-max): 디스크립터가 풀릴 때까지 새 클라이언트는 끊깁니다. sysctl 로 fs.file-max 를 올리거나 다른 프로그램이 연 파일을 줄이세요";
      case "ERR_PEER_CLOSED":
        return `${at} 이(가) ${ctx.expected ?? "?"}바이트 중 ${ctx.received ?? 0}바이트만 돌려보내고 연결을 닫았습니다`;
      case "ERR_ECHO_MISMATCH":
        return `${at} 의 에코가 보낸 데이터와 다릅니다 (처음 다른 곳: ${ctx.offset}번째 바이트)`;
      case "ERR_SOCKET":
        return `${at} 소켓 오류: ${ctx.detail ?? "알 수 없음"}`;
      case "ERR_PROXY":
        return `${at} 의 PROXY 프로토콜 헤더: ${ctx.detail ?? "잘못된 헤더"}; 연결을 닫았습니다`;
      case "ERR_TLS":
        if (ctx.operation === "tls handshake") return `${at} 와(과)의 TLS 실패: ${tlsFailKo(ctx.detail)}`;
        return `${at} 와(과)의 TLS 실패: ${ctx.detail ?? "알 수 없음"} (클라이언트가 TLS로 접속했는지, 이 인증서를 신뢰하는지 확인하세요)`;
      case "ERR_TLS_VERIFY":
        return `${at} 의 TLS 인증서를 신뢰할 수 없습니다: ${tlsCheckKo(ctx)}`;
    }
  },
};

/**
 * The catalogues by language.
 *
 * @example
 * ```ts
 * import { messages } from "tcpecho";
 * messages.ko.connected("127.0.0.1", 51234); // "[TCP 서버] 클라이언트 접속: IP 주소=127.0.0.1, 포트 번호=51234"
 * ```
 */
export const messages: Readonly<Record<Lang, Messages>> = { en, ko };
