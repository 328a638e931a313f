import { and, desc, eq, gt, gte, inArray, lt, notInArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { idList, once } from "../../db/prepared.ts";
import { accounts, markers, notifications, statuses } from "../../db/schema.ts";
import type { DomainEvents } from "../events.ts";
import { newId } from "../ids.ts";
import type { RelationQueries } from "../relations/queries.ts";
import { parseGroupKey } from "./groups.ts";

export type NotificationRow = typeof notifications.$inferSelect;
export const NOTIFICATION_TYPES = [
  "mention",
  "reply",
  "favourite",
  "reblog",
  "follow",
  "follow_request",
  "status",
  "poll",
  "update",
  // Moderation: a new report (staff), a decision about the recipient, the reporter's report resolved.
  "admin.report",
  "moderation_warning",
  "report_resolved",
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/**
 * Mastodon has no "reply" type: a reply notifies as a mention.  One rule,
 * for what clients see and for what their type filters select.
 */
export function clientType(type: string): string {
  return type === "reply" ? "mention" : type;
}
function storedTypes(clientTypes: readonly string[]): string[] {
  return [...new Set(clientTypes.flatMap((t) => (t === "mention" ? ["mention", "reply"] : [t])))];
}

export interface NotificationQuery {
  readonly maxId?: string;
  readonly minId?: string;
  readonly sinceId?: string;
  readonly limit: number;
  readonly types?: readonly string[];
  readonly excludeTypes?: readonly string[];
}

/** Notifications for local accounts, and the read markers clients keep. */
export class NotificationService {
  readonly #db: Db;
  readonly #events: DomainEvents;
  readonly #relations: RelationQueries;
  // Run for every notification considered (each reply, mention, favourite): prepared once.
  readonly #recipientStatus = once(() =>
    this.#db
      .select({ status: accounts.status })
      .from(accounts)
      .where(eq(accounts.id, sql.placeholder("recipientId")))
      .prepare(),
  );
  readonly #contextOf = once(() =>
    this.#db
      .select({ c: statuses.contextUri })
      .from(statuses)
      .where(eq(statuses.id, sql.placeholder("statusId")))
      .prepare(),
  );
  readonly #insert = once(() =>
    this.#db
      .insert(notifications)
      .values({
        id: sql.placeholder("id"),
        accountId: sql.placeholder("accountId"),
        type: sql.placeholder("type"),
        fromAccountId: sql.placeholder("fromAccountId"),
        statusId: sql.placeholder("statusId"),
        subjectId: sql.placeholder("subjectId"),
        createdAt: sql.placeholder("createdAt"),
      })
      .onConflictDoNothing()
      .returning()
      .prepare(),
  );

  constructor(deps: { db: Db; events: DomainEvents; relations: RelationQueries }) {
    this.#db = deps.db;
    this.#events = deps.events;
    this.#relations = deps.relations;
  }

  /**
   * Idempotent: the same event never notifies twice.  Only local, approved
   * recipients; nothing from an account they blocked, were blocked by or
   * muted (with notifications), and nothing from a thread they muted.
   */
  notify(
    recipientId: string,
    type: NotificationType,
    fromAccountId: string,
    statusId: string | null,
    now = new Date(),
    subjectId: string | null = null,
  ): void {
    const moderation = type === "admin.report" || type === "moderation_warning" || type === "report_resolved";
    // Your own poll's end and decisions about you are what you are notified of about yourself.
    if (recipientId === fromAccountId && type !== "poll" && !moderation) return;
    const recipient = this.#recipientStatus().get({ recipientId });
    if (recipient?.status !== "approved") return;
    if (!moderation && recipientId !== fromAccountId && this.#relations.silencedFor(recipientId, now).has(fromAccountId)) return;
    if (statusId) {
      const context = this.#contextOf().get({ statusId })?.c;
      if (context && this.#relations.mutedThreads(recipientId, [context]).size > 0 && type !== "poll") return;
    }
    const row = this.#insert().get({
      id: newId(now.getTime()),
      accountId: recipientId,
      type,
      fromAccountId,
      statusId,
      subjectId,
      createdAt: now,
    });
    if (row) this.#events.emit({ type: "notification.created", notification: row });
  }

  /** An undone favourite or boost takes its notification with it. */
  withdraw(recipientId: string, type: NotificationType, fromAccountId: string, statusId: string): void {
    this.#db
      .delete(notifications)
      .where(
        and(
          eq(notifications.accountId, recipientId),
          eq(notifications.type, type),
          eq(notifications.fromAccountId, fromAccountId),
          eq(notifications.statusId, statusId),
        ),
      )
      .run();
  }

  // One statement per direction for every filter combination: an absent bound is one no id passes
  // ("" below every id, "a" above every all-digit id), an absent type filter is null.
  readonly #page = (order: "newest" | "oldest") => {
    const p = (name: string) => sql.placeholder(name);
    return this.#db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.accountId, p("accountId")),
          lt(notifications.id, p("maxId")),
          gt(notifications.id, p("sinceId")),
          gt(notifications.id, p("minId")),
          sql`(${p("types")} IS NULL OR ${notifications.type} IN (SELECT value FROM json_each(${p("types")})))`,
          sql`${notifications.type} NOT IN (SELECT value FROM json_each(${p("excluded")}))`,
          sql`${notifications.fromAccountId} NOT IN (SELECT value FROM json_each(${p("silenced")}))`,
        ),
      )
      .orderBy(order === "oldest" ? notifications.id : desc(notifications.id))
      .limit(p("limit"))
      .prepare();
  };
  readonly #newest = once(() => this.#page("newest"));
  readonly #oldest = once(() => this.#page("oldest"));

  list(accountId: string, q: NotificationQuery): NotificationRow[] {
    const page = q.minId ? this.#oldest() : this.#newest();
    const rows = page.all({
      accountId,
      maxId: q.maxId || "a",
      sinceId: q.sinceId || "",
      minId: q.minId || "",
      types: q.types && q.types.length > 0 ? idList(storedTypes(q.types)) : null,
      excluded: idList(q.excludeTypes ? storedTypes(q.excludeTypes) : []),
      silenced: idList(this.#relations.silencedFor(accountId)),
      limit: q.limit,
    });
    return q.minId ? rows.reverse() : rows;
  }

  get(accountId: string, id: string): NotificationRow | undefined {
    if (!/^\d{1,20}$/.test(id)) return undefined;
    const row = this.#db
      .select()
      .from(notifications)
      .where(and(eq(notifications.accountId, accountId), eq(notifications.id, id)))
      .get();
    return row && !this.#relations.silencedFor(accountId).has(row.fromAccountId) ? row : undefined;
  }

  /** The notifications of one group (newest first); empty for an unknown or foreign key. */
  group(accountId: string, key: string, limit = 80): NotificationRow[] {
    const selector = parseGroupKey(key);
    if (!selector) return [];
    const silenced = [...this.#relations.silencedFor(accountId)];
    const match =
      selector.kind === "status"
        ? and(eq(notifications.type, selector.type), eq(notifications.statusId, selector.statusId))
        : selector.kind === "day"
          ? and(
              eq(notifications.type, selector.type),
              gte(notifications.createdAt, selector.from),
              lt(notifications.createdAt, selector.to),
            )
          : eq(notifications.id, selector.id);
    return this.#db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.accountId, accountId),
          match,
          silenced.length > 0 ? notInArray(notifications.fromAccountId, silenced) : undefined,
        ),
      )
      .orderBy(desc(notifications.id))
      .limit(limit)
      .all();
  }

  /** Dismisses every notification of a group; false when there was none. */
  dismissGroup(accountId: string, key: string): boolean {
    const ids = this.group(accountId, key, 10_000).map((r) => r.id);
    if (ids.length === 0) return false;
    this.#db
      .delete(notifications)
      .where(and(eq(notifications.accountId, accountId), inArray(notifications.id, ids)))
      .run();
    return true;
  }

  /** False when the account has no such notification (another's is not found either). */
  dismiss(accountId: string, id: string): boolean {
    if (!/^\d{1,20}$/.test(id)) return false;
    return (
      this.#db
        .delete(notifications)
        .where(and(eq(notifications.accountId, accountId), eq(notifications.id, id)))
        .run().changes > 0
    );
  }

  clear(accountId: string): void {
    this.#db.delete(notifications).where(eq(notifications.accountId, accountId)).run();
  }

  /** Removes notifications about a status that no longer exists. */
  forgetStatus(statusId: string): void {
    this.#db.delete(notifications).where(eq(notifications.statusId, statusId)).run();
  }

  unreadCount(accountId: string, limit = 1000): number {
    const marker = this.getMarkers(accountId, ["notifications"])[0];
    const silenced = [...this.#relations.silencedFor(accountId)];
    const row = this.#db
      .select({ n: sql<number>`count(*)` })
      .from(
        this.#db
          .select({ id: notifications.id })
          .from(notifications)
          .where(
            and(
              eq(notifications.accountId, accountId),
              marker ? gt(notifications.id, marker.lastReadId) : undefined,
              silenced.length > 0 ? notInArray(notifications.fromAccountId, silenced) : undefined,
            ),
          )
          .limit(limit)
          .as("unread"),
      )
      .get();
    return row?.n ?? 0;
  }

  getMarkers(accountId: string, timelines: readonly string[]) {
    if (timelines.length === 0) return [];
    return this.#db
      .select()
      .from(markers)
      .where(and(eq(markers.accountId, accountId), inArray(markers.timeline, [...timelines])))
      .all();
  }

  setMarker(accountId: string, timeline: "home" | "notifications", lastReadId: string, now = new Date()) {
    return this.#db
      .insert(markers)
      .values({ accountId, timeline, lastReadId, version: 1, updatedAt: now })
      .onConflictDoUpdate({
        target: [markers.accountId, markers.timeline],
        set: { lastReadId, version: sql`${markers.version} + 1`, updatedAt: now },
      })
      .returning()
      .get();
  }
}
