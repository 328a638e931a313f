// What a domain event becomes in the table every process reads (SQLite's or PostgreSQL's), and back.
import { rowsFromJson, rowsToJson } from "../db/row-json.ts";
import type { DomainEvent, DomainEvents } from "../domain/events.ts";
import type { NotificationRow } from "../domain/notifications/service.ts";
import type { StatusRow } from "../domain/statuses/types.ts";

/** Events older than this are pruned: a process that was away longer reloads what it shows. */
export const KEEP_MS = 10 * 60_000;
/** How often a relay prunes. */
export const PRUNE_EVERY_MS = 60_000;

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
type StoredEvent =
  | { readonly type: "status.created" | "status.updated"; readonly statusId: string }
  | { readonly type: "notification.created"; readonly accountId: string; readonly notificationId: string }
  | Exclude<DomainEvent, { type: "status.created" | "status.updated" | "notification.created" }>;

function toStored(event: DomainEvent): StoredEvent {
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

function fromStored(stored: StoredEvent, rows: EventRows): DomainEvent | null {
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

/** The table's body for an event this process announces. */
export function storedBody(event: DomainEvent): string {
  return rowsToJson(toStored(event));
}

/**
 * Hands another process's stored event to the listeners that hear every
 * process, read back from the rows; false when a row it names is gone since
 * (a post deleted meanwhile: its deletion follows).
 */
export function handOn(body: string, rows: EventRows, events: DomainEvents): boolean {
  const event = fromStored(rowsFromJson<StoredEvent>(body), rows);
  if (!event) return false;
  events.emitFromElsewhere(event);
  return true;
}
