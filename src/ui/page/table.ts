/**
 * The communication sockets (통신 소켓): one window of the list, in pages
 * with Previous and Next. Rows are kept by connection id and updated in
 * place, so that an unchanged row is not touched and focus stays where it
 * was. A row is picked (followed) by a click, Enter or Space; the arrow keys,
 * Home and End move between rows.
 *
 * @module
 */

import type { LiveConnection, LiveSnapshot } from "../../server/live-view.js";
import { el, section, setClass, setText } from "./dom.js";
import { StateLabel } from "./states.js";
import type { Words } from "./words.js";

/** One row's elements. */
interface Row {
  tr: HTMLTableRowElement;
  id: HTMLElement;
  peer: HTMLElement;
  proxy: HTMLElement;
  state: StateLabel;
  bytesIn: HTMLElement;
  bytesOut: HTMLElement;
  queued: HTMLElement;
  age: HTMLElement;
  faults: HTMLElement;
}

/** What the table tells the page. */
export interface TableEvents {
  pick(id: number, peer: string): void;
  page(from: number): void;
}

export class ConnectionTable {
  readonly element: HTMLElement;
  readonly #words: Words;
  readonly #events: TableEvents;
  readonly #pageSize: number;
  readonly #body = el("tbody");
  readonly #empty: HTMLElement;
  readonly #range = el("span", "range");
  readonly #prev: HTMLButtonElement;
  readonly #next: HTMLButtonElement;
  readonly #rows = new Map<number, Row>();
  #from = 0;
  #followed: number | null = null;
  /** The row that Tab reaches (one at a time: the arrow keys move within the table). */
  #active: number | null = null;

