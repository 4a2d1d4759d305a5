/**
 * The Korean `--help`: every command's description, argument and option help
 * and examples, keyed by command name, argument name and long flag, with the
 * words commander itself prints. The English help stays where the options are
 * declared (`src/cli/*.ts`); `src/cli/help.ts` swaps this in for Korean, and
 * its test fails when a declared option or argument has no line here.
 *
 * @module
 */

/** One command's help in Korean. */
export interface CommandHelp {
  /** The command's one-line description. */
  readonly description: string;
  /** Each argument's help, by its name (`host`). */
  readonly arguments: Readonly<Record<string, string>>;
  /** Each option's help, by its long flag (`--timeout`). */
  readonly options: Readonly<Record<string, string>>;
  /** Default values shown in words where the English shows words (`0: never`), by long flag. */
  readonly defaults: Readonly<Record<string, string>>;
  /** The text after the option list: examples and notes. */
  readonly after: string;
}

/** The words commander prints around the help, in Korean. */
export interface HelpWords {
  /** Section titles, by the English title commander passes (`Usage:`). */
  readonly titles: Readonly<Record<string, string>>;
  /** Usage placeholders, by the English (`[options]`). */
  readonly usage: Readonly<Record<string, string>>;
  readonly help: string;
  readonly helpCommand: string;
  readonly version: string;
  readonly choices: string;
  readonly default: string;
  readonly env: string;
}

/** The commands whose help is translated: the program itself and each subcommand. */
export type HelpCommand =
  "tcpecho" | "serve" | "client" | "ping" | "bench" | "merge" | "diagnose" | "explain";

const HOST_ARG = "서버 주소: HOST, HOST:PORT, [IPv6]:PORT, 또는 :PORT (기본값: 127.0.0.1)";
const PORT_ARG = "서버 포트, 주소에 포트가 없을 때 (기본값: 9000)";

/** Help of `-H` and `-p` of the commands that connect (`addAddressOptions`). */
const ADDRESS: Readonly<Record<string, string>> = {
  "--host": "서버 주소, 인자와 같은 형식으로 (HOST, HOST:PORT, …)",
  "--port": "서버 포트",
};

/** Help of the options every client-side command shares (`addConnectionOptions`). */
const CONNECTION: Readonly<Record<string, string>> = {
  "--tls": "서버와 TLS로 통신합니다 (예: tcpecho serve --tls-cert/--tls-key 로 띄운 서버)",
  "--tls-ca": "--tls 와 함께: 시스템의 CA 대신 이 CA나 자체 서명 인증서(PEM)를 신뢰합니다",
  "--tls-servername": "--tls 와 함께: 요청할(SNI) 이름이자 인증서를 검사할 이름",
  "--insecure": "--tls 와 함께: 서버 인증서를 검증하지 않습니다 (암호화는 되지만 상대를 확인하지 않음)",
  "--keepalive":
    "TCP keepalive: 이만큼 조용한 연결에 프로브를 보내고, 10번 응답이 없으면 끊습니다. 0이면 끕니다",
};

