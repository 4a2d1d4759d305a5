/**
 * `tcpecho client`: on a terminal, the textbook's dialogue (prompt, send a
 * line, read back exactly as many bytes, report both); piped, a binary-safe
 * stream through the server; with `--send`, one message and its echo. Over
 * TLS with `--tls`.
 *
 * Exit codes: 0 when the user ended the session, or the server closed the
 * connection cleanly (FIN) while the dialogue waited at the prompt; 1 when
 * the connection failed or was reset, or an echo did not come back whole;
 * 130 on Ctrl-C (SIGINT), which ends the client at any moment.
 *
 * @module
 */

import { fstatSync } from "node:fs";
import { createInterface, type Interface } from "node:readline";
import type { TLSSocket } from "node:tls";
import type { ReadStream } from "node:tty";
import { Option, type Command } from "commander";
import { connect, type EchoClient } from "../client/connect.js";
import { speaksTls, speaksTlsTimeout } from "../client/speaks-tls.js";
import { streamEcho } from "../client/stream-echo.js";
import { looksLikeTlsRecord } from "../net/client-tls.js";
import { EchoError, toEchoError } from "../net/echo-error.js";
import { formatEndpoint } from "../net/endpoint.js";
import { destinationCommand, onDestination, type AddressCliOptions } from "./address-options.js";
import {
  addConnectionOptions,
  connectionFromCli,
  withCaFile,
  type ConnectionCliOptions,
} from "./connection-options.js";
import { DEFAULT_TEXT_ENCODING, parseDuration, parseTextEncoding } from "../net/options.js";
import { decodeCp949, encodeCp949, type TextEncoding } from "../net/text-encoding.js";
import { printable } from "./printable.js";
import { ReportedFailure } from "./reported-failure.js";
import { openTerminal, TypedLines, type Terminal } from "./terminal.js";
import { textTrace, traceClient, type ClientTrace } from "./trace.js";

interface ClientOptions extends ConnectionCliOptions, AddressCliOptions {
  send?: string;
  interactive?: boolean;
  crlf?: boolean;
  lf?: boolean;
  verify?: boolean;
  shutdown: boolean;
  timeout: number;
  lang?: string;
  trace?: boolean;
  encoding: TextEncoding;
}

/** Where a connection, or an echo, is given up when the user does not say (`--timeout`), in ms. */
const DEFAULT_CLIENT_TIMEOUT = 10_000;

/** Adds `client` (alias `connect`) to the program. */
export function registerClient(program: Command): void {
  const cmd = destinationCommand(
    program,
    "client",
    "connect to an echo server: type lines on a terminal, or pipe any bytes through it",
  ).alias("connect");
  addClientOptions(cmd);
  addConnectionOptions(cmd).addHelpText("after", CLIENT_EXAMPLES);
  onDestination<ClientOptions>(cmd, async ({ host, port }, opts) => {
    if (opts.crlf && opts.lf)
      throw new EchoError("ERR_INVALID_OPTION", {
        value: "--crlf --lf",
        reason: { kind: "crlf-and-lf" },
      });
    if (opts.send !== undefined && opts.interactive === true)
      throw new EchoError("ERR_INVALID_OPTION", {
        value: "--send --interactive",
        reason: { kind: "send-and-interactive" },
      });
    await runClient(host, port, opts);
  });
}

function addClientOptions(cmd: Command): void {
  cmd
    .option("--send <text>", "send this text once, print the echo, and exit")
    .option(
      "--interactive",
      "the dialogue even when standard input is a pipe, as in Git Bash's own window (mintty), where the terminal shows what is typed",
    )
    .option(
      "--no-interactive",
      "piped input is data, without the note Git Bash's window gets on standard error",
    )
    .addOption(
      new Option(
        "--encoding <name>",
        "send the dialogue's lines and --send's text as utf-8 or cp949 (Korean Windows, the textbook's Visual Studio program), and show what comes back read that way; piped bytes go through unchanged, so cp949 is refused with piped input unless --interactive",
      )
        .default(DEFAULT_TEXT_ENCODING)
        .argParser((v) => parseTextEncoding(v, "--encoding")),
    )
    .option("--crlf", "end each line sent with \\r\\n (for servers that want whole lines)")
    .option("--lf", "end each line sent with \\n")
    .option("--verify", "check that the echo equals what was sent (exit 1 at the first difference)")
    .option(
      "--no-shutdown",
      "piped: at end of input, wait for the whole echo before closing instead of half-closing first (for servers such as ncat --exec that drop data after a FIN)",
    )
    .option(
      "--trace",
      "show each socket call (connect, send, recv, shutdown, close) and the TCP state the kernel reports after it, on standard error",
    )
    .addOption(
      new Option(
        "-t, --timeout <duration>",
        "give up when connecting, or waiting for an echo, takes longer; 0: no timeout",
      )
        .default(DEFAULT_CLIENT_TIMEOUT, `${DEFAULT_CLIENT_TIMEOUT / 1000}s`)
        .argParser((v) => parseDuration(v, "--timeout")),
    );
}

