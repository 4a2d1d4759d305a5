/**
 * The words of `--trace` (on `serve` and `client`), in English and Korean:
 * the notes to each socket call. The calls themselves (`accept(20) = fd 23`)
 * and the kernel's state names (`CLOSE_WAIT`) are the same in every language,
 * as the notes and `ss` write them.
 *
 * @module
 */

import type { Lang } from "./lang.js";
import { units } from "./units.js";

/** One language's trace words. */
export interface TraceMessages {
  /** The tag each trace line starts with. */
  tag: string;
  /** The notes' listening socket (대기 소켓). */
  listeningSocket: string;
  /** The notes' communication socket (통신 소켓), one per client. */
  communicationSocket: string;
  /** Node's listen() makes socket(), bind() and listen() in one call. */
  joinedListen: string;
  /** The backlog the kernel applied (listen caps it at net.core.somaxconn). */
  appliedBacklog(n: number): string;
  /** libuv accepted the connection before JavaScript saw it. */
  acceptedByLibuv: string;
  /** The listening socket's accept queue, right after the accept. */
  acceptQueue(n: number): string;
  /** A send the kernel took only part of: the rest is queued and reading stops. */
  backpressure(queued: number): string;
  /** The stream path hands a write to Node, which does not say how much the kernel took. */
  streamQueued(queued: number): string;
  /** recv() returned 0: the client's FIN. */
  clientFin: string;
  /** Our FIN went out (after anything queued). */
  ourFin: string;
  /** Gone right after our FIN: the peer's ACK already ended LAST_ACK. */
  lastAckOver: string;
  /** The descriptor was released. */
  released: string;
  /** The socket is no longer in the kernel's table. */
  gone: string;
  /** `state` as `tool` read it only after the socket's next calls (so it may be theirs). */
  stateLate(state: string, tool: string): string;
  /** Gone from the table by the time `tool` (which gives the states where there is no /proc) read it. */
  goneBy(tool: string): string;
  /** The kernel's table of TCP sockets cannot be read here. */
  noState: string;
  /** The tool that gives the states elsewhere (`netstat -an -p tcp`) could not answer: `why` already worded. */
  noStateFrom(tool: string, why: string): string;
  /** Node's connect makes socket() and connect() in one call. */
  joinedConnect: string;
  /** The address the kernel gave our side (with its ephemeral port). */
  ephemeral(endpoint: string): string;
  /** How many recv calls the notes' recvn loop took for one echo (the line's call is `recvn`). */
  recvCalls(n: number): string;
  /** connect() = -1 ECONNREFUSED: the peer answered our SYN with RST. */
  connectRefused: string;
  /** connect() gave up: no answer to our SYN within `duration` (already worded). */
  connectTimedOut(duration: string): string;
  /** recvn gave up: nothing (more) came back within `duration` (already worded). */
  recvnTimedOut(duration: string): string;
  /** recv returned 0 inside recvn: the server's FIN before the whole echo. */
  recvnPeerClosed(received: number, expected: number): string;
  /** recv failed with ECONNRESET inside recvn. */
  recvnReset: string;
  /** Trace lines were left out: more than `n` a second. */
  suppressed(n: number): string;
  /** A read's bytes were cut: `n` more not shown. */
  moreBytes(n: number): string;
}

const en: TraceMessages = {
  tag: "[trace]",
  listeningSocket: "listening socket",
  communicationSocket: "communication socket",
  joinedListen: "Node makes socket(), bind() and listen() in one call (server.listen)",
  appliedBacklog: (n) => `${n} applied by the kernel`,
  acceptedByLibuv: "libuv accepted it before JavaScript saw it",
  acceptQueue: (n) => `accept queue now ${n}`,
  backpressure: (q) =>
    `the kernel took less: ${q} byte${q === 1 ? "" : "s"} queued, reading stops until they are sent (backpressure)`,
  streamQueued: (q) =>
    `${q} byte${q === 1 ? "" : "s"} queued in Node (the stream path cannot see how much the kernel took); reading stops until they are sent (backpressure)`,
  clientFin: "the client's FIN: it sends no more",
  ourFin: "our FIN, after everything queued",
  lastAckOver: "the client's ACK of it already came, so LAST_ACK is over (at once on loopback)",
  released: "descriptor released",
  gone: "gone from the kernel's table",
  goneBy: (tool) => `gone from the kernel's table by the time ${tool} read it`,
  stateLate: (state, tool) => `${state} (${tool} read it only after the next calls)`,
  noState: "state unknown (no /proc/net/tcp here)",
  noStateFrom: (tool, why) => `state unknown (${tool}: ${why})`,
  joinedConnect: "Node makes socket() and connect() in one call",
  ephemeral: (endpoint) => `our side ${endpoint} (the port is an ephemeral one the kernel chose)`,
  recvCalls: (n) => `${n} recv call${n === 1 ? "" : "s"} (the recvn loop)`,
  connectRefused: "nothing listens on that port: our SYN was answered with RST",
  connectTimedOut: (d) => `no answer to our SYN within ${d}`,
  recvnTimedOut: (d) => `nothing more came back within ${d}, so the client gives up`,
  recvnPeerClosed: (r, e) => `recv returned 0 (the server's FIN) after ${r} of ${e} bytes`,
  recvnReset: "the server reset the connection (RST)",
  suppressed: (n) => `more than ${n} trace lines a second: the rest of this second is left out`,
  moreBytes: (n) => `(+${units.en.bytes(n)})`,
};

