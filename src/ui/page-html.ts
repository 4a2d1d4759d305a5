/**
 * The live page's HTML: a skeleton the script (`/page/app.js`) fills in, in the
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

/** What the skeleton itself says, before the script has run (or when it cannot). */
const SKELETON: Readonly<Record<PageLang, { title: string; noscript: string }>> = {
  en: {
    title: "tcpecho live",
    noscript: "This page draws the server live with JavaScript: turn it on to see it.",
  },
  ko: {
    title: "tcpecho 실시간 보기",
    noscript: "이 페이지는 JavaScript로 서버를 실시간으로 그립니다. JavaScript를 켜 주세요.",
  },
};

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
  const words = SKELETON[settings.lang];
  return `<!doctype html>
<html lang="${settings.lang}" data-control="${settings.control}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${words.title}</title>
<link rel="stylesheet" href="/app.css">
<script type="module" src="/page/app.js"></script>
</head>
<body>
<noscript><p class="noscript">${words.noscript}</p></noscript>
<main id="app"></main>
</body>
</html>
`;
}
