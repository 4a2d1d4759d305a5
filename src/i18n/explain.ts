/**
 * What `tcpecho explain CODE` says, in English and Korean, for each system:
 * the cause of an error code, the command that shows it on that system, and
 * the fix. The codes are the socket errors tcpecho reports (by their errno
 * name, as Node spells them), the Node codes its users meet (name lookup,
 * TLS certificate checks, a bad port), and tcpecho's own. Winsock names and
 * numbers lead to the same entries through `net/winsock.ts`.
 *
 * @module
 */

import { excludedPortsCommand, localPortsCommand, pidCommand, portHolderCommand } from "../net/error-text.js";
import type { TextPlatform } from "../net/winsock.js";
import type { Lang } from "./lang.js";

/** One code explained, in one language, for one system. */
export interface Explanation {
  /** What the code means, in a few words. */
  readonly title: string;
  readonly cause: string;
  /** How to see it on this system: a command, and what to look for. */
  readonly see: string;
  readonly fix: string;
}

/** Where a code comes from: the operating system's sockets, Node, or tcpecho itself. */
export type CodeSource = "system" | "node" | "tcpecho";

type Words = (os: TextPlatform) => Explanation;

interface Entry {
  readonly source: CodeSource;
  readonly en: Words;
  readonly ko: Words;
}

/** The same words on every system but the one command, picked per system. */
function per<T>(os: TextPlatform, by: Record<TextPlatform, T>): T {
  return by[os];
}

/** Who listens on a port, with PORT standing for the port. */
const listeners = (os: TextPlatform) => portHolderCommand("PORT", false, os);

/** The connections to or from a port. */
const connections = (os: TextPlatform) =>
  per(os, {
    linux: "ss -tnp 'sport = :PORT or dport = :PORT'",
    darwin: "netstat -an -p tcp | grep '\\.PORT '",
    win32: 'netstat -ano | findstr /R /C:":PORT "',
  });

/** The route this machine takes to an address. */
const route = (os: TextPlatform) =>
  per(os, { linux: "ip route get ADDRESS", darwin: "route -n get ADDRESS", win32: "route print" });

/** A name looked up as programs look it up. */
const lookup = (os: TextPlatform) =>
  per(os, {
    linux: "getent hosts NAME",
    darwin: "dscacheutil -q host -a name NAME",
    win32: "nslookup NAME",
  });

/** The firewall's state. */
const firewall = (os: TextPlatform) =>
  per(os, {
    linux: "sudo nft list ruleset",
    darwin: "/usr/libexec/ApplicationFirewall/socketfilterfw --getglobalstate",
    win32: "netsh advfirewall show allprofiles state",
  });

/** This machine's addresses. */
const addresses = (os: TextPlatform) =>
  per(os, { linux: "ip -br addr", darwin: "ifconfig", win32: "ipconfig" });

/** The certificate a TLS server sends, with OpenSSL's checks of it. */
const certificate = (os: TextPlatform) =>
  `openssl s_client -connect HOST:PORT -servername NAME ${os === "win32" ? "<NUL" : "</dev/null"}`;

