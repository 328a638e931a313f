import { isDeepStrictEqual } from "node:util";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type Database from "better-sqlite3";
import { asStored, encodeKey, expiry, isRememberedFailure, type KvStoreRuleOptions, prefixPattern } from "./kv-rules.ts";

/**
 * Fedify's KvStore on the application's SQLite database (better-sqlite3).
 * The rules both backends share are in kv-rules.ts.
 */
export type SqliteKvStoreOptions = KvStoreRuleOptions;

export class SqliteKvStore implements KvStore {
  readonly #uncachedFailures: readonly KvKey[];
  readonly #get: Database.Statement<[string, number], { value: string }>;
  readonly #set: Database.Statement<[string, string, number | null]>;
  readonly #delete: Database.Statement<[string]>;
  readonly #listPrefix: Database.Statement<[string, string, number], { key: string; value: string }>;
  readonly #listAll: Database.Statement<[number], { key: string; value: string }>;
  readonly #cas: (key: string, expected: unknown, next: unknown, expiresAt: number | null) => boolean;

  constructor(sqlite: Database.Database, options: SqliteKvStoreOptions = {}) {
    this.#uncachedFailures = options.uncachedFailurePrefixes ?? [];
    this.#get = sqlite.prepare("SELECT value FROM fedify_kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)");
    this.#set = sqlite.prepare(
      "INSERT INTO fedify_kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
    );
    this.#delete = sqlite.prepare("DELETE FROM fedify_kv WHERE key = ?");
    this.#listPrefix = sqlite.prepare(
      "SELECT key, value FROM fedify_kv WHERE (key = ? OR key LIKE ? ESCAPE '\\') AND (expires_at IS NULL OR expires_at > ?) ORDER BY key",
    );
    this.#listAll = sqlite.prepare("SELECT key, value FROM fedify_kv WHERE expires_at IS NULL OR expires_at > ? ORDER BY key");
    // Fedify's semantics (its MemoryKvStore): the current value (undefined when
    // absent or expired) is compared structurally with the expected one, so
    // objects whose keys come in another order are equal; a new value of
    // undefined deletes the entry.  Fedify's circuit breaker relies on both.
    this.#cas = sqlite.transaction((key: string, expected: unknown, next: unknown, expiresAt: number | null) => {
      const row = this.#get.get(key, Date.now());
      const current = row == null ? undefined : JSON.parse(row.value);
      if (!isDeepStrictEqual(current, expected)) return false;
      if (next === undefined) this.#delete.run(key);
      else this.#set.run(key, JSON.stringify(next), expiresAt);
      return true;
    });
    sqlite.prepare("DELETE FROM fedify_kv WHERE expires_at IS NOT NULL AND expires_at <= ?").run(Date.now());
  }

  get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const row = this.#get.get(encodeKey(key), Date.now());
    return Promise.resolve(row == null ? undefined : (JSON.parse(row.value) as T));
  }

  set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    if (isRememberedFailure(this.#uncachedFailures, key, value)) return Promise.resolve();
    // JSON has no undefined: storing it is deleting (as a get would then answer).
    if (value === undefined) this.#delete.run(encodeKey(key));
    else this.#set.run(encodeKey(key), JSON.stringify(value), expiry(options));
    return Promise.resolve();
  }

  delete(key: KvKey): Promise<void> {
    this.#delete.run(encodeKey(key));
    return Promise.resolve();
  }

  cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    return Promise.resolve(this.#cas(encodeKey(key), asStored(expectedValue), newValue, expiry(options)));
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const now = Date.now();
    const rows = prefix == null ? this.#listAll.all(now) : this.#listPrefix.all(encodeKey(prefix), prefixPattern(prefix), now);
    for (const row of rows) {
      yield { key: JSON.parse(row.key) as KvKey, value: JSON.parse(row.value) };
    }
  }
}
