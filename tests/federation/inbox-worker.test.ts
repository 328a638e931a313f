import { afterEach, describe, expect, it } from "vitest";
import { orderingKeyOf } from "../../federation/inbox/accept.ts";
import { InboxStore, type PendingActivity } from "../../federation/inbox/store.ts";
import { InboxWorker } from "../../federation/inbox/worker.ts";
import { WorkerRegistry } from "../../federation/queue-workers.ts";
import { openDatabase } from "../../src/db/client.ts";

/** A transient failure, as a peer that did not answer gives one. */
const timeout = () => Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" });

describe("the inbox worker's scheduling", () => {
  const handles: ReturnType<typeof openDatabase>[] = [];
  afterEach(() => {
    for (const h of handles.splice(0)) h.close();
  });

  function setup() {
    const database = openDatabase(":memory:");
    handles.push(database);
    const store = new InboxStore(database.sqlite, { laneLimit: 2 });
    let n = 0;
    const append = (origin: string, type = "Create", object = `${origin}/objects/${++n}`, receivedAt = Date.now()) => {
      const activity = { id: `${origin}/activities/${++n}`, type, actorOrigin: origin, objectId: object };
      store.append(
        {
          activityId: activity.id,
          actorUri: `${origin}/users/a`,
          origin,
          recipient: null,
          orderingKey: orderingKeyOf(activity),
          body: "{}",
        },
        receivedAt,
      );
      return activity.id;
    };
    return { database, store, append };
  }

  it("orders per object and origin only, and never holds back a Delete", () => {
    expect(orderingKeyOf({ type: "Like", actorOrigin: "https://a.example", objectId: "https://b.example/p/1", id: "x" })).toBe(
      "https://a.example https://b.example/p/1",
    );
    expect(orderingKeyOf({ type: "Like", actorOrigin: "https://c.example", objectId: "https://b.example/p/1", id: "y" })).not.toBe(
      orderingKeyOf({ type: "Like", actorOrigin: "https://a.example", objectId: "https://b.example/p/1", id: "x" }),
    );
    expect(orderingKeyOf({ type: "Delete", actorOrigin: "https://b.example", objectId: "https://b.example/p/1", id: "z" })).toBeNull();
  });

  it("gives slow origins together at most their share of the workers", () => {
    const { store, append } = setup();
    for (const origin of ["https://slow1.example", "https://slow2.example", "https://slow3.example", "https://fine.example"])
      for (let i = 0; i < 4; i++) append(origin);
    const slow = new Set(["https://slow1.example", "https://slow2.example", "https://slow3.example"]);
    const policy = { slow, slowShare: 2 };
    const claimed = [0, 1, 2, 3, 4].map((w) => store.claim(`w${w}`, 1, Date.now(), policy)[0]?.origin ?? null);
    // Two workers on slow origins, then only the healthy one is handed work (its lane allows two).
    expect(claimed.filter((o) => o && slow.has(o))).toHaveLength(2);
    expect(claimed.filter((o) => o === "https://fine.example")).toHaveLength(2);
    expect(claimed.filter((o) => o === null)).toHaveLength(1);
  });

  it("retries a failing activity with back-off, and gives it up (recorded) a bounded time after it arrived", async () => {
    const { database, store, append } = setup();
    const givenUp: string[] = [];
    const attempts = new Map<string, number>();
    const recent = append("https://peer.example", "Like");
    const old = append("https://peer.example", "Like", "https://peer.example/objects/old", Date.now() - 2 * 3600_000);
    const worker = new InboxWorker({
      store,
      workers: new WorkerRegistry(database.sqlite),
      process: async (row: PendingActivity) => {
        attempts.set(row.activityId, (attempts.get(row.activityId) ?? 0) + 1);
        throw timeout();
      },
      onGiveUp: (row) => givenUp.push(row.activityId),
      options: { concurrency: 1, pollIntervalMs: 10 },
    });
    const stop = new AbortController();
    const running = worker.run(stop.signal);
    // The old one is given up at its first failure; the recent one waits for its retry.
    await expect.poll(() => givenUp, { timeout: 10_000 }).toEqual([old]);
    const row = database.sqlite
      .prepare("SELECT attempts, available_at AS availableAt FROM inbox_activities WHERE activity_id = ?")
      .get(recent) as { attempts: number; availableAt: number };
    expect(row.attempts).toBeGreaterThanOrEqual(1);
    expect(row.availableAt).toBeGreaterThan(Date.now() - 100);
    expect(database.sqlite.prepare("SELECT count(*) AS n FROM inbox_activities WHERE activity_id = ?").get(old)).toEqual({ n: 0 });
    // And the origin is now judged slow.
    expect(worker.slowOrigins().has("https://peer.example")).toBe(true);
    stop.abort();
    await running;
  });
});
