/**
 * Byte counts and durations as each language writes them (`1 byte`,
 * `1.5 s`; `1바이트`, `1.5초`), shared by every audience's sentences.
 *
 * @module
 */

import type { Lang } from "./lang.js";

/** One language's units. */
export interface UnitMessages {
  bytes(n: number): string;
  duration(ms: number): string;
}

const en: UnitMessages = {
  bytes: (n) => (n === 1 ? "1 byte" : n < 1e6 ? `${n} bytes` : `${(n / 1e6).toFixed(1)} MB`),
  duration: (ms) =>
    ms < 1000
      ? `${Math.round(ms)} ms`
      : ms < 60_000
        ? `${(ms / 1000).toFixed(1)} s`
        : `${Math.floor(ms / 60_000)} min ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")} s`,
};

const ko: UnitMessages = {
  bytes: (n) => (n < 1e6 ? `${n}바이트` : `${(n / 1e6).toFixed(1)}MB`),
  duration: (ms) =>
    ms < 1000
      ? `${Math.round(ms)}밀리초`
      : ms < 60_000
        ? `${(ms / 1000).toFixed(1)}초`
        : `${Math.floor(ms / 60_000)}분 ${Math.floor((ms % 60_000) / 1000)}초`,
};

/**
 * The units by language.
 *
 * @example
 * ```ts
 * import { units } from "./units.js";
 * units.en.duration(65_000); // "1 min 05 s"
 * units.ko.bytes(5); // "5바이트"
 * ```
 */
export const units: Readonly<Record<Lang, UnitMessages>> = { en, ko };
