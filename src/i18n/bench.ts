/**
 * What `tcpecho bench` says, in English and Korean.
 *
 * @module
 */

import type { BenchFileProblem } from "../bench/report-json.js";
import type { Lang } from "./lang.js";

/** What the header line says about a run. */
export interface BenchHeading {
  target: string;
  mode: "pingpong" | "pipelined" | "rate" | "stream";
  connections: number;
  size: number;
  pipeline: number;
  /** Requests per second, with mode "rate". */
  rate?: number | undefined;
  /** Over TLS. */
  tls: boolean;
  /** How long or how many: {@link BenchMessages.forDuration} or {@link BenchMessages.forCount}. */
  length: string;
}

/** One language's bench sentences. */
export interface BenchMessages {
  header(h: BenchHeading): string;
  modes: Record<"pingpong" | "pipelined" | "rate" | "stream", string>;
  forDuration(seconds: number): string;
  forCount(n: number): string;
  progress(seconds: number, perSecond: number, mbps: number): string;
  /** Progress in stream mode, which has no requests. */
  progressStream(seconds: number, mbps: number): string;
  /** Messages completed in how long (ms: a run under a second is said in ms), and their rate. */
  requests(n: number, ms: number, perSecond: number): string;
  /** Stream mode: bytes echoed in how long (ms). */
  echoed(bytes: number, ms: number): string;
  /** `corrupted`: some bytes came back different, so the bytes were echoed but not as sent. */
  throughput(mbps: number, corrupted: boolean): string;
  latency(p50: string, p90: string, p99: string, p999: string, max: string): string;
  /**
   * How busy the load generator's busiest thread was (percent of its event
   * loop's time); `near`: so busy that the figures may be its own limit.
   */
  clientBusy(percent: number, threads: number, near: boolean): string;
  errorsNone: string;
  errorsLead: string;
  connectFailed(n: number, of: number, why: string): string;
  resets(n: number): string;
  closedEarly(n: number): string;
  corrupted(n: number): string;
  missing(n: number): string;
  extra(n: number): string;
  /** Connections open to the end that never got a byte back (`of`: connections made). */
  neverEchoed(n: number, of: number): string;
  /** On standard error after Ctrl-C: the report covers the time until then. */
  interrupted: string;
  round(round: number, target: string, perSecond: number, p99: string, ok: boolean): string;
  roundStream(round: number, target: string, mbps: number, ok: boolean): string;
  compareHeader: string;
  /** `ratio` null: the first target measured nothing, so there is nothing to compare with. */
  compareRow(target: string, perSecond: number, mbps: number, ratio: number | null, first: boolean): string;
  compareHeaderStream: string;
  compareRowStream(target: string, mbps: number, ratio: number | null, first: boolean): string;
  /** What each connection sends and for how long: the header after its target, and the chart's subtitle. */
  workload(h: Omit<BenchHeading, "target">): string;
  /** `--plot`: the chart's title, and its subtitle's note on rounds when several targets are compared. */
  plotTitle: string;
  plotRounds(rounds: number): string;
  /** `--plot`: the axis titles. */
  plotPercentile: string;
  plotLatency: string;
  /** `--plot`: where the chart went (a note on standard error). */
  plotWritten(path: string): string;
  /** `bench merge --plot`: the merged curve's name in the legend, and the chart's subtitle. */
  plotMerged(reports: number): string;
  plotMergeSubtitle(reports: number, targets: string[]): string;
  /** `bench merge`: the line before the merged report. */
  mergeHeader(reports: number, targets: string[]): string;
  /** `bench merge`: a file that is not a mergeable report, and why. */
  mergeBadFile(file: string, problem: BenchFileProblem, detail: string): string;
  /** `bench merge`: a file that cannot be read (`code`: the system's, ENOENT …). */
  mergeUnreadable(file: string, code: string): string;
  /** `bench merge`: a report given twice (`first`: where it was given first; the same name if it is the same file). */
  mergeTwice(file: string, first: string): string;
  /** `--hgrm`/`--plot` after the run: the file could not be written (`why`: {@link fileProblemEn}'s words). */
  writeFailed(file: string, why: string): string;
}

