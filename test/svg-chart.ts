/**
 * Reading a latency chart that `bench --plot` or `bench merge --plot` drew:
 * the SVG parsed as XML, its texts, the series' lines with their points, and
 * the pixel maps of both axes read from the axes' own labels.
 */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { XMLParser, XMLValidator } from "fast-xml-parser";

type Element = Record<string, unknown>;

/** Every element named `tag` in a parsed XML tree, depth first. */
function elements(node: unknown, tag: string, into: Element[] = []): Element[] {
  if (Array.isArray(node)) for (const n of node) elements(n, tag, into);
  else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node as Element)) {
      if (k === tag)
        for (const e of Array.isArray(v) ? v : [v]) if (typeof e === "object") into.push(e as Element);
      if (!k.startsWith("@_")) elements(v, tag, into);
    }
  }
  return into;
}

/** The SVG parsed: its root, its texts, and the series' lines (paths drawn only by a series). */
export function readSvg(file: string) {
  const xml = readFileSync(file, "utf8");
  assert.equal(XMLValidator.validate(xml), true, "the SVG is well-formed XML");
  const tree: unknown = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    parseAttributeValue: false,
  }).parse(xml);
  const root = (tree as { svg?: Element }).svg;
  assert.ok(root, "the root element is <svg>");
  const texts = elements(root, "text").map((t) => ({
    text: String(t["#text"] ?? ""),
    anchor: String(t["@_text-anchor"] ?? ""),
    transform: String(t["@_transform"] ?? ""),
  }));
  // A series' line is the only unfilled path with its width (the legend's marks are thinner).
  const lines = elements(root, "path")
    .filter((p) => p["@_fill"] === "none" && p["@_stroke-width"] === "2.5")
    .map((p) => ({
      stroke: String(p["@_stroke"]),
      points: [...String(p["@_d"]).matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((m) => ({
        x: Number(m[1]),
        y: Number(m[2]),
      })),
    }));
  return { root, texts, lines, words: texts.map((t) => t.text) };
}

/** Where the y axis puts a latency in ms: the pixel map of its own numbered labels. */
export function yOf(texts: { text: string; anchor: string; transform: string }[], ms: number): number {
  const ticks = texts
    .filter((t) => t.anchor === "end" && /^\d+(\.\d+)?$/.test(t.text))
    .map((t) => ({
      value: Number(t.text),
      y: Number(/translate\([\d.]+ ([\d.]+)\)/.exec(t.transform)?.[1]),
    }));
  assert.ok(ticks.length >= 2, `y axis labels: ${JSON.stringify(ticks)}`);
  const a = ticks[0] as { value: number; y: number };
  const b = ticks[ticks.length - 1] as { value: number; y: number };
  return a.y + ((ms - a.value) * (b.y - a.y)) / (b.value - a.value);
}

/** Where the x axis puts a percentile (0 ≤ p < 100): the log scale of 1/(1−p) between its "0%" and "99.999%" labels. */
export function xOf(texts: { text: string; transform: string }[], percentile: number): number {
  const at = (label: string) => {
    const t = texts.find((x) => x.text === label);
    assert.ok(t, `x axis label ${label}`);
    return Number(/translate\(([\d.]+) /.exec(t.transform)?.[1]);
  };
  const [left, right] = [at("0%"), at("99.999%")];
  return left + (Math.log10(1 / (1 - percentile / 100)) * (right - left)) / 5;
}

/**
 * That a drawn line is exactly `points` (a percentile distribution; its
 * 100 % point lies at infinity and is not drawn): as many, each where the
 * axes put it, to the SVG's rounding.
 */
export function assertCurve(
  texts: { text: string; anchor: string; transform: string }[],
  line: { points: { x: number; y: number }[] },
  points: readonly { percentile: number; valueUs: number }[],
): void {
  const expected = points.filter((p) => p.percentile < 100);
  assert.ok(expected.length >= 20, `a dense curve: ${expected.length} points`);
  assert.equal(line.points.length, expected.length, "one drawn point per point of the distribution");
  line.points.forEach((p, i) => {
    const e = expected[i] as { percentile: number; valueUs: number };
    const [x, y] = [xOf(texts, e.percentile), yOf(texts, e.valueUs / 1000)];
    assert.ok(
      Math.abs(p.x - x) < 0.6 && Math.abs(p.y - y) < 0.6,
      `point ${i}: (${p.x}, ${p.y}) drawn, (${x}, ${y}) for ${e.valueUs} µs at ${e.percentile} %`,
    );
  });
}
