import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { bookmarks, favourites, pins, statuses } from "../../db/schema.ts";
import type { Directory } from "../directory/service.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import type { FederationPort } from "../federation-port.ts";
import { newId } from "../ids.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { StatusStore } from "./store.ts";
import type { StatusRow } from "./types.ts";
import type { StatusVisibility } from "./visibility.ts";

/** Mastodon's limit on pinned statuses (instance configuration says so too). */
export const MAX_PINNED = 5;

/** What a local physician does to statuses: favourite, boost, bookmark, pin. */
export class ReactionService {
  readonly #db: Db;
  readonly #store: StatusStore;
  readonly #visibility: StatusVisibility;
  readonly #directory: Directory;
  readonly #notifications: NotificationService;
  readonly #events: DomainEvents;
  readonly #port: FederationPort;

  constructor(deps: {
    db: Db;
    store: StatusStore;
    visibility: StatusVisibility;
    directory: Directory;
    notifications: NotificationService;
    events: DomainEvents;
    port: FederationPort;
  }) {
    this.#db = deps.db;
    this.#store = deps.store;
    this.#visibility = deps.visibility;
    this.#directory = deps.directory;
    this.#notifications = deps.notifications;
    this.#events = deps.events;
    this.#port = deps.port;
  }

  async favourite(accountId: string, statusId: string, now = new Date()): Promise<StatusRow> {
    const status = this.#visibility.getVisible(accountId, statusId);
    if (status.kind === "boost") throw new DomainError("not_found", "Record not found");
    const account = this.#directory.get(accountId)!;
    const id = newId(now.getTime());
    const fav = this.#db
      .insert(favourites)
      .values({ id, accountId, statusId, uri: `${account.uri}#likes/${id}`, createdAt: now })
      .onConflictDoNothing()
      .returning()
      .get();
    if (fav) {
      this.#notifications.notify(status.accountId, "favourite", accountId, status.id, now);
      await this.#port.favourited(fav, status);
    }
    return status;
  }

  async unfavourite(accountId: string, statusId: string): Promise<StatusRow> {
    const status = this.#visibility.getVisible(accountId, statusId);
    const fav = this.#db
      .delete(favourites)
      .where(and(eq(favourites.accountId, accountId), eq(favourites.statusId, statusId)))
      .returning()
      .get();
    if (fav) {
      this.#notifications.withdraw(status.accountId, "favourite", accountId, status.id);
      await this.#port.unfavourited(fav, status);
    }
    return status;
  }

  async reblog(accountId: string, statusId: string, now = new Date()): Promise<StatusRow> {
    const original = this.#visibility.getVisible(accountId, statusId);
    if (original.kind === "boost") return this.reblog(accountId, original.reblogOfId!, now);
    if (original.visibility !== "public" && original.visibility !== "unlisted") {
      throw new DomainError("unprocessable", "Validation failed: this post cannot be boosted");
    }
    const existing = this.#db
      .select()
      .from(statuses)
      .where(and(eq(statuses.accountId, accountId), eq(statuses.reblogOfId, original.id)))
      .get();
    if (existing) return existing;
    const account = this.#directory.get(accountId)!;
    const id = newId(now.getTime());
    const boost = this.#db
      .insert(statuses)
      .values({
        id,
        uri: `${account.uri}/statuses/${id}/activity`,
        url: null,
        accountId,
        local: true,
        kind: "boost",
        visibility: original.visibility,
        reblogOfId: original.id,
        createdAt: now,
      })
      .returning()
      .get();
    this.#notifications.notify(original.accountId, "reblog", accountId, original.id, now);
    this.#events.emit({ type: "status.created", status: boost });
    await this.#port.reblogged(boost, original);
    return boost;
  }

  async unreblog(accountId: string, statusId: string): Promise<StatusRow> {
    const target = this.#visibility.getVisible(accountId, statusId);
    const original = target.kind === "boost" && target.reblogOfId ? (this.#store.get(target.reblogOfId) ?? target) : target;
    const boost = this.#db
      .select()
      .from(statuses)
      .where(and(eq(statuses.accountId, accountId), eq(statuses.reblogOfId, original.id)))
      .get();
    if (boost) {
      this.#store.remove(boost);
      this.#notifications.withdraw(original.accountId, "reblog", accountId, original.id);
      await this.#port.unreblogged(boost, original);
    }
    return original;
  }

  bookmark(accountId: string, statusId: string, on: boolean): StatusRow {
    const status = this.#visibility.getVisible(accountId, statusId);
    if (on) this.#db.insert(bookmarks).values({ id: newId(), accountId, statusId }).onConflictDoNothing().run();
    else
      this.#db
        .delete(bookmarks)
        .where(and(eq(bookmarks.accountId, accountId), eq(bookmarks.statusId, statusId)))
        .run();
    return status;
  }

  /** Pins one's own post to the profile (the actor's `featured` collection); at most MAX_PINNED. */
  async pin(accountId: string, statusId: string, now = new Date()): Promise<StatusRow> {
    const status = this.#visibility.getVisible(accountId, statusId);
    if (status.accountId !== accountId || status.kind === "boost")
      throw new DomainError("unprocessable", "Validation failed: only your own posts can be pinned");
    if (status.visibility === "direct") throw new DomainError("unprocessable", "Validation failed: direct posts cannot be pinned");
    const count = this.#db
      .select({ n: sql<number>`count(*)` })
      .from(pins)
      .where(eq(pins.accountId, accountId))
      .get()!.n;
    const already = this.#db
      .select()
      .from(pins)
      .where(and(eq(pins.accountId, accountId), eq(pins.statusId, statusId)))
      .get();
    if (already) return status;
    if (count >= MAX_PINNED) throw new DomainError("unprocessable", `Validation failed: you can pin at most ${MAX_PINNED} posts`);
    this.#db.insert(pins).values({ accountId, statusId, createdAt: now }).run();
    await this.#port.pinned(status);
    return status;
  }

  async unpin(accountId: string, statusId: string): Promise<StatusRow> {
    const status = this.#visibility.getVisible(accountId, statusId);
    const removed = this.#db
      .delete(pins)
      .where(and(eq(pins.accountId, accountId), eq(pins.statusId, statusId)))
      .run().changes;
    if (removed > 0) await this.#port.unpinned(status);
    return status;
  }

  /** An account's pinned statuses, newest pin first. */
  pinnedOf(accountId: string): string[] {
    return this.#db
      .select({ id: pins.statusId })
      .from(pins)
      .where(eq(pins.accountId, accountId))
      .orderBy(desc(pins.createdAt))
      .all()
      .map((r) => r.id);
  }

  favouritedBy(viewerId: string, statusId: string, limit: number): string[] {
    this.#visibility.getVisible(viewerId, statusId);
    const hidden = this.#visibility.hiddenFrom(viewerId);
    return this.#db
      .select({ id: favourites.accountId })
      .from(favourites)
      .where(eq(favourites.statusId, statusId))
      .orderBy(desc(favourites.id))
      .limit(limit)
      .all()
      .map((r) => r.id)
      .filter((id) => !hidden.has(id));
  }

  rebloggedBy(viewerId: string, statusId: string, limit: number): string[] {
    this.#visibility.getVisible(viewerId, statusId);
    const hidden = this.#visibility.hiddenFrom(viewerId);
    return this.#db
      .select({ id: statuses.accountId })
      .from(statuses)
      .where(eq(statuses.reblogOfId, statusId))
      .orderBy(desc(statuses.id))
      .limit(limit)
      .all()
      .map((r) => r.id)
      .filter((id) => !hidden.has(id));
  }
}
