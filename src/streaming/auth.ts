import type { AccountRow } from "../domain/accounts/types.ts";
import { scopeAllows } from "../domain/oauth/scopes.ts";
import type { Services } from "../services.ts";

/**
 * A streaming client's account, from its token (header, query, or the
 * WebSocket protocol as browser clients send it): an approved physician's
 * token with a read scope, or nothing.
 */
export function streamingViewer(services: Services, token: string | null | undefined): AccountRow | null {
  if (!token) return null;
  const found = services.oauth.resolveToken(token);
  if (!found?.token.accountId) return null;
  const scopes = found.token.scopes.split(" ");
  if (!["read:statuses", "read:notifications"].some((s) => scopeAllows(scopes, s))) return null;
  const account = services.accounts.get(found.token.accountId);
  return account?.status === "approved" ? account : null;
}

/** The bearer token of a request: Authorization header, else `access_token` in the query. */
export function bearerToken(authorization: string | null | undefined, query: URLSearchParams): string | null {
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match?.[1] ?? query.get("access_token");
}
