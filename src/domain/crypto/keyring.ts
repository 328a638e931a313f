import { createHmac, hkdfSync } from "node:crypto";

/**
 * Purpose-bound keys derived from CONSILIUM_SECRET with HKDF, so one secret
 * never serves two purposes (vault encryption, lookup hashes, sessions, keys).
 */
export interface Keyring {
  readonly vaultKey: Buffer;
  readonly actorKeyKey: Buffer;
  readonly sessionKey: Uint8Array;
  /** Signs media URLs, so files are served only to whoever was handed the link. */
  readonly mediaKey: Buffer;
  /** Keyed hash for lookups (e-mail, register fields): stable, not reversible. */
  lookupHash(purpose: string, value: string): string;
}

function derive(secret: string, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "consilium-v1", info, 32));
}

export function createKeyring(secret: string): Keyring {
  const lookupKey = derive(secret, "lookup-hmac");
  return {
    vaultKey: derive(secret, "identity-vault"),
    actorKeyKey: derive(secret, "actor-private-keys"),
    sessionKey: new Uint8Array(derive(secret, "web-sessions")),
    mediaKey: derive(secret, "media-urls"),
    lookupHash(purpose, value) {
      return createHmac("sha256", lookupKey).update(`${purpose}\0${value}`).digest("base64url");
    },
  };
}