const ENTRIES: Readonly<Record<string, Entry>> = {
  ECONNREFUSED: {
    source: "system",
    en: (os) => ({
      title: "connection refused",
      cause:
        "the host answered, but nothing listens on that port at that address: the server is not running, listens on another port, or only on another address (127.0.0.1 is not the LAN address)",
      see: `on the server's machine: ${listeners(os)}; from here: tcpecho diagnose HOST PORT`,
      fix: "start the server, or connect to the address and port it listens on; to be reached from other machines it must listen on 0.0.0.0 (tcpecho serve --host 0.0.0.0)",
    }),
    ko: (os) => ({
      title: "연결 거부",
      cause:
        "호스트는 응답했지만 그 주소의 그 포트에서 대기 중인 프로그램이 없습니다: 서버가 꺼져 있거나, 다른 포트에서 대기하거나, 다른 주소에서만 대기합니다 (127.0.0.1 은 LAN 주소가 아닙니다)",
      see: `서버 컴퓨터에서: ${listeners(os)}, 여기서: tcpecho diagnose HOST PORT`,
      fix: "서버를 켜거나, 서버가 대기하는 주소와 포트로 접속하세요. 다른 컴퓨터에서 접속하려면 서버가 0.0.0.0 에서 대기해야 합니다 (tcpecho serve --host 0.0.0.0)",
    }),
  },
  ETIMEDOUT: {
    source: "system",
    en: (os) => ({
      title: "connection timed out",
      cause: `no answer at all: a firewall drops the packets, or the host is down or unreachable${os === "win32" ? "; a server on Windows is not reachable from other machines until node is allowed through Windows Defender Firewall, which Windows asks about at its first listen" : ""}`,
      see: `tcpecho diagnose HOST PORT (the route and a probe); the firewall: ${firewall(os)}`,
      fix: `check that the host is up and on a network this machine reaches, and that the server's firewall lets the port in${os === "win32" ? " (wf.msc, Inbound Rules: allow node)" : ""}`,
    }),
    ko: (os) => ({
      title: "연결 시간 초과",
      cause: `아무 응답이 없습니다: 방화벽이 패킷을 버리거나, 호스트가 꺼져 있거나 닿지 않습니다${os === "win32" ? ". Windows 에서 실행하는 서버는 처음 대기할 때 Windows 가 물어보는 창에서 node 를 Windows Defender 방화벽에 허용해야 다른 컴퓨터에서 닿습니다" : ""}`,
      see: `tcpecho diagnose HOST PORT (경로와 프로브), 방화벽: ${firewall(os)}`,
      fix: `호스트가 켜져 있고 이 컴퓨터가 닿는 네트워크에 있는지, 서버의 방화벽이 그 포트를 받아들이는지 확인하세요${os === "win32" ? " (wf.msc 의 인바운드 규칙에서 node 허용)" : ""}`,
    }),
  },
  EHOSTUNREACH: {
    source: "system",
    en: (os) => ({
      title: "no route to host",
      cause:
        "the host is down, not on this network, or a firewall or router rejects the packets (an ICMP error came back)",
      see: `tcpecho diagnose HOST PORT; the route: ${route(os)}`,
      fix: "check the address, the host, and the route (the gateway) to it",
    }),
    ko: (os) => ({
      title: "호스트로 가는 경로 없음",
      cause:
        "호스트가 꺼져 있거나, 이 네트워크에 없거나, 방화벽이나 라우터가 패킷을 거부했습니다 (ICMP 오류가 돌아옴)",
      see: `tcpecho diagnose HOST PORT, 경로: ${route(os)}`,
      fix: "주소와 호스트, 그리고 그쪽으로 가는 경로(게이트웨이)를 확인하세요",
    }),
  },
  ENETUNREACH: {
    source: "system",
    en: (os) => ({
      title: "network is unreachable",
      cause:
        "no interface or gateway of this machine leads to that network (no default route, or IPv6 without IPv6 connectivity)",
      see: `the route: ${route(os)}; the addresses: ${addresses(os)}`,
      fix: "connect this machine to a network that reaches it, or use an address of a network it has (IPv4 instead of IPv6)",
    }),
    ko: (os) => ({
      title: "네트워크에 닿을 수 없음",
      cause:
        "그 네트워크로 가는 인터페이스나 게이트웨이가 이 컴퓨터에 없습니다 (기본 경로가 없거나, IPv6 연결이 없는데 IPv6 주소로 접속)",
      see: `경로: ${route(os)}, 주소: ${addresses(os)}`,
      fix: "그 네트워크에 닿는 네트워크에 연결하거나, 이 컴퓨터가 가진 네트워크의 주소(IPv6 대신 IPv4)를 쓰세요",
    }),
  },
  ECONNRESET: {
    source: "system",
    en: (os) => ({
      title: "connection reset by peer",
      cause:
        "the other side closed the connection abruptly (a RST): its program ended or closed with data unread, or a middlebox cut it; a TLS server also resets a plain client",
      see: `the connections: ${connections(os)}; what the peer says: tcpecho client HOST PORT`,
      fix: "look at the other side's log; if the port speaks TLS, add --tls",
    }),
    ko: (os) => ({
      title: "상대가 연결을 리셋함",
      cause:
        "상대가 연결을 갑자기 끊었습니다 (RST): 상대 프로그램이 끝났거나 읽지 않은 데이터를 둔 채 닫았거나, 중간 장비가 끊었습니다. TLS 서버도 일반 클라이언트를 리셋합니다",
      see: `연결 보기: ${connections(os)}, 상대의 응답: tcpecho client HOST PORT`,
      fix: "상대 쪽 로그를 보세요. 그 포트가 TLS를 쓴다면 --tls 를 붙이세요",
    }),
  },
  ECONNABORTED: {
    source: "system",
    en: (os) => ({
      title: "connection aborted by this machine",
      cause: `this machine's own network stack dropped the connection (a retransmission timeout or a protocol error)${os === "win32" ? "; on Windows it is also what a write to a connection the peer already reset often reports" : ""}`,
      see: `the connections: ${connections(os)}`,
      fix: "connect again; if it keeps happening, look for a firewall, VPN or antivirus cutting connections",
    }),
    ko: (os) => ({
      title: "이 컴퓨터가 연결을 중단함",
      cause: `이 컴퓨터의 네트워크 스택이 연결을 끊었습니다 (재전송 시간 초과나 프로토콜 오류)${os === "win32" ? ". Windows 에서는 상대가 이미 리셋한 연결에 쓸 때도 흔히 이 오류가 납니다" : ""}`,
      see: `연결 보기: ${connections(os)}`,
      fix: "다시 접속하세요. 계속된다면 연결을 끊는 방화벽, VPN, 백신 프로그램이 있는지 보세요",
    }),
  },
  EPIPE: {
    source: "system",
    en: (os) => ({
      title: "broken pipe",
      cause:
        os === "win32"
          ? "on Windows, Node reports WSAESHUTDOWN as EPIPE: data was written after this side shut down its sending half (shutdown); a write to a connection the other side closed reports ECONNRESET or ECONNABORTED there instead"
          : "data was written to a connection the other side had already closed",
      see: "the other side's log; tcpecho client HOST PORT --send hello --trace shows each socket call and when the other side closed (recv = 0)",
      fix: "the other side closes first: find out why (a limit, a timeout, a crash); read before writing more",
    }),
    ko: (os) => ({
      title: "끊어진 파이프",
      cause:
        os === "win32"
          ? "Windows 에서 Node 는 WSAESHUTDOWN 을 EPIPE 로 알립니다: 이쪽이 보내는 쪽을 닫은(shutdown) 뒤에 데이터를 썼습니다. 상대가 닫은 연결에 쓰면 Windows 에서는 ECONNRESET 이나 ECONNABORTED 가 납니다"
          : "상대가 이미 닫은 연결에 데이터를 썼습니다",
      see: "상대 쪽 로그, 그리고 tcpecho client HOST PORT --send hello --trace 로 소켓 호출마다, 상대가 언제 닫았는지(recv = 0) 보세요",
      fix: "상대가 먼저 닫습니다: 그 이유(한도, 시간 초과, 비정상 종료)를 찾으세요",
    }),
  },
  EADDRINUSE: {
    source: "system",
    en: (os) => ({
      title: "address already in use",
      cause:
        "another socket already listens on that address and port (another server, or a second copy of this one); for a client, no local port was left",
      see: `${listeners(os)}${os === "win32" ? `, then ${pidCommand} with the PID of its last column` : ""}`,
      fix: "stop the other program, or listen on another port (tcpecho serve --port 9001)",
    }),
    ko: (os) => ({
      title: "주소가 이미 사용 중",
      cause:
        "다른 소켓이 이미 그 주소와 포트에서 대기하고 있습니다 (다른 서버나 같은 서버의 두 번째 실행). 클라이언트라면 남은 로컬 포트가 없습니다",
      see: `${listeners(os)}${os === "win32" ? `, 그다음 마지막 열의 PID 로 ${pidCommand}` : ""}`,
      fix: "다른 프로그램을 멈추거나 다른 포트에서 대기하세요 (tcpecho serve --port 9001)",
    }),
  },
  EADDRNOTAVAIL: {
    source: "system",
    en: (os) => ({
      title: "cannot assign requested address",
      cause:
        "listening: this machine has no such address; connecting: no local port is left for one more connection, or the address is not valid (port 0)",
      see: `the addresses: ${addresses(os)}; the local port range: ${localPortsCommand(os)}`,
      fix: "listen on 0.0.0.0, 127.0.0.1 or one of this machine's addresses; for many connections, reuse them instead of opening new ones",
    }),
    ko: (os) => ({
      title: "요청한 주소를 쓸 수 없음",
      cause:
        "대기할 때: 이 컴퓨터에 그 주소가 없습니다. 접속할 때: 연결을 하나 더 만들 로컬 포트가 없거나, 주소가 올바르지 않습니다 (포트 0)",
      see: `주소: ${addresses(os)}, 로컬 포트 범위: ${localPortsCommand(os)}`,
      fix: "0.0.0.0, 127.0.0.1, 또는 이 컴퓨터의 주소에서 대기하세요. 연결이 많다면 새로 열지 말고 다시 쓰세요",
    }),
  },
  EACCES: {
    source: "system",
    en: (os) =>
      per(os, {
        linux: {
          title: "permission denied",
          cause:
            "ports below 1024 need root or CAP_NET_BIND_SERVICE; for a client, a broadcast address or a firewall rule",
          see: "sysctl net.ipv4.ip_unprivileged_port_start (the lowest port anyone may bind)",
          fix: "use a port of 1024 or above (tcpecho serve --port 9000), or give node the capability: sudo setcap cap_net_bind_service=+ep $(command -v node)",
        },
        darwin: {
          title: "permission denied",
          cause:
            "below 1024, macOS 10.14 and later let any user listen on the wildcard address (0.0.0.0 or ::), but listening on a specific address such as 127.0.0.1 still needs root (older macOS: every address)",
          see: listeners(os),
          fix: "listen on 0.0.0.0, run with sudo, or use a port of 1024 or above",
        },
        win32: {
          title: "permission denied",
          cause:
            "Windows needs no privilege for any port: the port is in a range Windows reserves (Hyper-V, WSL2 and Docker reserve ranges), or another program holds it exclusively (SO_EXCLUSIVEADDRUSE)",
          see: `${excludedPortsCommand}; ${listeners(os)}`,
          fix: "use a port outside the excluded ranges (tcpecho serve --port 9000)",
        },
      }),
    ko: (os) =>
      per(os, {
        linux: {
          title: "권한 없음",
          cause:
            "1024 미만 포트에는 root 권한이나 CAP_NET_BIND_SERVICE 가 필요합니다. 클라이언트라면 브로드캐스트 주소이거나 방화벽 규칙이 막습니다",
          see: "sysctl net.ipv4.ip_unprivileged_port_start (누구나 바인드할 수 있는 가장 낮은 포트)",
          fix: "1024 이상의 포트를 쓰거나 (tcpecho serve --port 9000), node 에 권한을 주세요: sudo setcap cap_net_bind_service=+ep $(command -v node)",
        },
        darwin: {
          title: "권한 없음",
          cause:
            "macOS 10.14 이상에서는 1024 미만 포트라도 와일드카드 주소(0.0.0.0 이나 ::)에서는 누구나 대기할 수 있지만, 127.0.0.1 같은 특정 주소에서 대기하려면 root 권한이 필요합니다 (그 전의 macOS 는 모든 주소에서 필요)",
          see: listeners(os),
          fix: "0.0.0.0 에서 대기하거나, sudo 로 실행하거나, 1024 이상의 포트를 쓰세요",
        },
        win32: {
          title: "권한 없음",
          cause:
            "Windows 에서는 어느 포트든 관리자 권한이 필요 없습니다: 그 포트가 Windows 가 예약한 범위(Hyper-V, WSL2, Docker 가 잡아 두는 범위)에 있거나, 다른 프로그램이 독점하고 있습니다 (SO_EXCLUSIVEADDRUSE)",
          see: `${excludedPortsCommand}, ${listeners(os)}`,
          fix: "제외 범위 밖의 포트를 쓰세요 (tcpecho serve --port 9000)",
        },
      }),
  },
  EMFILE: {
    source: "system",
    en: (os) => ({
      title: "too many open files",
      cause:
        "this process has as many descriptors (sockets) open as it may; new connections are refused until some close",
      see: per(os, {
        linux: "ulimit -n; grep 'open files' /proc/PID/limits",
        darwin: "ulimit -n; sysctl kern.maxfilesperproc",
        win32: "Get-Process node | Select-Object Id,Handles (PowerShell)",
      }),
      fix: per(os, {
        linux: "ulimit -n 65536 before starting, or LimitNOFILE=65536 in a systemd unit",
        darwin: "ulimit -n 65536 before starting (up to kern.maxfilesperproc)",
        win32: "close idle connections, or open fewer at once",
      }),
    }),
    ko: (os) => ({
      title: "열린 파일이 너무 많음",
      cause:
        "이 프로세스가 열 수 있는 만큼의 디스크립터(소켓)를 모두 열었습니다. 몇 개가 닫힐 때까지 새 연결은 거부됩니다",
      see: per(os, {
        linux: "ulimit -n, grep 'open files' /proc/PID/limits",
        darwin: "ulimit -n, sysctl kern.maxfilesperproc",
        win32: "Get-Process node | Select-Object Id,Handles (PowerShell)",
      }),
      fix: per(os, {
        linux: "시작 전에 ulimit -n 65536, 또는 systemd 유닛의 LimitNOFILE=65536",
        darwin: "시작 전에 ulimit -n 65536 (kern.maxfilesperproc 까지)",
        win32: "쓰지 않는 연결을 닫거나, 한 번에 여는 연결을 줄이세요",
      }),
    }),
  },
  ENFILE: {
    source: "system",
    en: (os) => ({
      title: "too many open files in the system",
      cause: "the whole system is out of descriptors, not only this process",
      see: per(os, {
        linux: "cat /proc/sys/fs/file-nr (in use, free, the most)",
        darwin: "sysctl kern.num_files kern.maxfiles",
        win32: "Task Manager, Performance tab: Handles",
      }),
      fix: per(os, {
        linux: "raise fs.file-max with sysctl, or close other programs' files",
        darwin: "raise kern.maxfiles with sysctl, or close other programs' files",
        win32: "close other programs",
      }),
    }),
    ko: (os) => ({
      title: "시스템 전체에 열린 파일이 너무 많음",
      cause: "이 프로세스만이 아니라 시스템 전체의 디스크립터가 모자랍니다",
      see: per(os, {
        linux: "cat /proc/sys/fs/file-nr (사용 중, 남은 수, 최대)",
        darwin: "sysctl kern.num_files kern.maxfiles",
        win32: "작업 관리자의 성능 탭: 핸들",
      }),
      fix: per(os, {
        linux: "sysctl 로 fs.file-max 를 올리거나, 다른 프로그램이 연 파일을 줄이세요",
        darwin: "sysctl 로 kern.maxfiles 를 올리거나, 다른 프로그램이 연 파일을 줄이세요",
        win32: "다른 프로그램을 닫으세요",
      }),
    }),
  },
  ENOTFOUND: {
    source: "system",
    en: (os) => ({
      title: "name not found",
      cause: "the name does not resolve to any address: a typo, a name only another network knows, or no DNS",
      see: lookup(os),
      fix: "check the spelling, or give an IP address",
    }),
    ko: (os) => ({
      title: "이름을 찾을 수 없음",
      cause:
        "이름이 어떤 주소로도 풀리지 않습니다: 오타이거나, 다른 네트워크에서만 아는 이름이거나, DNS가 없습니다",
      see: lookup(os),
      fix: "철자를 확인하거나 IP 주소를 주세요",
    }),
  },
  EAI_AGAIN: {
    source: "system",
    en: (os) => ({
      title: "name lookup failed for now",
      cause: "the DNS server did not answer (no network, or the DNS server is down or unreachable)",
      see: lookup(os),
      fix: "try again, check the network and its DNS server, or give an IP address",
    }),
    ko: (os) => ({
      title: "지금은 이름을 조회할 수 없음",
      cause: "DNS 서버가 응답하지 않았습니다 (네트워크가 없거나, DNS 서버가 꺼져 있거나 닿지 않음)",
      see: lookup(os),
      fix: "다시 시도하거나, 네트워크와 DNS 서버를 확인하거나, IP 주소를 주세요",
    }),
  },
  ERR_SOCKET_BAD_PORT: {
    source: "node",
    en: () => ({
      title: "bad port",
      cause: "a port outside 0–65535 (or not a number) was given to Node's socket calls",
      see: "the port given on the command line or in the program",
      fix: "give a port from 1 to 65535 (0 to listen on any free port)",
    }),
    ko: () => ({
      title: "잘못된 포트",
      cause: "0~65535 밖의 포트(또는 숫자가 아닌 값)를 Node 의 소켓 함수에 주었습니다",
      see: "명령줄이나 프로그램에서 준 포트",
      fix: "1부터 65535까지의 포트를 주세요 (0은 아무 빈 포트에서 대기)",
    }),
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    source: "node",
    en: (os) => ({
      title: "certificate not made out for this name",
      cause: "the server's certificate does not list the name (or address) connected to",
      see: certificate(os),
      fix: "connect by a name the certificate lists, or give that name with --tls-servername NAME",
    }),
    ko: (os) => ({
      title: "이 이름으로 발급되지 않은 인증서",
      cause: "서버 인증서에 접속한 이름(또는 주소)이 없습니다",
      see: certificate(os),
      fix: "인증서에 있는 이름으로 접속하거나, --tls-servername 이름 으로 그 이름을 주세요",
    }),
  },
  DEPTH_ZERO_SELF_SIGNED_CERT: {
    source: "node",
    en: (os) => ({
      title: "self-signed certificate",
      cause: "the server's certificate signs itself, so no CA this machine trusts vouches for it",
      see: certificate(os),
      fix: "trust it with --tls-ca FILE (the server's certificate, PEM), or skip every check with --insecure",
    }),
    ko: (os) => ({
      title: "자체 서명 인증서",
      cause: "서버 인증서가 스스로 서명해서, 이 컴퓨터가 신뢰하는 어떤 CA도 보증하지 않습니다",
      see: certificate(os),
      fix: "--tls-ca 파일(서버 인증서, PEM)로 신뢰하거나, --insecure 로 검사를 모두 건너뛰세요",
    }),
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    source: "node",
    en: (os) => ({
      title: "certificate signed by an unknown CA",
      cause:
        "the server's certificate is signed by a CA this machine does not trust, or the server leaves out the intermediate certificate",
      see: certificate(os),
      fix: "trust that CA with --tls-ca FILE, or have the server send its full chain",
    }),
    ko: (os) => ({
      title: "모르는 CA가 서명한 인증서",
      cause: "이 컴퓨터가 신뢰하지 않는 CA가 서명했거나, 서버가 중간 인증서를 보내지 않습니다",
      see: certificate(os),
      fix: "--tls-ca 파일로 그 CA를 신뢰하거나, 서버가 인증서 체인 전체를 보내게 하세요",
    }),
  },
  CERT_HAS_EXPIRED: {
    source: "node",
    en: (os) => ({
      title: "certificate expired",
      cause: "the server's certificate is past its end date (or this machine's clock is wrong)",
      see: certificate(os),
      fix: "renew the certificate on the server, and check both machines' clocks",
    }),
    ko: (os) => ({
      title: "인증서 만료",
      cause: "서버 인증서의 유효 기간이 지났습니다 (또는 이 컴퓨터의 시계가 틀렸습니다)",
      see: certificate(os),
      fix: "서버에서 인증서를 갱신하고, 두 컴퓨터의 시계를 확인하세요",
    }),
  },
  ERR_SSL_WRONG_VERSION_NUMBER: {
    source: "node",
    en: () => ({
      title: "the answer is not TLS",
      cause:
        "a TLS client got bytes that are no TLS record: the port speaks plain TCP (or an echo server sent our hello back)",
      see: "tcpecho client HOST PORT (without --tls)",
      fix: "leave out --tls for a plain server, or connect to the server's TLS port",
    }),
    ko: () => ({
      title: "응답이 TLS가 아님",
      cause:
        "TLS 클라이언트가 TLS 레코드가 아닌 바이트를 받았습니다: 그 포트는 일반 TCP를 씁니다 (또는 에코 서버가 우리 hello 를 그대로 돌려보냄)",
      see: "tcpecho client HOST PORT (--tls 없이)",
      fix: "일반 서버라면 --tls 를 빼거나, 서버의 TLS 포트로 접속하세요",
    }),
  },
  ERR_PEER_CLOSED: {
    source: "tcpecho",
    en: () => ({
      title: "the server closed before echoing everything",
      cause:
        "the connection ended (FIN) before every byte sent came back: the server closed early, or it stops at our end of input as ncat --exec does",
      see: "tcpecho client HOST PORT --trace (the server's FIN is the recv that returns 0)",
      fix: "for a server that stops at a FIN, add --no-shutdown; otherwise look at the server's log",
    }),
    ko: () => ({
      title: "에코를 다 돌려보내기 전에 서버가 닫음",
      cause:
        "보낸 바이트가 다 돌아오기 전에 연결이 끝났습니다 (FIN): 서버가 일찍 닫았거나, ncat --exec 처럼 입력의 끝에서 멈춥니다",
      see: "tcpecho client HOST PORT --trace (서버의 FIN 은 0 을 돌려주는 recv)",
      fix: "FIN 에서 멈추는 서버라면 --no-shutdown 을 붙이고, 아니라면 서버 로그를 보세요",
    }),
  },
  ERR_ECHO_MISMATCH: {
    source: "tcpecho",
    en: () => ({
      title: "the echo differs from what was sent",
      cause: "a byte came back different: the server is not an echo server, changes the data, or speaks TLS",
      see: "tcpecho client HOST PORT --verify",
      fix: "check that the port is an echo server; add --tls if it speaks TLS",
    }),
    ko: () => ({
      title: "에코가 보낸 데이터와 다름",
      cause: "돌아온 바이트가 다릅니다: 에코 서버가 아니거나, 데이터를 바꾸거나, TLS를 씁니다",
      see: "tcpecho client HOST PORT --verify",
      fix: "그 포트가 에코 서버인지 확인하세요. TLS를 쓴다면 --tls 를 붙이세요",
    }),
  },
  ERR_PROXY: {
    source: "tcpecho",
    en: () => ({
      title: "bad or untrusted PROXY protocol header",
      cause:
        "with --proxy-protocol the server expects a PROXY header first; this one was malformed, missing, or came from a peer outside --proxy-trusted",
      see: "the server's log line for the connection",
      fix: "send the header from the load balancer, add its address to --proxy-trusted, or leave out --proxy-protocol",
    }),
    ko: () => ({
      title: "잘못되었거나 신뢰하지 않는 PROXY 프로토콜 헤더",
      cause:
        "--proxy-protocol 이면 서버는 먼저 PROXY 헤더를 기다립니다. 이번 헤더는 형식이 틀렸거나, 없었거나, --proxy-trusted 밖의 상대가 보냈습니다",
      see: "그 연결에 대한 서버의 로그 줄",
      fix: "로드 밸런서가 헤더를 보내게 하고 그 주소를 --proxy-trusted 에 넣거나, --proxy-protocol 을 빼세요",
    }),
  },
};

