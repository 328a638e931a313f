import { and, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, markers, notifications } from "../../db/schema.ts";
import { newId } from "../ids.ts";

export type NotificationRow = typeof notifications.$inferSelect;
export const NOTIFICATION_TYPES = ["mention", "reply", "favourite", "reblog", "follow", "follow_request", "status", "poll", "update"] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

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
  constructor(db: Db) {
    this.#db = db;
  }

  /** Idempotent: the same event never notifies twice. Only local, approved recipients. */
  notify(recipientId: string, type: NotificationType, fromAccountId: string, statusId: string | null, now = new Date()): void {
    // Your own poll's end is the one thing you are notified of about yourself.
    if (recipientId === fromAccountId && type !== "poll") return;
    const recipient = this.#db.select({ status: accounts.status }).from(accounts).where(eq(accounts.id, recipientId)).get();
    if (recipient?.status !== "approved") return;
    this.#db
      .insert(notifications)
      .values({ id: newId(now.getTime()), accountId: recipientId, type, fromAccountId, statusId, createdAt: now })
      .onConflictDoNothing()
      .run();
  }

  list(accountId: string, q: NotificationQuery): NotificationRow[] {
    const conditions = [
      eq(notifications.accountId, accountId),
      q.maxId ? lt(notifications.id, q.maxId) : undefined,
      q.sinceId ? gt(notifications.id, q.sinceId) : undefined,
      q.minId ? gt(notifications.id, q.minId) : undefined,
      q.types && q.types.length > 0 ? inArray(notifications.type, [...q.types]) : undefined,
      q.excludeTypes && q.excludeTypes.length > 0 ? sql`${notifications.type} NOT IN ${[...q.excludeTypes]}` : undefined,
    ].filter((c) => c != null);
    const rows = this.#db
      .select()
      .from(notifications)
      .where(and(...conditions))
      .orderBy(q.minId ? notifications.id : desc(notifications.id))
      .limit(q.limit)
      .all();
    return q.minId ? rows.reverse() : rows;
  }

  get(accountId: string, id: string): NotificationRow | undefined {
    return this.#db.select().from(notifications).where(and(eq(notifications.accountId, accountId), eq(notifications.id, id))).get();
  }

  /** False when the account has no such notification (another's is not found either). */
  dismiss(accountId: string, id: string): boolean {
    if (!/^\d{1,20}$/.test(id)) return false;
    return this.#db.delete(notifications).where(and(eq(notifications.accountId, accountId), eq(notifications.id, id))).run().changes > 0;
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
    const row = this.#db
      .select({ n: sql<number>`count(*)` })
      .from(
        this.#db
          .select({ id: notifications.id })
          .from(notifications)
          .where(and(eq(notifications.accountId, accountId), marker ? gt(notifications.id, marker.lastReadId) : undefined))
          .limit(limit)
          .as("unread"),
      )
      .get();
    return row?.n ?? 0;
  }

  getMarkers(accountId: string, timelines: readonly string[]) {
    if (timelines.length === 0) return [];
    return this.#db.select().from(markers).where(and(eq(markers.accountId, accountId), inArray(markers.timeline, [...timelines]))).all();
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
