/**
 * Every word the live page shows, in English and Korean, with numbers in
 * each language's units. The Korean uses the notes' words: 대기 소켓 (listening
 * socket), 통신 소켓 (communication socket), 접속 대기 큐 (accept queue).
 *
 * @module
 */

export type Lang = "en" | "ko";

/** One language's words. */
export interface Words {
  title: string;
  /** The server's state, and the stream's when it is down. */
  serverState: Record<
    "starting" | "listening" | "draining" | "closed" | "reconnecting" | "connecting",
    string
  >;
  /** Before the data path's name (`handles`, `streams`). */
  dataPath: string;
  uptime(ms: number): string;
  listeners: string;
  listenerColumns: [address: string, backlog: string, acceptQueue: string];
  acceptQueueUnknown: string;
  totals: string;
  totalNames: Record<"served" | "open" | "bytesIn" | "bytesOut" | "errors" | "refused" | "faults", string>;
  currentFaults: string;
  none: string;
  connections: string;
  connectionColumns: [
    id: string,
    peer: string,
    state: string,
    bytesIn: string,
    bytesOut: string,
    queued: string,
    age: string,
    faults: string,
  ];
  noConnections: string;
  via(proxy: string): string;
  /** The server-known states (`open`, `half-closed`, …) in words. */
  knownState: Record<string, string>;
  asServerKnows: string;
  /** `1–50 of 120`. */
  window(first: number, last: number, total: number): string;
  previous: string;
  next: string;
  pickHint: string;
  calls: string;
  callsOf(id: number, peer: string): string;
  unfollow: string;
  notFromAccept: string;
  skipped(n: number): string;
  followedGone(id: number): string;
  followedClosed: string;
  clientFin: string;
  ourFin: string;
  released: string;
  acceptDone: string;
  errorCall(code: string): string;
  faultCall(spec: string): string;
  backpressure(queued: number): string;
  faultPanel: string;
  faultSpecs: string;
  faultHint: string;
  token: string;
  set: string;
  clear: string;
  faultsNow(specs: string): string;
  faultsSet(specs: string): string;
  faultsCleared: string;
  refused(status: number, reason: string): string;
  unreachable: string;
  bytes(n: number): string;
  duration(ms: number): string;
}

const group = (n: number) => Math.round(n).toLocaleString("en-US");

function scaled(n: number, unit: string, join: string): string {
  if (n < 1000) return `${group(n)}${join}${unit}`;
  // Three significant figures at most, as the command's log writes sizes (4.5 MB, 12.0 kB).
  const [value, prefix] = n < 1e6 ? [n / 1e3, "k"] : n < 1e9 ? [n / 1e6, "M"] : [n / 1e9, "G"];
  return `${value.toFixed(value < 100 ? 1 : 0)}${join}${prefix}${unit}`;
}

const en: Words = {
  title: "tcpecho live",
  serverState: {
    starting: "starting",
    listening: "listening",
    draining: "draining",
    closed: "closed",
    reconnecting: "reconnecting…",
    connecting: "connecting…",
  },
  dataPath: "data path",
  uptime: (ms) => `up ${en.duration(ms)}`,
  listeners: "Listening sockets",
  listenerColumns: ["Address", "Backlog applied", "Accept queue"],
  acceptQueueUnknown: "not told by this OS",
  totals: "Totals",
  totalNames: {
    served: "served",
    open: "open",
    bytesIn: "bytes in",
    bytesOut: "bytes out",
    errors: "errors",
    refused: "refused",
    faults: "faults applied",
  },
  currentFaults: "current faults",
  none: "none",
  connections: "Communication sockets",
  connectionColumns: ["#", "Peer", "TCP state", "In", "Out", "Queued", "Age", "Faults"],
  noConnections: "No connection yet: connect a client to the echo port.",
  via: (proxy) => `via PROXY ${proxy}`,
  knownState: { open: "open", "half-closed": "half-closed", closing: "closing", closed: "closed" },
  asServerKnows: "as the server knows",
  window: (first, last, total) => `${first}–${last} of ${total}`,
  previous: "Previous",
  next: "Next",
  pickHint: "Pick a connection (click it, or Enter) to follow its socket calls.",
  calls: "Socket calls",
  callsOf: (id, peer) => `Socket calls of #${id} (${peer})`,
  unfollow: "Stop following",
  notFromAccept: "This connection opened before the page watched: its first calls are not known.",
  skipped: (n) =>
    `${group(n)} call${n === 1 ? "" : "s"} in the middle left out (the first and the latest are kept).`,
  followedGone: (id) => `#${id} is closed and no longer listed.`,
  followedClosed: "closed",
  clientFin: "the client's FIN: it sends no more",
  ourFin: "our FIN, after everything queued",
  released: "descriptor released",
  acceptDone: "taken from the accept queue",
  errorCall: (code) => `error: ${code}`,
  faultCall: (spec) => `fault: ${spec}`,
  backpressure: (q) => `${en.bytes(q)} queued: reading stops until they are sent (backpressure)`,
  faultPanel: "Fault injection",
  faultSpecs: "Faults to set (several: separate them with spaces or new lines)",
  faultHint: "They act on connections accepted from now on.",
  token: "Control token",
  set: "Set",
  clear: "Clear",
  faultsNow: (specs) => `The server's faults now: ${specs}`,
  faultsSet: (specs) => `Set: ${specs}`,
  faultsCleared: "Cleared: the echo is plain again.",
  refused: (status, reason) => `The server refused it (${status}): ${reason}`,
  unreachable: "The server could not be reached.",
  bytes: (n) => scaled(n, "B", " "),
  duration: (ms) =>
    ms < 1000
      ? `${Math.round(ms)} ms`
      : ms < 60_000
        ? `${(ms / 1000).toFixed(1)} s`
        : ms < 3_600_000
          ? `${Math.floor(ms / 60_000)} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")} s`
          : `${Math.floor(ms / 3_600_000)} h ${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, "0")} min`,
};

