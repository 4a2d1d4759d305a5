/**
 * The socket errors of the three systems side by side: each Winsock error
 * (number and name, as Microsoft's "Windows Sockets Error Codes" lists them)
 * with the Berkeley errno it copies and the code Node reports for it on
 * Windows (libuv's `uv_translate_sys_error` and its getaddrinfo errors); and
 * each errno's own number on Linux and macOS. Winsock numbered its copies of the
 * BSD errors 10000 + the BSD number (WSABASEERR), so WSAECONNREFUSED is 10061
 * where macOS's ECONNREFUSED is 61; Linux numbers them its own way (111).
 *
 * Also which system's words an error is worded for ({@link TextPlatform}).
 *
 * @module
 */

/** The systems whose commands and rules the error texts name: Linux (and other Unixes), macOS, Windows. */
export type TextPlatform = "linux" | "darwin" | "win32";

/** Every {@link TextPlatform}, for `--os` choices. */
export const TEXT_PLATFORMS: readonly TextPlatform[] = ["linux", "darwin", "win32"];

/**
 * The system whose words fit `platform` (a `process.platform`): macOS and
 * Windows their own, every other Unix Linux's.
 *
 * @example
 * ```ts
 * import { textPlatform } from "./winsock.js";
 * textPlatform("win32"); // "win32"
 * textPlatform("freebsd"); // "linux"
 * ```
 */
export function textPlatform(platform: string = process.platform): TextPlatform {
  return platform === "win32" || platform === "darwin" ? platform : "linux";
}

/** One Winsock error and its relatives. */
export interface WinsockError {
  /** Its number, as WSAGetLastError() returns it. */
  readonly wsa: number;
  /** Its name in winsock2.h / winerror.h. */
  readonly name: string;
  /** The Berkeley name it copies (an errno, or an h_errno for the 11001–11004 lookup errors). */
  readonly errno?: string;
  /** Node's name for the same error, where that is not `errno` (EAGAIN for EWOULDBLOCK). */
  readonly node?: string;
  /**
   * Another error Node reports it as on Windows: libuv's `uv_translate_sys_error`
   * turns WSAESHUTDOWN into EPIPE and WSAEINTR into ECANCELED, errors with their
   * own numbers elsewhere.
   */
  readonly libuv?: string;
  /** Microsoft's short description. */
  readonly en: string;
  /** The same, in Korean. */
  readonly ko: string;
}

