// Lint: ESLint's and typescript-eslint's recommended rules (pure JavaScript, so
// `npm ci` needs no platform binaries).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Files whose database access is awaited (src/db/async-sqlite.ts); the rest still calls the connection synchronously. */
const ASYNC_DATA_LAYER = ["src/domain/tags/**"];

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
  // As the domain becomes asynchronous, a promise left unawaited is a write that may not happen before the answer:
  // the type checker says what is a promise
  {
    files: ["src/**/*.ts", "federation/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
    },
  },
  // The asynchronous data layer (src/db/async-sqlite.ts), folder by folder: code moved to it may not reach the
  // synchronous connection again, so PostgreSQL can sit under it. Add each file or folder here as it moves.
  {
    files: ASYNC_DATA_LAYER,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "better-sqlite3", message: "this code is on the asynchronous data layer (AsyncDb)" }],
          patterns: [
            {
              group: ["**/db/client.ts", "**/db/prepared.ts"],
              importNames: ["Db", "DatabaseHandle", "once"],
              message: "this code is on the asynchronous data layer (AsyncDb)",
            },
          ],
        },
      ],
    },
  },
);