const ko: TraceMessages = {
  tag: "[추적]",
  listeningSocket: "대기 소켓",
  communicationSocket: "통신 소켓",
  joinedListen: "Node는 socket(), bind(), listen()을 한 번의 호출(server.listen)로 합니다",
  appliedBacklog: (n) => `커널이 실제로 적용한 값 ${n}`,
  acceptedByLibuv: "JavaScript가 보기 전에 libuv가 이미 accept했습니다",
  acceptQueue: (n) => `지금 접속 대기 큐의 연결 ${n}개`,
  backpressure: (q) =>
    `커널이 일부만 가져감: ${q}바이트가 송신 대기 중이며, 다 보낼 때까지 읽기를 멈춥니다(백프레셔)`,
  streamQueued: (q) =>
    `${q}바이트가 Node 안에서 송신 대기 중(스트림 경로에서는 커널이 얼마나 가져갔는지 알 수 없음)이며, 다 보낼 때까지 읽기를 멈춥니다(백프레셔)`,
  clientFin: "클라이언트의 FIN: 더 보낼 데이터가 없음",
  ourFin: "대기 중인 데이터를 다 보낸 뒤 FIN 전송",
  lastAckOver: "클라이언트의 ACK가 이미 와서 LAST_ACK 상태가 끝났습니다(루프백에서는 즉시)",
  released: "디스크립터 반환",
  gone: "커널의 소켓 표에서 사라짐",
  goneBy: (tool) => `${tool} 명령이 읽었을 때는 이미 커널의 소켓 표에서 사라짐`,
  stateLate: (state, tool) => `${state} (${tool} 명령이 다음 호출들이 끝난 뒤에야 읽음)`,
  noState: "상태를 알 수 없음(/proc/net/tcp 없음)",
  noStateFrom: (tool, why) => `상태를 알 수 없음(${tool}: ${why})`,
  joinedConnect: "Node는 socket()과 connect()를 한 번의 호출로 합니다",
  ephemeral: (endpoint) => `이쪽 주소 ${endpoint}(포트는 커널이 고른 임시 포트)`,
  recvCalls: (n) => `recv ${n}번 호출(recvn 반복)`,
  connectRefused: "그 포트에서 대기 중인 소켓이 없어 SYN에 RST가 돌아왔습니다",
  connectTimedOut: (d) => `${d} 안에 SYN에 대한 응답이 없습니다`,
  recvnTimedOut: (d) => `${d} 동안 더 돌아온 것이 없어 클라이언트가 기다리기를 그만둡니다`,
  recvnPeerClosed: (r, e) => `recv가 0을 돌려줌(서버의 FIN): ${e}바이트 중 ${r}바이트를 받은 뒤`,
  recvnReset: "서버가 연결을 리셋했습니다(RST)",
  suppressed: (n) => `추적 줄이 초당 ${n}줄을 넘어 이번 1초의 나머지는 생략합니다`,
  moreBytes: (n) => `(+${units.ko.bytes(n)})`,
};

/**
 * The trace words by language.
 *
 * @example
 * ```ts
 * import { traceMessages } from "./trace.js";
 * traceMessages.ko.acceptQueue(0); // "지금 접속 대기 큐의 연결 0개"
 * ```
 */
export const traceMessages: Readonly<Record<Lang, TraceMessages>> = { en, ko };
