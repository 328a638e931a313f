import type { Federation } from "@fedify/fedify";
import type { Context, MiddlewareHandler } from "hono";

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
  } = {},
): MiddlewareHandler {
  return async (c, next) => {
    if (options.skip?.(c.req.path)) return next();
    let fellThrough = false;
    const response = await federation.fetch(c.req.raw, {
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
