/**
 * `tcpecho client`: on a terminal, the textbook's dialogue (prompt, send a
 * line, read back exactly as many bytes, report both); piped, a binary-safe
 * stream through the server; with `--send`, one message and its echo. Over
 * TLS with `--tls`.
 *
 * Exit codes: 0 when the user ended the session, or the server closed the
 * connection cleanly (FIN) while the dialogue waited at the prompt; 1 when
 * the connection failed or was reset, or an echo did not come back whole.
 *
 * @module
 */

import { createInterface } from "node:readline";
import type { TLSSocket } from "node:tls";
import { Option, type Command } from "commander";
import { connect, type EchoClient } from "../client/connect.js";
import { streamEcho } from "../client/stream-echo.js";
import { EchoError, toEchoError } from "../net/echo-error.js";
import { formatEndpoint } from "../net/endpoint.js";
import {
  addAddressOptions,
  HOST_ARGUMENT,
  PORT_ARGUMENT,
  targetFromCli,
  type AddressCliOptions,
} from "./address-options.js";
import { addConnectionOptions, tlsFromCli, type ConnectionCliOptions } from "./connection-options.js";
import { parseDuration } from "../net/options.js";
import { printable } from "./printable.js";
import { openTerminal, type Terminal } from "./terminal.js";
import { textTrace, traceClient, type ClientTrace } from "./trace.js";

interface ClientOptions extends ConnectionCliOptions, AddressCliOptions {
  send?: string;
  crlf?: boolean;
  lf?: boolean;
  verify?: boolean;
  shutdown: boolean;
  timeout: number;
  lang?: string;
  trace?: boolean;
}

/** Adds `client` (alias `connect`) to the program. */
export function registerClient(program: Command): void {
  const cmd = program
    .command("client")
    .alias("connect")
    .description("connect to an echo server: type lines on a terminal, or pipe any bytes through it")
    .argument("[host]", HOST_ARGUMENT)
    .argument("[port]", PORT_ARGUMENT);
  addAddressOptions(cmd)
    .option("--send <text>", "send this text once, print the echo, and exit")
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
        .default(10_000, "10s")
        .argParser((v) => parseDuration(v, "--timeout")),
    );
  addConnectionOptions(cmd)
    .addHelpText(
      "after",
      `
Examples:
  tcpecho client                              127.0.0.1:9000, the textbook dialogue
  tcpecho client 192.168.0.10 7               another machine's echo service (port 7)
  tcpecho client [::1]:9000 --send hello      one message, its echo on standard output
  tar c src | tcpecho client --verify > /dev/null
                                              stream bytes through and check every one
  tcpecho client localhost --tls --tls-ca cert.pem
                                              over TLS, trusting that (self-signed) certificate
  tcpecho client --lang ko                    Korean messages
  tcpecho client --send hello --trace         the socket calls and TCP states behind one echo

On a terminal an empty line (or Ctrl-D) closes the connection politely. When the
server closes it first (say, its idle timeout), the client says so and exits 0;
a reset exits 1.`,
    )
    .action(
      async (hostArg: string | undefined, portArg: string | undefined, _opts: unknown, cmd: Command) => {
        const opts = cmd.optsWithGlobals<ClientOptions>();
        const target = targetFromCli(hostArg, portArg, opts);
        if (opts.crlf && opts.lf)
          throw new EchoError("ERR_INVALID_OPTION", {
            value: "--crlf --lf",
            detail: "line endings: pick one",
          });
        await runClient(target.host, target.port, opts);
      },
    );
}

async function runClient(host: string, port: number, opts: ClientOptions): Promise<void> {
  const t = openTerminal(opts.lang);
  const ending = opts.crlf ? "\r\n" : opts.lf ? "\n" : "";
  const tls = tlsFromCli(opts, () => t.note(t.m.tlsInsecure));
  const client = await connect({
    host,
    port,
    timeout: opts.timeout,
    keepAlive: opts.keepalive,
    ...(tls !== undefined ? { tls } : {}),
  });
  const trace = opts.trace ? traceClient(client, textTrace(t.note, t.lang), t.lang) : undefined;
  trace?.connected();
  try {
    if (opts.send !== undefined)
      await sendOnce(t, client, Buffer.from(opts.send + ending, "utf8"), opts.verify ?? false, trace);
    else if (process.stdin.isTTY) await dialogue(t, client, ending);
    else await stream(t, client, opts);
  } finally {
    if (trace === undefined) await client.close();
    else await trace.close(() => client.close());
  }
}

