/**
 * The socket calls of the followed connection, in order, as the notes write
 * them: `accept()`, `recv(65536) = 5` with the bytes as text, `send(5) = 5`,
 * `recv(65536) = 0` (the client's FIN), `shutdown(SHUT_WR)`, `close()`, each
 * with the TCP state after it.
 *
 * @module
 */

import type { LiveCall, LiveFollowed } from "../../server/live-view.js";
import { el, section, setText } from "./dom.js";
import { StateLabel } from "./states.js";
import type { Words } from "./words.js";

/** One line of the sequence. */
interface Line {
  li: HTMLLIElement;
  at: HTMLElement;
  call: HTMLElement;
  data: HTMLElement;
  note: HTMLElement;
  state: StateLabel;
}

export class CallsPanel {
  readonly element: HTMLElement;
  readonly #words: Words;
  readonly #heading: HTMLElement;
  readonly #hint: HTMLElement;
  readonly #notes = el("p", "note");
  readonly #list = el("ol", "calls");
  readonly #unfollow: HTMLButtonElement;
  readonly #lines: Line[] = [];
  #id: number | null = null;
  #seen = false;

  constructor(words: Words, unfollow: () => void) {
    this.#words = words;
    const { box, heading } = section("followed", words.calls);
    this.element = box;
    this.#heading = heading;
    this.#hint = el("p", "hint", words.pickHint);
    this.#unfollow = el("button", "", words.unfollow);
    this.#unfollow.type = "button";
    this.#unfollow.addEventListener("click", unfollow);
    box.append(this.#hint, this.#notes, this.#list, this.#unfollow);
    this.#list.setAttribute("aria-live", "off");
    this.follow(null, "");
  }

  /** Starts showing `id` (null: none); its calls come with the next snapshots. */
  follow(id: number | null, peer: string): void {
    this.#id = id;
    this.#seen = false;
    this.#unfollow.hidden = id === null;
    this.#hint.hidden = id !== null;
    setText(this.#heading, id === null ? this.#words.calls : this.#words.callsOf(id, peer));
    setText(this.#notes, "");
    this.#show([]);
  }

  /** Draws the followed calls of a snapshot. */
  update(followed: LiveFollowed | null): void {
    if (this.#id === null) return;
    if (followed === null || followed.id !== this.#id) {
      // Gone from the list (closed a while ago): the calls shown stay, with a word why they stop.
      if (this.#seen) setText(this.#notes, this.#words.followedGone(this.#id));
      return;
    }
    this.#seen = true;
    const notes: string[] = [];
    if (!followed.fromAccept) notes.push(this.#words.notFromAccept);
    if (followed.skipped > 0) notes.push(this.#words.skipped(followed.skipped));
    setText(this.#notes, notes.join(" "));
    this.#show(followed.calls);
  }

  #show(calls: readonly LiveCall[]): void {
    calls.forEach((c, i) => this.#fill(this.#lines[i] ?? this.#add(), c));
    for (const line of this.#lines.splice(calls.length)) line.li.remove();
    this.#list.hidden = calls.length === 0;
  }

  #add(): Line {
    const line: Line = {
      li: el("li"),
      at: el("span", "at"),
      call: el("code", "call"),
      data: el("q", "data"),
      note: el("span", "why"),
      state: new StateLabel(this.#words),
    };
    const what = el("span", "what");
    what.append(line.call, line.data, line.note);
    const after = el("span", "after", "→ ");
    after.append(line.state.element);
    line.li.append(line.at, what, after);
    this.#list.append(line.li);
    this.#lines.push(line);
    return line;
  }

  #fill(line: Line, c: LiveCall): void {
    setText(line.at, `+${this.#words.duration(c.atMs)}`);
    setText(line.call, callText(c, this.#words));
    setText(line.data, c.data ?? "");
    line.data.hidden = c.data === undefined;
    setText(line.note, this.#why(c));
    line.state.show(c.state, c.stateFrom);
    line.li.className = `call-${c.call}`;
  }

  /** What a call means, where the notes say it. */
  #why(c: LiveCall): string {
    const w = this.#words;
    if (c.call === "accept") return w.acceptDone;
    if (c.call === "recv" && c.result === "0") return w.clientFin;
    if (c.call === "send" && c.queued > 0) return w.backpressure(c.queued);
    if (c.call === "shutdown") return w.ourFin;
    if (c.call === "close") return w.released;
    return "";
  }
}

/** A call as the notes write it: `recv(65536) = 5`, `shutdown(SHUT_WR)`, `error: ECONNRESET`. */
export function callText(c: LiveCall, w: Words): string {
  if (c.call === "error") return w.errorCall(c.result);
  if (c.call === "fault") return w.faultCall(c.args);
  return `${c.call}(${c.args})${c.result === "" ? "" : ` = ${c.result}`}`;
}