/** Every code `explain` knows by name, in the order `--list` shows them. */
export const EXPLAINED_CODES: readonly string[] = Object.keys(ENTRIES);

/** A code's explanation in `lang` for `os`, and where the code comes from; undefined if not known. */
export function explanation(
  code: string,
  lang: Lang,
  os: TextPlatform,
): { source: CodeSource; words: Explanation } | undefined {
  const entry = Object.hasOwn(ENTRIES, code) ? ENTRIES[code] : undefined;
  return entry && { source: entry.source, words: entry[lang](os) };
}

/** The words around an explanation: labels, the codes on each system, the unknown code. */
export interface ExplainWords {
  readonly cause: string;
  /** "see it on Windows:" */
  see(os: string): string;
  readonly fix: string;
  /** The line with the code's number on each system. */
  numbers(parts: string[]): string;
  /** After a Winsock error Node reports under another code: `, which Node reports as EPIPE`. */
  reportedAs(code: string): string;
  readonly node: string;
  readonly tcpecho: string;
  /** A Winsock or errno name tcpecho has no entry for: Node's code for it, if Node reports it. */
  tableOnly(nodeCode: string | undefined): string;
  /** `--list`'s heading lines. */
  readonly listCodes: string;
  readonly listWinsock: string;
  /** An unknown code, in one line: the closest known one, and how to list them. */
  unknown(input: string, closest: string | undefined): string;
}

