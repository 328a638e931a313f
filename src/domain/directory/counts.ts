import type Database from "better-sqlite3";
import type { Db } from "../../db/client.ts";
import { idList } from "../../db/prepared.ts";
import type { DomainEvents } from "../events.ts";

export interface AccountCounts {
  readonly followers: number;
  readonly following: number;
  readonly statuses: number;
  readonly lastStatusAt: Date | null;
}

const LIMIT = 50_000;
/** Other processes' changes arrive as relayed events; a write that announces none (a script's SQL) is seen within this. */
const MAX_AGE_MS = 30_000;

/**
 * Followers, following and posts (and the last post's time) of accounts, as
 * every rendered account shows them.  Read in one statement from the counters
 * the database keeps (account_stats), and kept here until a domain event
 * changes them: a status stored or removed (its author), a follow begun or
 * ended (both sides).
 */
export class AccountCounter {
  readonly #statement: Database.Statement;
  readonly #cache = new Map<string, AccountCounts & { readonly at: number }>();

  constructor(deps: { db: Db; events: DomainEvents }) {
    // Kept by triggers in the transaction of each change (account_stats): a lookup, never a count of the history.
    this.#statement = deps.db.$client.prepare(`SELECT j.value AS id, coalesce(s.followers, 0) AS followers,
      coalesce(s.following, 0) AS following, coalesce(s.statuses, 0) AS statuses, s.last_status_at AS last
      FROM json_each(?) j LEFT JOIN account_stats s ON s.account_id = j.value`);
    deps.events.subscribe(
      (event) => {
        if (event.type === "status.created" || event.type === "status.deleted" || event.type === "status.updated")
          this.#cache.delete(event.status.accountId);
        else if (event.type === "relationship.changed") {
          this.#cache.delete(event.accountId);
          this.#cache.delete(event.targetId);
        }
      },
      { everyProcess: true },
    );
  }

  get(ids: readonly string[]): Map<string, AccountCounts> {
    const out = new Map<string, AccountCounts>();
    const missing: string[] = [];
    const now = Date.now();
    for (const id of new Set(ids)) {
      const hit = this.#cache.get(id);
      if (hit && now - hit.at < MAX_AGE_MS) out.set(id, hit);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    if (this.#cache.size + missing.length > LIMIT) this.#cache.clear();
    for (const r of this.#statement.all(idList(missing)) as {
      id: string;
      followers: number;
      following: number;
      statuses: number;
      last: number | null;
    }[]) {
      const counts = {
        followers: r.followers,
        following: r.following,
        statuses: r.statuses,
        lastStatusAt: r.last == null ? null : new Date(r.last),
        at: now,
      };
      this.#cache.set(r.id, counts);
      out.set(r.id, counts);
    }
    return out;
  }
}
