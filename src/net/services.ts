/**
 * A port as the notes teach it: 16 bits, with 0–1023 the well-known ports,
 * 1024–49151 registered and 49152–65535 dynamic (IANA's ranges), and its
 * service name from the system's services(5) file where it has one
 * (`/etc/services`; on Windows `%SystemRoot%\System32\drivers\etc\services`),
 * else from a built-in table of IANA's names (`iana-ports.ts`). The answer
 * says which of them named it.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { IANA_TCP_PORTS } from "./iana-ports.js";

/** IANA's three port ranges. */
export type PortRange = "well-known" | "registered" | "dynamic";

/**
 * The range a port falls in.
 *
 * @example
 * ```ts
 * import { portRange } from "./services.js";
 * portRange(80); // "well-known"
 * portRange(9000); // "registered"
 * portRange(51234); // "dynamic"
 * ```
 */
export function portRange(port: number): PortRange {
  if (port <= 1023) return "well-known";
  if (port <= 49151) return "registered";
  return "dynamic";
}

/**
 * The TCP service names in a services(5) text, by port: the first name
 * listed for a port wins, as getservbyport(3) returns it.
 *
 * @example
 * ```ts
 * import { parseServices } from "./services.js";
 * parseServices("echo 7/tcp\nssh 22/tcp # SSH\nsyslog 514/udp\n").get(22); // "ssh"
 * ```
 */
export function parseServices(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    const [name, portProto] = line.split(/\s+/);
    const m = /^(\d{1,5})\/tcp$/i.exec(portProto ?? "");
    if (name === undefined || m === null) continue;
    const port = Number(m[1]);
    if (port <= 65535 && !names.has(port)) names.set(port, name);
  }
  return names;
}

/**
 * The TCP service name of a port from `/etc/services` (or another file),
 * or `null` when none is listed or the file cannot be read.
 *
 * @example
 * ```ts
 * import { serviceName } from "./services.js";
 * await serviceName(22, "/nonexistent"); // null
 * ```
 */
export async function serviceName(port: number, file = "/etc/services"): Promise<string | null> {
  try {
    return parseServices(await readFile(file, "utf8")).get(port) ?? null;
  } catch {
    return null;
  }
}

/** Where a port's name came from: a services(5) file (its path), or the built-in IANA table. */
export type ServiceSource = string | "IANA";

/** A port's service name and where it came from; `name` null when the source lists none. */
export interface PortName {
  name: string | null;
  source: ServiceSource;
}

/** The services file of a system: Windows keeps it under %SystemRoot%, when that is known. */
function servicesFileOf(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string | null {
  if (platform !== "win32") return "/etc/services";
  const root = env.SystemRoot ?? env.windir;
  return root === undefined ? null : `${root}\\System32\\drivers\\etc\\services`;
}

/**
 * A port's TCP service name: from the system's services file when it can be
 * read (`file` replaces it), else from the built-in IANA table.
 *
 * @example
 * ```ts
 * import { portName } from "./services.js";
 * await portName(9000, { file: "/nonexistent" }); // { name: "cslistener", source: "IANA" }
 * ```
 */
export async function portName(
  port: number,
  options: { file?: string; platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv } = {},
): Promise<PortName> {
  const file =
    options.file ?? servicesFileOf(options.platform ?? process.platform, options.env ?? process.env);
  if (file !== null) {
    try {
      return { name: parseServices(await readFile(file, "utf8")).get(port) ?? null, source: file };
    } catch {
      // No such file here: the built-in table answers.
    }
  }
  return { name: IANA_TCP_PORTS.get(port) ?? null, source: "IANA" };
}
