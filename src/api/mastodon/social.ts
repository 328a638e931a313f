import { Hono } from "hono";
import { z } from "zod";
import type { Services } from "../../services.ts";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { pageParams, paginationLinks, queryArray, queryFlag } from "../../http/pagination.ts";
import { flagParam, intParam } from "../../http/params.ts";
import { listJson } from "./lists.ts";
import { accountsJson, timelineJson } from "../../render/render.ts";

const muteSchema = z.object({ notifications: flagParam.optional(), duration: intParam.min(0).optional() });
const noteSchema = z.object({ comment: z.string().optional() });

/** Mastodon's Relationship entity for each id, told truthfully. */
export function relationships(services: Services, viewerId: string, ids: readonly string[]) {
  const follows = services.follows.relationships(viewerId, ids);
  const flags = services.relationQueries.flags(viewerId, ids);
  const notes = services.relationQueries.notes(viewerId, ids);
  const views = services.directory.getMany(ids);
  const blockedHosts = services.domainBlocks.blockedHosts(viewerId);
  return follows.map((r) => {
    const f = flags.get(r.id)!;
    return {
      id: r.id,
      following: r.following,
      showing_reblogs: r.following,
      notifying: false,
      languages: null,
      followed_by: r.followed_by,
      blocking: f.blocking,
      blocked_by: f.blockedBy,
      muting: f.muting,
      muting_notifications: f.muting && f.mutingNotifications,
      requested: r.requested,
      requested_by: r.requested_by,
      domain_blocking: blockedHosts.has(views.get(r.id)?.host?.toLowerCase() ?? ""),
      endorsed: false,
      note: notes.get(r.id) ?? "",
    };
  });
}

function relationship(services: Services, viewerId: string, id: string) {
  return relationships(services, viewerId, [id])[0]!;
}

function requireAccount(services: Services, id: string) {
  const view = services.directory.get(id);
  if (!view) fail("not_found", "Record not found");
  return view;
}

