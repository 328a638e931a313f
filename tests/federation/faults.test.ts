import { type ChildProcess, fork } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { AS, FakePeer } from "../helpers/fake-peer.ts";
import { capturedLogs, start, startInstances, stop, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer, quiet } from "../helpers/network.ts";

/** A TCP server on a port that accepts connections and never answers. */
async function blackHole(port = 0): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    server,
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe("faults: slow hosts, outages and crashes", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let ukDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let usDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let ukStaff: string;
  let fake: FakePeer;

  beforeAll(async () => {
    // Short timeouts so the test does not wait out production's 15 seconds.
    const env = { CONSILIUM_HTTP_TIMEOUT_SECONDS: "2", CONSILIUM_HTTP_CONNECT_TIMEOUT_SECONDS: "1" };
    instances = await startInstances(2, [{ env }, { env }]);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    ukStaff = await ownerToken(uk);
    const usStaff = await ownerToken(us);
    ukDoc = await approvedPhysician(uk, ukStaff, { username: "uk_doc" });
    usDoc = await approvedPhysician(us, usStaff, { username: "us_doc" });
    await peer(uk, ukStaff, us, usStaff);
    fake = await FakePeer.start();
    await fake.addUser("slow");
    await fake.peerWith(uk, ukStaff);
  }, 90_000);
  afterAll(async () => {
    await fake?.close();
    await instances.closeAll();
  });

  it("an activity a peer refuses for good (400) is not sent again", async () => {
    fake.routes.set("POST /inbox", (_req, res) => void res.writeHead(400, { "Content-Type": "application/json" }).end('{"error":"no"}'));
    fake.received.length = 0;
    const posted = await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "Refused by the fake peer" } });
    const delivered = () => fake.received.filter((r) => r.method === "POST" && r.body.includes(posted.body.uri));
    await eventually(() => delivered().length > 0, "the first delivery attempt", 10_000);
    // The positive marker: UK's outbox holds nothing more for anyone (a refused activity is dropped, not queued).
    await quiet([uk], "UK's outbox to drain");
    // One attempt: Fedify knocks twice within it when refused (draft-cavage, then
    // RFC 9421, in case the signature scheme was the problem), and never again.
    expect(delivered().filter((r) => !r.headers["signature-input"])).toHaveLength(1);
    expect(delivered().filter((r) => r.headers["signature-input"]).length).toBeLessThanOrEqual(1);
  }, 20_000);

  it("a peer that never answers holds only its own lane, in and out; its work is retried with back-off, not held", async () => {
    // From now on the fake peer accepts requests and never answers them.
    const hang = () => {};
    fake.routes.set("POST /inbox", hang);
    for (let i = 0; i < 4; i++) fake.routes.set(`GET /objects/slow-${i}`, hang);
    // Four activities whose objects must be fetched from the hanging host…
    for (let i = 0; i < 4; i++) {
      const res = await fake.post(
        `${uk.origin}/inbox`,
        {
          "@context": AS,
          id: `${fake.actorUri("slow")}/activities/${i}`,
          type: "Create",
          actor: fake.actorUri("slow"),
          object: `${fake.origin}/objects/slow-${i}`,
        },
        "slow",
      );
      expect(res.status).toBe(202);
    }
    // …and four posts whose delivery to it hangs.
    for (let i = 0; i < 4; i++) await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: `To everyone ${i}` } });
    const started = Date.now();
    const fromUs = await api(us, "POST", "/api/v1/statuses", { token: usDoc.token, json: { status: "Inbound, not stuck" } });
    const fromUk = await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "Outbound, not stuck" } });
    await eventually(() => findByUri(uk, ukDoc.token, fromUs.body.uri), "US's post persisted on UK", 10_000);
    await eventually(() => findByUri(us, usDoc.token, fromUk.body.uri), "UK's post delivered to US", 10_000);
    expect(Date.now() - started).toBeLessThan(6_000);
    // The hanging host's work waits for a retry, with a time set, instead of holding a worker.
    await eventually(
      () => {
        const rows = uk.services.database.sqlite
          .prepare("SELECT attempts, available_at AS availableAt FROM inbox_activities WHERE origin = ?")
          .all(fake.origin) as { attempts: number; availableAt: number }[];
        return rows.length === 4 && rows.every((r) => r.attempts >= 1) && rows.some((r) => r.availableAt > Date.now());
      },
      "each hanging activity tried, timed out and scheduled again",
      20_000,
    );
    const lane = uk.queues.outbox.lanes().find((l) => l.origin === fake.origin);
    expect(lane?.queued).toBeGreaterThan(0);
    const lanes = await api(uk, "GET", "/api/v1/consilium/peers", { token: ukStaff });
    expect(lanes.body.find((p: { origin: string }) => p.origin === fake.origin).deliveries.queued).toBeGreaterThan(0);
  }, 40_000);

  it("a peer down for a while gets everything, in order, within a minute of coming back", async () => {
    await fake.close();
    await stop(us);
    const posts: { id: string; uri: string }[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: `During the outage ${i}` } });
      posts.push(res.body);
    }
    await api(uk, "PUT", `/api/v1/statuses/${posts[1]!.id}`, { token: ukDoc.token, json: { status: "During the outage 1 (edited once)" } });
    await api(uk, "PUT", `/api/v1/statuses/${posts[1]!.id}`, {
      token: ukDoc.token,
      json: { status: "During the outage 1 (edited twice)" },
    });
    await api(uk, "DELETE", `/api/v1/statuses/${posts[2]!.id}`, { token: ukDoc.token });
    // The deliveries fail until Fedify's circuit breaker opens for US (5 failures): the marker it logs.
    const usHost = new URL(us.origin).host;
    await eventually(
      () => capturedLogs.some((line) => line.includes("Deliveries to") && line.includes(usHost) && /circuit\W+open/.test(line)),
      "the circuit to US to open",
      60_000,
    );
    await start(us);
    const back = Date.now();
    for (const [i, post] of posts.entries()) {
      if (i === 2) continue;
      await eventually(() => findByUri(us, usDoc.token, post.uri), `post ${i} on US`, 60_000);
    }
    await eventually(
      async () => (await findByUri(us, usDoc.token, posts[1]!.uri))?.content.includes("edited twice"),
      "the last edit on US",
      60_000,
    );
    expect(Date.now() - back).toBeLessThan(60_000);
    // The delete was applied after the create (per-object order): once US holds its tombstone, the post is not there.
    await eventually(() => us.services.received.isDeleted(posts[2]!.uri), "the delete applied on US", 60_000);
    expect(us.services.store.getByUri(posts[2]!.uri)).toBeUndefined();
  }, 120_000);

  it("after a kill -9, a restart takes back the dead process's deliveries at once", async () => {
    // UK runs as its own process; US's port is taken by a host that never answers,
    // so UK's deliveries are in flight (leased) when it is killed.
    await stop(us);
    await stop(uk);
    const hole = await blackHole(us.config.port);
    const child: ChildProcess = fork(new URL("../../src/main.ts", import.meta.url), [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, ...uk.env, CONSILIUM_HTTP_TIMEOUT_SECONDS: "120", LOG_LEVEL: "warning" },
      stdio: "ignore",
    });
    try {
      await eventually(async () => (await fetch(`${uk.origin}/api/v1/instance`).catch(() => null))?.ok, "the UK process to answer", 30_000);
      const uris: string[] = [];
      for (let i = 0; i < 20; i++)
        uris.push((await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: `Before the kill ${i}` } })).body.uri);
      // Wait until deliveries are claimed (leased) by the child.
      const { default: Database } = await import("better-sqlite3");
      const peek = new Database(uk.config.databasePath, { readonly: true });
      await eventually(
        () => (peek.prepare("SELECT count(*) AS n FROM fedify_queue WHERE leased_by IS NOT NULL").get() as { n: number }).n > 0,
        "deliveries in flight",
        20_000,
      );
      peek.close();
    } finally {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
    await hole.close();
    await start(us);
    await start(uk);
    const restarted = Date.now();
    const pending = (uk.services.database.sqlite.prepare("SELECT count(*) AS n FROM fedify_queue").get() as { n: number }).n;
    expect(pending).toBeGreaterThan(0);
    await eventually(
      async () =>
        (await api(us, "GET", "/api/v1/timelines/public?local=false&limit=40", { token: usDoc.token })).body.filter(
          (s: { content: string }) => s.content.includes("Before the kill"),
        ).length === 20,
      "all 20 posts on US",
      60_000,
    );
    // Not the ten-minute lease: the dead worker's claims were taken back at start.
    expect(Date.now() - restarted).toBeLessThan(30_000);
  }, 120_000);
});
