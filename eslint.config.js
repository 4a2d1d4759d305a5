// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // The live page's browser code: the browser's globals, not Node's; and no way
    // to put a server's or a client's text into the page as HTML.
    files: ["src/ui/page/**/*.ts"],
    languageOptions: {
      globals: {
        process: "off",
        Buffer: "off",
        window: "readonly",
        document: "readonly",
        console: "readonly",
        EventSource: "readonly",
        MessageEvent: "readonly",
        KeyboardEvent: "readonly",
        Element: "readonly",
        HTMLElement: "readonly",
        HTMLElementTagNameMap: "readonly",
        HTMLTableRowElement: "readonly",
        HTMLInputElement: "readonly",
        HTMLButtonElement: "readonly",
        HTMLLIElement: "readonly",
        Node: "readonly",
        EventTarget: "readonly",
        fetch: "readonly",
        sessionStorage: "readonly",
        performance: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
      },
    },
    rules: {
      "no-restricted-properties": [
        "error",
        ...[
          "innerHTML",
          "outerHTML",
          "insertAdjacentHTML",
          "write",
          "writeln",
          "createContextualFragment",
        ].map((property) => ({
          property,
          message: "Text goes in as text: textContent, createTextNode or append.",
        })),
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[property.name='style']",
          message: "Style with classes (the CSP forbids inline style).",
        },
        {
          selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^(style|on)/]",
          message: "No inline style or handler.",
        },
      ],
    },
  },
);
