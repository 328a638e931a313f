import type { NotificationRow } from "./service.ts";

/**
 * How notifications group (Mastodon 4.3's grouped notifications):
 * favourites and boosts of one status together, follows and follow
 * requests of one day together, everything else on its own.
 */
export function groupKey(r: Pick<NotificationRow, "id" | "type" | "statusId" | "createdAt">): string {
  if (r.type === "favourite" || r.type === "reblog") return `${r.type}-${r.statusId}`;
  if (r.type === "follow" || r.type === "follow_request") return `${r.type}-${r.createdAt.toISOString().slice(0, 10)}`;
  return `ungrouped-${r.id}`;
}

/** What a group key selects, or null for a key no group could have. */
export type GroupSelector =
  | { readonly kind: "status"; readonly type: "favourite" | "reblog"; readonly statusId: string }
  | { readonly kind: "day"; readonly type: "follow" | "follow_request"; readonly from: Date; readonly to: Date }
  | { readonly kind: "one"; readonly id: string };

export function parseGroupKey(key: string): GroupSelector | null {
  let m = /^(favourite|reblog)-(\d{1,20})$/.exec(key);
  if (m) return { kind: "status", type: m[1] as "favourite" | "reblog", statusId: m[2]! };
  m = /^(follow|follow_request)-(\d{4}-\d{2}-\d{2})$/.exec(key);
  if (m) {
    const from = new Date(`${m[2]}T00:00:00.000Z`);
    if (Number.isNaN(from.getTime())) return null;
    return { kind: "day", type: m[1] as "follow" | "follow_request", from, to: new Date(from.getTime() + 86_400_000) };
  }
  m = /^ungrouped-(\d{1,20})$/.exec(key);
  return m ? { kind: "one", id: m[1]! } : null;
}