/** How each system is called in the words. */
export const OS_NAMES: Readonly<Record<TextPlatform, string>> = {
  linux: "Linux",
  darwin: "macOS",
  win32: "Windows",
};

export const explainWords: Readonly<Record<Lang, ExplainWords>> = {
  en: {
    cause: "cause:",
    see: (os) => `see it on ${os}:`,
    fix: "fix:",
    numbers: (parts) => `the same error: ${parts.join(" · ")}`,
    reportedAs: (code) => `, which Node reports as ${code}`,
    node: "a Node.js code: the same on every system",
    tcpecho: "tcpecho's own code (EchoError.code)",
    tableOnly: (nodeCode) =>
      `${nodeCode ? `Node reports it as ${nodeCode}; ` : ""}tcpecho does not report it itself, so it has no more to say`,
    listCodes: "codes explained (also by their Winsock name or number):",
    listWinsock: "Winsock errors known by name and number:",
    unknown: (input, closest) =>
      `tcpecho: unknown code '${input}'${closest ? `; did you mean ${closest}?` : ""} (tcpecho explain --list lists them)`,
  },
  ko: {
    cause: "원인:",
    see: (os) => `${os} 에서 확인:`,
    fix: "해결:",
    numbers: (parts) => `같은 오류: ${parts.join(" · ")}`,
    reportedAs: (code) => ` (Node 는 ${code} 로 알림)`,
    node: "Node.js 의 코드: 어느 시스템에서나 같습니다",
    tcpecho: "tcpecho 자체의 코드 (EchoError.code)",
    tableOnly: (nodeCode) =>
      `${nodeCode ? `Node 가 알리는 코드: ${nodeCode}. ` : ""}tcpecho 가 직접 알리는 오류가 아니어서 더 설명할 것이 없습니다`,
    listCodes: "설명하는 코드 (Winsock 이름이나 번호로도 찾을 수 있음):",
    listWinsock: "이름과 번호로 아는 Winsock 오류:",
    unknown: (input, closest) =>
      `tcpecho: 모르는 코드 '${input}'${closest ? ` (혹시 ${closest}?)` : ""}. 목록: tcpecho explain --list`,
  },
};
