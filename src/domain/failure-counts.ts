import { createHash } from "node:crypto";
import { lt, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { once } from "../db/prepared.ts";
import { failureCounts } from "../db/schema.ts";

/** A key's failures: how many, and when the window began (or the last one, for a brake). */
export interface FailureEntry {
  readonly count: number;
  readonly at: number;
}

/** Where the sign-in and second-factor brakes keep their counts. */
export interface FailureCounts {
  get(key: string): FailureEntry | undefined;
  put(key: string, entry: FailureEntry): void;
  delete(key: string): void;
}

/** In one process's memory (unit tests, tools). */
export class MemoryFailureCounts implements FailureCounts {
  readonly #entries = new Map<string, FailureEntry>();
  get(key: string) {
    return this.#entries.get(key);
  }
  put(key: string, entry: FailureEntry) {
    this.#entries.set(key, entry);
  }
  delete(key: string) {
    this.#entries.delete(key);
  }
}

/** Entries quiet this long are gone whatever their brake's window (the longest is 15 minutes). */
const FORGET_MS = 86_400_000;

/**
 * In the database, so every process behind the load balancer brakes the same
 * attacker (each one forgave what the others counted).  Keys are stored as
 * SHA-256 digests: no e-mail address or client address sits in the table.
 */
export class StoredFailureCounts implements FailureCounts {
  readonly #db: Db;
  #prunedAt = 0;
  readonly #get = once(() =>
    this.#db
      .select({ count: failureCounts.count, at: failureCounts.at })
      .from(failureCounts)
      .where(sql`${failureCounts.key} = ${sql.placeholder("key")}`)
      .prepare(),
  );
  readonly #put = once(() =>
    this.#db
      .insert(failureCounts)
      .values({ key: sql.placeholder("key"), count: sql.placeholder("count"), at: sql.placeholder("at") })
      .onConflictDoUpdate({ target: failureCounts.key, set: { count: sql`excluded.count`, at: sql`excluded.at` } })
      .prepare(),
  );
  readonly #delete = once(() =>
    this.#db
      .delete(failureCounts)
      .where(sql`${failureCounts.key} = ${sql.placeholder("key")}`)
      .prepare(),
  );

  constructor(db: Db) {
    this.#db = db;
  }

  get(key: string): FailureEntry | undefined {
    return this.#get().get({ key: digest(key) });
  }

  put(key: string, entry: FailureEntry): void {
    this.#put().run({ key: digest(key), count: entry.count, at: entry.at });
    if (entry.at - this.#prunedAt > 3600_000) {
      this.#prunedAt = entry.at;
      this.#db
        .delete(failureCounts)
        .where(lt(failureCounts.at, entry.at - FORGET_MS))
        .run();
    }
  }

  delete(key: string): void {
    this.#delete().run({ key: digest(key) });
  }
}

function digest(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
