/**
 * Building and updating the page's elements. Text goes in only as text
 * (`textContent`): a client's bytes, a peer's address, a server's reason are
 * never parsed as HTML.
 *
 * @module
 */

/** A new element with a class and, optionally, its text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = "",
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className !== "") e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Sets a node's text only when it changed (an unchanged page is not touched). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Adds or removes a class only when that changes something. */
export function setClass(e: Element, name: string, on: boolean): void {
  if (e.classList.contains(name) !== on) e.classList.toggle(name, on);
}

/** A section with its heading; returns both. */
export function section(className: string, title: string): { box: HTMLElement; heading: HTMLElement } {
  const box = el("section", `panel ${className}`);
  const heading = el("h2", "", title);
  box.append(heading);
  return { box, heading };
}