/** Every command's Korean help. */
export const helpKo: Readonly<Record<HelpCommand, CommandHelp>> = {
  tcpecho: {
    description: "TCP 에코 서버와 클라이언트: 소켓 프로그래밍 수업의 예제에서 믿고 쓸 수 있는 도구까지",
    arguments: {},
    options: {
      "--lang": "메시지 언어 (기본값: LC_ALL, LC_MESSAGES, LANG 중 하나, 없으면 시스템의 로캘)",
    },
    defaults: {},
    after: `
예:
  tcpecho serve                     0.0.0.0:9000 에서 에코 서버 실행
  tcpecho client                    다른 터미널에서 그 서버와 대화
  echo hi | tcpecho client --verify 바이트를 통과시키고 그대로 돌아오는지 검사
  tcpecho ping 127.0.0.1:9000 -c 3  번호 붙은 작은 프로브의 왕복 시간
  tcpecho bench 127.0.0.1:9000      부하: 초당 요청 수, MB/s, 지연 시간, 모든 바이트 검사
  tcpecho explain ECONNREFUSED      오류의 뜻, 이 시스템에서 확인하는 방법, 해결 방법`,
  },
  serve: {
    description: "에코 서버 실행: 클라이언트가 보낸 모든 바이트를 순서대로 돌려보냅니다",
    arguments: {},
    options: {
      "--host":
        "대기할 주소: 0.0.0.0 은 모든 IPv4 인터페이스, :: 는 IPv4와 IPv6, 127.0.0.1 은 이 컴퓨터만; 포트까지 HOST:PORT 로 주면 --port 도 정합니다",
      "--port": "대기할 포트 (0: 아무 빈 포트; 1024 미만은 root 권한 필요)",
      "--backlog": "접속 대기 큐의 길이 (listen 의 backlog; 커널이 SOMAXCONN 으로 제한)",
      "--ipv6-only": ":: 같은 IPv6 --host 와 함께: IPv6 클라이언트만 받습니다",
      "--drain-timeout": "SIGINT/SIGTERM 을 받았을 때 열린 연결이 마무리할 수 있는 시간",
      "--shutdown-delay":
        "SIGINT/SIGTERM 을 받으면 먼저 준비 안 됨(/readyz 503)으로 바꾸고 이만큼은 접속을 계속 받아, 로드 밸런서가 클라이언트를 그만 보내게 합니다. 그다음 열린 연결을 마무리합니다 (0: 바로 마무리)",
      "--quiet": "시작, 오류, 종료 요약만 출력합니다",
      "--log-format": "text: 교재의 출력 형식; json: 이벤트마다 한 줄에 JSON 객체 하나 (실패 포함)",
      "--data-lines": "받은 데이터 줄을 초당 최대 이만큼 출력 (0: 출력 안 함)",
      "--encoding":
        "받은 바이트를 데이터 줄, --trace, --ui 에서 utf-8 이나 cp949 (한국어 Windows, 교재의 Visual Studio 프로그램)로 읽어 보여 줍니다. 에코하는 바이트는 하나도 바꾸지 않습니다",
      "--max-connections": "동시에 최대 이만큼의 클라이언트만 서비스하고, 넘으면 거부 (0: 제한 없음)",
      "--max-per-ip": "한 주소에서 동시에 최대 이만큼의 클라이언트만 서비스 (0: 제한 없음)",
      "--idle-timeout": "클라이언트가 이만큼 아무것도 보내지 않으면 연결을 닫습니다 (0: 닫지 않음)",
      "--keepalive":
        "TCP keepalive: 이만큼 조용한 클라이언트에 프로브를 보내고, 1초 간격의 프로브에 10번 응답이 없으면 닫습니다 (이유 keepalive). 0이면 끕니다",
      "--allow": "이 범위의 클라이언트만 서비스 (여러 번 지정 가능; IPv4나 IPv6, 예: 10.0.0.0/8, ::1)",
      "--deny": "이 범위의 클라이언트를 거부 (여러 번 지정 가능; --deny 가 --allow 보다 우선)",
      "--metrics": "http://HOST:PORT/metrics 에서 Prometheus 메트릭을 제공 (/healthz, /readyz 포함)",
      "--ui":
        "http://HOST:PORT/ 에서 실시간 페이지를 제공합니다: 대기 소켓, 통신 소켓마다 그 TCP 상태, 한 연결의 소켓 호출을 일어나는 대로 보여 줍니다 (포트만 주면 127.0.0.1; --metrics 와 같은 주소면 그 리스너를 함께 씀; --workers 와는 함께 쓸 수 없음)",
      "--workers": "포트를 공유하는 프로세스 N개를 실행 (auto: CPU마다 하나)",
      "--proxy-protocol":
        "연결의 맨 앞에 HAProxy 의 PROXY 헤더를 기대합니다 (로드 밸런서 뒤): 그 헤더의 클라이언트 주소로 기록하고 제한하고 검사합니다",
      "--proxy-trusted":
        "이 범위의 상대만 PROXY 헤더를 보낼 수 있습니다 (여러 번 지정 가능); 다른 상대는 헤더 없이 직접 서비스하고, 그들이 보낸 헤더는 거부합니다",
      "--trace":
        "소켓 호출(소켓 생성, 바인드, listen, 연결 수락, 수신, 송신, 절반 닫기, 닫기)마다 그 디스크립터와 커널이 알려 주는 TCP 상태를 보여 줍니다",
      "--trace-lines":
        "추적 줄을 초당 최대 이만큼 출력 (줄마다 커널의 소켓 표를 읽으므로, 바쁜 서버에서는 표가 깁니다)",
      "--udp":
        "같은 포트에서 UDP 데이터그램도 에코합니다 (보낸 쪽마다 속도 제한; 7, 19 같은 서비스 포트로는 보내지 않음)",
      "--tls-cert": "TLS로 에코: 인증서 체인 (PEM); --tls-key 가 필요합니다",
      "--tls-key": "인증서의 개인 키 (PEM)",
      "--fault":
        "일부러 오동작합니다: KIND[=VALUE][@CIDR][%PERCENT], 예: delay=200ms, slice=1-3:50ms, reset-after=1KiB (여러 번 지정 가능; 종류: hold, reset-after, close-after, stall-after, corrupt, delay, slice, bandwidth, slow-close)",
      "--control":
        "실행 중에 장애를 바꿀 수 있게 합니다: --ui 나 --metrics 리스너에서 /faults 를 GET, PUT, DELETE (실시간 페이지의 장애 패널도)",
      "--control-token":
        "--control 과 함께: 요청에 Authorization: Bearer TOKEN 헤더를 요구합니다 (--ui 나 --metrics 가 루프백 밖에서 대기하면 필요)",
    },
    defaults: {},
    after: `
예:
  tcpecho serve                          강의 노트처럼 0.0.0.0:9000 에서 대기
  tcpecho serve -H 127.0.0.1 -p 9001     이 컴퓨터에서만, 포트 9001 (-H 127.0.0.1:9001 로도)
  tcpecho serve -H :: --quiet            IPv4와 IPv6, 클라이언트별 출력 없이
  tcpecho serve -H :: --ipv6-only --udp  IPv6 클라이언트만, TCP와 UDP로
  tcpecho serve --backlog 4096 --drain-timeout 30s --data-lines 0
                                         바쁜 서버: 더 긴 접속 대기 큐, 마무리에 30초, 데이터 줄 없음
  tcpecho serve --metrics 0.0.0.0:9100 --shutdown-delay 3s
                                         로드 밸런서 뒤에서: SIGTERM 뒤 3초 동안 /readyz 503, 그다음 마무리
  TCPECHO_PORT=7007 tcpecho serve        환경 변수로 포트 지정
  tcpecho serve --log-format json        이벤트마다 JSON 객체 하나 (로그 수집기용)
  tcpecho serve --proxy-protocol v2 --proxy-trusted 10.0.0.0/8
                                         HAProxy/nginx/AWS NLB 뒤에서: 실제 클라이언트를 기록
  tcpecho serve --workers auto --metrics 127.0.0.1:9100
                                         CPU마다 프로세스 하나; 모두의 메트릭을 :9100 에서
  tcpecho serve --tls-cert cert.pem --tls-key key.pem
                                         TLS로 에코 (확인: openssl s_client -connect 127.0.0.1:9000)
  tcpecho serve --lang ko                한국어 메시지 (LANG=ko_KR.UTF-8 로도)
  tcpecho serve --encoding cp949         한국어 Windows 의 Visual Studio 로 만든 클라이언트가 보낸 한글을 그대로 보여 주기
  tcpecho serve --max-connections 1000 --max-per-ip 10 --idle-timeout 5m
                                         한 클라이언트가 독차지할 수 없는 공개 서버
  tcpecho serve --allow 10.0.0.0/8 --deny 10.0.0.13
                                         10.x 네트워크만, 한 대는 빼고
  tcpecho serve -H 127.0.0.1 --trace --trace-lines 50
                                         소켓 호출마다 그 뒤에 커널이 알려 주는 TCP 상태
  tcpecho serve --fault slice=1-3:50ms   에코를 1~3바이트 조각으로 50ms 간격을 두고 보냄: TCP 에는 메시지 경계가 없음
  tcpecho serve --fault reset-after=100 --fault delay=200ms@10.0.0.0/8
                                         모든 클라이언트를 100바이트 뒤에 리셋; 10.x 클라이언트는 200ms 씩 늦춤
  tcpecho serve --metrics 127.0.0.1:9100 --control
                                         실행 중에 장애 바꾸기: curl -X PUT -d '{"faults":["delay=1s"]}' 127.0.0.1:9100/faults
  tcpecho serve --metrics 0.0.0.0:9100 --control --control-token "$TOKEN"
                                         다른 컴퓨터에서도, 이렇게: curl -H "Authorization: Bearer $TOKEN" …
  tcpecho serve -H 127.0.0.1 --ui 8080   실시간 페이지: 브라우저로 http://127.0.0.1:8080/ 을 열고, 클라이언트를 접속해 지켜보기
  tcpecho serve --ui 8080 --control --fault delay=200ms
                                         같은 페이지에서 장애 패널로 장애도 바꾸기
  tcpecho serve --keepalive 15s          말없이 사라진 클라이언트(호스트나 링크 장애)를 25초쯤 안에 닫기
  systemd-socket-activate -l 9000 tcpecho serve
                                         포트를 직접 열지 않고 systemd가 넘겨준 대기 소켓(LISTEN_FDS)에서 대기

다른 터미널에서 해 보세요: tcpecho client 127.0.0.1 9000`,
  },
  client: {
    description: "에코 서버에 접속: 터미널에서 줄을 입력하거나, 아무 바이트나 파이프로 통과시킵니다",
    arguments: { host: HOST_ARG, port: PORT_ARG },
    options: {
      ...ADDRESS,
      "--send": "이 텍스트를 한 번 보내고, 에코를 출력한 뒤 끝냅니다",
      "--interactive":
        "표준 입력이 파이프여도 대화 모드로 동작합니다 (입력하는 줄을 터미널이 직접 보여 주는 Git Bash 창(mintty) 같은 곳에서)",
      "--no-interactive":
        "파이프 입력을 데이터로만 다루고, Git Bash 창에서 표준 오류로 알리는 안내도 하지 않습니다",
      "--encoding":
        "대화에서 입력한 줄과 --send 의 글을 utf-8 이나 cp949 (한국어 Windows, 교재의 Visual Studio 프로그램)로 보내고, 받은 데이터도 그렇게 읽어 보여 줍니다. 파이프 입력에는 --interactive 와 함께만 쓸 수 있습니다",
      "--crlf": "보내는 줄마다 \\r\\n 을 붙입니다 (줄 단위로 받는 서버용)",
      "--lf": "보내는 줄마다 \\n 을 붙입니다",
      "--verify": "에코가 보낸 것과 같은지 검사합니다 (처음 다른 곳에서 종료 코드 1)",
      "--no-shutdown":
        "파이프 입력: 입력이 끝나면 먼저 절반 닫기(FIN)를 하지 않고, 에코가 모두 돌아온 뒤 닫습니다 (ncat --exec 처럼 FIN 뒤의 데이터를 버리는 서버용)",
      "--trace":
        "소켓 호출(connect, 송신, 수신, 절반 닫기, 닫기)마다 그 뒤에 커널이 알려 주는 TCP 상태를 표준 오류로 보여 줍니다",
      "--timeout": "접속이나 에코 대기가 이보다 오래 걸리면 포기합니다; 0: 제한 없음",
      ...CONNECTION,
    },
    defaults: {},
    after: `
예:
  tcpecho client                              127.0.0.1:9000, 교재의 대화
  tcpecho client 192.168.0.10 7               다른 컴퓨터의 에코 서비스 (포트 7)
  tcpecho client [::1]:9000 --send hello      메시지 하나, 그 에코를 표준 출력으로
  tar c src | tcpecho client --verify > /dev/null
                                              바이트를 흘려보내고 하나하나 검사
  tcpecho client localhost --tls --tls-ca cert.pem
                                              TLS로, 그 (자체 서명) 인증서를 신뢰하며
  tcpecho client --lang ko                    한국어 메시지
  tcpecho client --encoding cp949             한국어 Windows 의 Visual Studio 로 만든 교재 서버와 한글로 대화
  tcpecho client --send hello --trace         에코 한 번 뒤의 소켓 호출과 TCP 상태

터미널에서는 빈 줄(또는 Ctrl-D)로 연결을 정상적으로 닫습니다. 서버가 먼저 닫으면
(예: 유휴 시간 초과) 클라이언트가 그렇다고 알리고 0으로 끝나며, 리셋되면 1로 끝납니다.
Ctrl-C 는 에코를 기다리는 중에도 언제든 클라이언트를 바로 끝냅니다 (종료 코드 130).`,
  },
  ping: {
    description: "TCP ping: 간격마다 번호 붙은 프로브의 에코 시간, 그리고 손실과 왕복 시간 통계",
    arguments: { host: HOST_ARG, port: PORT_ARG },
    options: {
      ...ADDRESS,
      "--count": "프로브 n개 뒤에 멈춥니다 (기본값: Ctrl-C 까지)",
      "--interval": "프로브 사이의 시간; 단위 없는 숫자는 초 (ping -i 0.2 처럼)",
      "--timeout":
        "프로브가 이보다 오래 걸리면 손실로 셉니다; 0: 제한 없이 모든 에코를 기다림 (기본값: 간격, 최소 1s)",
      "--size": "프로브 크기 (바이트), 16부터 65535까지",
      "--connect-only": "에코 대신 프로브마다 새 TCP 핸드셰이크의 시간을 잽니다 (에코하지 않는 서비스용)",
      "--json": "프로브마다 JSON 객체 하나, 마지막 줄에 통계를 JSON 객체 하나로",
      ...CONNECTION,
    },
    defaults: {},
    after: `
예:
  tcpecho ping                              127.0.0.1:9000 에 1초마다 프로브, Ctrl-C 까지
  tcpecho ping 127.0.0.1:9000 -c 3 -i 0.2   200ms 간격으로 프로브 3개, 그리고 통계
  tcpecho ping 192.168.0.10 7 -W 500ms      다른 컴퓨터의 에코 서비스; 500ms 가 지나면 손실
  tcpecho ping example.com 443 --connect-only -c 5
                                            에코하지 않는 서비스까지의 TCP 핸드셰이크 시간
  tcpecho ping localhost --tls --tls-ca cert.pem -c 3
                                            TLS 세션 하나로 에코 (핸드셰이크 시간은 빼고)
  tcpecho ping localhost --tls --insecure --connect-only -c 3
                                            TCP와 TLS 핸드셰이크 시간을 따로
  tcpecho ping ::1 -c 10 --json | tail -n 1 스크립트용 통계, JSON 객체 하나
  tcpecho ping 127.0.0.1 --lang ko          한국어 메시지

프로브가 하나라도 돌아오면 종료 코드 0, 하나도 돌아오지 않거나(100% 손실) TLS가
실패하면(신뢰할 수 없는 인증서, TLS를 쓰지 않는 서버) 1입니다.`,
  },
  bench: {
    description: "모든 에코 서버용 부하 생성기: 요청 속도, 처리량, 지연 시간, 그리고 돌아온 모든 바이트 검사",
    arguments: {
      targets:
        "각 서버의 주소, client 와 같은 형식이나 HOST PORT; 여럿이면 A B A B … 차례로 돌려 비교합니다 (기본값: 127.0.0.1:9000)",
    },
    options: {
      ...ADDRESS,
      "--connections": "연결 수",
      "--size": "메시지 크기; --stream 이면 한 번에 쓰는 크기 (기본값: 512, --stream 이면 65536)",
      "--pipeline": "연결마다 동시에 보내 둔 메시지 수",
      "--duration": "측정할 시간",
      "--count": "시간 대신 메시지를 이만큼 완료합니다 (-d 와 함께 쓸 수 없음)",
      "--rate":
        "이 요청 속도를 유지합니다 (모든 연결 합계, 최대 1000000000); 지연 시간은 각 메시지를 보냈어야 할 때부터 잽니다",
      "--stream": "포화: 연결마다 계속 쓰고 에코를 읽어 들입니다 (MB/s)",
      "--threads": "부하를 만드는 작업 스레드 수",
      "--warmup": "측정 전의 측정하지 않는 시간",
      "--timeout": "접속 제한 시간; --tls 면 핸드셰이크 포함; 0: 제한 없음",
      "--rounds": "대상이 여럿일 때: A B A B … 의 라운드 수",
      "--json": "마지막 줄에 JSON 객체 하나를 출력합니다 (시간은 ms, 지연 시간 히스토그램 포함)",
      "--hgrm": "지연 시간 백분위 분포를 HdrHistogram의 .hgrm 형식으로 FILE에 씁니다 (ms); 대상 하나",
      "--plot": "지연 시간 백분위 곡선을 FILE.svg 나 FILE.png 로 그립니다",
      ...CONNECTION,
    },
    defaults: {},
    after: `
예:
  tcpecho bench 127.0.0.1:9000                        연결 50개, 512바이트 핑퐁, 10초
  tcpecho bench :9000 -c 1000 -s 64 -d 5s             많은 연결, 작은 메시지
  tcpecho bench 127.0.0.1:9000 --pipeline 16 -s 64    연결마다 메시지 16개를 동시에
  tcpecho bench 127.0.0.1:9000 --rate 20000 -c 20     고정 속도; 지연 시간에 대기 시간 포함
  tcpecho bench 127.0.0.1:9000 --stream -c 4          64KiB 스트림의 처리량
  tcpecho bench 127.0.0.1:9000 127.0.0.1:9001 -d 3s   A B A B A B, 첫 대상에 대한 비율로 보고
  tcpecho bench localhost:9000 --tls --tls-ca cert.pem TLS로, 그 인증서를 신뢰하며
  tcpecho bench :9000 :9001 --plot latency.svg        두 대상의 지연 시간 곡선을 한 그래프에
  tcpecho bench 10.0.0.5:9000 --json > a.json         부하를 거는 컴퓨터마다 돌린 뒤:
  tcpecho bench merge a.json b.json                   보고서 하나로: 수와 속도는 합치고, 백분위는 합친 히스토그램에서

돌아온 모든 바이트를 검사합니다. 손상되거나 빠지거나 남는 바이트가 있으면 종료 코드 1입니다.
Ctrl-C 를 누르면 그때까지 잰 보고서를 출력하고 종료 코드 130으로 끝납니다.`,
  },
  merge: {
    description:
      "여러 컴퓨터의 bench --json 출력을 보고서 하나로: 수와 속도는 더하고, 백분위는 합친 히스토그램에서 구합니다",
    arguments: {
      files: "tcpecho bench --json 의 출력 (파일마다 마지막 JSON 줄; - 는 표준 입력)",
    },
    options: {
      "--json": "합친 보고서를 JSON 객체 하나로 출력합니다 (bench --json 과 같은 모양, 히스토그램 포함)",
      "--hgrm": "합친 백분위 분포를 HdrHistogram의 .hgrm 형식으로 FILE에 씁니다 (ms)",
      "--plot": "파일마다의 지연 시간 곡선과 합친 곡선을 FILE.svg 나 FILE.png 로 그립니다",
    },
    defaults: {},
    after: `
예:
  tcpecho bench merge a.json b.json               합친 보고서
  tcpecho bench merge a.json b.json --json        같은 내용을 JSON 한 줄로 (다시 합칠 수 있음)
  tcpecho bench merge *.json --hgrm all.hgrm      그리고 HdrHistogram 플로터용 백분위 분포
  tcpecho bench merge a.json b.json --plot all.svg 컴퓨터마다의 지연 시간 곡선과 합친 곡선
  ssh load2 tcpecho bench HOST --json | tcpecho bench merge a.json -

초당 요청 수와 MB/s 는 각 보고서의 속도를 더한 값입니다 (여러 컴퓨터에서 동시에 건 부하);
표시하는 시간은 가장 긴 것입니다.`,
  },
  diagnose: {
    description: "내 패킷은 어디로 가는가? 커널이 고르는 경로, 주소와 포트의 범위, 그리고 에코 프로브",
    arguments: { host: HOST_ARG, port: PORT_ARG },
    options: {
      ...ADDRESS,
      "--no-connect": "이름 풀이와 경로만 보고, 접속하지 않습니다",
      "--timeout": "접속과 에코에 각각 허용하는 시간; 0: 제한 없음",
      "--json": "마지막 줄에 보고서를 JSON 객체 하나로",
    },
    defaults: {},
    after: `
예:
  tcpecho diagnose 127.0.0.1              루프백: 이 컴퓨터 밖으로 나가지 않음
  tcpecho diagnose 192.168.0.10 7         같은 서브넷의 이웃: 서브넷 마스크 계산, 게이트웨이 없음
  tcpecho diagnose example.com 80 --no-connect
                                          모든 주소와, 각각이 거쳐 가는 게이트웨이
  tcpecho diagnose localhost --json | tail -n 1

프로브가 에코되면(--no-connect 이면 이름을 풀었으면) 종료 코드 0, 아니면 1입니다.`,
  },
  explain: {
    description:
      "오류 코드의 뜻, 이 시스템에서 확인하는 방법, 해결 방법: errno(ECONNREFUSED), Winsock(WSAECONNREFUSED, 10061), Node(ENOTFOUND), tcpecho 의 코드",
    arguments: {
      code: "코드, 대소문자 무관: ECONNREFUSED, WSAECONNREFUSED, 10061, ERR_TLS_CERT_ALTNAME_INVALID, …",
    },
    options: {
      "--os": "다른 시스템 기준으로 설명: linux, darwin (macOS), win32 (Windows)",
      "--list": "설명하는 코드와 아는 Winsock 오류를 모두 나열합니다",
    },
    defaults: { "--os": "이 시스템" },
    after: `
예:
  tcpecho explain ECONNREFUSED            원인, 여기서 확인하는 명령, 해결 방법
  tcpecho explain 10061                   Windows 의 C 프로그램이 출력하는 Winsock 번호 (WSAGetLastError())
  tcpecho explain EACCES --os win32       같은 오류를 Windows 기준으로
  tcpecho explain --list

종료 코드는 0, 모르는 코드면 2입니다.`,
  },
};

/** Commander's own words, in Korean. */
export const helpWordsKo: HelpWords = {
  titles: {
    "Usage:": "사용법:",
    "Options:": "옵션:",
    "Arguments:": "인자:",
    "Commands:": "명령:",
    "Global Options:": "공통 옵션:",
  },
  usage: { "[options]": "[옵션]", "[command]": "[명령]" },
  help: "명령의 도움말을 보여 줍니다",
  helpCommand: "명령의 도움말을 보여 줍니다",
  version: "버전 번호를 출력합니다",
  choices: "선택",
  default: "기본값",
  env: "환경 변수",
};
