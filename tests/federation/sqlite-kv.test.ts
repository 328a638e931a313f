import { Temporal } from "@js-temporal/polyfill";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../src/db/client.ts";
import { SqliteKvStore } from "../../federation/sqlite-kv.ts";
import { tempDir } from "../helpers/temp.ts";

describe("SqliteKvStore", () => {
  let dir: ReturnType<typeof tempDir>;
  let handle: DatabaseHandle;
  let kv: SqliteKvStore;
  beforeEach(() => {
    dir = tempDir();
    handle = openDatabase(`${dir.path}/kv.sqlite`);
    kv = new SqliteKvStore(handle.sqlite);
  });
  afterEach(() => {
    handle.close();
    dir.cleanup();
  });

  it("gets, sets and deletes JSON values", async () => {
    expect(await kv.get(["a"])).toBeUndefined();
    await kv.set(["a", "b"], { n: 1, list: [1, "x"] });
    expect(await kv.get(["a", "b"])).toEqual({ n: 1, list: [1, "x"] });
    await kv.set(["a", "b"], "replaced");
    expect(await kv.get(["a", "b"])).toBe("replaced");
    await kv.delete(["a", "b"]);
    expect(await kv.get(["a", "b"])).toBeUndefined();
  });

  it("expires values after their ttl", async () => {
    await kv.set(["short"], 1, { ttl: Temporal.Duration.from({ milliseconds: 50 }) });
    await kv.set(["long"], 2, { ttl: Temporal.Duration.from({ hours: 1 }) });
    expect(await kv.get(["short"])).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(await kv.get(["short"])).toBeUndefined();
    expect(await kv.get(["long"])).toBe(2);
  });

  it("compares and swaps", async () => {
    expect(await kv.cas(["c"], undefined, 1)).toBe(true);
    expect(await kv.cas(["c"], undefined, 2)).toBe(false);
    expect(await kv.cas(["c"], 1, 3)).toBe(true);
    expect(await kv.get(["c"])).toBe(3);
    expect(await kv.cas(["c"], 1, 4)).toBe(false);
  });

  it("lists by prefix without matching siblings that merely share text", async () => {
    await kv.set(["p", "a"], 1);
    await kv.set(["p", "a", "deep"], 2);
    await kv.set(["p", "ab"], 3);
    await kv.set(["q"], 4);
    const listed = [];
    for await (const e of kv.list(["p", "a"])) listed.push(e);
    listed.sort((x, y) => (x.value as number) - (y.value as number));
    expect(listed).toEqual([
      { key: ["p", "a"], value: 1 },
      { key: ["p", "a", "deep"], value: 2 },
    ]);
    const all = [];
    for await (const e of kv.list()) all.push(e.key);
    expect(all).toHaveLength(4);
  });

  it("keeps values across a reopen of the database file", async () => {
    await kv.set(["durable"], { ok: true });
    handle.close();
    handle = openDatabase(`${dir.path}/kv.sqlite`);
    kv = new SqliteKvStore(handle.sqlite);
    expect(await kv.get(["durable"])).toEqual({ ok: true });
  });
});
