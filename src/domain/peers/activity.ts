import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";

export interface PeerActivity {
  readonly physicians: number;
  readonly posts: number;
  readonly postsThisWeek: number;
}

/** What has come from each peer: its physicians known here, its posts held here. */
export function peerActivity(db: Db, now = new Date()): Map<string, PeerActivity> {
  const weekAgo = now.getTime() - 7 * 86_400_000;
  const rows = db.all<{ origin: string; physicians: number; posts: number; week: number }>(sql`
    SELECT a.origin AS origin, count(DISTINCT a.id) AS physicians, count(s.id) AS posts,
      sum(CASE WHEN s.created_at >= ${weekAgo} THEN 1 ELSE 0 END) AS week
    FROM remote_actors a LEFT JOIN statuses s ON s.account_id = a.id
    GROUP BY a.origin`);
  return new Map(rows.map((r) => [r.origin, { physicians: r.physicians, posts: r.posts, postsThisWeek: r.week ?? 0 }]));
}
