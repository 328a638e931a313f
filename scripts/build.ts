// Bundles the server, the worker and the CLI into dist/ with esbuild, so `npm start`
// loads one file instead of compiling ~1,000 modules (and re-reading their
// package.json files) at every start.  Run by `npm start` (prestart) and
// after `npm install`; it rebuilds only when a source is newer than the bundle.
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const outputs = ["main", "cli", "worker", "start"].map((name) => join(root, `dist/${name}.mjs`));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const built = Math.min(...outputs.map((o) => statSync(o, { throwIfNoEntry: false })?.mtimeMs ?? 0));
const sources = Math.max(newest(join(root, "src")), newest(join(root, "federation")), statSync(join(root, "package-lock.json")).mtimeMs);
if (process.argv.includes("--force") || sources > built) {
  const started = performance.now();
  await build({
    entryPoints: { main: join(root, "src/main.ts"), cli: join(root, "src/cli.ts"), worker: join(root, "src/worker.ts") },
    outdir: join(root, "dist"),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    // Native addons stay in node_modules.
    // tesseract.js starts its worker thread from its own files: it stays a package, not bundled.
    external: ["better-sqlite3", "sharp", "tesseract.js"],
    jsx: "automatic",
    jsxImportSource: "hono/jsx",
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
    // CommonJS dependencies call require() for Node's built-ins.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  });
  // The launcher turns on Node's compile cache before the bundle loads (≈100 ms off every later start).
  writeFileSync(
    join(root, "dist/start.mjs"),
    'import module from "node:module";\nmodule.enableCompileCache?.();\nawait import("./main.mjs");\n',
  );
  console.log(`Built dist/ in ${Math.round(performance.now() - started)} ms`);
}
