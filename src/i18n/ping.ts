/**
 * The sentences of `tcpecho ping`, in English and Korean, shaped like iputils
 * `ping` output. Figures arrive already formatted (`0.215`); error reasons
 * come from the error catalogue.
 *
 * @module
 */

import type { EchoErrorCode, EchoErrorContext } from "../net/echo-error.js";
import type { Lang } from "./lang.js";
import { errorMessages } from "./errors.js";
import { units } from "./units.js";

/** Which handshake a line of connect-only TLS statistics is about. */
export type HandshakeKind = "tcp" | "tls";

/** One language's ping sentences. */
export interface PingMessages {
  /** First line: what is pinged and how (`tls`: over TLS). */
  header(target: string, address: string, size: number, connectOnly: boolean, tls?: boolean): string;
  /** A probe's echo came back. */
  echoed(bytes: number, target: string, seq: number, time: string): string;
  /** A connect-only probe's handshake completed. */
  connected(target: string, seq: number, time: string): string;
  /** A connect-only TLS probe: the TCP and the TLS handshake's times, apart. */
  connectedTls(target: string, seq: number, tcp: string, tls: string): string;
  /** A probe failed, and why (`reason` from {@link PingMessages.probeError}: it does not repeat the address). */
  failed(target: string, seq: number, reason: string): string;
  /** Why a probe failed, in a few words, without the server's address (the line names it already). */
  probeError(code: EchoErrorCode, ctx: EchoErrorContext): string;
  /** The reason for a probe whose echo did not (fully) come back in time. */
  noEcho(timeoutMs: number, received: number, expected: number): string;
  /** A plain ping's probes fail, and the port answers a TLS handshake. */
  speaksTls(target: string): string;
  /** An echo that came after its probe had timed out. */
  late(bytes: number, target: string, seq: number, time: string, timeoutMs: number): string;
  statsTitle(target: string): string;
  summary(sent: number, echoed: number, lossPercent: number, elapsedMs: number, connectOnly: boolean): string;
  /** `min/avg/max/mdev`, each already formatted. */
  rtt(min: string, avg: string, max: string, mdev: string): string;
  /** `p50/p95/p99`, each already formatted. */
  percentiles(p50: string, p95: string, p99: string): string;
  /** Connect-only TLS: one handshake's `min/avg/max/mdev`, each already formatted. */
  handshake(kind: HandshakeKind, min: string, avg: string, max: string, mdev: string): string;
  /** Connect-only TLS: one handshake's `p50/p95/p99`, each already formatted. */
  handshakePercentiles(kind: HandshakeKind, p50: string, p95: string, p99: string): string;
}

/** The reasons a probe line gives in its own few words; `other` takes the error catalogue's sentence. */
type ProbeFailure =
  | "refused"
  | "tls-timeout"
  | "no-echo"
  | "no-answer"
  | "reset"
  | "broken-pipe"
  | "closed-part-way"
  | "closed"
  | "mismatch"
  | "no-route"
  | "no-network"
  | "other";

function probeFailure(code: EchoErrorCode, ctx: EchoErrorContext): ProbeFailure {
  switch (code) {
    case "ECONNREFUSED":
      return "refused";
    case "ETIMEDOUT":
      return ctx.operation === "tls handshake"
        ? "tls-timeout"
        : ctx.operation === "read"
          ? "no-echo"
          : "no-answer";
    case "ECONNRESET":
      return "reset";
    case "EPIPE":
      return "broken-pipe";
    case "ERR_PEER_CLOSED":
      return ctx.received ? "closed-part-way" : "closed";
    case "ERR_ECHO_MISMATCH":
      return "mismatch";
    case "EHOSTUNREACH":
      return "no-route";
    case "ENETUNREACH":
      return "no-network";
    default:
      return "other";
  }
}

/** One language's words for each {@link ProbeFailure}. */
type ProbeWords = Readonly<Record<ProbeFailure, (code: EchoErrorCode, ctx: EchoErrorContext) => string>>;

