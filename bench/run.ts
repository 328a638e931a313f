// npm run bench: real instances on loopback, seeded data, load from separate
// processes, every figure beside a ceiling measured in the same run.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createSign, createVerify, generateKeyPairSync } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { signRequest } from "@fedify/fedify";
import { Secret, TOTP } from "otpauth";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { createBackup } from "../src/ops/backup.ts";
import { createServices } from "../src/services.ts";
import { findPhi } from "../src/domain/phi/guard.ts";
import { BATCHES, PER_BATCH, postCost } from "./post-cost.ts";
import { seed } from "./seed.ts";

const QUICK = process.env["BENCH_QUICK"] === "1";
// BENCH_ONLY=home,thread,fanout,inbox,poll,backup,phi,post runs only those scenarios (with BENCH_PROFILE, to profile one).
const ONLY = new Set((process.env["BENCH_ONLY"] ?? "home,thread,fanout,inbox,poll,backup,phi,post").split(","));
const PLAN = {
  accounts: QUICK ? 1000 : 10_000,
  posts: QUICK ? 20_000 : 200_000,
  follows: 500,
  threadReplies: 300,
  inboxActivities: QUICK ? 500 : 1500,
  pollVotes: QUICK ? 150 : 1000,
  fakePeers: 20,
  loadSeconds: QUICK ? 3 : 6,
  concurrency: 32,
};
const root = join(import.meta.dirname, "results");
const work = join(root, "work");
const node = process.execPath;

