/**
 * The live page (`serve --ui`), in the browser: reads the page's language
 * and control from `<html lang data-control>`, listens to `/events` and
 * draws each {@link LiveSnapshot}: the server's state, the listening sockets
 * (대기 소켓), the totals, the communication sockets (통신 소켓) a page at a
 * time, the calls of the one followed, and with control the fault panel.
 *
 * At most four drawings a second, each touching only what changed.
 *
 * @module
 */

import type { LiveListener, LiveSnapshot, LiveTotals } from "../../server/live-view.js";
import { CallsPanel } from "./calls.js";
import { el, section, setClass, setText } from "./dom.js";
import { FaultPanel } from "./faults.js";
import { ConnectionTable } from "./table.js";
import { words, type Words } from "./words.js";

const PAGE_SIZE = 50;
const DRAW_EVERY_MS = 250;
/** When the server answered the stream with an error (EventSource then stops trying), try again this soon. */
const REOPEN_MS = 2000;

/** Which part of the model the stream asks for. */
interface Query {
  from: number;
  follow: number | null;
}

/** The server's state, its data path and uptime, and whether the stream is up. */
class Header {
  readonly element = el("header", "top");
  readonly #state = el("span", "badge");
  readonly #path = el("span", "meta");
  readonly #pathName = el("code", "path-name");
  readonly #uptime = el("span", "meta");

