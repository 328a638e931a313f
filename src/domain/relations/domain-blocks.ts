import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { domainBlocks, follows, remoteActors } from "../../db/schema.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import type { FollowService } from "../follows/service.ts";
import { newId } from "../ids.ts";

export type DomainBlockRow = typeof domainBlocks.$inferSelect;

/** A host as Mastodon's clients send it: `peer.example`, perhaps with a scheme, port or path, any case. */
export function normaliseDomain(value: string): string {
  const trimmed = value.trim().toLowerCase();
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `https://${trimmed}`).host;
  } catch {
    throw new DomainError("unprocessable", "Validation failed: domain is not a host name");
  }
  if (!/^[a-z0-9.-]+(:\d{1,5})?$/.test(host) || host.length > 253)
    throw new DomainError("unprocessable", "Validation failed: domain is not a host name");
  return host;
}

/**
 * A physician hides one peer instance for themselves (Mastodon's user-level
 * domain blocks): nothing from its physicians in their timelines, threads,
 * search or notifications, and its physicians stop following them.  Private:
 * never federated; which instances federate at all stays the staff's decision.
 */
export class DomainBlocks {
  readonly #db: Db;
  readonly #follows: FollowService;
  readonly #events: DomainEvents;
  readonly #ownHost: string;

  constructor(deps: { db: Db; follows: FollowService; events: DomainEvents; ownHost: string }) {
    this.#db = deps.db;
    this.#follows = deps.follows;
    this.#events = deps.events;
    this.#ownHost = deps.ownHost.toLowerCase();
  }

  list(accountId: string, page: { maxId?: string; limit: number }): DomainBlockRow[] {
    return this.#db
      .select()
      .from(domainBlocks)
      .where(and(eq(domainBlocks.accountId, accountId), page.maxId ? lt(domainBlocks.id, page.maxId) : undefined))
      .orderBy(desc(domainBlocks.id))
      .limit(page.limit)
      .all();
  }

  async block(accountId: string, domain: string, now = new Date()): Promise<void> {
    const host = normaliseDomain(domain);
    if (host === this.#ownHost) throw new DomainError("unprocessable", "Validation failed: you cannot block your own instance");
    const row = this.#db
      .insert(domainBlocks)
      .values({ id: newId(now.getTime()), accountId, domain: host, createdAt: now })
      .onConflictDoNothing()
      .returning()
      .get();
    if (!row) return;
    // Its physicians no longer follow this one (as Mastodon removes followers from a blocked domain).
    const theirs = this.#db
      .select({ id: remoteActors.id })
      .from(remoteActors)
      .where(eq(remoteActors.host, host))
      .all()
      .map((r) => r.id);
    if (theirs.length > 0) {
      const following = this.#db
        .select({ id: follows.followerId })
        .from(follows)
        .where(and(eq(follows.followingId, accountId), inArray(follows.followerId, theirs)))
        .all();
      for (const f of following) await this.#follows.removeFollower(accountId, f.id);
    }
    this.#events.emit({ type: "relationship.changed", accountId, targetId: host, change: "domain.block" });
  }

  unblock(accountId: string, domain: string): void {
    const host = normaliseDomain(domain);
    const removed = this.#db
      .delete(domainBlocks)
      .where(and(eq(domainBlocks.accountId, accountId), eq(domainBlocks.domain, host)))
      .run().changes;
    if (removed > 0) this.#events.emit({ type: "relationship.changed", accountId, targetId: host, change: "domain.unblock" });
  }

  /** The hosts the viewer blocks (Mastodon's relationship `domain_blocking`), read once for a page of relationships. */
  blockedHosts(accountId: string): Set<string> {
    return new Set(
      this.#db
        .select({ domain: domainBlocks.domain })
        .from(domainBlocks)
        .where(eq(domainBlocks.accountId, accountId))
        .all()
        .map((r) => r.domain),
    );
  }
}
