/**
 * A port as the notes teach it: 16 bits, with 0–1023 the well-known ports,
 * 1024–49151 registered and 49152–65535 dynamic (IANA's ranges), and its
 * service name from `/etc/services` where the system lists one.
 *
 * @module
 */

import { readFile } from "node:fs/promises";

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
