import { Hono } from "hono";
import type { ConversationRow } from "../../domain/conversations/service.ts";
import type { Services } from "../../services.ts";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { pageParams } from "../pagination.ts";
import { accountsJson } from "./accounts-json.ts";
import { renderStatuses } from "./statuses-json.ts";

/** Mastodon's Conversation entity: the other participants and the last status. */
export function conversationsJson(rows: readonly ConversationRow[], viewerId: string, services: Services) {
  const last = services.store.getMany(rows.map((r) => r.lastStatusId));
  const visible = new Map(services.visibility.visibleTo(viewerId, [...last.values()]).map((s) => [s.id, s]));
  const statuses = new Map(
    renderStatuses([...visible.values()], viewerId, services, { context: "thread" }).json.map((s) => [s["id"] as string, s]),
  );
  const mentions = services.store.mentionsOf([...visible.keys()]);
  return rows
    .filter((r) => statuses.has(r.lastStatusId))
    .map((r) => {
      const status = visible.get(r.lastStatusId)!;
      const participants = [...new Set([status.accountId, ...(mentions.get(status.id) ?? [])])].filter((id) => id !== viewerId);
      const views = services.directory.getMany(participants);
      return {
        id: r.id,
        unread: r.unread,
        accounts: accountsJson([...views.values()], services),
        last_status: statuses.get(r.lastStatusId) ?? null,
      };
    });
}

export const conversationsRouter = new Hono<AppEnv>()
  .get("/api/v1/conversations", (c) => {
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
  .post("/api/v1/conversations/:id/read", (c) => {
    const { account } = requireUser(c, "write:conversations");
    const services = c.get("services");
    const row = services.conversations.markRead(account.id, c.req.param("id"));
    return c.json(conversationsJson([row], account.id, services)[0] ?? { id: row.id, unread: false, accounts: [], last_status: null });
  })
  .delete("/api/v1/conversations/:id", (c) => {
    const { account } = requireUser(c, "write:conversations");
    c.get("services").conversations.remove(account.id, c.req.param("id"));
    return c.json({});
  });
