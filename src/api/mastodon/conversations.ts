import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { pageParams } from "../../http/pagination.ts";
import { conversationsJson } from "../../render/conversations-json.ts";

/** Direct conversations. Mounted at /api/v1/conversations. */
export const conversations = new Hono<AppEnv>()
  .get("/", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    const page = pageParams(c, 20, 40);
    const rows = services.conversations.list(account.id, { maxId: page.maxId, limit: page.limit });
    // Paginated by the last status, as Mastodon does.
    if (rows.length > 0) {
      const url = new URL(c.req.url);
      const next = new URL(url);
      next.searchParams.set("max_id", rows.at(-1)!.lastStatusId);
      const prev = new URL(url);
      prev.searchParams.delete("max_id");
      prev.searchParams.set("min_id", rows[0]!.lastStatusId);
      c.header("Link", `<${next.href}>; rel="next", <${prev.href}>; rel="prev"`);
    }
    return c.json(conversationsJson(rows, account.id, services));
  })
  .delete("/:id", (c) => {
    const { account } = requireUser(c, "write:conversations");
    c.get("services").conversations.remove(account.id, c.req.param("id"));
    return c.json({});
  })
  .post("/:id/read", (c) => {
    const { account } = requireUser(c, "write:conversations");
    const services = c.get("services");
    const row = services.conversations.markRead(account.id, c.req.param("id"));
    return c.json(conversationsJson([row], account.id, services)[0] ?? { id: row.id, unread: false, accounts: [], last_status: null });
  });
