import { homeRule } from "../../src/domain/timelines/home-rule.ts";
import type { TestInstance } from "./instances.ts";

/** What the home rule admits for a viewer, read from the source tables (not the feed). */
export function byHomeRule(instance: TestInstance, viewerId: string): string[] {
  return instance.services.database.sqlite
    .prepare(`SELECT s.id FROM statuses s WHERE ${homeRule(":viewer")} ORDER BY s.id DESC`)
    .pluck()
    .all({ viewer: viewerId }) as string[];
}

interface Row {
  id: string;
  account_id: string;
  visibility: string;
  kind: string;
  in_reply_to_id: string | null;
  in_reply_to_uri: string | null;
  in_reply_to_account_id: string | null;
}

/**
 * The home rule as README states it, in plain code over the tables' rows (no
 * SQL of the rule's): the viewer's own posts, and posts and boosts of accounts
 * followed or carrying a followed tag (public and unlisted), never direct; a
 * reply only when it answers its own author, the viewer or someone followed;
 * not by members of the viewer's exclusive lists.
 */
export function byHomeModel(instance: TestInstance, viewerId: string): string[] {
  const db = instance.services.database.sqlite;
  const all = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];
  const followed = new Set(
    all<{ id: string }>("SELECT following_id AS id FROM follows WHERE follower_id = ? AND state = 'accepted'", viewerId).map((r) => r.id),
  );
  const tags = new Set(all<{ tag: string }>("SELECT tag FROM followed_tags WHERE account_id = ?", viewerId).map((r) => r.tag));
  const tagsOf = new Map<string, string[]>();
  for (const r of all<{ status_id: string; tag: string }>("SELECT status_id, tag FROM status_tags"))
    tagsOf.set(r.status_id, [...(tagsOf.get(r.status_id) ?? []), r.tag]);
  const exclusive = new Set(
    all<{ id: string }>(
      "SELECT la.account_id AS id FROM list_accounts la JOIN lists l ON l.id = la.list_id WHERE l.account_id = ? AND l.exclusive = 1",
      viewerId,
    ).map((r) => r.id),
  );
  const replyShown = (s: Row) =>
    s.kind === "boost" ||
    (s.in_reply_to_id == null && s.in_reply_to_uri == null) ||
    s.in_reply_to_account_id === s.account_id ||
    s.in_reply_to_account_id === viewerId ||
    (s.in_reply_to_account_id != null && followed.has(s.in_reply_to_account_id));
  return all<Row>("SELECT id, account_id, visibility, kind, in_reply_to_id, in_reply_to_uri, in_reply_to_account_id FROM statuses")
    .filter((s) => {
      if (s.visibility === "direct") return false;
      if (s.account_id === viewerId) return true;
      const byFollowed = followed.has(s.account_id);
      const byTag = (s.visibility === "public" || s.visibility === "unlisted") && (tagsOf.get(s.id) ?? []).some((t) => tags.has(t));
      return (byFollowed || byTag) && replyShown(s) && !exclusive.has(s.account_id);
    })
    .map((s) => s.id)
    .sort()
    .reverse();
}
