import { and, count, desc, eq, max, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { featuredTags, statuses, statusTags } from "../../db/schema.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";

/** Mastodon's limit (`configuration.accounts.max_featured_tags`). */
export const MAX_FEATURED_TAGS = 10;

export interface FeaturedTag {
  readonly id: string;
  readonly name: string;
  /** The account's own posts with the tag. */
  readonly statusesCount: number;
  readonly lastStatusAt: Date | null;
}

const TAG = /^[\p{L}\p{N}_]{1,100}$/u;

/** Hashtags a physician features on their profile, with their own use of each (Mastodon's featured tags). */
export class FeaturedTags {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  #use(accountId: string, tag: string): { statusesCount: number; lastStatusAt: Date | null } {
    const row = this.#db
      .select({ n: count(), last: max(statuses.createdAt) })
      .from(statusTags)
      .innerJoin(statuses, eq(statuses.id, statusTags.statusId))
      .where(and(eq(statusTags.tag, tag), eq(statuses.accountId, accountId), sql`${statuses.kind} != 'boost'`))
      .get();
    const last = row?.last as unknown;
    return { statusesCount: row?.n ?? 0, lastStatusAt: last == null ? null : last instanceof Date ? last : new Date(Number(last)) };
  }

  list(accountId: string): FeaturedTag[] {
    return this.#db
      .select()
      .from(featuredTags)
      .where(eq(featuredTags.accountId, accountId))
      .orderBy(desc(featuredTags.createdAt))
      .all()
      .map((r) => ({ id: r.id, name: r.tag, ...this.#use(accountId, r.tag) }));
  }

  feature(accountId: string, name: string, now = new Date()): FeaturedTag {
    const tag = name.trim().replace(/^#/, "").toLowerCase();
    if (!TAG.test(tag)) throw new DomainError("unprocessable", "Validation failed: Tag is not a valid hashtag");
    const existing = this.#db
      .select()
      .from(featuredTags)
      .where(and(eq(featuredTags.accountId, accountId), eq(featuredTags.tag, tag)))
      .get();
    if (existing) return { id: existing.id, name: tag, ...this.#use(accountId, tag) };
    const n = this.#db.select({ n: count() }).from(featuredTags).where(eq(featuredTags.accountId, accountId)).get()?.n ?? 0;
    if (n >= MAX_FEATURED_TAGS)
      throw new DomainError("unprocessable", `Validation failed: you can feature at most ${MAX_FEATURED_TAGS} hashtags`);
    const row = this.#db
      .insert(featuredTags)
      .values({ id: newId(now.getTime()), accountId, tag, createdAt: now })
      .returning()
      .get();
    return { id: row.id, name: tag, ...this.#use(accountId, tag) };
  }

  unfeature(accountId: string, idOrName: { id?: string; name?: string }): boolean {
    const where = idOrName.id
      ? eq(featuredTags.id, idOrName.id)
      : eq(featuredTags.tag, (idOrName.name ?? "").replace(/^#/, "").toLowerCase());
    return (
      this.#db
        .delete(featuredTags)
        .where(and(eq(featuredTags.accountId, accountId), where))
        .run().changes > 0
    );
  }

  isFeatured(accountId: string, tag: string): boolean {
    return (
      this.#db
        .select({ id: featuredTags.id })
        .from(featuredTags)
        .where(and(eq(featuredTags.accountId, accountId), eq(featuredTags.tag, tag.toLowerCase())))
        .get() != null
    );
  }

  /** Tags the account used most in its recent posts and does not feature yet (Mastodon's suggestions). */
  suggestions(accountId: string, limit = 10): string[] {
    const featured = new Set(this.list(accountId).map((t) => t.name));
    return this.#db
      .select({ tag: statusTags.tag, n: count() })
      .from(statusTags)
      .innerJoin(statuses, eq(statuses.id, statusTags.statusId))
      .where(eq(statuses.accountId, accountId))
      .groupBy(statusTags.tag)
      .orderBy(desc(count()))
      .limit(limit + featured.size)
      .all()
      .map((r) => r.tag)
      .filter((t) => !featured.has(t))
      .slice(0, limit);
  }
}
