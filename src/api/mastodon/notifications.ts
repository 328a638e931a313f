import { Hono } from "hono";
import { z } from "zod";
import type { NotificationRow } from "../../domain/notifications/service.ts";
import type { Services } from "../../services.ts";
import { requireUser } from "../auth.ts";
import { parseParams } from "../body.ts";
import type { AppEnv } from "../env.ts";
import { fail } from "../errors.ts";
import { pageParams, paginationLinks, queryArray } from "../pagination.ts";
import { accountViewJson, statusesJson } from "./statuses-json.ts";

/** Mastodon clients know no "reply" type: v1 shows replies as mentions. */
const V1_TYPE: Record<string, string> = { reply: "mention" };

function notificationsJson(rows: readonly NotificationRow[], viewerId: string, services: Services) {
  const accounts = services.directory.getMany(rows.map((r) => r.fromAccountId));
  const statusRows = services.statuses.getMany(rows.map((r) => r.statusId).filter((id): id is string => id != null));
  const statuses = new Map(statusesJson([...statusRows.values()], viewerId, services).map((s) => [s.id as string, s]));
  return rows.flatMap((r) => {
    const account = accounts.get(r.fromAccountId);
    if (!account) return [];
    const status = r.statusId ? statuses.get(r.statusId) : null;
    if (r.statusId && !status) return [];
    return [{ id: r.id, type: V1_TYPE[r.type] ?? r.type, created_at: r.createdAt.toISOString(), group_key: groupKey(r), account: accountViewJson(account, services), status: status ?? null }];
  });
}

/** Favourites, boosts and follows group; mentions and replies stand alone (as Mastodon does). */
function groupKey(r: NotificationRow): string {
  if (["favourite", "reblog"].includes(r.type)) return `${r.type}-${r.statusId}`;
  if (["follow", "follow_request"].includes(r.type)) return `${r.type}-${r.createdAt.toISOString().slice(0, 10)}`;
  return `ungrouped-${r.id}`;
}

const markersSchema = z.object({
  home: z.object({ last_read_id: z.string().regex(/^\d{1,20}$/) }).optional(),
  notifications: z.object({ last_read_id: z.string().regex(/^\d{1,20}$/) }).optional(),
});

function markerJson(m: { lastReadId: string; version: number; updatedAt: Date }) {
  return { last_read_id: m.lastReadId, version: m.version, updated_at: m.updatedAt.toISOString() };
}

export const notificationsRouter = new Hono<AppEnv>()
  .get("/api/v1/notifications", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const rows = services.notifications.list(account.id, { ...pageParams(c, 40, 80), types: queryArray(c, "types"), excludeTypes: queryArray(c, "exclude_types") });
    paginationLinks(c, rows);
    return c.json(notificationsJson(rows, account.id, services));
  })
  .get("/api/v1/notifications/unread_count", (c) => {
    const { account } = requireUser(c, "read:notifications");
    return c.json({ count: c.get("services").notifications.unreadCount(account.id) });
  })
  .post("/api/v1/notifications/clear", (c) => {
    const { account } = requireUser(c, "write:notifications");
    c.get("services").notifications.clear(account.id);
    return c.json({});
  })
  .get("/api/v1/notifications/:id", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const row = services.notifications.get(account.id, c.req.param("id"));
    const [json] = row ? notificationsJson([row], account.id, services) : [];
    if (!json) fail("not_found", "Record not found");
    return c.json(json);
  })
  .post("/api/v1/notifications/:id/dismiss", (c) => {
    const { account } = requireUser(c, "write:notifications");
    if (!c.get("services").notifications.dismiss(account.id, c.req.param("id"))) fail("not_found", "Record not found");
    return c.json({});
  })
  /** Grouped notifications (Mastodon 4.3's v2 API). */
  .get("/api/v2/notifications", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const rows = services.notifications.list(account.id, { ...pageParams(c, 40, 80), types: queryArray(c, "types"), excludeTypes: queryArray(c, "exclude_types") });
    paginationLinks(c, rows);
    const groups = new Map<string, NotificationRow[]>();
    for (const r of rows) groups.set(groupKey(r), [...(groups.get(groupKey(r)) ?? []), r]);
    const accounts = services.directory.getMany(rows.map((r) => r.fromAccountId));
    const statusRows = services.statuses.getMany(rows.map((r) => r.statusId).filter((id): id is string => id != null));
    return c.json({
      accounts: [...accounts.values()].map((a) => accountViewJson(a, services)),
      statuses: statusesJson([...statusRows.values()], account.id, services),
      notification_groups: [...groups.entries()].map(([key, members]) => ({
        group_key: key,
        notifications_count: members.length,
        type: members[0]!.type === "reply" ? "mention" : members[0]!.type,
        most_recent_notification_id: members[0]!.id,
        page_min_id: members.at(-1)!.id,
        page_max_id: members[0]!.id,
        latest_page_notification_at: members[0]!.createdAt.toISOString(),
        sample_account_ids: [...new Set(members.map((m) => m.fromAccountId))].slice(0, 8),
        status_id: members[0]!.statusId ?? undefined,
      })),
    });
  })
  .get("/api/v2/notifications/unread_count", (c) => {
    const { account } = requireUser(c, "read:notifications");
    return c.json({ count: c.get("services").notifications.unreadCount(account.id) });
  })
  .get("/api/v1/markers", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const timelines = queryArray(c, "timeline").filter((t) => t === "home" || t === "notifications");
    const rows = c.get("services").notifications.getMarkers(account.id, timelines);
    return c.json(Object.fromEntries(rows.map((m) => [m.timeline, markerJson(m)])));
  })
  .post("/api/v1/markers", async (c) => {
    const { account } = requireUser(c, "write:statuses");
    const params = await parseParams(c, markersSchema);
    const services = c.get("services");
    const out: Record<string, unknown> = {};
    for (const timeline of ["home", "notifications"] as const) {
      const id = params[timeline]?.last_read_id;
      if (id) out[timeline] = markerJson(services.notifications.setMarker(account.id, timeline, id));
    }
    return c.json(out);
  });