async function sendOnce(
  t: Terminal,
  client: EchoClient,
  bytes: Buffer,
  verify: boolean,
  trace?: ClientTrace,
): Promise<void> {
  // Each 'readable' is one read the kernel answered: the recv calls of the notes' recvn loop.
  let recvCalls = 0;
  const onReadable = () => recvCalls++;
  if (trace !== undefined) client.socket.on("readable", onReadable);
  const reply = await client.echo(bytes).finally(() => client.socket.off("readable", onReadable));
  trace?.echoed(bytes.length, reply, recvCalls);
  if (verify && !reply.equals(bytes)) {
    let at = 0;
    while (reply[at] === bytes[at]) at++;
    throw new EchoError("ERR_ECHO_MISMATCH", { host: client.host, port: client.port, offset: at });
  }
  process.stdout.write(reply);
  // Exact bytes for scripts; a terminal also gets a line break.
  if (process.stdout.isTTY && reply[reply.length - 1] !== 0x0a) process.stdout.write("\n");
}

async function dialogue(t: Terminal, client: EchoClient, ending: string): Promise<void> {
  const { m } = t;
  const endpoint = formatEndpoint(client.remoteAddress ?? client.host, client.port);
  const protocol = client.encrypted ? ((client.socket as TLSSocket).getProtocol() ?? "TLS") : undefined;
  t.out(t.dim(m.clientConnected(endpoint, protocol)));
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    prompt: m.prompt,
  });
  // While it waits at the prompt nobody reads the socket: watch it, so that a
  // server closing (its idle timeout, a restart) or a reset is said at once.
  const socket = client.socket;
  let atPrompt = false;
  let closed: { by: "server" } | { by: "error"; error: EchoError } | undefined;
  const onGone = (err?: Error) => {
    if (!atPrompt || closed !== undefined) return;
    const error = err ?? client.error;
    closed = error
      ? { by: "error", error: toEchoError(error, { host: client.host, port: client.port }) }
      : { by: "server" };
    rl.close();
  };
  const onEnd = () => onGone();
  socket.on("end", onEnd);
  socket.on("close", onEnd);
  socket.on("error", onGone);
  const prompt = () => {
    atPrompt = true;
    // A paused socket reads nothing until asked: ask, so that a FIN is seen (no data is taken).
    socket.read(0);
    // The server may have closed while the last echo came back.
    if (socket.readableEnded || socket.destroyed) onGone();
    else rl.prompt();
  };
  prompt();
  try {
    for await (const line of rl) {
      if (closed !== undefined) break;
      if (line === "") break;
      atPrompt = false;
      const bytes = Buffer.from(line + ending, "utf8");
      const reply = client.echo(bytes);
      t.out(m.sentBytes(bytes.length));
      const got = await reply;
      t.out(m.receivedBytes(got.length));
      // Show the text as typed: drop the line ending we added, escape the rest.
      const shown =
        ending !== "" && got.subarray(got.length - ending.length).toString() === ending
          ? got.subarray(0, got.length - ending.length)
          : got;
      t.out(`${m.receivedDataTag} ${printable(shown, Number.MAX_SAFE_INTEGER)}`);
      prompt();
    }
  } finally {
    rl.close();
    socket.off("end", onEnd);
    socket.off("close", onEnd);
    socket.off("error", onGone);
  }
  // rl.close() leaves the prompt on the line: start the news on a fresh one.
  if (closed?.by === "error") {
    process.stdout.write("\n");
    throw closed.error;
  }
  if (closed?.by === "server") {
    process.stdout.write("\n");
    t.out(t.dim(m.serverClosedConnection(endpoint)));
    return;
  }
  t.out(t.dim(m.clientClosed));
}

async function stream(t: Terminal, client: EchoClient, opts: ClientOptions): Promise<void> {
  const result = await streamEcho(client, process.stdin, process.stdout, {
    verify: opts.verify ?? false,
    halfClose: opts.shutdown,
    timeout: opts.timeout,
  });
  if (opts.verify) t.note(t.m.verified(result.received));
}
