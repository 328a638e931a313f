import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { listAccounts, lists } from "../../db/schema.ts";
import type { Directory } from "../directory/service.ts";
import { DomainError } from "../errors.ts";
import type { FollowService } from "../follows/service.ts";
import { newId } from "../ids.ts";
import type { DomainEvents } from "../events.ts";

export type ListRow = typeof lists.$inferSelect;
export const REPLIES_POLICIES = ["followed", "list", "none"] as const;

/** Mastodon's lists: named sets of followed accounts, each with its own timeline. */
export class ListService {
  readonly #db: Db;
  readonly #directory: Directory;
  readonly #follows: FollowService;
  readonly #events: DomainEvents;

  constructor(deps: { db: Db; directory: Directory; follows: FollowService; events: DomainEvents }) {
    this.#db = deps.db;
    this.#directory = deps.directory;
    this.#follows = deps.follows;
    this.#events = deps.events;
  }

  /** Exclusive lists keep their members out of the owner's home: it is told of each change. */
  #membersChanged(ownerId: string, accountIds: readonly string[]): void {
    for (const targetId of accountIds) this.#events.emit({ type: "relationship.changed", accountId: ownerId, targetId, change: "list" });
  }

  all(ownerId: string): ListRow[] {
    return this.#db.select().from(lists).where(eq(lists.accountId, ownerId)).all();
  }

  get(ownerId: string, id: string): ListRow {
    const list = this.#db
      .select()
      .from(lists)
      .where(and(eq(lists.id, id), eq(lists.accountId, ownerId)))
      .get();
    if (!list) throw new DomainError("not_found", "Record not found");
    return list;
  }

  create(ownerId: string, input: { title: string; repliesPolicy?: string; exclusive?: boolean }): ListRow {
    return this.#db
      .insert(lists)
      .values({
        id: newId(),
        accountId: ownerId,
        title: input.title,
        repliesPolicy: input.repliesPolicy ?? "list",
        exclusive: input.exclusive ?? false,
      })
      .returning()
      .get();
  }

  update(ownerId: string, id: string, input: { title?: string; repliesPolicy?: string; exclusive?: boolean }): ListRow {
    const list = this.get(ownerId, id);
    const updated = this.#db
      .update(lists)
      .set({
        title: input.title ?? list.title,
        repliesPolicy: input.repliesPolicy ?? list.repliesPolicy,
        exclusive: input.exclusive ?? list.exclusive,
      })
      .where(eq(lists.id, id))
      .returning()
      .get();
    if (updated.exclusive !== list.exclusive) this.#membersChanged(ownerId, this.accountIds(ownerId, id));
    return updated;
  }

  delete(ownerId: string, id: string): void {
    const list = this.get(ownerId, id);
    const members = list.exclusive ? this.accountIds(ownerId, id) : [];
    this.#db.transaction((tx) => {
      tx.delete(listAccounts).where(eq(listAccounts.listId, id)).run();
      tx.delete(lists).where(eq(lists.id, id)).run();
    });
    this.#membersChanged(ownerId, members);
  }

  accountIds(ownerId: string, id: string): string[] {
    this.get(ownerId, id);
    return this.#db
      .select({ id: listAccounts.accountId })
      .from(listAccounts)
      .where(eq(listAccounts.listId, id))
      .all()
      .map((r) => r.id);
  }

  /** The owner's lists that hold this account. */
  containing(ownerId: string, accountId: string): ListRow[] {
    return this.#db
      .select({ list: lists })
      .from(lists)
      .innerJoin(listAccounts, eq(listAccounts.listId, lists.id))
      .where(and(eq(lists.accountId, ownerId), eq(listAccounts.accountId, accountId)))
      .all()
      .map((r) => r.list);
  }

  /** Lists (of anyone here) holding this account: the streams of those lists get its posts. */
  listsWithMember(accountId: string): { id: string; ownerId: string }[] {
    return this.#db
      .select({ id: lists.id, ownerId: lists.accountId })
      .from(lists)
      .innerJoin(listAccounts, eq(listAccounts.listId, lists.id))
      .where(eq(listAccounts.accountId, accountId))
      .all();
  }

  /** As in Mastodon, only accounts you follow can be added. */
  addAccounts(ownerId: string, id: string, accountIds: readonly string[]): void {
    this.get(ownerId, id);
    for (const accountId of accountIds) {
      if (!this.#directory.get(accountId)) throw new DomainError("not_found", "Record not found");
      if (!this.#follows.isFollowing(ownerId, accountId))
        throw new DomainError("unprocessable", "Validation failed: you can only add accounts you follow to a list");
    }
    for (const accountId of accountIds) this.#db.insert(listAccounts).values({ listId: id, accountId }).onConflictDoNothing().run();
    this.#membersChanged(ownerId, accountIds);
  }

  removeAccounts(ownerId: string, id: string, accountIds: readonly string[]): void {
    this.get(ownerId, id);
    for (const accountId of accountIds)
      this.#db
        .delete(listAccounts)
        .where(and(eq(listAccounts.listId, id), eq(listAccounts.accountId, accountId)))
        .run();
    this.#membersChanged(ownerId, accountIds);
  }
}
