// Dev tool: CPU-profiles one endpoint of a seeded instance under load.
//   node --import tsx bench/profile.ts [path] [seconds]
// Seeds /tmp/consilium-profile once (10,000 accounts, 200,000 posts), starts the
// server with --cpu-prof, drives bench/load.ts at 32 connections, and prints
// the figures and the profile file.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { createServices } from "../src/services.ts";
import { seed } from "./seed.ts";

const dir = process.env["PROFILE_DIR"] ?? "/tmp/consilium-profile";
const port = 39990;
const env = {
  ...process.env,
  NODE_ENV: "production",
  CONSILIUM_DATA_DIR: join(dir, "data"),
  CONSILIUM_SECRET: "p".repeat(40),
  CONSILIUM_ORIGIN: `http://127.0.0.1:${port}`,
  PORT: String(port),
  HOST: "127.0.0.1",
  LOG_LEVEL: "warning",
  CONSILIUM_ALLOW_PRIVATE_ADDRESS: "true",
};
const config = loadConfig(env);
if (!existsSync(config.databasePath)) {
  await seed(config, { accounts: 10_000, posts: 200_000, follows: 500, threadReplies: 300, fakePeers: [] });
}
const database = openDatabase(config.databasePath);
const services = createServices(config, database);
const viewer = services.accounts.findByUsername("bench_0")!;
const { app } = services.oauth.createApp({ name: "profile", redirectUris: ["urn:ietf:wg:oauth:2.0:oob"], scopes: "read" });
const token = services.oauth.issueForAccount(app.id, viewer.id, ["read"]).accessToken;
const caseId = (database.sqlite.prepare("SELECT id FROM statuses WHERE kind = 'case' LIMIT 1").get() as { id: string }).id;
database.close();

const path = (process.argv[2] ?? "/api/v1/timelines/home?limit=20").replace("{case}", caseId);
const seconds = Number(process.argv[3] ?? 6);
const profiles = join(dir, "profiles");
mkdirSync(profiles, { recursive: true });
execFileSync(process.execPath, [join(import.meta.dirname, "../scripts/build.ts")], { stdio: "inherit" });
const server = spawn(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${profiles}`, join(import.meta.dirname, "../dist/start.mjs")], {
  env,
  stdio: ["ignore", "ignore", "inherit"],
});
for (let i = 0; i < 200; i++) {
  if (
    await fetch(`http://127.0.0.1:${port}/health`)
      .then((r) => r.ok)
      .catch(() => false)
  )
    break;
  await new Promise((r) => setTimeout(r, 50));
}
const load = spawn(
  process.execPath,
  [
    join(import.meta.dirname, "load.ts"),
    JSON.stringify({
      mode: "duration",
      url: `http://127.0.0.1:${port}${path}`,
      headers: { Authorization: `Bearer ${token}` },
      durationMs: seconds * 1000,
      concurrency: 32,
    }),
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
let out = "";
load.stdout.on("data", (d) => (out += d));
await new Promise((r) => load.on("exit", r));
server.kill("SIGTERM");
await new Promise((r) => server.on("exit", r));
const result = JSON.parse(out.trim().split("\n").at(-1)!);
console.log(JSON.stringify({ path, rps: Math.round(result.rps), p50: result.p50, p99: result.p99, errors: result.errors }));
console.log(join(profiles, readdirSync(profiles).sort().at(-1)!));
