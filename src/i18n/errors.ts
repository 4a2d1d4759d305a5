/**
 * The error sentences of the CLI, in English and Korean: usage lines and
 * every {@link EchoErrorCode} worded for people, naming the CLI's flags
 * (`--tls-ca FILE`) where the library names its options (`tls.ca`). The
 * English reuses the library's sentences (`net/error-text.ts`) with the
 * flags put in; the Korean is its own.
 *
 * @module
 */

import type { EchoErrorReason } from "../net/error-reason.js";
import {
  certificateCheck,
  errorPlace,
  errorSeconds,
  errorSentence,
  excludedPortsCommand,
  FAULT_KIND_NAMES,
  handshakeFailure,
  hex,
  isPlainExpectation,
  listenDeniedKind,
  localPortsCommand,
  pidCommand,
  portHolderCommand,
  portInUse,
  roughly,
  setBy,
  systemPrefix,
  type EchoErrorCode,
  type EchoErrorContext,
  type FaultValue,
  type PlainExpectation,
  type ReasonWords,
} from "../net/error-text.js";
import { textPlatform, type TextPlatform } from "../net/winsock.js";
import { fileProblemKo } from "./bench.js";
import type { Lang } from "./lang.js";

/** One language's error sentences. */
export interface ErrorMessages {
  usage(message: string, command: string): string;
  error(code: EchoErrorCode, ctx: EchoErrorContext): string;
  /**
   * A command-line mistake commander found, by its error code
   * (`commander.unknownOption`, …), from its English message (on one line,
   * without `error: `).
   */
  commanderError(code: string, message: string): string;
}

/** The command line's flag for each option the library's errors name by its own name. */
const FLAGS: Readonly<Record<string, string>> = {
  tls: "--tls",
  "tls.ca": "--tls-ca FILE",
  "tls.servername": "--tls-servername NAME",
  "tls.insecure": "--insecure",
  port: "--port",
  host: "--host",
  allow: "--allow",
  deny: "--deny",
  proxyTrusted: "--proxy-trusted",
  proxyProtocol: "--proxy-protocol",
  fds: "LISTEN_FDS",
  size: "--size",
  pipeline: "--pipeline",
  "halfClose: false": "--no-shutdown",
  textEncoding: "--encoding",
};

/**
 * An option as the command line spells it: a library option name becomes its
 * flag; a flag (from an error the CLI made) stays as it is.
 *
 * @example
 * ```ts
 * import { cliFlag } from "./errors.js";
 * cliFlag("proxyTrusted"); // "--proxy-trusted"
 * cliFlag("--backlog"); // "--backlog"
 * ```
 */
export function cliFlag(name: string): string {
  return FLAGS[name] ?? name;
}

/** Which of the server's ports a listen error is about, by the flag that set it (`option`). */
const LISTEN_PORT_EN: Readonly<Record<string, (port: number | undefined) => string>> = {
  "--port": (p) => `the echo port ${p}`,
  "--metrics": (p) => `the metrics port ${p} (--metrics)`,
  "--ui": (p) => `the live page's port ${p} (--ui)`,
  "--udp": (p) => `the UDP echo port ${p} (--udp)`,
};

const LISTEN_PORT_KO: Readonly<Record<string, (port: number | undefined) => string>> = {
  "--port": (p) => `에코 포트 ${p}`,
  "--metrics": (p) => `메트릭 포트 ${p}(--metrics)`,
  "--ui": (p) => `실시간 페이지 포트 ${p}(--ui)`,
  "--udp": (p) => `UDP 에코 포트 ${p}(--udp)`,
};

/** What each plain kind of option value takes, in Korean, with its particle: "--timeout 에는 " + this + " 주세요". */
const TAKES_KO: Readonly<Record<PlainExpectation, (ctx: EchoErrorContext) => string>> = {
  duration: () => "500ms, 10s, 2m, 1h 같은 시간(단위가 없으면 초)을",
  "positive-duration": () => "500ms, 10s 같은 1ms 이상의 시간을",
  cidr: () => "10.0.0.0/8, 2001:db8::/32 같은 주소 범위나 주소 하나를",
  hostname: () => "echo.example.org 같은 호스트 이름(IP 주소는 안 됨)을",
  count: (ctx) =>
    ctx.max !== undefined ? `${ctx.min ?? 0}부터 ${ctx.max}까지의 정수를` : `${ctx.min ?? 0} 이상의 정수를`,
  number: (ctx) =>
    ctx.max !== undefined ? `${ctx.min ?? 0}부터 ${ctx.max}까지의 수를` : `${ctx.min ?? 0} 이상의 수를`,
  "positive-number": () => "0보다 큰 수를",
  "too-large": (ctx) => `${ctx.max} 이하의 값을`,
  "too-small": (ctx) => `${ctx.min ?? 0} 이상의 값을`,
  "too-long": (ctx) => `${durationLimitKo(ctx.max ?? 0)} 이하의 시간을`,
  encoding: () => "utf-8 이나 cp949(한국어 Windows의 코드 페이지)를",
};

/** A duration's limit in Korean: `2147483647ms(약 24.8일)`. */
function durationLimitKo(max: number): string {
  const exact = max % 1000 === 0 ? `${max / 1000}s` : `${max}ms`;
  return `${exact}(약 ${roughly(max, { days: "일", hours: "시간", seconds: "초" })})`;
}

