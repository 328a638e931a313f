import { createPublicKey, type KeyObject } from "node:crypto";
import type Database from "better-sqlite3";
import type { KeyLookup, VerificationKey } from "./http-signature.ts";

/** A key as fetched from its own origin. */
export interface FetchedKey {
  readonly keyId: string;
  readonly owner: string | null;
  readonly publicKeyPem: string;
}

/** Fetches a key document (signed by our instance actor); null when there is none. */
export type KeyFetcher = (keyId: URL) => Promise<FetchedKey | null>;

export interface RemoteKeyStoreOptions {
  /** A key that failed a check is fetched again at most this often. */
  readonly refetchIntervalMs?: number;
  /** After a fetch that found no key, the same key id is not fetched again for this long (a negative cache). */
  readonly failureBackoffMs?: number;
  /** After a fetch that failed (the origin did not answer), the same key id waits this long. */
  readonly errorBackoffMs?: number;
  readonly memoryLimit?: number;
  /** Whether an origin is an active peer: others share one small budget of failed fetches. */
  readonly isActivePeer?: (origin: string) => boolean;
  /** Failed key fetches an origin may cause per `failureWindowMs` before it is held to one a `throttledIntervalMs`. */
  readonly failureBudget?: number;
  readonly failureWindowMs?: number;
  readonly throttledIntervalMs?: number;
}

/**
 * Failed key fetches per origin (non-peers share one bucket): requests naming
 * invented key ids cannot make this instance send more than a handful of
 * signed GETs.  Keys that exist are fetched once and stored, so genuine
 * traffic never meets the budget.
 */
class FailureBudget {
  readonly #budget: number;
  readonly #windowMs: number;
  readonly #throttledMs: number;
  readonly #entries = new Map<string, { failures: number[]; lastThrottled: number }>();

  constructor(budget: number, windowMs: number, throttledMs: number) {
    this.#budget = budget;
    this.#windowMs = windowMs;
    this.#throttledMs = throttledMs;
  }