/** Microsoft's list, the errors a socket program meets (not the QoS and service-provider ones). */
export const WINSOCK_ERRORS: readonly WinsockError[] = [
  {
    wsa: 10004,
    name: "WSAEINTR",
    errno: "EINTR",
    libuv: "ECANCELED",
    en: "Interrupted function call",
    ko: "함수 호출이 중단됨",
  },
  { wsa: 10013, name: "WSAEACCES", errno: "EACCES", en: "Permission denied", ko: "권한 없음" },
  { wsa: 10014, name: "WSAEFAULT", errno: "EFAULT", en: "Bad address", ko: "잘못된 포인터 주소" },
  { wsa: 10022, name: "WSAEINVAL", errno: "EINVAL", en: "Invalid argument", ko: "잘못된 인자" },
  {
    wsa: 10024,
    name: "WSAEMFILE",
    errno: "EMFILE",
    en: "Too many open files",
    ko: "열린 소켓이 너무 많음",
  },
  {
    wsa: 10035,
    name: "WSAEWOULDBLOCK",
    errno: "EWOULDBLOCK",
    node: "EAGAIN",
    en: "Resource temporarily unavailable",
    ko: "지금은 바로 끝낼 수 없음 (논블로킹 소켓)",
  },
  {
    wsa: 10036,
    name: "WSAEINPROGRESS",
    errno: "EINPROGRESS",
    en: "Operation now in progress",
    ko: "작업이 진행 중",
  },
  {
    wsa: 10037,
    name: "WSAEALREADY",
    errno: "EALREADY",
    en: "Operation already in progress",
    ko: "이미 진행 중인 작업",
  },
  {
    wsa: 10038,
    name: "WSAENOTSOCK",
    errno: "ENOTSOCK",
    en: "Socket operation on nonsocket",
    ko: "소켓이 아닌 것에 소켓 작업",
  },
  {
    wsa: 10040,
    name: "WSAEMSGSIZE",
    errno: "EMSGSIZE",
    en: "Message too long",
    ko: "메시지가 너무 김",
  },
  {
    wsa: 10047,
    name: "WSAEAFNOSUPPORT",
    errno: "EAFNOSUPPORT",
    en: "Address family not supported by protocol family",
    ko: "지원하지 않는 주소 체계",
  },
  {
    wsa: 10048,
    name: "WSAEADDRINUSE",
    errno: "EADDRINUSE",
    en: "Address already in use",
    ko: "주소가 이미 사용 중",
  },
  {
    wsa: 10049,
    name: "WSAEADDRNOTAVAIL",
    errno: "EADDRNOTAVAIL",
    en: "Cannot assign requested address",
    ko: "요청한 주소를 쓸 수 없음",
  },
  {
    wsa: 10050,
    name: "WSAENETDOWN",
    errno: "ENETDOWN",
    en: "Network is down",
    ko: "네트워크가 내려가 있음",
  },
  {
    wsa: 10051,
    name: "WSAENETUNREACH",
    errno: "ENETUNREACH",
    en: "Network is unreachable",
    ko: "네트워크에 닿을 수 없음",
  },
  {
    wsa: 10052,
    name: "WSAENETRESET",
    errno: "ENETRESET",
    en: "Network dropped connection on reset",
    ko: "keepalive 가 실패를 감지해 연결이 끊김",
  },
  {
    wsa: 10053,
    name: "WSAECONNABORTED",
    errno: "ECONNABORTED",
    en: "Software caused connection abort",
    ko: "이 컴퓨터의 소프트웨어가 연결을 중단함",
  },
  {
    wsa: 10054,
    name: "WSAECONNRESET",
    errno: "ECONNRESET",
    en: "Connection reset by peer",
    ko: "상대가 연결을 리셋함",
  },
  {
    wsa: 10055,
    name: "WSAENOBUFS",
    errno: "ENOBUFS",
    en: "No buffer space available",
    ko: "버퍼 공간이 없음",
  },
  {
    wsa: 10056,
    name: "WSAEISCONN",
    errno: "EISCONN",
    en: "Socket is already connected",
    ko: "소켓이 이미 연결됨",
  },
  {
    wsa: 10057,
    name: "WSAENOTCONN",
    errno: "ENOTCONN",
    en: "Socket is not connected",
    ko: "소켓이 연결되지 않음",
  },
  {
    wsa: 10058,
    name: "WSAESHUTDOWN",
    errno: "ESHUTDOWN",
    libuv: "EPIPE",
    en: "Cannot send after socket shutdown",
    ko: "shutdown 한 소켓으로는 보낼 수 없음",
  },
  {
    wsa: 10060,
    name: "WSAETIMEDOUT",
    errno: "ETIMEDOUT",
    en: "Connection timed out",
    ko: "연결 시간 초과",
  },
  {
    wsa: 10061,
    name: "WSAECONNREFUSED",
    errno: "ECONNREFUSED",
    en: "Connection refused",
    ko: "연결이 거부됨",
  },
  {
    wsa: 10064,
    name: "WSAEHOSTDOWN",
    errno: "EHOSTDOWN",
    en: "Host is down",
    ko: "호스트가 꺼져 있음",
  },
  {
    wsa: 10065,
    name: "WSAEHOSTUNREACH",
    errno: "EHOSTUNREACH",
    en: "No route to host",
    ko: "호스트로 가는 경로가 없음",
  },
  {
    wsa: 10091,
    name: "WSASYSNOTREADY",
    en: "Network subsystem is unavailable",
    ko: "네트워크 하위 시스템을 쓸 수 없음",
  },
  {
    wsa: 10093,
    name: "WSANOTINITIALISED",
    en: "Successful WSAStartup not yet performed",
    ko: "WSAStartup 을 아직 성공적으로 호출하지 않음",
  },
  {
    wsa: 11001,
    name: "WSAHOST_NOT_FOUND",
    errno: "HOST_NOT_FOUND",
    node: "ENOTFOUND",
    en: "Host not found",
    ko: "호스트를 찾을 수 없음",
  },
  {
    wsa: 11002,
    name: "WSATRY_AGAIN",
    errno: "TRY_AGAIN",
    node: "EAI_AGAIN",
    en: "Nonauthoritative host not found",
    ko: "권한 있는 DNS 서버의 응답이 없음 (일시적)",
  },
  {
    wsa: 11003,
    name: "WSANO_RECOVERY",
    errno: "NO_RECOVERY",
    en: "This is a nonrecoverable error",
    ko: "복구할 수 없는 이름 조회 오류",
  },
  {
    wsa: 11004,
    name: "WSANO_DATA",
    errno: "NO_DATA",
    en: "Valid name, no data record of requested type",
    ko: "이름은 있지만 요청한 종류의 레코드가 없음",
  },
];

/** An errno's number on Linux and on macOS, which number most of them differently. */
export interface ErrnoNumbers {
  readonly linux: number;
  readonly darwin: number;
  /** What it means, for the errors no Winsock error copies (Node reports them for another on Windows). */
  readonly en?: string;
  readonly ko?: string;
}

/**
 * The numbers of the errnos the tables name: Linux's from its asm-generic
 * errno.h (os.constants.errno there), macOS's from its sys/errno.h, which
 * keeps the BSD numbers Winsock copied (WSAE… = 10000 + n).
 */