/** A Hangul noun with its subject particle: 이 after a final consonant, else 가. */
function subjectKo(noun: string): string {
  const code = noun.charCodeAt(noun.length - 1) - 0xac00;
  if (code < 0 || code > 11_171) return `${noun}이(가)`;
  return `${noun}${code % 28 === 0 ? "가" : "이"}`;
}

/** What each kind of fault value takes, in Korean. */
const FAULT_VALUE_KO: Readonly<Record<FaultValue, string>> = {
  duration: "200ms, 2s 같은 시간",
  bytes: "100, 64KiB, 1MB 같은 바이트 수",
  fraction: "0.01 처럼 0부터 1까지의 비율",
  delay: "200ms 같은 시간, 흔들림은 ~ 뒤에 (예: 200ms~50ms)",
  slice: "조각 크기 MIN-MAX 나 한 가지 크기(바이트, MIN은 1 이상이고 MAX 이하), 간격은 : 뒤에 (예: 1-3:50ms)",
  rate: "64KiB/s, 1MB/s 같은 초당 바이트 수",
};

/** A fault that does not parse, in Korean: what to give, then what was given. */
function faultProblemKo(ctx: EchoErrorContext, option: string): string {
  const p = ctx.fault;
  const given = `받은 값: ${option} '${ctx.value ?? ""}'`;
  switch (p?.reason) {
    case "unknown-kind":
      return `${option} 에는 ${FAULT_KIND_NAMES} 중 하나를 주세요 (${given})`;
    case "value-missing":
      return `${p.kind} 에 값을 주세요: ${FAULT_VALUE_KO[p.takes ?? "duration"]} (${given})`;
    case "bad-value":
      return `${p.kind} 의 값은 ${FAULT_VALUE_KO[p.takes ?? "duration"]} 형식으로 주세요 (${given})`;
    case "bad-cidr":
      return `@ 뒤에는 10.0.0.0/8, ::1 같은 주소 범위를 주세요 ('${p.part ?? ""}' 말고; ${given})`;
    case "bad-percent":
      return `% 뒤에는 연결의 비율을 0부터 100까지로 주세요 ('${p.part ?? ""}' 말고; ${given})`;
    default:
      return `${option} 에는 KIND[=VALUE][@CIDR][%PERCENT] 꼴의 장애를 주세요 (${given})`;
  }
}

/** A bad value of an option (ERR_INVALID_OPTION with `option`), in Korean: what to give, then the value given. */
function invalidOptionKo(ctx: EchoErrorContext & { option: string }): string {
  const v = ctx.value ?? "";
  const option = cliFlag(ctx.option);
  switch (ctx.expect) {
    case "as-option":
      return `${option} ${v} 처럼 옵션으로 주세요: serve 는 대기할 주소와 포트를 인자로 받지 않습니다`;
    case "missing":
      return `${option} 도 주세요: ${cliFlag(ctx.needs ?? "")} 에는 ${subjectKo(whyKo(ctx) ?? `${option} 옵션`)} 필요합니다`;
    case "same-port":
      return `${option} 에는 다른 포트를 주세요: 에코 서버(${ctx.detail ?? ""})와 같은 포트입니다 (${option} ${v})`;
    case "ipv6":
      return `:: (또는 다른 IPv6 주소)에서 대기하거나 ${option} 를 빼세요: ${option} 는 IPv6 클라이언트만 받는데, 대기할 주소(${v})가 IPv4 주소입니다`;
    case "fault":
      return faultProblemKo(ctx, option);
    case "control-workers":
      return `--workers 에서는 ${option} 없이 실행하세요: 워커마다 장애 설정이 따로 있고, HTTP 리스너는 주 프로세스가 맡습니다`;
    case "control-token":
      return `${option} 에는 --control-token TOKEN (또는 TCPECHO_CONTROL_TOKEN) 을 함께 주거나 127.0.0.1 에서 대기하세요: ${ctx.detail === undefined ? "" : `${ctx.detail} `}리스너(${v})가 이 컴퓨터 밖에서도 닿습니다`;
    case "control-listener":
      return `--ui HOST:PORT 나 --metrics HOST:PORT 도 주세요: ${option} 은 그 HTTP 리스너에서 /faults 를 제공합니다`;
    case "ui-workers":
      return `--workers 에서는 ${option} 없이 실행하거나 프로세스 하나로 실행하세요: 실시간 페이지는 한 프로세스의 소켓만 봅니다`;
    case "udp-workers":
      return `Windows에서는 --workers와 ${option}를 함께 쓸 수 없으니 ${option}를 빼거나 프로세스 하나로 실행하세요: Node의 cluster가 그곳에서는 UDP 소켓을 나눠 쓰지 못합니다`;
    case "cp949":
      return `${option} 에는 CP949로 쓸 수 있는 글자만 주거나 --encoding cp949 를 빼세요 (CP949에 없는 글자: ${ctx.detail ?? v})`;
    case "encoding-piped":
      return `파이프로 쓸 때는 ${option} ${v} 를 빼거나, 파이프에서 대화하려면 --interactive 를 붙이세요: 파이프의 바이트는 바뀌지 않고 그대로 오갑니다 (변환은 iconv -f UTF-8 -t CP949로 하며, Windows에서는 Git Bash에 있고 cmd와 PowerShell에는 없습니다). ${option} 은 대화에서 입력한 줄과 --send 의 글을 변환합니다`;
  }
  const because = whyKo(ctx);
  if (ctx.needs !== undefined) {
    const needs = cliFlag(ctx.needs);
    return `${needs} 도 주거나 ${option} 없이 실행하세요 (받은 값: '${v}'): ${option} 옵션은 ${needs} 옵션과 함께만 쓸 수 있습니다`;
  }
  switch (ctx.expect) {
    case "pem":
      return `${option} 에는 읽을 수 있는 PEM 파일을 주세요 ('${v}'${because ? `: ${because}` : ""})`;
    case "listening-socket":
      return `${option} 에는 서비스 관리자가 넘겨준 TCP 대기 소켓만 주세요 (디스크립터 ${v}${because ? `: ${because}` : ""})`;
    case "socket-activation":
      return ctx.option === "--workers"
        ? `소켓 활성화에서는 ${option} 없이 실행하세요 (받은 값: '${v}'): 프로세스 하나로 실행됩니다. 더 필요하면 소켓 유닛을 여러 개 두세요`
        : `소켓 활성화에서는 ${option} 없이 실행하세요 (받은 값: '${v}'): 대기 소켓은 서비스 관리자(LISTEN_FDS)가 넘겨줍니다. 주소는 .socket 유닛의 ListenStream= 으로 정하세요`;
    default:
      return `${option} 에는 ${TAKES_KO[ctx.expect ?? "count"](ctx)} 주세요 (받은 값: '${v}')`;
  }
}

