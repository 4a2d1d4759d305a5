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

import { readdirSync, readFileSync } from "node:fs";
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
  /** Event streams open at once; more are answered 503. Default {@link MAX_STREAMS}. */
  maxStreams?: number;
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
/**
 * Event streams open at once. A person has a few tabs open; each stream costs
 * a snapshot per change, so a client opening hundreds could make the server
 * spend its time on them rather than on the echo.
 */
export const MAX_STREAMS = 64;
/** A page asked to come back this much later when the streams are all taken, s. */
const RETRY_AFTER_S = 5;
/**
 * Snapshots not yet taken by a page, bytes: one that reads nothing (gone
 * without a word, or hostile) is closed past this, rather than buffered for.
 */
const MAX_UNSENT = 256 * 1024;

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
  const maxStreams = options.maxStreams ?? MAX_STREAMS;
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
      case "/favicon.ico":
        // Browsers ask for it by themselves; a 404 would be an error in the page's console.
        res.writeHead(204, SECURITY_HEADERS).end();
        return true;
      case "/events":
        if (req.method === "HEAD") {
          res.writeHead(200, { ...SECURITY_HEADERS, "content-type": EVENT_STREAM }).end();
        } else if (watchers.size >= maxStreams) {
          busy(res, maxStreams);
        } else {
          watch(new Watcher(req, res, windowOf(url), view, unwatch));
        }
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
      // A last snapshot first: the page shows the server closed rather than only losing its stream.
      for (const w of watchers) {
        w.send(view, Date.now());
        w.end();
      }
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
      "content-type": EVENT_STREAM,
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
    if (this.#res.writableLength > MAX_UNSENT) {
      this.#res.destroy();
      return;
    }
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

const EVENT_STREAM = "text/event-stream; charset=utf-8";
const TEXT = "text/plain; charset=utf-8";

/**
 * The handler of a listener of the page's own (`--ui` apart from
 * `--metrics`): each route in turn, else 404, with the page's headers.
 */
export function pageListener(...routes: HttpRoute[]): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (!routes.some((route) => route(req, res))) notFound(res);
  };
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { ...SECURITY_HEADERS, "content-type": TEXT }).end("not found\n");
}

/** Every stream taken: a page may try again later. */
function busy(res: ServerResponse, max: number): void {
  res
    .writeHead(503, { ...SECURITY_HEADERS, "content-type": TEXT, "retry-after": String(RETRY_AFTER_S) })
    .end(`too many pages open at once (at most ${max}); try again in ${RETRY_AFTER_S} s\n`);
}

function send(res: ServerResponse, type: string, body: string | undefined): void {
  if (body === undefined) {
    notFound(res);
    return;
  }
  res.writeHead(200, { ...SECURITY_HEADERS, "content-type": type, "cache-control": "no-store" }).end(body);
}

let assets: Map<string, string> | undefined;

/**
 * A file of the page (the scripts the build compiled, the style). The
 * folder is read once, whole: a name asked for that is not there costs
 * neither a read nor memory.
 */
function readAsset(name: string): string | undefined {
  if (assets === undefined) {
    assets = new Map();
    let names: string[] = [];
    try {
      names = readdirSync(PAGE_DIR).filter((n) => n.endsWith(".js") || n.endsWith(".css"));
    } catch {
      // Not built: every asset is missing.
    }
    for (const n of names) assets.set(n, readFileSync(new URL(n, PAGE_DIR), "utf8"));
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

/**
 * Korean when the browser prefers it to English, by the weights of its
 * `Accept-Language` (`q=`; equal weights go by order, `q=0` means never).
 *
 * @example
 * ```ts
 * import type { IncomingMessage } from "node:http";
 * import { langOf } from "./live-route.js";
 * const req = (v: string) => ({ headers: { "accept-language": v } }) as IncomingMessage;
 * langOf(req("en;q=0.5, ko-KR;q=0.9")); // "ko"
 * langOf(req("fr, ko;q=0")); // "en"
 * ```
 */
export function langOf(req: IncomingMessage): PageLang {
  let best: { lang: PageLang; q: number } = { lang: "en", q: 0 };
  for (const part of (req.headers["accept-language"] ?? "").split(",")) {
    const [tag = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    const lang = /^ko(-|$)/.test(tag) ? "ko" : /^en(-|$)/.test(tag) ? "en" : undefined;
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (lang !== undefined && Number.isFinite(q) && q > best.q) best = { lang, q };
  }
  return best.lang;
}
