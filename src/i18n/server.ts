/**
 * What `tcpecho serve` says about its events, in English and Korean. The
 * Korean lines keep the textbook's wording (`[TCP 서버] 클라이언트 접속: IP
 * 주소=…, 포트 번호=…`).
 *
 * @module
 */

import { formatEndpoint } from "../net/endpoint.js";
import type { ListenScope } from "../net/interfaces.js";
import type { DisconnectReason } from "../server/connection.js";
import type { RefusalReason } from "../server/connection-limits.js";
import type { UdpDropReason } from "../server/udp-echo.js";
import type { TlsFailure } from "../server/tls-server.js";
import type { Lang } from "./lang.js";
import { units } from "./units.js";

/** One language's server lines. */
export interface ServerMessages {
  serverTag: string;
  /** `fd`: the descriptor of a socket systemd passed (socket activation), rather than one bound. */
  listening(endpoint: string, scope: ListenScope, backlog: number, requested: number, fd?: number): string;
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
  /** `--ui`: where the live page is. */
  livePageAt(url: string): string;
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
  /** The first signal with --shutdown-delay: not ready, still accepting for `delayMs`, then the drain. */
  notReady(delayMs: number): string;
  forcing(open: number): string;
  summary(uptimeMs: number, connections: number, bytes: number, cutOff: number): string;
  /** A TLS client closed before its handshake was done: the whole line, with `why` from {@link tlsFailure}. */
  tlsFailed(ip: string, port: number, why: string): string;
  /** Why, in plain words; `detail` is OpenSSL's reason for `other`, `timeoutMs` the handshake timeout. */
  tlsFailure(failure: TlsFailure, detail: string, timeoutMs: number): string;
  /** More failed TLS handshakes or PROXY headers this second than are shown. */
  peerErrorsSuppressed(perSecond: number): string;
  /** The faults asked for (`--fault`), at start or after a change over HTTP (`changed`); empty: none. */
  faultsActive(faults: readonly string[], changed: boolean): string;
  /** A fault acted on a client for the first time: `spec` as written, `what` it did in words. */
  faultApplied(ip: string, port: number, id: number, spec: string, what: string): string;
  /** More faults applied this second than are shown. */
  faultsSuppressed(perSecond: number): string;
  /** At start: the open-files limit is below --max-connections (0: below 1024 with no limit). */
  fewDescriptors(soft: number, maxConnections: number): string;
  /** One `--workers` worker's own summary; the primary's {@link summary} sums them all. */
  workerSummary(worker: number, uptimeMs: number, connections: number, bytes: number, cutOff: number): string;
}

/** An open-files limit to suggest: room for every client allowed and the server's own files. */
function suggestedLimit(maxConnections: number): number {
  return Math.max(65_536, maxConnections + 1024);
}

const en: ServerMessages = {
  serverTag: "[TCP server]",
  moreBytes: (n) => `(+${units.en.bytes(n)})`,
  listening: (ep, scope, backlog, requested, fd) =>
    `[TCP server] listening on ${ep} (${fd === undefined ? "" : `socket from systemd, descriptor ${fd}; `}${
      {
        "all-ipv4": "every IPv4 interface",
        "all-ipv6": "every IPv6 interface",
        all: "every interface, IPv4 and IPv6",
        loopback: "loopback: this machine only",
        one: "this address only",
      }[scope]
    }), backlog ${backlog}${requested > backlog ? ` (${requested} asked; the kernel caps it at ${process.platform === "darwin" ? "kern.ipc.somaxconn" : "net.core.somaxconn"})` : ""}`,
  reachAt: (ep, via) => `[TCP server] a client can connect to ${ep}${via ? ` (${via})` : ""}`,
  loopbackLabel: "loopback, from this machine",
  noExternalInterface:
    "[TCP server] this machine has no other network interface up: only loopback reaches it",
  connected: (ip, port) => `[TCP server] client connected: IP address=${ip}, port=${port}`,
  disconnected: (ip, port, bytes, ms, reason) =>
    `[TCP server] client disconnected: IP address=${ip}, port=${port} (${units.en.bytes(bytes)} echoed in ${units.en.duration(ms)}${
      {
        end: "",
        reset: ", reset by the client",
        error: ", after an error",
        idle: ", closed: it sent nothing for the idle timeout",
        keepalive: ", closed: it stopped answering keepalive probes",
        shutdown: ", closed at shutdown",
        destroyed: ", closed",
        fault: ", ended on purpose by a fault (--fault)",
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
  livePageAt: (url) => `[TCP server] live page at ${url} (open it in a browser)`,
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
      : `[TCP server] stopping: no longer accepting; waiting up to ${units.en.duration(drainMs)} for ${open} open connection${open === 1 ? "" : "s"} to finish (signal again to force)`,
  notReady: (delayMs) =>
    `[TCP server] stopping: not ready (/readyz answers 503); still accepting for ${units.en.duration(delayMs)}, then draining (signal again to force)`,
  forcing: (open) => `[TCP server] forced stop: closing ${open} connection${open === 1 ? "" : "s"} now`,
  summary: (uptime, conns, bytes, cutOff) =>
    `[TCP server] stopped after ${units.en.duration(uptime)}: ${conns} connection${conns === 1 ? "" : "s"} served, ${units.en.bytes(bytes)} echoed${
      cutOff > 0 ? `, ${cutOff} cut off at the drain deadline` : ""
    }`,
  tlsFailed: (ip, port, why) =>
    `[TCP server] TLS handshake failed, connection closed: IP address=${ip}, port=${port} (${why})`,
  tlsFailure: (failure, detail, timeoutMs) =>
    ({
      timeout: `it did not finish the handshake within ${units.en.duration(timeoutMs)}`,
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
  faultsActive: (faults, changed) =>
    faults.length === 0
      ? "[TCP server] faults now: none; every client gets a plain echo"
      : `[TCP server] ${changed ? "faults now" : "misbehaving on purpose"}: ${faults.join(", ")} (for clients accepted from now on)`,
  faultApplied: (ip, port, id, spec, what) =>
    `[TCP server] fault ${spec} on client #${id} ${formatEndpoint(ip, port)}: ${what}`,
  faultsSuppressed: (rate) =>
    `[TCP server] more than ${rate} faults applied this second: the rest of this second is not shown (they still act)`,
  fewDescriptors: (soft, max) =>
    `[TCP server] warning: this process may have only ${soft} files open at once (ulimit -n), fewer than ${
      max > 0 ? `--max-connections ${max}` : "1024"
    }: clients past that are dropped. Raise it with ulimit -n ${suggestedLimit(max)} before starting, or LimitNOFILE=${suggestedLimit(max)} in a systemd unit`,
  udpWorkerSummary: (worker, dIn, dOut, dropped) =>
    en.udpSummary(dIn, dOut, dropped).replace("] ", `] worker ${worker}: `),
  workerSummary: (worker, uptime, conns, bytes, cutOff) =>
    en.summary(uptime, conns, bytes, cutOff).replace("] stopped", `] worker ${worker} stopped`),
};

