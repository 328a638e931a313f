import { and, count, desc, eq, inArray, max, sql } from "drizzle-orm";
import type { AsyncDb } from "../../db/async-sqlite.ts";
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
  readonly #db: AsyncDb;

  constructor(db: AsyncDb) {
    this.#db = db;
  }

  async #use(accountId: string, tag: string): Promise<{ statusesCount: number; lastStatusAt: Date | null }> {
    const row = await this.#db
      .select({ n: count(), last: max(statuses.createdAt) })
      .from(statusTags)
      .innerJoin(statuses, eq(statuses.id, statusTags.statusId))
      .where(and(eq(statusTags.tag, tag), eq(statuses.accountId, accountId), sql`${statuses.kind} != 'boost'`))
      .get();
    const last = row?.last as unknown;
    return { statusesCount: row?.n ?? 0, lastStatusAt: last == null ? null : last instanceof Date ? last : new Date(Number(last)) };
  }

  async list(accountId: string): Promise<FeaturedTag[]> {
    const rows = await this.#db
      .select()
      .from(featuredTags)
      .where(eq(featuredTags.accountId, accountId))
      .orderBy(desc(featuredTags.createdAt));
    return Promise.all(rows.map(async (r) => ({ id: r.id, name: r.tag, ...(await this.#use(accountId, r.tag)) })));
  }

  async feature(accountId: string, name: string, now = new Date()): Promise<FeaturedTag> {
    const tag = name.trim().replace(/^#/, "").toLowerCase();
    if (!TAG.test(tag)) throw new DomainError("unprocessable", "Validation failed: Tag is not a valid hashtag");
    // (the count and the insert in one transaction: two requests at the limit cannot both pass it)
    const id = await this.#db.transaction(async (tx) => {
      const existing = await tx
        .select({ id: featuredTags.id })
        .from(featuredTags)
        .where(and(eq(featuredTags.accountId, accountId), eq(featuredTags.tag, tag)))
        .get();
      if (existing) return existing.id;
      const n = (await tx.select({ n: count() }).from(featuredTags).where(eq(featuredTags.accountId, accountId)).get())?.n ?? 0;
      if (n >= MAX_FEATURED_TAGS)
        throw new DomainError("unprocessable", `Validation failed: you can feature at most ${MAX_FEATURED_TAGS} hashtags`);
      const [row] = await tx
        .insert(featuredTags)
        .values({ id: newId(now.getTime()), accountId, tag, createdAt: now })
        .returning({ id: featuredTags.id });
      return row!.id;
    });
    return { id, name: tag, ...(await this.#use(accountId, tag)) };
  }

  async unfeature(accountId: string, idOrName: { id?: string; name?: string }): Promise<boolean> {
    const where = idOrName.id
      ? eq(featuredTags.id, idOrName.id)
      : eq(featuredTags.tag, (idOrName.name ?? "").replace(/^#/, "").toLowerCase());
    const removed = await this.#db
      .delete(featuredTags)
      .where(and(eq(featuredTags.accountId, accountId), where))
      .returning({ id: featuredTags.id });
    return removed.length > 0;
  }

  /** Which of the tags the account features (one statement for a page of tags). */
  async featuring(accountId: string, tags: readonly string[]): Promise<Set<string>> {
    if (tags.length === 0) return new Set();
    const rows = await this.#db
      .select({ tag: featuredTags.tag })
      .from(featuredTags)
      .where(
        and(
          eq(featuredTags.accountId, accountId),
          inArray(
            featuredTags.tag,
            tags.map((t) => t.toLowerCase()),
          ),
        ),
      );
    return new Set(rows.map((r) => r.tag));
  }

  /** Tags the account used most in its recent posts and does not feature yet (Mastodon's suggestions). */
  async suggestions(accountId: string, limit = 10): Promise<string[]> {
    const featured = new Set(
      (await this.#db.select({ tag: featuredTags.tag }).from(featuredTags).where(eq(featuredTags.accountId, accountId))).map((r) => r.tag),
    );
    const used = await this.#db
      .select({ tag: statusTags.tag, n: count() })
      .from(statusTags)
      .innerJoin(statuses, eq(statuses.id, statusTags.statusId))
      .where(eq(statuses.accountId, accountId))
      .groupBy(statusTags.tag)
      .orderBy(desc(count()))
      .limit(limit + featured.size);
    return used
      .map((r) => r.tag)
      .filter((t) => !featured.has(t))
      .slice(0, limit);
  }
}