const PROBE_EN: ProbeWords = {
  refused: () => "connection refused: nothing is listening on that port",
  "tls-timeout": (_, ctx) =>
    `no TLS handshake within ${units.en.duration(ctx.timeoutMs ?? 0)}: the server accepted the connection but did not answer in TLS`,
  "no-echo": (_, ctx) => en.noEcho(ctx.timeoutMs ?? 0, ctx.received ?? 0, ctx.expected ?? 0),
  "no-answer": (_, ctx) =>
    `no answer within ${units.en.duration(ctx.timeoutMs ?? 0)}: a firewall may be dropping the packets, or the host is down`,
  reset: () => "connection reset by the server",
  "broken-pipe": () => "the server closed the connection while the probe was being sent",
  "closed-part-way": (_, ctx) =>
    `the server closed the connection after ${ctx.received} of ${ctx.expected} bytes of the echo`,
  closed: () => "the server closed the connection",
  mismatch: (_, ctx) => `the echo differs from the probe, first at byte ${ctx.offset}`,
  "no-route": () =>
    "no route to the host: it is down, not on this network, or a firewall rejects the packets",
  "no-network": () => "network unreachable: no interface or gateway of this machine leads there",
  // Worded with "the server" in place of the address the line already names.
  other: (code, ctx) => errorMessages.en.error(code, { ...ctx, host: undefined }),
};

const PROBE_KO: ProbeWords = {
  refused: () => "접속 거부: 그 포트에서 대기 중인 프로그램이 없습니다",
  "tls-timeout": (_, ctx) =>
    `${units.ko.duration(ctx.timeoutMs ?? 0)} 안에 TLS 핸드셰이크가 끝나지 않았습니다: 서버가 접속은 받았지만 TLS로 응답하지 않았습니다`,
  "no-echo": (_, ctx) => ko.noEcho(ctx.timeoutMs ?? 0, ctx.received ?? 0, ctx.expected ?? 0),
  "no-answer": (_, ctx) =>
    `${units.ko.duration(ctx.timeoutMs ?? 0)} 안에 응답이 없습니다: 방화벽이 패킷을 버리거나 호스트가 꺼져 있습니다`,
  reset: () => "서버가 연결을 리셋했습니다",
  "broken-pipe": () => "프로브를 보내는 중에 서버가 연결을 닫았습니다",
  "closed-part-way": (_, ctx) =>
    `서버가 에코 ${ctx.expected}바이트 중 ${ctx.received}바이트만 보내고 연결을 닫았습니다`,
  closed: () => "서버가 연결을 닫았습니다",
  mismatch: (_, ctx) => `에코가 프로브와 다릅니다 (처음 다른 곳: ${ctx.offset}번째 바이트)`,
  "no-route": () => "호스트까지 가는 경로가 없습니다: 꺼져 있거나, 이 네트워크에 없거나, 방화벽이 거부합니다",
  "no-network": () => "네트워크에 닿을 수 없습니다: 그쪽으로 가는 인터페이스나 게이트웨이가 없습니다",
  other: (code, ctx) => errorMessages.ko.error(code, { ...ctx, host: undefined }),
};

const en: PingMessages = {
  header: (target, address, size, connectOnly, tls) =>
    `PING ${target} (${address}): ${
      connectOnly
        ? `a fresh TCP ${tls ? "and TLS handshake" : "handshake"} per probe (connect only)`
        : `${size}-byte probes over one ${tls ? "TLS" : "TCP"} connection`
    }`,
  echoed: (bytes, target, seq, time) => `${bytes} bytes from ${target}: seq=${seq} time=${time} ms`,
  connected: (target, seq, time) => `connected to ${target}: seq=${seq} time=${time} ms`,
  connectedTls: (target, seq, tcp, tls) => `connected to ${target}: seq=${seq} tcp=${tcp} ms tls=${tls} ms`,
  failed: (target, seq, reason) => `From ${target}: seq=${seq} ${reason}`,
  probeError: (code, ctx) => PROBE_EN[probeFailure(code, ctx)](code, ctx),
  noEcho: (ms, received, expected) =>
    received > 0
      ? `only ${received} of ${expected} bytes echoed within ${units.en.duration(ms)}`
      : `no echo within ${units.en.duration(ms)}`,
  speaksTls: (target) => `${target} seems to speak TLS (it answers a TLS handshake): try --tls`,
  late: (bytes, target, seq, time, ms) =>
    `${en.echoed(bytes, target, seq, time)} (late: after the ${units.en.duration(ms)} timeout, counted as lost)`,
  statsTitle: (target) => `--- ${target} tcpecho ping statistics ---`,
  summary: (sent, echoed, loss, elapsed, connectOnly) =>
    `${sent} probe${sent === 1 ? "" : "s"} sent, ${echoed} ${connectOnly ? "connected" : "echoed"}, ${loss}% loss, time ${Math.round(elapsed)} ms`,
  rtt: (min, avg, max, mdev) => `rtt min/avg/max/mdev = ${min}/${avg}/${max}/${mdev} ms`,
  percentiles: (p50, p95, p99) => `rtt p50/p95/p99 = ${p50}/${p95}/${p99} ms`,
  handshake: (kind, min, avg, max, mdev) =>
    `${kind} handshake min/avg/max/mdev = ${min}/${avg}/${max}/${mdev} ms`,
  handshakePercentiles: (kind, p50, p95, p99) => `${kind} handshake p50/p95/p99 = ${p50}/${p95}/${p99} ms`,
};

