import { and, count, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { once } from "../../db/prepared.ts";
import { blocks, follows } from "../../db/schema.ts";
import type { Directory } from "../directory/service.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import type { FederationPort } from "../federation-port.ts";
import { newId } from "../ids.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { FollowRow } from "../statuses/types.ts";

export interface Relationship {
  id: string;
  following: boolean;
  requested: boolean;
  followed_by: boolean;
  requested_by: boolean;
}

/** Follows between physicians, local and remote, with follow requests for locked accounts. */
export class FollowService {
  readonly #db: Db;
  readonly #acceptedFollowers = once(() =>
    this.#db
      .select()
      .from(follows)
      .where(and(eq(follows.followingId, sql.placeholder("accountId")), eq(follows.state, "accepted")))
      .prepare(),
  );
  readonly #directory: Directory;
  readonly #notifications: NotificationService;
  readonly #events: DomainEvents;
  readonly #port: FederationPort;

  constructor(deps: { db: Db; directory: Directory; notifications: NotificationService; events: DomainEvents; port: FederationPort }) {
    this.#db = deps.db;
    this.#directory = deps.directory;
    this.#notifications = deps.notifications;
    this.#events = deps.events;
    this.#port = deps.port;
  }

  /** A follow began or ended for a local account (the home feed and streams follow it). */
  #changed(followerId: string, followingId: string, followed: boolean): void {
    this.#events.emit({
      type: "relationship.changed",
      accountId: followerId,
      targetId: followingId,
      change: followed ? "follow" : "unfollow",
    });
  }

  find(followerId: string, followingId: string): FollowRow | undefined {
    return this.#db
      .select()
      .from(follows)
      .where(and(eq(follows.followerId, followerId), eq(follows.followingId, followingId)))
      .get();
  }

  findByUri(uri: string): FollowRow | undefined {
    return this.#db.select().from(follows).where(eq(follows.uri, uri)).get();
  }

  /** Has either blocked the other? (No follow may exist between them.) */
  #blockedEitherWay(a: string, b: string): boolean {
    return (
      this.#db
        .select({ id: blocks.id })
        .from(blocks)
        .where(
          sql`(${blocks.accountId} = ${a} AND ${blocks.targetId} = ${b}) OR (${blocks.accountId} = ${b} AND ${blocks.targetId} = ${a})`,
        )
        .get() !== undefined
    );
  }

  /** A local physician follows someone; remote follows wait for their Accept. */
  async follow(followerId: string, targetId: string, now = new Date()): Promise<FollowRow> {
    if (followerId === targetId) throw new DomainError("forbidden", "You cannot follow yourself");
    const target = this.#directory.get(targetId);
    if (!target) throw new DomainError("not_found", "Record not found");
    if (this.#blockedEitherWay(followerId, targetId)) throw new DomainError("forbidden", "This action is not allowed");
    const existing = this.find(followerId, targetId);
    if (existing) return existing;
    const id = newId(now.getTime());
    const follower = this.#directory.get(followerId)!;
    const state = target.local && !target.locked ? "accepted" : "pending";
    const row = this.#db
      .insert(follows)
      .values({ id, followerId, followingId: targetId, state, uri: `${follower.uri}#follows/${id}`, createdAt: now })
      .returning()
      .get();
    if (target.local) {
      this.#notifications.notify(targetId, state === "accepted" ? "follow" : "follow_request", followerId, null, now);
      if (state === "accepted") this.#changed(followerId, targetId, true);
    } else {
      await this.#port.followRequested(row);
    }
    return row;
  }

  async unfollow(followerId: string, targetId: string): Promise<void> {
    const existing = this.find(followerId, targetId);
    if (!existing) return;
    this.#db.delete(follows).where(eq(follows.id, existing.id)).run();
    this.#changed(followerId, targetId, false);
    if (!this.#directory.get(targetId)?.local) await this.#port.unfollowed(existing);
  }

  /** A block: both follows end; ours of a remote account is undone there too. */
  async sever(a: string, b: string): Promise<void> {
    await this.unfollow(a, b);
    const theirs = this.find(b, a);
    if (theirs) {
      this.#db.delete(follows).where(eq(follows.id, theirs.id)).run();
      this.#changed(b, a, false);
    }
  }

  /** Removes a follower (Mastodon's remove_from_followers); a remote one is told with Reject. */
  async removeFollower(accountId: string, followerId: string): Promise<void> {
    const row = this.find(followerId, accountId);
    if (!row) return;
    this.#db.delete(follows).where(eq(follows.id, row.id)).run();
    this.#changed(followerId, accountId, false);
    if (!this.#directory.get(followerId)?.local) await this.#port.followRejected(row);
  }

  /** Both follows end here, nothing is sent (a peer told us of the block). */
  severQuietly(a: string, b: string): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const row = this.find(x, y);
      if (!row) continue;
      this.#db.delete(follows).where(eq(follows.id, row.id)).run();
      this.#changed(x, y, false);
    }
  }

  async authorize(accountId: string, followerId: string): Promise<void> {
    const request = this.find(followerId, accountId);
    if (!request || request.state !== "pending") throw new DomainError("not_found", "Record not found");
    this.#db.update(follows).set({ state: "accepted" }).where(eq(follows.id, request.id)).run();
    this.#notifications.notify(accountId, "follow", followerId, null);
    this.#changed(followerId, accountId, true);
    if (!this.#directory.get(followerId)?.local) await this.#port.followAccepted({ ...request, state: "accepted" });
  }

  async reject(accountId: string, followerId: string): Promise<void> {
    const request = this.find(followerId, accountId);
    if (!request || request.state !== "pending") throw new DomainError("not_found", "Record not found");
    this.#db.delete(follows).where(eq(follows.id, request.id)).run();
    if (!this.#directory.get(followerId)?.local) await this.#port.followRejected(request);
  }

  // ---- from federation

  /** A remote physician follows a local one. */
  async receivedFollow(followerId: string, targetId: string, uri: string, now = new Date()): Promise<void> {
    const target = this.#directory.get(targetId);
    if (!target?.local) return;
    if (this.#blockedEitherWay(followerId, targetId)) {
      // Refused at once, as Mastodon does: the follower's instance drops its pending follow.
      await this.#port.followRejected({
        id: newId(now.getTime()),
        followerId,
        followingId: targetId,
        state: "pending",
        uri,
        createdAt: now,
      });
      return;
    }
    const existing = this.find(followerId, targetId);
    const row =
      existing ??
      this.#db
        .insert(follows)
        .values({
          id: newId(now.getTime()),
          followerId,
          followingId: targetId,
          state: target.locked ? "pending" : "accepted",
          uri,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning()
        .get();
    if (!row) return;
    if (row.state === "accepted") {
      if (!existing) {
        this.#notifications.notify(targetId, "follow", followerId, null, now);
        this.#changed(followerId, targetId, true);
      }
      await this.#port.followAccepted(row);
    } else if (!existing) {
      this.#notifications.notify(targetId, "follow_request", followerId, null, now);
    }
  }

  receivedAccept(followUriOrPair: { uri?: string; followerId?: string; followingId?: string }): void {
    const row = followUriOrPair.uri
      ? this.findByUri(followUriOrPair.uri)
      : this.find(followUriOrPair.followerId ?? "", followUriOrPair.followingId ?? "");
    if (row && row.state === "pending") {
      // No notification: "X followed you" would be false (Mastodon tells the follower nothing here).
      this.#db.update(follows).set({ state: "accepted" }).where(eq(follows.id, row.id)).run();
      this.#changed(row.followerId, row.followingId, true);
    }
  }

  receivedReject(followerId: string, followingId: string): void {
    const removed = this.#db
      .delete(follows)
      .where(and(eq(follows.followerId, followerId), eq(follows.followingId, followingId)))
      .run().changes;
    if (removed > 0) this.#changed(followerId, followingId, false);
  }

  receivedUndo(followerId: string, followingId: string): void {
    this.receivedReject(followerId, followingId);
  }

  // ---- lists

  followerIds(accountId: string, options: { maxId?: string; limit: number; state?: "pending" | "accepted" }): FollowRow[] {
    return this.#db
      .select()
      .from(follows)
      .where(
        and(
          eq(follows.followingId, accountId),
          eq(follows.state, options.state ?? "accepted"),
          options.maxId ? lt(follows.id, options.maxId) : undefined,
        ),
      )
      .orderBy(desc(follows.id))
      .limit(options.limit)
      .all();
  }

  followingIds(accountId: string, options: { maxId?: string; limit: number }): FollowRow[] {
    return this.#db
      .select()
      .from(follows)
      .where(
        and(eq(follows.followerId, accountId), eq(follows.state, "accepted"), options.maxId ? lt(follows.id, options.maxId) : undefined),
      )
      .orderBy(desc(follows.id))
      .limit(options.limit)
      .all();
  }

  /** Remote followers' inboxes of a local account (for private posts). */
  remoteFollowers(accountId: string) {
    const rows = this.#acceptedFollowers().all({ accountId });
    return [...this.#directory.getMany(rows.map((r) => r.followerId)).values()].filter((a) => !a.local);
  }

  counts(accountId: string): { followers: number; following: number } {
    const n = (where: ReturnType<typeof and>) => this.#db.select({ n: count() }).from(follows).where(where).get()!.n;
    return {
      followers: n(and(eq(follows.followingId, accountId), eq(follows.state, "accepted"))),
      following: n(and(eq(follows.followerId, accountId), eq(follows.state, "accepted"))),
    };
  }

  relationships(viewerId: string, ids: readonly string[]): Relationship[] {
    if (ids.length === 0) return [];
    const out = this.#db
      .select()
      .from(follows)
      .where(and(eq(follows.followerId, viewerId), inArray(follows.followingId, [...ids])))
      .all();
    const inc = this.#db
      .select()
      .from(follows)
      .where(and(eq(follows.followingId, viewerId), inArray(follows.followerId, [...ids])))
      .all();
    return ids.map((id) => {
      const o = out.find((f) => f.followingId === id);
      const i = inc.find((f) => f.followerId === id);
      return {
        id,
        following: o?.state === "accepted",
        requested: o?.state === "pending",
        followed_by: i?.state === "accepted",
        requested_by: i?.state === "pending",
      };
    });
  }

  /** For each account: those of its followers whom the viewer follows too. */
  familiarFollowers(viewerId: string, ids: readonly string[], limit = 40): Map<string, string[]> {
    const out = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const rows = this.#db.all<{ target: string; follower: string }>(sql`
      SELECT f.following_id AS target, f.follower_id AS follower FROM follows f
      JOIN follows mine ON mine.following_id = f.follower_id AND mine.follower_id = ${viewerId} AND mine.state = 'accepted'
      WHERE f.state = 'accepted' AND f.following_id IN ${[...ids]} AND f.follower_id != ${viewerId}
      ORDER BY f.id DESC`);
    for (const r of rows) {
      const list = out.get(r.target)!;
      if (list.length < limit) list.push(r.follower);
    }
    return out;
  }

  /** Whether the viewer may see the author's followers-only posts. */
  isFollowing(viewerId: string, authorId: string): boolean {
    return this.find(viewerId, authorId)?.state === "accepted";
  }
}