interface Row {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  ceiling?: number;
  ceilingWhat?: string;
}
const rows: Row[] = [];
const record = (row: Row) => {
  rows.push(row);
  const ratio = row.ceiling ? ` (${((row.value / row.ceiling) * 100).toFixed(1)}% of ${row.ceilingWhat} ${round(row.ceiling)})` : "";
  console.log(`  ${row.scenario} · ${row.metric}: ${round(row.value)} ${row.unit}${ratio}`);
};
const round = (n: number) => (n >= 100 ? Math.round(n) : Math.round(n * 100) / 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(20);
  }
  throw new Error(`${url} did not come up`);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function load(config: object): Promise<{
  requests: number;
  ok: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  seconds: number;
  statuses: Record<string, number>;
}> {
  const child = spawn(node, [join(import.meta.dirname, "load.ts"), JSON.stringify(config)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  await new Promise((r) => child.on("exit", r));
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

function instanceEnv(name: string, port: number) {
  return {
    ...process.env,
    NODE_ENV: "production",
    CONSILIUM_ORIGIN: `http://127.0.0.1:${port}`,
    PORT: String(port),
    HOST: "127.0.0.1",
    CONSILIUM_DATA_DIR: join(work, name),
    CONSILIUM_SECRET: `bench-secret-${name}-${"x".repeat(32)}`,
    CONSILIUM_INSTANCE_NAME: `Bench ${name}`,
    CONSILIUM_ALLOW_PRIVATE_ADDRESS: "true",
    CONSILIUM_PASSWORD_COST: "12",
    LOG_LEVEL: "warning",
  };
}

async function startInstance(name: string, port: number): Promise<{ child: ChildProcess; startupMs: number }> {
  const started = performance.now();
  // BENCH_PROFILE=dir writes a CPU profile of instance A there (for --cpu-prof analysis).
  const profile = process.env["BENCH_PROFILE"] && name === "a" ? ["--cpu-prof", `--cpu-prof-dir=${process.env["BENCH_PROFILE"]}`] : [];
  const child = spawn(node, [...profile, join(import.meta.dirname, "../dist/start.mjs")], {
    env: instanceEnv(name, port),
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitFor(`http://127.0.0.1:${port}/health`);
  return { child, startupMs: performance.now() - started };
}

async function main() {
  // The instances run the bundle, as `npm start` does.
  execFileSync(node, [join(import.meta.dirname, "../scripts/build.ts")], { stdio: "inherit" });
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  console.log(
    `Consilium benchmark on ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}${QUICK ? " (quick)" : ""}`,
  );

  // ---------------------------------------------------------------- ceilings
  console.log("Ceilings");
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const data = Buffer.from("(request-target): post /inbox\nhost: example\ndate: now\ndigest: SHA-256=abc");
  const signature = createSign("sha256").update(data).sign(privateKey);
  let verifications = 0;
  const vStart = performance.now();
  while (performance.now() - vStart < 1000) {
    createVerify("sha256").update(data).verify(publicKey, signature);
    verifications++;
  }
  const rsaPerSecond = verifications / ((performance.now() - vStart) / 1000);
  record({ scenario: "ceiling", metric: "RSA-2048 verifications", value: rsaPerSecond, unit: "/s (one core)" });
  // The privacy guard's cost per text (every language's rules, no OCR), over the project's own corpora:
  // with the language declared (as Mastodon clients send it) and with it left for eld to detect.
  if (ONLY.has("phi")) {
    const texts = ["phi-cases.jsonl", "phi-multilingual.jsonl"].flatMap((f) =>
      readFileSync(join(import.meta.dirname, "..", "tests", "fixtures", f), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { text: string; lang?: string }),
    );
    for (const [how, language] of [
      ["declared", (t: { lang?: string }) => t.lang ?? "en"],
      ["detected", () => undefined],
    ] as const) {
      for (let i = 0; i < 50; i++) for (const t of texts) findPhi(t.text, language(t));
      // Many short runs: this machine has slow spells of a few seconds, and the median of many runs sees through them.
      const runs: number[] = [];
      for (let r = 0; r < 21; r++) {
        const started = performance.now();
        for (let i = 0; i < 20; i++) for (const t of texts) findPhi(t.text, language(t));
        runs.push(((performance.now() - started) * 1000) / (20 * texts.length));
      }
      runs.sort((x, y) => x - y);
      record({
        scenario: "privacy guard",
        metric: `text check, language ${how}, median of 21 runs over ${texts.length} texts in 7 languages (fastest ${round(runs[0]!)}, slowest ${round(runs[20]!)})`,
        value: runs[10]!,
        unit: "µs per text (target < 50)",
      });
    }
  }
  // A post's CPU with 100 and 10,000 earlier posts by its author, in-process (stored, announced, rendered).
  if (ONLY.has("post")) {
    const costs = await postCost(loadConfig(instanceEnv("post", await freePort())), [100, 10_000]);
    for (const cost of costs)
      record({
        scenario: "posting",
        metric: `one post, its author with ${cost.priorPosts} earlier posts (median of ${BATCHES} batches of ${PER_BATCH})`,
        value: cost.cpuMsPerPost,
        unit: "ms CPU",
      });
    const [few, many] = costs;
    record({
      scenario: "posting",
      metric: "cost at 10,000 earlier posts against 100 (target within 10 %)",
      value: (many!.cpuMsPerPost / few!.cpuMsPerPost - 1) * 100,
      unit: "% more",
    });
  }
  const barePort = await freePort();
  const bare = spawn(node, [join(import.meta.dirname, "bare-hono.ts"), String(barePort)], { stdio: ["ignore", "pipe", "inherit"] });
  await waitFor(`http://127.0.0.1:${barePort}/json`);
  const bareGet = await load({
    mode: "duration",
    url: `http://127.0.0.1:${barePort}/json`,
    durationMs: PLAN.loadSeconds * 1000,
    concurrency: PLAN.concurrency,
  });
  record({ scenario: "ceiling", metric: "bare Hono JSON GET", value: bareGet.rps, unit: "req/s" });
  const barePost = await load({
    mode: "duration",
    url: `http://127.0.0.1:${barePort}/inbox`,
    method: "POST",
    headers: { "content-type": "application/activity+json" },
    body: JSON.stringify({ type: "Create", object: { content: "x".repeat(400) } }),
    durationMs: PLAN.loadSeconds * 1000,
    concurrency: PLAN.concurrency,
  });
  record({ scenario: "ceiling", metric: "bare Hono POST", value: barePost.rps, unit: "req/s" });
  bare.kill();

  // ---------------------------------------------------------------- seed and start
  const portA = await freePort();
  const portB = await freePort();
  const portC = await freePort();
  const portOf: Record<string, number> = { a: portA, b: portB, c: portC };
  const fakePorts = await Promise.all(Array.from({ length: PLAN.fakePeers }, () => freePort()));
  const fakeOrigins = fakePorts.map((p) => `http://127.0.0.1:${p}`);
  const configA = loadConfig(instanceEnv("a", portA));
  console.log(
    `Seeding A: ${PLAN.accounts} accounts, ${PLAN.posts} posts, viewer follows ${PLAN.follows}, a case with ${PLAN.threadReplies} replies, ${PLAN.fakePeers} fake peers`,
  );
  const seedStarted = performance.now();
  const seeded = await seed(configA, {
    accounts: PLAN.accounts,
    posts: PLAN.posts,
    follows: PLAN.follows,
    threadReplies: PLAN.threadReplies,
    fakePeers: fakeOrigins,
  });
  console.log(`  seeded in ${Math.round(performance.now() - seedStarted)} ms`);

  // Fake peers: small inbox servers that count what they are sent.
  const received: { port: number; at: number; type: string; signed: boolean }[] = [];
  const fakes: Server[] = fakePorts.map((port) =>
    createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        if (req.method === "POST") {
          let type = "?";
          try {
            type = JSON.parse(body).type;
          } catch {
            // not JSON
          }
          received.push({ port, at: performance.now(), type, signed: Boolean(req.headers["signature"] || req.headers["signature-input"]) });
        }
        res.writeHead(req.method === "POST" ? 202 : 404).end();
      });
    }).listen(port, "127.0.0.1"),
  );

  const adminToken = async (name: string) => {
    const cfg = loadConfig(instanceEnv(name, portOf[name]!));
    mkdirSync(cfg.dataDir, { recursive: true });
    const db = openDatabase(cfg.databasePath);
    const services = createServices(cfg, db);
    const staff = await services.accounts.createStaff({
      username: `owner_${name}`,
      email: `owner-${name}@example.test`,
      password: "bench password",
      role: "owner",
    });
    const { app, clientSecret } = services.oauth.createApp({
      name: "bench admin",
      redirectUris: ["urn:ietf:wg:oauth:2.0:oob"],
      scopes: "read write admin:read admin:write",
    });
    // Admin scopes hold only on a token issued after the staff member's second factor: set one up and pass it, as at a console sign-in.
    const { secret } = services.secondFactors.beginSetup(staff.id, staff.username);
    services.secondFactors.confirmSetup(
      staff.id,
      new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate(),
    );
    const code = services.oauth.issueCode({
      app,
      accountId: staff.id,
      redirectUri: "urn:ietf:wg:oauth:2.0:oob",
      scopes: ["read", "write", "admin:read", "admin:write"],
      secondFactorAt: new Date(),
    });
    const token = services.oauth.exchangeCode({ clientId: app.clientId, clientSecret, code }).accessToken;
    db.close();
    return token;
  };
  const tokenA = await adminToken("a");
  const tokenB = await adminToken("b");
  const tokenC = await adminToken("c");
  // Poll voters, a third on each instance, approved with credentials before the servers start.
  const makeVoters = async (name: string, count: number) => {
    const cfg = loadConfig(instanceEnv(name, portOf[name]!));
    const db = openDatabase(cfg.databasePath);
    const services = createServices(cfg, db);
    const { app } = services.oauth.createApp({ name: "bench voters", redirectUris: ["urn:ietf:wg:oauth:2.0:oob"], scopes: "read write" });
    const tokens: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const applied = await services.accounts.apply({
        username: `pv_${name}_${i}`,
        email: `pv-${name}-${i}@example.test`,
        password: "bench password",
        agreement: true,
        legalName: "Synthetic Quorum",
        licenseNumber: `PV${name}${i}`,
        licenseJurisdiction: "GB",
        specialty: "cardiology",
      });
      await services.credentials.issue(services.review.approve("bench", applied.id));
      tokens.push(services.oauth.issueForAccount(app.id, applied.id, ["read", "write"]).accessToken);
      ids.push(applied.id);
    }
    // Actor keys are made on first use; making them now keeps RSA key generation
    // (part of setting up a physician, not of voting) out of the burst's timing.
    for (let i = 0; i < ids.length; i += 8) await Promise.all(ids.slice(i, i + 8).map((id) => services.keys.keyPairs(id)));
    db.close();
    return tokens;
  };
  const perInstance = Math.ceil(PLAN.pollVotes / 3);
  const voters = {
    a: await makeVoters("a", perInstance),
    b: await makeVoters("b", perInstance),
    c: await makeVoters("c", PLAN.pollVotes - 2 * perInstance),
  };
  const a = await startInstance("a", portA);
  record({
    scenario: "footprint",
    metric: `start-up with an existing database (${PLAN.posts} posts)`,
    value: a.startupMs,
    unit: "ms (spawn to first answer)",
  });
  const b = await startInstance("b", portB);
  const c = await startInstance("c", portC);
  await sleep(1500);
  record({ scenario: "footprint", metric: "RSS idle (seeded)", value: rssMb(a.child.pid!), unit: "MB" });

  const origin = (port: number) => `http://127.0.0.1:${port}`;
  const auth = { Authorization: `Bearer ${seeded.viewerToken}` };

  // ---------------------------------------------------------------- home timeline
  if (ONLY.has("home")) {
    console.log("Home timeline");
    const home = await load({
      mode: "duration",
      url: `${origin(portA)}/api/v1/timelines/home?limit=20`,
      headers: auth,
      durationMs: PLAN.loadSeconds * 1000,
      concurrency: PLAN.concurrency,
    });
    record({
      scenario: "home timeline",
      metric: "GET limit=20",
      value: home.rps,
      unit: "req/s",
      ceiling: bareGet.rps,
      ceilingWhat: "bare Hono",
    });
    record({ scenario: "home timeline", metric: "p50", value: home.p50, unit: "ms" });
    record({ scenario: "home timeline", metric: "p99", value: home.p99, unit: "ms" });
    const deep = await load({
      mode: "duration",
      url: `${origin(portA)}/api/v1/timelines/home?limit=20&max_id=${seeded.deepMaxId}`,
      headers: auth,
      durationMs: PLAN.loadSeconds * 1000,
      concurrency: PLAN.concurrency,
    });
    record({
      scenario: "home timeline",
      metric: "GET a page deep (max_id)",
      value: deep.rps,
      unit: "req/s",
      ceiling: bareGet.rps,
      ceilingWhat: "bare Hono",
    });
    record({ scenario: "home timeline", metric: "deep p99", value: deep.p99, unit: "ms" });
    if (home.errors + deep.errors > 0) console.log(`  errors: ${JSON.stringify(home.statuses)} ${JSON.stringify(deep.statuses)}`);
  }
  // ---------------------------------------------------------------- case thread
  if (ONLY.has("thread")) {
    console.log("Case thread");
    const thread = await load({
      mode: "duration",
      url: `${origin(portA)}/api/v1/statuses/${seeded.caseId}/context`,
      headers: auth,
      durationMs: PLAN.loadSeconds * 1000,
      concurrency: 8,
    });
    record({
      scenario: "case thread",
      metric: `context of a case with ${PLAN.threadReplies} replies`,
      value: thread.rps,
      unit: "req/s",
      ceiling: bareGet.rps,
      ceilingWhat: "bare Hono",
    });
    record({ scenario: "case thread", metric: "p50", value: thread.p50, unit: "ms" });
    record({ scenario: "case thread", metric: "p99", value: thread.p99, unit: "ms" });
  }
  // ---------------------------------------------------------------- peering A <-> B through the admin API
  const post = (o: string, path: string, token: string, body: object) =>
    fetch(`${o}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  const peerPair = async (x: number, tokenX: string, y: number, tokenY: string) => {
    await post(origin(x), "/api/v1/consilium/peers", tokenX, { origin: origin(y) });
    for (let i = 0; i < 100; i++) {
      const r = await post(origin(y), "/api/v1/consilium/peers/approve", tokenY, { origin: origin(x) });
      if (r.ok) break;
      await sleep(50);
    }
    for (let i = 0; i < 200; i++) {
      const list = (await (
        await fetch(`${origin(x)}/api/v1/consilium/peers`, { headers: { Authorization: `Bearer ${tokenX}` } })
      ).json()) as { origin: string; state: string }[];
      if (!Array.isArray(list)) throw new Error(`peers list: ${JSON.stringify(list)}`);
      if (list.find((p) => p.origin === origin(y))?.state === "active") break;
      await sleep(50);
    }
  };
  await peerPair(portA, tokenA, portB, tokenB);
  await peerPair(portA, tokenA, portC, tokenC);
  await peerPair(portB, tokenB, portC, tokenC);

  // ---------------------------------------------------------------- fan-out to 20 peers
  if (ONLY.has("fanout")) {
    console.log("Fan-out");
    const before = received.length;
    const fanStart = performance.now();
    await post(origin(portA), "/api/v1/statuses", seeded.viewerToken, { status: "Fan-out benchmark post" });
    while (received.slice(before).filter((r) => r.type === "Create").length < PLAN.fakePeers && performance.now() - fanStart < 30_000)
      await sleep(5);
    const creates = received.slice(before).filter((r) => r.type === "Create");
    const fanMs = (creates.at(-1)?.at ?? performance.now()) - fanStart;
    record({ scenario: "fan-out", metric: `network post to ${PLAN.fakePeers} peers: time until all have it`, value: fanMs, unit: "ms" });
    record({
      scenario: "fan-out",
      metric: "inbox requests made to the fake peers",
      value: creates.length,
      unit: `(expected ${PLAN.fakePeers}; all signed: ${creates.every((c) => c.signed)})`,
    });
  }
  // ---------------------------------------------------------------- inbox throughput
  if (ONLY.has("inbox")) {
    console.log("Inbox throughput");
    const cfgB = loadConfig(instanceEnv("b", portB));
    const dbB = openDatabase(cfgB.databasePath);
    const servicesB = createServices(cfgB, dbB);
    const applied = await servicesB.accounts.apply({
      username: "bench_sender",
      email: "sender@example.test",
      password: "bench password",
      agreement: true,
      legalName: "Synthetic Writer",
      licenseNumber: "BENCH1",
      licenseJurisdiction: "GB",
      specialty: "cardiology",
    });
    const sender = await servicesB.credentials.issue(servicesB.review.approve("bench", applied.id));
    const [rsa] = await servicesB.keys.keyPairs(sender.id);
    const actorUri = `${origin(portB)}/users/bench_sender`;
    const keyId = new URL(`${actorUri}#main-key`);
    const listFile = join(work, "inbox-requests.jsonl");
    const lines: string[] = [];
    const audience = `${origin(portB)}/users/__instance__/followers`;
    const makeRequest = async (i: number) => {
      const uri = `${actorUri}/statuses/bench-${i}`;
      const body = JSON.stringify({
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${uri}#create`,
        type: "Create",
        actor: actorUri,
        to: [audience],
        object: {
          id: uri,
          type: "Note",
          attributedTo: actorUri,
          content: `<p>Inbox benchmark ${i}: HbA1c 7.2%, day 3.</p>`,
          published: new Date().toISOString(),
          to: [audience],
        },
      });
      const signed = await signRequest(
        new Request(`${origin(portA)}/inbox`, { method: "POST", headers: { "Content-Type": "application/activity+json" }, body }),
        rsa!.privateKey,
        keyId,
      );
      return { url: signed.url, method: "POST", headers: Object.fromEntries(signed.headers.entries()), body };
    };
    // Warm-up: the first activity makes A fetch the sender's actor and key.
    const warm = await makeRequest(-1);
    await fetch(warm.url, { method: "POST", headers: warm.headers, body: warm.body });
    const dbA = openDatabase(configA.databasePath);
    const countPersisted = () =>
      (dbA.sqlite.prepare("SELECT count(*) AS n FROM statuses WHERE uri LIKE ?").get(`${actorUri}/statuses/bench-%`) as { n: number }).n;
    for (let i = 0; i < 200 && countPersisted() < 1; i++) await sleep(50);
    for (let i = 0; i < PLAN.inboxActivities; i++) lines.push(JSON.stringify(await makeRequest(i)));
    writeFileSync(listFile, lines.join("\n"));
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(a.child.pid!))), 100);
    const inboxStart = performance.now();
    const inbox = await load({ mode: "list", listFile, concurrency: PLAN.concurrency });
    const acceptedAt = performance.now();
    const expected = 1 + inbox.ok;
    // While the accepted activities are applied, how long does an ordinary GET wait?
    const drainGets: number[] = [];
    while (countPersisted() < expected && performance.now() - acceptedAt < 120_000) {
      const t0 = performance.now();
      await fetch(`${origin(portA)}/api/v1/timelines/home?limit=5`, { headers: auth }).then((r) => r.arrayBuffer());
      drainGets.push(performance.now() - t0);
      await sleep(20);
    }
    const persistedMs = performance.now() - inboxStart;
    clearInterval(sampler);
    const persisted = countPersisted() - 1;
    record({
      scenario: "inbox",
      metric: "signed Create(Note) accepted",
      value: inbox.rps,
      unit: "/s",
      ceiling: barePost.rps,
      ceilingWhat: "bare Hono POST",
    });
    record({
      scenario: "inbox",
      metric: "accepted vs RSA verify ceiling",
      value: inbox.rps,
      unit: "/s",
      ceiling: rsaPerSecond,
      ceilingWhat: "RSA-2048 verifications/s",
    });
    record({ scenario: "inbox", metric: "p50", value: inbox.p50, unit: "ms" });
    record({ scenario: "inbox", metric: "p99", value: inbox.p99, unit: "ms" });
    record({ scenario: "inbox", metric: `all ${inbox.ok} persisted after`, value: persistedMs, unit: "ms" });
    record({
      scenario: "inbox",
      metric: "persisted throughput",
      value: persisted / (persistedMs / 1000),
      unit: "/s",
      ceiling: rsaPerSecond,
      ceilingWhat: "RSA-2048 verifications/s",
    });
    record({
      scenario: "inbox",
      metric: `accepted ${inbox.ok} of ${inbox.requests}, persisted`,
      value: persisted,
      unit: persisted === inbox.ok ? "(none lost)" : "(MISMATCH)",
    });
    record({ scenario: "footprint", metric: "RSS peak under inbox load", value: peakRss, unit: "MB" });
    drainGets.sort((x, y) => x - y);
    record({
      scenario: "inbox",
      metric: `slowest of ${drainGets.length} home GETs while the inbox drained`,
      value: drainGets.at(-1) ?? 0,
      unit: "ms",
    });
    dbA.close();
    dbB.close();
  }

  // ---------------------------------------------------------------- poll burst
  if (ONLY.has("poll")) {
    console.log("Poll burst");
    const created = (await (
      await post(origin(portA), "/api/v1/statuses", seeded.viewerToken, {
        status: "Benchmark poll",
        poll: { options: ["Yes", "No"], expires_in: 3600, eligible_specialties: ["cardiology"] },
      })
    ).json()) as { id: string; uri: string };
    const findPoll = async (port: number, token: string) => {
      for (let i = 0; i < 400; i++) {
        const res = (await (
          await fetch(`${origin(port)}/api/v2/search?q=${encodeURIComponent(created.uri)}&type=statuses`, {
            headers: { Authorization: `Bearer ${token}` },
          })
        ).json()) as { statuses: { id: string }[] };
        if (res.statuses[0]) return res.statuses[0].id;
        await sleep(50);
      }
      throw new Error("the poll did not reach a peer");
    };
    const pollIds: Record<string, string> = {
      a: created.id,
      b: await findPoll(portB, voters.b[0]!),
      c: await findPoll(portC, voters.c[0]!),
    };
    const voteFile = join(work, "votes.jsonl");
    const votes = (["a", "b", "c"] as const).flatMap((name) =>
      voters[name].map((token, i) =>
        JSON.stringify({
          url: `${origin(portOf[name]!)}/api/v1/polls/${pollIds[name]}/votes`,
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ choices: [i % 3 === 0 ? 1 : 0] }),
        }),
      ),
    );
    writeFileSync(voteFile, votes.join("\n"));
    const burstStart = performance.now();
    const burst = await load({ mode: "list", listFile: voteFile, concurrency: 64 });
    const pollState = async (name: string) =>
      (await (
        await fetch(`${origin(portOf[name]!)}/api/v1/polls/${pollIds[name]}`, {
          headers: { Authorization: `Bearer ${name === "a" ? seeded.viewerToken : voters[name as "b" | "c"][0]}` },
        })
      ).json()) as { voters_count: number; options: { votes_count: number }[] };
    let exactEverywhere = false;
    while (!exactEverywhere && performance.now() - burstStart < 180_000) {
      const [pa, pb, pc] = await Promise.all([pollState("a"), pollState("b"), pollState("c")]);
      exactEverywhere =
        pa.voters_count === burst.ok &&
        [pb, pc].every((p) => p.voters_count === pa.voters_count && JSON.stringify(p.options) === JSON.stringify(pa.options));
      if (!exactEverywhere) await sleep(100);
    }
    const burstMs = performance.now() - burstStart;
    const dbPolls = openDatabase(configA.databasePath);
    const updates = (dbPolls.sqlite.prepare("SELECT updates_sent AS n FROM polls WHERE status_id = ?").get(created.id) as { n: number }).n;
    dbPolls.close();
    record({
      scenario: "poll burst",
      metric: `${burst.ok} of ${burst.requests} votes from 3 instances: time until every instance shows the exact totals`,
      value: exactEverywhere ? burstMs : Number.NaN,
      unit: exactEverywhere ? "ms" : "(not reached in 180 s)",
    });
    record({
      scenario: "poll burst",
      metric: "Update(Question) broadcasts by the origin",
      value: updates,
      unit: `(for ${burst.ok} votes)`,
    });
  }

  // ---------------------------------------------------------------- sizing and backup
  // What README's sizing rests on: the database per post (every table included, as seeded
  // and after the scenarios above), and an online backup of it while A keeps serving.
  const walBytes = () => {
    try {
      return statSync(`${configA.databasePath}-wal`).size;
    } catch {
      return 0;
    }
  };
  const dbBytes = statSync(configA.databasePath).size + walBytes();
  record({
    scenario: "sizing",
    metric: `database on disk (${PLAN.posts} posts, ${PLAN.accounts} accounts, all tables)`,
    value: dbBytes / 2 ** 20,
    unit: "MB",
  });
  record({ scenario: "sizing", metric: "database per post (all tables, divided by posts)", value: dbBytes / PLAN.posts, unit: "bytes" });
  if (ONLY.has("backup")) {
    console.log("Backup");
    const file = join(work, "bench-backup.tar.gz");
    const started = performance.now();
    // Online: A keeps answering while it runs; the slowest timeline read meanwhile is recorded.
    let slowestMs = 0;
    let backupDone = false;
    const prober = (async () => {
      while (!backupDone) {
        const t = performance.now();
        await fetch(`${origin(portA)}/api/v1/timelines/home?limit=20`, { headers: auth }).then((r) => r.arrayBuffer());
        slowestMs = Math.max(slowestMs, performance.now() - t);
        await sleep(20);
      }
    })();
    await createBackup(configA, file);
    backupDone = true;
    await prober;
    record({
      scenario: "backup",
      metric: "online backup of A (database and media), npm run cli -- backup",
      value: performance.now() - started,
      unit: "ms",
    });
    record({ scenario: "backup", metric: "backup archive size (gzip)", value: statSync(file).size / 2 ** 20, unit: "MB" });
    record({ scenario: "backup", metric: "slowest home timeline read while the backup ran", value: slowestMs, unit: "ms" });
  }

  // ---------------------------------------------------------------- done
  a.child.kill("SIGTERM");
  b.child.kill("SIGTERM");
  c.child.kill("SIGTERM");
  await new Promise((r) => a.child.once("exit", r));
  for (const f of fakes) f.close();
  mkdirSync(root, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    plan: PLAN,
    rows,
  };
  writeFileSync(join(root, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nWrote ${join(root, "latest.json")}`);
  console.log("\n| scenario | metric | value | ceiling | ratio |\n| --- | --- | --- | --- | --- |");
  for (const r of rows) {
    console.log(
      `| ${r.scenario} | ${r.metric} | ${round(r.value)} ${r.unit} | ${r.ceiling ? `${round(r.ceiling)} (${r.ceilingWhat})` : ""} | ${r.ceiling ? `${((r.value / r.ceiling) * 100).toFixed(1)}%` : ""} |`,
    );
  }
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}

await main();