const TRUST_KO = "--tls-ca 파일(서버 인증서나 그 CA, PEM)로 신뢰하거나, --insecure 로 검사를 모두 건너뛰세요";

/** Which check a server certificate failed, and how to trust it (ERR_TLS_VERIFY). */
function certificateAdviceKo(ctx: EchoErrorContext): string {
  if (ctx.option === "tls.ca")
    return `${ctx.value === undefined ? "--tls-ca 로 준" : `${ctx.value} 의`} CA가 서명한 인증서가 아닙니다. 서버 자신의 인증서나 그것을 서명한 CA(PEM)를 --tls-ca 파일로 주거나, --insecure 로 검사를 모두 건너뛰세요`;
  switch (certificateCheck(ctx.tlsCheck)) {
    case "self-signed":
      return `자체 서명 인증서입니다. ${TRUST_KO}`;
    case "untrusted-ca":
      return `이 컴퓨터가 신뢰하지 않는 CA가 서명했습니다. ${TRUST_KO}`;
    case "expired":
      return "유효 기간이 지났습니다. 서버에서 인증서를 갱신하세요 (또는 --insecure 로 검사를 건너뛰세요)";
    case "not-yet-valid":
      return "아직 유효하지 않습니다 (두 컴퓨터의 시계를 확인하세요). 또는 --insecure 로 검사를 건너뛰세요";
    case "name":
      return `${ctx.detail ? `'${ctx.detail}'` : "접속한 이름"} 에 대해 발급된 인증서가 아닙니다. 인증서에 있는 이름으로 접속하거나 --tls-servername 이름 으로 그 이름을 주세요`;
    case "other":
      return `${ctx.tlsCheck ?? "검증 실패"}. ${TRUST_KO}`;
  }
}

const PLAIN_KO = "이 포트가 TLS 서버인지 확인하세요 (일반 TCP라면 --tls 를 빼세요)";

/** What a plain connection's failure adds when the server seems to speak TLS, or stopped at our FIN. */
function plainAdviceKo(ctx: EchoErrorContext): string {
  if (ctx.peerTls) return ". 이 포트는 TLS를 쓰는 것 같습니다: --tls 를 붙여 보세요";
  if (ctx.afterFin)
    return ". 입력이 끝났다는 FIN 을 받은 뒤 에코를 다 돌려보내지 않고 닫았습니다: ncat --exec 처럼 FIN 에서 멈추는 서버라면 --no-shutdown 을 붙여 보세요";
  return "";
}

/** Why a client's TLS handshake failed (ERR_TLS with operation "tls handshake"), in words. */
function handshakeFailedKo(ctx: EchoErrorContext): string {
  switch (handshakeFailure(ctx)) {
    case "not-tls":
      return `서버의 응답이 TLS가 아닙니다. ${PLAIN_KO}`;
    case "closed":
      return `${whyKo(ctx)}. ${PLAIN_KO}`;
    case "alert":
      return `서버가 핸드셰이크를 거절했습니다 ('${ctx.detail}')`;
    case "other":
      return whyKo(ctx) ?? "알 수 없음";
  }
}

const STREAM_HAS_NONE_KO = {
  "--rate":
    "--rate 와 --stream 중 하나만 주세요: --rate 는 메시지의 속도를 정하는데 --stream 에는 속도가 없습니다",
  "--plot":
    "--plot 과 --stream 중 하나만 주세요: --plot 은 지연 시간을 그리는데 --stream 에는 지연 시간이 없습니다",
  "--hgrm":
    "--hgrm 과 --stream 중 하나만 주세요: --hgrm 은 지연 시간을 쓰는데 --stream 에는 지연 시간이 없습니다",
};

