import { type ChildProcess, fork } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer, resolveAccount } from "../helpers/network.ts";
import { payloadOf, StreamClient } from "../helpers/stream-client.ts";

/**
 * The web/worker split: with CONSILIUM_QUEUES=separate the web process
 * accepts and stores but delivers nothing; `npm run worker` (src/worker.ts)
 * delivers, and what waited while no worker ran goes out when one starts.
 */
describe("a separate worker process", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let worker: ChildProcess | undefined;
  const startWorker = () => {
    worker = fork(new URL("../../src/worker.ts", import.meta.url), [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, ...uk.env, LOG_LEVEL: "warning" },
      stdio: "ignore",
    });
  };
  const stopWorker = async () => {
    if (!worker) return;
    const exited = new Promise((r) => worker!.once("exit", r));
    worker.kill("SIGTERM");
    await exited;
    worker = undefined;
  };

  beforeAll(async () => {
    instances = await startInstances(2, [{ env: { CONSILIUM_QUEUES: "separate" } }, {}]);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
  });
  afterAll(async () => {
    await stopWorker();
    await instances.closeAll();
  });

  it("delivers only when a worker runs, and catches up when one starts", async () => {
    const staff = { uk: await ownerToken(uk), us: await ownerToken(us) };
    const ukDoc = await approvedPhysician(uk, staff.uk, { username: "uk_web_only" });
    const usDoc = await approvedPhysician(us, staff.us, { username: "us_reader", license_jurisdiction: "US-CA" });
    startWorker();
    await peer(uk, staff.uk, us, staff.us);
    const ukOnUs = await resolveAccount(us, usDoc.token, "uk_web_only", uk);
    await api(us, "POST", `/api/v1/accounts/${ukOnUs}/follow`, { token: usDoc.token });
    await eventually(
      async () => (await api(us, "GET", `/api/v1/accounts/relationships?id[]=${ukOnUs}`, { token: usDoc.token })).body[0]?.following,
      "the follow to be accepted (by the worker's delivery)",
    );
    const first = (await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "Delivered by the worker" } })).body;
    await eventually(() => findByUri(us, usDoc.token, first.uri), "the post on US");

    await stopWorker();
    const waiting = (await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "Waits for a worker" } })).body;
    // Every queue consumer registers itself in queue_workers when it listens; the worker left on SIGTERM and
    // the web process never registered, so no process can take the delivery, and none holds its lease.
    const sqlite = uk.services.database.sqlite;
    await eventually(() => (sqlite.prepare("SELECT count(*) AS n FROM queue_workers").get() as { n: number }).n === 0, "no queue worker");
    expect((sqlite.prepare("SELECT count(*) AS n FROM fedify_queue WHERE leased_by IS NOT NULL").get() as { n: number }).n).toBe(0);
    expect(await findByUri(us, usDoc.token, waiting.uri)).toBeUndefined();
    expect(uk.queues.outbox.lanes().reduce((n, l) => n + l.queued, 0)).toBeGreaterThan(0);
    startWorker();
    const onUs = await eventually(() => findByUri(us, usDoc.token, waiting.uri), "the waiting post once a worker runs", 60_000);

    // The worker applies what peers send; the web process streams it (events cross by the database).
    const stream = await StreamClient.open(uk.origin, ukDoc.token, { stream: "user:notification" });
    try {
      const reply = { status: "Seen by the worker, streamed by the web", in_reply_to_id: onUs.id };
      expect((await api(us, "POST", "/api/v1/statuses", { token: usDoc.token, json: reply })).status).toBe(200);
      const notification = payloadOf(
        await stream.next((m) => m.event === "notification", "the reply's notification, streamed by the web process"),
      );
      expect(notification).toMatchObject({
        type: "mention",
        account: { acct: `us_reader@${new URL(us.origin).host}` },
        status: { content: expect.stringContaining("Seen by the worker, streamed by the web") },
      });
    } finally {
      stream.close();
    }
  }, 180_000);
});
