import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { statuses, statusTags, tombstones } from "../../db/schema.ts";
import type { DomainEvents } from "../events.ts";
import type { StatusRow } from "./types.ts";

const NETWORK = ["public", "unlisted"] as const;

/** What a peer may page through: an author's outbox and a hashtag's posts. */
export class NetworkCollections {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** A local author's posts and boosts that went to the network, newest first (the actor's outbox). */
  postsOf(accountId: string, before: string | null, limit: number): StatusRow[] {
    return this.#db
      .select()
      .from(statuses)
      .where(
        and(
          eq(statuses.accountId, accountId),
          eq(statuses.local, true),
          inArray(statuses.visibility, NETWORK),
          before ? lt(statuses.id, before) : undefined,
        ),
      )
      .orderBy(desc(statuses.id))
      .limit(limit)
      .all();
  }

  countPostsOf(accountId: string): number {
    return this.#db
      .select({ n: sql<number>`count(*)` })
      .from(statuses)
      .where(and(eq(statuses.accountId, accountId), eq(statuses.local, true), inArray(statuses.visibility, NETWORK)))
      .get()!.n;
  }

  #tagged(tag: string) {
    const ids = this.#db.select({ id: statusTags.statusId }).from(statusTags).where(eq(statusTags.tag, tag.toLowerCase()));
    return and(inArray(statuses.id, ids), eq(statuses.local, true), eq(statuses.visibility, "public"));
  }

  /** Public posts written here with the hashtag, newest first (the hashtag's `href`). */
  tagged(tag: string, before: string | null, limit: number): StatusRow[] {
    return this.#db
      .select()
      .from(statuses)
      .where(and(this.#tagged(tag), before ? lt(statuses.id, before) : undefined))
      .orderBy(desc(statuses.id))
      .limit(limit)
      .all();
  }

  countTagged(tag: string): number {
    return this.#db
      .select({ n: sql<number>`count(*)` })
      .from(statuses)
      .where(this.#tagged(tag))
      .get()!.n;
  }
}

export type TombstoneRow = typeof tombstones.$inferSelect;

const FORMER_TYPE: Record<StatusRow["kind"], string> = { note: "Note", case: "Article", boost: "Announce" };

/**
 * Addresses of deleted local posts, so a later fetch answers 410 Gone with a
 * Tombstone (ActivityPub §6.4) instead of a 404 that a peer may retry.
 */
export class Tombstones {
  readonly #db: Db;

  constructor(db: Db, events: DomainEvents) {
    this.#db = db;
    events.subscribe((event) => {
      if (event.type !== "status.deleted" || !event.status.local || event.status.kind === "boost") return;
      const formerType = event.status.kind === "note" && event.status.uri.includes("/polls/") ? "Question" : FORMER_TYPE[event.status.kind];
      this.#db.insert(tombstones).values({ uri: event.status.uri, formerType, deletedAt: new Date() }).onConflictDoNothing().run();
    });
  }

  get(uri: string): TombstoneRow | undefined {
    return this.#db.select().from(tombstones).where(eq(tombstones.uri, uri)).get();
  }
}
