/**
 * The error sentences of the CLI, in English and Korean: usage lines and
 * every {@link EchoErrorCode} worded for people, naming the CLI's flags
 * (`--tls-ca FILE`) where the library names its options (`tls.ca`). The
 * English reuses the library's sentences (`net/error-text.ts`) with the
 * flags put in; the Korean is its own.
 *
 * @module
 */

import {
  certificateCheck,
  errorPlace,
  errorSeconds,
  errorText,
  handshakeFailure,
  portHolderCommand,
  portInUse,
  type EchoErrorCode,
  type EchoErrorContext,
  type OptionExpectation,
} from "../net/error-text.js";
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
  allow: "--allow",
  deny: "--deny",
  proxyTrusted: "--proxy-trusted",
  proxyProtocol: "--proxy-protocol",
  fds: "LISTEN_FDS",
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
  "--udp": (p) => `the UDP echo port ${p} (--udp)`,
};

const LISTEN_PORT_KO: Readonly<Record<string, (port: number | undefined) => string>> = {
  "--port": (p) => `에코 포트 ${p}`,
  "--metrics": (p) => `메트릭 포트 ${p}(--metrics)`,
  "--udp": (p) => `UDP 에코 포트 ${p}(--udp)`,
};

/** What each kind of option value takes, in Korean (the English is the library's `TAKES_EN`). */
const TAKES_KO: Readonly<Record<OptionExpectation, (ctx: EchoErrorContext) => string>> = {
  duration: () => "500ms, 10s, 2m, 1h 같은 시간; 단위 없는 숫자는 초",
  "positive-duration": () => "0보다 긴 시간, 예: 500ms, 10s",
  cidr: () => "10.0.0.0/8, 2001:db8::/32 같은 주소 범위나 주소 하나",
  pem: (ctx) => `읽을 수 있는 PEM 파일${ctx.detail ? `: ${detailKo(ctx.detail)}` : ""}`,
  hostname: () => "echo.example.org 같은 호스트 이름 (IP 주소는 안 됨)",
  count: (ctx) =>
    ctx.max !== undefined ? `${ctx.min ?? 0}부터 ${ctx.max}까지의 정수` : `${ctx.min ?? 0} 이상의 정수`,
  number: (ctx) =>
    ctx.max !== undefined ? `${ctx.min ?? 0}부터 ${ctx.max}까지의 수` : `${ctx.min ?? 0} 이상의 수`,
  "positive-number": () => "0보다 큰 수",
  "listening-socket": (ctx) =>
    `서비스 관리자가 넘겨준 TCP 대기 소켓이어야 함${ctx.detail ? `; 이것은 ${detailKo(ctx.detail)}` : ""}`,
  "socket-activation": (ctx) =>
    ctx.option === "--workers"
      ? "소켓 활성화에서는 1: 프로세스 하나로 실행됩니다. 소켓 유닛을 여러 개 두거나 --workers 를 빼세요"
      : "소켓 활성화에서는 줄 수 없음: 대기 소켓은 서비스 관리자(LISTEN_FDS)가 넘겨줍니다. 주소는 .socket 유닛의 ListenStream= 으로 정하세요",
};

const TRUST_KO = "--tls-ca 파일(서버 인증서나 그 CA, PEM)로 신뢰하거나, --insecure 로 검사를 모두 건너뛰세요";