/** A run's time: in ms under a second, so that a short run does not read "0.00 s". */
function timeEn(ms: number): string {
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function timeKo(ms: number): string {
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)}초`;
}

/** Why a file could not be written (the CLI's `fileProblem` words), in Korean. */
const FILE_PROBLEMS_KO: Readonly<Record<string, string>> = {
  "no such directory": "그런 디렉터리가 없습니다",
  "permission denied": "쓸 권한이 없습니다",
  "it is a directory": "디렉터리입니다",
  "a file of the kernel (/proc, /sys)": "커널의 파일입니다 (/proc, /sys)",
  "a read-only file system": "읽기 전용 파일 시스템입니다",
  "no space left on the device": "장치에 남은 공간이 없습니다",
  "the disk quota is used up": "디스크 할당량을 다 썼습니다",
  "the device reported an input/output error": "장치가 입출력 오류를 알렸습니다",
  "the name is too long": "이름이 너무 깁니다",
  "no device behind it": "연결된 장치가 없습니다",
  "a loop of symbolic links": "심볼릭 링크가 돌고 돕니다",
  "a program that is running": "실행 중인 프로그램입니다",
};

/**
 * Why a file could not be written, in Korean, from the English words the
 * CLI gives it; the system's code is kept as it is.
 *
 * @example
 * ```ts
 * import { fileProblemKo } from "./bench.js";
 * fileProblemKo("no space left on the device"); // "장치에 남은 공간이 없습니다"
 * fileProblemKo("the system refused it (EINVAL)"); // "시스템이 거부했습니다 (EINVAL)"
 * ```
 */
export function fileProblemKo(why: string): string {
  const refused = /^the system refused it \((.*)\)$/s.exec(why);
  if (refused) return `시스템이 거부했습니다 (${refused[1]})`;
  return FILE_PROBLEMS_KO[why] ?? `'${why}'`;
}

const MERGE_HELP_EN = "(see: tcpecho bench merge --help)";
const MERGE_HELP_KO = "(도움말: tcpecho bench merge --help)";

/** A ratio to the first target: none when the first measured nothing (its runs failed). */
function ratioEn(ratio: number | null, first: boolean): string {
  if (ratio === null) return first ? "n/a (baseline failed)" : "n/a";
  return first ? "1 (baseline)" : ratio.toFixed(3);
}

function ratioKo(ratio: number | null, first: boolean): string {
  if (ratio === null) return first ? "없음 (기준이 실패함)" : "없음";
  return first ? "1 (기준)" : ratio.toFixed(3);
}

const en: BenchMessages = {
  header: (h) => `tcpecho bench ${h.target}${h.tls ? " over TLS" : ""}: ${en.workload(h)}`,
  workload: (h) => {
    const c = h.connections;
    const mode = h.mode === "rate" ? `fixed rate of ${h.rate} requests/s` : en.modes[h.mode];
    const unit = h.mode === "stream" ? "writes" : "messages";
    return `${mode}, ${c} connection${c === 1 ? "" : "s"} × ${h.size}-byte ${unit}${h.pipeline > 1 && h.mode !== "stream" ? `, ${h.pipeline} in flight each` : ""}, ${h.length}`;
  },
  modes: { pingpong: "ping-pong", pipelined: "pipelined", rate: "fixed rate", stream: "stream" },
  forDuration: (s) => `${s} s`,
  forCount: (n) => `${n} messages`,
  progress: (s, r, mb) => `  ${s} s: ${r.toFixed(0)} requests/s, ${mb.toFixed(1)} MB/s`,
  progressStream: (s, mb) => `  ${s} s: ${mb.toFixed(1)} MB/s`,
  requests: (n, ms, r) => `  requests    ${n} in ${timeEn(ms)}: ${r.toFixed(1)} requests/s`,
  echoed: (n, ms) => `  echoed      ${(n / 1e6).toFixed(1)} MB in ${timeEn(ms)}`,
  throughput: (mb, corrupted) =>
    `  throughput  ${mb.toFixed(1)} MB/s ${corrupted ? "echoed, but not all as sent (see errors)" : "echoed and checked"}`,
  latency: (a, b, c, d, e) => `  latency     p50 ${a}  p90 ${b}  p99 ${c}  p99.9 ${d}  max ${e}`,
  clientBusy: (p, t, near) =>
    `  client      ${p} % busy (event loop, busiest of ${t} thread${t === 1 ? "" : "s"})` +
    (near
      ? ": near its limit, so these figures may be the load generator's rather than the server's; give it more cores (--threads) or another machine"
      : ""),
  errorsNone: "  errors      none: every byte came back as sent",
  errorsLead: "  errors",
  connectFailed: (n, of, why) => `    ${n} of ${of} connections failed: ${why}`,
  resets: (n) => `    ${n} connection${n === 1 ? " was" : "s were"} reset by the server`,
  closedEarly: (n) =>
    `    ${n} connection${n === 1 ? " was" : "s were"} closed by the server before everything came back`,
  corrupted: (n) => `    ${n} byte${n === 1 ? "" : "s"} came back different from what was sent (corrupted)`,
  missing: (n) => `    ${n} byte${n === 1 ? "" : "s"} sent never came back (missing)`,
  extra: (n) => `    ${n} byte${n === 1 ? "" : "s"} came back that were never sent (extra)`,
  neverEchoed: (n, of) =>
    `    ${n} of ${of} connections never got an echo: connected, but the server sent nothing back on ${n === 1 ? "it" : "them"}`,
  interrupted: "stopped by Ctrl-C: the report covers the time until then",
  round: (r, t, rps, p99, ok) =>
    `round ${r}  ${t}  ${rps.toFixed(1)} requests/s  p99 ${p99}${ok ? "" : "  ERRORS"}`,
  roundStream: (r, t, mb, ok) => `round ${r}  ${t}  ${mb.toFixed(1)} MB/s${ok ? "" : "  ERRORS"}`,
  compareHeader: "target                     requests/s      MB/s   ratio to the first",
  compareRow: (t, rps, mb, ratio, first) =>
    `${t.padEnd(24)} ${rps.toFixed(1).padStart(13)} ${mb.toFixed(1).padStart(9)}   ${ratioEn(ratio, first)}`,
  compareHeaderStream: "target                        MB/s   ratio to the first",
  compareRowStream: (t, mb, ratio, first) =>
    `${t.padEnd(24)} ${mb.toFixed(1).padStart(9)}   ${ratioEn(ratio, first)}`,
  plotTitle: "Latency by percentile",
  plotRounds: (n) => `${n} round${n === 1 ? "" : "s"} per target`,
  plotPercentile: "Percentile",
  plotLatency: "Latency (ms)",
  plotWritten: (path) => `latency chart written to ${path}`,
  plotMerged: (n) => `merged (${n} report${n === 1 ? "" : "s"})`,
  plotMergeSubtitle: (n, targets) =>
    `tcpecho bench merge: ${n} report${n === 1 ? "" : "s"} (${targets.join(", ")}), every sample in one histogram`,
  mergeHeader: (n, targets) =>
    `tcpecho bench merge: ${n} report${n === 1 ? "" : "s"} (${targets.join(", ")}); rates are the sum of each report's own`,
  mergeBadFile: (file, problem, detail) => {
    const why: Record<BenchFileProblem, string> = {
      json: "no line of JSON in it (save the output of tcpecho bench --json)",
      report: `not a report of tcpecho bench --json (${detail})`,
      comparison: "a comparison of several targets, which has no histogram: run one target per file",
      "no-histogram": "a report without a latency histogram (made by an older tcpecho?)",
      histogram: `its latency histogram does not decode: ${detail}`,
      unit: `its latency histogram is in ${detail}, not in microseconds (us)`,
      samples: `its histogram and its latency disagree on the number of samples (${detail})`,
      mixed: "a stream report (--stream) cannot be merged with message reports, or the reverse",
    };
    return `tcpecho bench merge: ${file}: ${why[problem]} ${MERGE_HELP_EN}`;
  },
  mergeUnreadable: (file, code) => `tcpecho bench merge: ${file}: cannot be read (${code}) ${MERGE_HELP_EN}`,
  mergeTwice: (file, first) =>
    `tcpecho bench merge: ${file}: ${file === first ? "given twice" : `the same report as ${first}`}; each report is merged once ${MERGE_HELP_EN}`,
  writeFailed: (file, why) => `tcpecho bench: could not write ${file}: ${why}`,
};

