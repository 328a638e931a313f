import type { AccountRow } from "../domain/accounts/types.ts";
import type { DomainEvent } from "../domain/events.ts";
import type { FilterContext } from "../domain/filters/service.ts";
import type { StatusRow } from "../domain/statuses/types.ts";
import { logger } from "../logging.ts";
import type { Services } from "../services.ts";
import { conversationsJson } from "../render/conversations-json.ts";
import { notificationsJson } from "../render/notifications-json.ts";
import { renderStatuses } from "../render/statuses-json.ts";
import { StatusAudience } from "./audience.ts";
import type { StreamSpec } from "./streams.ts";

const log = logger("streaming");

/** One client connection (WebSocket or server-sent events). */
export interface StreamConnection {
  readonly viewer: AccountRow;
  readonly subscriptions: Map<string, StreamSpec>;
  /** Sends an event; a connection that cannot keep up closes itself. */
  send(stream: readonly string[], event: string, payload?: string): void;
}

const STATUS_EVENTS = { "status.created": "update", "status.updated": "status.update" } as const;

/** The filter context of a stream (Mastodon's: home for user and list streams, public otherwise). */
function contextOf(spec: StreamSpec): FilterContext {
  return spec.name === "user" || spec.name === "list" ? "home" : "public";
}

/**
 * The streaming room: holds the open connections, and for every domain
 * event decides which of them may receive it (per subscriber: visibility,
 * blocks, mutes, filters) and renders the payload with the REST API's own
 * serializers, as that viewer would see it.  Events are handled after the
 * write that announced them, off its call stack.
 */
export class StreamingHub {
  readonly #services: Services;
  readonly #connections = new Set<StreamConnection>();
  readonly #pending: DomainEvent[] = [];
  #scheduled = false;
  #delivered = 0;

  constructor(services: Services) {
    this.#services = services;
    services.events.subscribe(
      (event) => {
        this.#pending.push(event);
        if (this.#scheduled) return;
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      },
      { everyProcess: true },
    );
  }

  add(connection: StreamConnection): void {
    this.#connections.add(connection);
  }

  remove(connection: StreamConnection): void {
    this.#connections.delete(connection);
  }

  /** Open connections (for metrics and the memory test). */
  get size(): number {
    return this.#connections.size;
  }

  /** Events delivered so far. */
  get delivered(): number {
    return this.#delivered;
  }

  #flush(): void {
    this.#scheduled = false;
    for (const event of this.#pending.splice(0)) {
      try {
        this.#dispatch(event);
      } catch (error) {
        log.error("Could not stream {type}: {error}", { type: event.type, error });
      }
    }
  }

  #send(connection: StreamConnection, spec: StreamSpec, event: string, payload?: string): void {
    connection.send(spec.label, event, payload);
    this.#delivered++;
  }

  #dispatch(event: DomainEvent): void {
    if (this.#connections.size === 0) return;
    switch (event.type) {
      case "status.created":
      case "status.updated":
        return this.#status(event.status, STATUS_EVENTS[event.type]);
      case "status.deleted":
        return this.#deleted(event.status, event.mentionedIds);
      case "notification.created": {
        const connections = this.#of(event.notification.accountId, ["user", "user:notification"]);
        if (connections.length === 0) return;
        const [json] = notificationsJson([event.notification], event.notification.accountId, this.#services);
        if (!json) return;
        const payload = JSON.stringify(json);
        for (const [c, spec] of connections) this.#send(c, spec, "notification", payload);
        return;
      }
      case "notifications.changed":
        for (const [c, spec] of this.#of(event.accountId, ["user", "user:notification"])) this.#send(c, spec, "notifications_merged", "1");
        return;
      case "filters.changed":
        for (const [c, spec] of this.#of(event.accountId, ["user"])) this.#send(c, spec, "filters_changed");
        return;
      case "conversation.updated": {
        const connections = this.#of(event.accountId, ["direct"]);
        if (connections.length === 0) return;
        const row = this.#services.conversations.list(event.accountId, { limit: 200 }).find((r) => r.id === event.conversationId);
        const [json] = row ? conversationsJson([row], event.accountId, this.#services) : [];
        if (!json) return;
        const payload = JSON.stringify(json);
        for (const [c, spec] of connections) this.#send(c, spec, "conversation", payload);
        return;
      }
      default:
        return;
    }
  }

  /** The connections of one viewer, with each subscription of theirs among these streams. */
  #of(viewerId: string, names: readonly string[]): [StreamConnection, StreamSpec][] {
    const out: [StreamConnection, StreamSpec][] = [];
    for (const c of this.#connections) {
      if (c.viewer.id !== viewerId) continue;
      for (const spec of c.subscriptions.values()) if (names.includes(spec.name)) out.push([c, spec]);
    }
    return out;
  }

  #status(status: StatusRow, event: "update" | "status.update"): void {
    const audience = new StatusAudience(this.#services, status);
    const rendered = new Map<string, { payload: string; hidden: boolean }>();
    for (const c of this.#connections) {
      for (const spec of c.subscriptions.values()) {
        if (!audience.carries(spec, c.viewer.id)) continue;
        const context = contextOf(spec);
        const key = `${c.viewer.id}:${context}`;
        let r = rendered.get(key);
        if (!r) {
          // Rendered as this viewer sees it (their flags, their filters).
          const { json, hiddenByFilter } = renderStatuses([status], c.viewer.id, this.#services, { context });
          r = { payload: json[0] ? JSON.stringify(json[0]) : "", hidden: hiddenByFilter.size > 0 || !json[0] };
          rendered.set(key, r);
        }
        if (!r.hidden) this.#send(c, spec, event, r.payload);
      }
    }
  }

  /**
   * A delete goes to every timeline subscription of every viewer who could
   * see the status (its tags are gone with it, so the routing cannot be
   * replayed; clients drop ids they do not hold).
   */
  #deleted(status: StatusRow, mentionedIds: readonly string[]): void {
    const audience = new StatusAudience(this.#services, status, mentionedIds);
    for (const c of this.#connections) {
      if (!audience.canSee(c.viewer.id)) continue;
      for (const spec of c.subscriptions.values()) {
        if (spec.name !== "user:notification" && spec.name !== "direct") this.#send(c, spec, "delete", status.id);
      }
    }
  }
}
