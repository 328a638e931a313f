import { eq } from "drizzle-orm";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from "jose";
import type { Db } from "../../db/client.ts";
import { remoteActors } from "../../db/schema.ts";
import type { Clock } from "../clock.ts";
import type { RemoteActorRow } from "../directory/service.ts";
import { announce } from "../observations.ts";
import { CREDENTIAL_TYPE, type CredentialClaims } from "./issuer.ts";

export interface CredentialCheck {
  readonly valid: boolean;
  readonly reason: string | null;
  readonly claims: CredentialClaims | null;
  readonly expiresAt: Date | null;
}

/** Fetches an issuer's JWKS (HTTP in production; injectable for tests). */
export type JwksFetcher = (origin: string) => Promise<JSONWebKeySet>;

/** The JWT from a credential link: inline `data:` URL or the bare token. */
export function credentialToken(link: string): string {
  if (link.startsWith("data:")) return decodeURIComponent(link.slice(link.indexOf(",") + 1));
  return link;
}

/**
 * Checks a remote actor's credential: signed by a key of the issuer, the
 * subject is this actor, the issuer has the actor's origin and is an active
 * peer, and it is within its validity.  The result is cached on the actor
 * until the credential expires or changes.
 */
export class CredentialVerifier {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #isActivePeer: (origin: string) => boolean;
  #fetchJwks: JwksFetcher;
  readonly #jwksCache = new Map<string, { jwks: JSONWebKeySet; at: number }>();

  constructor(deps: { db: Db; clock: Clock; isActivePeer: (origin: string) => boolean; fetchJwks: JwksFetcher }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#isActivePeer = deps.isActivePeer;
    this.#fetchJwks = deps.fetchJwks;
  }

  setFetcher(fetchJwks: JwksFetcher): void {
    this.#fetchJwks = fetchJwks;
  }

  async #jwks(origin: string, refresh: boolean): Promise<JSONWebKeySet> {
    const cached = this.#jwksCache.get(origin);
    if (cached && !refresh && Date.now() - cached.at < 3600_000) return cached.jwks;
    const jwks = await this.#fetchJwks(origin);
    this.#jwksCache.set(origin, { jwks, at: Date.now() });
    return jwks;
  }

  async check(actorUri: string, link: string | null): Promise<CredentialCheck> {
    const result = await this.#check(actorUri, link);
    announce({ type: "credential.checked", valid: result.valid, reason: result.valid ? null : result.reason });
    return result;
  }

  async #check(actorUri: string, link: string | null): Promise<CredentialCheck> {
    if (!link) return { valid: false, reason: "no credential", claims: null, expiresAt: null };
    const token = credentialToken(link);
    const actorOrigin = new URL(actorUri).origin;
    let payload: Record<string, unknown>;
    try {
      payload = decodeJwt(token) as Record<string, unknown>;
      const header = decodeProtectedHeader(token);
      if (header.alg !== "EdDSA" || header.typ !== "vc+jwt")
        return { valid: false, reason: "not an EdDSA vc+jwt", claims: null, expiresAt: null };
    } catch {
      return { valid: false, reason: "malformed credential", claims: null, expiresAt: null };
    }
    const issuer = typeof payload["iss"] === "string" ? payload["iss"] : String(payload["issuer"] ?? "");
    let issuerOrigin: string;
    try {
      issuerOrigin = new URL(issuer).origin;
    } catch {
      return { valid: false, reason: "no issuer", claims: null, expiresAt: null };
    }
    if (issuerOrigin !== actorOrigin)
      return { valid: false, reason: "issued by another origin than the actor's", claims: null, expiresAt: null };
    if (!this.#isActivePeer(issuerOrigin)) return { valid: false, reason: "issuer is not an active peer", claims: null, expiresAt: null };
    let verified: Record<string, unknown>;
    try {
      const verify = async (refresh: boolean) =>
        (
          await jwtVerify(token, createLocalJWKSet(await this.#jwks(issuerOrigin, refresh)), {
            algorithms: ["EdDSA"],
            typ: "vc+jwt",
            issuer,
            currentDate: this.#clock.now(),
          })
        ).payload as Record<string, unknown>;
      // A key rotated since we cached the set: fetch it once more.
      verified = await verify(false).catch(() => verify(true));
    } catch (error) {
      const code = (error as { code?: string }).code;
      return {
        valid: false,
        reason: code === "ERR_JWT_EXPIRED" ? "expired" : "signature does not verify with the issuer's keys",
        claims: null,
        expiresAt: null,
      };
    }
    const subject = verified["credentialSubject"] as
      { id?: string; specialty?: CredentialClaims["specialty"]; jurisdiction?: string } | undefined;
    const types = verified["type"];
    if (!Array.isArray(types) || !types.includes(CREDENTIAL_TYPE))
      return { valid: false, reason: "not a physician attestation", claims: null, expiresAt: null };
    if (subject?.id !== actorUri || verified["sub"] !== actorUri)
      return { valid: false, reason: "credential is about another actor", claims: null, expiresAt: null };
    const validUntil = new Date(String(verified["validUntil"] ?? ""));
    const validFrom = new Date(String(verified["validFrom"] ?? ""));
    const now = this.#clock.now().getTime();
    if (!(validUntil.getTime() > now) || !(validFrom.getTime() <= now + 60_000))
      return { valid: false, reason: "outside its validity period", claims: null, expiresAt: null };
    if (!subject.specialty?.label || !subject.jurisdiction)
      return { valid: false, reason: "no specialty or jurisdiction", claims: null, expiresAt: null };
    return {
      valid: true,
      reason: null,
      claims: {
        issuer,
        subject: actorUri,
        specialty: subject.specialty,
        jurisdiction: subject.jurisdiction,
        validFrom: validFrom.toISOString(),
        validUntil: validUntil.toISOString(),
      },
      expiresAt: validUntil,
    };
  }

  /** Checks (or reuses the cached check of) a stored remote actor. */
  async ensure(actor: RemoteActorRow): Promise<RemoteActorRow> {
    const now = this.#clock.now().getTime();
    // Valid results hold until the credential expires; failures are retried hourly
    // (a peering may have become active since).
    const fresh =
      actor.credentialCheckedAt != null &&
      (actor.credentialStatus === "valid"
        ? actor.credentialExpiresAt != null && actor.credentialExpiresAt.getTime() > now
        : now - actor.credentialCheckedAt.getTime() < 3600_000);
    if (fresh) return actor;
    return this.recheck(actor);
  }

  async recheck(actor: RemoteActorRow): Promise<RemoteActorRow> {
    const result = await this.check(actor.uri, actor.credential);
    return this.#db
      .update(remoteActors)
      .set({
        credentialStatus: actor.credential ? (result.valid ? "valid" : "invalid") : "none",
        credentialReason: result.reason,
        credentialClaims: result.claims ? JSON.stringify(result.claims) : null,
        credentialCheckedAt: this.#clock.now(),
        credentialExpiresAt: result.expiresAt,
      })
      .where(eq(remoteActors.id, actor.id))
      .returning()
      .get();
  }
}
