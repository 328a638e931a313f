import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { tagsJson } from "../../render/tag-json.ts";
import { normaliseTag } from "../../domain/tags/service.ts";

/** Hashtags as channels: follow #cardiology and its posts join the home timeline; feature one on the profile. Mounted at /api/v1/tags. */
export const tags = new Hono<AppEnv>()
  .get("/:name", async (c) => {
    const { account } = requireUser(c, "read:statuses");
    return c.json((await tagsJson([normaliseTag(c.req.param("name"))], account.id, c.get("services")))[0]);
  })
  .post("/:name/follow", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    return c.json((await tagsJson([await services.tags.follow(account.id, c.req.param("name"))], account.id, services))[0]);
  })
  .post("/:name/unfollow", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    return c.json((await tagsJson([await services.tags.unfollow(account.id, c.req.param("name"))], account.id, services))[0]);
  })
  // Mastodon 4.4: feature or unfeature a hashtag from its page (Phanpy's "Feature on profile").
  .post("/:name/:action{feature|unfeature}", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const services = c.get("services");
    const name = c.req.param("name");
    if (c.req.param("action") === "feature") await services.featuredTags.feature(account.id, name);
    else await services.featuredTags.unfeature(account.id, { name });
    return c.json((await tagsJson([name.replace(/^#/, "").toLowerCase()], account.id, services))[0]);
  });
