/**
 * The sentences of `tcpecho ping`, in English and Korean, shaped like iputils
 * `ping` output. Figures arrive already formatted (`0.215`); error reasons
 * come from the main catalogue's `error()`.
 *
 * @module
 */

import type { Lang } from "./lang.js";
import { messages } from "./messages.js";

/** One language's ping sentences. */
export interface PingMessages {
  /** First line: what is pinged and how. */
  header(target: string, address: string, size: number, connectOnly: boolean): string;
  /** A probe's echo came back. */
  echoed(bytes: number, target: string, seq: number, time: string): string;
  /** A connect-only probe's handshake completed. */
  connected(target: string, seq: number, time: string): string;
  /** A probe failed, and why. */
  failed(target: string, seq: number, reason: string): string;
  /** The reason for a probe whose echo did not (fully) come back in time. */
  noEcho(timeoutMs: number, received: number, expected: number): string;
  /** An echo that came after its probe had timed out. */
  late(bytes: number, target: string, seq: number, time: string, timeoutMs: number): string;
  statsTitle(target: string): string;
  summary(sent: number, echoed: number, lossPercent: number, elapsedMs: number, connectOnly: boolean): string;
  /** `min/avg/max/mdev`, each already formatted. */
  rtt(min: string, avg: string, max: string, mdev: string): string;
  /** `p50/p95/p99`, each already formatted. */
  percentiles(p50: string, p95: string, p99: string): string;
}

const en: PingMessages = {
  header: (target, address, size, connectOnly) =>
    `PING ${target} (${address}): ${
      connectOnly
        ? "a fresh TCP handshake per probe (connect only)"
        : `${size}-byte probes over one TCP connection`
    }`,
  echoed: (bytes, target, seq, time) => `${bytes} bytes from ${target}: seq=${seq} time=${time} ms`,
  connected: (target, seq, time) => `connected to ${target}: seq=${seq} time=${time} ms`,
  failed: (target, seq, reason) => `From ${target}: seq=${seq} ${reason}`,
  noEcho: (ms, received, expected) =>
    received > 0
      ? `only ${received} of ${expected} bytes echoed within ${messages.en.duration(ms)}`
      : `no echo within ${messages.en.duration(ms)}`,
  late: (bytes, target, seq, time, ms) =>
    `${en.echoed(bytes, target, seq, time)} (late: after the ${messages.en.duration(ms)} timeout, counted as lost)`,
  statsTitle: (target) => `--- ${target} tcpecho ping statistics ---`,
  summary: (sent, echoed, loss, elapsed, connectOnly) =>
    `${sent} probe${sent === 1 ? "" : "s"} sent, ${echoed} ${connectOnly ? "connected" : "echoed"}, ${loss}% loss, time ${Math.round(elapsed)} ms`,
  rtt: (min, avg, max, mdev) => `rtt min/avg/max/mdev = ${min}/${avg}/${max}/${mdev} ms`,
  percentiles: (p50, p95, p99) => `rtt p50/p95/p99 = ${p50}/${p95}/${p99} ms`,
};

const ko: PingMessages = {
  header: (target, address, size, connectOnly) =>
    `PING ${target} (${address}): ${
      connectOnly
        ? "프로브마다 새 TCP 연결을 맺어 시간을 잽니다 (연결만)"
        : `TCP 연결 하나로 ${size}바이트 프로브를 보냅니다`
    }`,
  echoed: (bytes, target, seq, time) => `${target} 에서 ${bytes}바이트 에코: seq=${seq} 시간=${time} ms`,
  connected: (target, seq, time) => `${target} 에 연결됨: seq=${seq} 시간=${time} ms`,
  failed: (target, seq, reason) => `${target}: seq=${seq} ${reason}`,
  noEcho: (ms, received, expected) =>
    received > 0
      ? `${messages.ko.duration(ms)} 안에 ${expected}바이트 중 ${received}바이트만 돌아왔습니다`
      : `${messages.ko.duration(ms)} 안에 에코가 오지 않았습니다`,
  late: (bytes, target, seq, time, ms) =>
    `${ko.echoed(bytes, target, seq, time)} (늦게 도착: 제한 시간 ${messages.ko.duration(ms)}를 넘겨 손실로 셈)`,
  statsTitle: (target) => `--- ${target} tcpecho ping 통계 ---`,
  summary: (sent, echoed, loss, elapsed, connectOnly) =>
    `${sent}개 보냄, ${echoed}개 ${connectOnly ? "연결됨" : "에코"}, 손실 ${loss}%, 시간 ${Math.round(elapsed)} ms`,
  rtt: (min, avg, max, mdev) => `왕복 시간 최소/평균/최대/편차 = ${min}/${avg}/${max}/${mdev} ms`,
  percentiles: (p50, p95, p99) => `왕복 시간 p50/p95/p99 = ${p50}/${p95}/${p99} ms`,
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
