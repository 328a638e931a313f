import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accountNotes, blocks, mutes, threadMutes } from "../../db/schema.ts";
import type { Directory } from "../directory/service.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import type { FederationPort } from "../federation-port.ts";
import type { FollowService } from "../follows/service.ts";
import { newId } from "../ids.ts";
import type { StatusRow } from "../statuses/types.ts";

export type BlockRow = typeof blocks.$inferSelect;

/**
 * Blocks and mutes.  A block severs follows both ways and hides each from the
 * other (and is sent to the blocked physician's instance as `Block`); a mute
 * is private and only hides.  A thread mute silences a conversation's
 * notifications.
 */
export class RelationService {
  readonly #db: Db;
  readonly #directory: Directory;
  readonly #follows: FollowService;
  readonly #events: DomainEvents;
  readonly #port: FederationPort;

  constructor(deps: { db: Db; directory: Directory; follows: FollowService; events: DomainEvents; port: FederationPort }) {
    this.#db = deps.db;
    this.#directory = deps.directory;
    this.#follows = deps.follows;
    this.#events = deps.events;
    this.#port = deps.port;
  }

  #target(accountId: string, targetId: string) {
    if (accountId === targetId) throw new DomainError("unprocessable", "Validation failed: you cannot do that to yourself");
    const target = this.#directory.get(targetId);
    if (!target) throw new DomainError("not_found", "Record not found");
    return target;
  }

  async block(accountId: string, targetId: string, now = new Date()): Promise<void> {
    const target = this.#target(accountId, targetId);
    const account = this.#directory.get(accountId)!;
    const id = newId(now.getTime());
    const row = this.#db
      .insert(blocks)
      .values({ id, accountId, targetId, uri: `${account.uri}#blocks/${id}`, createdAt: now })
      .onConflictDoNothing()
      .returning()
      .get();
    if (!row) return;
    await this.#follows.sever(accountId, targetId);
    if (!target.local) await this.#port.blocked(row);
    this.#events.emit({ type: "relationship.changed", accountId, targetId, change: "block" });
    if (target.local) this.#events.emit({ type: "relationship.changed", accountId: targetId, targetId: accountId, change: "blocked_by" });
  }

  async unblock(accountId: string, targetId: string): Promise<void> {
    const target = this.#target(accountId, targetId);
    const row = this.#db
      .delete(blocks)
      .where(and(eq(blocks.accountId, accountId), eq(blocks.targetId, targetId)))
      .returning()
      .get();
    if (!row) return;
    if (!target.local) await this.#port.unblocked(row);
    this.#events.emit({ type: "relationship.changed", accountId, targetId, change: "unblock" });
    this.#events.emit({ type: "notifications.changed", accountId });
  }

  mute(
    accountId: string,
    targetId: string,
    options: { notifications?: boolean; durationSeconds?: number | null } = {},
    now = new Date(),
  ): void {
    this.#target(accountId, targetId);
    const expiresAt = options.durationSeconds ? new Date(now.getTime() + options.durationSeconds * 1000) : null;
    const notifications = options.notifications ?? true;
    this.#db
      .insert(mutes)
      .values({ id: newId(now.getTime()), accountId, targetId, notifications, expiresAt, createdAt: now })
      .onConflictDoUpdate({ target: [mutes.accountId, mutes.targetId], set: { notifications, expiresAt } })
      .run();
    this.#events.emit({ type: "relationship.changed", accountId, targetId, change: "mute" });
  }

  unmute(accountId: string, targetId: string): void {
    this.#target(accountId, targetId);
    const removed = this.#db
      .delete(mutes)
      .where(and(eq(mutes.accountId, accountId), eq(mutes.targetId, targetId)))
      .run().changes;
    if (removed === 0) return;
    this.#events.emit({ type: "relationship.changed", accountId, targetId, change: "unmute" });
    this.#events.emit({ type: "notifications.changed", accountId });
  }

  /** Mutes (or unmutes) notifications from the thread a status belongs to. */
  muteThread(accountId: string, status: StatusRow, on: boolean, now = new Date()): void {
    const contextUri = status.contextUri ?? `${status.uri}#context`;
    if (on) this.#db.insert(threadMutes).values({ accountId, contextUri, createdAt: now }).onConflictDoNothing().run();
    else
      this.#db
        .delete(threadMutes)
        .where(and(eq(threadMutes.accountId, accountId), eq(threadMutes.contextUri, contextUri)))
        .run();
  }

  /** A private note on another account (empty removes it); never leaves this instance. */
  setNote(accountId: string, targetId: string, comment: string, now = new Date()): void {
    this.#target(accountId, targetId);
    if (comment.length > 2000)
      throw new DomainError("unprocessable", "Validation failed: comment is too long (maximum is 2000 characters)");
    if (comment.trim() === "") {
      this.#db
        .delete(accountNotes)
        .where(and(eq(accountNotes.accountId, accountId), eq(accountNotes.targetId, targetId)))
        .run();
      return;
    }
    this.#db
      .insert(accountNotes)
      .values({ accountId, targetId, comment, updatedAt: now })
      .onConflictDoUpdate({ target: [accountNotes.accountId, accountNotes.targetId], set: { comment, updatedAt: now } })
      .run();
  }

  // ---- from federation

  /** A peer's physician blocked one of ours: follows end both ways, and neither sees the other. */
  receivedBlock(remoteId: string, localId: string, uri: string, now = new Date()): void {
    const target = this.#directory.get(localId);
    if (!target?.local) return;
    const row = this.#db
      .insert(blocks)
      .values({ id: newId(now.getTime()), accountId: remoteId, targetId: localId, uri, createdAt: now })
      .onConflictDoNothing()
      .returning()
      .get();
    if (!row) return;
    this.#follows.severQuietly(remoteId, localId);
    this.#events.emit({ type: "relationship.changed", accountId: localId, targetId: remoteId, change: "blocked_by" });
  }

  receivedUndoBlock(remoteId: string, uri: string | null, localId: string | null): void {
    const where = uri
      ? and(eq(blocks.accountId, remoteId), eq(blocks.uri, uri))
      : and(eq(blocks.accountId, remoteId), eq(blocks.targetId, localId ?? ""));
    const row = this.#db.delete(blocks).where(where).returning().get();
    if (row) this.#events.emit({ type: "relationship.changed", accountId: row.targetId, targetId: remoteId, change: "unblocked_by" });
  }
}