/** Which check a server certificate failed, and how to trust it (ERR_TLS_VERIFY). */
function certificateAdviceKo(ctx: EchoErrorContext): string {
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

/** Why a client's TLS handshake failed (ERR_TLS with operation "tls handshake"), in words. */
function handshakeFailedKo(detail: string | undefined): string {
  switch (handshakeFailure(detail)) {
    case "not-tls":
      return `서버의 응답이 TLS가 아닙니다. ${PLAIN_KO}`;
    case "closed":
      return `핸드셰이크 중에 서버가 연결을 닫았습니다. ${PLAIN_KO}`;
    case "alert":
      return `서버가 핸드셰이크를 거절했습니다 (${detailKo(detail ?? "")})`;
    case "other":
      return detail === undefined ? "알 수 없음" : detailKo(detail);
  }
}

/**
 * The English `detail`s the command and the library put into errors, in
 * Korean: exact sentences first, then the ones that carry a flag or a number.
 * Anything else (an operating system's or OpenSSL's own reason) is quoted
 * as it came, as a value is.
 */
const DETAILS_KO: Readonly<Record<string, string>> = {
  "the mode: --rate paces messages, --stream has none":
    "모드(--rate 는 메시지의 속도를 정하는데 --stream 에는 속도가 없습니다)",
  "the host: give it once, as an argument or with --host": "호스트(인자나 --host 중 한 곳에 한 번만 주세요)",
  "the port: give it once": "포트(한 번만 주세요)",
  "line endings: pick one": "줄 끝(--crlf 와 --lf 중 하나만 고르세요)",
  "--tls-ca (with --insecure nothing is verified, so a CA means nothing): give one of them":
    "--tls-ca(--insecure 면 아무것도 검증하지 않으므로 CA가 소용없습니다; 둘 중 하나만 주세요)",
  "--connect-only (it sends no data)": "--connect-only(데이터를 보내지 않습니다)",
  "size × pipeline (at most 64 MiB in flight per connection)":
    "--size × --pipeline(연결마다 한 번에 보내 둘 수 있는 데이터는 최대 64MiB)",
  proxyProtocol: "--proxy-protocol",
  "closed before listening": "대기를 시작하기 전에 닫혔습니다",
  "no such file": "그런 파일이 없습니다",
  "permission denied": "읽을 권한이 없습니다",
  "no PEM block in it": "PEM 블록이 없습니다",
  "no certificate in it": "인증서가 없습니다",
  "no private key in it": "개인 키가 없습니다",
  "not the private key of that certificate": "그 인증서의 개인 키가 아닙니다",
  "closed during the handshake": "핸드셰이크 도중 연결이 닫혔습니다",
  "the client closed the connection during the handshake": "핸드셰이크 도중 클라이언트가 연결을 닫았습니다",
  "the client reset the connection during the handshake": "핸드셰이크 도중 클라이언트가 연결을 리셋했습니다",
  // bench --plot
  "--plot (a file name ending in .svg or .png)": "--plot(.svg 나 .png 로 끝나는 파일 이름)",
  "the mode: --plot draws latency, --stream has none":
    "모드(--plot 은 지연 시간을 그리는데 --stream 에는 지연 시간이 없습니다)",
  // bench --hgrm
  "the mode: --hgrm writes latency, --stream has none":
    "모드(--hgrm 은 지연 시간을 쓰는데 --stream 에는 지연 시간이 없습니다)",
  "the targets: --hgrm writes the distribution of one target (to compare several, use --plot)":
    "대상(--hgrm 은 대상 하나의 분포를 씁니다; 여러 대상을 비교하려면 --plot 을 쓰세요)",
  "not open": "열려 있지 않은 디스크립터입니다",
  "not a socket": "소켓이 아닙니다",
  "a connected socket, not a listening one (Accept=yes in the .socket unit?)":
    "대기 소켓이 아니라 연결된 소켓입니다 (.socket 유닛에 Accept=yes 가 있나요?)",
  "not a TCP socket (a UDP or Unix socket?)": "TCP 소켓이 아닙니다 (UDP나 유닉스 소켓인가요?)",
  "fds (one or more descriptors, each once)": "LISTEN_FDS(디스크립터 하나 이상, 각각 한 번씩)",
  "LISTEN_FDNAMES (one name per descriptor of LISTEN_FDS, separated by ':')":
    "LISTEN_FDNAMES(LISTEN_FDS 의 디스크립터마다 이름 하나, ':' 로 구분)",
};

const DETAIL_PATTERNS_KO: readonly [RegExp, (...m: string[]) => string][] = [
  [
    /^(--[\w-]+): TLS needs (--[\w-]+) too$/,
    (_, given, missing) => `${given}(TLS에는 ${missing} 도 필요합니다)`,
  ],
  [/^(--[\w-]+) \(HOST:PORT\)$/, (_, flag) => `${flag}(HOST:PORT)`],
  [/^no complete handshake within (\d+) ms$/, (_, ms) => `${ms}ms 안에 핸드셰이크가 끝나지 않았습니다`],
  [/^the TLS certificate and key: (.*)$/s, (_, why) => `TLS 인증서와 키: '${why}'`],
  [
    /^(--hgrm|--plot) \(reports with latency: stream reports have none\)$/,
    (_, flag) => `${flag}(지연 시간이 있는 보고서: 스트림 보고서에는 지연 시간이 없습니다)`,
  ],
  [
    /^(--plot|--hgrm) \(a file it can write: (.*)\)$/s,
    (_, flag, why) => `${flag}(쓸 수 있는 파일: ${fileProblemKo(why)})`,
  ],
];

/**
 * An error's `detail` in Korean: a known sentence translated, anything else
 * quoted as the system said it.
 *
 * @example
 * ```ts
 * import { detailKo } from "./errors.js";
 * detailKo("the port: give it once"); // "포트(한 번만 주세요)"
 * detailKo("wrong version number"); // "'wrong version number'"
 * ```
 */
export function detailKo(detail: string): string {
  const known = DETAILS_KO[detail];
  if (known !== undefined) return known;
  for (const [pattern, say] of DETAIL_PATTERNS_KO) {
    const m = pattern.exec(detail);
    if (m) return say(...m);
  }
  return `'${detail}'`;
}

/**
 * Why a PROXY header was refused, in Korean, from the server's `detail`: the
 * gate's own sentences (`server/proxy-preamble.ts`), then the parser's
 * (`server/proxy-protocol.ts`) by their kind, as its error codes sort them
 * (too long, unsupported, not a PROXY header, malformed).
 */
function proxyReasonKo(detail: string | undefined): string {
  if (detail === undefined) return "잘못된 헤더";
  if (detail === "no PROXY header where one is required") return "PROXY 헤더가 와야 하는데 오지 않았습니다";
  if (detail === "the header carries no source address") return "헤더에 출발지 주소가 없습니다";
  if (detail === "the peer closed in the middle of the header") return "상대가 헤더 도중에 연결을 닫았습니다";
  const transport = /^a (\w+) client cannot be echoed over TCP$/.exec(detail);
  if (transport) return `${transport[1]} 클라이언트는 TCP로 에코할 수 없습니다`;
  const v = /^(v[12]): /.exec(detail)?.[1];
  // ERR_PROXY_TOO_LONG
  const tooLong = /^v1: no CRLF within (\d+) bytes$/.exec(detail);
  if (tooLong) return `v1: ${tooLong[1]}바이트 안에 CRLF가 없습니다 (헤더가 너무 깁니다)`;
  if (/^v2: .*(too long|longer than)/.test(detail)) return "v2: 헤더가 너무 깁니다";
  // ERR_PROXY_UNSUPPORTED
  const unsupported = /^v2: (version|command|address family|transport protocol) (\d+)/.exec(detail);
  if (unsupported) {
    const what = {
      version: "버전",
      command: "명령",
      "address family": "주소 체계",
      "transport protocol": "전송 프로토콜",
    }[unsupported[1] as "version"];
    return `v2: 규격에 없는 ${what} ${unsupported[2]}`;
  }
  // ERR_PROXY_NOT_PROXY
  const notProxy = /; byte (\d+) is (0x[0-9a-f]+)$/.exec(detail);
  if (notProxy) return `PROXY 헤더의 시그니처가 아닙니다 (${notProxy[1]}번째 바이트가 ${notProxy[2]})`;
  // ERR_PROXY_MALFORMED
  const at = /at byte (\d+)/.exec(detail)?.[1];
  return `${v ?? ""}${v ? ": " : ""}PROXY 헤더의 형식이 잘못되었습니다${at === undefined ? "" : ` (${at}번째 바이트)`}`;
}

/** The quoted parts of commander's message: the option, value or command it is about. */
function quoted(message: string): string[] {
  return [...message.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? "");
}

/** Commander's own sentences (commander 14's wording), in Korean; an unknown one is quoted. */
function commanderErrorKo(code: string, message: string): string {
  const [first = "", second = ""] = quoted(message);
  const didYouMean = /\(Did you mean (?:one of )?(.+)\?\)/.exec(message)?.[1];
  const hint = didYouMean === undefined ? "" : ` (혹시: ${didYouMean})`;
  const choices = /Allowed choices are (.+)\.$/.exec(message)?.[1];
  switch (code) {
    case "commander.unknownOption":
      return `알 수 없는 옵션 '${first}'${hint}`;
    case "commander.unknownCommand":
      return `알 수 없는 명령 '${first}'${hint}`;
    case "commander.missingArgument":
      return `꼭 필요한 인자 '${first}'이(가) 없습니다`;
    case "commander.optionMissingArgument":
      return `옵션 '${first}'에 값이 없습니다`;
    case "commander.missingMandatoryOptionValue":
      return `꼭 필요한 옵션 '${first}'이(가) 없습니다`;
    case "commander.conflictingOption":
      return `${first} 와 ${second} 는 함께 쓸 수 없습니다`;
    case "commander.excessArguments": {
      const [, expected, got] = /Expected (\d+) arguments? but got (\d+)/.exec(message) ?? [];
      return `인자가 너무 많습니다: ${expected ?? "?"}개까지인데 ${got ?? "?"}개를 주었습니다`;
    }
    case "commander.invalidArgument":
      return `옵션 '${first}'의 값 '${second}'이(가) 잘못되었습니다${choices ? ` (고를 수 있는 값: ${choices})` : ""}`;
    default:
      return `'${message}'`;
  }
}

const en: ErrorMessages = {
  commanderError: (_code, message) => message,
  usage: (message, command) => `tcpecho: ${message} (see: tcpecho ${command}--help)`,
  error: (code, ctx) =>
    // Only the command line knows which of its ports (--port, --metrics, --udp) a listen error is about.
    code === "EADDRINUSE" && ctx.operation !== "connect"
      ? portInUse(
          (LISTEN_PORT_EN[ctx.option ?? ""] ?? ((p) => `port ${p}`))(ctx.port),
          ctx,
          ctx.option === "--udp",
        )
      : errorText(code, ctx, cliFlag),
};

const ko: ErrorMessages = {
  commanderError: commanderErrorKo,
  usage: (message, command) => `tcpecho: ${message} (도움말: tcpecho ${command}--help)`,
  error(code, ctx) {
    const at = ctx.host === undefined ? "서버" : errorPlace(ctx);
    switch (code) {
      case "ERR_INVALID_PORT":
        return `잘못된 포트 번호 '${ctx.value}': 포트 번호는 ${ctx.min ?? 0}부터 65535까지의 정수입니다`;
      case "ERR_INVALID_HOST":
        return `잘못된 호스트 '${ctx.value}': 127.0.0.1, ::1 같은 IP 주소나 localhost 같은 호스트 이름을 주세요`;
      case "ERR_INVALID_OPTION":
        if (ctx.option === undefined)
          return `${ctx.detail === undefined ? "옵션" : detailKo(ctx.detail)}의 값 '${ctx.value}'이(가) 잘못되었습니다`;
        if (ctx.needs !== undefined)
          return `${cliFlag(ctx.needs)} 없이 ${cliFlag(ctx.option)} 의 값 '${ctx.value}'을(를) 주었습니다: ${cliFlag(ctx.option)} 는 ${cliFlag(ctx.needs)} 와 함께만 쓸 수 있습니다`;
        return `${cliFlag(ctx.option)}의 값 '${ctx.value}'이(가) 잘못되었습니다 (${TAKES_KO[ctx.expect ?? "count"](ctx)})`;
      case "ECONNREFUSED":
        return `${at} 이(가) 접속을 거부했습니다: 그 포트에서 대기 중인 프로그램이 없습니다 (서버가 실행 중인지, 포트 번호가 맞는지 확인하세요)`;
      case "ETIMEDOUT":
        if (ctx.operation === "tls handshake")
          return `${at} 에서 ${errorSeconds(ctx.timeoutMs, "초")} 안에 TLS 핸드셰이크가 끝나지 않았습니다: 서버가 접속은 받았지만 TLS로 응답하지 않았습니다. ${PLAIN_KO}`;
        if (ctx.operation === "read" && ctx.received)
          return `${at} 의 에코가 멈췄습니다: ${ctx.expected}바이트 중 ${ctx.received}바이트가 돌아온 뒤 ${errorSeconds(ctx.timeoutMs, "초")} 동안 더 오지 않았습니다`;
        return ctx.operation === "read"
          ? `${at} 에서 ${errorSeconds(ctx.timeoutMs, "초")} 안에 에코가 오지 않았습니다: 서버가 접속은 받았지만 아무것도 돌려보내지 않았습니다`
          : `${at} 에서 ${ctx.timeoutMs ? `${errorSeconds(ctx.timeoutMs, "초")} 안에 ` : ""}응답이 없습니다: 방화벽이 패킷을 버리거나, 호스트가 꺼져 있거나, 이 컴퓨터가 닿지 않는 네트워크에 있습니다`;
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
        return `${ctx.host} 의 ${(LISTEN_PORT_KO[ctx.option ?? ""] ?? ((p) => `포트 ${p}`))(ctx.port)}은(는) 다른 프로그램이 이미 쓰고 있습니다. 확인: ${portHolderCommand(ctx.port, ctx.option === "--udp")}`;
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
        return `${at} 소켓 오류: ${ctx.detail === undefined ? "알 수 없음" : detailKo(ctx.detail)}`;
      case "ERR_PROXY":
        return `${at} 의 PROXY 프로토콜 헤더: ${
          ctx.option === undefined
            ? proxyReasonKo(ctx.detail)
            : `${cliFlag(ctx.option)} 범위 밖의 상대가 PROXY 헤더를 보냈습니다`
        }; 연결을 닫았습니다`;
      case "ERR_TLS":
        if (ctx.operation === "tls handshake")
          return `${at} 와(과)의 TLS 실패: ${handshakeFailedKo(ctx.detail)}`;
        return `${at} 와(과)의 TLS 실패: ${ctx.detail === undefined ? "알 수 없음" : detailKo(ctx.detail)} (클라이언트가 TLS로 접속했는지, 이 인증서를 신뢰하는지 확인하세요)`;
      case "ERR_TLS_VERIFY":
        return `${at} 의 TLS 인증서를 신뢰할 수 없습니다: ${certificateAdviceKo(ctx)}`;
    }
  },
};

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