/** Follows, blocks, mutes, relationships, follow requests and an account's posts. */
export const socialRouter = new Hono<AppEnv>()
  .post("/api/v1/accounts/:id/follow", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    await services.follows.follow(account.id, c.req.param("id"));
    return c.json(relationship(services, account.id, c.req.param("id")));
  })
  .post("/api/v1/accounts/:id/unfollow", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    requireAccount(services, c.req.param("id"));
    await services.follows.unfollow(account.id, c.req.param("id"));
    return c.json(relationship(services, account.id, c.req.param("id")));
  })
  .post("/api/v1/accounts/:id/remove_from_followers", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    requireAccount(services, c.req.param("id"));
    await services.follows.removeFollower(account.id, c.req.param("id"));
    return c.json(relationship(services, account.id, c.req.param("id")));
  })
  .post("/api/v1/accounts/:id/note", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const params = await parseParams(c, noteSchema);
    const services = c.get("services");
    services.relations.setNote(account.id, c.req.param("id"), params.comment ?? "");
    return c.json(relationship(services, account.id, c.req.param("id")));
  })
  .post("/api/v1/accounts/:id/block", async (c) => {
    const { account } = requireUser(c, "write:blocks");
    const services = c.get("services");
    await services.relations.block(account.id, c.req.param("id"));
    return c.json(relationship(services, account.id, c.req.param("id")));
  })
  .post("/api/v1/accounts/:id/unblock", async (c) => {
    const { account } = requireUser(c, "write:blocks");
    const services = c.get("services");
    await services.relations.unblock(account.id, c.req.param("id"));
    return c.json(relationship(services, account.id, c.req.param("id")));
  })
  .post("/api/v1/accounts/:id/mute", async (c) => {
    const { account } = requireUser(c, "write:mutes");
    const params = await parseParams(c, muteSchema);
    const services = c.get("services");
    services.relations.mute(account.id, c.req.param("id"), {
      notifications: params.notifications,
      durationSeconds: params.duration || null,
    });
    return c.json(relationship(services, account.id, c.req.param("id")));
  })
  .post("/api/v1/accounts/:id/unmute", (c) => {
    const { account } = requireUser(c, "write:mutes");
    const services = c.get("services");
    services.relations.unmute(account.id, c.req.param("id"));
    return c.json(relationship(services, account.id, c.req.param("id")));
  })
  .get("/api/v1/blocks", (c) => {
    const { account } = requireUser(c, "read:blocks");
    const page = pageParams(c, 40, 80);
    const rows = c.get("services").relationQueries.page("blocks", account.id, page);
    paginationLinks(c, rows);
    return c.json(
      accountsJson(
        c,
        rows.map((r) => r.targetId),
      ),
    );
  })
  .get("/api/v1/mutes", (c) => {
    const { account } = requireUser(c, "read:mutes");
    const page = pageParams(c, 40, 80);
    const rows = c.get("services").relationQueries.page("mutes", account.id, page);
    paginationLinks(c, rows);
    return c.json(
      accountsJson(
        c,
        rows.map((r) => r.targetId),
      ),
    );
  })
  .get("/api/v1/accounts/relationships", (c) => {
    const { account } = requireUser(c, "read:follows");
    const services = c.get("services");
    const ids = queryArray(c, "id").filter((id) => services.directory.get(id));
    return c.json(relationships(services, account.id, ids));
  })
  /** Accounts the viewer follows who follow each given account. */
  .get("/api/v1/accounts/familiar_followers", (c) => {
    const { account } = requireUser(c, "read:follows");
    const services = c.get("services");
    const ids = queryArray(c, "id")
      .filter((id) => services.directory.get(id))
      .slice(0, 40);
    const familiar = services.follows.familiarFollowers(account.id, ids);
    const hidden = services.visibility.hiddenFrom(account.id);
    return c.json(
      ids.map((id) => ({
        id,
        accounts: accountsJson(
          c,
          familiar.get(id)!.filter((a) => !hidden.has(a)),
        ),
      })),
    );
  })
  .get("/api/v1/accounts/:id/lists", (c) => {
    const { account } = requireUser(c, "read:lists");
    const services = c.get("services");
    requireAccount(services, c.req.param("id"));
    return c.json(services.lists.containing(account.id, c.req.param("id")).map(listJson));
  })
  .get("/api/v1/accounts/:id/followers", (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    requireAccount(services, c.req.param("id"));
    const page = pageParams(c, 40, 80);
    const rows = services.follows.followerIds(c.req.param("id"), { maxId: page.maxId, limit: page.limit });
    paginationLinks(c, rows);
    const hidden = services.visibility.hiddenFrom(account.id);
    return c.json(
      accountsJson(
        c,
        rows.map((r) => r.followerId).filter((id) => !hidden.has(id)),
      ),
    );
  })
  .get("/api/v1/accounts/:id/following", (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    requireAccount(services, c.req.param("id"));
    const page = pageParams(c, 40, 80);
    const rows = services.follows.followingIds(c.req.param("id"), { maxId: page.maxId, limit: page.limit });
    paginationLinks(c, rows);
    const hidden = services.visibility.hiddenFrom(account.id);
    return c.json(
      accountsJson(
        c,
        rows.map((r) => r.followingId).filter((id) => !hidden.has(id)),
      ),
    );
  })
  .get("/api/v1/accounts/:id/statuses", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    requireAccount(services, c.req.param("id"));
    const rows = services.timelines.accountStatuses(
      account.id,
      c.req.param("id"),
      {
        excludeReplies: queryFlag(c, "exclude_replies"),
        excludeReblogs: queryFlag(c, "exclude_reblogs"),
        onlyMedia: queryFlag(c, "only_media"),
        pinned: queryFlag(c, "pinned"),
        tagged: c.req.query("tagged") || undefined,
      },
      pageParams(c),
    );
    return timelineJson(c, rows, account.id, "account");
  })
  .get("/api/v1/follow_requests", (c) => {
    const { account } = requireUser(c, "read:follows");
    const services = c.get("services");
    const page = pageParams(c, 40, 80);
    const rows = services.follows.followerIds(account.id, { maxId: page.maxId, limit: page.limit, state: "pending" });
    paginationLinks(c, rows);
    return c.json(
      accountsJson(
        c,
        rows.map((r) => r.followerId),
      ),
    );
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