const CLIENT_EXAMPLES = `
Examples:
  tcpecho client                              127.0.0.1:9000, the textbook dialogue
  tcpecho client 192.168.0.10 7               another machine's echo service (port 7)
  tcpecho client [::1]:9000 --send hello      one message, its echo on standard output
  tar c src | tcpecho client --verify > /dev/null
                                              stream bytes through and check every one
  tcpecho client localhost --tls --tls-ca cert.pem
                                              over TLS, trusting that (self-signed) certificate
  tcpecho client --lang ko                    Korean messages
  tcpecho client --encoding cp949             talk in Korean with the textbook's server built with Visual Studio on Korean Windows
  tcpecho client --send hello --trace         the socket calls and TCP states behind one echo

On a terminal an empty line (or Ctrl-D) closes the connection politely. When the
server closes it first (say, its idle timeout), the client says so and exits 0;
a reset exits 1. Ctrl-C ends the client at any moment, even while it waits for an
echo: exit 130.`;

/** What one run of the client shares: how it speaks, where it traces, and Ctrl-C. */
interface Session {
  t: Terminal;
  trace: ClientTrace | undefined;
  /** Aborted by Ctrl-C (SIGINT): whatever is under way stops. */
  signal: AbortSignal;
  /** Ctrl-C as a key (the dialogue reads the terminal in raw mode, where it is no signal). */
  interrupt: () => void;
  /** Echoes that came back whole (--send and the dialogue). */
  echoes: number;
  /** How typed text is sent and echoes are shown (`--encoding`). */
  encoding: TextEncoding;
  /** `--send`'s text (with its line ending) in that encoding. */
  send: Buffer | undefined;
}

async function runClient(host: string, port: number, opts: ClientOptions): Promise<void> {
  const t = openTerminal(opts.lang);
  const ending = opts.crlf ? "\r\n" : opts.lf ? "\n" : "";
  const connection = connectionFromCli(opts, t);
  const trace = opts.trace ? traceClient(textTrace(t.note, t.lang), t.lang, opts.encoding) : undefined;
  const onTerminal = opts.send === undefined && (process.stdin.isTTY === true || opts.interactive === true);
  // Checked before connecting: a usage error is said without touching the network (and alone, in one line).
  if (opts.encoding !== "utf-8" && opts.send === undefined && !onTerminal)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: opts.encoding,
      option: "--encoding",
      expect: "encoding-piped",
    });
  if (opts.send === undefined && opts.interactive === undefined && typingIntoPipe())
    t.note(t.messages.pipedInMintty);
  const send = opts.send === undefined ? undefined : sendBytes(opts.send + ending, opts.encoding);
  const abort = new AbortController();
  let client: EchoClient | undefined;
  // In raw mode the terminal does not show ^C itself: then we do.
  let showCtrlC = false;
  const interrupt = () => {
    if (abort.signal.aborted) return;
    showCtrlC = process.stdin.isTTY === true && process.stdin.isRaw;
    abort.abort();
    client?.destroy();
  };
  process.on("SIGINT", interrupt);
  const s: Session = { t, trace, signal: abort.signal, interrupt, echoes: 0, encoding: opts.encoding, send };
  try {
    try {
      client = await connect({
        host,
        port,
        ...connection,
        timeout: opts.timeout,
        signal: abort.signal,
        ...(trace !== undefined ? { onSocket: trace.onSocket } : {}),
      });
    } catch (err) {
      trace?.connectFailed(toEchoError(err, { host, port, operation: "connect" }));
      if (!abort.signal.aborted) throw withCaFile(err, opts);
    }
    if (client !== undefined) await converse(s, client, ending, onTerminal, opts);
  } finally {
    process.off("SIGINT", interrupt);
    await trace?.drained();
  }
  if (abort.signal.aborted) sayInterrupted(t, client !== undefined, onTerminal, showCtrlC);
}

