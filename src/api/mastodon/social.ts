import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { fail } from "../errors.ts";
import { pageParams, paginationLinks, queryArray, queryFlag } from "../pagination.ts";
import { accountsJson, timelineJson } from "./render.ts";

/** Follows, relationships, follow requests and an account's posts. */
export const socialRouter = new Hono<AppEnv>()
  .post("/api/v1/accounts/:id/follow", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    await services.follows.follow(account.id, c.req.param("id"));
    return c.json(relationship(c.get("services"), account.id, c.req.param("id")));
  })
  .post("/api/v1/accounts/:id/unfollow", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    if (!services.directory.get(c.req.param("id"))) fail("not_found", "Record not found");
    await services.follows.unfollow(account.id, c.req.param("id"));
    return c.json(relationship(services, account.id, c.req.param("id")));
  })
  .get("/api/v1/accounts/relationships", (c) => {
    const { account } = requireUser(c, "read:follows");
    const services = c.get("services");
    return c.json(queryArray(c, "id").filter((id) => services.directory.get(id)).map((id) => relationship(services, account.id, id)));
  })
  .get("/api/v1/accounts/:id/followers", (c) => {
    requireUser(c, "read:accounts");
    const services = c.get("services");
    const page = pageParams(c, 40, 80);
    const rows = services.follows.followerIds(c.req.param("id"), { maxId: page.maxId, limit: page.limit });
    paginationLinks(c, rows);
    return c.json(accountsJson(c, rows.map((r) => r.followerId)));
  })
  .get("/api/v1/accounts/:id/following", (c) => {
    requireUser(c, "read:accounts");
    const services = c.get("services");
    const page = pageParams(c, 40, 80);
    const rows = services.follows.followingIds(c.req.param("id"), { maxId: page.maxId, limit: page.limit });
    paginationLinks(c, rows);
    return c.json(accountsJson(c, rows.map((r) => r.followingId)));
  })
  .get("/api/v1/accounts/:id/statuses", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    if (!services.directory.get(c.req.param("id"))) fail("not_found", "Record not found");
    // Pinned posts are not supported: the documented empty list.
    if (queryFlag(c, "pinned")) return c.json([]);
    const rows = services.statuses.accountStatuses(
      account.id,
      c.req.param("id"),
      { excludeReplies: queryFlag(c, "exclude_replies"), excludeReblogs: queryFlag(c, "exclude_reblogs"), onlyMedia: queryFlag(c, "only_media") },
      pageParams(c),
    );
    return timelineJson(c, rows, account.id);
  })
  .get("/api/v1/follow_requests", (c) => {
    const { account } = requireUser(c, "read:follows");
    const services = c.get("services");
    const page = pageParams(c, 40, 80);
    const rows = services.follows.followerIds(account.id, { maxId: page.maxId, limit: page.limit, state: "pending" });
    paginationLinks(c, rows);
    return c.json(accountsJson(c, rows.map((r) => r.followerId)));
  })
  .post("/api/v1/follow_requests/:id/authorize", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    await services.follows.authorize(account.id, c.req.param("id"));
    return c.json(relationship(services, account.id, c.req.param("id")));
  })
  .post("/api/v1/follow_requests/:id/reject", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    await services.follows.reject(account.id, c.req.param("id"));
    return c.json(relationship(services, account.id, c.req.param("id")));
  });

/** Mastodon's Relationship entity; blocks and mutes are not offered (always false). */
export function relationship(services: AppEnv["Variables"]["services"], viewerId: string, id: string) {
  const r = services.follows.relationships(viewerId, [id])[0]!;
  return {
    id,
    following: r.following,
    showing_reblogs: r.following,
    notifying: false,
    languages: null,
    followed_by: r.followed_by,
    blocking: false,
    blocked_by: false,
    muting: false,
    muting_notifications: false,
    requested: r.requested,
    requested_by: r.requested_by,
    domain_blocking: false,
    endorsed: false,
    note: "",
  };
}