  allows(bucket: string, now = Date.now()): boolean {
    const entry = this.#entries.get(bucket);
    if (!entry) return true;
    entry.failures = entry.failures.filter((t) => now - t < this.#windowMs);
    if (entry.failures.length < this.#budget) return true;
    if (now - entry.lastThrottled < this.#throttledMs) return false;
    entry.lastThrottled = now;
    return true;
  }

  failed(bucket: string, now = Date.now()): void {
    const entry = this.#entries.get(bucket) ?? { failures: [], lastThrottled: 0 };
    entry.failures.push(now);
    if (entry.failures.length > this.#budget * 2) entry.failures.shift();
    this.#entries.set(bucket, entry);
    if (this.#entries.size > 10_000) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

interface Row {
  key_id: string;
  owner: string;
  public_key_pem: string;
}

/**
 * Public keys of remote actors.  Only a successful fetch from the key's own
 * origin writes a key; nothing is ever cached as "unavailable", so a forged
 * request naming a genuine key id cannot lock that key's owner out (Fedify's
 * key cache remembered a failed fetch for ten minutes).  A key that fails a
 * check is fetched again once, no more often than `refetchIntervalMs`, and
 * concurrent fetches of one key id share one request.
 */
export class RemoteKeyStore {
  readonly #sqlite: Database.Database;
  readonly #fetcher: KeyFetcher;
  readonly #refetchIntervalMs: number;
  readonly #failureBackoffMs: number;
  readonly #errorBackoffMs: number;
  readonly #memoryLimit: number;
  readonly #isActivePeer: (origin: string) => boolean;
  readonly #budget: FailureBudget;
  readonly #memory = new Map<string, VerificationKey>();
  readonly #inflight = new Map<string, Promise<VerificationKey | null>>();
  readonly #lastRefetch = new Map<string, number>();
  readonly #failedAt = new Map<string, { at: number; backoffMs: number }>();
  readonly #select: Database.Statement<[string], Row>;
  readonly #upsert: Database.Statement<[string, string, string, string, number]>;

  constructor(sqlite: Database.Database, fetcher: KeyFetcher, options: RemoteKeyStoreOptions = {}) {
    this.#sqlite = sqlite;
    this.#fetcher = fetcher;
    this.#refetchIntervalMs = options.refetchIntervalMs ?? 30_000;
    this.#failureBackoffMs = options.failureBackoffMs ?? 2 * 60_000;
    this.#errorBackoffMs = options.errorBackoffMs ?? 1_000;
    this.#memoryLimit = options.memoryLimit ?? 10_000;
    this.#isActivePeer = options.isActivePeer ?? (() => true);
    this.#budget = new FailureBudget(
      options.failureBudget ?? 5,
      options.failureWindowMs ?? 10 * 60_000,
      options.throttledIntervalMs ?? 30_000,
    );
    this.#select = sqlite.prepare("SELECT key_id, owner, public_key_pem FROM remote_keys WHERE key_id = ?");
    this.#upsert = sqlite.prepare(
      "INSERT INTO remote_keys (key_id, owner, algorithm, public_key_pem, fetched_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key_id) DO UPDATE SET owner = excluded.owner, algorithm = excluded.algorithm, public_key_pem = excluded.public_key_pem, fetched_at = excluded.fetched_at",
    );
  }

  #remember(key: VerificationKey): VerificationKey {
    this.#memory.delete(key.keyId);
    if (this.#memory.size >= this.#memoryLimit) this.#memory.delete(this.#memory.keys().next().value!);
    this.#memory.set(key.keyId, key);
    return key;
  }

  /** A stored key, without fetching. */
  stored(keyId: string): VerificationKey | null {
    const known = this.#memory.get(keyId);
    if (known) return known;
    const row = this.#sqlite.open ? this.#select.get(keyId) : undefined;
    if (!row) return null;
    return this.#remember({ keyId: row.key_id, owner: row.owner || null, publicKey: createPublicKey(row.public_key_pem) });
  }

  /** Stores a key that was fetched from its origin (Fedify's RFC 9421 path hands us these too). */
  store(fetched: FetchedKey, publicKey: KeyObject = createPublicKey(fetched.publicKeyPem)): VerificationKey {
    const key: VerificationKey = { keyId: fetched.keyId, owner: fetched.owner, publicKey };
    if (this.#sqlite.open)
      this.#upsert.run(fetched.keyId, fetched.owner ?? "", publicKey.asymmetricKeyType ?? "unknown", fetched.publicKeyPem, Date.now());
    return this.#remember(key);
  }

  #fetch(keyId: URL): Promise<VerificationKey | null> {
    const running = this.#inflight.get(keyId.href);
    if (running) return running;
    const failed = this.#failedAt.get(keyId.href);
    if (failed != null && Date.now() - failed.at < failed.backoffMs) return Promise.resolve(null);
    const bucket = this.#isActivePeer(keyId.origin) ? keyId.origin : "(not a peer)";
    if (!this.#budget.allows(bucket)) return Promise.resolve(null);
    const fail = (backoffMs: number) => {
      this.#failedAt.set(keyId.href, { at: Date.now(), backoffMs });
      if (this.#failedAt.size > this.#memoryLimit) this.#failedAt.delete(this.#failedAt.keys().next().value!);
      this.#budget.failed(bucket);
      return null;
    };
    const attempt = (async () => {
      try {
        const fetched = await this.#fetcher(keyId);
        // No such key (or not where it says): remembered, so asking again costs nothing.
        if (!fetched || fetched.keyId !== keyId.href) return fail(this.#failureBackoffMs);
        this.#failedAt.delete(keyId.href);
        return this.store(fetched);
      } catch {
        return fail(this.#errorBackoffMs);
      } finally {
        this.#inflight.delete(keyId.href);
      }
    })();
    this.#inflight.set(keyId.href, attempt);
    return attempt;
  }

  /** The key: from memory, the database, or (once) its origin. */
  readonly lookup: KeyLookup = async (keyId) => {
    const known = this.stored(keyId.href);
    if (known) return { key: known, cached: true };
    const fetched = await this.#fetch(keyId);
    return fetched ? { key: fetched, cached: false } : null;
  };

  /** A fresh copy after a failed check (the key may have been rotated), rate-limited per key id. */
  readonly refetch: KeyLookup = async (keyId) => {
    const last = this.#lastRefetch.get(keyId.href) ?? 0;
    if (Date.now() - last < this.#refetchIntervalMs) return null;
    this.#lastRefetch.set(keyId.href, Date.now());
    if (this.#lastRefetch.size > this.#memoryLimit) this.#lastRefetch.delete(this.#lastRefetch.keys().next().value!);
    const fetched = await this.#fetch(keyId);
    return fetched ? { key: fetched, cached: false } : null;
  };

  /** Keys of an actor that is gone (Delete of the actor). */
  forgetOwner(owner: string): void {
    for (const [id, key] of this.#memory) if (key.owner === owner) this.#memory.delete(id);
    if (this.#sqlite.open) this.#sqlite.prepare("DELETE FROM remote_keys WHERE owner = ?").run(owner);
  }
}
