import { createHash, timingSafeEqual } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { once } from "../../db/prepared.ts";
import { oauthApps, oauthCodes, oauthTokens } from "../../db/schema.ts";
import { validationFailed } from "../errors.ts";
import { newId, newSecret } from "../ids.ts";
import { isSubset, parseScopes, unknownScopes } from "./scopes.ts";

export const OOB_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob";
const CODE_LIFETIME_MS = 10 * 60 * 1000;

export type OAuthApp = typeof oauthApps.$inferSelect;
export type OAuthToken = typeof oauthTokens.$inferSelect;

/** RFC 6749 errors: `{error, error_description}` rather than Mastodon's shape. */
export class OAuthError extends Error {
  readonly code: string;
  readonly status: 400 | 401 | 403;
  constructor(code: string, description: string, status: 400 | 401 | 403 = 400) {
    super(description);
    this.code = code;
    this.status = status;
  }
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly scopes: string[];
  readonly createdAt: Date;
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("base64url");

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Redirect URIs: https/http URLs, custom app schemes (Tusky), or out-of-band. */
export function isAcceptableRedirectUri(uri: string): boolean {
  if (uri === OOB_REDIRECT_URI) return true;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (["javascript", "data", "vbscript", "file", "blob"].includes(scheme)) return false;
  return !url.hash;
}

/** OAuth 2 apps, authorization codes (with PKCE) and bearer tokens. */
export class OAuthService {
  readonly #db: Db;
  // Every authenticated request resolves its token: prepared once.
  readonly #byTokenHash = once(() =>
    this.#db
      .select()
      .from(oauthTokens)
      .innerJoin(oauthApps, eq(oauthTokens.appId, oauthApps.id))
      .where(and(eq(oauthTokens.tokenHash, sql.placeholder("hash")), isNull(oauthTokens.revokedAt)))
      .prepare(),
  );

  constructor(db: Db) {
    this.#db = db;
  }

  createApp(input: { name: string; redirectUris: string[]; scopes: string; website?: string | null }, now = new Date()) {
    const scopes = parseScopes(input.scopes || "read");
    const fields: Record<string, { error: string; description: string }[]> = {};
    if (!input.name.trim()) fields["client_name"] = [{ error: "ERR_BLANK", description: "can't be blank" }];
    if (input.redirectUris.length === 0 || !input.redirectUris.every(isAcceptableRedirectUri)) {
      fields["redirect_uris"] = [{ error: "ERR_INVALID", description: "must be absolute URIs" }];
    }
    const unknown = unknownScopes(scopes);
    if (unknown.length > 0) fields["scopes"] = [{ error: "ERR_INVALID", description: `are unknown: ${unknown.join(" ")}` }];
    if (Object.keys(fields).length > 0) throw validationFailed(fields);
    const clientSecret = newSecret();
    const app = this.#db
      .insert(oauthApps)
      .values({
        id: newId(now.getTime()),
        name: input.name.trim().slice(0, 200),
        website: input.website || null,
        redirectUris: input.redirectUris.join("\n"),
        scopes: scopes.join(" "),
        clientId: newSecret(),
        clientSecretHash: sha256(clientSecret),
        createdAt: now,
      })
      .returning()
      .get();
    return { app, clientSecret };
  }

  findApp(clientId: string | undefined): OAuthApp | undefined {
    if (!clientId) return undefined;
    return this.#db.select().from(oauthApps).where(eq(oauthApps.clientId, clientId)).get();
  }

