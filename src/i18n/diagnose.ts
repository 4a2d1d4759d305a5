/**
 * What `tcpecho diagnose` says, in English and Korean, in the notes' words
 * (루프백, 서브넷 마스크, 게이트웨이, 대기 소켓). Addresses, masks and times
 * arrive already formatted.
 *
 * @module
 */

import type { AddressScope } from "../net/address-scope.js";
import type { ToolFailure } from "../net/os-tool.js";
import type { PortRange, ServiceSource } from "../net/services.js";
import type { RouteSource } from "../net/route.js";
import type { ConnectOutcome } from "../client/diagnose.js";
import type { Lang } from "./lang.js";
import { textPlatform, type TextPlatform } from "../net/winsock.js";

/** One language's diagnose sentences. */
export interface DiagnoseMessages {
  /** The host was an address: nothing to resolve. */
  isAddress(host: string): string;
  resolved(host: string, addresses: string[]): string;
  nameNotFound(host: string, code: string): string;
  /** The address heading: its family and range. */
  address(address: string, family: 4 | 6, scope: AddressScope): string;
  /** The heading; for `interfaces`, `tried` and `failures` say which tools could not answer and why, each. */
  routeFrom(via: RouteSource, tried?: readonly string[], failures?: readonly ToolFailure[]): string;
  /** The heading when no tool answered (what follows says which were asked). */
  routeHeading: string;
  loopback(iface: string): string;
  /** One of this machine's own addresses; `owner` the interface holding it, if known. */
  local(owner: string | null): string;
  /** The gentle correction of the notes' "to the gateway and back". */
  localNote: string;
  subnet(iface: string, address: string, mask: string, network: string, cidr: string): string;
  subnetNoMask(iface: string): string;
  /** A broadcast destination: a subnet's (`cidr` its network) or, with null, the limited 255.255.255.255. */
  broadcast(iface: string, cidr: string | null): string;
  /** A multicast group; `range` is 224.0.0.0/4 or ff00::/8. */
  multicast(iface: string, range: string): string;
  gateway(gateway: string, iface: string): string;
  unreachable(reason: string | null): string;
  /** No tool could answer: `tools` were asked, in order; `failures` why each gave nothing. */
  routeUnknown(tools: readonly string[], failures: readonly ToolFailure[]): string;
  source(address: string): string;
  /** `from`: what named the port (a services file, or the built-in IANA table); default `/etc/services`. */
  port(port: number, range: PortRange, service: string | null, from?: ServiceSource): string;
  /** `rtt` formatted in ms. */
  outcome(
    outcome: ConnectOutcome,
    endpoint: string,
    rtt: string | null,
    received: number,
    code: string | null,
  ): string;
  notTried(endpoint: string): string;
  noConnect: string;
}

/**
 * The kernel's reasons for no route, in words: `ip route get` reports a
 * blackhole or prohibit route as `Invalid argument`; the /proc fallback says
 * `reject route` or `no route`. Anything else is shown as the kernel said it
 * (quoted, in Korean).
 */
function reasonIn(lang: Lang, reason: string | null): string | null {
  const known: Record<string, [string, string]> = {
    "network is unreachable": [
      "no route matches (Network is unreachable)",
      "맞는 경로가 없음 ('Network is unreachable')",
    ],
    "invalid argument": [
      "a blackhole or prohibit route discards it (Invalid argument)",
      "블랙홀 또는 금지 경로가 버림 ('Invalid argument')",
    ],
    "no route": ["no route matches", "맞는 경로가 없음"],
    "not in table": ["no route matches (not in table)", "맞는 경로가 없음 ('not in table')"],
    "reject route": ["a reject route discards it", "거부 경로가 버림"],
    unreachable: ["an unreachable route", "도달 불가 경로"],
    blackhole: ["a blackhole route discards it", "블랙홀 경로가 버림"],
    prohibit: ["a prohibit route refuses it", "금지 경로가 거부함"],
  };
  if (reason === null) return null;
  const words = known[reason.toLowerCase()];
  // The kernel's own words, quoted in Korean as a value is.
  return words ? words[lang === "ko" ? 1 : 0] : lang === "ko" ? `'${reason}'` : reason;
}