/** What a report's field must hold (the library's words after "field: "), in Korean, with its particle. */
const FIELD_KO: Readonly<Record<string, string>> = {
  "an object": "객체가",
  "a count": "0 이상의 정수가",
  "a number": "0 이상의 수가",
  "a port": "포트 번호가",
  text: "문자열이",
  "true or false": "'true' 나 'false' 가",
  "pingpong, pipelined, rate or stream": "'pingpong', 'pipelined', 'rate', 'stream' 중 하나가",
};

/**
 * Why a JSON object is not a bench report, in Korean: the library says
 * `field: what it must hold` or `errors.connect.CODE`; anything else is
 * quoted as it came.
 */
function reportDetailKo(detail: string): string {
  const [, field, what] = /^([\w.]+): (.+)$/.exec(detail) ?? [];
  const must = what === undefined ? undefined : FIELD_KO[what];
  if (field !== undefined && must !== undefined) return `'${field}' 에는 ${must} 있어야 합니다`;
  const code = /^errors\.connect\.(.*)$/.exec(detail)?.[1];
  if (code !== undefined) return `'errors.connect' 의 '${code}': 알려진 오류 코드와 그 개수여야 합니다`;
  return `'${detail}'`;
}

/** Why a histogram does not decode, in Korean; the decoder's own reason is quoted as it came. */
function histogramDetailKo(detail: string): string {
  const encoding = /^encoding (.*)$/s.exec(detail)?.[1];
  if (encoding !== undefined)
    return `인코딩이 '${encoding}' 입니다 ('HdrHistogram-V2-compressed-base64' 만 읽습니다)`;
  const why = /^not an HdrHistogram compressed encoding \((.*)\)$/s.exec(detail)?.[1];
  if (why !== undefined) return `HdrHistogram 압축 인코딩이 아닙니다 ('${why}')`;
  return `'${detail}'`;
}

