import { Hono } from "hono";
import { relationshipJson } from "../../render/relationships-json.ts";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { pageParams, paginationLinks } from "../../http/pagination.ts";
import { accountsJson } from "../../render/render.ts";

/** Follow requests to a locked account. Mounted at /api/v1/follow_requests. */
export const followRequests = new Hono<AppEnv>()
  .get("/", (c) => {
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
  .post("/:id/authorize", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    await services.follows.authorize(account.id, c.req.param("id"));
    return c.json(relationshipJson(services, account.id, c.req.param("id")));
  })
  .post("/:id/reject", async (c) => {
    const { account } = requireUser(c, "write:follows");
    const services = c.get("services");
    await services.follows.reject(account.id, c.req.param("id"));
    return c.json(relationshipJson(services, account.id, c.req.param("id")));
  });
