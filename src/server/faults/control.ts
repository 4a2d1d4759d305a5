/**
 * Faults changed at run time over HTTP (`serve --control`): `GET /faults`
 * answers `{"faults":[SPEC…]}`, `PUT /faults` with the same body replaces
 * them for connections accepted from then on, `DELETE /faults` removes
 * them. Served on the server's HTTP listeners (`--metrics`, `--ui`), which pass
 * each request here first.
 *
 * - Control off: every `/faults` request is 403, and nothing changes.
 * - With a token: `Authorization: Bearer TOKEN` or 401, compared in
 *   constant time (a wrong guess takes as long however close it came).
 * - A bad body (not JSON, not a list of strings, a fault that does not
 *   parse, more than {@link MAX_BODY} bytes) is 400 or 413 with a plain
 *   reason, and nothing changes.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseFault } from "./spec.js";

/** What the control needs of a server: `EchoServer` has both. */
export interface FaultHolder {
  faults(): string[];
  setFaults(faults: readonly string[]): void;
}

/** Whether faults may change over HTTP, and the token asked for. */
export interface FaultControlOptions {
  /** Serve `/faults` (otherwise every request to it is 403). */
  enabled: boolean;
  /** When set, requests must carry `Authorization: Bearer TOKEN`. */
  token?: string | undefined;
}

/**
 * Handles one HTTP request if it is for the control; returns false (and
 * answers nothing) for any other path.
 */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

/** The largest `PUT /faults` body taken. */
export const MAX_BODY = 64 * 1024;

const JSON_TYPE = { "content-type": "application/json" };
const TEXT_TYPE = { "content-type": "text/plain; charset=utf-8" };

/**
 * The `/faults` route for `holder`.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createEchoServer, faultControl } from "tcpecho";
 * const echo = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const route = faultControl(echo, { enabled: true });
 * const http = createServer((req, res) => {
 *   if (!route(req, res)) res.writeHead(404).end();
 * });
 * http.listen(0, "127.0.0.1", () => http.close());
 * ```
 */
export function faultControl(holder: FaultHolder, options: FaultControlOptions): HttpRoute {
  const expected = options.token === undefined ? null : digest(options.token);
  return (req, res) => {
    if ((req.url ?? "/").split("?")[0] !== "/faults") return false;
    if (!options.enabled) {
      plain(res, 403, "fault control is off: the server was started without --control");
    } else if (expected !== null && !authorized(req, expected)) {
      res.setHeader("www-authenticate", 'Bearer realm="tcpecho"');
      plain(res, 401, "this server asks for its control token: Authorization: Bearer TOKEN");
    } else if (req.method === "GET" || req.method === "HEAD") {
      answer(res, holder);
    } else if (req.method === "DELETE") {
      holder.setFaults([]);
      answer(res, holder);
    } else if (req.method === "PUT") {
      readBody(req, res, (body) => replace(res, holder, body));
    } else {
      res.writeHead(405, { allow: "GET, HEAD, PUT, DELETE", ...TEXT_TYPE }).end("GET, PUT or DELETE\n");
    }
    return true;
  };
}

function digest(token: string): Buffer {
  // Both sides hashed to one length first: timingSafeEqual needs equal lengths, and must not leak the token's.
  return createHash("sha256").update(token, "utf8").digest();
}

function authorized(req: IncomingMessage, expected: Buffer): boolean {
  const m = /^Bearer +(.+)$/i.exec(req.headers.authorization ?? "");
  return m !== null && timingSafeEqual(digest(m[1]!.trim()), expected);
}

function answer(res: ServerResponse, holder: FaultHolder): void {
  res.writeHead(200, JSON_TYPE).end(`${JSON.stringify({ faults: holder.faults() })}\n`);
}

function plain(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, TEXT_TYPE).end(`${reason}\n`);
}

function readBody(req: IncomingMessage, res: ServerResponse, then: (body: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY) over = true;
    else chunks.push(chunk);
  });
  req.on("end", () => {
    if (over) plain(res, 413, `the body is over ${MAX_BODY} bytes`);
    else then(Buffer.concat(chunks).toString("utf8"));
  });
  req.on("error", () => res.destroy());
}

function replace(res: ServerResponse, holder: FaultHolder, body: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    plain(res, 400, 'the body is not JSON: send {"faults":["delay=200ms", …]}');
    return;
  }
  const faults = (parsed as { faults?: unknown } | null)?.faults;
  if (!Array.isArray(faults) || !faults.every((f): f is string => typeof f === "string")) {
    plain(res, 400, 'the body needs "faults", a list of strings: {"faults":["delay=200ms", …]}');
    return;
  }
  try {
    // Each checked first, so that the reason names the body's field rather than the library's option.
    for (const f of faults) parseFault(f, '"faults"');
    holder.setFaults(faults);
  } catch (err) {
    // A fault that does not parse changes nothing: setFaults parses them all before replacing any.
    plain(res, 400, (err as Error).message);
    return;
  }
  answer(res, holder);
}
