// Lint: ESLint's and typescript-eslint's recommended rules (pure JavaScript, so
// `npm ci` needs no platform binaries).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "migrations/", "bench/results/", "dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  // Imports point one way: api and web each use the shared rooms (http: request plumbing; render: Mastodon
  // JSON; pages: the layout, session and sign-in the web and the OAuth pages share), never each other;
  // the shared rooms use neither; the domain knows no HTTP framework and no Fedify.
  ...[
    { files: ["src/web/**"], forbid: ["**/api/**"] },
    { files: ["src/api/**"], forbid: ["**/web/**"] },
    { files: ["src/http/**", "src/render/**", "src/pages/**", "src/streaming/**"], forbid: ["**/api/**", "**/web/**"] },
    { files: ["src/domain/**"], forbid: ["hono", "hono/*", "@fedify/*", "**/api/**", "**/web/**", "**/federation/**"] },
  ].map(({ files, forbid }) => ({
    files,
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: forbid, message: "imports point one way (eslint.config.js)" }] }] },
  })),
);