/**
 * Why a system tool gave no answer, in words.
 *
 * @example
 * ```ts
 * import { toolFailure } from "./diagnose.js";
 * toolFailure("ko", "missing"); // "명령이 이 시스템에 없음"
 * ```
 */
export function toolFailure(lang: Lang, failure: ToolFailure): string {
  const words: Record<ToolFailure, [string, string]> = {
    missing: ["the command is not on this system", "명령이 이 시스템에 없음"],
    denied: ["not allowed to run it", "실행할 권한이 없음"],
    failed: ["it ran and failed", "실행했으나 실패함"],
    "timed-out": ["it did not finish in time", "제한 시간 안에 끝나지 않음"],
    unparsable: ["its output could not be read", "출력을 해석할 수 없음"],
  };
  return words[failure][lang === "ko" ? 1 : 0];
}

/**
 * The tools asked and why they gave no answer: one reason after them all
 * when it is the same for each (`A, then B … (reason)`), else each tool's own
 * after its name (`A (reason), then B (reason)`).
 */
function toolsAsked(
  lang: Lang,
  tools: readonly string[],
  failures: readonly ToolFailure[],
): { tools: string; reason: string | null } {
  const join = lang === "ko" ? ", " : ", then ";
  const first = failures[0] ?? "failed";
  if (failures.every((f) => f === first))
    return { tools: tools.join(join), reason: toolFailure(lang, first) };
  const each = tools.map(
    (t, i) => `${t}${lang === "ko" ? "" : " "}(${toolFailure(lang, failures[i] ?? first)})`,
  );
  return { tools: each.join(join), reason: null };
}

/** The built-in table's name in a sentence. */
const IANA_EN = "the built-in IANA table (no services file here)";
const IANA_KO = "내장 IANA 표(이 시스템에는 서비스 파일이 없음)";

const SCOPE_EN: Record<AddressScope, string> = {
  loopback: "loopback (127.0.0.0/8, ::1): this machine itself",
  private: "private range: reachable inside its own network, not from the Internet",
  public: "public range: an Internet address",
  "link-local": "link-local: valid only on one link, never routed",
  cgnat: "carrier-grade NAT range (100.64.0.0/10): shared by a provider, not from the Internet",
  documentation: "documentation range: for examples, not for real hosts",
  multicast: "multicast range: a group, not one host",
  broadcast: "limited broadcast address (255.255.255.255): every host on the local link, not one host",
  unspecified: "unspecified address (0.0.0.0, ::): means any, not a host",
  reserved: "reserved range",
};

const SCOPE_KO: Record<AddressScope, string> = {
  loopback: "루프백 주소 (127.0.0.0/8, ::1): 이 컴퓨터 자신",
  private: "사설 주소: 자기 네트워크 안에서만 닿고 인터넷에서는 닿지 않음",
  public: "공인 주소: 인터넷 주소",
  "link-local": "링크 로컬 주소: 한 링크 안에서만 유효하며 라우팅되지 않음",
  cgnat: "통신사 NAT 대역 (100.64.0.0/10): 통신사가 나누어 쓰며 인터넷에서는 닿지 않음",
  documentation: "문서용 주소: 예시용이며 실제 호스트가 아님",
  multicast: "멀티캐스트 주소: 한 호스트가 아니라 그룹",
  broadcast: "제한 브로드캐스트 주소 (255.255.255.255): 한 호스트가 아니라 로컬 링크의 모든 호스트",
  unspecified: "지정되지 않은 주소 (0.0.0.0, ::): 호스트가 아니라 '모든 주소'라는 뜻",
  reserved: "예약된 주소",
};

const RANGE_EN: Record<PortRange, string> = {
  "well-known": "a well-known port (0–1023; binding it needs privilege)",
  registered: "a registered port (1024–49151)",
  dynamic: "a dynamic port (49152–65535, where the OS picks clients' ephemeral ports)",
};

