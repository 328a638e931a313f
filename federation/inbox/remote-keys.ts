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
  /** After a failed fetch, the same key id is not fetched again for this long. */
  readonly failureBackoffMs?: number;
  readonly memoryLimit?: number;
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
  readonly #memoryLimit: number;
  readonly #memory = new Map<string, VerificationKey>();
  readonly #inflight = new Map<string, Promise<VerificationKey | null>>();
  readonly #lastRefetch = new Map<string, number>();
  readonly #failedAt = new Map<string, number>();
  readonly #select: Database.Statement<[string], Row>;
  readonly #upsert: Database.Statement<[string, string, string, string, number]>;

  constructor(sqlite: Database.Database, fetcher: KeyFetcher, options: RemoteKeyStoreOptions = {}) {
    this.#sqlite = sqlite;
    this.#fetcher = fetcher;
    this.#refetchIntervalMs = options.refetchIntervalMs ?? 30_000;
    this.#failureBackoffMs = options.failureBackoffMs ?? 1_000;
    this.#memoryLimit = options.memoryLimit ?? 10_000;
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
    if (this.#sqlite.open) this.#upsert.run(fetched.keyId, fetched.owner ?? "", publicKey.asymmetricKeyType ?? "unknown", fetched.publicKeyPem, Date.now());
    return this.#remember(key);
  }

  #fetch(keyId: URL): Promise<VerificationKey | null> {
    const running = this.#inflight.get(keyId.href);
    if (running) return running;
    const failed = this.#failedAt.get(keyId.href);
    if (failed != null && Date.now() - failed < this.#failureBackoffMs) return Promise.resolve(null);
    const attempt = (async () => {
      try {
        const fetched = await this.#fetcher(keyId);
        if (!fetched || fetched.keyId !== keyId.href) {
          this.#failedAt.set(keyId.href, Date.now());
          return null;
        }
        this.#failedAt.delete(keyId.href);
        return this.store(fetched);
      } catch {
        this.#failedAt.set(keyId.href, Date.now());
        return null;
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