export const ERRNO_NUMBERS: Readonly<Record<string, ErrnoNumbers>> = {
  EINTR: { linux: 4, darwin: 4 },
  EAGAIN: { linux: 11, darwin: 35 },
  EWOULDBLOCK: { linux: 11, darwin: 35 },
  EACCES: { linux: 13, darwin: 13 },
  EFAULT: { linux: 14, darwin: 14 },
  EINVAL: { linux: 22, darwin: 22 },
  ENFILE: { linux: 23, darwin: 23 },
  EMFILE: { linux: 24, darwin: 24 },
  EPIPE: { linux: 32, darwin: 32, en: "Broken pipe", ko: "끊어진 파이프" },
  EINPROGRESS: { linux: 115, darwin: 36 },
  EALREADY: { linux: 114, darwin: 37 },
  ENOTSOCK: { linux: 88, darwin: 38 },
  EMSGSIZE: { linux: 90, darwin: 40 },
  EAFNOSUPPORT: { linux: 97, darwin: 47 },
  EADDRINUSE: { linux: 98, darwin: 48 },
  EADDRNOTAVAIL: { linux: 99, darwin: 49 },
  ENETDOWN: { linux: 100, darwin: 50 },
  ENETUNREACH: { linux: 101, darwin: 51 },
  ENETRESET: { linux: 102, darwin: 52 },
  ECONNABORTED: { linux: 103, darwin: 53 },
  ECONNRESET: { linux: 104, darwin: 54 },
  ENOBUFS: { linux: 105, darwin: 55 },
  EISCONN: { linux: 106, darwin: 56 },
  ENOTCONN: { linux: 107, darwin: 57 },
  ESHUTDOWN: { linux: 108, darwin: 58 },
  ETIMEDOUT: { linux: 110, darwin: 60 },
  ECONNREFUSED: { linux: 111, darwin: 61 },
  EHOSTDOWN: { linux: 112, darwin: 64 },
  EHOSTUNREACH: { linux: 113, darwin: 65 },
  ECANCELED: { linux: 125, darwin: 89, en: "Operation canceled", ko: "작업이 취소됨" },
};

/** An errno's numbers on Linux and macOS, or undefined for a name that is no errno (ENOTFOUND). */
export function errnoNumbers(code: string): ErrnoNumbers | undefined {
  return Object.hasOwn(ERRNO_NUMBERS, code) ? ERRNO_NUMBERS[code] : undefined;
}

/** The code that names a Winsock error itself: Node's name for it, its Berkeley name, or its Winsock name. */
export function ownCode(entry: WinsockError): string {
  return entry.node ?? entry.errno ?? entry.name;
}

/**
 * The Winsock error behind a code Node reports on Windows (`ECONNREFUSED`,
 * `ENOTFOUND`, and `EPIPE`, which libuv makes of WSAESHUTDOWN), or undefined
 * when libuv turns no Winsock error into it.
 *
 * @example
 * ```ts
 * import { winsockFor } from "./winsock.js";
 * winsockFor("ECONNREFUSED")?.wsa; // 10061
 * winsockFor("ENOTFOUND")?.name; // "WSAHOST_NOT_FOUND"
 * ```
 */
export function winsockFor(code: string): WinsockError | undefined {
  return WINSOCK_ERRORS.find((e) => (e.libuv ?? e.node ?? e.errno) === code);
}

/**
 * A Winsock error by its name (`WSAECONNREFUSED`, any case) or number (`10061`).
 *
 * @example
 * ```ts
 * import { winsockByName } from "./winsock.js";
 * winsockByName("10061")?.errno; // "ECONNREFUSED"
 * ```
 */
export function winsockByName(text: string): WinsockError | undefined {
  const upper = text.trim().toUpperCase();
  if (/^\d+$/.test(upper)) return WINSOCK_ERRORS.find((e) => e.wsa === Number(upper));
  return WINSOCK_ERRORS.find((e) => e.name === upper);
}

/**
 * A system error's code as `platform` knows it: on Windows with its Winsock
 * number and name beside (`ECONNREFUSED (10061, WSAECONNREFUSED)`), elsewhere
 * the code alone.
 *
 * @example
 * ```ts
 * import { systemCode } from "./winsock.js";
 * systemCode("ECONNREFUSED", "win32"); // "ECONNREFUSED (10061, WSAECONNREFUSED)"
 * systemCode("ECONNREFUSED", "linux"); // "ECONNREFUSED"
 * ```
 */
export function systemCode(code: string, platform: TextPlatform): string {
  const wsa = platform === "win32" ? winsockFor(code) : undefined;
  return wsa === undefined ? code : `${code} (${wsa.wsa}, ${wsa.name})`;
}
