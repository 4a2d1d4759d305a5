/**
 * What a fault did to a connection, in words: the server's log line
 * (`fault #3 delay=200ms: …`), the trace's note and the live page say it
 * the same way. The fault itself (`delay=200ms`) is written as given, in
 * every language.
 *
 * @module
 */

import type { FaultEffect } from "../server/faults/faulted-echo.js";
import type { Lang } from "./lang.js";

type Words = (e: FaultEffect) => string;

const n = (v: number | undefined): number => v ?? 0;
const bytesEn = (v: number | undefined): string => `${n(v)} byte${n(v) === 1 ? "" : "s"}`;

const en: Words = (e) => {
  switch (e.kind) {
    case "hold":
      return `not read for ${n(e.ms)} ms after accept`;
    case "reset-after":
      return `reset (RST) after ${bytesEn(e.bytes)} of echo`;
    case "close-after":
      return `closed (FIN) after ${bytesEn(e.bytes)} of echo; what follows is read and dropped`;
    case "stall-after":
      return `stalled after ${bytesEn(e.bytes)} of echo: no more reads, no more echo`;
    case "corrupt":
      return `one bit flipped in byte ${n(e.offset)} of a ${n(e.bytes)}-byte echo`;
    case "delay":
      return `echo of ${bytesEn(e.bytes)} held back ${n(e.ms)} ms`;
    case "slice":
      return `echo of ${bytesEn(e.bytes)} cut into ${n(e.pieces)} writes`;
    case "bandwidth":
      return `echo paced: the next ${bytesEn(e.bytes)} wait ${n(e.ms)} ms`;
    case "slow-close":
      return `the client's FIN came: the rest of the echo and our FIN wait ${n(e.ms)} ms`;
  }
};

const ko: Words = (e) => {
  switch (e.kind) {
    case "hold":
      return `accept 뒤 ${n(e.ms)}밀리초 동안 읽지 않음`;
    case "reset-after":
      return `${n(e.bytes)}바이트를 에코한 뒤 리셋(RST)`;
    case "close-after":
      return `${n(e.bytes)}바이트를 에코한 뒤 닫음(FIN). 그 뒤에 온 데이터는 읽고 버림`;
    case "stall-after":
      return `${n(e.bytes)}바이트를 에코한 뒤 멈춤: 더 읽지도 에코하지도 않음`;
    case "corrupt":
      return `${n(e.bytes)}바이트 에코의 ${n(e.offset)}번째 바이트에서 비트 하나를 뒤집음`;
    case "delay":
      return `${n(e.bytes)}바이트의 에코를 ${n(e.ms)}밀리초 늦춤`;
    case "slice":
      return `${n(e.bytes)}바이트의 에코를 ${n(e.pieces)}번에 나누어 씀`;
    case "bandwidth":
      return `속도 제한: 다음 ${n(e.bytes)}바이트는 ${n(e.ms)}밀리초 기다림`;
    case "slow-close":
      return `클라이언트의 FIN이 옴: 남은 에코와 서버의 FIN을 ${n(e.ms)}밀리초 늦춤`;
  }
};

/**
 * What `effect` did, in `lang`.
 *
 * @example
 * ```ts
 * import { faultDone } from "./faults.js";
 * faultDone("en", { kind: "delay", spec: "delay=200ms", bytes: 5, ms: 200 }); // "echo of 5 bytes held back 200 ms"
 * faultDone("ko", { kind: "delay", spec: "delay=200ms", bytes: 5, ms: 200 }); // "5바이트의 에코를 200밀리초 늦춤"
 * ```
 */
export function faultDone(lang: Lang, effect: FaultEffect): string {
  return (lang === "ko" ? ko : en)(effect);
}