const ko: Words = {
  title: "tcpecho 실시간 보기",
  serverState: {
    starting: "시작하는 중",
    listening: "대기 중",
    draining: "종료 중",
    closed: "닫힘",
    reconnecting: "다시 연결하는 중…",
    connecting: "연결하는 중…",
  },
  dataPath: "데이터 경로",
  uptime: (ms) => `가동 시간 ${ko.duration(ms)}`,
  listeners: "대기 소켓",
  listenerColumns: ["주소", "적용된 backlog", "접속 대기 큐"],
  acceptQueueUnknown: "이 OS는 알려 주지 않음",
  totals: "합계",
  totalNames: {
    served: "처리한 연결",
    open: "열린 연결",
    bytesIn: "받은 양",
    bytesOut: "보낸 양",
    errors: "오류",
    refused: "거부한 연결",
    faults: "장애가 적용된 연결",
  },
  currentFaults: "현재 장애",
  none: "없음",
  connections: "통신 소켓",
  connectionColumns: ["#", "상대편", "TCP 상태", "받음", "보냄", "송신 대기", "연결 시간", "장애"],
  noConnections: "아직 연결이 없습니다. 에코 포트에 클라이언트를 접속해 보세요.",
  via: (proxy) => `PROXY ${proxy} 경유`,
  knownState: { open: "열림", "half-closed": "반쯤 닫힘", closing: "닫는 중", closed: "닫힘" },
  asServerKnows: "서버 기준",
  window: (first, last, total) => `${total}개 중 ${first}–${last}`,
  previous: "이전",
  next: "다음",
  pickHint: "연결을 클릭하거나 선택한 뒤 엔터 키를 누르면 그 연결의 소켓 호출을 따라갑니다.",
  calls: "소켓 호출",
  callsOf: (id, peer) => `#${id}(${peer})의 소켓 호출`,
  unfollow: "그만 따라가기",
  notFromAccept: "페이지를 열기 전에 맺어진 연결이라 처음 호출은 알 수 없습니다.",
  skipped: (n) => `중간의 호출 ${group(n)}개는 생략했습니다(처음과 최근 호출만 남김).`,
  followedGone: (id) => `#${id} 연결은 닫혀서 목록에서 빠졌습니다.`,
  followedClosed: "닫힘",
  clientFin: "클라이언트의 FIN: 더 보낼 데이터가 없음",
  ourFin: "대기 중인 데이터를 다 보낸 뒤 FIN 전송",
  released: "디스크립터 반환",
  acceptDone: "접속 대기 큐에서 꺼냄",
  errorCall: (code) => `오류: ${code}`,
  faultCall: (spec) => `장애: ${spec}`,
  backpressure: (q) => `${ko.bytes(q)} 송신 대기: 다 보낼 때까지 읽기를 멈춤(백프레셔)`,
  faultPanel: "장애 주입",
  faultSpecs: "설정할 장애(여러 개는 공백이나 줄바꿈으로 구분)",
  faultHint: "지금부터 접속하는 연결에 적용됩니다.",
  token: "제어 토큰",
  set: "설정",
  clear: "모두 지우기",
  faultsNow: (specs) => `현재 서버의 장애: ${specs}`,
  faultsSet: (specs) => `설정했습니다: ${specs}`,
  faultsCleared: "모두 지웠습니다. 이제 평소대로 에코합니다.",
  refused: (status, reason) => `서버가 거절했습니다(${status}): ${reason}`,
  unreachable: "서버에 연결할 수 없습니다.",
  bytes: (n) => (n < 1000 ? `${group(n)}바이트` : scaled(n, "B", "")),
  duration: (ms) =>
    ms < 1000
      ? `${Math.round(ms)}밀리초`
      : ms < 60_000
        ? `${(ms / 1000).toFixed(1)}초`
        : ms < 3_600_000
          ? `${Math.floor(ms / 60_000)}분 ${Math.floor((ms % 60_000) / 1000)}초`
          : `${Math.floor(ms / 3_600_000)}시간 ${Math.floor((ms % 3_600_000) / 60_000)}분`,
};

/** The page's words by language. */
export const words: Readonly<Record<Lang, Words>> = { en, ko };
