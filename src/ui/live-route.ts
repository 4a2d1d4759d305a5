/**
 * The live page's HTTP side (`serve --ui`): the page itself, its script and
 * style, and `/events`, a server-sent event stream of {@link LiveSnapshot}s.
 * A route like the fault control's, so that it can share a listener (the
 * `--metrics` one) or have its own.
 *
 * The model ({@link LiveView}) starts with the first page that opens and
 * stops a while after the last one leaves: with no page open, the echo pays
 * nothing.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EchoServer } from "../server/echo-server.js";
import type { HttpRoute } from "../server/faults/control.js";
import { LiveView, type LiveWindow } from "../server/live-view.js";
import { pageHtml, type PageControl, type PageLang } from "./page-html.js";

/** How the page is served. */
export interface LiveRouteOptions {
  /** The page's language; undefined: the browser's `Accept-Language`. */
  lang?: PageLang | undefined;
  /** Whether the page shows the fault panel (the `/faults` route is served beside). */
  control: PageControl;
  /** How often watchers are sent what changed, ms. Default 250. */
  intervalMs?: number;
}

/** The route, and how to end its streams when the listener closes. */
export interface LiveRoute {
  route: HttpRoute;
  /** Ends every event stream and stops the model. */
  close(): void;
}

/** At least this often a watcher hears from the server, even when nothing changed. */
const HEARTBEAT_MS = 5000;
/** After the last page left, the model is kept this long (a page reconnecting keeps its history). */
const LINGER_MS = 10_000;

const PAGE_DIR = new URL("./page/", import.meta.url);

/**
 * The live page's route for `server`.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createEchoServer } from "../server/echo-server.js";
 * import { liveRoute } from "./live-route.js";
 * const echo = createEchoServer({ host: "127.0.0.1", port: 0 });
 * const live = liveRoute(echo, { control: "off" });
 * const http = createServer((req, res) => {
 *   if (!live.route(req, res)) res.writeHead(404).end();
 * });
 * http.listen(0, "127.0.0.1", () => {
 *   live.close();
 *   http.close();
 * });
 * ```
 */
export function liveRoute(server: EchoServer, options: LiveRouteOptions): LiveRoute {
  const view = new LiveView(server);
  const watchers = new Set<Watcher>();
  let ticker: NodeJS.Timeout | undefined;
  let linger: NodeJS.Timeout | undefined;

  const tick = () => {
    view.refresh();
    const now = Date.now();
    for (const w of watchers) w.maybeSend(view, now);
  };
  const watch = (w: Watcher) => {
    clearTimeout(linger);
    view.start();
    watchers.add(w);
    ticker ??= setInterval(tick, options.intervalMs ?? 250).unref();
    view.refresh();
    w.send(view, Date.now());
  };
  const unwatch = (w: Watcher) => {
    watchers.delete(w);
    w.unfollow();
    if (watchers.size > 0) return;
    clearInterval(ticker);
    ticker = undefined;
    linger = setTimeout(() => view.stop(), LINGER_MS).unref();
  };

  const route: HttpRoute = (req, res) => {
    const url = new URL(req.url ?? "/", "http://page");
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    switch (url.pathname) {
      case "/":
        send(
          res,
          "text/html; charset=utf-8",
          pageHtml({ lang: options.lang ?? langOf(req), control: options.control }),
        );
        return true;
      case "/app.css":
        send(res, "text/css; charset=utf-8", readAsset("app.css"));
        return true;
      case "/events":
        watch(new Watcher(req, res, windowOf(url), view, unwatch));
        return true;
    }
    const script = /^\/page\/([a-z-]+\.js)$/.exec(url.pathname)?.[1];
    if (script === undefined) return false;
    const text = readAsset(script);
    if (text === undefined) return false;
    send(res, "text/javascript; charset=utf-8", text);
    return true;
  };

  return {
    route,
    close() {
      for (const w of watchers) w.end();
      watchers.clear();
      clearInterval(ticker);
      clearTimeout(linger);
      view.stop();
    },
  };
}

/** One open page: its event stream, the window it shows, the connection it follows. */
class Watcher {
  readonly #res: ServerResponse;
  readonly #window: LiveWindow;
  readonly #unfollow: (() => void) | undefined;
  #sentVersion = -1;
  #sentAt = 0;

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    window: LiveWindow,
    view: LiveView,
    gone: (w: Watcher) => void,
  ) {
    this.#res = res;
    this.#window = window;
    this.#unfollow = window.follow === undefined ? undefined : view.follow(window.follow);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    // A page whose server went away tries again this soon (EventSource does it by itself).
    res.write("retry: 1000\n\n");
    req.socket.setNoDelay(true);
    res.on("close", () => gone(this));
  }

  maybeSend(view: LiveView, now: number): void {
    if (view.version !== this.#sentVersion || now - this.#sentAt >= HEARTBEAT_MS) this.send(view, now);
  }

  send(view: LiveView, now: number): void {
    this.#sentVersion = view.version;
    this.#sentAt = now;
    this.#res.write(`event: snapshot\ndata: ${JSON.stringify(view.snapshot(this.#window))}\n\n`);
  }

  unfollow(): void {
    this.#unfollow?.();
  }

  end(): void {
    this.#res.end();
  }
}

/**
 * What every answer carries: the page runs only its own script and style,
 * loads nothing from elsewhere, and may not be framed.
 */
export const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
} as const;

function send(res: ServerResponse, type: string, body: string | undefined): void {
  if (body === undefined) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  res.writeHead(200, { ...SECURITY_HEADERS, "content-type": type, "cache-control": "no-store" }).end(body);
}

const assets = new Map<string, string | undefined>();

/** A file of the page, read once (the script the build compiled, the style). */
function readAsset(name: string): string | undefined {
  if (!assets.has(name)) {
    try {
      assets.set(name, readFileSync(new URL(name, PAGE_DIR), "utf8"));
    } catch {
      assets.set(name, undefined);
    }
  }
  return assets.get(name);
}

/** The window a page asks for: `/events?from=0&count=50&follow=12`. */
function windowOf(url: URL): LiveWindow {
  const int = (name: string) => {
    const v = url.searchParams.get(name);
    return v !== null && /^\d{1,9}$/.test(v) ? Number(v) : undefined;
  };
  return { from: int("from") ?? 0, count: int("count") ?? 50, follow: int("follow") };
}

/** Korean when the browser prefers it to English. */
export function langOf(req: IncomingMessage): PageLang {
  for (const part of (req.headers["accept-language"] ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim().toLowerCase() ?? "";
    if (tag.startsWith("ko")) return "ko";
    if (tag.startsWith("en")) return "en";
  }
  return "en";
}
