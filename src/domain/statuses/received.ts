import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { once } from "../../db/prepared.ts";
import { favourites, pins, statuses, tombstones } from "../../db/schema.ts";
import type { AuditLog } from "../audit.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import { newId } from "../ids.ts";
import type { NotificationService } from "../notifications/service.ts";
import { findPhiInFields } from "../phi/guard.ts";
import type { CaseRecord } from "./case.ts";
import type { StatusStore } from "./store.ts";
import { htmlToText } from "./text.ts";
import type { FavouriteRow, StatusRow, Visibility } from "./types.ts";
import type { StatusVisibility } from "./visibility.ts";

/** A post from a peer, already converted from ActivityStreams and sanitised. */
export interface RemoteStatusInput {
  readonly uri: string;
  readonly url: string | null;
  readonly authorId: string;
  readonly kind: "note" | "case";
  readonly visibility: Visibility;
  readonly contentHtml: string;
  readonly spoilerText: string;
  readonly sensitive: boolean;
  readonly language: string | null;
  readonly inReplyToUri: string | null;
  readonly contextUri: string | null;
  readonly caseRecord: CaseRecord | null;
  readonly tags: readonly string[];
  readonly mentionedAccountIds: readonly string[];
  readonly published: Date;
  readonly updated: Date | null;
}

/**
 * What peers send about statuses: posts and their edits, deletions, likes,
 * boosts and pins, applied idempotently (a re-delivery changes nothing).
 */
export class ReceivedStatuses {
  readonly #db: Db;
  readonly #store: StatusStore;
  readonly #visibility: StatusVisibility;
  readonly #notifications: NotificationService;
  readonly #audit: AuditLog;
  readonly #events: DomainEvents;

  constructor(deps: {
    db: Db;
    store: StatusStore;
    visibility: StatusVisibility;
    notifications: NotificationService;
    audit: AuditLog;
    events: DomainEvents;
  }) {
    this.#db = deps.db;
    this.#store = deps.store;
    this.#visibility = deps.visibility;
    this.#notifications = deps.notifications;
    this.#audit = deps.audit;
    this.#events = deps.events;
  }

  /** Creates or updates a peer's post.  Re-deliveries change nothing.  One transaction; listeners hear of it after. */
  receive(input: RemoteStatusInput): StatusRow {
    const after: (() => void)[] = [];
    const row = this.#db.transaction(() => this.#receive(input, after), { behavior: "immediate" });
    for (const announce of after) announce();
    return row;
  }

