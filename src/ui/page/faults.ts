/**
 * The fault panel, on a page served with control (`data-control` open or
 * token): the server's faults now, a field to type new ones, Set
 * (`PUT /faults`) and Clear (`DELETE /faults`). With a token, a password
 * field; the token is kept for this tab only (sessionStorage) and sent as
 * `Authorization: Bearer`. The server's reason for a refusal is shown as
 * it says it.
 *
 * @module
 */

import { el, section, setClass, setText } from "./dom.js";
import type { Words } from "./words.js";

const TOKEN_KEY = "tcpecho.control-token";

export class FaultPanel {
  readonly element: HTMLElement;
  readonly #words: Words;
  readonly #now = el("p", "faults-now");
  readonly #specs = el("textarea");
  readonly #token: HTMLInputElement | null;
  readonly #message = el("p", "message");

  constructor(words: Words, withToken: boolean) {
    this.#words = words;
    const { box } = section("fault-panel", words.faultPanel);
    this.element = box;
    this.#specs.id = "fault-specs";
    this.#specs.rows = 2;
    this.#specs.spellcheck = false;
    this.#specs.placeholder = "delay=200ms";
    const specsLabel = el("label", "", words.faultSpecs);
    specsLabel.htmlFor = this.#specs.id;
    box.append(this.#now);
    this.#token = withToken ? this.#tokenField(box) : null;
    box.append(specsLabel, this.#specs, el("p", "hint", words.faultHint));
    const set = el("button", "primary", words.set);
    const clear = el("button", "", words.clear);
    set.type = clear.type = "button";
    set.addEventListener("click", () => void this.#send("PUT", this.#specs.value));
    clear.addEventListener("click", () => void this.#send("DELETE"));
    const buttons = el("div", "buttons");
    buttons.append(set, clear);
    this.#message.setAttribute("role", "status");
    box.append(buttons, this.#message);
  }

  /** The server's faults as of the latest snapshot. */
  update(faults: readonly string[]): void {
    setText(this.#now, this.#words.faultsNow(faults.length === 0 ? this.#words.none : faults.join(" ")));
  }

  #tokenField(box: HTMLElement): HTMLInputElement {
    const input = el("input");
    input.type = "password";
    input.id = "control-token";
    input.autocomplete = "off";
    input.value = sessionStorage.getItem(TOKEN_KEY) ?? "";
    input.addEventListener("input", () => sessionStorage.setItem(TOKEN_KEY, input.value));
    const label = el("label", "", this.#words.token);
    label.htmlFor = input.id;
    box.append(label, input);
    return input;
  }

  async #send(method: "PUT" | "DELETE", specs?: string): Promise<void> {
    const headers: Record<string, string> = {};
    const token = this.#token?.value.trim() ?? "";
    if (token !== "") headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (specs !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify({ faults: specs.split(/\s+/).filter((s) => s !== "") });
    }
    try {
      const res = await fetch("/faults", { method, headers, body, cache: "no-store" });
      const text = (await res.text()).trim();
      if (!res.ok) {
        this.#say(this.#words.refused(res.status, text), true);
        if (res.status === 401) this.#token?.focus();
        return;
      }
      const faults = (JSON.parse(text) as { faults: string[] }).faults;
      this.update(faults);
      this.#say(
        faults.length === 0 ? this.#words.faultsCleared : this.#words.faultsSet(faults.join(" ")),
        false,
      );
    } catch {
      this.#say(this.#words.unreachable, true);
    }
  }

  #say(text: string, error: boolean): void {
    // The same words twice are still said again (a second refusal after a retry).
    this.#message.textContent = text;
    setClass(this.#message, "error", error);
  }
}
