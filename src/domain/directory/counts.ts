import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";

export interface AccountCounts {
  readonly followers: number;
  readonly following: number;
  readonly statuses: number;
  readonly lastStatusAt: Date | null;
}

const ZERO: AccountCounts = { followers: 0, following: 0, statuses: 0, lastStatusAt: null };

/** Followers, following and posts of many accounts, in three queries. */
export function accountCounts(db: Db, ids: readonly string[]): Map<string, AccountCounts> {
  const unique = [...new Set(ids)];
  const out = new Map<string, AccountCounts>(unique.map((id) => [id, { ...ZERO }]));
  if (unique.length === 0) return out;
  const set = (id: string, change: Partial<AccountCounts>) => out.set(id, { ...out.get(id)!, ...change });
  for (const r of db.all<{ id: string; n: number }>(sql`SELECT following_id AS id, count(*) AS n FROM follows WHERE state = 'accepted' AND following_id IN ${unique} GROUP BY following_id`)) set(r.id, { followers: r.n });
  for (const r of db.all<{ id: string; n: number }>(sql`SELECT follower_id AS id, count(*) AS n FROM follows WHERE state = 'accepted' AND follower_id IN ${unique} GROUP BY follower_id`)) set(r.id, { following: r.n });
  for (const r of db.all<{ id: string; n: number; last: number | null }>(sql`SELECT account_id AS id, count(*) AS n, max(created_at) AS last FROM statuses WHERE kind != 'boost' AND held = 0 AND account_id IN ${unique} GROUP BY account_id`)) {
    set(r.id, { statuses: r.n, lastStatusAt: r.last == null ? null : new Date(r.last) });
  }
  return out;
}
