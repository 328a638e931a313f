import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { tempDir } from "../helpers/temp.ts";

describe("the database connection's statement cache", () => {
  const dir = tempDir();
  afterEach(() => dir.cleanup());

  it("hands out a fresh statement when the cached one is still iterating, as stock better-sqlite3 would", () => {
    const { sqlite, close } = openDatabase(`${dir.path}/cache.sqlite`);
    try {
      sqlite.exec("CREATE TABLE t (n INTEGER)");
      for (let n = 1; n <= 3; n++) sqlite.prepare("INSERT INTO t (n) VALUES (?)").run(n);
      const pairs: number[][] = [];
      // The same SQL inside its own loop: "This statement is busy executing a query" with one shared statement.
      for (const outer of sqlite.prepare("SELECT n FROM t ORDER BY n").iterate() as Iterable<{ n: number }>)
        for (const inner of sqlite.prepare("SELECT n FROM t ORDER BY n").iterate() as Iterable<{ n: number }>)
          pairs.push([outer.n, inner.n]);
      expect(pairs).toHaveLength(9);
      // Reused when idle.
      expect(sqlite.prepare("SELECT n FROM t ORDER BY n")).toBe(sqlite.prepare("SELECT n FROM t ORDER BY n"));
    } finally {
      close();
    }
  });
});
