import { Hono } from "hono";
import { z } from "zod";
import { groupKey } from "../../domain/notifications/groups.ts";
import { clientType, type NotificationRow } from "../../domain/notifications/service.ts";
import type { Services } from "../../services.ts";
import { requireUser } from "../auth.ts";
import { parseParams } from "../body.ts";
import type { AppEnv } from "../env.ts";
import { fail } from "../errors.ts";
import { pageParams, paginationLinks, queryArray } from "../pagination.ts";
import { idParam } from "../params.ts";
import { accountsByIdJson, accountsJson } from "./accounts-json.ts";
import { renderStatuses } from "./statuses-json.ts";
import { reportJson, warningJson } from "./report-json.ts";

/**
 * The notifications a viewer sees, with their statuses rendered once: those
 * whose status is gone, invisible, or hidden by a notifications filter drop out.
 */
function loadNotifications(rows: readonly NotificationRow[], viewerId: string, services: Services) {
  const accounts = services.directory.getMany(rows.map((r) => r.fromAccountId));
  const statusRows = services.visibility.visibleTo(
    viewerId,
    [...services.store.getMany(rows.map((r) => r.statusId).filter((id): id is string => id != null)).values()],
    { scope: "open" },
  );
  const { json, hiddenByFilter } = renderStatuses(statusRows, viewerId, services, { context: "notifications" });
  const statuses = new Map(json.filter((s) => !hiddenByFilter.has(s["id"] as string)).map((s) => [s["id"] as string, s]));
  const kept = rows.filter((r) => accounts.has(r.fromAccountId) && (!r.statusId || statuses.has(r.statusId)));
  return { kept, accounts, statuses };
}

export function notificationsJson(rows: readonly NotificationRow[], viewerId: string, services: Services) {
  const { kept, accounts, statuses } = loadNotifications(rows, viewerId, services);
  const accountJson = new Map(accountsJson([...accounts.values()], services).map((a) => [a.id, a]));
  return kept.map((r) => ({
    id: r.id,
    type: clientType(r.type),
    created_at: r.createdAt.toISOString(),
    group_key: groupKey(r),
    account: accountJson.get(r.fromAccountId)!,
    status: r.statusId ? statuses.get(r.statusId)! : null,
    ...moderationSubject(r, services),
  }));
}

/** The report or the moderation warning a moderation notification is about (Mastodon's `report` / `moderation_warning`). */
function moderationSubject(r: NotificationRow, services: Services) {
  if (!r.subjectId) return {};
  if (r.type === "moderation_warning") {
    const warning = services.moderation.warning(r.subjectId);
    return warning ? { moderation_warning: warningJson(warning, services) } : {};
  }
  if (r.type === "admin.report" || r.type === "report_resolved") {
    const report = services.reports.get(r.subjectId);
    return report ? { report: reportJson(report, services) } : {};
  }
  return {};
}

const INTEGER_MARK = "\u0000int:";

/** Grouped notifications as Mastodon's v2 API renders them (accounts and statuses once, then the groups). */
function groupedJson(rows: readonly NotificationRow[], viewerId: string, services: Services) {
  const { kept, accounts, statuses } = loadNotifications(rows, viewerId, services);
  const groups = new Map<string, NotificationRow[]>();
  for (const r of kept) groups.set(groupKey(r), [...(groups.get(groupKey(r)) ?? []), r]);
  return {
    accounts: accountsJson([...accounts.values()], services),
    statuses: [...statuses.values()],
    notification_groups: [...groups.entries()].map(([key, members]) => ({
      group_key: key,
      notifications_count: members.length,
      type: clientType(members[0]!.type),
      most_recent_notification_id: `${INTEGER_MARK}${members[0]!.id}`,
      page_min_id: members.at(-1)!.id,
      page_max_id: members[0]!.id,
      latest_page_notification_at: members[0]!.createdAt.toISOString(),
      sample_account_ids: [...new Set(members.map((m) => m.fromAccountId))].slice(0, 8),
      ...(members[0]!.statusId ? { status_id: members[0]!.statusId } : {}),
    })),
  };
}

/**
 * JSON whose marked strings are written as integer literals, digit for digit:
 * Mastodon's schema types `most_recent_notification_id` as an integer, and our
 * ids are larger than a double holds exactly.
 */
function jsonWithIntegers(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000int:(\d+)"/g, "$1");
}

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