const V2_FIELD_KO = {
  version: "버전",
  command: "명령",
  "address family": "주소 체계",
  "transport protocol": "전송 프로토콜",
};

/** A PROXY header's Unix transports, in words (udp4 and udp6 are said as they are). */
const UNIX_KO: Readonly<Record<string, string>> = {
  "unix-stream": "유닉스 스트림 소켓",
  "unix-dgram": "유닉스 데이터그램 소켓",
};

/** A PROXY header that breaks the spec's syntax: which version's, and where, when the parser knows. */
function malformedKo(version: "v1" | "v2" | "", at?: number): string {
  return `${version}${version ? ": " : ""}PROXY 헤더의 형식이 잘못되었습니다${at === undefined ? "" : ` (${at}번째 바이트)`}`;
}

/**
 * Each reason in Korean, given the value the context carries (`v`): for a
 * usage reason the whole sentence (what to do), else the clause that says why.
 */
const REASON_KO: ReasonWords<[v: string]> = {
  "host-twice": (_, v) => `호스트는 인자('${v}')와 --host 중 한 곳에만 주세요`,
  "port-twice": (_, v) => `포트는 한 번만 주세요 (두 번 받음: ${v})`,
  "crlf-and-lf": () => "--crlf 와 --lf 중 하나만 주세요",
  "ca-and-insecure": () =>
    "--tls-ca 와 --insecure 중 하나만 주세요: --insecure 면 아무것도 검증하지 않으므로 CA가 소용없습니다",
  "send-and-interactive": () =>
    "--send 와 --interactive 중 하나만 주세요: --send 는 메시지 하나를 보내고, --interactive 는 대화를 합니다",
  "connect-only-data": (_, v) => `--connect-only 에서는 ${v} 없이 실행하세요: 데이터를 보내지 않습니다`,
  "stream-has-none": (r) => STREAM_HAS_NONE_KO[r.flag],
  "hgrm-one-target": (_, v) =>
    `--hgrm 을 쓰려면 대상을 하나만 주세요: 분포 하나를 씁니다. 여러 대상(${v})을 비교하려면 --plot 을 쓰세요`,
  "plot-file-name": (_, v) => `--plot 에는 .svg 나 .png 로 끝나는 파일 이름을 주세요 (받은 값: '${v}')`,
  "file-unwritable": (r, v) => `${r.flag} 에는 쓸 수 있는 파일을 주세요 ('${v}': ${fileProblemKo(r.why)})`,
  "stream-reports": (r, v) =>
    `${r.flag} 을 빼거나 지연 시간이 있는 보고서를 주세요: 스트림 보고서(${v})에는 지연 시간이 없습니다`,
  "host-port": (r, v) => `${r.flag} 에는 127.0.0.1:9100 같은 HOST:PORT 주소를 주세요 (받은 값: '${v}')`,
  "tls-key-pair": (r) => `TLS 인증서와 키를 확인하세요: '${r.cause}'`,
  fds: (_, v) => `LISTEN_FDS 에는 디스크립터를 하나 이상, 각각 한 번씩 주세요 (받은 값: '${v}')`,
  "listen-fdnames": (_, v) =>
    `LISTEN_FDNAMES 에는 LISTEN_FDS 의 디스크립터마다 이름을 하나씩, ':' 로 구분해 주세요 (받은 값: '${v}')`,
  "proxy-protocol": (_, v) => `--proxy-protocol 에는 v1, v2, any 중 하나를 주세요 (받은 값: '${v}')`,
  "data-path": (_, v) => `"dataPath" 에는 auto, "handles", "streams" 중 하나를 주세요 (받은 값: '${v}')`,
  "data-path-with-tls": (_, v) =>
    `"tls" 와 함께라면 "dataPath" 에는 auto 나 "streams" 를 주세요 (받은 값: '${v}'): TLS 연결은 스트림으로 처리합니다`,
  "data-path-unavailable": (_, v) =>
    `"dataPath" 에는 auto 나 "streams" 를 주세요 (받은 값: '${v}'): 이 환경에서는 핸들 경로를 쓸 수 없습니다 (Windows, 내부 구조가 다른 Node, "TCPECHO_DATA_PATH=streams")`,
  "in-flight": (_, v) =>
    `--size × --pipeline 을 64MiB 이하로 주세요: 연결 하나가 한 번에 보내 둘 수 있는 한도입니다 (받은 값: ${v})`,
  "no-such-file": () => "그런 파일이 없습니다",
  "permission-denied": () => "읽을 권한이 없습니다",
  "no-pem-block": () => "PEM 블록이 없습니다",
  "no-certificate": () => "인증서가 없습니다",
  "no-private-key": () => "개인 키가 없습니다",
  "key-mismatch": () => "그 인증서의 개인 키가 아닙니다",
  "needs-certificate": () => "인증서",
  "needs-private-key": () => "인증서의 개인 키",
  "fd-not-open": () => "열려 있지 않습니다",
  "fd-not-socket": () => "소켓이 아닙니다",
  "fd-connected": () => "대기 소켓이 아니라 연결된 소켓입니다 (.socket 유닛에 Accept=yes 가 있나요?)",
  "fd-not-tcp": () => "TCP 소켓이 아닙니다 (UDP나 유닉스 소켓인가요?)",
  "tls-closed": () => "핸드셰이크 중에 서버가 연결을 닫았습니다",
  "tls-client-closed": () => "핸드셰이크 도중 클라이언트가 연결을 닫았습니다",
  "tls-client-reset": () => "핸드셰이크 도중 클라이언트가 연결을 리셋했습니다",
  "tls-timeout": (r) => `${r.ms}ms 안에 핸드셰이크가 끝나지 않았습니다`,
  "closed-before-listening": () => "대기를 시작하기 전에 닫혔습니다",
  "proxy-required": () => "PROXY 헤더가 와야 하는데 오지 않았습니다",
  "proxy-transport": (r) => `${UNIX_KO[r.transport] ?? r.transport} 클라이언트는 TCP로 에코할 수 없습니다`,
  "proxy-no-source": () => "헤더에 출발지 주소가 없습니다",
  "proxy-closed": () => "상대가 헤더 도중에 연결을 닫았습니다",
  "proxy-timeout": (r) => `${r.ms}ms 안에 헤더가 끝나지 않았습니다`,
  "proxy-signature": (r) => `PROXY 헤더의 시그니처가 아닙니다 (${r.offset}번째 바이트가 ${hex(r.byte)})`,
  "proxy-v1-lf-without-cr": (r) => malformedKo("v1", r.at),
  "proxy-v1-cr-without-lf": (r) => malformedKo("v1", r.at),
  "proxy-v1-no-crlf": (r) => `v1: ${r.limit}바이트 안에 CRLF가 없습니다 (헤더가 너무 깁니다)`,
  "proxy-v1-protocol": () => malformedKo("v1"),
  "proxy-v1-fields": () => malformedKo("v1"),
  "proxy-v1-address": () => malformedKo("v1"),
  "proxy-v1-port": () => malformedKo("v1"),
  "proxy-v2-unsupported": (r) => `v2: 규격에 없는 ${V2_FIELD_KO[r.field]} ${r.value}`,
  "proxy-v2-too-long": (r) => `v2: 헤더가 너무 깁니다 (${r.length}바이트, 한도 ${r.limit}바이트)`,
  "proxy-v2-short": () => malformedKo("v2"),
  "proxy-v2-tlv-truncated": (r) => malformedKo("v2", r.at),
  "proxy-v2-tlv-overrun": (r) => malformedKo("v2", r.at),
  "proxy-unparseable": () => malformedKo(""),
};

