import { and, desc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { idList, once } from "../../db/prepared.ts";
import { accountNotes, blocks, domainBlocks, mutes, remoteActors } from "../../db/schema.ts";

export interface RelationFlags {
  blocking: boolean;
  blockedBy: boolean;
  muting: boolean;
  mutingNotifications: boolean;
}

/**
 * Who a physician has blocked, is blocked by, or has muted: read on every
 * timeline, thread, notification and stream, so kept in one place.
 */
export class RelationQueries {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  #activeMute(now: Date) {
    return or(isNull(mutes.expiresAt), gt(mutes.expiresAt, now));
  }

  readonly #blocksOf = once(() => {
    const viewer = sql.placeholder("viewerId");
    return this.#db
      .select({ a: blocks.accountId, t: blocks.targetId })
      .from(blocks)
      .where(or(eq(blocks.accountId, viewer), eq(blocks.targetId, viewer)))
      .prepare();
  });

  // Read on every timeline page and thread: one prepared statement.
  readonly #hidden = once(() =>
    this.#db.$client.prepare(
      `SELECT CASE WHEN account_id = :viewer THEN target_id ELSE account_id END AS id, NULL AS expires FROM blocks WHERE account_id = :viewer OR target_id = :viewer
       UNION ALL SELECT target_id, expires_at FROM mutes WHERE account_id = :viewer AND (expires_at IS NULL OR expires_at > :now)
       UNION ALL SELECT r.id, NULL FROM domain_blocks d JOIN remote_actors r ON r.host = d.domain WHERE d.account_id = :viewer`,
    ),
  );
  /** hiddenFrom per viewer, until a block or mute changes or a mute runs out. */
  readonly #hiddenCache = new Map<string, { ids: Set<string>; until: number }>();
  readonly #mutedThreads = once(() =>
    this.#db.$client
      .prepare("SELECT context_uri FROM thread_mutes WHERE account_id = :viewer AND context_uri IN (SELECT value FROM json_each(:uris))")
      .pluck(),
  );

  /** Accounts whose posts this viewer never sees: blocked either way, muted, or on an instance the viewer blocks. */
  hiddenFrom(viewerId: string, now = new Date()): Set<string> {
    const cached = this.#hiddenCache.get(viewerId);
    if (cached && cached.until > now.getTime()) return cached.ids;
    const rows = this.#hidden().all({ viewer: viewerId, now: now.getTime() }) as { id: string; expires: number | null }[];
    // A mute running out ends it; a separate worker's writes (a peer's Block) are seen within 30 s.
    const until = Math.min(now.getTime() + 30_000, ...rows.map((r) => r.expires ?? Number.POSITIVE_INFINITY));
    const ids = new Set(rows.map((r) => r.id));
    if (this.#hiddenCache.size > 50_000) this.#hiddenCache.clear();
    this.#hiddenCache.set(viewerId, { ids, until });
    return ids;
  }

  /** A block or mute of or by this account changed (the relation service announces it). */
  forget(accountId: string): void {
    this.#hiddenCache.delete(accountId);
  }

  /** Accounts whose notifications this viewer does not get: blocked either way, or muted with notifications. */
  silencedFor(viewerId: string, now = new Date()): Set<string> {
    const out = new Set<string>();
    for (const id of this.blockedEitherWay(viewerId)) out.add(id);
    for (const r of this.#notificationMutes().all({ viewerId, now: now.getTime() })) out.add(r.t);
    for (const id of this.#onBlockedDomains(viewerId)) out.add(id);
    return out;
  }

  readonly #notificationMutes = once(() =>
    this.#db
      .select({ t: mutes.targetId })
      .from(mutes)
      .where(
        and(
          eq(mutes.accountId, sql.placeholder("viewerId")),
          eq(mutes.notifications, true),
          or(isNull(mutes.expiresAt), sql`${mutes.expiresAt} > ${sql.placeholder("now")}`),
        ),
      )
      .prepare(),
  );
  readonly #blockedDomainActors = once(() =>
    this.#db
      .select({ id: remoteActors.id })
      .from(domainBlocks)
      .innerJoin(remoteActors, eq(remoteActors.host, domainBlocks.domain))
      .where(eq(domainBlocks.accountId, sql.placeholder("viewerId")))
      .prepare(),
  );

  #onBlockedDomains(viewerId: string): string[] {
    return this.#blockedDomainActors()
      .all({ viewerId })
      .map((r) => r.id);
  }

  /** SQL for "this account's content is hidden from the viewer" (used inside timeline queries). */
  /** Accounts this viewer blocks or is blocked by (what hides a status opened by id). */
  blockedEitherWay(viewerId: string): Set<string> {
    return new Set(
      this.#blocksOf()
        .all({ viewerId })
        .map((r) => (r.a === viewerId ? r.t : r.a)),
    );
  }

  /** Local viewers for whom any of these accounts is hidden (blocked either way, or muted). */
  hidersOf(accountIds: readonly string[], now = new Date()): Set<string> {
    const out = new Set<string>();
    if (accountIds.length === 0) return out;
    const ids = [...new Set(accountIds)];
    for (const r of this.#db
      .select({ a: blocks.accountId, t: blocks.targetId })
      .from(blocks)
      .where(or(inArray(blocks.accountId, ids), inArray(blocks.targetId, ids)))
      .all()) {
      out.add(ids.includes(r.a) ? r.t : r.a);
    }
    for (const r of this.#db
      .select({ a: mutes.accountId })
      .from(mutes)
      .where(and(inArray(mutes.targetId, ids), this.#activeMute(now)))
      .all())
      out.add(r.a);
    for (const r of this.#db
      .select({ a: domainBlocks.accountId })
      .from(remoteActors)
      .innerJoin(domainBlocks, eq(domainBlocks.domain, remoteActors.host))
      .where(inArray(remoteActors.id, ids))
      .all())
      out.add(r.a);
    return out;
  }

  readonly #blockEitherWay = once(() => {
    const [a, b] = [sql.placeholder("a"), sql.placeholder("b")];
    return this.#db
      .select({ id: blocks.id })
      .from(blocks)
      .where(or(and(eq(blocks.accountId, a), eq(blocks.targetId, b)), and(eq(blocks.accountId, b), eq(blocks.targetId, a))))
      .prepare();
  });

  isBlockedEitherWay(a: string, b: string): boolean {
    return this.#blockEitherWay().get({ a, b }) != null;
  }

  flags(viewerId: string, ids: readonly string[], now = new Date()): Map<string, RelationFlags> {
    const out = new Map<string, RelationFlags>(
      ids.map((id) => [id, { blocking: false, blockedBy: false, muting: false, mutingNotifications: false }]),
    );
    if (ids.length === 0) return out;
    const list = [...ids];
    for (const r of this.#db
      .select()
      .from(blocks)
      .where(
        or(
          and(eq(blocks.accountId, viewerId), inArray(blocks.targetId, list)),
          and(eq(blocks.targetId, viewerId), inArray(blocks.accountId, list)),
        ),
      )
      .all()) {
      if (r.accountId === viewerId) out.get(r.targetId)!.blocking = true;
      else out.get(r.accountId)!.blockedBy = true;
    }
    for (const r of this.#db
      .select()
      .from(mutes)
      .where(and(eq(mutes.accountId, viewerId), inArray(mutes.targetId, list), this.#activeMute(now)))
      .all()) {
      const f = out.get(r.targetId)!;
      f.muting = true;
      f.mutingNotifications = r.notifications;
    }
    return out;
  }

  /** The viewer's private notes on these accounts. */
  notes(viewerId: string, ids: readonly string[]): Map<string, string> {
    if (ids.length === 0) return new Map();
    const rows = this.#db
      .select()
      .from(accountNotes)
      .where(and(eq(accountNotes.accountId, viewerId), inArray(accountNotes.targetId, [...ids])))
      .all();
    return new Map(rows.map((r) => [r.targetId, r.comment]));
  }

  /** Threads (context URIs) among these that the viewer muted. */
  mutedThreads(viewerId: string, contextUris: readonly string[]): Set<string> {
    if (contextUris.length === 0) return new Set();
    return new Set(this.#mutedThreads().all({ viewer: viewerId, uris: idList(new Set(contextUris)) }) as string[]);
  }

  /** The viewer's blocks or mutes, newest first, for GET /api/v1/blocks and /mutes. */
  page(kind: "blocks" | "mutes", viewerId: string, options: { maxId?: string; limit: number }): { id: string; targetId: string }[] {
    if (kind === "blocks") {
      return this.#db
        .select({ id: blocks.id, targetId: blocks.targetId })
        .from(blocks)
        .where(and(eq(blocks.accountId, viewerId), options.maxId ? lt(blocks.id, options.maxId) : undefined))
        .orderBy(desc(blocks.id))
        .limit(options.limit)
        .all();
    }
    return this.#db
      .select({ id: mutes.id, targetId: mutes.targetId })
      .from(mutes)
      .where(and(eq(mutes.accountId, viewerId), this.#activeMute(new Date()), options.maxId ? lt(mutes.id, options.maxId) : undefined))
      .orderBy(desc(mutes.id))
      .limit(options.limit)
      .all();
  }
}