const ko: BenchMessages = {
  header: (h) => `tcpecho bench ${h.target}${h.tls ? " (TLS)" : ""}: ${ko.workload(h)}`,
  workload: (h) => {
    const mode = h.mode === "rate" ? `고정 속도 초당 ${h.rate}개` : ko.modes[h.mode];
    const unit = h.mode === "stream" ? "쓰기" : "메시지";
    return `${mode}, 연결 ${h.connections}개 × ${h.size}바이트 ${unit}${h.pipeline > 1 && h.mode !== "stream" ? `, 연결마다 ${h.pipeline}개씩 동시에` : ""}, ${h.length}`;
  },
  modes: { pingpong: "핑퐁", pipelined: "파이프라인", rate: "고정 속도", stream: "스트림" },
  forDuration: (s) => `${s}초`,
  forCount: (n) => `메시지 ${n}개`,
  progress: (s, r, mb) => `  ${s}초: 초당 ${r.toFixed(0)}개 요청, ${mb.toFixed(1)} MB/s`,
  progressStream: (s, mb) => `  ${s}초: ${mb.toFixed(1)} MB/s`,
  requests: (n, ms, r) => `  요청        ${timeKo(ms)} 동안 ${n}개, 초당 ${r.toFixed(1)}개`,
  echoed: (n, ms) => `  에코        ${timeKo(ms)} 동안 ${(n / 1e6).toFixed(1)} MB`,
  throughput: (mb, corrupted) =>
    `  처리량      ${mb.toFixed(1)} MB/s ${corrupted ? "(에코되었지만 보낸 그대로가 아님: 오류 참고)" : "(에코 확인됨)"}`,
  latency: (a, b, c, d, e) => `  지연 시간   p50 ${a}  p90 ${b}  p99 ${c}  p99.9 ${d}  최대 ${e}`,
  clientBusy: (p, t, near) =>
    `  클라이언트  이벤트 루프 ${p} % 사용 (스레드 ${t}개 중 가장 바쁜 것)` +
    (near
      ? ": 한계에 가깝습니다. 이 수치는 서버가 아니라 부하 생성기의 한계일 수 있습니다. 코어를 더 주거나(--threads) 다른 머신에서 부하를 거세요"
      : ""),
  errorsNone: "  오류        없음: 모든 바이트가 보낸 그대로 돌아왔습니다",
  errorsLead: "  오류",
  connectFailed: (n, of, why) => `    연결 ${of}개 중 ${n}개 실패: ${why}`,
  resets: (n) => `    연결 ${n}개가 서버에 의해 리셋되었습니다`,
  closedEarly: (n) => `    연결 ${n}개를 서버가 모두 돌려보내기 전에 닫았습니다`,
  corrupted: (n) => `    ${n}바이트가 보낸 것과 다르게 돌아왔습니다 (손상)`,
  missing: (n) => `    보낸 ${n}바이트가 돌아오지 않았습니다 (누락)`,
  extra: (n) => `    보내지 않은 ${n}바이트가 돌아왔습니다 (초과)`,
  neverEchoed: (n, of) =>
    `    연결 ${of}개 중 ${n}개는 에코를 한 번도 받지 못했습니다: 연결은 되었지만 서버가 아무것도 돌려보내지 않았습니다`,
  interrupted: "Ctrl-C 로 멈췄습니다: 보고서는 그때까지 잰 것입니다",
  round: (r, t, rps, p99, ok) =>
    `${r}회차  ${t}  초당 요청 ${rps.toFixed(1)}  p99 ${p99}${ok ? "" : "  오류"}`,
  roundStream: (r, t, mb, ok) => `${r}회차  ${t}  ${mb.toFixed(1)} MB/s${ok ? "" : "  오류"}`,
  compareHeader: "대상                       초당 요청        MB/s   첫 대상 대비",
  compareRow: (t, rps, mb, ratio, first) =>
    `${t.padEnd(24)} ${rps.toFixed(1).padStart(13)} ${mb.toFixed(1).padStart(9)}   ${ratioKo(ratio, first)}`,
  compareHeaderStream: "대상                            MB/s   첫 대상 대비",
  compareRowStream: (t, mb, ratio, first) =>
    `${t.padEnd(24)} ${mb.toFixed(1).padStart(9)}   ${ratioKo(ratio, first)}`,
  plotTitle: "백분위별 지연 시간",
  plotRounds: (n) => `대상마다 ${n}회차`,
  plotPercentile: "백분위",
  plotLatency: "지연 시간 (ms)",
  plotWritten: (path) => `지연 시간 그래프를 ${path} 에 저장했습니다`,
  plotMerged: (n) => `합친 결과 (보고서 ${n}개)`,
  plotMergeSubtitle: (n, targets) =>
    `tcpecho bench merge: 보고서 ${n}개 (${targets.join(", ")}), 모든 샘플을 히스토그램 하나로 합침`,
  mergeHeader: (n, targets) =>
    `tcpecho bench merge: 보고서 ${n}개 (${targets.join(", ")}); 속도는 각 보고서의 속도를 더한 값입니다`,
  mergeBadFile: (file, problem, detail) => {
    const why: Record<BenchFileProblem, string> = {
      json: "JSON 줄이 없습니다 (tcpecho bench --json 의 출력을 저장하세요)",
      report: `tcpecho bench --json 의 보고서가 아닙니다 (${reportDetailKo(detail)})`,
      comparison: "여러 대상을 비교한 결과라 히스토그램이 없습니다: 파일마다 대상 하나로 돌리세요",
      "no-histogram": "지연 시간 히스토그램이 없는 보고서입니다 (이전 버전의 tcpecho로 만들었나요?)",
      histogram: `지연 시간 히스토그램을 해독할 수 없습니다: ${histogramDetailKo(detail)}`,
      unit: `지연 시간 히스토그램의 단위가 마이크로초(µs)가 아니라 '${detail}' 입니다`,
      samples: `히스토그램과 지연 시간의 표본 수가 다릅니다 (${detail})`,
      mixed: "스트림(--stream) 보고서는 메시지 보고서와 합칠 수 없습니다 (반대도 마찬가지)",
    };
    return `tcpecho bench merge: ${file}: ${why[problem]} ${MERGE_HELP_KO}`;
  },
  mergeUnreadable: (file, code) =>
    `tcpecho bench merge: ${file}: 읽을 수 없습니다 (${code}) ${MERGE_HELP_KO}`,
  mergeTwice: (file, first) =>
    `tcpecho bench merge: ${file}: ${file === first ? "두 번 주었습니다" : `${first} 와 같은 보고서입니다`}. 보고서는 한 번씩만 합칩니다 ${MERGE_HELP_KO}`,
  writeFailed: (file, why) => `tcpecho bench: ${file} 에 쓰지 못했습니다: ${fileProblemKo(why)}`,
};

/**
 * The bench catalogues by language.
 *
 * @example
 * ```ts
 * import { benchMessages } from "./bench.js";
 * benchMessages.en.missing(3); // "    3 bytes sent never came back (missing)"
 * ```
 */
export const benchMessages: Readonly<Record<Lang, BenchMessages>> = { en, ko };
