import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { once } from "../db/prepared.ts";
import { actorKeys } from "../db/schema.ts";
import type { Keyring } from "./crypto/keyring.ts";
import { open, seal } from "./crypto/sealed-box.ts";

export type KeyAlgorithm = "RSASSA-PKCS1-v1_5" | "Ed25519";

/** The instance actor's owner key in the actor_keys table. */
export const INSTANCE_KEY_OWNER = "instance";

const ALGORITHMS: Record<KeyAlgorithm, RsaHashedKeyGenParams | EcKeyGenParams | { name: "Ed25519" }> = {
  "RSASSA-PKCS1-v1_5": { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
  Ed25519: { name: "Ed25519" },
};
const IMPORT_PARAMS: Record<KeyAlgorithm, RsaHashedImportParams | { name: "Ed25519" }> = {
  "RSASSA-PKCS1-v1_5": { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  Ed25519: { name: "Ed25519" },
};

/**
 * Each actor's RSA (HTTP signatures) and Ed25519 (proofs, credentials) key
 * pairs, generated once and kept with the private half sealed.  Imported
 * CryptoKeys are cached: parsing JWKs on every signature is wasted work.
 */
export class ActorKeyStore {
  readonly #db: Db;
  readonly #keyring: Keyring;
  readonly #cache = new Map<string, Promise<CryptoKeyPair[]>>();

  constructor(db: Db, keyring: Keyring) {
    this.#db = db;
    this.#keyring = keyring;
  }

  /** The owner's key pairs, RSA first, generating any that are missing. */
  keyPairs(owner: string): Promise<CryptoKeyPair[]> {
    let pairs = this.#cache.get(owner);
    if (!pairs) {
      pairs = this.#load(owner);
      this.#cache.set(owner, pairs);
      pairs.catch(() => this.#cache.delete(owner));
    }
    return pairs;
  }

  async #load(owner: string): Promise<CryptoKeyPair[]> {
    return Promise.all((["RSASSA-PKCS1-v1_5", "Ed25519"] as const).map((alg) => this.#pair(owner, alg)));
  }

  readonly #byOwner = once(() =>
    this.#db
      .select()
      .from(actorKeys)
      .where(and(eq(actorKeys.owner, sql.placeholder("owner")), eq(actorKeys.algorithm, sql.placeholder("algorithm"))))
      .prepare(),
  );

  async #pair(owner: string, algorithm: KeyAlgorithm): Promise<CryptoKeyPair> {
    let row = this.#byOwner().get({ owner, algorithm });
    if (!row) {
      const generated = (await crypto.subtle.generateKey(ALGORITHMS[algorithm], true, ["sign", "verify"])) as CryptoKeyPair;
      const publicJwk = JSON.stringify(await crypto.subtle.exportKey("jwk", generated.publicKey));
      const privateJwk = JSON.stringify(await crypto.subtle.exportKey("jwk", generated.privateKey));
      // Another request may have generated the pair meanwhile; the first one wins.
      this.#db
        .insert(actorKeys)
        .values({
          owner,
          algorithm,
          publicJwk,
          privateJwk: seal(this.#keyring.actorKeyKey, `key:${owner}:${algorithm}`, privateJwk),
          createdAt: new Date(),
        })
        .onConflictDoNothing()
        .run();
      row = this.#byOwner().get({ owner, algorithm })!;
    }
    const params = IMPORT_PARAMS[algorithm];
    const privateJwk = JSON.parse(open(this.#keyring.actorKeyKey, `key:${owner}:${algorithm}`, row.privateJwk));
    return {
      publicKey: await crypto.subtle.importKey("jwk", JSON.parse(row.publicJwk), params, true, ["verify"]),
      privateKey: await crypto.subtle.importKey("jwk", privateJwk, params, true, ["sign"]),
    };
  }
}
