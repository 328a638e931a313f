import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";

const WEEK = 7 * 86_400_000;

export interface WeekActivity {
  readonly week: string;
  readonly statuses: string;
  readonly logins: string;
  readonly registrations: string;
}

/**
 * Mastodon's instance activity: for each of the last twelve weeks (this one
 * first), posts written here, distinct physicians who signed in to a client
 * (a token issued), and applications received.
 */
export function weeklyActivity(db: Db, now = new Date()): WeekActivity[] {
  // Mastodon's weeks start on Monday, 00:00 UTC.
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const thisWeek = day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000;
  const since = thisWeek - 11 * WEEK;
  const bucket = (column: string) =>
    sql.raw(
      `(((${column} - ${thisWeek}) / ${WEEK}) + (CASE WHEN ${column} < ${thisWeek} AND (${column} - ${thisWeek}) % ${WEEK} != 0 THEN -1 ELSE 0 END))`,
    );
  const count = (query: ReturnType<typeof sql>) => new Map(db.all<{ w: number; n: number }>(query).map((r) => [r.w, r.n]));
  const posts = count(
    sql`SELECT ${bucket("created_at")} AS w, count(*) AS n FROM statuses WHERE local = 1 AND kind != 'boost' AND created_at >= ${since} GROUP BY w`,
  );
  const logins = count(
    sql`SELECT ${bucket("created_at")} AS w, count(DISTINCT account_id) AS n FROM oauth_tokens WHERE account_id IS NOT NULL AND created_at >= ${since} GROUP BY w`,
  );
  const registrations = count(
    sql`SELECT ${bucket("created_at")} AS w, count(*) AS n FROM accounts WHERE role = 'physician' AND created_at >= ${since} GROUP BY w`,
  );
  return Array.from({ length: 12 }, (_, i) => ({
    week: String((thisWeek - i * WEEK) / 1000),
    statuses: String(posts.get(-i) ?? 0),
    logins: String(logins.get(-i) ?? 0),
    registrations: String(registrations.get(-i) ?? 0),
  }));
}
