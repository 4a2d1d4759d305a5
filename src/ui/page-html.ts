/**
 * The live page's HTML: a skeleton the script (`/app.js`) fills in, in the
 * page's language, saying whether the fault panel is on. No inline script
 * or style: the Content-Security-Policy allows neither.
 *
 * @module
 */

/** The page's language. */
export type PageLang = "en" | "ko";

/** Whether the page may change faults: no, yes, or yes with a token the user types. */
export type PageControl = "off" | "open" | "token";

/** What the HTML says about the page it serves. */
export interface PageSettings {
  lang: PageLang;
  control: PageControl;
}

/**
 * The page for `settings`.
 *
 * @example
 * ```ts
 * import { pageHtml } from "./page-html.js";
 * pageHtml({ lang: "ko", control: "off" }).startsWith("<!doctype html>"); // true
 * ```
 */
export function pageHtml(settings: PageSettings): string {
  return `<!doctype html>
<html lang="${settings.lang}" data-control="${settings.control}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tcpecho</title>
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<main id="app"></main>
</body>
</html>
`;
}
