// What a domain event becomes in the table every process reads (SQLite's or PostgreSQL's), and back.
import type { DomainEvent } from "../domain/events.ts";
import type { NotificationRow } from "../domain/notifications/service.ts";
import type { StatusRow } from "../domain/statuses/types.ts";

/** Events older than this are pruned: a process that was away longer reloads what it shows. */
export const KEEP_MS = 10 * 60_000;

/** How a reading process finds the rows an event names (it reads them itself, current as they are). */
export interface EventRows {
  status(id: string): StatusRow | undefined;
  notification(accountId: string, id: string): NotificationRow | undefined;
}

/**
 * What goes into the table: ids, not the rows, so that no post's text or
 * anything else an erasure must remove outlives its row there; a deleted
 * status travels as a stub without its content (its audience is all a
 * reader needs).
 */
export type StoredEvent =
  | { readonly type: "status.created" | "status.updated"; readonly statusId: string }
  | { readonly type: "notification.created"; readonly accountId: string; readonly notificationId: string }
  | Exclude<DomainEvent, { type: "status.created" | "status.updated" | "notification.created" }>;

export function toStored(event: DomainEvent): StoredEvent {
  switch (event.type) {
    case "status.created":
    case "status.updated":
      return { type: event.type, statusId: event.status.id };
    case "notification.created":
      return { type: event.type, accountId: event.notification.accountId, notificationId: event.notification.id };
    case "status.deleted":
      return { ...event, status: { ...event.status, contentHtml: "", sourceText: "", spoilerText: "", caseData: null } };
    default:
      return event;
  }
}

export function fromStored(stored: StoredEvent, rows: EventRows): DomainEvent | null {
  switch (stored.type) {
    case "status.created":
    case "status.updated": {
      const status = rows.status(stored.statusId);
      return status ? { type: stored.type, status } : null;
    }
    case "notification.created": {
      const notification = rows.notification(stored.accountId, stored.notificationId);
      return notification ? { type: stored.type, notification } : null;
    }
    default:
      return stored;
  }
}