/**
 * A reason in Korean: for a usage reason the whole sentence, else the clause
 * that says why.
 *
 * @example
 * ```ts
 * import { reasonKo } from "./errors.js";
 * reasonKo({ kind: "no-such-file" }); // "그런 파일이 없습니다"
 * reasonKo({ kind: "crlf-and-lf" }); // "--crlf 와 --lf 중 하나만 주세요"
 * ```
 */
export function reasonKo(reason: EchoErrorReason, v = ""): string {
  return (REASON_KO[reason.kind] as (r: EchoErrorReason, v: string) => string)(reason, v);
}

/** Why, in Korean: the reason worded, else the text of `detail` quoted as it came, else undefined. */
function whyKo(ctx: EchoErrorContext): string | undefined {
  if (ctx.reason !== undefined) return reasonKo(ctx.reason, ctx.value ?? "");
  return ctx.detail === undefined ? undefined : `'${ctx.detail}'`;
}

/** The quoted parts of commander's message: the option, value or command it is about. */
function quoted(message: string): string[] {
  return [...message.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? "");
}

/** Commander's message taken apart: the flags it names (`--port` of `-p, --port <port>`), its quoted parts, the choices. */
function commanderParts(message: string) {
  const [first = "", second = ""] = quoted(message);
  const flag = (text: string) => /--[\w-]+/.exec(text)?.[0] ?? text;
  const [, expected, got] = /Expected (\d+) arguments? but got (\d+)/.exec(message) ?? [];
  return {
    first,
    second,
    flag: flag(first),
    other: flag(second),
    placeholder: /<[^>]*>|\[[^\]]*\]/.exec(first)?.[0] ?? "",
    choices: /Allowed choices are (.+)\.$/.exec(message)?.[1],
    expected: expected ?? "?",
    got: got ?? "?",
  };
}

/** Commander's sentences (commander 14's wording) put as what to do, in English; others as commander says them. */
function commanderErrorEn(code: string, message: string): string {
  const p = commanderParts(message);
  switch (code) {
    case "commander.missingArgument":
      return `give the '${p.first}' argument`;
    case "commander.optionMissingArgument":
      return `give ${p.flag} a value${p.placeholder ? ` (${p.placeholder})` : ""}`;
    case "commander.missingMandatoryOptionValue":
      return `give the required option ${p.first}`;
    case "commander.conflictingOption":
      return `give only one of ${p.flag} and ${p.other}`;
    case "commander.excessArguments":
      return `give ${p.first} at most ${p.expected} argument${p.expected === "1" ? "" : "s"}, not ${p.got}`;
    case "commander.invalidArgument":
      return p.choices ? `give ${p.flag} one of ${p.choices}, not '${p.second}'` : message;
    default:
      return message;
  }
}

