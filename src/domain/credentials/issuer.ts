import { and, eq, isNotNull, isNull, lte, ne, or } from "drizzle-orm";
import { SignJWT } from "jose";
import type { Db } from "../../db/client.ts";
import { accounts } from "../../db/schema.ts";
import type { AccountRow } from "../accounts/types.ts";
import type { Clock } from "../clock.ts";
import type { InstanceInfo } from "../instance.ts";
import { type ActorKeyStore, INSTANCE_KEY_OWNER } from "../keys.ts";
import { findSpecialty, NUCC_SYSTEM } from "../specialties.ts";

export const CREDENTIAL_TYPE = "PhysicianAttestation";
export const DEFAULT_CREDENTIAL_DAYS = 30;
/** Re-issue this long before expiry, so peers never see a gap. */
export const RENEW_BEFORE_MS = 7 * 86_400_000;
const DAY = 86_400_000;

/** The key id peers find in our JWKS (and on the instance actor). */
export function credentialKeyId(origin: string): string {
  return `${origin}/actor#credential-key`;
}

export interface CredentialClaims {
  issuer: string;
  subject: string;
  specialty: { system: string; code: string; label: string };
  jurisdiction: string;
  validFrom: string;
  validUntil: string;
}

/**
 * Issues the short-lived VC-JWT (W3C VC 2.0 secured with JOSE) that lets
 * peers check for themselves that an actor is a licensed physician.  It
 * carries specialty and jurisdiction only: no name, licence or register id.
 */
export class CredentialIssuer {
  readonly #db: Db;
  readonly #keys: ActorKeyStore;
  readonly #instance: InstanceInfo;
  readonly #clock: Clock;
  readonly #lifetimeDays: number;

  constructor(deps: { db: Db; keys: ActorKeyStore; instance: InstanceInfo; clock: Clock; lifetimeDays?: number }) {
    this.#db = deps.db;
    this.#keys = deps.keys;
    this.#instance = deps.instance;
    this.#clock = deps.clock;
    this.#lifetimeDays = deps.lifetimeDays ?? DEFAULT_CREDENTIAL_DAYS;
  }

  async #ed25519(): Promise<CryptoKeyPair> {
    const pairs = await this.#keys.keyPairs(INSTANCE_KEY_OWNER);
    return pairs[1]!;
  }

  /** The public JWK set published at /.well-known/jwks.json. */
  async jwks(): Promise<{ keys: JsonWebKey[] }> {
    const { publicKey } = await this.#ed25519();
    const jwk = await crypto.subtle.exportKey("jwk", publicKey);
    return { keys: [{ ...jwk, kid: credentialKeyId(this.#instance.origin), alg: "EdDSA", use: "sig" } as JsonWebKey] };
  }

  /** May this account hold a credential right now? */
  eligible(account: AccountRow, licenseExpiresAt?: string | null): boolean {
    if (account.status !== "approved" || account.role !== "physician" || !account.specialty || !account.jurisdiction) return false;
    return !licenseExpiresAt || new Date(licenseExpiresAt).getTime() > this.#clock.now().getTime();
  }

  async issue(account: AccountRow): Promise<AccountRow> {
    const specialty = findSpecialty(account.specialty ?? "");
    if (!specialty || !account.jurisdiction) throw new Error("only physicians with a specialty and jurisdiction hold credentials");
    const now = this.#clock.now();
    const until = new Date(now.getTime() + this.#lifetimeDays * DAY);
    const issuer = `${this.#instance.origin}/actor`;
    const subject = `${this.#instance.origin}/users/${account.username}`;
    const { privateKey } = await this.#ed25519();
    const jwt = await new SignJWT({
      "@context": ["https://www.w3.org/ns/credentials/v2", "https://consilium.invalid/ns/physician/v1"],
      type: ["VerifiableCredential", CREDENTIAL_TYPE],
      issuer,
      validFrom: now.toISOString(),
      validUntil: until.toISOString(),
      credentialSubject: {
        id: subject,
        specialty: { system: NUCC_SYSTEM, code: specialty.nucc ?? specialty.code, label: specialty.label, consilium: specialty.code },
        jurisdiction: account.jurisdiction,
      },
    })
      .setProtectedHeader({ alg: "EdDSA", typ: "vc+jwt", cty: "vc", kid: credentialKeyId(this.#instance.origin) })
      .setIssuer(issuer)
      .setSubject(subject)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(until.getTime() / 1000))
      .sign(privateKey);
    return this.#db
      .update(accounts)
      .set({ credential: jwt, credentialExpiresAt: until })
      .where(eq(accounts.id, account.id))
      .returning()
      .get();
  }

  revoke(account: AccountRow): AccountRow {
    return this.#db
      .update(accounts)
      .set({ credential: null, credentialExpiresAt: null })
      .where(eq(accounts.id, account.id))
      .returning()
      .get();
  }

  /** Accounts whose credential is missing or expires within the renewal window. */
  due(): AccountRow[] {
    const horizon = this.#clock.now().getTime() + RENEW_BEFORE_MS;
    return this.#db
      .select()
      .from(accounts)
      .where(
        and(
          eq(accounts.status, "approved"),
          eq(accounts.role, "physician"),
          or(isNull(accounts.credentialExpiresAt), lte(accounts.credentialExpiresAt, new Date(horizon))),
        ),
      )
      .all();
  }

  /** Credentials still held by accounts that may no longer hold one. */
  stale(): AccountRow[] {
    return this.#db
      .select()
      .from(accounts)
      .where(and(isNotNull(accounts.credential), ne(accounts.status, "approved")))
      .all();
  }

  get lifetimeDays(): number {
    return this.#lifetimeDays;
  }
}
