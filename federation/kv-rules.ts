import type { KvKey, KvStoreSetOptions } from "@fedify/fedify";

/*
 * What Fedify's key-value store means, shared by the SQLite and PostgreSQL
 * adapters: keys stored as the JSON text of their array, a prefix matched on
 * that text up to its last element, expiry in epoch milliseconds, and the
 * failures never remembered.
 */

export interface KvStoreRuleOptions {
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

export function isRememberedFailure(prefixes: readonly KvKey[], key: KvKey, value: unknown): boolean {
  return prefixes.some((p) => hasPrefix(key, p) && (value === null || key[p.length] === "__fetchError"));
}

export function encodeKey(key: KvKey): string {
  return JSON.stringify(key);
}

/** The LIKE pattern of the keys under a prefix (the prefix's own key is matched by equality). */
export function prefixPattern(prefix: KvKey): string {
  return `${escapeLike(encodeKey(prefix).slice(0, -1))},%`;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function expiry(options?: KvStoreSetOptions): number | null {
  return options?.ttl == null ? null : Date.now() + options.ttl.total("millisecond");
}

/** Round-trips through JSON, so that a comparison sees what a get() would return. */
export function asStored(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
