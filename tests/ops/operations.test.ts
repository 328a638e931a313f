import { eventually } from "../helpers/network.ts";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import Database from "better-sqlite3";
import { getStreamSink } from "@logtape/logtape";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { migrationsFolder, NewerDatabaseError } from "../../src/db/migrations.ts";
import { configureLogging, jsonLines } from "../../src/logging.ts";
import { routeLabel } from "../../src/ops/metrics.ts";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { tempDir } from "../helpers/temp.ts";

const METRICS_TOKEN = "metrics-token-for-tests-0123456789";

describe("operations: readiness, metrics, logs, migrations", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let doc: Awaited<ReturnType<typeof approvedPhysician>>;

  let metricsPort: number;
  const otlp: { path: string; body: Buffer }[] = [];
  let collector: Server;

  beforeAll(async () => {
    // A stand-in OpenTelemetry collector: records what is exported to it.
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        otlp.push({ path: req.url ?? "", body: Buffer.concat(chunks) });
        res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
    metricsPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    instances = await startInstances(1, [
      {
        env: {
          CONSILIUM_METRICS_TOKEN: METRICS_TOKEN,
          CONSILIUM_METRICS_PORT: String(metricsPort),
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
        },
      },
    ]);
    [uk] = instances as unknown as [TestInstance];
    doc = await approvedPhysician(uk, await ownerToken(uk), {
      username: "ops_doc",
      legal_name: "Perpetua Ravenscroft",
      license_number: "7712345",
    });
  }, 60_000);
  afterAll(async () => {
    await instances.closeAll();
    collector.close();
  });

  it("answers /health and /ready cheaply, with no data, and says which check fails", async () => {
    const health = await fetch(`${uk.origin}/health`);
    expect([health.status, await health.text()]).toEqual([200, "OK"]);
    expect(await (await fetch(`${uk.origin}/ready`)).text()).toBe("READY");
    // Another connection holds the write lock: not ready (the database cannot take a write), said at
    // once. The lock's holder lives in this very process, so a probe that waited for the lock would
    // wait out the whole busy timeout with the event loop stopped: raised to an hour here, such a
    // probe would hang the test.
    const server = uk.services.database.sqlite;
    expect(server.pragma("busy_timeout", { simple: true })).toBe(5000);
    const other = new Database(uk.config.databasePath);
    other.pragma("busy_timeout = 0");
    other.prepare("BEGIN IMMEDIATE").run();
    server.pragma("busy_timeout = 3600000");
    try {
      const busy = await fetch(`${uk.origin}/ready`);
      expect(busy.status).toBe(503);
      expect(await busy.json()).toEqual({ error: "Not ready", failing: ["database"] });
      expect(server.pragma("busy_timeout", { simple: true })).toBe(3600000);
    } finally {
      other.prepare("ROLLBACK").run();
      other.close();
      server.pragma("busy_timeout = 5000");
    }
    expect((await fetch(`${uk.origin}/ready`)).status).toBe(200);
  });

  it("serves Prometheus metrics only with the token: requests by route, queues, PHI refusals, streams, SQLite", async () => {
    expect((await fetch(`${uk.origin}/metrics`)).status).toBe(401);
    expect((await fetch(`${uk.origin}/metrics`, { headers: { Authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    await api(uk, "GET", "/api/v1/timelines/home", { token: doc.token });
    const refused = await api(uk, "POST", "/api/v1/statuses", {
      token: doc.token,
      json: { status: "Patient John Harrowgate, MRN 7712094, is back." },
    });
    expect(refused.status).toBe(422);
    const res = await fetch(`${uk.origin}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/consilium_http_requests_total\{method="GET",route="\/api\/v1\/timelines\/home",status="200"\} \d+/);
    expect(text).toMatch(
      /consilium_http_request_duration_seconds_bucket\{le="0\.05",method="GET",route="\/api\/v1\/timelines\/home"\} \d+/,
    );
    expect(text).toMatch(/consilium_phi_refusals_total\{identifier="name"\} [1-9]/);
    expect(text).toMatch(/consilium_phi_refusals_total\{identifier="mrn"\} [1-9]/);
    expect(text).toMatch(/consilium_queue_depth\{queue="outbox"\} \d+/);
    expect(text).toMatch(/consilium_queue_oldest_seconds\{queue="inbox"\} \d+/);
    expect(text).toMatch(/consilium_streams_active \d+/);
    expect(text).toMatch(/consilium_sqlite_bytes\{part="wal"\} \d+/);
    expect(text).toMatch(/consilium_sqlite_bytes\{part="page_cache"\} 8192000/);
    expect(text).toMatch(/consilium_process_resident_memory_bytes \d+/);
    // The same on the metrics port (loopback, no token), and nothing else there.
    const internal = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(internal.status).toBe(200);
    expect(await internal.text()).toContain("consilium_http_requests_total");
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/v1/instance`)).status).toBe(404);
    // Ids and handles never become labels.
    expect(text).not.toContain(doc.id);
    expect(routeLabel("*", "/users/ops_doc/statuses/1234", 200)).toBe("/users/:handle/statuses/:id");
    expect(routeLabel(undefined, "/no/such/thing", 404)).toBe("unmatched");
  });

  it("writes JSON lines with a request id when LOG_FORMAT=json, and never the identity", async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on("data", (chunk: Buffer) => lines.push(...chunk.toString("utf8").split("\n").filter(Boolean)));
    await configureLogging("debug", {
      console: false,
      sinks: [getStreamSink(new WritableStream({ write: (c) => void stream.write(c) }), { formatter: jsonLines })],
    });
    try {
      const res = await fetch(`${uk.origin}/api/v1/accounts/verify_credentials`, {
        headers: { Authorization: `Bearer ${doc.token}`, "X-Request-Id": "req-test-000123" },
      });
      expect(res.headers.get("x-request-id")).toBe("req-test-000123");
      const mine = await fetch(`${uk.origin}/api/v1/instance`);
      expect(mine.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      await api(uk, "GET", `/api/v1/admin/accounts/${doc.id}?reason=audit`, { token: await ownerToken(uk) });
      // The stream sink writes asynchronously: the last request's line is the marker that the earlier ones are in.
      await eventually(() => lines.some((l) => l.includes("/api/v1/admin/accounts/")), "the admin request's log line");
    } finally {
      await configureLogging("info", { console: false });
    }
    const records = lines.map(
      (l) => JSON.parse(l) as { level: string; message: string; properties: Record<string, unknown>; logger: string },
    );
    const line = records.find((r) => r.properties["path"] === "/api/v1/accounts/verify_credentials");
    expect(line).toMatchObject({ level: "INFO", logger: "consilium.http", properties: { requestId: "req-test-000123", status: 200 } });
    const all = lines.join("\n");
    for (const secret of ["Perpetua", "Ravenscroft", "7712345", doc.applicant.email]) expect(all).not.toContain(secret);
  });

  it("exports Fedify's traces to the OTLP endpoint when one is set", async () => {
    // Fedify traces what it serves: the instance actor, fetched as a peer would.
    expect((await fetch(`${uk.origin}/actor`, { headers: { Accept: "application/activity+json" } })).status).toBe(200);
    await instances.closeAll();
    // Closing flushes the batch.
    const traces = otlp.filter((r) => r.path === "/v1/traces");
    expect(traces.length).toBeGreaterThan(0);
    expect(Buffer.concat(traces.map((t) => t.body)).toString("latin1")).toMatch(/activitypub|fedify/i);
  });

  it("applies pending migrations in one transaction: a failing one leaves the database as it was", () => {
    const dir = tempDir();
    try {
      const path = `${dir.path}/consilium.sqlite`;
      openDatabase(path).close();
      // The real migrations, then two more: the first fine, the second failing halfway.
      const folder = `${dir.path}/migrations`;
      cpSync(migrationsFolder, folder, { recursive: true });
      const journalPath = `${folder}/meta/_journal.json`;
      const journal = JSON.parse(readFileSync(journalPath, "utf8")) as {
        entries: { idx: number; when: number; tag: string; version: string; breakpoints: boolean }[];
      };
      const last = journal.entries.at(-1)!;
      for (const [i, sql] of [
        "CREATE TABLE upgrade_probe (a integer);",
        "ALTER TABLE upgrade_probe ADD b integer;\n--> statement-breakpoint\nINSERT INTO no_such_table VALUES (1);",
      ].entries()) {
        const tag = `99${i}_upgrade_probe`;
        writeFileSync(`${folder}/${tag}.sql`, sql);
        journal.entries.push({ ...last, idx: last.idx + 1 + i, when: last.when + 1 + i, tag });
      }
      writeFileSync(journalPath, JSON.stringify(journal));
      expect(() => openDatabase(path, { migrationsFolder: folder })).toThrow(/no_such_table/);
      const db = new Database(path);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'upgrade_probe'").get()).toBeUndefined();
      expect((db.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n).toBe(journal.entries.length - 2);
      db.close();
      // And the database still opens with the code it belongs to.
      openDatabase(path).close();
    } finally {
      dir.cleanup();
    }
  });

  it("refuses to start on a database newer than the code, and leaves it untouched", () => {
    const dir = tempDir();
    try {
      const path = `${dir.path}/consilium.sqlite`;
      openDatabase(path).close();
      const raw = new Database(path);
      raw.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('from-the-future', ?)").run(Date.now() + 365 * 86_400_000);
      const before = (raw.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n;
      raw.close();
      expect(() => openDatabase(path)).toThrow(NewerDatabaseError);
      const after = new Database(path);
      expect((after.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n).toBe(before);
      after.close();
    } finally {
      dir.cleanup();
    }
  });
});
