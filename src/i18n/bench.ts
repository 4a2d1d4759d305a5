/**
 * What `tcpecho bench` says, in English and Korean.
 *
 * @module
 */

import type { Lang } from "./lang.js";

/** One language's bench sentences. */
export interface BenchMessages {
  header(target: string, mode: string, conns: number, size: number, pipeline: number, length: string): string;
  modes: Record<"pingpong" | "pipelined" | "rate" | "stream", string>;
  forDuration(seconds: number): string;
  forCount(n: number): string;
  progress(seconds: number, perSecond: number, mbps: number): string;
  requests(n: number, seconds: number): string;
  throughput(mbps: number): string;
  latency(p50: string, p90: string, p99: string, p999: string, max: string): string;
  errorsNone: string;
  errorsLead: string;
  connectFailed(n: number, of: number, why: string): string;
  resets(n: number): string;
  closedEarly(n: number): string;
  corrupted(n: number): string;
  missing(n: number): string;
  extra(n: number): string;
  rate(perSecond: number): string;
  round(round: number, target: string, perSecond: number, p99: string, ok: boolean): string;
  compareHeader: string;
  compareRow(target: string, perSecond: number, mbps: number, ratio: number, first: boolean): string;
}

const en: BenchMessages = {
  header: (t, mode, c, s, p, len) =>
    `tcpecho bench ${t}: ${mode}, ${c} connection${c === 1 ? "" : "s"} × ${s}-byte messages${p > 1 ? `, ${p} in flight each` : ""}, ${len}`,
  modes: { pingpong: "ping-pong", pipelined: "pipelined", rate: "fixed rate", stream: "stream" },
  forDuration: (s) => `${s} s`,
  forCount: (n) => `${n} messages`,
  progress: (s, r, mb) => `  ${s} s: ${r.toFixed(0)} requests/s, ${mb.toFixed(1)} MB/s`,
  requests: (n, s) => `  requests    ${n} in ${s.toFixed(2)} s`,
  throughput: (mb) => `  throughput  ${mb.toFixed(1)} MB/s echoed and checked`,
  latency: (a, b, c, d, e) => `  latency     p50 ${a}  p90 ${b}  p99 ${c}  p99.9 ${d}  max ${e}`,
  errorsNone: "  errors      none: every byte came back as sent",
  errorsLead: "  errors",
  connectFailed: (n, of, why) => `    ${n} of ${of} connections failed: ${why}`,
  resets: (n) => `    ${n} connection${n === 1 ? " was" : "s were"} reset by the server`,
  closedEarly: (n) =>
    `    ${n} connection${n === 1 ? " was" : "s were"} closed by the server before everything came back`,
  corrupted: (n) => `    ${n} byte${n === 1 ? "" : "s"} came back different from what was sent (corrupted)`,
  missing: (n) => `    ${n} byte${n === 1 ? "" : "s"} sent never came back (missing)`,
  extra: (n) => `    ${n} byte${n === 1 ? "" : "s"} came back that were never sent (extra)`,
  rate: (r) => `${r.toFixed(1)} requests/s`,
  round: (r, t, rps, p99, ok) =>
    `round ${r}  ${t}  ${rps.toFixed(1)} requests/s  p99 ${p99}${ok ? "" : "  ERRORS"}`,
  compareHeader: "target                     requests/s      MB/s   ratio to the first",
  compareRow: (t, rps, mb, ratio, first) =>
    `${t.padEnd(24)} ${rps.toFixed(1).padStart(13)} ${mb.toFixed(1).padStart(9)}   ${first ? "1 (baseline)" : ratio.toFixed(3)}`,
};

const ko: BenchMessages = {
  header: (t, mode, c, s, p, len) =>
    `tcpecho bench ${t}: ${mode}, 연결 ${c}개 × ${s}바이트 메시지${p > 1 ? `, 연결마다 ${p}개씩 동시에` : ""}, ${len}`,
  modes: { pingpong: "핑퐁", pipelined: "파이프라인", rate: "고정 속도", stream: "스트림" },
  forDuration: (s) => `${s}초`,
  forCount: (n) => `메시지 ${n}개`,
  progress: (s, r, mb) => `  ${s}초: 초당 ${r.toFixed(0)}개 요청, ${mb.toFixed(1)} MB/s`,
  requests: (n, s) => `  요청        ${s.toFixed(2)}초 동안 ${n}개`,
  throughput: (mb) => `  처리량      ${mb.toFixed(1)} MB/s (에코 확인됨)`,
  latency: (a, b, c, d, e) => `  지연 시간   p50 ${a}  p90 ${b}  p99 ${c}  p99.9 ${d}  최대 ${e}`,
  errorsNone: "  오류        없음: 모든 바이트가 보낸 그대로 돌아왔습니다",
  errorsLead: "  오류",
  connectFailed: (n, of, why) => `    연결 ${of}개 중 ${n}개 실패: ${why}`,
  resets: (n) => `    연결 ${n}개가 서버에 의해 리셋되었습니다`,
  closedEarly: (n) => `    연결 ${n}개를 서버가 모두 돌려보내기 전에 닫았습니다`,
  corrupted: (n) => `    ${n}바이트가 보낸 것과 다르게 돌아왔습니다 (손상)`,
  missing: (n) => `    보낸 ${n}바이트가 돌아오지 않았습니다 (누락)`,
  extra: (n) => `    보내지 않은 ${n}바이트가 돌아왔습니다 (초과)`,
  rate: (r) => `초당 요청 ${r.toFixed(1)}`,
  round: (r, t, rps, p99, ok) =>
    `${r}회차  ${t}  초당 요청 ${rps.toFixed(1)}  p99 ${p99}${ok ? "" : "  오류"}`,
  compareHeader: "대상                       초당 요청        MB/s   첫 대상 대비",
  compareRow: (t, rps, mb, ratio, first) =>
    `${t.padEnd(24)} ${rps.toFixed(1).padStart(13)} ${mb.toFixed(1).padStart(9)}   ${first ? "1 (기준)" : ratio.toFixed(3)}`,
};

/**
 * The bench catalogues by language.
 *
 * @example
 * ```ts
 * import { benchMessages } from "tcpecho";
 * benchMessages.en.missing(3); // "    3 bytes sent never came back (missing)"
 * ```
 */
export const benchMessages: Readonly<Record<Lang, BenchMessages>> = { en, ko };
