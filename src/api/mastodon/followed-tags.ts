import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { pageParams, paginationLinks } from "../../http/pagination.ts";
import { tagsJson } from "../../render/tag-json.ts";

/** Hashtags as channels: follow #cardiology and its posts join the home timeline. Mounted at /api/v1/followed_tags. */
export const followedTags = new Hono<AppEnv>().get("/", async (c) => {
  const { account } = requireUser(c, "read:follows");
  const services = c.get("services");
  const page = pageParams(c, 100, 200);
  const rows = await services.tags.followed(account.id, { maxId: page.maxId, limit: page.limit });
  paginationLinks(c, rows);
  return c.json(
    await tagsJson(
      rows.map((r) => r.tag),
      account.id,
      services,
    ),
  );
});
