import { and, count, countDistinct, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { AsyncDb } from "../../db/async-sqlite.ts";
import { followedTags, statuses, statusTags } from "../../db/schema.ts";
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
  readonly #db: AsyncDb;
  readonly #events: DomainEvents;

  constructor(deps: { db: AsyncDb; events: DomainEvents }) {
    this.#db = deps.db;
    this.#events = deps.events;
  }

  async follow(accountId: string, name: string, now = new Date()): Promise<string> {
    const tag = normaliseTag(name);
    const inserted = await this.#db
      .insert(followedTags)
      .values({ id: newId(now.getTime()), accountId, tag, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: followedTags.id });
    if (inserted.length > 0) this.#events.emit({ type: "relationship.changed", accountId, targetId: tag, change: "tag.follow" });
    return tag;
  }

  async unfollow(accountId: string, name: string): Promise<string> {
    const tag = normaliseTag(name);
    const removed = await this.#db
      .delete(followedTags)
      .where(and(eq(followedTags.accountId, accountId), eq(followedTags.tag, tag)))
      .returning({ id: followedTags.id });
    if (removed.length > 0) this.#events.emit({ type: "relationship.changed", accountId, targetId: tag, change: "tag.unfollow" });
    return tag;
  }

  async following(accountId: string, tags: readonly string[]): Promise<Set<string>> {
    if (tags.length === 0) return new Set();
    const rows = await this.#db
      .select({ tag: followedTags.tag })
      .from(followedTags)
      .where(and(eq(followedTags.accountId, accountId), inArray(followedTags.tag, [...tags])));
    return new Set(rows.map((r) => r.tag));
  }

  /** Tags the account follows, newest first (paginated by the follow's id). */
  followed(accountId: string, options: { maxId?: string; limit: number }): Promise<{ id: string; tag: string }[]> {
    return this.#db
      .select({ id: followedTags.id, tag: followedTags.tag })
      .from(followedTags)
      .where(and(eq(followedTags.accountId, accountId), options.maxId ? lt(followedTags.id, options.maxId) : undefined))
      .orderBy(desc(followedTags.id))
      .limit(options.limit);
  }

  /** Mastodon's tag history: posts and distinct authors a day, the last seven days, today first. */
  async history(name: string, now = new Date()): Promise<TagUse[]> {
    const tag = normaliseTag(name);
    const today = Math.floor(now.getTime() / DAY) * DAY;
    // (the day's length is written into the SQL, so the division is an integer's: a bound number arrives as a REAL)
    const day = sql<number>`(${statuses.createdAt} / ${sql.raw(String(DAY))}) * ${sql.raw(String(DAY))}`;
    const rows = await this.#db
      .select({ day, uses: count(), accounts: countDistinct(statuses.accountId) })
      .from(statusTags)
      .innerJoin(statuses, eq(statuses.id, statusTags.statusId))
      .where(
        and(
          eq(statusTags.tag, tag),
          gte(statuses.createdAt, new Date(today - 6 * DAY)),
          eq(statuses.held, false),
          inArray(statuses.visibility, ["public", "unlisted"]),
        ),
      )
      .groupBy(day);
    const byDay = new Map(rows.map((r) => [Number(r.day), r]));
    return Array.from({ length: 7 }, (_, i) => {
      const day = today - i * DAY;
      const r = byDay.get(day);
      return { day: String(day / 1000), uses: String(r?.uses ?? 0), accounts: String(r?.accounts ?? 0) };
    });
  }
}
