import { Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { pageParams, paginationLinks, queryArray } from "../../http/pagination.ts";
import { idParam } from "../../http/params.ts";
import { accountsByIdJson } from "../../render/accounts-json.ts";
import { groupedJson, jsonWithIntegers, loadNotifications, notificationsJson } from "../../render/notifications-json.ts";

const markersSchema = z.object({
  home: z.object({ last_read_id: idParam }).optional(),
  notifications: z.object({ last_read_id: idParam }).optional(),
});

function markerJson(m: { lastReadId: string; version: number; updatedAt: Date }) {
  return { last_read_id: m.lastReadId, version: m.version, updated_at: m.updatedAt.toISOString() };
}

const query = (c: Parameters<typeof pageParams>[0]) => ({
  ...pageParams(c, 40, 80),
  types: queryArray(c, "types"),
  excludeTypes: queryArray(c, "exclude_types"),
});

export const notificationsRouter = new Hono<AppEnv>()
  .get("/api/v1/notifications", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const rows = services.notifications.list(account.id, query(c));
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
  .get("/api/v1/notifications/:id{[0-9]+}", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const row = services.notifications.get(account.id, c.req.param("id"));
    const [json] = row ? notificationsJson([row], account.id, services) : [];
    if (!json) fail("not_found", "Record not found");
    return c.json(json);
  })
  .post("/api/v1/notifications/:id{[0-9]+}/dismiss", (c) => {
    const { account } = requireUser(c, "write:notifications");
    if (!c.get("services").notifications.dismiss(account.id, c.req.param("id"))) fail("not_found", "Record not found");
    return c.json({});
  })
  /** Grouped notifications (Mastodon 4.3's v2 API). */
  .get("/api/v2/notifications", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const rows = services.notifications.list(account.id, query(c));
    paginationLinks(c, rows);
    c.header("Content-Type", "application/json; charset=UTF-8");
    return c.body(jsonWithIntegers(groupedJson(rows, account.id, services)));
  })
  .get("/api/v2/notifications/:key{[a-z_]+-[0-9-]+}", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const grouped = groupedJson(services.notifications.group(account.id, c.req.param("key")), account.id, services);
    if (grouped.notification_groups.length === 0) fail("not_found", "Record not found");
    c.header("Content-Type", "application/json; charset=UTF-8");
    return c.body(jsonWithIntegers(grouped));
  })
  .get("/api/v2/notifications/:key{[a-z_]+-[0-9-]+}/accounts", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const { kept } = loadNotifications(services.notifications.group(account.id, c.req.param("key")), account.id, services);
    if (kept.length === 0) fail("not_found", "Record not found");
    return c.json(accountsByIdJson([...new Set(kept.map((r) => r.fromAccountId))], services));
  })
  .post("/api/v2/notifications/:key{[a-z_]+-[0-9-]+}/dismiss", (c) => {
    const { account } = requireUser(c, "write:notifications");
    if (!c.get("services").notifications.dismissGroup(account.id, c.req.param("key"))) fail("not_found", "Record not found");
    return c.json({});
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