/**
 * The well-known range on each system: Linux needs root (or
 * CAP_NET_BIND_SERVICE) to bind it; macOS 10.14 and later need none on the
 * wildcard address but root to bind a specific address (127.0.0.1); Windows
 * needs none.
 */
const WELL_KNOWN: Record<"en" | "ko", Record<TextPlatform, string>> = {
  en: {
    linux: "a well-known port (0–1023; binding it needs privilege)",
    darwin:
      "a well-known port (0–1023; macOS 10.14 and later let anyone bind it on the wildcard address 0.0.0.0 or ::, but binding it on a specific address such as 127.0.0.1 needs root)",
    win32: "a well-known port (0–1023; Windows needs no privilege to bind it)",
  },
  ko: {
    linux: "잘 알려진 포트 (0~1023, 바인드하려면 관리자 권한이 필요)",
    darwin:
      "잘 알려진 포트 (0~1023, macOS 10.14 이상에서는 와일드카드 주소 0.0.0.0 이나 :: 에는 누구나 바인드할 수 있지만, 127.0.0.1 같은 특정 주소에 바인드하려면 root 권한이 필요)",
    win32: "잘 알려진 포트 (0~1023, Windows 에서는 바인드에 관리자 권한이 필요 없음)",
  },
};

/** A port's range in words, the well-known one as this system has it. */
function rangeText(lang: "en" | "ko", range: PortRange): string {
  return range === "well-known"
    ? WELL_KNOWN[lang][textPlatform()]
    : (lang === "ko" ? RANGE_KO : RANGE_EN)[range];
}

const RANGE_KO: Record<PortRange, string> = {
  "well-known": "잘 알려진 포트 (0~1023, 바인드하려면 관리자 권한이 필요)",
  registered: "등록된 포트 (1024~49151)",
  dynamic: "동적 포트 (49152~65535, 운영체제가 클라이언트의 임시 포트를 고르는 범위)",
};

const en: DiagnoseMessages = {
  isAddress: (host) => `${host} is an address: nothing to resolve`,
  resolved: (host, addresses) =>
    `${host} resolves to ${addresses.length} address${addresses.length === 1 ? "" : "es"}: ${addresses.join(", ")}`,
  nameNotFound: (host, code) => `name not found: ${host} does not resolve to any address (${code})`,
  address: (address, family, scope) => `address ${address} (IPv${family}): ${SCOPE_EN[scope]}`,
  routeFrom: (via, tried = [], failures = []) => {
    if (via !== "interfaces") return `  the kernel's route decision (from ${via}):`;
    const asked = toolsAsked("en", tried, failures);
    return `  the route (from this machine's own addresses; ${asked.tools} gave no answer${asked.reason === null ? "" : `: ${asked.reason}`}):`;
  },
  routeHeading: "  the route:",
  loopback: (iface) => `    loopback: delivered through the ${iface} interface; it never leaves this machine`,
  local: (owner) =>
    `    one of this machine's own addresses${owner ? ` (on ${owner})` : ""}: delivered inside the machine, never on the wire`,
  localNote:
    "    (the notes say a packet to your own address goes to the gateway and back; Linux and Windows deliver it inside the machine instead)",
  subnet: (iface, address, mask, network, cidr) =>
    `    on the subnet of interface ${iface}: ${address} AND ${mask} = ${network}, the network ${cidr}; sent straight to the host, no gateway`,
  subnetNoMask: (iface) => `    on the subnet of interface ${iface}: sent straight to the host, no gateway`,
  broadcast: (iface, cidr) =>
    cidr === null
      ? `    broadcast: the limited broadcast address goes to every host on the link of interface ${iface}, not to one host, and no router passes it on; TCP cannot connect to it`
      : `    broadcast: the broadcast address of the network ${cidr} on interface ${iface} (every host bit 1) goes to every host on that subnet, not to one host; TCP cannot connect to it`,
  multicast: (iface, range) =>
    `    multicast: a group address (${range}) goes through interface ${iface} to every host that joined the group, not to one host; TCP cannot connect to it`,
  gateway: (gateway, iface) =>
    `    not on any interface's subnet: handed to the gateway ${gateway} via interface ${iface}`,
  unreachable: (reason) => {
    const words = reasonIn("en", reason);
    return `    no route: the kernel has no way there${words ? `: ${words}` : ""}`;
  },
  routeUnknown: (tools, failures) => {
    const asked = toolsAsked("en", tools, failures);
    return `    route not known: asked ${asked.tools}, no answer${asked.reason === null ? "" : ` (${asked.reason})`}`;
  },
  source: (address) => `    source address: ${address}`,
  port: (port, range, service, from = "/etc/services") => {
    const where = from === "IANA" ? IANA_EN : from;
    return `port ${port}: ${rangeText("en", range)}; ${service ? `named ${service} in ${where}` : `no name in ${where}`}`;
  },
  outcome: (outcome, endpoint, rtt, received, code) => {
    switch (outcome) {
      case "echoed":
        return `connect ${endpoint}: echoed, the probe came back in ${rtt} ms`;
      case "refused":
        return `connect ${endpoint}: refused, nothing listens on that port (no listening socket)`;
      case "timed-out":
        return `connect ${endpoint}: timed out, no answer at all (filtered by a firewall, or the host is down)`;
      case "no-route":
        return `connect ${endpoint}: no route to the host (${code ?? "unreachable"})`;
      case "reset":
        return `connect ${endpoint}: reset, the other side aborted the connection`;
      case "not-echo":
        return code === "ERR_ECHO_MISMATCH"
          ? `connect ${endpoint}: not an echo server, different data came back`
          : `connect ${endpoint}: not an echo server, ${received} byte${received === 1 ? "" : "s"} of the probe came back (${code ?? "no echo"})`;
      case "name-not-found":
        return `connect ${endpoint}: not tried, the name was not found`;
      default:
        return `connect ${endpoint}: failed (${code ?? "error"})`;
    }
  },
  notTried: (endpoint) => `connect ${endpoint}: not tried (an earlier address echoed)`,
  noConnect: "connect: skipped (--no-connect)",
};