/** Commander's own sentences (commander 14's wording), in Korean; an unknown one is quoted. */
function commanderErrorKo(code: string, message: string): string {
  const p = commanderParts(message);
  const didYouMean = /\(Did you mean (?:one of )?(.+)\?\)/.exec(message)?.[1];
  const hint = didYouMean === undefined ? "" : ` (혹시: ${didYouMean})`;
  switch (code) {
    case "commander.unknownOption":
      return `알 수 없는 옵션 '${p.first}'${hint}`;
    case "commander.unknownCommand":
      return `알 수 없는 명령 '${p.first}'${hint}`;
    case "commander.missingArgument":
      return `'${p.first}' 인자를 주세요`;
    case "commander.optionMissingArgument":
      return `${p.flag} 에 값을 주세요${p.placeholder ? ` (${p.placeholder})` : ""}`;
    case "commander.missingMandatoryOptionValue":
      return `꼭 필요한 옵션을 주세요: ${p.first}`;
    case "commander.conflictingOption":
      return `${p.flag}, ${p.other} 중 하나만 주세요`;
    case "commander.excessArguments":
      return `인자는 ${p.expected}개까지만 주세요 (받은 인자 ${p.got}개)`;
    case "commander.invalidArgument":
      return p.choices
        ? `${p.flag} 에는 ${p.choices} 중 하나를 주세요 (받은 값: '${p.second}')`
        : `${p.flag} 에 맞는 값을 주세요 (받은 값: '${p.second}')`;
    default:
      return `'${message}'`;
  }
}

/** An error's English sentence on `platform`, with the CLI's flags. */
function errorEn(code: EchoErrorCode, ctx: EchoErrorContext, platform: TextPlatform): string {
  // Only the command line knows which of its ports (--port, --metrics, --udp) a listen error is about.
  if (code === "EADDRINUSE" && ctx.operation !== "connect")
    return portInUse(
      (LISTEN_PORT_EN[ctx.option ?? ""] ?? ((p) => `port ${p}`))(ctx.port),
      ctx,
      ctx.option === "--udp",
      platform,
    );
  return errorSentence(code, ctx, cliFlag, platform);
}

const en: ErrorMessages = {
  commanderError: commanderErrorEn,
  usage: (message, command) => `tcpecho: ${message} (see: tcpecho ${command}--help)`,
  error: (code, ctx) => errorIn("en", code, ctx),
};

/** EACCES on listen, in Korean, on `platform` (see `listenDenied` in net/error-text.ts for the rules). */
function listenDeniedKo(ctx: EchoErrorContext, platform: TextPlatform): string {
  const by = setBy(ctx, cliFlag, "port");
  const eg = by === "" ? " (예: --port 9000)" : "";
  switch (listenDeniedKind(ctx.port, platform)) {
    case "reserved":
      return `${ctx.host} 의 포트 ${ctx.port}${by}에서 대기할 권한이 없습니다: Windows 에서는 어느 포트든 관리자 권한이 필요 없으므로, 이 포트는 Windows 가 예약한 범위(Hyper-V, WSL2, Docker 등이 잡아 둔 제외 포트 범위, 확인: ${excludedPortsCommand})에 있거나 다른 프로그램이 독점하고 있습니다 (확인: ${portHolderCommand(ctx.port, false, platform)}). 그 범위 밖의 포트를 쓰세요${eg}`;
    case "privileged":
      return platform === "darwin"
        ? `포트 ${ctx.port}${by}에서 대기할 권한이 없습니다: macOS 10.14 이상에서는 1024 미만 포트라도 와일드카드 주소(0.0.0.0 이나 ::)에서는 누구나 대기할 수 있지만, 127.0.0.1 같은 특정 주소에서 대기하려면 root 권한이 필요합니다 (그 전의 macOS 는 모든 주소에서 필요). 0.0.0.0 에서 대기하거나, sudo 로 실행하거나, 1024 이상을 쓰세요${eg}`
        : `포트 ${ctx.port}${by}에서 대기할 권한이 없습니다: 1024 미만은 잘 알려진 포트라서 root 권한(또는 CAP_NET_BIND_SERVICE)이 필요합니다. 1024 이상을 쓰세요${eg}`;
    case "other":
      return `${ctx.host === undefined ? "서버" : errorPlace(ctx)}${by} 에 대한 권한이 없습니다`;
  }
}

const ko: ErrorMessages = {
  commanderError: commanderErrorKo,
  usage: (message, command) => `tcpecho: ${message} (도움말: tcpecho ${command}--help)`,
  error: (code, ctx) => errorIn("ko", code, ctx),
};

