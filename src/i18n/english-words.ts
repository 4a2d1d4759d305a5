/**
 * Finds English left inside Korean text, for the tests of the Korean
 * catalogues and help. What may stay in Korean sentences: flags (`--timeout`),
 * placeholders (`<n>`, `[host]`), paths and URLs, numbers with units (`500ms`),
 * acronyms and protocol names in capitals (TLS, PROXY, TCP, SOMAXCONN), calls
 * (`bind()`), faults as the server takes them (`delay=200ms`, `slice=1-3`),
 * the commands of {@link COMMANDS}, and the names of commands,
 * programs, socket calls and settings listed in {@link ALLOWED}.
 *
 * @module
 */

/** Lower-case words that are names, not English, and may appear in Korean text. */
export const ALLOWED: ReadonlySet<string> = new Set([
  // tcpecho's commands, and values a person types
  "tcpecho",
  "serve",
  "server",
  "client",
  "connect",
  "ping",
  "bench",
  "diagnose",
  "explain",
  "merge",
  "help",
  "text",
  "json",
  "auto",
  "any",
  "localhost",
  "keepalive",
  "backlog",
  "hello",
  "utf",
  // the notes' socket calls, named as they are written
  "socket",
  "bind",
  "listen",
  "accept",
  "recv",
  "recvn",
  "send",
  "fd",
  "shutdown",
  "close",
  // other programs, systems and products named as such
  "ncat",
  "curl",
  "openssl",
  "ulimit",
  "ss",
  "pid",
  "seq",
  "root",
  "sysctl",
  "iconv",
  "systemd",
  "nginx",
  "haproxy",
  "prometheus",
  "ipv4",
  "ipv6",
  "linux",
  "windows",
  "visual",
  "studio",
  "node",
  "libuv",
  "git",
  "bash",
  "mintty",
  "winpty",
  "lo",
  // the systems' own names, error names and commands, as `explain` and the errors name them
  "errno",
  "winsock",
  "microsoft",
  "defender",
  "hyper",
  "docker",
  "macos",
  "darwin",
  "sudo",
  "lsof",
  "netstat",
  "findstr",
  "tasklist",
  "netsh",
  "nslookup",
  "getent",
  "dscacheutil",
  "ifconfig",
  "ipconfig",
  "setcap",
  "nft",
  "grep",
  "powershell",
  // HTTP's own words, as a request writes them (Authorization: Bearer TOKEN)
  "authorization",
  "bearer",
  // units and number words
  "ms",
  "ns",
  "kib",
  "mib",
]);

/** Commands of several words that a sentence names as they are typed. */
export const COMMANDS: readonly string[] = [
  "ip route get",
  "route -n get",
  "netsh int ipv4 show excludedportrange protocol=tcp",
  "netsh int ipv4 show dynamicport tcp",
  "netsh advfirewall show allprofiles state",
  "netstat -ano",
  "netstat -an -p tcp",
  "route print",
  "Find-NetRoute",
  "Get-NetTCPConnection",
];

/**
 * The English words left in `text` once names, flags, units, placeholders and
 * capitals are taken out; empty when the text is clean.
 *
 * @example
 * ```ts
 * import { englishWords } from "./english-words.js";
 * englishWords("--timeout 에는 500ms, 10s 같은 시간을 주세요 (받은 값: '5x')"); // []
 * englishWords("a PROXY header from a peer outside --proxy-trusted"); // ["header", "from", "peer", "outside"]
 * ```
 */
export function englishWords(text: string): string[] {
  let stripped = text;
  for (const command of COMMANDS) stripped = stripped.split(command).join(" ");
  stripped = stripped
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\b[A-Za-z]:\\\S*/g, " ") // Windows paths: C:\Windows\System32\drivers\etc\services
    .replace(/\b[A-Za-z_][\w.]*\(\)/g, " ") // calls: bind(), server.listen()
    .replace(/'[^']*'/g, " ") // a value quoted back as the person gave it
    .replace(/"[^"]*"/g, " ")
    .replace(/(^|[^\w-])-{1,2}[A-Za-z][\w-]*(=\S*)?/g, "$1 ") // flags
    .replace(/<[^>]*>|\[[^\]]*\]/g, " ") // placeholders
    .replace(/\S*[/.]\S*[/.]?\S*/g, (s) => (/[/]|\.\w/.test(s) ? " " : s)) // paths, file and host names
    .replace(/\b[A-Z][A-Z0-9_]+\b/g, " ") // acronyms and variables: TLS, SOMAXCONN, LC_ALL
    .replace(/\bCtrl-\w\b/g, " ")
    .replace(/\b[A-Z][A-Za-z]*=[^\s)]*/g, " ") // a unit file's settings: Accept=yes, LimitNOFILE=65536
    // faults, by kind, as typed: delay=200ms, slice=1-3, reset-after=0
    .replace(
      /\b(hold|reset-after|close-after|stall-after|corrupt|delay|slice|bandwidth|slow-close)(=[^\s,)]*)?/g,
      " ",
    )
    .replace(/\\[rnt]/g, " ") // escapes: \r\n
    .replace(/\b\d+(\.\d+)?[a-zA-Z]+\b/g, " "); // 500ms, 10s, 2m, 16KiB, ipv6 handled below
  // Words with an underscore or a digit are identifiers (s_client, eth0); single letters are placeholders (N, A B A B).
  const words = stripped.match(/[A-Za-z][\w']*/g) ?? [];
  return words.filter(
    (w) =>
      w.length > 1 && !/[_0-9]/.test(w) && !ALLOWED.has(w.toLowerCase()) && !/^[A-Z][A-Za-z]*[A-Z]/.test(w),
  );
}
