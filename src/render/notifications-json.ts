import { groupKey } from "../domain/notifications/groups.ts";
import { clientType, type NotificationRow } from "../domain/notifications/service.ts";
import type { Services } from "../services.ts";
import { accountsJson } from "./accounts-json.ts";
import { renderStatuses } from "./statuses-json.ts";
import { reportJson, warningJson } from "./report-json.ts";

/**
 * The notifications a viewer sees, with their statuses rendered once: those
 * whose status is gone, invisible, or hidden by a notifications filter drop out.
 */
export function loadNotifications(rows: readonly NotificationRow[], viewerId: string, services: Services) {
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
export function groupedJson(rows: readonly NotificationRow[], viewerId: string, services: Services) {
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
export function jsonWithIntegers(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000int:(\d+)"/g, "$1");
}
