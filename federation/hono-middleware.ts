import type { Federation } from "@fedify/fedify";
import type { Context, MiddlewareHandler } from "hono";

/**
 * The request as its signer addressed it: behind a TLS proxy it arrives as
 * http://…, but peers sign https://… (RFC 9421 covers the whole target URI),
 * so the configured public origin is what a signature is checked against.
 */
export function publicUrl(url: string, origin: string): string {
  const parsed = new URL(url);
  return parsed.origin === origin ? url : new URL(parsed.pathname + parsed.search, origin).href;
}

/** A GET or HEAD (what Fedify serves) re-addressed to the public origin. */
export function atPublicOrigin(request: Request, origin: string): Request {
  const url = publicUrl(request.url, origin);
  if (url === request.url || (request.method !== "GET" && request.method !== "HEAD")) return request;
  return new Request(url, { method: request.method, headers: request.headers });
}

/**
 * Hands each request to Fedify first; when Fedify has no route for it, or the
 * client did not ask for ActivityPub, the request falls through to Hono.
 * (@fedify/hono does the same but is not on our registry.)
 */
export function fedifyMiddleware<T>(
  federation: Federation<T>,
  contextData: (c: Context) => T,
  options: {
    skip?: (path: string) => boolean;
    /** Asked before falling through on a not-found: e.g. 410 Gone for a deleted object. */
    gone?: (request: Request) => Promise<Response | null>;
    /** CONSILIUM_ORIGIN: signatures are checked against it, not the proxied URL. */
    publicOrigin?: string;
  } = {},
): MiddlewareHandler {
  return async (c, next) => {
    if (options.skip?.(c.req.path)) return next();
    let fellThrough = false;
    const request = options.publicOrigin ? atPublicOrigin(c.req.raw, options.publicOrigin) : c.req.raw;
    const response = await federation.fetch(request, {
      contextData: contextData(c),
      onNotFound: async (request) => {
        const gone = await options.gone?.(request);
        if (gone) return gone;
        fellThrough = true;
        await next();
        return c.res;
      },
      onNotAcceptable: async () => {
        fellThrough = true;
        await next();
        return c.res;
      },
    });
    if (fellThrough) return c.res;
    return response;
  };
}
