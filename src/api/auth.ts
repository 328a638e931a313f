import type { Context, MiddlewareHandler } from "hono";
import { isStaff } from "../domain/accounts/types.ts";
import { scopeAllows } from "../domain/oauth/scopes.ts";
import { may, STAFF_POWERS, type StaffPower } from "../domain/staff/powers.ts";
import type { AppEnv, Auth } from "../http/env.ts";
import { fail } from "../http/errors.ts";

/** Resolves `Authorization: Bearer …` (or `access_token` in the query) to the caller. */
export function resolveAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const token = match?.[1] ?? c.req.query("access_token");
    let auth: Auth | null = null;
    if (token) {
      const services = c.get("services");
      const found = services.oauth.resolveToken(token);
      if (!found) fail("unauthorized", "The access token is invalid");
      const account = found.token.accountId ? (services.accounts.get(found.token.accountId) ?? null) : null;
      if (account?.status === "approved") services.accountActivity.markActive(account);
      let scopes = found.token.scopes.split(" ");
      // Admin scopes hold only on a token issued after the staff member's second factor (one rule, in the domain).
      if (
        account &&
        isStaff(account.role) &&
        scopes.some(isAdminScope) &&
        !services.secondFactors.tokenCarriesStaffPower(account, found.token)
      ) {
        scopes = scopes.filter((s) => !isAdminScope(s));
      }
      auth = { token: found.token, app: found.app, scopes, account };
    }
    c.set("auth", auth);
    await next();
  };
}

const isAdminScope = (scope: string) => scope === "admin:read" || scope === "admin:write" || scope.startsWith("admin:");

function requireScope(auth: Auth, scope: string | undefined): void {
  if (scope && !scopeAllows(auth.scopes, scope)) {
    fail("forbidden", "This action is outside the authorized scopes");
  }
}

/** Any valid token (an app's or a user's) with the scope. */
export function requireApp(c: Context<AppEnv>, scope?: string): Auth {
  const auth = c.get("auth");
  if (!auth) fail("unauthorized", "The access token is invalid");
  requireScope(auth, scope);
  return auth;
}

/** A token of an approved account: the closed network's door. */
export function requireUser(c: Context<AppEnv>, scope?: string): Auth & { account: NonNullable<Auth["account"]> } {
  const auth = c.get("auth");
  if (!auth) fail("unauthorized", "The access token is invalid");
  if (!auth.account) fail("unauthorized", "This method requires an authenticated user");
  switch (auth.account.status) {
    case "pending":
      fail("forbidden", "Your login is currently pending approval");
      break;
    case "rejected":
      fail("forbidden", "Your application was not approved");
      break;
    case "suspended":
      fail("forbidden", "Your login is currently disabled");
      break;
  }
  // Staff disabled this physician's sign-in (the account and its posts stay).
  if (auth.account.disabled) fail("forbidden", "Your login is currently disabled");
  requireScope(auth, scope);
  return auth as Auth & { account: NonNullable<Auth["account"]> };
}

/** Verifiers, admins and the owner, each as far as the one table of staff powers lets them. */
export function requireStaff(c: Context<AppEnv>, scope: string, power: StaffPower) {
  const auth = requireUser(c, scope);
  if (!isStaff(auth.account.role)) fail("forbidden", "This action is not allowed");
  if (!may(auth.account.role, power)) fail("forbidden", `This action needs the ${STAFF_POWERS[power]} role`);
  return auth;
}
