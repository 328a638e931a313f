import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, conversations, statusMentions, statuses } from "../../db/schema.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import { newId } from "../ids.ts";
import type { StatusRow } from "../statuses/types.ts";

export type ConversationRow = typeof conversations.$inferSelect;

/**
 * Direct threads as Mastodon's conversations: one row per local participant
 * and thread, pointing at its last status, unread until the participant reads
 * it.  Kept from domain events (a direct status stored or removed).
 */
export class ConversationService {
  readonly #db: Db;
  readonly #events: DomainEvents;

  constructor(deps: { db: Db; events: DomainEvents }) {
    this.#db = deps.db;
    this.#events = deps.events;
    deps.events.subscribe((event) => {
      if (event.type === "status.created" && event.status.visibility === "direct" && event.status.kind !== "boost")
        this.#stored(event.status);
      if (event.type === "status.deleted" && event.status.visibility === "direct") this.#removed(event.status);
    });
  }

  #localParticipants(status: StatusRow): string[] {
    const ids = [
      status.accountId,
      ...this.#db
        .select({ id: statusMentions.accountId })
        .from(statusMentions)
        .where(eq(statusMentions.statusId, status.id))
        .all()
        .map((r) => r.id),
    ];
    const local = this.#db
      .select({ id: accounts.id })
      .from(accounts)
      .where(sql`${accounts.id} IN ${[...new Set(ids)]} AND ${accounts.status} = 'approved'`)
      .all();
    return local.map((r) => r.id);
  }

  #stored(status: StatusRow): void {
    const contextUri = status.contextUri ?? `${status.uri}#context`;
    for (const accountId of this.#localParticipants(status)) {
      const row = this.#db
        .insert(conversations)
        .values({
          id: newId(status.createdAt.getTime()),
          accountId,
          contextUri,
          lastStatusId: status.id,
          unread: accountId !== status.accountId,
          updatedAt: status.createdAt,
        })
        .onConflictDoUpdate({
          target: [conversations.accountId, conversations.contextUri],
          set: { lastStatusId: status.id, unread: accountId !== status.accountId, updatedAt: status.createdAt },
        })
        .returning()
        .get();
      this.#events.emit({ type: "conversation.updated", accountId, conversationId: row.id });
    }
  }

  /** The thread's last status went away: the one before it takes its place, or the conversation ends. */
  #removed(status: StatusRow): void {
    for (const row of this.#db.select().from(conversations).where(eq(conversations.lastStatusId, status.id)).all()) {
      const previous = this.#db
        .select({ id: statuses.id })
        .from(statuses)
        .where(
          and(
            eq(statuses.contextUri, row.contextUri),
            eq(statuses.visibility, "direct"),
            sql`(${statuses.accountId} = ${row.accountId} OR EXISTS (SELECT 1 FROM status_mentions m WHERE m.status_id = ${statuses.id} AND m.account_id = ${row.accountId}))`,
          ),
        )
        .orderBy(desc(statuses.id))
        .limit(1)
        .get();
      if (previous) this.#db.update(conversations).set({ lastStatusId: previous.id }).where(eq(conversations.id, row.id)).run();
      else this.#db.delete(conversations).where(eq(conversations.id, row.id)).run();
    }
  }

  list(accountId: string, options: { maxId?: string; limit: number }): ConversationRow[] {
    return this.#db
      .select()
      .from(conversations)
      .where(and(eq(conversations.accountId, accountId), options.maxId ? lt(conversations.lastStatusId, options.maxId) : undefined))
      .orderBy(desc(conversations.lastStatusId))
      .limit(options.limit)
      .all();
  }

  #own(accountId: string, id: string): ConversationRow {
    const row = /^\d{1,20}$/.test(id)
      ? this.#db
          .select()
          .from(conversations)
          .where(and(eq(conversations.id, id), eq(conversations.accountId, accountId)))
          .get()
      : undefined;
    if (!row) throw new DomainError("not_found", "Record not found");
    return row;
  }

  markRead(accountId: string, id: string): ConversationRow {
    this.#own(accountId, id);
    return this.#db.update(conversations).set({ unread: false }).where(eq(conversations.id, id)).returning().get();
  }

  /** Removes the conversation from the list (the statuses stay, as in Mastodon). */
  remove(accountId: string, id: string): void {
    this.#own(accountId, id);
    this.#db.delete(conversations).where(eq(conversations.id, id)).run();
  }
}