/** Ctrl-C's closing line, on a line of its own; exit 130 as a shell's. */
function sayInterrupted(t: Terminal, connected: boolean, onTerminal: boolean, showCtrlC: boolean): void {
  const stream = onTerminal ? process.stdout : process.stderr;
  // Off the line Ctrl-C was typed on: the prompt's, or the terminal's own ^C.
  // A dialogue over a pipe (--interactive) is a person's terminal all the same.
  if (stream.isTTY || (onTerminal && process.stdin.isTTY !== true)) stream.write(showCtrlC ? "^C\n" : "\n");
  const line = t.messages.clientInterrupted(connected);
  if (onTerminal) t.out(t.dim(line));
  else t.note(line);
  process.exitCode = 130;
}

/**
 * Talks with the server as asked, then closes: politely (our FIN, then the
 * server's) when all went well, at once when it failed or Ctrl-C came.
 */
async function converse(
  s: Session,
  client: EchoClient,
  ending: string,
  onTerminal: boolean,
  opts: ClientOptions,
): Promise<void> {
  s.trace?.connected(client);
  const streaming = opts.send === undefined && !onTerminal;
  let done = false;
  try {
    if (s.send !== undefined) await sendOnce(s, client, s.send, opts.verify ?? false);
    else if (onTerminal) await dialogue(s, client, ending);
    else await stream(s.t, client, opts);
    done = !s.signal.aborted;
  } catch (err) {
    if (s.signal.aborted) return;
    const nothingEchoed = s.echoes === 0 && (!streaming || client.socket.bytesRead === 0);
    const explained = nothingEchoed ? await tlsExplained(err, client, opts.timeout, s.signal) : err;
    // Ctrl-C while the port was being tried for TLS: the interruption is what is said.
    if (!s.signal.aborted) throw explained;
  } finally {
    if (done) await (s.trace?.close(() => client.close()) ?? client.close());
    else {
      // Given up (a timeout, a failure) or interrupted: nothing more is awaited from the server.
      client.destroy();
      s.trace?.destroyed();
    }
  }
}

/**
 * One line's echo: send, read back as many bytes (the notes' recvn), traced.
 * An answer that is a TLS record where the line was none says the server
 * speaks TLS.
 */
async function echoOnce(s: Session, client: EchoClient, bytes: Buffer): Promise<Buffer> {
  // Each 'readable' is one read the kernel answered: the recv calls of the notes' recvn loop.
  let recvCalls = 0;
  const onReadable = () => recvCalls++;
  if (s.trace !== undefined) client.socket.on("readable", onReadable);
  let reply: Buffer;
  try {
    reply = await client.echo(bytes, { signal: s.signal });
  } catch (err) {
    if (!s.signal.aborted) s.trace?.echoFailed(bytes.length, toEchoError(err), recvCalls);
    throw err;
  } finally {
    client.socket.off("readable", onReadable);
  }
  s.trace?.echoed(bytes.length, reply, recvCalls);
  s.echoes++;
  if (!client.encrypted && looksLikeTlsRecord(reply) && bytes.compare(reply, 0, 3, 0, 3) !== 0) {
    throw new EchoError("ERR_ECHO_MISMATCH", {
      host: client.host,
      port: client.port,
      offset: firstDifference(reply, bytes),
      peerTls: true,
    });
  }
  return reply;
}

function firstDifference(a: Buffer, b: Buffer): number {
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  return at;
}

/**
 * A plain connection that the server closed or reset before its first echo
 * came back (whole): if the port answers a TLS handshake, the error says to
 * try --tls. Otherwise the error as it was.
 */
async function tlsExplained(
  err: unknown,
  client: EchoClient,
  timeout: number,
  signal: AbortSignal,
): Promise<unknown> {
  if (!(err instanceof EchoError) || err.context.peerTls || client.encrypted) return err;
  if (err.code !== "ERR_PEER_CLOSED" && err.code !== "ECONNRESET") return err;
  if (client.socket.bytesWritten === 0) return err;
  const host = client.remoteAddress ?? client.host;
  if (!(await speaksTls(host, client.port, speaksTlsTimeout(timeout), signal))) return err;
  return new EchoError(err.code, { ...err.context, peerTls: true }, { cause: err });
}

