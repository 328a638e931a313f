import { Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { pageParams, paginationLinks } from "../../http/pagination.ts";
import { featuredTagJson, tagsJson } from "../../render/tag-json.ts";

const domainSchema = z.object({ domain: z.string().min(1).max(300) });
const featureSchema = z.object({ name: z.string().min(1).max(101) });

/**
 * What a physician chooses for themselves: instances they hide (user-level
 * domain blocks, never federated) and hashtags featured on their profile.
 */
export const profileChoicesRouter = new Hono<AppEnv>()
  .get("/api/v1/domain_blocks", (c) => {
    const { account } = requireUser(c, "read:blocks");
    const page = pageParams(c, 40, 200);
    const rows = c.get("services").domainBlocks.list(account.id, { maxId: page.maxId, limit: page.limit });
    paginationLinks(c, rows);
    return c.json(rows.map((r) => r.domain));
  })
  .post("/api/v1/domain_blocks", async (c) => {
    const { account } = requireUser(c, "write:blocks");
    const { domain } = await parseParams(c, domainSchema);
    await c.get("services").domainBlocks.block(account.id, domain);
    return c.json({});
  })
  .delete("/api/v1/domain_blocks", async (c) => {
    const { account } = requireUser(c, "write:blocks");
    const { domain } = await parseParams(c, domainSchema);
    c.get("services").domainBlocks.unblock(account.id, domain);
    return c.json({});
  })
  .get("/api/v1/featured_tags", (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    const me = services.directory.get(account.id)!;
    return c.json(services.featuredTags.list(account.id).map((t) => featuredTagJson(t, me, services)));
  })
  .get("/api/v1/featured_tags/suggestions", (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    return c.json(tagsJson(services.featuredTags.suggestions(account.id), account.id, services));
  })
  .post("/api/v1/featured_tags", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const { name } = await parseParams(c, featureSchema);
    const services = c.get("services");
    return c.json(featuredTagJson(services.featuredTags.feature(account.id, name), services.directory.get(account.id)!, services));
  })
  .delete("/api/v1/featured_tags/:id{[0-9]+}", (c) => {
    const { account } = requireUser(c, "write:accounts");
    if (!c.get("services").featuredTags.unfeature(account.id, { id: c.req.param("id") })) fail("not_found", "Record not found");
    return c.json({});
  })
  // Mastodon 4.4: feature or unfeature a hashtag from its page (Phanpy's "Feature on profile").
  .post("/api/v1/tags/:name/:action{feature|unfeature}", (c) => {
    const { account } = requireUser(c, "write:accounts");
    const services = c.get("services");
    const name = c.req.param("name");
    if (c.req.param("action") === "feature") services.featuredTags.feature(account.id, name);
    else services.featuredTags.unfeature(account.id, { name });
    return c.json(tagsJson([name.replace(/^#/, "").toLowerCase()], account.id, services)[0]);
  })
  .get("/api/v1/accounts/:id{[0-9]+}/featured_tags", (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    const target = services.directory.get(c.req.param("id"));
    if (!target || services.visibility.hiddenFrom(account.id).has(target.id)) fail("not_found", "Record not found");
    return c.json(target.local ? services.featuredTags.list(target.id).map((t) => featuredTagJson(t, target, services)) : []);
  });
