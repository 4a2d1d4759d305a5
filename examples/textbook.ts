/**
 * What the four examples share, so each of them shows only its socket calls:
 * the command line (`--host`, `--port`, `--lang`) and the textbook's log
 * lines in English and Korean (the same words `tcpecho serve` and `client` use).
 *
 * @module
 */

import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

/** The textbook's port; `--port` or TCPECHO_PORT changes it. */
export const SERVERPORT = 9000;

/** The textbook's lines in one language. */
export interface Lines {
  connected(ip: string, port: number): string;
  data(ip: string, port: number, text: string): string;
  disconnected(ip: string, port: number): string;
  prompt: string;
  sent(n: number): string;
  received(n: number): string;
  receivedData(text: string): string;
}

const en: Lines = {
  connected: (ip, port) => `[TCP server] client connected: IP address=${ip}, port=${port}`,
  data: (ip, port, text) => `[TCP/${ip}:${port}] ${text}`,
  disconnected: (ip, port) => `[TCP server] client disconnected: IP address=${ip}, port=${port}`,
  prompt: "[send] ",
  sent: (n) => `[TCP client] sent ${n === 1 ? "1 byte" : `${n} bytes`}.`,
  received: (n) => `[TCP client] received ${n === 1 ? "1 byte" : `${n} bytes`}.`,
  receivedData: (text) => `[received data] ${text}`,
};

const ko: Lines = {
  connected: (ip, port) => `[TCP 서버] 클라이언트 접속: IP 주소=${ip}, 포트 번호=${port}`,
  data: (ip, port, text) => `[TCP/${ip}:${port}] ${text}`,
  disconnected: (ip, port) => `[TCP 서버] 클라이언트 종료: IP 주소=${ip}, 포트 번호=${port}`,
  prompt: "[보낼 데이터] ",
  sent: (n) => `[TCP 클라이언트] ${n}바이트를 보냈습니다.`,
  received: (n) => `[TCP 클라이언트] ${n}바이트를 받았습니다.`,
  receivedData: (text) => `[받은 데이터] ${text}`,
};

/** The textbook's lines by language. */
export const LINES = { en, ko } as const;

/** What the command line asked for. */
export interface Options {
  host: string;
  port: number;
  lines: Lines;
}

/**
 * Reads `--host`, `--port` (or TCPECHO_HOST, TCPECHO_PORT) and `--lang en|ko`
 * (default: Korean when LC_ALL, LC_MESSAGES or LANG starts with `ko`, else
 * English). Bad input: one line on standard error and exit code 2.
 */
export function options(defaultHost: string): Options {
  try {
    const { values } = parseArgs({
      options: { host: { type: "string" }, port: { type: "string" }, lang: { type: "string" } },
    });
    const locale = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || "";
    const lang = values.lang ?? (locale.startsWith("ko") ? "ko" : "en");
    if (lang !== "en" && lang !== "ko") throw new Error(`--lang must be en or ko, not "${lang}"`);
    const portText = values.port ?? process.env.TCPECHO_PORT ?? String(SERVERPORT);
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
      throw new Error(`the port must be a number from 0 to 65535, not "${portText}"`);
    }
    const host = values.host ?? process.env.TCPECHO_HOST ?? defaultHost;
    return { host, port: Number(portText), lines: LINES[lang] };
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}

/**
 * The textbook's `fgets(buf, BUFSIZE + 1, stdin)` loop: yields each line
 * typed after the prompt, without its newline, until an empty line or the
 * end of input. When standard input is a pipe, it also prints the line after
 * the prompt, so the output reads like the dialogue on a terminal.
 */
export async function* inputLines(prompt: string): AsyncGenerator<string> {
  const terminal = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal, prompt });
  const lines = rl[Symbol.asyncIterator]();
  try {
    while (true) {
      rl.prompt();
      const next = await lines.next();
      if (next.done) return void process.stdout.write("\n"); // end of input: end the prompt's line
      if (!terminal) process.stdout.write(`${next.value}\n`);
      if (next.value === "") return; // if(strlen(buf) == 0) break;
      yield next.value;
    }
  } finally {
    rl.close();
  }
}
