/**
 * Features a closed network of physicians does not offer, answered with
 * Mastodon's documented empty shapes (200), so clients that ask on their own
 * find nothing rather than an error: no trends, suggestions or profile
 * directory (nobody is discoverable), no announcements, featured tags,
 * endorsements, collections, quotes, annual reports, custom emoji or
 * scheduled posts, no notification requests (nothing is filtered into them),
 * no translation, and no Web Push (the instance advertises no VAPID key, so
 * clients do not offer it).  Writing to one of them is a 422 that says so;
 * reading one by id is Mastodon's 404 for an id that does not exist (none can).
 *
 * The resources here are wholly absent; the parts of resources that exist
 * (account endorsements, quotes and translation, notification requests and
 * policy, the instance's domain blocks, link timelines, Web Push) sit in those
 * resources' routers, each marked "Not offered".
 */
import { Hono } from "hono";
import { requireApp, requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";

/** A write to a feature this network does not offer. */
export const notOffered = (what: string) => fail("unprocessable", `${what} are not offered on this network`);
/** A read by id of a thing this network never has. */
export const noSuchRecord = () => fail("not_found", "Record not found");

/** Mounted at /api/v1/trends. */
export const trends = new Hono<AppEnv>()
  .get("/", (c) => (requireUser(c), c.json([])))
  .get("/tags", (c) => (requireUser(c), c.json([])))
  .get("/statuses", (c) => (requireUser(c), c.json([])))
  .get("/links", (c) => (requireUser(c), c.json([])));

/** Mounted at /api/v1/suggestions. */
export const suggestionsV1 = new Hono<AppEnv>()
  .get("/", (c) => (requireUser(c), c.json([])))
  .delete("/:id", (c) => (requireUser(c), c.json({})));

/** Mounted at /api/v2/suggestions. */
export const suggestionsV2 = new Hono<AppEnv>().get("/", (c) => (requireUser(c), c.json([])));

/** Mounted at /api/v1/directory. */
export const directory = new Hono<AppEnv>().get("/", (c) => (requireUser(c), c.json([])));

/** Mounted at /api/v1/announcements. */
export const announcements = new Hono<AppEnv>()
  .get("/", (c) => (requireUser(c), c.json([])))
  .post("/:id/dismiss", (c) => (requireUser(c), c.json({})))
  .put("/:id/reactions/:name", (c) => (requireUser(c), c.json({})))
  .delete("/:id/reactions/:name", (c) => (requireUser(c), c.json({})));

/** Mounted at /api/v1/endorsements. */
export const endorsements = new Hono<AppEnv>().get("/", (c) => (requireUser(c), c.json([])));

/** Mounted at /api/v1/custom_emojis. */
export const customEmojis = new Hono<AppEnv>().get("/", (c) => (requireUser(c), c.json([])));

/** Mounted at /api/v1/scheduled_statuses. */
export const scheduledStatuses = new Hono<AppEnv>()
  .get("/", (c) => (requireUser(c), c.json([])))
  .get("/:id", (c) => (requireUser(c), noSuchRecord()))
  .put("/:id", (c) => (requireUser(c), noSuchRecord()))
  .delete("/:id", (c) => (requireUser(c), noSuchRecord()));

/** Mounted at /api/v1/collections. */
export const collections = new Hono<AppEnv>()
  .post("/", (c) => (requireUser(c), notOffered("Collections")))
  .on(["GET", "PATCH", "DELETE"], "/:id", (c) => (requireUser(c), noSuchRecord()))
  .post("/:id/items", (c) => (requireUser(c), noSuchRecord()))
  .on(["DELETE", "POST"], "/:id/items/:item/:revoke{revoke}?", (c) => (requireUser(c), noSuchRecord()));

/** Mounted at /api/v1/annual_reports. */
export const annualReports = new Hono<AppEnv>()
  .get("/", (c) => (requireUser(c), c.json({ annual_reports: [], accounts: [], statuses: [] })))
  .get("/:year{[0-9]+}", (c) => (requireUser(c), c.json({ annual_reports: [], accounts: [], statuses: [] })))
  .get("/:year{[0-9]+}/state", (c) => (requireUser(c), c.json({ state: "ineligible" })))
  .post("/:year{[0-9]+}/generate", (c) => (requireUser(c), notOffered("Annual reports")))
  .post("/:year{[0-9]+}/read", (c) => (requireUser(c), noSuchRecord()));

/** Mounted at /api/v1_alpha/async_refreshes. */
export const asyncRefreshes = new Hono<AppEnv>()
  // Nothing here is ever refreshed in the background, so no refresh id exists.
  .get("/:id", (c) => (requireUser(c), noSuchRecord()));

/** Mounted at /api/v1/emails. */
export const emails = new Hono<AppEnv>()
  // Every address is confirmed when the account is approved; nothing awaits confirmation.
  .post(
    "/confirmations",
    (c) => (requireApp(c), fail("forbidden", "This method is only available while the e-mail is awaiting confirmation")),
  );

/** Mounted at /api/oembed. */
export const oembed = new Hono<AppEnv>()
  // No post is public outside the network, so no post can be embedded.
  .get("/", () => noSuchRecord());