  #receive(input: RemoteStatusInput, after: (() => void)[]): StatusRow {
    const existing = this.#store.getByUri(input.uri);
    if (existing && existing.accountId !== input.authorId)
      throw new DomainError("forbidden", "The activity's actor does not own this object");
    if (existing && (!input.updated || (existing.editedAt && existing.editedAt.getTime() >= input.updated.getTime()))) return existing;
    const parent = input.inReplyToUri ? this.#store.getByUri(input.inReplyToUri) : undefined;
    const text = htmlToText(input.contentHtml);
    const findings = findPhiInFields({ content: text, spoiler_text: input.spoilerText }, input.language);
    const held = findings.length > 0;
    const values = {
      url: input.url,
      visibility: input.visibility,
      kind: input.kind,
      contentHtml: input.contentHtml,
      spoilerText: input.spoilerText,
      sensitive: input.sensitive,
      language: input.language,
      caseData: input.caseRecord ? JSON.stringify(input.caseRecord) : null,
      caseStatus: input.caseRecord?.status ?? null,
      held,
    };
    const now = new Date();
    const row = existing
      ? this.#db
          .update(statuses)
          .set({ ...values, editedAt: input.updated ?? now })
          .where(eq(statuses.id, existing.id))
          .returning()
          .get()
      : this.#db
          .insert(statuses)
          .values({
            id: newId(Math.min(now.getTime(), input.published.getTime() + 60_000)),
            uri: input.uri,
            accountId: input.authorId,
            local: false,
            inReplyToId: parent?.id ?? null,
            inReplyToUri: input.inReplyToUri,
            inReplyToAccountId: parent?.accountId ?? null,
            contextUri: parent ? (parent.contextUri ?? parent.uri) : (input.contextUri ?? `${input.uri}#context`),
            createdAt: input.published,
            editedAt: input.updated,
            ...values,
          })
          .onConflictDoNothing()
          .returning()
          .get();
    if (!row) return this.#store.getByUri(input.uri)!;
    this.#store.replaceTags(row.id, input.tags);
    this.#store.addMentions(row.id, input.mentionedAccountIds);
    this.#store.index(row.id, this.#store.searchBody(row, input.caseRecord));
    if (held) {
      this.#audit.record({
        staffId: null,
        subjectId: input.authorId,
        action: "phi.held",
        reason: `incoming post ${input.uri}: ${findings.map((f) => f.type).join(", ")}`,
      });
    } else if (!existing) {
      const mentionIds = [...new Set([...input.mentionedAccountIds, ...(parent ? [parent.accountId] : [])])];
      for (const id of mentionIds)
        this.#notifications.notify(id, parent && parent.accountId === id ? "reply" : "mention", row.accountId, row.id, row.createdAt);
    } else {
      for (const f of this.#db.select({ id: statuses.accountId }).from(statuses).where(eq(statuses.reblogOfId, row.id)).all()) {
        this.#notifications.notify(f.id, "update", row.accountId, row.id);
      }
    }
    if (!held) after.push(() => this.#events.emit({ type: existing ? "status.updated" : "status.created", status: row }));
    return row;
  }

  /** Holds a received post back from every timeline and flags it for staff. */
  hold(statusId: string, reason: string): void {
    const status = this.#store.get(statusId);
    if (!status || status.held) return;
    this.#db.update(statuses).set({ held: true }).where(eq(statuses.id, statusId)).run();
    // Streams showed it a moment ago: to every viewer it is now as good as deleted.
    this.#events.emit({ type: "status.deleted", status, mentionedIds: this.#store.mentionedIds(status.id) });
    this.#audit.record({
      staffId: null,
      subjectId: status.accountId,
      action: "phi.held",
      reason: `incoming post ${status.uri}: ${reason}`,
    });
  }

  /**
   * A peer's Delete: the post goes, and its address is remembered, so a
   * Create or Update of it that arrives later (held back by a slow peer, or
   * retried) cannot bring it back.
   */
  receiveDelete(actorId: string, uri: string, now = new Date()): void {
    const status = this.#store.getByUri(uri);
    if (status && status.accountId !== actorId) return;
    this.#db
      .insert(tombstones)
      .values({ uri, formerType: status?.kind === "case" ? "Article" : "Note", deletedAt: now })
      .onConflictDoNothing()
      .run();
    if (status) this.#store.removeWithBoosts(status);
  }

  /** Whether a peer deleted this address: what arrives about it afterwards is ignored. */
  readonly #tombstone = once(() =>
    this.#db
      .select({ uri: tombstones.uri })
      .from(tombstones)
      .where(eq(tombstones.uri, sql.placeholder("uri")))
      .prepare(),
  );

  isDeleted(uri: string): boolean {
    return this.#tombstone().get({ uri }) != null;
  }

  receiveLike(actorId: string, objectUri: string, likeUri: string, now = new Date()): FavouriteRow | undefined {
    const status = this.#store.getByUri(objectUri);
    // A like of a post the liker may not read (a direct post not addressed to them) is refused.
    if (!status || status.kind === "boost" || !this.#visibility.canSee(actorId, status)) return undefined;
    const fav = this.#db
      .insert(favourites)
      .values({ id: newId(now.getTime()), accountId: actorId, statusId: status.id, uri: likeUri, createdAt: now })
      .onConflictDoNothing()
      .returning()
      .get();
    if (fav) this.#notifications.notify(status.accountId, "favourite", actorId, status.id, now);
    return fav;
  }

  receiveUndoLike(actorId: string, likeUri: string, objectUri: string | null): void {
    const byUri = this.#db.select().from(favourites).where(eq(favourites.uri, likeUri)).get();
    const status =
      byUri && byUri.accountId === actorId ? this.#store.get(byUri.statusId) : objectUri ? this.#store.getByUri(objectUri) : undefined;
    if (!status) return;
    const removed = this.#db
      .delete(favourites)
      .where(and(eq(favourites.accountId, actorId), eq(favourites.statusId, status.id)))
      .run().changes;
    if (removed > 0) this.#notifications.withdraw(status.accountId, "favourite", actorId, status.id);
  }

  receiveAnnounce(actorId: string, objectUri: string, announceUri: string, published: Date): void {
    const original = this.#store.getByUri(objectUri);
    if (!original || (original.visibility !== "public" && original.visibility !== "unlisted")) return;
    const inserted = this.#db
      .insert(statuses)
      .values({
        id: newId(),
        uri: announceUri,
        url: null,
        accountId: actorId,
        local: false,
        kind: "boost",
        visibility: original.visibility,
        reblogOfId: original.id,
        createdAt: published,
      })
      .onConflictDoNothing()
      .returning()
      .get();
    if (!inserted) return;
    this.#notifications.notify(original.accountId, "reblog", actorId, original.id);
    this.#events.emit({ type: "status.created", status: inserted });
  }

  receiveUndoAnnounce(actorId: string, announceUri: string): void {
    const boost = this.#store.getByUri(announceUri);
    if (!boost || boost.accountId !== actorId || boost.kind !== "boost") return;
    this.#store.remove(boost);
    if (boost.reblogOfId) {
      const original = this.#store.get(boost.reblogOfId);
      if (original) this.#notifications.withdraw(original.accountId, "reblog", actorId, original.id);
    }
  }

  /** A peer's physician pinned (Add to featured) or unpinned (Remove) one of their own posts. */
  receivePin(actorId: string, objectUri: string, pinned: boolean, now = new Date()): void {
    const status = this.#store.getByUri(objectUri);
    if (!status || status.accountId !== actorId) return;
    if (pinned) this.#db.insert(pins).values({ accountId: actorId, statusId: status.id, createdAt: now }).onConflictDoNothing().run();
    else
      this.#db
        .delete(pins)
        .where(and(eq(pins.accountId, actorId), eq(pins.statusId, status.id)))
        .run();
  }
}