const ko: PingMessages = {
  header: (target, address, size, connectOnly, tls) =>
    `PING ${target} (${address}): ${
      connectOnly
        ? tls
          ? "프로브마다 새 TCP 연결과 TLS 핸드셰이크의 시간을 잽니다 (연결만)"
          : "프로브마다 새 TCP 연결을 맺어 시간을 잽니다 (연결만)"
        : `${tls ? "TLS" : "TCP"} 연결 하나로 ${size}바이트 프로브를 보냅니다`
    }`,
  echoed: (bytes, target, seq, time) => `${target} 에서 ${bytes}바이트 에코: seq=${seq} 시간=${time} ms`,
  connected: (target, seq, time) => `${target} 에 연결됨: seq=${seq} 시간=${time} ms`,
  connectedTls: (target, seq, tcp, tls) => `${target} 에 연결됨: seq=${seq} tcp=${tcp} ms tls=${tls} ms`,
  failed: (target, seq, reason) => `${target}: seq=${seq} ${reason}`,
  probeError: (code, ctx) => PROBE_KO[probeFailure(code, ctx)](code, ctx),
  noEcho: (ms, received, expected) =>
    received > 0
      ? `${units.ko.duration(ms)} 안에 ${expected}바이트 중 ${received}바이트만 돌아왔습니다`
      : `${units.ko.duration(ms)} 안에 에코가 오지 않았습니다`,
  speaksTls: (target) =>
    `${target} 에서 TLS를 쓰는 것 같습니다 (TLS 핸드셰이크에 응답합니다): --tls 를 붙여 보세요`,
  late: (bytes, target, seq, time, ms) =>
    `${ko.echoed(bytes, target, seq, time)} (늦게 도착: 제한 시간 ${units.ko.duration(ms)}를 넘겨 손실로 셈)`,
  statsTitle: (target) => `--- ${target} tcpecho ping 통계 ---`,
  summary: (sent, echoed, loss, elapsed, connectOnly) =>
    `${sent}개 보냄, ${echoed}개 ${connectOnly ? "연결됨" : "에코"}, 손실 ${loss}%, 시간 ${Math.round(elapsed)} ms`,
  rtt: (min, avg, max, mdev) => `왕복 시간 최소/평균/최대/편차 = ${min}/${avg}/${max}/${mdev} ms`,
  percentiles: (p50, p95, p99) => `왕복 시간 p50/p95/p99 = ${p50}/${p95}/${p99} ms`,
  handshake: (kind, min, avg, max, mdev) =>
    `${kind.toUpperCase()} 핸드셰이크 최소/평균/최대/편차 = ${min}/${avg}/${max}/${mdev} ms`,
  handshakePercentiles: (kind, p50, p95, p99) =>
    `${kind.toUpperCase()} 핸드셰이크 p50/p95/p99 = ${p50}/${p95}/${p99} ms`,
};

/**
 * The ping catalogues by language.
 *
 * @example
 * ```ts
 * import { pingMessages } from "./ping.js";
 * pingMessages.ko.summary(3, 3, 0, 402, false); // "3개 보냄, 3개 에코, 손실 0%, 시간 402 ms"
 * ```
 */
export const pingMessages: Readonly<Record<Lang, PingMessages>> = { en, ko };