const ko: DiagnoseMessages = {
  isAddress: (host) => `${host}: 주소이므로 이름 풀이가 필요 없습니다`,
  resolved: (host, addresses) => `${host}의 주소 ${addresses.length}개: ${addresses.join(", ")}`,
  nameNotFound: (host, code) => `이름을 찾을 수 없음: ${host}에 해당하는 주소가 없습니다 (${code})`,
  address: (address, family, scope) => `주소 ${address} (IPv${family}): ${SCOPE_KO[scope]}`,
  routeFrom: (via, tried = [], failures = []) => {
    if (via !== "interfaces") return `  커널의 라우팅 결정 (${via} 기준):`;
    const asked = toolsAsked("ko", tried, failures);
    return `  경로 (이 컴퓨터 자신의 주소 기준, ${asked.tools} 명령은 답하지 못함${asked.reason === null ? "" : `: ${asked.reason}`}):`;
  },
  routeHeading: "  경로:",
  loopback: (iface) => `    루프백: ${iface} 인터페이스로 전달되며 이 컴퓨터 밖으로 나가지 않습니다`,
  local: (owner) =>
    `    이 컴퓨터 자신의 주소${owner ? ` (${owner})` : ""}: 컴퓨터 안에서 전달되며 네트워크 선로에 나가지 않습니다`,
  localNote:
    "    (강의 노트에는 자기 공인 주소로 보낸 패킷이 게이트웨이에 갔다가 돌아온다고 되어 있지만, Linux와 Windows는 컴퓨터 안에서 바로 전달합니다)",
  subnet: (iface, address, mask, network, cidr) =>
    `    ${iface} 인터페이스의 서브넷: ${address} AND 서브넷 마스크 ${mask} = ${network}, 네트워크 ${cidr}. 게이트웨이 없이 상대 호스트로 바로 보냅니다`,
  subnetNoMask: (iface) => `    ${iface} 인터페이스의 서브넷: 게이트웨이 없이 상대 호스트로 바로 보냅니다`,
  broadcast: (iface, cidr) =>
    cidr === null
      ? `    브로드캐스트: 제한 브로드캐스트 주소로 보낸 패킷은 한 호스트가 아니라 ${iface} 인터페이스가 닿는 링크의 모든 호스트에 가고, 라우터는 넘겨주지 않습니다. TCP로는 접속할 수 없습니다`
      : `    브로드캐스트: ${iface} 인터페이스의 네트워크 ${cidr} 의 브로드캐스트 주소(호스트 비트가 모두 1)로 보낸 패킷은 한 호스트가 아니라 그 서브넷의 모든 호스트에 갑니다. TCP로는 접속할 수 없습니다`,
  multicast: (iface, range) =>
    `    멀티캐스트: 그룹 주소(${range})로 보낸 패킷은 ${iface} 인터페이스를 거쳐 한 호스트가 아니라 그룹에 가입한 모든 호스트에 갑니다. TCP로는 접속할 수 없습니다`,
  gateway: (gateway, iface) =>
    `    어느 인터페이스의 서브넷에도 없음: ${iface} 인터페이스를 거쳐 게이트웨이 ${gateway}에 넘깁니다`,
  unreachable: (reason) => {
    const words = reasonIn("ko", reason);
    return `    경로 없음: 커널에 그곳으로 가는 경로가 없습니다${words ? `: ${words}` : ""}`;
  },
  routeUnknown: (tools, failures) => {
    const asked = toolsAsked("ko", tools, failures);
    return `    경로를 알 수 없음: ${asked.tools} 명령에 물었으나 답을 얻지 못했습니다${asked.reason === null ? "" : ` (${asked.reason})`}`;
  },
  source: (address) => `    출발지 주소: ${address}`,
  port: (port, range, service, from = "/etc/services") => {
    const where = from === "IANA" ? IANA_KO : from;
    return `포트 ${port}: ${rangeText("ko", range)}, ${service ? `${where}의 이름은 '${service}'` : `${where}에 이름 없음`}`;
  },
  outcome: (outcome, endpoint, rtt, received, code) => {
    switch (outcome) {
      case "echoed":
        return `접속 ${endpoint}: 에코 성공, 프로브가 ${rtt}밀리초 만에 돌아왔습니다`;
      case "refused":
        return `접속 ${endpoint}: 거부됨, 그 포트에서 기다리는 대기 소켓이 없습니다`;
      case "timed-out":
        return `접속 ${endpoint}: 시간 초과, 아무 응답이 없습니다 (방화벽이 막았거나 호스트가 꺼져 있음)`;
      case "no-route":
        return `접속 ${endpoint}: 호스트로 가는 경로가 없습니다${code === null ? "" : ` (${code})`}`;
      case "reset":
        return `접속 ${endpoint}: 상대가 연결을 강제로 끊었습니다 (RST)`;
      case "not-echo":
        return code === "ERR_ECHO_MISMATCH"
          ? `접속 ${endpoint}: 에코 서버가 아닙니다, 보낸 것과 다른 데이터가 돌아왔습니다`
          : `접속 ${endpoint}: 에코 서버가 아닙니다, 프로브 중 ${received}바이트만 돌아왔습니다 (${code ?? "에코 없음"})`;
      case "name-not-found":
        return `접속 ${endpoint}: 이름을 찾지 못해 시도하지 않았습니다`;
      default:
        return `접속 ${endpoint}: 실패 (${code ?? "오류"})`;
    }
  },
  notTried: (endpoint) => `접속 ${endpoint}: 앞의 주소가 에코되어 시도하지 않았습니다`,
  noConnect: "접속: 건너뜀 (--no-connect)",
};

/**
 * The diagnose catalogues by language.
 *
 * @example
 * ```ts
 * import { diagnoseMessages } from "./diagnose.js";
 * diagnoseMessages.ko.gateway("10.1.0.1", "eth0"); // "    어느 인터페이스의 서브넷에도 없음: eth0 인터페이스를 거쳐 게이트웨이 10.1.0.1에 넘깁니다"
 * ```
 */
export const diagnoseMessages: Readonly<Record<Lang, DiagnoseMessages>> = { en, ko };
