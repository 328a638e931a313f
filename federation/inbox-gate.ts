import type { MiddlewareHandler } from "hono";

/** The origin of the key that signed a request (draft-cavage or RFC 9421), if any. */
export function signingOrigin(headers: Headers): string | null {
  const cavage = headers.get("signature");
  const rfc9421 = headers.get("signature-input");
  const keyId =
    /keyId="([^"]+)"/i.exec(cavage ?? "")?.[1] ?? /keyid="([^"]+)"/i.exec(rfc9421 ?? "")?.[1] ?? null;
  if (!keyId) return null;
  try {
    return new URL(keyId).origin;
  } catch {
    return null;
  }
}

/** The instance actor's own inbox, where peering requests arrive from anyone. */
export const INSTANCE_INBOX_PATH = "/users/__instance__/inbox";

/**
 * Limited federation: an inbox POST is refused before any parsing or
 * signature work unless its key comes from an active peer's origin.  The
 * instance actor's inbox also takes signed peering handshakes (Follow,
 * Accept, Reject, Undo) from other instances; its listener ignores the rest.
 */
export function inboxGate(isActivePeer: (origin: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== "POST" || !/^\/(inbox|users\/[^/]+\/inbox)$/.test(c.req.path)) return next();
    const origin = signingOrigin(c.req.raw.headers);
    if (!origin) return c.json({ error: "This inbox only accepts signed activities" }, 401);
    if (c.req.path === INSTANCE_INBOX_PATH) return next();
    if (!isActivePeer(origin)) return c.json({ error: `${origin} is not an active peer of this instance` }, 403);
    return next();
  };
}
