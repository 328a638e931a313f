import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import { jwtVerify, SignJWT } from "jose";
import type { AppEnv } from "../http/env.ts";

const SESSION_COOKIE = "consilium_session";
const CSRF_COOKIE = "consilium_csrf";
const SESSION_HOURS = 12;

function secure(c: Context<AppEnv>): boolean {
  return c.get("services").instance.origin.startsWith("https:");
}

/** A signed, short-lived session cookie (HS256 JWT) naming the account (and when staff passed their second factor). */
export async function startSession(c: Context<AppEnv>, accountId: string, options: { secondFactorAt?: Date } = {}): Promise<void> {
  const jwt = await new SignJWT(options.secondFactorAt ? { sfa: options.secondFactorAt.getTime() } : {})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(accountId)
    .setIssuedAt()
    .setExpirationTime(`${SESSION_HOURS}h`)
    .sign(c.get("services").sessionKey);
  setCookie(c, SESSION_COOKIE, jwt, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secure(c),
    path: "/",
    maxAge: SESSION_HOURS * 3600,
  });
}

export async function sessionAccountId(c: Context<AppEnv>): Promise<string | null> {
  return (await webSession(c))?.accountId ?? null;
}

/** The signed-in account, and when (if ever in this session) its second factor was passed. */
export async function webSession(c: Context<AppEnv>): Promise<{ accountId: string; secondFactorAt: Date | null } | null> {
  const jwt = getCookie(c, SESSION_COOKIE);
  if (!jwt) return null;
  try {
    const { payload } = await jwtVerify(jwt, c.get("services").sessionKey, { algorithms: ["HS256"] });
    if (!payload.sub) return null;
    return { accountId: payload.sub, secondFactorAt: typeof payload["sfa"] === "number" ? new Date(payload["sfa"]) : null };
  } catch {
    return null;
  }
}

export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

/** Double-submit CSRF token: the same random value in a cookie and the form. */
export function csrfToken(c: Context<AppEnv>): string {
  let token = getCookie(c, CSRF_COOKIE);
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
    token = randomBytes(32).toString("base64url");
    setCookie(c, CSRF_COOKIE, token, { httpOnly: true, sameSite: "Strict", secure: secure(c), path: "/" });
  }
  return token;
}

export function csrfValid(c: Context<AppEnv>, submitted: unknown): boolean {
  const cookie = getCookie(c, CSRF_COOKIE);
  if (!cookie || typeof submitted !== "string") return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