async function sendOnce(s: Session, client: EchoClient, bytes: Buffer, verify: boolean): Promise<void> {
  const reply = await echoOnce(s, client, bytes);
  if (verify && !reply.equals(bytes)) {
    throw new EchoError("ERR_ECHO_MISMATCH", {
      host: client.host,
      port: client.port,
      offset: firstDifference(reply, bytes),
    });
  }
  // Exact bytes for scripts (with --encoding cp949: the text they are); a terminal also gets a line break.
  process.stdout.write(s.encoding === "cp949" ? decodeCp949(reply) : reply);
  if (process.stdout.isTTY && reply[reply.length - 1] !== 0x0a) process.stdout.write("\n");
}

async function dialogue(s: Session, client: EchoClient, ending: string): Promise<void> {
  const { t } = s;
  const { messages: m } = t;
  const endpoint = formatEndpoint(client.remoteAddress ?? client.host, client.port);
  const protocol = client.encrypted ? ((client.socket as TLSSocket).getProtocol() ?? "TLS") : undefined;
  t.out(t.dim(m.clientConnected(endpoint, protocol)));
  // Over a pipe (--interactive: Git Bash's window) the terminal itself shows and edits the line, and
  // sends it at Enter: readline only reads lines then, and echoes nothing.
  const keys = process.stdin.isTTY ? new TypedLines(process.stdin as ReadStream, s.interrupt) : undefined;
  const rl = createInterface({
    input: keys ?? process.stdin,
    output: process.stdout,
    terminal: keys !== undefined,
    prompt: m.prompt,
  });
  const at = new PromptWatch(s, client, rl, keys);
  let emptyLine = false;
  try {
    at.prompt();
    for await (const line of rl) {
      if (at.closed !== undefined || s.signal.aborted) break;
      if (line === "") {
        emptyLine = true;
        break;
      }
      const { bytes, unencodable } = encodeText(line + ending, s.encoding);
      if (unencodable !== undefined) {
        t.out(m.notSentUnencodable(unencodable));
        at.prompt();
        continue;
      }
      at.leave();
      await echoLine(s, client, bytes, ending);
      at.prompt();
    }
  } finally {
    rl.close();
    keys?.stop();
    at.stop();
  }
  if (s.signal.aborted) return;
  // rl.close() leaves the prompt on the line: start the news on a fresh one.
  if (at.closed?.by === "error") {
    process.stdout.write("\n");
    throw at.closed.error;
  }
  sayDialogueClosed(t, at.closed?.by === "server", endpoint, emptyLine);
}

/**
 * The dialogue's prompt, and the socket watched while it waits there: nobody
 * reads the socket then, so a server closing (its idle timeout, a restart)
 * or a reset is said at once, by closing the prompt.
 */
class PromptWatch {
  /** Why the dialogue ended while it waited at the prompt, if that was the server. */
  closed: { by: "server" } | { by: "error"; error: EchoError } | undefined;
  readonly #s: Session;
  readonly #client: EchoClient;
  readonly #rl: Interface;
  readonly #keys: TypedLines | undefined;
  #atPrompt = false;
  #rlClosed = false;