const ko: ServerMessages = {
  serverTag: "[TCP 서버]",
  moreBytes: (n) => `(+${units.ko.bytes(n)})`,
  listening: (ep, scope, backlog, requested, fd) =>
    `[TCP 서버] ${ep} 에서 접속 대기 중 (${fd === undefined ? "" : `systemd가 넘겨준 대기 소켓, 디스크립터 ${fd}; `}${
      {
        "all-ipv4": "모든 IPv4 인터페이스",
        "all-ipv6": "모든 IPv6 인터페이스",
        all: "모든 인터페이스, IPv4와 IPv6",
        loopback: "루프백: 이 컴퓨터에서만",
        one: "이 주소에서만",
      }[scope]
    }), 접속 대기 큐 ${backlog}${requested > backlog ? ` (${requested} 요청; 커널이 ${process.platform === "darwin" ? "kern.ipc.somaxconn" : "net.core.somaxconn"} 으로 제한)` : ""}`,
  reachAt: (ep, via) => `[TCP 서버] 클라이언트가 접속할 주소: ${ep}${via ? ` (${via})` : ""}`,
  loopbackLabel: "루프백: 이 컴퓨터에서만",
  noExternalInterface:
    "[TCP 서버] 루프백 외에 켜진 네트워크 인터페이스가 없습니다: 이 컴퓨터에서만 접속할 수 있습니다",
  connected: (ip, port) => `[TCP 서버] 클라이언트 접속: IP 주소=${ip}, 포트 번호=${port}`,
  disconnected: (ip, port, bytes, ms, reason) =>
    `[TCP 서버] 클라이언트 종료: IP 주소=${ip}, 포트 번호=${port} (${units.ko.duration(ms)} 동안 ${units.ko.bytes(bytes)} 에코${
      {
        end: "",
        reset: ", 클라이언트가 연결을 리셋함",
        error: ", 오류 후 종료",
        idle: ", 유휴 시간 동안 아무것도 보내지 않아 닫음",
        keepalive: ", keepalive 확인에 응답이 없어 닫음",
        shutdown: ", 서버 종료로 닫음",
        destroyed: ", 닫음",
        fault: ", 장애 주입(--fault)으로 일부러 끝냄",
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
  livePageAt: (url) => `[TCP 서버] 실시간 페이지 주소: ${url} (브라우저로 여세요)`,
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
    // `how` is a signal's name or, from the CLI, "exit code N".
    `[TCP 서버] 작업 프로세스 ${id} (pid ${pid}) 종료됨 (${how.replace(/^exit code (\d+)$/, "종료 코드 $1")})${replacing ? "; 새로 시작합니다" : "; 연달아 너무 많이 죽어 다시 시작하지 않습니다"}`,
  workersStopped: (n) => `[TCP 서버] 작업 프로세스 ${n}개가 모두 멈췄습니다`,
  refusedSuppressed: (rate) =>
    `[TCP 서버] 이번 1초에 ${rate}개가 넘는 클라이언트를 거부했습니다: 남은 1초 동안은 출력하지 않습니다`,
  dataSuppressed: (rate) =>
    `[TCP 서버] 이번 1초에 데이터가 ${rate}줄을 넘었습니다: 남은 1초 동안은 출력하지 않습니다 (에코는 계속되며, 로그가 에코를 느리게 하지 않습니다)`,
  stopping: (open, drainMs) =>
    open === 0
      ? "[TCP 서버] 종료 중: 더 이상 접속을 받지 않습니다"
      : `[TCP 서버] 종료 중: 더 이상 접속을 받지 않고, 열린 연결 ${open}개가 끝나기를 최대 ${units.ko.duration(drainMs)} 기다립니다 (한 번 더 누르면 강제 종료)`,
  notReady: (delayMs) =>
    `[TCP 서버] 종료 중: 준비 안 됨으로 바꿨습니다(/readyz 503). ${units.ko.duration(delayMs)} 동안은 접속을 계속 받고, 그다음 열린 연결이 끝나기를 기다립니다 (한 번 더 누르면 강제 종료)`,
  forcing: (open) => `[TCP 서버] 강제 종료: 연결 ${open}개를 지금 닫습니다`,
  summary: (uptime, conns, bytes, cutOff) =>
    `[TCP 서버] 종료: ${units.ko.duration(uptime)} 동안 클라이언트 ${conns}개, ${units.ko.bytes(bytes)} 에코${
      cutOff > 0 ? `, 제한 시간에 끊은 연결 ${cutOff}개` : ""
    }`,
  tlsFailed: (ip, port, why) =>
    `[TCP 서버] TLS 핸드셰이크 실패로 연결을 닫음: IP 주소=${ip}, 포트 번호=${port} (${why})`,
  tlsFailure: (failure, detail, timeoutMs) =>
    ({
      timeout: `${units.ko.duration(timeoutMs)} 안에 핸드셰이크를 마치지 않음`,
      closed: "핸드셰이크 도중 클라이언트가 연결을 닫음. 이 인증서를 신뢰하지 않는 클라이언트일 수 있음",
      reset: "핸드셰이크 도중 클라이언트가 연결을 리셋함",
      http: "TLS가 아닌 평문 HTTP 요청을 보냄",
      "not-tls": "보낸 데이터가 TLS가 아님. --tls 없이 접속한 클라이언트일 수 있음",
      certificate:
        "클라이언트가 이 서버의 인증서를 신뢰하지 않음. 클라이언트에 인증서나 그 CA를 주세요. 예: tcpecho client --tls-ca 파일",
      // OpenSSL's own reason, quoted as it said it.
      incompatible: `함께 쓸 수 있는 TLS 버전이나 암호 방식이 없음: '${detail}'`,
      other: `OpenSSL: '${detail}'`,
    })[failure],
  peerErrorsSuppressed: (rate) =>
    `[TCP 서버] 이번 1초에 TLS 핸드셰이크나 PROXY 헤더 실패가 ${rate}개를 넘었습니다: 남은 1초 동안은 출력하지 않습니다`,
  faultsActive: (faults, changed) =>
    faults.length === 0
      ? "[TCP 서버] 이제 장애 주입 없음: 모든 클라이언트가 보통 에코를 받습니다"
      : `[TCP 서버] ${changed ? "이제 주입할 장애" : "일부러 오동작합니다"}: ${faults.join(", ")} (지금부터 접속하는 클라이언트에)`,
  faultApplied: (ip, port, id, spec, what) =>
    `[TCP 서버] 클라이언트 #${id} ${formatEndpoint(ip, port)} 에 장애 ${spec}: ${what}`,
  faultsSuppressed: (rate) =>
    `[TCP 서버] 이번 1초에 적용된 장애가 ${rate}개를 넘었습니다: 남은 1초 동안은 출력하지 않습니다 (장애는 계속 적용됨)`,
  fewDescriptors: (soft, max) =>
    `[TCP 서버] 경고: 이 프로세스가 한 번에 열 수 있는 파일은 ${soft}개(ulimit -n)로 ${
      max > 0 ? `--max-connections ${max}` : "1024"
    }보다 적습니다. 그보다 많은 클라이언트는 끊깁니다. 시작 전에 ulimit -n ${suggestedLimit(max)}, 또는 systemd 유닛의 LimitNOFILE=${suggestedLimit(max)} 으로 올리세요`,
  udpWorkerSummary: (worker, dIn, dOut, dropped) =>
    ko.udpSummary(dIn, dOut, dropped).replace("] ", `] 작업 프로세스 ${worker}: `),
  workerSummary: (worker, uptime, conns, bytes, cutOff) =>
    ko.summary(uptime, conns, bytes, cutOff).replace("] 종료:", `] 작업 프로세스 ${worker} 종료:`),
};

/**
 * The server lines by language.
 *
 * @example
 * ```ts
 * import { serverMessages } from "./server.js";
 * serverMessages.ko.connected("127.0.0.1", 51234);
 * // "[TCP 서버] 클라이언트 접속: IP 주소=127.0.0.1, 포트 번호=51234"
 * ```
 */
export const serverMessages: Readonly<Record<Lang, ServerMessages>> = { en, ko };
