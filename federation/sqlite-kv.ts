import { isDeepStrictEqual } from "node:util";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type Database from "better-sqlite3";

/**
 * Fedify's KvStore on the application's SQLite database (better-sqlite3).
 * Keys are stored as JSON arrays; a prefix query matches the JSON text up to
 * the last element, so ["a","b"] lists ["a","b"] and ["a","b",...].
 */
export interface SqliteKvStoreOptions {
  /**
   * Prefixes under which a failure is never remembered: Fedify's key cache
   * stores `null` (and fetch-error notes) for a key it could not fetch, and a
   * single forged request could then lock a genuine key out for ten minutes.
   */
  readonly uncachedFailurePrefixes?: readonly KvKey[];
}

function hasPrefix(key: KvKey, prefix: KvKey): boolean {
  return prefix.length <= key.length && prefix.every((p, i) => key[i] === p);
}

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

  #isRememberedFailure(key: KvKey, value: unknown): boolean {
    return this.#uncachedFailures.some((p) => hasPrefix(key, p) && (value === null || key[p.length] === "__fetchError"));
  }

  set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    if (this.#isRememberedFailure(key, value)) return Promise.resolve();
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
    // Round-trip through JSON so the comparison sees what a get() would return.
    const expected = expectedValue === undefined ? undefined : JSON.parse(JSON.stringify(expectedValue));
    return Promise.resolve(this.#cas(encodeKey(key), expected, newValue, expiry(options)));
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const now = Date.now();
    const rows =
      prefix == null
        ? this.#listAll.all(now)
        : this.#listPrefix.all(encodeKey(prefix), `${escapeLike(encodeKey(prefix).slice(0, -1))},%`, now);
    for (const row of rows) {
      yield { key: JSON.parse(row.key) as KvKey, value: JSON.parse(row.value) };
    }
  }
}

function encodeKey(key: KvKey): string {
  return JSON.stringify(key);
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function expiry(options?: KvStoreSetOptions): number | null {
  return options?.ttl == null ? null : Date.now() + options.ttl.total("millisecond");
}
