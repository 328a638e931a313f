import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../../http/env.ts";
import type { AccountRow } from "../../domain/accounts/types.ts";
import type { StaffSessionRow } from "../../domain/staff/sessions.ts";
import { csrfValid } from "../../pages/session.ts";

export type { ConsoleStaff } from "../../http/env.ts";

export { isStaffRole, type StaffRole } from "../../domain/staff/powers.ts";
import { isStaffRole, may, type StaffPower } from "../../domain/staff/powers.ts";

/** The console asks the same table as the admin API. */
export const mayDo = (account: AccountRow, power: StaffPower): boolean => may(account.role, power);

const STAFF_COOKIE = "consilium_staff";
const FLASH_COOKIE = "consilium_flash";

function secure(c: Context<AppEnv>): boolean {
  return c.get("services").instance.origin.startsWith("https:");
}

export function setStaffCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, STAFF_COOKIE, token, { httpOnly: true, sameSite: "Lax", secure: secure(c), path: "/admin" });
}

export function clearStaffCookie(c: Context<AppEnv>): void {
  deleteCookie(c, STAFF_COOKIE, { path: "/admin", secure: secure(c) });
}

/** The session behind the cookie, if it is alive (password checked; second factor maybe not yet). */
export function currentSession(c: Context<AppEnv>): StaffSessionRow | undefined {
  return c.get("services").staffSessions.resolve(getCookie(c, STAFF_COOKIE));
}

/** A one-line message for the next page (after a redirect). */
export function flash(c: Context<AppEnv>, message: string, kind: "ok" | "error" = "ok"): void {
  setCookie(c, FLASH_COOKIE, `${kind}:${encodeURIComponent(message.slice(0, 300))}`, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secure(c),
    path: "/admin",
  });
}

export function takeFlash(c: Context<AppEnv>): { kind: "ok" | "error"; message: string } | null {
  const value = getCookie(c, FLASH_COOKIE);
  if (!value) return null;
  deleteCookie(c, FLASH_COOKIE, { path: "/admin", secure: secure(c) });
  const [kind, message] = [value.slice(0, value.indexOf(":")), value.slice(value.indexOf(":") + 1)];
  try {
    return { kind: kind === "error" ? "error" : "ok", message: decodeURIComponent(message) };
  } catch {
    return null;
  }
}

/** Only a console path is a place to return to. */
export function safeConsolePath(value: unknown): string {
  return typeof value === "string" && /^\/admin(\/[^\s\\]*)?$/.test(value) && !value.startsWith("//") ? value : "/admin";
}

/** Where a signed-in staff member still has to go before the console opens, if anywhere. */
export function pendingStep(c: Context<AppEnv>, account: AccountRow, session: StaffSessionRow): string | null {
  const step = c.get("services").secondFactors.stepAfterPassword(account);
  if (step === "code") return session.secondFactorAt ? null : "/admin/second_factor";
  return step === "setup" ? "/admin/second_factor/setup" : null;
}

/**
 * Every console page: a live session of an approved staff member who has
 * passed the second factor (when they have one, or it is required), and on
 * every POST a valid CSRF token.  Checked before anything is read or changed.
 */
type PageOf = (c: Context<AppEnv>) => Response | Promise<Response>;

export function consoleGuard(pages: { forbidden: PageOf; formExpired: PageOf }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const services = c.get("services");
    const session = currentSession(c);
    if (!session) {
      clearStaffCookie(c);
      const back = c.req.method === "GET" ? c.req.path + (new URL(c.req.url).search || "") : c.req.path;
      if (c.req.method !== "GET") flash(c, "Your session expired; sign in again. Nothing was changed.", "error");
      return c.redirect(`/admin/sign_in?return_to=${encodeURIComponent(safeConsolePath(back))}`, c.req.method === "GET" ? 302 : 303);
    }
    const account = services.accounts.get(session.accountId);
    if (!account || account.status !== "approved" || !isStaffRole(account.role)) {
      services.staffSessions.end(session.id);
      clearStaffCookie(c);
      return pages.forbidden(c);
    }
    const step = pendingStep(c, account, session);
    if (step) return c.redirect(step, c.req.method === "GET" ? 302 : 303);
    if (c.req.method === "POST") {
      const body = await c.req.parseBody();
      if (!csrfValid(c, body["csrf_token"])) return pages.formExpired(c);
    }
    c.set("staff", { account, session });
    await next();
  };
}

/** The signed-in staff member (console routes only). */
export function staffOf(c: Context<AppEnv>): AccountRow {
  const staff = c.get("staff");
  if (!staff) throw new HTTPException(500, { message: "console route without its guard" });
  return staff.account;
}
