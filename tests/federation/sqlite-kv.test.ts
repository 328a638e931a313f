import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../src/db/client.ts";
import { SqliteKvStore } from "../../federation/sqlite-kv.ts";
import { tempDir } from "../helpers/temp.ts";
import { kvStoreContract } from "./kv-contract.ts";

describe("SqliteKvStore", () => {
  let dir: ReturnType<typeof tempDir>;
  let handle: DatabaseHandle;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  kvStoreContract("SqliteKvStore", {
    open: () => {
      handle = openDatabase(`${dir.path}/kv.sqlite`);
      return Promise.resolve(new SqliteKvStore(handle.sqlite));
    },
    close: () => Promise.resolve(handle.close()),
  });

  it("keeps values across a reopen of the database file", async () => {
    await new SqliteKvStore(handle.sqlite).set(["durable"], { ok: true });
    handle.close();
    handle = openDatabase(`${dir.path}/kv.sqlite`);
    expect(await new SqliteKvStore(handle.sqlite).get(["durable"])).toEqual({ ok: true });
  });
});
