/**
 * What `tcpecho client` says, in English and Korean. The Korean lines keep
 * the textbook's wording (`[TCP 클라이언트] 5바이트를 보냈습니다.`).
 *
 * @module
 */

import type { Lang } from "./lang.js";
import { units } from "./units.js";

/** One language's client lines. */
export interface ClientMessages {
  clientTag: string;
  prompt: string;
  receivedDataTag: string;
  /** `tls` names the protocol version (`TLSv1.3`) when the connection is encrypted. */
  clientConnected(endpoint: string, tls?: string): string;
  sentBytes(n: number): string;
  receivedBytes(n: number): string;
  /** A typed line with characters the encoding (CP949) has no code for (`chars`, described): nothing was sent. */
  notSentUnencodable(chars: string): string;
  clientClosed: string;
  /** The server ended the connection while the terminal client waited at the prompt. */
  serverClosedConnection(endpoint: string): string;
  /** Piped: the server ended the connection before a byte of input had been sent to it. */
  serverClosedBeforeSending(endpoint: string): string;
  /** Ctrl-C (SIGINT) ended the client; `connected`: a connection was made, and is now closed. */
  clientInterrupted(connected: boolean): string;
  /** Said once on standard error when --insecure turns certificate checks off. */
  tlsInsecure: string;
  /** Said once on standard error when the piped input may be a person typing in Git Bash's window. */
  pipedInMintty: string;
  verified(n: number): string;
}

const en: ClientMessages = {
  clientTag: "[TCP client]",
  prompt: "[send] ",
  receivedDataTag: "[received data]",
  clientConnected: (ep, tls) =>
    `[TCP client] connected to ${ep}${tls ? ` (${tls})` : ""}; type a line to send, an empty line to quit`,
  sentBytes: (n) => `[TCP client] sent ${units.en.bytes(n)}.`,
  receivedBytes: (n) => `[TCP client] received ${units.en.bytes(n)}.`,
  notSentUnencodable: (chars) =>
    `[TCP client] not sent: CP949 has no code for ${chars}; type the line without it.`,
  clientClosed: "[TCP client] connection closed.",
  serverClosedConnection: (ep) => `[TCP client] the server (${ep}) closed the connection.`,
  serverClosedBeforeSending: (ep) =>
    `[TCP client] the server (${ep}) closed the connection before anything was sent to it`,
  clientInterrupted: (connected) =>
    connected
      ? "[TCP client] interrupted (Ctrl-C); connection closed."
      : "[TCP client] interrupted (Ctrl-C) before the connection was made.",
  tlsInsecure:
    "[TCP client] --insecure: the server's certificate is not checked; the connection is encrypted, but anyone could be at the other end",
  pipedInMintty:
    "[TCP client] standard input is a pipe, so its bytes go through as they are (no prompt). Typing in Git Bash's window (mintty)? Add --interactive, or run: winpty tcpecho client",
  verified: (n) => `[TCP client] verified: all ${units.en.bytes(n)} came back exactly as sent`,
};

const ko: ClientMessages = {
  clientTag: "[TCP 클라이언트]",
  prompt: "[보낼 데이터] ",
  receivedDataTag: "[받은 데이터]",
  clientConnected: (ep, tls) =>
    `[TCP 클라이언트] ${ep} 에 접속했습니다${tls ? ` (${tls})` : ""}. 보낼 줄을 입력하세요 (빈 줄이면 종료)`,
  sentBytes: (n) => `[TCP 클라이언트] ${n}바이트를 보냈습니다.`,
  receivedBytes: (n) => `[TCP 클라이언트] ${n}바이트를 받았습니다.`,
  notSentUnencodable: (chars) =>
    `[TCP 클라이언트] 보내지 않았습니다: CP949에 없는 글자가 있습니다 (${chars}). 그 글자를 빼고 다시 입력하세요.`,
  clientClosed: "[TCP 클라이언트] 연결을 닫았습니다.",
  serverClosedConnection: (ep) => `[TCP 클라이언트] 서버(${ep})가 연결을 닫았습니다.`,
  serverClosedBeforeSending: (ep) =>
    `[TCP 클라이언트] 아직 아무것도 보내지 않았는데 서버(${ep})가 연결을 닫았습니다`,
  clientInterrupted: (connected) =>
    connected
      ? "[TCP 클라이언트] 중단했습니다(Ctrl-C). 연결을 닫았습니다."
      : "[TCP 클라이언트] 접속하기 전에 중단했습니다(Ctrl-C).",
  tlsInsecure:
    "[TCP 클라이언트] --insecure: 서버 인증서를 확인하지 않습니다. 연결은 암호화되지만 상대가 누구인지는 보장되지 않습니다",
  pipedInMintty:
    "[TCP 클라이언트] 표준 입력이 파이프라서 받은 바이트를 그대로 통과시킵니다 (프롬프트 없음). Git Bash 창(mintty)에서 직접 입력하려면 --interactive 를 붙이거나 winpty tcpecho client 로 실행하세요",
  verified: (n) => `[TCP 클라이언트] 확인: ${n}바이트가 보낸 그대로 돌아왔습니다`,
};

/**
 * The client lines by language.
 *
 * @example
 * ```ts
 * import { clientMessages } from "./client.js";
 * clientMessages.ko.sentBytes(5); // "[TCP 클라이언트] 5바이트를 보냈습니다."
 * ```
 */
export const clientMessages: Readonly<Record<Lang, ClientMessages>> = { en, ko };
