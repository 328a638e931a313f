import { StoredFailureCounts } from "./domain/failure-counts.ts";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { randomUUID } from "node:crypto";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { ConsiliumFederation } from "../federation/federation.ts";
import { goneResponder } from "../federation/gone.ts";
import { fedifyMiddleware } from "../federation/hono-middleware.ts";
import type { RemoteLookup } from "../federation/lookup.ts";
import type { OutgoingHttp } from "../federation/outgoing-http.ts";
import { resolveAuth } from "./api/auth.ts";
import { consiliumApi } from "./api/consilium/index.ts";
import { nodeInfoDocuments, wellKnown } from "./api/discovery.ts";
import { avatars, exportFiles, headers, mediaFiles, profileImageFiles } from "./api/files.ts";
import { health, readiness } from "./api/health.ts";
import { mastodonV1, mastodonV2 } from "./api/mastodon/index.ts";
import { asyncRefreshes, oembed } from "./api/mastodon/not-offered.ts";
import { userinfo } from "./api/oauth/userinfo.ts";
import { type InstanceMetrics, metricsRoute } from "./ops/metrics.ts";
import type { AppEnv } from "./http/env.ts";
import { errorResponse } from "./http/errors.ts";
import { oauthRouter } from "./api/oauth/router.ts";
import { logger, withRequestId } from "./logging.ts";
import { MEDIA_LIMITS } from "./domain/media/service.ts";
import type { Services } from "./services.ts";
import { applyRouter } from "./web/apply.ts";
import { peopleRouter } from "./web/people.ts";
import { applicationStatusRouter } from "./web/application-status.ts";
import { accountPageRouter } from "./web/account.ts";
import { consoleRouter } from "./web/admin/router.tsx";
import { PasswordSignIn, SecondFactorCheck } from "./pages/sign-in.ts";
import { ClientAddresses } from "./http/client-address.ts";
import { assetsRouter } from "./web/assets.ts";

const API_BODY_LIMIT = 1024 * 1024;
/** Larger bodies only where they are expected: register extracts and image uploads. */
const LARGE_BODY_PATHS: Record<string, number> = {
  "/api/v1/consilium/registers": 20 * 1024 * 1024,
  "/api/v1/media": MEDIA_LIMITS.maxBytes + 64 * 1024,
  "/api/v2/media": MEDIA_LIMITS.maxBytes + 64 * 1024,
  // A national register extract (the console uploads it whole).
  "/admin/registers": 200 * 1024 * 1024,
};
/** Paths Hono answers even for ActivityPub clients (NodeInfo is ours, not Fedify's). */
const HONO_ONLY =
  /^\/(\.well-known\/(nodeinfo|host-meta(\.json)?|oauth-authorization-server)|nodeinfo\/2\.[01]|\.well-known\/jwks\.json|api\/|oauth\/|auth\/|apply|media\/|exports\/|account(\/|$)|admin(\/|$)|health$|ready$|metrics$|assets\/|favicon\.|avatars\/|headers\/|profile-images\/)/;

/** The unread rest of the body stays on the socket, so the connection is closed too. */
function tooLarge(c: Context): Response {
  c.header("Connection", "close");
  return c.json({ error: "The request body is too large" }, 413);
}

export interface AppDeps {
  readonly services: Services;
  readonly federation: ConsiliumFederation;
  readonly lookup: RemoteLookup;
  /** The inbox's accept stage (federation/inbox/accept.ts). */
  readonly inbox: Hono<AppEnv>;
  /** Server-sent event streams (src/streaming/sse.ts); WebSocket is attached to the server. */
  readonly streaming: Hono<AppEnv>;
  readonly outgoing: OutgoingHttp;
  /** Prometheus metrics, and the bearer token /metrics asks for (none: /metrics does not exist). */
  readonly metrics?: { readonly registry: InstanceMetrics; readonly token: string | null };
}