  constructor(words: Words, pageSize: number, events: TableEvents) {
    this.#words = words;
    this.#events = events;
    this.#pageSize = pageSize;
    const { box } = section("connections", words.connections);
    this.element = box;
    const table = el("table", "grid");
    const head = el("tr");
    for (const name of words.connectionColumns) {
      const th = el("th", "", name);
      th.scope = "col";
      head.append(th);
    }
    table.append(el("thead"), this.#body);
    table.tHead?.append(head);
    this.#empty = el("p", "empty", words.noConnections);
    this.#prev = el("button", "", words.previous);
    this.#next = el("button", "", words.next);
    this.#prev.type = this.#next.type = "button";
    this.#prev.addEventListener("click", () => this.#events.page(Math.max(0, this.#from - this.#pageSize)));
    this.#next.addEventListener("click", () => this.#events.page(this.#from + this.#pageSize));
    const pager = el("div", "pager");
    pager.append(this.#prev, this.#range, this.#next);
    const scroller = el("div", "scroller");
    scroller.append(table);
    box.append(scroller, this.#empty, pager);
    this.#body.addEventListener("keydown", (e) => this.#key(e));
    this.#body.addEventListener("click", (e) => {
      const id = this.#rowId(e.target);
      if (id !== null) this.#pick(id);
    });
    this.#body.addEventListener("focusin", (e) => {
      const id = this.#rowId(e.target);
      if (id !== null) this.#setActive(id);
    });
  }

  /** Draws a snapshot's window; `followed` is the connection whose calls are shown. */
  update(connections: LiveSnapshot["connections"], followed: number | null): void {
    this.#from = connections.from;
    this.#followed = followed;
    const seen = new Set<number>();
    connections.rows.forEach((c, i) => {
      seen.add(c.id);
      const row = this.#rows.get(c.id) ?? this.#add(c.id);
      this.#fill(row, c);
      if (this.#body.children[i] !== row.tr) this.#body.insertBefore(row.tr, this.#body.children[i] ?? null);
    });
    for (const [id, row] of this.#rows) {
      if (seen.has(id)) continue;
      const hadFocus = row.tr.contains(document.activeElement);
      row.tr.remove();
      this.#rows.delete(id);
      if (hadFocus) this.#focusRow(this.#body.firstElementChild);
    }
    if (this.#active === null || !this.#rows.has(this.#active))
      this.#active = followed ?? connections.rows[0]?.id ?? null;
    this.#setActive(this.#active);
    const total = connections.total;
    const shown = connections.rows.length;
    this.#empty.hidden = total > 0;
    setText(this.#range, total === 0 ? "" : this.#words.window(this.#from + 1, this.#from + shown, total));
    this.#prev.disabled = this.#from === 0;
    this.#next.disabled = this.#from + shown >= total;
  }

  #add(id: number): Row {
    const tr = el("tr");
    tr.dataset.id = String(id);
    tr.tabIndex = -1;
    const cell = (className: string) => {
      const td = el("td", className);
      tr.append(td);
      return td;
    };
    const idCell = cell("num");
    const peerCell = cell("peer");
    const peer = el("span", "address");
    const proxy = el("span", "sub");
    peerCell.append(peer, proxy);
    const state = new StateLabel(this.#words);
    cell("").append(state.element);
    const row: Row = {
      tr,
      id: idCell,
      peer,
      proxy,
      state,
      bytesIn: cell("num"),
      bytesOut: cell("num"),
      queued: cell("num"),
      age: cell("num"),
      faults: cell("faults"),
    };
    this.#rows.set(id, row);
    return row;
  }

  #fill(row: Row, c: LiveConnection): void {
    const w = this.#words;
    setText(row.id, String(c.id));
    setText(row.peer, c.peer);
    setText(row.proxy, c.proxy === null ? "" : w.via(c.proxy));
    row.state.show(c.state, c.stateFrom);
    setText(row.bytesIn, w.bytes(c.bytesIn));
    setText(row.bytesOut, w.bytes(c.bytesOut));
    setText(row.queued, w.bytes(c.queued));
    setText(row.age, w.duration(c.ageMs));
    setText(row.faults, c.faults.length === 0 ? "—" : c.faults.join(" "));
    setClass(row.tr, "closed", c.closed);
    setClass(row.tr, "queued", c.queued > 0);
    const followed = c.id === this.#followed;
    setClass(row.tr, "followed", followed);
    if (followed) row.tr.setAttribute("aria-current", "true");
    else row.tr.removeAttribute("aria-current");
  }

  #rowId(target: EventTarget | null): number | null {
    const tr = target instanceof Element ? target.closest("tr") : null;
    return tr?.dataset.id === undefined ? null : Number(tr.dataset.id);
  }

  #pick(id: number): void {
    const row = this.#rows.get(id);
    if (row === undefined) return;
    this.#setActive(id);
    this.#events.pick(id, row.peer.textContent ?? "");
  }

  #setActive(id: number | null): void {
    this.#active = id;
    for (const [rowId, row] of this.#rows) {
      const tabIndex = rowId === id ? 0 : -1;
      if (row.tr.tabIndex !== tabIndex) row.tr.tabIndex = tabIndex;
    }
  }

  #focusRow(tr: Element | null | undefined): void {
    if (tr instanceof HTMLTableRowElement) {
      this.#setActive(Number(tr.dataset.id));
      tr.focus();
    }
  }

  #key(e: KeyboardEvent): void {
    const id = this.#rowId(e.target);
    const tr = id === null ? undefined : this.#rows.get(id)?.tr;
    if (id === null || tr === undefined) return;
    const moves: Record<string, () => Element | null | undefined> = {
      ArrowDown: () => tr.nextElementSibling,
      ArrowUp: () => tr.previousElementSibling,
      Home: () => this.#body.firstElementChild,
      End: () => this.#body.lastElementChild,
    };
    if (e.key === "Enter" || e.key === " ") this.#pick(id);
    else if (moves[e.key] !== undefined) this.#focusRow(moves[e.key]?.());
    else return;
    e.preventDefault();
  }
}
