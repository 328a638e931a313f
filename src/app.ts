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
import { type InstanceMetrics, metricsRoute } from "./ops/metrics.ts";
import { casesRouter } from "./api/consilium/cases.ts";
import { credentialsRouter } from "./api/consilium/credentials.ts";
import { peersRouter } from "./api/consilium/peers.ts";
import { phiRouter } from "./api/consilium/phi.ts";
import { consiliumRouter } from "./api/consilium/router.ts";
import { discoveryRouter } from "./api/discovery.ts";
import type { AppEnv } from "./http/env.ts";
import { errorResponse } from "./http/errors.ts";
import { accountsRouter } from "./api/mastodon/accounts.ts";
import { adminRouter } from "./api/mastodon/admin.ts";
import { appsRouter } from "./api/mastodon/apps.ts";
import { conversationsRouter } from "./api/mastodon/conversations.ts";
import { filtersRouter } from "./api/mastodon/filters.ts";
import { instanceRouter } from "./api/mastodon/instance.ts";
import { listsRouter } from "./api/mastodon/lists.ts";
import { mediaRouter } from "./api/mastodon/media.ts";
import { miscRouter } from "./api/mastodon/misc.ts";
import { notificationsRouter } from "./api/mastodon/notifications.ts";
import { profileChoicesRouter } from "./api/mastodon/profile-choices.ts";
import { notOfferedRouter } from "./api/mastodon/not-offered.ts";
import { searchRouter } from "./api/mastodon/search.ts";
import { socialRouter } from "./api/mastodon/social.ts";
import { statusesRouter } from "./api/mastodon/statuses.ts";
import { tagsRouter } from "./api/mastodon/tags.ts";
import { timelinesRouter } from "./api/mastodon/timelines.ts";
import { oauthRouter } from "./api/oauth/router.ts";
import { instanceDocumentsRouter } from "./api/mastodon/instance-documents.ts";
import { logger, withRequestId } from "./logging.ts";
import { MEDIA_LIMITS } from "./domain/media/service.ts";
import type { Services } from "./services.ts";
import { applyRouter } from "./web/apply.ts";
import { peopleRouter } from "./web/people.ts";
import { applicationStatusRouter } from "./web/application-status.ts";
import { accountPageRouter } from "./web/account.ts";
import { consoleRouter } from "./web/admin/router.tsx";
import { reportsRouter } from "./api/mastodon/reports.ts";
import { moderationRouter } from "./api/consilium/moderation.ts";
import { accountDataRouter } from "./api/consilium/account.ts";
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
  const signIn = new PasswordSignIn(new ClientAddresses(services.config.trustedProxies));
  // One brake on second-factor codes for the console and the OAuth pages.
  const codes = new SecondFactorCheck();

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
  // Inbox POSTs: verified, checked and stored by our own accept stage, before Fedify sees anything.
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

  app.route("/", streaming);
  app.route("/", discoveryRouter);
  app.route("/", instanceRouter);
  app.route("/", instanceDocumentsRouter);
  app.route("/", appsRouter);
  app.route("/", socialRouter);
  app.route("/", accountsRouter);
  app.route("/", statusesRouter);
  app.route("/", timelinesRouter);
  app.route("/", listsRouter);
  app.route("/", notificationsRouter);
  app.route("/", tagsRouter);
  app.route("/", conversationsRouter);
  app.route("/", filtersRouter);
  app.route("/", reportsRouter);
  app.route("/", moderationRouter);
  app.route("/", accountDataRouter);
  app.route("/", profileChoicesRouter);
  app.route("/", notOfferedRouter);
  app.route("/", searchRouter);
  app.route("/", peersRouter);
  app.route("/", credentialsRouter);
  app.route("/", casesRouter);
  app.route("/", miscRouter);
  app.route("/", mediaRouter);
  app.route("/", adminRouter);
  app.route("/", consiliumRouter);
  app.route("/", phiRouter);
  app.route("/", oauthRouter(signIn, codes));
  app.route("/", applicationStatusRouter(signIn));
  app.route("/", applyRouter);
  app.route("/", peopleRouter);
  app.route("/", accountPageRouter);
  app.route("/", consoleRouter(signIn, codes));
  app.route("/", assetsRouter);
  app.get("/", (c) => c.redirect("/apply"));

  return app;
}
