import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { followedTags } from "../../db/schema.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import { newId } from "../ids.ts";

/** A hashtag as Mastodon names them: letters, digits and underscores, not all digits. */
const TAG = /^[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*$/u;
const DAY = 86_400_000;

export function normaliseTag(name: string): string {
  const tag = name.replace(/^#/, "").trim().toLowerCase();
  if (!TAG.test(tag) || tag.length > 100) throw new DomainError("not_found", "Record not found");
  return tag;
}

export interface TagUse {
  readonly day: string;
  readonly uses: string;
  readonly accounts: string;
}

/**
 * Hashtags as channels: a cardiologist follows #cardiology and its posts
 * join the home timeline.  Usage history is counted from the posts held here.
 */
export class TagService {
  readonly #db: Db;
  readonly #events: DomainEvents;

  constructor(deps: { db: Db; events: DomainEvents }) {
    this.#db = deps.db;
    this.#events = deps.events;
  }

  follow(accountId: string, name: string, now = new Date()): string {
    const tag = normaliseTag(name);
    const inserted = this.#db
      .insert(followedTags)
      .values({ id: newId(now.getTime()), accountId, tag, createdAt: now })
      .onConflictDoNothing()
      .run().changes;
    if (inserted > 0) this.#events.emit({ type: "relationship.changed", accountId, targetId: tag, change: "tag.follow" });
    return tag;
  }

  unfollow(accountId: string, name: string): string {
    const tag = normaliseTag(name);
    const removed = this.#db
      .delete(followedTags)
      .where(and(eq(followedTags.accountId, accountId), eq(followedTags.tag, tag)))
      .run().changes;
    if (removed > 0) this.#events.emit({ type: "relationship.changed", accountId, targetId: tag, change: "tag.unfollow" });
    return tag;
  }

  following(accountId: string, tags: readonly string[]): Set<string> {
    if (tags.length === 0) return new Set();
    return new Set(
      this.#db
        .select({ tag: followedTags.tag })
        .from(followedTags)
        .where(and(eq(followedTags.accountId, accountId), inArray(followedTags.tag, [...tags])))
        .all()
        .map((r) => r.tag),
    );
  }

  /** Tags the account follows, newest first (paginated by the follow's id). */
  followed(accountId: string, options: { maxId?: string; limit: number }): { id: string; tag: string }[] {
    return this.#db
      .select({ id: followedTags.id, tag: followedTags.tag })
      .from(followedTags)
      .where(and(eq(followedTags.accountId, accountId), options.maxId ? lt(followedTags.id, options.maxId) : undefined))
      .orderBy(desc(followedTags.id))
      .limit(options.limit)
      .all();
  }

  /** Mastodon's tag history: posts and distinct authors a day, the last seven days, today first. */
  history(name: string, now = new Date()): TagUse[] {
    const tag = normaliseTag(name);
    const today = Math.floor(now.getTime() / DAY) * DAY;
    // A bound number arrives as a REAL: the day is written in, to divide as integers.
    const rows = this.#db.all<{ day: number; uses: number; accounts: number }>(sql`
      SELECT (s.created_at / ${sql.raw(String(DAY))}) * ${sql.raw(String(DAY))} AS day, count(*) AS uses, count(DISTINCT s.account_id) AS accounts
      FROM status_tags t JOIN statuses s ON s.id = t.status_id
      WHERE t.tag = ${tag} AND s.created_at >= ${today - 6 * DAY} AND s.held = 0 AND s.visibility IN ('public', 'unlisted')
      GROUP BY day`);
    const byDay = new Map(rows.map((r) => [r.day, r]));
    return Array.from({ length: 7 }, (_, i) => {
      const day = today - i * DAY;
      const r = byDay.get(day);
      return { day: String(day / 1000), uses: String(r?.uses ?? 0), accounts: String(r?.accounts ?? 0) };
    });
  }
}
