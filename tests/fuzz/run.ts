/**
 * npm run fuzz: thousands of mutated, validly signed activities against one
 * instance, reporting answers by status, any 5xx or broken connection, the
 * time to drain, stray rows, and memory before, at the peak and after idling.
 * FUZZ_CASES (default 10000) and FUZZ_SEED (default 1) choose the run.
 */
import { approvedPhysician, ownerToken } from "../helpers/client.ts";
import { FakePeer } from "../helpers/fake-peer.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually } from "../helpers/network.ts";
import { runInboxFuzz } from "./inbox-fuzzer.ts";

const cases = Number(process.env["FUZZ_CASES"] ?? 10_000);
const seed = Number(process.env["FUZZ_SEED"] ?? 1);
const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

const instances = await startInstances(1, [{ env: { CONSILIUM_HTTP_TIMEOUT_SECONDS: "2" } }]);
const [uk] = instances as unknown as [TestInstance];
const staff = await ownerToken(uk);
await approvedPhysician(uk, staff, { username: "uk_doc" });
const fake = await FakePeer.start();
await fake.addUser("fuzz");
await fake.peerWith(uk, staff);

const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
const started = performance.now();
const result = await runInboxFuzz({ peer: fake, actor: "fuzz", target: uk.origin, cases, seed });
const sentIn = performance.now() - started;
const pending = () => (uk.services.database.sqlite.prepare("SELECT count(*) AS n FROM inbox_activities").get() as { n: number }).n;
await eventually(() => pending() === 0, "the inbox to drain", 300_000).catch(() => {});
const drainedIn = performance.now() - started;
const stored = uk.services.database.sqlite.prepare("SELECT uri FROM statuses WHERE uri LIKE ?").all(`${fake.origin}/%`) as {
  uri: string;
}[];
const stray = stored.filter((s) => !result.accepted.has(s.uri));
(globalThis as { gc?: () => void }).gc?.();
// The measurement is memory after 30 s of idling (npm run fuzz, not part of npm test): the wait is what is measured.
await new Promise((r) => setTimeout(r, 30_000));
clearInterval(sampler);
const after = process.memoryUsage().rss;

console.log(`fuzz: ${cases} cases (seed ${seed}) in ${Math.round(sentIn)} ms, drained in ${Math.round(drainedIn)} ms`);
console.log(`answers: ${JSON.stringify(result.byStatus)}`);
console.log(`5xx or broken: ${result.failures.length}${result.failures.length ? `\n  ${result.failures.slice(0, 10).join("\n  ")}` : ""}`);
console.log(`left in the inbox: ${pending()}; stray rows: ${stray.length}; stored: ${stored.length}`);
console.log(`RSS (fuzzer and instance in one process): before ${mb(before)}, peak ${mb(peak)}, 30 s after ${mb(after)}`);
const left = pending();
await fake.close();
await instances.closeAll();
process.exit(result.failures.length > 0 || stray.length > 0 || left > 0 ? 1 : 0);