  #authenticateClient(clientId: string | undefined, clientSecret: string | undefined, secretRequired: boolean): OAuthApp {
    const app = this.findApp(clientId);
    if (!app) throw new OAuthError("invalid_client", "Client authentication failed due to unknown client.", 401);
    if (clientSecret != null || secretRequired) {
      if (clientSecret == null || !safeEqual(sha256(clientSecret), app.clientSecretHash)) {
        throw new OAuthError("invalid_client", "Client authentication failed due to a wrong client secret.", 401);
      }
    }
    return app;
  }

  /** Checks an authorization request before the login/consent pages are shown. */
  checkAuthorizationRequest(params: {
    clientId?: string;
    redirectUri?: string;
    responseType?: string;
    scope?: string;
    codeChallenge?: string;
    codeChallengeMethod?: string;
  }): { app: OAuthApp; redirectUri: string; scopes: string[] } {
    const app = this.findApp(params.clientId);
    if (!app) throw new OAuthError("invalid_client", "Unknown client_id.");
    const registered = app.redirectUris.split("\n");
    const redirectUri = params.redirectUri ?? (registered.length === 1 ? registered[0]! : "");
    if (!registered.includes(redirectUri)) {
      throw new OAuthError("invalid_request", "The redirect_uri does not match one registered for this application.");
    }
    if (params.responseType !== "code") throw new OAuthError("unsupported_response_type", "Only response_type=code is supported.");
    const scopes = parseScopes(params.scope || app.scopes.split(" ")[0] || "read");
    if (unknownScopes(scopes).length > 0 || !isSubset(scopes, app.scopes.split(" "))) {
      throw new OAuthError("invalid_scope", "The requested scope is invalid, unknown, or not registered for this application.");
    }
    if (params.codeChallenge != null || params.codeChallengeMethod != null) {
      if (params.codeChallengeMethod !== "S256") throw new OAuthError("invalid_request", "code_challenge_method must be S256.");
      if (!/^[A-Za-z0-9_-]{43}$/.test(params.codeChallenge ?? "")) {
        throw new OAuthError("invalid_request", "code_challenge must be a base64url SHA-256 digest.");
      }
    }
    return { app, redirectUri, scopes };
  }

  issueCode(
    input: {
      app: OAuthApp;
      accountId: string;
      redirectUri: string;
      scopes: string[];
      codeChallenge?: string;
      secondFactorAt?: Date | null;
    },
    now = new Date(),
  ): string {
    const code = newSecret();
    this.#db
      .insert(oauthCodes)
      .values({
        codeHash: sha256(code),
        appId: input.app.id,
        accountId: input.accountId,
        redirectUri: input.redirectUri,
        scopes: input.scopes.join(" "),
        codeChallenge: input.codeChallenge ?? null,
        codeChallengeMethod: input.codeChallenge ? "S256" : null,
        expiresAt: new Date(now.getTime() + CODE_LIFETIME_MS),
        secondFactorAt: input.secondFactorAt ?? null,
      })
      .run();
    return code;
  }

  exchangeCode(
    input: { clientId?: string; clientSecret?: string; code?: string; redirectUri?: string; codeVerifier?: string },
    now = new Date(),
  ): IssuedToken {
    if (!input.code) throw new OAuthError("invalid_request", "The code parameter is missing.");
    return this.#db.transaction((tx) => {
      const row = tx
        .select()
        .from(oauthCodes)
        .where(eq(oauthCodes.codeHash, sha256(input.code!)))
        .get();
      // PKCE makes a public client safe without a secret; otherwise it is required.
      const app = this.#authenticateClient(input.clientId, input.clientSecret, row?.codeChallenge == null);
      if (!row || row.appId !== app.id) throw new OAuthError("invalid_grant", "The authorization code is invalid.");
      if (row.usedAt != null) throw new OAuthError("invalid_grant", "The authorization code has already been used.");
      if (row.expiresAt.getTime() <= now.getTime()) throw new OAuthError("invalid_grant", "The authorization code has expired.");
      if ((input.redirectUri ?? row.redirectUri) !== row.redirectUri) {
        throw new OAuthError("invalid_grant", "The redirect_uri does not match the authorization request.");
      }
      if (row.codeChallenge != null) {
        if (!input.codeVerifier) throw new OAuthError("invalid_grant", "The code_verifier is missing.");
        if (!safeEqual(sha256(input.codeVerifier), row.codeChallenge)) {
          throw new OAuthError("invalid_grant", "The code_verifier does not match the code_challenge.");
        }
      }
      tx.update(oauthCodes).set({ usedAt: now }).where(eq(oauthCodes.codeHash, row.codeHash)).run();
      return this.#issue(tx, app.id, row.accountId, row.scopes.split(" "), now, row.secondFactorAt);
    });
  }

  clientCredentials(input: { clientId?: string; clientSecret?: string; scope?: string }, now = new Date()): IssuedToken {
    const app = this.#authenticateClient(input.clientId, input.clientSecret, true);
    const scopes = parseScopes(input.scope || app.scopes.split(" ")[0] || "read");
    if (unknownScopes(scopes).length > 0 || !isSubset(scopes, app.scopes.split(" "))) {
      throw new OAuthError("invalid_scope", "The requested scope is invalid, unknown, or not registered for this application.");
    }
    return this.#issue(this.#db, app.id, null, scopes, now);
  }

  /** A token for a just-registered account (Mastodon returns one from POST /api/v1/accounts). */
  issueForAccount(appId: string, accountId: string, scopes: string[], now = new Date()): IssuedToken {
    return this.#issue(this.#db, appId, accountId, scopes, now);
  }

  #issue(
    db: Pick<Db, "insert">,
    appId: string,
    accountId: string | null,
    scopes: string[],
    now: Date,
    secondFactorAt: Date | null = null,
  ): IssuedToken {
    const accessToken = newSecret();
    db.insert(oauthTokens)
      .values({
        id: newId(now.getTime()),
        tokenHash: sha256(accessToken),
        appId,
        accountId,
        scopes: scopes.join(" "),
        createdAt: now,
        secondFactorAt,
      })
      .run();
    return { accessToken, scopes, createdAt: now };
  }

  /** RFC 7009: revoking an unknown token is not an error; a wrong client is. */
  revoke(input: { clientId?: string; clientSecret?: string; token?: string }, now = new Date()): void {
    const app = this.#authenticateClient(input.clientId, input.clientSecret, true);
    if (!input.token) throw new OAuthError("invalid_request", "The token parameter is missing.");
    this.#db
      .update(oauthTokens)
      .set({ revokedAt: now })
      .where(and(eq(oauthTokens.tokenHash, sha256(input.token)), eq(oauthTokens.appId, app.id), isNull(oauthTokens.revokedAt)))
      .run();
  }

  resolveToken(token: string): { token: OAuthToken; app: OAuthApp } | undefined {
    const row = this.#byTokenHash().get({ hash: sha256(token) });
    return row ? { token: row.oauth_tokens, app: row.oauth_apps } : undefined;
  }
}
