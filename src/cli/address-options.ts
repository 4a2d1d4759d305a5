/**
 * Where a command connects or listens, in one grammar for every command. An
 * address is `HOST`, `HOST:PORT`, `[IPv6]:PORT`, a bare IPv6 address, or
 * `:PORT` (the port alone, on the default host). `client`, `ping`, `bench`
 * and `diagnose` take it as their argument, followed by its port when it has
 * none (`HOST PORT`), or as `-H/--host ADDRESS` and `-p/--port PORT`; `serve`
 * takes the same `-H` (a port in it too: `-H 127.0.0.1:9001`) and `-p`. A
 * part given in two places must be the same, or it is a usage error.
 *
 * @module
 */

import { isIP } from "node:net";
import { CommanderError, Option, type Command } from "commander";
import { DEFAULT_PORT, parseAddress, parsePort, type AddressParts } from "../net/address.js";
import { DEFAULT_HOST } from "../net/defaults.js";
import { EchoError } from "../net/echo-error.js";

/** What commander hands over for `-H` and `-p`. */
export interface AddressCliOptions {
  host?: AddressParts;
  port?: number;
}

/** A destination: both parts known. */
export interface Target {
  host: string;
  port: number;
}

/** The argument help of the one-destination commands, and of `bench`'s list. */
export const HOST_ARGUMENT = `server address: HOST, HOST:PORT, [IPv6]:PORT, or :PORT (default: ${DEFAULT_HOST})`;
export const PORT_ARGUMENT = `server port, when the address has none (default: ${DEFAULT_PORT})`;
export const TARGETS_ARGUMENT = `each server's address, as for client, or HOST PORT; several are run in turn, A B A B …, and compared (default: ${DEFAULT_HOST}:${DEFAULT_PORT})`;

/**
 * Runs `parse`, and names `option` in the host or port error it throws, so
 * that `--metrics 1.2.3.4:99999` says which option the bad port was given to.
 */
export function named<T>(option: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof EchoError && err.isUsageError && err.context.option === undefined)
      throw new EchoError(err.code, { ...err.context, option }, { cause: err });
    throw err;
  }
}

/**
 * A listen error that says which of `serve`'s ports it is about (`--port`,
 * `--metrics`, `--ui`, `--udp`), as {@link named} does for a bad address.
 */
export function onPort(err: unknown, option: string): unknown {
  return err instanceof EchoError && err.context.operation === "listen"
    ? new EchoError(err.code, { ...err.context, option }, { cause: err })
    : err;
}

/** Adds `-H, --host` and `-p, --port` to a client command (`client`, `ping`, `bench`, `diagnose`). */
export function addAddressOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "-H, --host <address>",
        "the server's address, as the argument takes it (HOST, HOST:PORT, …)",
      ).argParser((v) => named("--host", () => parseAddress(v, 1))),
    )
    .addOption(
      new Option("-p, --port <port>", "the server's port").argParser((v) =>
        named("--port", () => parsePort(v, 1)),
      ),
    );
}

/**
 * A command that connects to one destination (`client`, `ping`, `diagnose`):
 * named and described, with the `[host] [port]` arguments and `-H`/`-p`.
 */
export function destinationCommand(program: Command, name: string, description: string): Command {
  const cmd = program
    .command(name)
    .description(description)
    .argument("[host]", HOST_ARGUMENT)
    .argument("[port]", PORT_ARGUMENT);
  return addAddressOptions(cmd);
}

/**
 * Sets the action of a {@link destinationCommand}: `run` gets the
 * destination (see {@link targetFromCli}) and the options, with the
 * program's global ones (`--lang`).
 */
export function onDestination<O extends AddressCliOptions>(
  cmd: Command,
  run: (target: Target, opts: O, cmd: Command) => Promise<void>,
): Command {
  return cmd.action(
    async (hostArg: string | undefined, portArg: string | undefined, _opts: unknown, self: Command) => {
      const opts = self.optsWithGlobals<O>();
      await run(targetFromCli(hostArg, portArg, opts), opts, self);
    },
  );
}

/** The one value the places that give it agree on, or undefined when none does; a disagreement is a usage error. */
function agree<T extends string | number>(part: "host" | "port", values: (T | undefined)[]): T | undefined {
  const given = values.filter((v): v is T => v !== undefined);
  const first = given[0];
  const same = (v: T) => String(v).toLowerCase() === String(first).toLowerCase();
  if (first !== undefined && !given.every(same)) {
    throw new EchoError("ERR_INVALID_OPTION", {
      value: given.join(", "),
      reason: { kind: part === "port" ? "port-twice" : "host-twice" },
    });
  }
  return first;
}

/** `-H` and `-p` as one address. */
function fromOptions(opts: AddressCliOptions): AddressParts {
  return { host: opts.host?.host, port: agree("port", [opts.host?.port, opts.port]) };
}

/** An address, its missing parts taken from `-H`/`-p`, then from the defaults. */
function complete(written: AddressParts, given: AddressParts): Target {
  return {
    host: agree("host", [written.host, given.host]) ?? DEFAULT_HOST,
    port: agree("port", [written.port, given.port]) ?? DEFAULT_PORT,
  };
}

