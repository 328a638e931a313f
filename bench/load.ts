// A closed-loop HTTP load generator, run as its own process so it does not
// share a CPU budget with the server under test. Prints one JSON line.
import { readFileSync } from "node:fs";
import { Agent, request } from "undici";

interface Config {
  /** Fixed GET/POST of one URL for a duration, or a list of prepared requests sent once each. */
  mode: "duration" | "list";
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  durationMs?: number;
  listFile?: string;
  concurrency: number;
}

interface Prepared {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

const config = JSON.parse(process.argv[2]!) as Config;
const agent = new Agent({ connections: config.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
const latencies: number[] = [];
let ok = 0;
let errors = 0;
const statuses: Record<string, number> = {};

async function send(r: Prepared): Promise<void> {
  const started = performance.now();
  try {
    const res = await request(r.url, { method: r.method as "GET", headers: r.headers, body: r.body, dispatcher: agent });
    await res.body.dump();
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    if (res.statusCode < 300) ok++;
    else errors++;
  } catch {
    errors++;
  }
  latencies.push(performance.now() - started);
}

const started = performance.now();
if (config.mode === "duration") {
  const one: Prepared = { url: config.url!, method: config.method ?? "GET", headers: config.headers ?? {}, body: config.body };
  const deadline = started + config.durationMs!;
  await Promise.all(
    Array.from({ length: config.concurrency }, async () => {
      while (performance.now() < deadline) await send(one);
    }),
  );
} else {
  const list = readFileSync(config.listFile!, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Prepared);
  let next = 0;
  await Promise.all(
    Array.from({ length: config.concurrency }, async () => {
      while (next < list.length) await send(list[next++]!);
    }),
  );
}
const elapsed = performance.now() - started;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    requests: latencies.length,
    ok,
    errors,
    statuses,
    seconds: elapsed / 1000,
    rps: latencies.length / (elapsed / 1000),
    p50: pct(50),
    p99: pct(99),
  }),
);
await agent.close();