  constructor(private readonly w: Words) {
    this.#path.append(`${w.dataPath}: `, this.#pathName);
    this.element.append(el("h1", "", "tcpecho"), this.#state, this.#path, this.#uptime);
    this.down(false);
  }

  update(server: LiveSnapshot["server"]): void {
    setText(this.#state, this.w.serverState[server.state]);
    this.#state.className = `badge state-${server.state}`;
    setText(this.#pathName, server.dataPath ?? "");
    this.#path.hidden = server.dataPath === null;
    setText(this.#uptime, this.w.uptime(server.uptimeMs));
  }

  /** The stream is down (EventSource retries by itself); `before`: whether anything was drawn yet. */
  down(before: boolean): void {
    setText(this.#state, this.w.serverState[before ? "reconnecting" : "connecting"]);
    this.#state.className = "badge state-down";
  }
}

/** The listening sockets: address, backlog as applied, the accept queue where the OS tells. */
class Listeners {
  readonly element: HTMLElement;
  readonly #body = el("tbody");

  constructor(private readonly w: Words) {
    this.element = section("listeners", w.listeners).box;
    const table = el("table", "grid");
    const head = el("tr");
    for (const name of w.listenerColumns) head.append(el("th", "", name));
    table.append(el("thead"), this.#body);
    table.tHead?.append(head);
    const scroller = el("div", "scroller");
    scroller.append(table);
    this.element.append(scroller);
  }

  update(listeners: readonly LiveListener[]): void {
    while (this.#body.rows.length > listeners.length) this.#body.lastElementChild?.remove();
    listeners.forEach((l, i) => {
      const tr = this.#body.rows[i] ?? this.#body.insertRow();
      while (tr.cells.length < 3) tr.insertCell();
      const [address, backlog, queue] = [tr.cells[0], tr.cells[1], tr.cells[2]];
      if (address === undefined || backlog === undefined || queue === undefined) return;
      setText(address, l.address);
      setText(backlog, String(l.backlog));
      backlog.className = "num";
      setText(queue, l.acceptQueue === null ? this.w.acceptQueueUnknown : String(l.acceptQueue));
      queue.className = l.acceptQueue === null ? "unknown" : "num";
    });
  }
}

/** The server's counters, and the faults it applies now. */
class Totals {
  readonly element: HTMLElement;
  readonly #values = new Map<keyof LiveTotals, HTMLElement>();
  readonly #faults = el("dd", "faults");

  constructor(private readonly w: Words) {
    this.element = section("totals", w.totals).box;
    const list = el("dl");
    for (const key of Object.keys(w.totalNames) as (keyof LiveTotals)[]) {
      const value = el("dd", "num");
      this.#values.set(key, value);
      const item = el("div", "total");
      item.append(el("dt", "", w.totalNames[key]), value);
      list.append(item);
    }
    const faults = el("div", "total wide");
    faults.append(el("dt", "", w.currentFaults), this.#faults);
    list.append(faults);
    this.element.append(list);
  }

  update(totals: LiveTotals, faults: readonly string[]): void {
    for (const [key, value] of this.#values) {
      const n = totals[key];
      setText(value, key === "bytesIn" || key === "bytesOut" ? this.w.bytes(n) : n.toLocaleString("en-US"));
    }
    setText(this.#faults, faults.length === 0 ? this.w.none : faults.join(" "));
  }
}

/**
 * The event stream: one EventSource at a time, opened anew when the page
 * asks for another window or connection.
 */
class Stream {
  #source: EventSource | null = null;
  #reopen: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly onSnapshot: (s: LiveSnapshot) => void,
    private readonly onDown: () => void,
  ) {}

  open(q: Query): void {
    clearTimeout(this.#reopen);
    this.#source?.close();
    const follow = q.follow === null ? "" : `&follow=${q.follow}`;
    const source = new EventSource(`/events?from=${q.from}&count=${PAGE_SIZE}${follow}`);
    this.#source = source;
    source.addEventListener("snapshot", (e) => {
      if (source === this.#source)
        this.onSnapshot(JSON.parse((e as MessageEvent<string>).data) as LiveSnapshot);
    });
    source.addEventListener("error", () => {
      if (source !== this.#source) return;
      this.onDown();
      // CONNECTING: the browser tries again by itself. CLOSED: it gave up (an answer that was not a stream).
      if (source.readyState === EventSource.CLOSED) this.#reopen = setTimeout(() => this.open(q), REOPEN_MS);
    });
  }
}

function main(): void {
  const root = document.documentElement;
  const w = words[root.lang === "ko" ? "ko" : "en"];
  const control = root.dataset.control;
  document.title = w.title;
  const app = document.getElementById("app") ?? document.body.appendChild(el("main"));

  const query: Query = { from: 0, follow: null };
  let latest: LiveSnapshot | null = null;
  let drawnAt = -Infinity;
  let pending: ReturnType<typeof setTimeout> | undefined;

  const header = new Header(w);
  const listeners = new Listeners(w);
  const totals = new Totals(w);
  const faults = control === "open" || control === "token" ? new FaultPanel(w, control === "token") : null;
  const table = new ConnectionTable(w, PAGE_SIZE, {
    pick: (id, peer) => {
      query.follow = id;
      calls.follow(id, peer);
      stream.open(query);
    },
    page: (from) => {
      query.from = from;
      stream.open(query);
    },
  });
  const calls = new CallsPanel(w, () => {
    query.follow = null;
    calls.follow(null, "");
    stream.open(query);
  });

  const draw = () => {
    pending = undefined;
    drawnAt = performance.now();
    const s = latest;
    if (s === null) return;
    setClass(app, "stale", false);
    header.update(s.server);
    listeners.update(s.listeners);
    totals.update(s.totals, s.server.faults);
    faults?.update(s.server.faults);
    table.update(s.connections, query.follow);
    calls.update(s.followed);
    // The list shrank under the page shown: go to its last page.
    const { total } = s.connections;
    if (query.from > 0 && query.from >= total) {
      query.from = Math.max(0, Math.floor((total - 1) / PAGE_SIZE) * PAGE_SIZE);
      stream.open(query);
    }
  };
  const stream = new Stream(
    (s) => {
      // Another server now (its uptime went back): the connection followed was the old one's.
      if (latest !== null && query.follow !== null && s.server.uptimeMs + 1000 < latest.server.uptimeMs) {
        query.follow = null;
        calls.follow(null, "");
        latest = s;
        stream.open(query);
        return;
      }
      latest = s;
      pending ??= setTimeout(draw, Math.max(0, drawnAt + DRAW_EVERY_MS - performance.now()));
    },
    () => {
      // A drawing still due would say "listening" over the stream's failure.
      clearTimeout(pending);
      pending = undefined;
      header.down(latest !== null);
      setClass(app, "stale", latest !== null);
    },
  );

  const overview = el("div", "overview");
  overview.append(listeners.element, totals.element);
  if (faults !== null) overview.append(faults.element);
  const detail = el("div", "detail");
  detail.append(table.element, calls.element);
  app.append(header.element, overview, detail);
  stream.open(query);
}

main();
