import { Hono } from "hono";
import { updateProfile } from "./profile.ts";
import { notOffered } from "./not-offered.ts";
import { relationshipJson, relationshipsJson } from "../../render/relationships-json.ts";
import { z } from "zod";
import { requireApp, requireUser } from "../auth.ts";
import { parseParams, readParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { queryArray, queryFlag, pageParams, paginationLinks } from "../../http/pagination.ts";
import { flagParam, intParam } from "../../http/params.ts";
import type { Services } from "../../services.ts";
import { registrationSchema } from "../../http/registration.ts";
import { accountsByIdJson, accountsJson, accountViewJson, credentialAccountJson } from "../../render/accounts-json.ts";
import { featuredTagJson } from "../../render/tag-json.ts";
import { listJson } from "./lists.ts";
import { timelineJson } from "../../render/render.ts";

const muteSchema = z.object({ notifications: flagParam.optional(), duration: intParam.min(0).optional() });
const noteSchema = z.object({ comment: z.string().optional() });

function requireAccount(services: Services, id: string) {
  const view = services.directory.get(id);
  if (!view) fail("not_found", "Record not found");
  return view;
}

/** Accounts: registration, profiles, lookup and search, relationships, follows, blocks, mutes, notes and an account's posts, followers and lists. Mounted at /api/v1/accounts. */
export const accounts = new Hono<AppEnv>()
  /** Registration from a client (app token): the account waits for a verifier. */
  .post("/", async (c) => {
    const auth = requireApp(c, "write:accounts");
    const params = await parseParams(c, registrationSchema);
    const services = c.get("services");
    const account = await services.accounts.apply({
      username: params.username,
      email: params.email,
      password: params.password,
      agreement: params.agreement,
      locale: params.locale,
      reason: params.reason,
      displayName: params.display_name,
      legalName: params.legal_name,
      licenseNumber: params.license_number,
      licenseJurisdiction: params.license_jurisdiction,
      specialty: params.specialty,
    });
    const scopes = auth.scopes.filter((s) => !s.startsWith("admin:"));
    const token = services.oauth.issueForAccount(auth.app.id, account.id, scopes);
    // Mastodon's Token entity, plus a plain statement that a verifier must approve first.
    return c.json({
      access_token: token.accessToken,
      token_type: "Bearer",
      scope: token.scopes.join(" "),
      created_at: Math.floor(token.createdAt.getTime() / 1000),
      approval_pending: true,
      account_status: account.status,
      message: "Your application was received. A verifier will check your licence; you can log in once it is approved.",
    });
  })
  /** Several accounts at once (Mastodon 4.3); unknown ids are left out. */
  .get("/", (c) => {
    requireUser(c, "read:accounts");
    const services = c.get("services");
    return c.json(accountsByIdJson(queryArray(c, "id").slice(0, 40), services));
  })
  .get("/verify_credentials", (c) => {
    const { account } = requireUser(c, "profile");
    const services = c.get("services");
    return c.json(credentialAccountJson(account, services));
  })
  .patch("/update_credentials", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const services = c.get("services");
    return c.json(credentialAccountJson(await updateProfile(services, account.id, await readParams(c)), services));
  })
  .get("/lookup", (c) => {
    requireUser(c, "read:accounts");
    const services = c.get("services");
    const acct = (c.req.query("acct") ?? "").replace(/^@/, "");
    const [username, domain] = acct.split("@");
    if (!username) fail("bad_request", "The acct parameter is required");
    const view =
      !domain || domain.toLowerCase() === services.instance.host.toLowerCase()
        ? services.directory.byUri(`${services.instance.origin}/users/${username}`)
        : (() => {
            const remote = services.directory.findRemoteByHandle(username, domain);
            return remote && !remote.gone ? services.directory.remoteView(remote) : undefined;
          })();
    if (!view) fail("not_found", "Record not found");
    return c.json(accountViewJson(view, services));
  })
  /** Handles and display names, here and (with resolve=true) on active peers. */
  .get("/search", async (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    const q = (c.req.query("q") ?? "").trim().replace(/^@/, "");
    if (!q) fail("bad_request", "The q parameter is required");
    const limit = Math.min(Math.max(Number(c.req.query("limit")) || 40, 1), 80);
    const offset = Math.max(Number(c.req.query("offset")) || 0, 0);
    const [username, host] = q.split("@");
    let found = services.directory.search(q, limit + offset).slice(offset);
    if (username && host && queryFlag(c, "resolve") && found.length === 0) {
      const remote = await c.get("lookup").account({ username, host });
      found = remote ? [remote] : [];
    }
    const hidden = services.visibility.hiddenFrom(account.id);
    found = found.filter((a) => !hidden.has(a.id) && a.id !== undefined);
    if (queryFlag(c, "following")) {
      const rel = new Map(
        services.follows
          .relationships(
            account.id,
            found.map((a) => a.id),
          )
          .map((r) => [r.id, r]),
      );
      found = found.filter((a) => rel.get(a.id)?.following);
    }
    return c.json(accountsJson(found.slice(0, limit), services));
  })
  .get("/relationships", (c) => {
    const { account } = requireUser(c, "read:follows");
    const services = c.get("services");
    const ids = queryArray(c, "id").filter((id) => services.directory.get(id));
    return c.json(relationshipsJson(services, account.id, ids));
  })
  /** Accounts the viewer follows who follow each given account. */
  .get("/familiar_followers", (c) => {
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
        accounts: accountsByIdJson(
          familiar.get(id)!.filter((a) => !hidden.has(a)),
          services,
        ),
      })),
    );
  })
  .get("/:id", (c) => {
    requireUser(c, "read:accounts");
    const services = c.get("services");
    const view = services.directory.get(c.req.param("id"));
    if (!view) fail("not_found", "Record not found");
    return c.json(accountViewJson(view, services));
  })
  // Not offered (see not-offered.ts): Mastodon's empty shapes.
  .get("/:id/endorsements", (c) => (requireUser(c), c.json([])))
  .get("/:id/identity_proofs", (c) => (requireUser(c), c.json([])))
  .get("/:id/collections", (c) => (requireUser(c), c.json({ collections: [] })))
  .get("/:id/in_collections", (c) => (requireUser(c), c.json({ collections: [] })))
  .get("/:id{[0-9]+}/featured_tags", async (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    const target = services.directory.get(c.req.param("id"));
    if (!target || services.visibility.hiddenFrom(account.id).has(target.id)) fail("not_found", "Record not found");
    return c.json(target.local ? (await services.featuredTags.list(target.id)).map((t) => featuredTagJson(t, target, services)) : []);
  })
  .post("/:id/follow", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    await services.follows.follow(account.id, c.req.param("id"));
    return c.json(relationshipJson(services, account.id, c.req.param("id")));
  })
  .post("/:id/unfollow", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    requireAccount(services, c.req.param("id"));
    await services.follows.unfollow(account.id, c.req.param("id"));
    return c.json(relationshipJson(services, account.id, c.req.param("id")));
  })
  .post("/:id/remove_from_followers", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    requireAccount(services, c.req.param("id"));
    await services.follows.removeFollower(account.id, c.req.param("id"));
    return c.json(relationshipJson(services, account.id, c.req.param("id")));
  })
  .post("/:id/note", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const params = await parseParams(c, noteSchema);
    const services = c.get("services");
    services.relations.setNote(account.id, c.req.param("id"), params.comment ?? "");
    return c.json(relationshipJson(services, account.id, c.req.param("id")));
  })
  .post("/:id/block", async (c) => {
    const { account } = requireUser(c, "write:blocks");
    const services = c.get("services");
    await services.relations.block(account.id, c.req.param("id"));
    return c.json(relationshipJson(services, account.id, c.req.param("id")));
  })
  .post("/:id/unblock", async (c) => {
    const { account } = requireUser(c, "write:blocks");
    const services = c.get("services");
    await services.relations.unblock(account.id, c.req.param("id"));
    return c.json(relationshipJson(services, account.id, c.req.param("id")));
  })
  .post("/:id/mute", async (c) => {
    const { account } = requireUser(c, "write:mutes");
    const params = await parseParams(c, muteSchema);
    const services = c.get("services");
    services.relations.mute(account.id, c.req.param("id"), {
      notifications: params.notifications,
      durationSeconds: params.duration || null,
    });
    return c.json(relationshipJson(services, account.id, c.req.param("id")));
  })
  .post("/:id/unmute", (c) => {
    const { account } = requireUser(c, "write:mutes");
    const services = c.get("services");
    services.relations.unmute(account.id, c.req.param("id"));
    return c.json(relationshipJson(services, account.id, c.req.param("id")));
  })
  .get("/:id/lists", (c) => {
    const { account } = requireUser(c, "read:lists");
    const services = c.get("services");
    requireAccount(services, c.req.param("id"));
    return c.json(services.lists.containing(account.id, c.req.param("id")).map(listJson));
  })
  .get("/:id/followers", (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    requireAccount(services, c.req.param("id"));
    const page = pageParams(c, 40, 80);
    const rows = services.follows.followerIds(c.req.param("id"), { maxId: page.maxId, limit: page.limit });
    paginationLinks(c, rows);
    const hidden = services.visibility.hiddenFrom(account.id);
    return c.json(
      accountsByIdJson(
        rows.map((r) => r.followerId).filter((id) => !hidden.has(id)),
        services,
      ),
    );
  })
  .get("/:id/following", (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    requireAccount(services, c.req.param("id"));
    const page = pageParams(c, 40, 80);
    const rows = services.follows.followingIds(c.req.param("id"), { maxId: page.maxId, limit: page.limit });
    paginationLinks(c, rows);
    const hidden = services.visibility.hiddenFrom(account.id);
    return c.json(
      accountsByIdJson(
        rows.map((r) => r.followingId).filter((id) => !hidden.has(id)),
        services,
      ),
    );
  })
  .get("/:id/statuses", (c) => {
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
  // Not offered (see not-offered.ts): Mastodon's empty shapes.
  .post("/:id/:action{endorse|unendorse|pin|unpin}", (c) => (requireUser(c), notOffered("Endorsements")));