/**
 * The destination of `client`, `ping` and `diagnose`: the `[host] [port]`
 * arguments and `-H`/`-p`, each part from wherever it is given.
 *
 * @example
 * ```ts
 * import { targetFromCli } from "./address-options.js";
 * targetFromCli(":9001", undefined, {}); // { host: "127.0.0.1", port: 9001 }
 * targetFromCli("localhost", "7", {}); // { host: "localhost", port: 7 }
 * targetFromCli(undefined, undefined, { port: 7 }); // { host: "127.0.0.1", port: 7 }
 * ```
 */
export function targetFromCli(
  hostArg: string | undefined,
  portArg: string | undefined,
  opts: AddressCliOptions,
): Target {
  const written = hostArg === undefined ? { host: undefined, port: undefined } : parseAddress(hostArg, 1);
  const port = portArg === undefined ? undefined : parsePort(portArg, 1);
  return complete({ host: written.host, port: agree("port", [written.port, port]) }, fromOptions(opts));
}

/**
 * The destinations of `bench`: each address of the list, a bare port after
 * one that has none being its port (`127.0.0.1 9000 127.0.0.1 9001`), then
 * completed from `-H`/`-p`; none at all is the one default destination.
 *
 * @example
 * ```ts
 * import { targetsFromCli } from "./address-options.js";
 * targetsFromCli([":9000", "localhost", "9001"], {});
 * // [{ host: "127.0.0.1", port: 9000 }, { host: "localhost", port: 9001 }]
 * ```
 */
export function targetsFromCli(words: readonly string[], opts: AddressCliOptions): Target[] {
  const written: AddressParts[] = [];
  for (const word of words) {
    const last = written.at(-1);
    if (last !== undefined && /^\s*\d+\s*$/.test(word))
      last.port = agree("port", [last.port, parsePort(word, 1)]);
    else written.push(parseAddress(word, 1));
  }
  const given = fromOptions(opts);
  return (written.length > 0 ? written : [{ host: undefined, port: undefined }]).map((w) =>
    complete(w, given),
  );
}

/** Where `-H` and `-p` of `serve` came from, as commander says (`cli`, `env`, `default`). */
export interface ListenSources {
  host: string | undefined;
  port: string | undefined;
}

const RANK: Readonly<Record<string, number>> = { cli: 2, env: 1 };

/**
 * The port `serve` listens on: `-p`, or the port in `-H` (`-H 127.0.0.1:9001`).
 * The command line outranks the environment (`TCPECHO_PORT`, `TCPECHO_HOST`);
 * two ports from the same rank must be the same.
 */
export function listenPort(host: AddressParts, port: number, sources: ListenSources): number {
  const candidates = [
    { value: host.port, rank: RANK[sources.host ?? ""] ?? 0 },
    { value: port, rank: RANK[sources.port ?? ""] ?? 0 },
  ].filter((c) => c.value !== undefined);
  const top = Math.max(...candidates.map((c) => c.rank));
  return (
    agree(
      "port",
      candidates.filter((c) => c.rank === top).map((c) => c.value),
    ) ?? port
  );
}

/**
 * `serve 9000`: `serve` takes its address as options; a word that reads as
 * one is a usage error saying which option takes it, anything else the
 * usual "too many arguments".
 */
export function refuseListenArgument(word: string): never {
  const port = /^\s*\d+\s*$/.test(word);
  let address = false;
  try {
    parseAddress(word, 0);
    address = true;
  } catch {
    // Not an address: commander's words fit.
  }
  if (!port && !address) {
    throw new CommanderError(
      1,
      "commander.excessArguments",
      "error: too many arguments for 'serve'. Expected 0 arguments but got 1.",
    );
  }
  throw new EchoError("ERR_INVALID_OPTION", {
    value: word.trim(),
    option: port ? "--port" : "--host",
    expect: "as-option",
  });
}

/** An address in the form that compares: IPv6 without brackets, a name in lower case. */
const plain = (host: string) => host.replace(/^\[|\]$/g, "").toLowerCase();

/**
 * True when two listening sockets on one port would collide: the same
 * address, or a wildcard that covers the other one (`0.0.0.0` every IPv4
 * address, `::` every address, IPv4 too unless `v6Only`). Names are compared
 * as written.
 *
 * @example
 * ```ts
 * import { sameListenAddress } from "./address-options.js";
 * sameListenAddress("0.0.0.0", "127.0.0.1", false); // true
 * sameListenAddress("::", "127.0.0.1", true); // false
 * ```
 */
export function sameListenAddress(echo: string, other: string, v6Only: boolean): boolean {
  const a = plain(echo);
  const b = plain(other);
  if (a === b) return true;
  const covers = (wide: string, host: string, ipv6Only: boolean) =>
    (wide === "0.0.0.0" && isIP(host) === 4) ||
    (wide === "::" && (isIP(host) === 6 || (!ipv6Only && isIP(host) === 4)));
  return covers(a, b, v6Only) || covers(b, a, false);
}
