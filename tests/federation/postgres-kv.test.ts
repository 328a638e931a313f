import { describe, expect, it } from "vitest";
import { openPostgres, type PostgresHandle } from "../../src/db/postgres.ts";
import { PostgresKvStore } from "../../federation/postgres-kv.ts";
import { freshDatabase, hasPostgres, type TestDatabase } from "../helpers/postgres.ts";
import { kvStoreContract } from "./kv-contract.ts";

describe.skipIf(!hasPostgres)("PostgresKvStore", () => {
  let database: TestDatabase;
  let handle: PostgresHandle;

  kvStoreContract("PostgresKvStore", {
    async open() {
      database = await freshDatabase();
      handle = await openPostgres(database.url);
      return new PostgresKvStore(handle.sql);
    },
    async close() {
      await handle.close();
      await database.drop();
    },
  });

  it("serialises compare-and-swap across nodes, even on a key that does not exist yet", async () => {
    // Two nodes (two pools) race 40 increments of one absent counter: each
    // swap must see the other's last write, or an increment is lost.
    const other = await openPostgres(database.url);
    const nodes = [new PostgresKvStore(handle.sql), new PostgresKvStore(other.sql)];
    const increment = async (kv: PostgresKvStore) => {
      for (;;) {
        const current = await kv.get<number>(["counter"]);
        if (await kv.cas(["counter"], current, (current ?? 0) + 1)) return;
      }
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => increment(nodes[i % 2]!)));
    expect(await nodes[0]!.get(["counter"])).toBe(40);
    await other.close();
  });

  it("keeps values for every node, and sweeps what has expired", async () => {
    const kv = new PostgresKvStore(handle.sql);
    await kv.set(["durable"], { ok: true });
    await kv.set(["gone"], 1);
    await handle.sql`UPDATE fedify_kv SET expires_at = 1 WHERE key = '["gone"]'`;
    const other = await openPostgres(database.url);
    expect(await new PostgresKvStore(other.sql).get(["durable"])).toEqual({ ok: true });
    expect(await new PostgresKvStore(other.sql).get(["gone"])).toBeUndefined();
    expect(await kv.deleteExpired()).toBe(1);
    await other.close();
  });
});