/** An error's Korean sentence on `platform`. */
function errorKo(code: EchoErrorCode, ctx: EchoErrorContext, platform: TextPlatform): string {
  const at = ctx.host === undefined ? "서버" : errorPlace(ctx);
  // The server is the subject, its address beside it: "서버(127.0.0.1:9000)가" reads the same after any address.
  const from = ctx.host === undefined ? "서버가" : `서버(${at})가`;
  switch (code) {
    case "ERR_INVALID_PORT":
      return `${ctx.option === undefined ? "포트 번호는" : `${cliFlag(ctx.option)} 에는 포트 번호를`} ${ctx.min ?? 0}부터 65535까지의 정수로 주세요 (받은 값: '${ctx.value}')`;
    case "ERR_INVALID_HOST":
      return `${ctx.option === undefined ? "" : `${cliFlag(ctx.option)} 에는 `}127.0.0.1, ::1 같은 IP 주소나 localhost 같은 호스트 이름을 주세요 (받은 값: '${ctx.value}')`;
    case "ERR_INVALID_OPTION":
      if (ctx.option !== undefined) return invalidOptionKo({ ...ctx, option: ctx.option });
      if (isPlainExpectation(ctx.expect))
        return `${TAKES_KO[ctx.expect](ctx)} 주세요 (받은 값: '${ctx.value}')`;
      if (ctx.reason !== undefined) return reasonKo(ctx.reason, ctx.value ?? "");
      return ctx.detail === undefined
        ? `옵션 값을 확인하세요 (받은 값: '${ctx.value}')`
        : `'${ctx.detail}': 값을 확인하세요 (받은 값: '${ctx.value}')`;
    case "ECONNREFUSED":
      return `${from} 접속을 거부했습니다: 그 포트에서 대기 중인 프로그램이 없습니다 (서버가 실행 중인지, 포트 번호가 맞는지 확인하세요${
        platform === "linux"
          ? ""
          : `. 서버 컴퓨터에서 대기 중인 프로그램 보기: ${portHolderCommand(ctx.port, false, platform)}`
      })`;
    case "ETIMEDOUT":
      if (ctx.operation === "tls handshake")
        return `${at} 에서 ${errorSeconds(ctx.timeoutMs, "초")} 안에 TLS 핸드셰이크가 끝나지 않았습니다: 서버가 접속은 받았지만 TLS로 응답하지 않았습니다. ${PLAIN_KO}`;
      if (ctx.operation === "read" && ctx.received)
        return `${at} 의 에코가 멈췄습니다: ${ctx.expected}바이트 중 ${ctx.received}바이트가 돌아온 뒤 ${errorSeconds(ctx.timeoutMs, "초")} 동안 더 오지 않았습니다`;
      return ctx.operation === "read"
        ? `${at} 에서 ${errorSeconds(ctx.timeoutMs, "초")} 안에 에코가 오지 않았습니다: 서버가 접속은 받았지만 아무것도 돌려보내지 않았습니다`
        : `${at} 에서 ${ctx.timeoutMs ? `${errorSeconds(ctx.timeoutMs, "초")} 안에 ` : ""}응답이 없습니다: 방화벽이 패킷을 버리거나, 호스트가 꺼져 있거나, 이 컴퓨터가 닿지 않는 네트워크에 있습니다${
            platform === "win32"
              ? " (서버가 Windows 라면: 처음 대기할 때 Windows 가 물어본 창에서 node 를 허용하지 않았으면 Windows Defender 방화벽이 패킷을 버립니다)"
              : ""
          }`;
    case "EHOSTUNREACH":
      return `${at} 까지 가는 경로가 없습니다: 호스트가 꺼져 있거나, 이 네트워크에 없거나, 방화벽이 거부합니다`;
    case "ENETUNREACH":
      return `${at} 의 네트워크에 닿을 수 없습니다: 그쪽으로 가는 인터페이스나 게이트웨이가 없습니다`;
    case "ENOTFOUND":
      return `이름을 찾을 수 없습니다: '${ctx.host}'. 철자를 확인하거나 IP 주소를 주세요`;
    case "EAI_AGAIN":
      return `지금은 이름을 조회할 수 없습니다: '${ctx.host}' (DNS 서버가 응답하지 않음). 다시 시도하거나 IP 주소를 주세요`;
    case "ECONNRESET":
      return `${at} 연결이 리셋되었습니다: 상대가 연결을 갑자기 끊었습니다${plainAdviceKo(ctx)}`;
    case "EPIPE":
      return `${at} 연결을 상대가 닫았습니다 (보내는 중이던 데이터가 있었습니다)`;
    case "EADDRINUSE":
      if (ctx.operation === "connect")
        return `${at} 에 접속할 때 쓸 로컬 포트가 남아 있지 않습니다 (동시 연결이 너무 많거나 TIME_WAIT 상태가 많습니다)`;
      return `${ctx.host} 의 ${(LISTEN_PORT_KO[ctx.option ?? ""] ?? ((p) => `포트 ${p}`))(ctx.port)}: 다른 프로그램이 이미 쓰고 있습니다. 확인: ${portHolderCommand(ctx.port, ctx.option === "--udp", platform)}${
        platform === "win32"
          ? ` (마지막 열이 프로세스 ID 이고, ${pidCommand} 로 어떤 프로그램인지 볼 수 있습니다)`
          : ""
      }`;
    case "EACCES":
      if (ctx.operation === "connect")
        return `${at} 에 접속할 권한이 없습니다: 브로드캐스트 주소이거나 로컬 방화벽 규칙이 막고 있습니다`;
      return listenDeniedKo(ctx, platform);
    case "EADDRNOTAVAIL":
      if (ctx.operation === "connect")
        return `${at} 에 접속할 수 없습니다: 쓸 수 있는 로컬 주소나 포트가 없습니다 (로컬 포트가 바닥났을 수 있습니다: ${localPortsCommand(platform)})`;
      return `이 컴퓨터에는 ${ctx.host}${setBy(ctx, cliFlag, "host")} 주소가 없습니다: 0.0.0.0(모든 인터페이스), 127.0.0.1, 또는 이 컴퓨터의 주소 중 하나를 쓰세요`;
    case "EMFILE":
      if (platform === "win32")
        return "열린 소켓이 너무 많습니다: Windows 가 소켓을 더 만들어 주지 않아, 연결이 닫힐 때까지 새 클라이언트는 끊깁니다";
      if (platform === "darwin")
        return `파일 디스크립터가 모자랍니다: 이 프로세스는 파일을 한 번에 ${ctx.limit === undefined ? "더 이상" : `${ctx.limit}개까지`} 열 수 있는데 ("Max open files" 한도) 모두 쓰고 있어, 연결이 닫힐 때까지 새 클라이언트는 끊깁니다. 시작 전에 ulimit -n 65536 으로 한도를 올리세요 (올릴 수 있는 최대치: sysctl kern.maxfilesperproc)`;
      return `파일 디스크립터가 모자랍니다: 이 프로세스는 파일을 한 번에 ${ctx.limit === undefined ? "더 이상" : `${ctx.limit}개까지`} 열 수 있는데 ("Max open files" 한도) 모두 쓰고 있어, 연결이 닫힐 때까지 새 클라이언트는 끊깁니다. 시작 전에 ulimit -n 65536, 또는 systemd 유닛의 LimitNOFILE=65536 으로 한도를 올리세요`;
    case "ENFILE":
      if (platform === "win32")
        return "시스템 전체의 핸들이 모자랍니다: 핸들이 풀릴 때까지 새 클라이언트는 끊깁니다. 다른 프로그램을 닫으세요";
      if (platform === "darwin")
        return "시스템 전체의 파일 디스크립터가 모자랍니다 (kern.maxfiles): 디스크립터가 풀릴 때까지 새 클라이언트는 끊깁니다. sysctl 로 kern.maxfiles 를 올리거나 다른 프로그램이 연 파일을 줄이세요";
      return "시스템 전체의 파일 디스크립터가 모자랍니다 (fs.file-max): 디스크립터가 풀릴 때까지 새 클라이언트는 끊깁니다. sysctl 로 fs.file-max 를 올리거나 다른 프로그램이 연 파일을 줄이세요";
    case "ERR_PEER_CLOSED":
      return `${from} ${ctx.expected ?? "?"}바이트 중 ${ctx.received ?? 0}바이트만 돌려보내고 연결을 닫았습니다${plainAdviceKo(ctx)}`;
    case "ERR_ECHO_MISMATCH":
      return `${at} 의 에코가 보낸 데이터와 다릅니다 (처음 다른 곳: ${ctx.offset}번째 바이트)${plainAdviceKo(ctx)}`;
    case "ERR_SOCKET":
      return `${at} 소켓 오류: ${whyKo(ctx) ?? "알 수 없음"}`;
    case "ERR_PROXY":
      return `${at} 의 PROXY 프로토콜 헤더: ${
        ctx.option === undefined
          ? (whyKo(ctx) ?? "잘못된 헤더")
          : `${cliFlag(ctx.option)} 범위 밖의 상대가 PROXY 헤더를 보냈습니다`
      }; 연결을 닫았습니다`;
    case "ERR_TLS":
      if (ctx.operation === "tls handshake") return `${at} TLS 연결 실패: ${handshakeFailedKo(ctx)}`;
      return `${at} TLS 연결 실패: ${whyKo(ctx) ?? "알 수 없음"} (클라이언트가 TLS로 접속했는지, 이 인증서를 신뢰하는지 확인하세요)`;
    case "ERR_TLS_VERIFY":
      return `${at} 의 TLS 인증서를 신뢰할 수 없습니다: ${certificateAdviceKo(ctx)}`;
  }
}

/**
 * An error in `lang`, worded for `platform` (by default the one this runs
 * on): its commands and rules, and on Windows the Winsock number and name
 * before the sentence.
 *
 * @example
 * ```ts
 * import { errorIn } from "./errors.js";
 * errorIn("en", "ECONNREFUSED", { host: "127.0.0.1", port: 9000 }, "win32");
 * // "ECONNREFUSED (10061, WSAECONNREFUSED): connection refused by 127.0.0.1:9000: …"
 * ```
 */
export function errorIn(
  lang: Lang,
  code: EchoErrorCode,
  ctx: EchoErrorContext,
  platform: TextPlatform = textPlatform(),
): string {
  return systemPrefix(code, platform) + (lang === "ko" ? errorKo : errorEn)(code, ctx, platform);
}

/**
 * The error sentences by language.
 *
 * @example
 * ```ts
 * import { errorMessages } from "./errors.js";
 * errorMessages.en.error("EACCES", { host: "0.0.0.0", port: 80, operation: "listen" });
 * // "no permission to listen on port 80: … use 1024 or above, e.g. --port 9000"
 * ```
 */
export const errorMessages: Readonly<Record<Lang, ErrorMessages>> = { en, ko };
