import { isDeepStrictEqual } from "node:util";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type postgres from "postgres";
import { asStored, encodeKey, expiry, isRememberedFailure, type KvStoreRuleOptions, prefixPattern } from "./kv-rules.ts";

/**
 * Fedify's KvStore on PostgreSQL (the fedify_kv table of migrations-pg/),
 * shared by every web node and worker.  Same rules as the SQLite store
 * (kv-rules.ts); a compare-and-swap holds a transaction lock on its key, so
 * two nodes swapping one key are serialised even while the key is absent
 * (there is no row yet to lock).
 */
export class PostgresKvStore implements KvStore {
  readonly #sql: postgres.Sql;
  readonly #uncachedFailures: readonly KvKey[];

  constructor(sql: postgres.Sql, options: KvStoreRuleOptions = {}) {
    this.#sql = sql;
    this.#uncachedFailures = options.uncachedFailurePrefixes ?? [];
  }

  /** Deletes what has expired (reads ignore it already); run now and then by the housekeeping loop. */
  async deleteExpired(now = Date.now()): Promise<number> {
    const result = await this.#sql`DELETE FROM fedify_kv WHERE expires_at IS NOT NULL AND expires_at <= ${now}`;
    return result.count;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const [row] = await this.#read(this.#sql, encodeKey(key));
    return row == null ? undefined : (JSON.parse(row.value) as T);
  }

  #read(sql: postgres.Sql | postgres.TransactionSql, key: string) {
    return sql<{ value: string }[]>`
      SELECT value FROM fedify_kv WHERE key = ${key} AND (expires_at IS NULL OR expires_at > ${Date.now()})`;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    if (isRememberedFailure(this.#uncachedFailures, key, value)) return;
    // JSON has no undefined: storing it is deleting (as a get would then answer).
    if (value === undefined) await this.delete(key);
    else await this.#write(this.#sql, encodeKey(key), value, expiry(options));
  }

  #write(sql: postgres.Sql | postgres.TransactionSql, key: string, value: unknown, expiresAt: number | null) {
    return sql`
      INSERT INTO fedify_kv (key, value, expires_at) VALUES (${key}, ${JSON.stringify(value)}, ${expiresAt})
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`;
  }

  async delete(key: KvKey): Promise<void> {
    await this.#sql`DELETE FROM fedify_kv WHERE key = ${encodeKey(key)}`;
  }

  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const encoded = encodeKey(key);
    const expected = asStored(expectedValue);
    const swapped = await this.#sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(hashtextextended(${encoded}, 0))`;
      const [row] = await this.#read(tx, encoded);
      const current = row == null ? undefined : (JSON.parse(row.value) as unknown);
      // Structural equality, as Fedify's MemoryKvStore compares (its circuit breaker relies on it).
      if (!isDeepStrictEqual(current, expected)) return false;
      if (newValue === undefined) await tx`DELETE FROM fedify_kv WHERE key = ${encoded}`;
      else await this.#write(tx, encoded, newValue, expiry(options));
      return true;
    });
    return swapped;
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const now = Date.now();
    const rows =
      prefix == null
        ? await this.#sql<{ key: string; value: string }[]>`
            SELECT key, value FROM fedify_kv WHERE expires_at IS NULL OR expires_at > ${now} ORDER BY key COLLATE "C"`
        : await this.#sql<{ key: string; value: string }[]>`
            SELECT key, value FROM fedify_kv
            WHERE (key = ${encodeKey(prefix)} OR key LIKE ${prefixPattern(prefix)} ESCAPE '\\')
              AND (expires_at IS NULL OR expires_at > ${now})
            ORDER BY key COLLATE "C"`;
    for (const row of rows) yield { key: JSON.parse(row.key) as KvKey, value: JSON.parse(row.value) };
  }
}