/** Composes Hono, the Fedify middleware and every router into one fetch handler. */
export function createApp({ services, federation, lookup, inbox, outgoing, streaming, metrics }: AppDeps) {
  const log = logger("http");
  const app = new Hono<AppEnv>({ strict: false });
  // The brakes' counts are shared by every process on this database.
  const failures = new StoredFailureCounts(services.database.db);
  const signIn = new PasswordSignIn(new ClientAddresses(services.config.trustedProxies), failures);
  // One brake on second-factor codes for the console and the OAuth pages.
  const codes = new SecondFactorCheck(failures);

  app.onError((error, c) => {
    const response = errorResponse(error, c);
    if (response.status >= 500) log.error("Unhandled error on {method} {path}: {error}", { method: c.req.method, path: c.req.path, error });
    return response;
  });
  app.notFound((c) => {
    // The closed network: unknown API paths look the same as protected ones to strangers.
    if (c.req.path.startsWith("/api/") && !c.get("auth")) return c.json({ error: "The access token is invalid" }, 401);
    // An endpoint this server does not have (README lists each of Mastodon's), told apart from a missing record.
    if (c.req.path.startsWith("/api/")) return c.json({ error: "This API endpoint does not exist" }, 404);
    return c.json({ error: "Record not found" }, 404);
  });

  if (metrics) app.use("*", metrics.registry.requestMiddleware());
  // Every request has an id (the caller's X-Request-Id if it is a sane one), on the
  // response and on every log line its work writes, Fedify's included.
  app.use("*", async (c, next) => {
    const given = c.req.header("x-request-id");
    const requestId = given && /^[\w.:-]{8,128}$/.test(given) ? given : randomUUID();
    c.header("X-Request-Id", requestId);
    await withRequestId(requestId, next);
  });
  // Whatever a request makes this instance fetch goes through its guarded client.
  app.use("*", (_c, next) => outgoing.run(next));
  app.use("*", async (c, next) => {
    const started = performance.now();
    c.set("services", services);
    c.set("lookup", lookup);
    c.set("auth", null);
    await next();
    // Method, path and status only: bodies and query strings may carry identity.
    log.info("{method} {path} {status} {ms}ms", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  });
  // Pages run no inline script and no one else's: a link or field a peer slipped
  // past the checks still cannot run on this origin.  Browser clients on other
  // origins load media from here, so no Cross-Origin-Resource-Policy.
  app.use(
    "*",
    secureHeaders({
      crossOriginResourcePolicy: false,
      crossOriginOpenerPolicy: false,
      xFrameOptions: "DENY",
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    }),
  );
  // Browser clients (Phanpy, Elk) live on other origins.  Mastodon's CORS: any
  // origin, no credentials (tokens travel in headers), preflights answered
  // before authentication, Fedify or not-found ever see them.
  const allowBrowserClients = cors({
    origin: "*",
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "Accept", "X-Requested-With"],
    exposeHeaders: ["Link", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-Id"],
    maxAge: 86400,
  });
  for (const path of ["/api/*", "/oauth/token", "/oauth/revoke", "/oauth/userinfo", "/.well-known/*", "/nodeinfo/*"])
    app.use(path, allowBrowserClients);
  const limits = new Map(
    [...Object.entries(LARGE_BODY_PATHS), ["*", API_BODY_LIMIT] as const].map(([path, maxSize]) => [
      path,
      bodyLimit({ maxSize, onError: tooLarge }),
    ]),
  );
  app.use("*", (c, next) => (limits.get(c.req.path) ?? limits.get("*")!)(c, next));
  if (metrics) app.get("/metrics", metricsRoute(metrics.registry, metrics.token));
  // Inbox POSTs (each actor's /users/:handle/inbox and the shared /inbox): verified, checked and stored by our own accept stage, before Fedify sees anything.
  app.route("/", inbox);
  app.use(
    "*",
    fedifyMiddleware(federation, () => services, {
      skip: (p) => HONO_ONLY.test(p),
      gone: goneResponder(federation, services),
      publicOrigin: services.instance.origin,
    }),
  );
  app.use("/api/*", resolveAuth());
  app.use("/oauth/userinfo", resolveAuth());

  app.route("/api/v1/streaming", streaming);
  app.route("/health", health);
  app.route("/ready", readiness);
  app.route("/.well-known", wellKnown);
  app.route("/nodeinfo", nodeInfoDocuments);
  app.route("/api/v1/consilium", consiliumApi);
  app.route("/api/v1", mastodonV1);
  app.route("/api/v2", mastodonV2);
  app.route("/api/v1_alpha/async_refreshes", asyncRefreshes);
  app.route("/api/oembed", oembed);
  app.route("/oauth/userinfo", userinfo);
  app.route("/media", mediaFiles);
  app.route("/profile-images", profileImageFiles);
  app.route("/avatars", avatars);
  app.route("/headers", headers);
  app.route("/exports", exportFiles);
  // Three roots: /oauth/*, Mastodon's /auth/sign_in form post and the /.well-known OAuth metadata.
  app.route("/", oauthRouter(signIn, codes));
  app.route("/apply", applicationStatusRouter(signIn));
  app.route("/apply", applyRouter);
  // The pages behind the URLs Fedify gives actors and posts (/users/…) and tags (/tags/…), and the sign-in page.
  app.route("/", peopleRouter);
  app.route("/account", accountPageRouter);
  app.route("/admin", consoleRouter(signIn, codes));
  // /assets/* and the favicons.
  app.route("/", assetsRouter);
  app.get("/", (c) => c.redirect("/apply"));

  return app;
}
