import { afterEach, describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { openAsyncSqlite } from "../../src/db/async-sqlite.ts";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { featuredTags } from "../../src/db/schema.ts";
import { tempDatabase } from "../helpers/temp.ts";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function open(): DatabaseHandle {
  const { handle, cleanup } = tempDatabase();
  cleanups.push(cleanup);
  return handle;
}

/** A promise the test settles by hand, so a transaction stays open across an await for as long as the test wants. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const row = (id: string, tag: string) => ({ id, accountId: "a1", tag, createdAt: new Date(1_700_000_000_123) });

describe("the asynchronous SQLite layer", () => {
  it("reads what the synchronous connection wrote, and writes what it reads, dates and nulls as they were", async () => {
    const handle = open();
    const { db } = openAsyncSqlite(handle.sqlite);
    handle.db.insert(featuredTags).values(row("f1", "sepsis")).run();
    await db.insert(featuredTags).values(row("f2", "stroke"));
    const all = await db.select().from(featuredTags).orderBy(featuredTags.id);
    expect(all).toEqual([row("f1", "sepsis"), row("f2", "stroke")]);
    expect(await db.select().from(featuredTags).where(eq(featuredTags.id, "none")).get()).toBeUndefined();
    expect(handle.db.select().from(featuredTags).where(eq(featuredTags.id, "f2")).get()).toEqual(row("f2", "stroke"));
    const [inserted] = await db.insert(featuredTags).values(row("f3", "copd")).returning({ id: featuredTags.id });
    expect(inserted).toEqual({ id: "f3" });
  });

  it("prepares a statement once per SQL text and reuses it", async () => {
    const { db, preparedCount } = openAsyncSqlite(open().sqlite);
    for (let i = 0; i < 50; i++)
      await db
        .select()
        .from(featuredTags)
        .where(eq(featuredTags.id, `f${i}`));
    expect(preparedCount()).toBe(1);
  });

  it("keeps another request's statement out of an open transaction, so a rollback takes only its own writes", async () => {
    const { db } = openAsyncSqlite(open().sqlite);
    const inside = deferred();
    const order: string[] = [];
    const failing = db
      .transaction(async (tx) => {
        await tx.insert(featuredTags).values(row("mine", "sepsis"));
        order.push("transaction wrote");
        await inside.promise;
        throw new Error("the transaction fails after an await");
      })
      .catch((error: Error) => error.message);
    // (wait until the transaction has written, then write from outside it while it is open)
    while (order.length === 0) await new Promise((r) => setImmediate(r));
    const outside = db
      .insert(featuredTags)
      .values(row("theirs", "stroke"))
      .then(() => order.push("outside wrote"));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["transaction wrote"]);
    inside.resolve();
    expect(await failing).toBe("the transaction fails after an await");
    await outside;
    expect(order).toEqual(["transaction wrote", "outside wrote"]);
    expect((await db.select({ id: featuredTags.id }).from(featuredTags)).map((r) => r.id)).toEqual(["theirs"]);
  });

  it("runs transactions one at a time, so a read, an await and a write count every request", async () => {
    const { db } = openAsyncSqlite(open().sqlite);
    const addOne = (i: number) =>
      db.transaction(async (tx) => {
        const n = (await tx.select({ n: count() }).from(featuredTags).get())?.n ?? 0;
        await new Promise((r) => setImmediate(r));
        if (n < 3) await tx.insert(featuredTags).values(row(`f${i}`, `tag${i}`));
      });
    await Promise.all([0, 1, 2, 3, 4, 5].map(addOne));
    expect((await db.select({ n: count() }).from(featuredTags).get())?.n).toBe(3);
  });

  it("lets a transaction nest a savepoint, and statements inside it pass the gate at any depth of awaits", async () => {
    const { db } = openAsyncSqlite(open().sqlite);
    await db.transaction(async (tx) => {
      await tx.insert(featuredTags).values(row("outer", "a"));
      await tx
        .transaction(async (inner) => {
          await inner.insert(featuredTags).values(row("inner", "b"));
          throw new Error("roll back the savepoint only");
        })
        .catch(() => {});
      const deep = async () => (await db.select().from(featuredTags)).length;
      expect(await deep()).toBe(1);
    });
    expect((await db.select({ id: featuredTags.id }).from(featuredTags)).map((r) => r.id)).toEqual(["outer"]);
  });
});
