import { Hono } from "hono";
import { normaliseTag } from "../../domain/tags/service.ts";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { pageParams, paginationLinks } from "../../http/pagination.ts";
import { tagsJson } from "../../render/tag-json.ts";

/** Hashtags as channels: follow #cardiology and its posts join the home timeline. */
export const tagsRouter = new Hono<AppEnv>()
  .get("/api/v1/tags/:name", (c) => {
    const { account } = requireUser(c, "read:statuses");
    return c.json(tagsJson([normaliseTag(c.req.param("name"))], account.id, c.get("services"))[0]);
  })
  .post("/api/v1/tags/:name/follow", (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    return c.json(tagsJson([services.tags.follow(account.id, c.req.param("name"))], account.id, services)[0]);
  })
  .post("/api/v1/tags/:name/unfollow", (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    return c.json(tagsJson([services.tags.unfollow(account.id, c.req.param("name"))], account.id, services)[0]);
  })
  .get("/api/v1/followed_tags", (c) => {
    const { account } = requireUser(c, "read:follows");
    const services = c.get("services");
    const page = pageParams(c, 100, 200);
    const rows = services.tags.followed(account.id, { maxId: page.maxId, limit: page.limit });
    paginationLinks(c, rows);
    return c.json(
      tagsJson(
        rows.map((r) => r.tag),
        account.id,
        services,
      ),
    );
  });
