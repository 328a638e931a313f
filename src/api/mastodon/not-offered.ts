import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { fail } from "../errors.ts";

/**
 * Features a closed network of physicians does not offer, answered with
 * Mastodon's documented empty shapes (200), so clients that ask on their own
 * find nothing rather than an error: no trends, suggestions or profile
 * directory (nobody is discoverable), no announcements, featured tags,
 * endorsements, custom emoji or scheduled posts, no notification requests
 * (nothing is filtered into them), and no Web Push (the instance advertises
 * no VAPID key, so clients do not offer it).
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
  .get("/api/v1/featured_tags", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/featured_tags/suggestions", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/accounts/:id/featured_tags", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/endorsements", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/accounts/:id/endorsements", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/domain_blocks", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/custom_emojis", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/scheduled_statuses", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/notifications/requests", (c) => (requireUser(c), c.json([])))
  .get("/api/v1/notifications/requests/merged", (c) => (requireUser(c), c.json({ merged: true })))
  .get("/api/v1/instance/translation_languages", (c) => c.json({}))
  .get("/api/v1/instance/domain_blocks", (c) => (requireUser(c), c.json([])))
  // Every notification is accepted: the documented policy that filters nothing.
  .get("/api/v2/notifications/policy", (c) => (requireUser(c), c.json(notificationPolicy())))
  .patch("/api/v2/notifications/policy", (c) => (requireUser(c), c.json(notificationPolicy())))
  .get("/api/v1/notifications/policy", (c) => (requireUser(c), c.json(notificationPolicyV1())))
  .patch("/api/v1/notifications/policy", (c) => (requireUser(c), c.json(notificationPolicyV1())))
  // No Web Push: nothing is subscribed, and a subscription cannot be made.
  .get("/api/v1/push/subscription", (c) => (requireUser(c, "push"), c.json({})))
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
  return { for_not_following: "accept", for_not_followers: "accept", for_new_accounts: "accept", for_private_mentions: "accept", for_limited_accounts: "accept", summary: { pending_requests_count: 0, pending_notifications_count: 0 } };
}

function notificationPolicyV1() {
  return { filter_not_following: false, filter_not_followers: false, filter_new_accounts: false, filter_private_mentions: false, summary: { pending_requests_count: 0, pending_notifications_count: 0 } };
}
