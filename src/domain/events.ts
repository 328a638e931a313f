import type { NotificationRow } from "./notifications/service.ts";
import type { StatusRow } from "./statuses/types.ts";

/**
 * What happened, announced once by the service that did it, after it is
 * stored.  Live features (streaming, the home feed, metrics) subscribe here;
 * they never reach into routers, and routers never push to them.
 */
export type DomainEvent =
  /** A status stored (local or from a peer, boosts included). */
  | { readonly type: "status.created"; readonly status: StatusRow }
  /** Its text, case, poll or media changed. */
  | { readonly type: "status.updated"; readonly status: StatusRow }
  /** Removed; the row as it was, and who was mentioned (to know who could see it). */
  | { readonly type: "status.deleted"; readonly status: StatusRow; readonly mentionedIds: readonly string[] }
  | { readonly type: "notification.created"; readonly notification: NotificationRow }
  /** Notifications appeared or disappeared in bulk (an unmute, an unblock): clients refetch. */
  | { readonly type: "notifications.changed"; readonly accountId: string }
  | { readonly type: "conversation.updated"; readonly accountId: string; readonly conversationId: string }
  /** A physician's filters changed (clients reload them). */
  | { readonly type: "filters.changed"; readonly accountId: string }
  /** A peering was added or changed state (the inbox gate and the outgoing client's trusted origins follow it). */
  | { readonly type: "peers.changed" }
  /** An instance setting changed (name, description, registrations …). */
  | { readonly type: "settings.changed" }
  /** A follow, block, mute or followed tag of a local account changed. */
  | { readonly type: "relationship.changed"; readonly accountId: string; readonly targetId: string; readonly change: RelationshipChange };

export type RelationshipChange =
  | "follow"
  | "unfollow"
  | "block"
  | "unblock"
  | "blocked_by"
  | "unblocked_by"
  | "mute"
  | "unmute"
  | "tag.follow"
  | "tag.unfollow"
  /** The target joined or left one of the account's lists, or the list's exclusivity changed. */
  | "list"
  /** The account blocked or unblocked a whole peer instance for itself (the target is its host). */
  | "domain.block"
  | "domain.unblock";

/** `from`: whether this process announced it, or another one (only for `everyProcess` listeners). */
export type DomainEventListener = (event: DomainEvent, from: "here" | "elsewhere") => void;

export interface SubscribeOptions {
  /**
   * Also hear what other processes on the same database did (a separate
   * worker, the CLI, another web node), as relayed by src/events/relay.ts:
   * for streaming and for caches.  Listeners that write (the home feed, edit
   * history, tombstones) hear only their own process: the writing process
   * has done that work already.
   */
  readonly everyProcess?: boolean;
}

export class DomainEvents {
  readonly #listeners = new Set<DomainEventListener>();
  readonly #everyProcess = new Set<DomainEventListener>();
  #errors = 0;

  subscribe(listener: DomainEventListener, options: SubscribeOptions = {}): () => void {
    const set = options.everyProcess ? this.#everyProcess : this.#listeners;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** A subscriber's failure never undoes or interrupts the write that announced it. */
  emit(event: DomainEvent): void {
    this.#notify(this.#listeners, event, "here");
    this.#notify(this.#everyProcess, event, "here");
  }

  /** What another process announced: only the listeners that asked to hear it. */
  emitFromElsewhere(event: DomainEvent): void {
    this.#notify(this.#everyProcess, event, "elsewhere");
  }

  #notify(listeners: Set<DomainEventListener>, event: DomainEvent, from: "here" | "elsewhere"): void {
    for (const listener of listeners) {
      try {
        listener(event, from);
      } catch {
        this.#errors++;
      }
    }
  }

  /** Subscriber failures so far (for metrics). */
  get errors(): number {
    return this.#errors;
  }
}