  constructor(s: Session, client: EchoClient, rl: Interface, keys: TypedLines | undefined) {
    this.#s = s;
    this.#client = client;
    this.#rl = rl;
    this.#keys = keys;
    rl.once("close", () => (this.#rlClosed = true));
    const socket = client.socket;
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onEnd);
    socket.on("error", this.#onGone);
    s.signal.addEventListener("abort", this.#onAbort);
  }

  /** Shows the prompt, unless the server has gone meanwhile. */
  prompt(): void {
    const socket = this.#client.socket;
    this.#atPrompt = true;
    // A paused socket reads nothing until asked: ask, so that a FIN is seen (no data is taken).
    socket.read(0);
    // The server may have closed while the last echo came back.
    if (socket.readableEnded || socket.destroyed) this.#onGone();
    else if (!this.#rlClosed) {
      this.#rl.prompt();
      this.#keys?.next();
    }
  }

  /** A line is on its way: the echo's reader watches the socket now. */
  leave(): void {
    this.#atPrompt = false;
  }

  stop(): void {
    const socket = this.#client.socket;
    this.#s.signal.removeEventListener("abort", this.#onAbort);
    socket.off("end", this.#onEnd);
    socket.off("close", this.#onEnd);
    socket.off("error", this.#onGone);
  }

  readonly #onGone = (err?: Error): void => {
    if (!this.#atPrompt || this.closed !== undefined || this.#s.signal.aborted) return;
    const client = this.#client;
    const error = err ?? client.error;
    this.closed = error
      ? { by: "error", error: toEchoError(error, { host: client.host, port: client.port }) }
      : { by: "server" };
    this.#rl.close();
  };

  readonly #onEnd = (): void => this.#onGone();
  readonly #onAbort = (): void => this.#rl.close();
}

/** One typed line: sent, its echo read back and shown as typed (without the line ending added). */
async function echoLine(s: Session, client: EchoClient, bytes: Buffer, ending: string): Promise<void> {
  const { t } = s;
  const reply = echoOnce(s, client, bytes);
  t.out(t.messages.sentBytes(bytes.length));
  const got = await reply;
  t.out(t.messages.receivedBytes(got.length));
  // Show the text as typed: drop the line ending we added, escape the rest.
  const shown =
    ending !== "" && got.subarray(got.length - ending.length).toString() === ending
      ? got.subarray(0, got.length - ending.length)
      : got;
  t.out(`${t.messages.receivedDataTag} ${printable(shown, Number.MAX_SAFE_INTEGER, undefined, s.encoding)}`);
}

/** Who closed the dialogue's connection, the server or the user, on a line of its own. */
function sayDialogueClosed(t: Terminal, byServer: boolean, endpoint: string, emptyLine: boolean): void {
  if (byServer) {
    process.stdout.write("\n");
    t.out(t.dim(t.messages.serverClosedConnection(endpoint)));
    return;
  }
  // Ctrl-D leaves the cursor on the prompt's line; an empty line's Enter has moved on already.
  if (!emptyLine) process.stdout.write("\n");
  t.out(t.dim(t.messages.clientClosed));
}

/**
 * `text` as `encoding` writes it, and the characters CP949 has no code for,
 * described (`'😀' (U+1F600)`), or undefined when there are none. Those
 * characters are left out of `bytes`: a caller sends nothing then.
 */
function encodeText(
  text: string,
  encoding: TextEncoding,
): { bytes: Buffer; unencodable: string | undefined } {
  if (encoding === "utf-8") return { bytes: Buffer.from(text, "utf8"), unencodable: undefined };
  const { bytes, unencodable } = encodeCp949(text);
  if (unencodable.length === 0) return { bytes, unencodable: undefined };
  const named = unencodable.map((c) => {
    const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    // A control or separator character would act on the terminal: its code alone.
    return /[\p{C}\p{Zl}\p{Zp}]/u.test(c) ? code : `'${c}' (${code})`;
  });
  return { bytes, unencodable: named.join(", ") };
}

/** `--send`'s text in `encoding`; text CP949 cannot write is a usage error. */
function sendBytes(text: string, encoding: TextEncoding): Buffer {
  const { bytes, unencodable } = encodeText(text, encoding);
  if (unencodable !== undefined)
    throw new EchoError("ERR_INVALID_OPTION", {
      value: text,
      option: "--send",
      expect: "cp949",
      detail: unencodable,
    });
  return bytes;
}

async function stream(t: Terminal, client: EchoClient, opts: ClientOptions): Promise<void> {
  let result;
  try {
    result = await streamEcho(client, process.stdin, process.stdout, {
      verify: opts.verify ?? false,
      halfClose: opts.shutdown,
      timeout: opts.timeout,
    });
  } catch (err) {
    // "returned 0 of 0 bytes" would count an echo nobody asked for: say what happened instead.
    if (err instanceof EchoError && err.code === "ERR_PEER_CLOSED" && err.context.expected === 0) {
      const server = formatEndpoint(client.remoteAddress ?? client.host, client.port);
      t.note(t.messages.serverClosedBeforeSending(server));
      throw new ReportedFailure(1);
    }
    throw err;
  }
  if (opts.verify) t.note(t.messages.verified(result.received));
}

/**
 * Standard input and output are pipes on Windows under a Unix-like terminal
 * (MSYSTEM or TERM set): most likely Git Bash's own window (mintty), which
 * gives Windows programs pipes rather than a console, so that a person may
 * be typing into what looks like piped input. Node cannot read the pipe's
 * name, which alone would tell mintty's from `echo hi |`; output redirected
 * to a file or to /dev/null (NUL, a character device) at least is told apart.
 */
function typingIntoPipe(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== "win32" || (!env.MSYSTEM && !env.TERM)) return false;
  if (process.stdin.isTTY === true || process.stdout.isTTY === true) return false;
  try {
    return isPipe(0) && isPipe(1);
  } catch {
    return false;
  }
}

/** libuv reports a Windows pipe as a FIFO; a Unix parent may hand over a socket pair (Node's own pipes). */
function isPipe(fd: number): boolean {
  const stat = fstatSync(fd);
  return stat.isFIFO() || stat.isSocket();
}
