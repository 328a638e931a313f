import { fork } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openPostgres, type PostgresHandle } from "../../src/db/postgres.ts";
import { PostgresMessageQueue } from "../../federation/postgres-queue.ts";
import { freshDatabase, hasPostgres, type TestDatabase } from "../helpers/postgres.ts";
import { queueContract, receive } from "./queue-contract.ts";

describe.skipIf(!hasPostgres)("PostgresMessageQueue", () => {
  let database: TestDatabase;
  let handles: PostgresHandle[] = [];
  beforeEach(async () => {
    database = await freshDatabase();
  });
  afterEach(() => database.drop());

  const open = async (options = {}) => {
    // A pool of its own, as another node would have.
    const handle = await openPostgres(database.url, { max: 4 });
    handles.push(handle);
    return new PostgresMessageQueue(handle.sql, options);
  };

  queueContract({
    open,
    async closeAll() {
      await Promise.all(handles.map((h) => h.close()));
      handles = [];
    },
  });

  it("hands a message out again when its node was killed while handling it", async () => {
    await (await open()).enqueue("in-flight");
    const child = fork(new URL("./postgres-queue-crash-child.ts", import.meta.url), [database.url], { stdio: "ignore" });
    await new Promise<void>((resolve) => child.on("message", () => resolve()));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));

    // The lease is ten minutes long, beyond the test's time: the message can
    // come back only because the worker that held it is known to be gone.
    const queue = await open({ pollIntervalMs: 20, leaseMs: 10 * 60_000 });
    expect((await queue.getDepth()).queued).toBe(1);
    expect(await receive(queue, 1)).toEqual(["in-flight"]);
    expect((await queue.getDepth()).queued).toBe(0);
  });

  it("wakes a listener on another node at once on enqueue, not at its next poll", { timeout: 60_000 }, async () => {
    // An hour between polls: only NOTIFY can bring the message in time.
    const listener = await open({ pollIntervalMs: 60 * 60_000 });
    const sender = await open();
    const received = receive(listener, 1);
    // The listener's first claim finds nothing; it then sleeps until woken.
    await listener.getDepth();
    await sender.enqueue({ id: "wake-up" });
    expect(await received).toEqual([{ id: "wake-up" }]);
  });

  it("closes the loop quietly when the pool ends under a listener", async () => {
    const handle = await openPostgres(database.url, { max: 2 });
    const queue = new PostgresMessageQueue(handle.sql, { pollIntervalMs: 10 });
    const listening = queue.listen(() => {});
    await queue.getDepth();
    await handle.close();
    await expect(listening).resolves.toBeUndefined();
  });
});
