import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DurablePort } from "../../federation/durable-port.ts";
import { openDatabase } from "../../src/db/client.ts";
import { createServices } from "../../src/services.ts";
import type { StatusRow } from "../../src/domain/statuses/types.ts";
import type { FederationPortWithObjects } from "../../src/services.ts";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { restart, startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer, quiet, resolveAccount } from "../helpers/network.ts";

const intents = (instance: TestInstance) =>
  instance.services.database.sqlite.prepare("SELECT method, attempts FROM federation_intents ORDER BY id").all() as {
    method: string;
    attempts: number;
  }[];

/** The instance's own port, with one announcement answered by `replace` instead. */
function withAnnouncement(
  instance: TestInstance,
  method: "statusCreated",
  replace: (status: StatusRow) => Promise<void>,
): FederationPortWithObjects {
  const real = instance.services.federationPort.deliverer!;
  return new Proxy(real, {
    get: (target, key) => (key === method ? replace : Reflect.get(target, key, target)),
  });
}

describe("announcements recorded before they are queued", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, fr: TestInstance;
  let ukDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let frDoc: Awaited<ReturnType<typeof approvedPhysician>>;

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, fr] = instances as unknown as [TestInstance, TestInstance];
    const [ukStaff, frStaff] = [await ownerToken(uk), await ownerToken(fr)];
    ukDoc = await approvedPhysician(uk, ukStaff, { username: "uk_durable" });
    frDoc = await approvedPhysician(fr, frStaff, { username: "fr_durable" });
    await peer(uk, ukStaff, fr, frStaff);
    const remote = await resolveAccount(fr, frDoc.token, "uk_durable", uk);
    expect((await api(fr, "POST", `/api/v1/accounts/${remote}/follow`, { token: frDoc.token })).status).toBe(200);
    await quiet(instances);
  }, 90_000);
  afterAll(() => instances.closeAll());

  it("a post committed by a process that stopped before queuing its delivery reaches the peer after the restart", async () => {
    // The delivery never gets as far as Fedify's queue, as when a process is killed while building the activity.
    const port = uk.services.federationPort;
    port.attach(
      withAnnouncement(uk, "statusCreated", () => new Promise<void>(() => {})),
      async () => undefined,
    );
    void uk.services.statuses.create(ukDoc.id, { text: "Committed, then the process stopped" });
    const recorded = await eventually(() => {
      const rows = intents(uk);
      return rows.length > 0 ? rows : null;
    }, "the delivery to be recorded");
    expect(recorded).toEqual([{ method: "statusCreated", attempts: 0 }]);
    const uri = (
      uk.services.database.sqlite.prepare("SELECT uri FROM statuses WHERE source_text = ?").get("Committed, then the process stopped") as {
        uri: string;
      }
    ).uri;
    await restart(uk);
    const arrived = await eventually(() => findByUri(fr, frDoc.token, uri), "the post to reach the peer after the restart");
    expect(arrived.content).toContain("Committed, then the process stopped");
    await eventually(() => intents(uk).length === 0, "the recorded delivery to be done");
  });

  it("a process that never builds the federation (a script, a CLI command) still federates: the running instance delivers what it announced", async () => {
    const handle = openDatabase(uk.config.databasePath);
    const offline = createServices(uk.config, handle);
    const status = await offline.statuses.create(ukDoc.id, { text: "Posted from a process without federation" });
    expect(intents(uk)).toContainEqual({ method: "statusCreated", attempts: 0 });
    handle.close();
    const arrived = await eventually(() => findByUri(fr, frDoc.token, status.uri), "the running instance to deliver the post", 30_000);
    expect(arrived.content).toContain("Posted from a process without federation");
    await eventually(() => intents(uk).length === 0, "the recorded delivery to be done");
  });

  it("a transaction rolled back after announcing takes the announcement with it", async () => {
    const calls: string[] = [];
    const port = new DurablePort(uk.services.database.sqlite);
    port.attach(
      withAnnouncement(uk, "statusCreated", async (s) => void calls.push(s.id)),
      async () => undefined,
    );
    const status = uk.services.store.getByUri(
      (await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "Any" } })).body.uri,
    )!;
    let delivery: Promise<void> = Promise.resolve();
    expect(() =>
      uk.services.database.db.transaction(() => {
        delivery = port.statusCreated(status);
        throw new Error("rolled back");
      }),
    ).toThrow("rolled back");
    await delivery;
    expect(calls).toEqual([]);
    expect(intents(uk)).toEqual([]);
    port.close();
  });

  it("a delivery that failed is kept and tried again after its back-off, once", async () => {
    let attempts = 0;
    const calls: string[] = [];
    const port = new DurablePort(uk.services.database.sqlite, { retryMs: 5_000 });
    port.attach(
      withAnnouncement(uk, "statusCreated", async (s) => {
        if (++attempts === 1) throw new Error("the queue refused");
        calls.push(s.id);
      }),
      async () => undefined,
    );
    const status = uk.services.store.getByUri(
      (await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "Retried" } })).body.uri,
    )!;
    await expect(port.statusCreated(status)).rejects.toThrow("the queue refused");
    expect(intents(uk)).toEqual([{ method: "statusCreated", attempts: 1 }]);
    // Not before its back-off is over (nothing is due), then once.
    expect(await port.recover(Date.now())).toBe(0);
    expect(await port.recover(Date.now() + 5_001)).toBe(1);
    expect(calls).toEqual([status.id]);
    expect(intents(uk)).toEqual([]);
    expect(await port.recover(Date.now() + 60_000)).toBe(0);
    port.close();
  });
});
