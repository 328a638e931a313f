import { Hono } from "hono";
import { requireApp, requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";

const notOffered = (what: string) => fail("unprocessable", `${what} are not offered on this network`);
const noSuchRecord = () => fail("not_found", "Record not found");

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
 */
export const notOfferedRouter = new Hono<AppEnv>()
  .get("/api/v1/trends", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/trends/tags", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/trends/statuses", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/trends/links", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/suggestions", (c) => (requireUser(c), c.json([])))
  .get("/api/v2/suggestions", (c) => (requireUser(c), c.json([])))
  .delete("/api/v1/suggestions/:id", (c) => (requireUser(c), c.json({})))
  .get("/api/v1/directory", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/announcements", (c) => (requireUser(c), c.json([])))
  .post("/api/v1/announcements/:id/dismiss", (c) => (requireUser(c), c.json({})))
  .put("/api/v1/announcements/:id/reactions/:name", (c) => (requireUser(c), c.json({})))
  .delete("/api/v1/announcements/:id/reactions/:name", (c) => (requireUser(c), c.json({})))
  .get("/api/v1/endorsements", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/accounts/:id/endorsements", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/custom_emojis", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/scheduled_statuses", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/notifications/requests", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/notifications/requests/merged", (c) => (requireUser(c), c.json({ merged: true })))
  .post("/api/v1/notifications/requests/accept", (c) => (requireUser(c), c.json({})))
  .post("/api/v1/notifications/requests/dismiss", (c) => (requireUser(c), c.json({})))
  .get("/api/v1/notifications/requests/:id", (c) => (requireUser(c), noSuchRecord()))
  .post("/api/v1/notifications/requests/:id/:action{accept|dismiss}", (c) => (requireUser(c), noSuchRecord()))
  .get("/api/v1/scheduled_statuses/:id", (c) => (requireUser(c), noSuchRecord()))
  .put("/api/v1/scheduled_statuses/:id", (c) => (requireUser(c), noSuchRecord()))
  .delete("/api/v1/scheduled_statuses/:id", (c) => (requireUser(c), noSuchRecord()))
  .post("/api/v1/accounts/:id/:action{endorse|unendorse|pin|unpin}", (c) => (requireUser(c), notOffered("Endorsements")))
  .get("/api/v1/accounts/:id/identity_proofs", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/accounts/:id/collections", (c) => (requireUser(c), c.json({ collections: [] })))
  .get("/api/v1/accounts/:id/in_collections", (c) => (requireUser(c), c.json({ collections: [] })))
  .post("/api/v1/collections", (c) => (requireUser(c), notOffered("Collections")))
  .on(["GET", "PATCH", "DELETE"], "/api/v1/collections/:id", (c) => (requireUser(c), noSuchRecord()))
  .post("/api/v1/collections/:id/items", (c) => (requireUser(c), noSuchRecord()))
  .on(["DELETE", "POST"], "/api/v1/collections/:id/items/:item/:revoke{revoke}?", (c) => (requireUser(c), noSuchRecord()))
  .get("/api/v1/annual_reports", (c) => (requireUser(c), c.json({ annual_reports: [], accounts: [], statuses: [] })))
  .get("/api/v1/annual_reports/:year{[0-9]+}", (c) => (requireUser(c), c.json({ annual_reports: [], accounts: [], statuses: [] })))
  .get("/api/v1/annual_reports/:year{[0-9]+}/state", (c) => (requireUser(c), c.json({ state: "ineligible" })))
  .post("/api/v1/annual_reports/:year{[0-9]+}/generate", (c) => (requireUser(c), notOffered("Annual reports")))
  .post("/api/v1/annual_reports/:year{[0-9]+}/read", (c) => (requireUser(c), noSuchRecord()))
  // Nothing here is ever refreshed in the background, so no refresh id exists.
  .get("/api/v1_alpha/async_refreshes/:id", (c) => (requireUser(c), noSuchRecord()))
  .get("/api/v1/statuses/:id{[0-9]+}/quotes", (c) => {
    const { account } = requireUser(c, "read:statuses");
    c.get("services").visibility.getVisible(account.id, c.req.param("id"));
    return c.json([]);
  })
  .post("/api/v1/statuses/:id{[0-9]+}/quotes/:quote/revoke", (c) => (requireUser(c), noSuchRecord()))
  .put("/api/v1/statuses/:id{[0-9]+}/interaction_policy", (c) => (requireUser(c), notOffered("Quote posts")))
  .get("/api/v1/timelines/link", (c) => (requireUser(c), c.json([])))
  .post("/api/v1/statuses/:id{[0-9]+}/translate", (c) => (requireUser(c), fail("forbidden", "Translation is not offered on this server")))
  // Every address is confirmed when the account is approved; nothing awaits confirmation.
  .post(
    "/api/v1/emails/confirmations",
    (c) => (requireApp(c), fail("forbidden", "This method is only available while the e-mail is awaiting confirmation")),
  )
  // No post is public outside the network, so no post can be embedded.
  .get("/api/oembed", () => noSuchRecord())
  .get("/api/v1/instance/translation_languages", (c) => c.json({}))
  .get("/api/v1/instance/domain_blocks", (c) => (requireUser(c), c.json([])))
  // Every notification is accepted: the documented policy that filters nothing.
  .get("/api/v2/notifications/policy", (c) => (requireUser(c), c.json(notificationPolicy())))
  .patch("/api/v2/notifications/policy", (c) => (requireUser(c), c.json(notificationPolicy())))
  .get("/api/v1/notifications/policy", (c) => (requireUser(c), c.json(notificationPolicyV1())))
  .patch("/api/v1/notifications/policy", (c) => (requireUser(c), c.json(notificationPolicyV1())))
  // No Web Push: nothing is subscribed (Mastodon answers 404 then; Elk's notifications page relies on it), and a subscription cannot be made.
  .get("/api/v1/push/subscription", (c) => (requireUser(c, "push"), c.json({ error: "Record not found" }, 404)))
  .delete("/api/v1/push/subscription", (c) => (requireUser(c, "push"), c.json({})))
  .post("/api/v1/push/subscription", (c) => {
    requireUser(c, "push");
    fail("unprocessable", "Web Push is not offered by this server (it publishes no VAPID key)");
  })
  .put("/api/v1/push/subscription", (c) => {
    requireUser(c, "push");
    fail("unprocessable", "Web Push is not offered by this server (it publishes no VAPID key)");
  });

function notificationPolicy() {
  return {
    for_not_following: "accept",
    for_not_followers: "accept",
    for_new_accounts: "accept",
    for_private_mentions: "accept",
    for_limited_accounts: "accept",
    summary: { pending_requests_count: 0, pending_notifications_count: 0 },
  };
}

function notificationPolicyV1() {
  return {
    filter_not_following: false,
    filter_not_followers: false,
    filter_new_accounts: false,
    filter_private_mentions: false,
    summary: { pending_requests_count: 0, pending_notifications_count: 0 },
  };
}
