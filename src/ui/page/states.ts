/**
 * A TCP state as the page shows it: the kernel's name as it is
 * (`CLOSE_WAIT`), or the server's own word in the page's language, marked as
 * what the server knows (the kernel was not asked, or could not be).
 *
 * @module
 */

import type { StateSource } from "../../server/live-view.js";
import { el, setClass, setText } from "./dom.js";
import type { Words } from "./words.js";

/** An element showing one state; `show` updates it in place. */
export class StateLabel {
  readonly element = el("span", "state");
  readonly #name = el("span", "state-name");
  readonly #source = el("span", "state-source");

  constructor(private readonly words: Words) {
    this.element.append(this.#name, this.#source);
  }

  show(state: string, from: StateSource): void {
    const known = from === "server";
    setText(this.#name, known ? (this.words.knownState[state] ?? state) : state);
    setText(this.#source, known ? this.words.asServerKnows : "");
    setClass(this.element, "server-known", known);
    setClass(this.element, "is-closed", state === "closed" || state === "CLOSED");
  }
}
