import type Database from "better-sqlite3";

export interface AcceptedActivity {
  readonly activityId: string;
  readonly actorUri: string;
  readonly origin: string;
  readonly recipient: string | null;
  readonly orderingKey: string | null;
  readonly body: string;
}

/** An accepted activity as a worker claims it. */
export interface PendingActivity extends AcceptedActivity {
  readonly id: number;
  readonly attempts: number;
  /** When it was accepted (epoch ms): an activity is given up a bounded time after this. */
  readonly receivedAt: number;
}

/** Who may be handed work now: origins judged slow share a bounded number of workers between them. */
export interface ClaimPolicy {
  readonly slow: ReadonlySet<string>;
  /** Workers the slow origins may hold together. */
  readonly slowShare: number;
}

export interface InboxStoreOptions {
  /** Workers on one sender's lane at once. */
  readonly laneLimit?: number;
  readonly leaseMs?: number;
}

/**
 * The durable half of the inbox: an activity is written here (with its id
 * remembered, so a re-delivery is recognised) before the sender hears 202,
 * and leaves only once applied.  Activities about one object are handed out
 * in the order they arrived, so a retried Create is never overtaken by its
 * Delete; each sender origin is a lane with a small limit.
 */
export class InboxStore {
  readonly #sqlite: Database.Database;
  readonly #laneLimit: number;
  readonly #leaseMs: number;
  readonly #append: (activity: AcceptedActivity, now: number) => boolean;
  readonly #pick: Database.Statement<[{ now: number; limit: number; origin: string | null; excluded: string }], PendingActivity>;
  readonly #busyLanes: Database.Statement<[{ now: number }], { origin: string; workers: number }>;
  readonly #lease: Database.Statement<[number, string, number]>;
  readonly #finish: Database.Statement<[number]>;
  readonly #retry: Database.Statement<[number, number]>;
  readonly #release: Database.Statement<[number]>;
  readonly #depth: Database.Statement<[], { n: number; oldest: number | null }>;
  readonly #pruneSeen: Database.Statement<[number]>;
  readonly #listeners = new Set<() => void>();

  constructor(sqlite: Database.Database, options: InboxStoreOptions = {}) {
    this.#sqlite = sqlite;
    this.#laneLimit = options.laneLimit ?? 2;
    this.#leaseMs = options.leaseMs ?? 10 * 60_000;
    const seen = sqlite.prepare("INSERT OR IGNORE INTO seen_activities (activity_id, seen_at) VALUES (?, ?)");
    const insert = sqlite.prepare(
      "INSERT INTO inbox_activities (activity_id, actor_uri, origin, recipient, ordering_key, body, received_at, available_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.#append = sqlite.transaction((a: AcceptedActivity, now: number) => {
      if (seen.run(a.activityId, now).changes === 0) return false;
      insert.run(a.activityId, a.actorUri, a.origin, a.recipient, a.orderingKey, a.body, now, now);
      return true;
    });
    // The oldest due activities whose object has nothing earlier pending (of
    // one lane, or of any); lanes already worked by `laneLimit` workers are
    // left out by the caller, from one small grouped read.
    this.#pick = sqlite.prepare(`
      SELECT q.id, q.activity_id AS activityId, q.actor_uri AS actorUri, q.origin, q.recipient, q.ordering_key AS orderingKey, q.body, q.attempts, q.received_at AS receivedAt
      FROM inbox_activities q
      WHERE q.available_at <= @now AND (q.leased_until IS NULL OR q.leased_until <= @now)
        AND (@origin IS NULL OR q.origin = @origin)
        AND q.origin NOT IN (SELECT value FROM json_each(@excluded))
        AND (q.ordering_key IS NULL OR NOT EXISTS (
          SELECT 1 FROM inbox_activities p WHERE p.ordering_key = q.ordering_key AND p.id < q.id))
      ORDER BY q.available_at, q.id LIMIT @limit`);
    this.#busyLanes = sqlite.prepare(
      "SELECT origin, count(DISTINCT leased_by) AS workers FROM inbox_activities WHERE leased_until > @now GROUP BY origin",
    );
    this.#lease = sqlite.prepare("UPDATE inbox_activities SET leased_until = ?, leased_by = ? WHERE id = ?");
    this.#finish = sqlite.prepare("DELETE FROM inbox_activities WHERE id = ?");
    this.#retry = sqlite.prepare(
      "UPDATE inbox_activities SET attempts = attempts + 1, available_at = ?, leased_until = NULL, leased_by = NULL WHERE id = ?",
    );
    this.#release = sqlite.prepare("UPDATE inbox_activities SET leased_until = NULL, leased_by = NULL WHERE id = ?");
    this.#depth = sqlite.prepare("SELECT count(*) AS n, min(received_at) AS oldest FROM inbox_activities");
    this.#pruneSeen = sqlite.prepare("DELETE FROM seen_activities WHERE seen_at < ?");
  }

  /** Stores an accepted activity; false if its id was seen before (a re-delivery). */
  append(activity: AcceptedActivity, now = Date.now()): boolean {
    const stored = this.#append(activity, now);
    if (stored) for (const wake of this.#listeners) wake();
    return stored;
  }

  /** Called when something was appended (the worker wakes at once). */
  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * A batch of due activities from one sender's lane, leased to the worker:
   * a slow sender keeps only the workers already on it, never the others.
   * Never two activities about one object in a batch (they go in order).
   */
  claim(workerId: string, limit: number, now = Date.now(), policy?: ClaimPolicy): PendingActivity[] {
    return this.#sqlite.transaction(() => {
      const busy = this.#busyLanes.all({ now });
      const full = new Set(busy.filter((lane) => lane.workers >= this.#laneLimit).map((lane) => lane.origin));
      // Slow origins, however many, hold at most their share of the workers between them.
      if (policy && policy.slow.size > 0) {
        const slowWorkers = busy.filter((lane) => policy.slow.has(lane.origin)).reduce((n, lane) => n + lane.workers, 0);
        if (slowWorkers >= policy.slowShare) for (const origin of policy.slow) full.add(origin);
      }
      // Lanes that may not be handed more are left out in the query, so a long queue of
      // theirs can never hide another origin's activities behind it.
      const excluded = JSON.stringify([...full]);
      const due = this.#pick.all({ now, limit: limit * 4, origin: null, excluded });
      const first = due[0];
      if (!first) return [];
      const sameLane = due.filter((row) => row.origin === first.origin);
      const more =
        sameLane.length < limit * 2 && due.length === limit * 4
          ? this.#pick.all({ now, limit: limit * 2, origin: first.origin, excluded })
          : [];
      const picked: PendingActivity[] = [];
      const keys = new Set<string>();
      for (const row of [...sameLane, ...more]) {
        if (picked.length >= limit || picked.some((p) => p.id === row.id)) continue;
        if (row.orderingKey != null && keys.has(row.orderingKey)) continue;
        if (row.orderingKey != null) keys.add(row.orderingKey);
        this.#lease.run(now + this.#leaseMs, workerId, row.id);
        picked.push(row);
      }
      return picked;
    })();
  }

  /** Hands a claimed activity back untouched (its worker stopped on a slow sender). */
  release(id: number): void {
    if (this.#sqlite.open) this.#release.run(id);
  }

  finish(id: number): void {
    if (this.#sqlite.open) this.#finish.run(id);
  }

  /** Tried again later (a peer that did not answer); the row keeps its place in its object's order. */
  retryLater(id: number, delayMs: number, now = Date.now()): void {
    if (this.#sqlite.open) this.#retry.run(now + delayMs, id);
  }

  /** Waiting activities, and how long the oldest has waited (ms). */
  depth(now = Date.now()): { queued: number; oldestMs: number } {
    const row = this.#depth.get()!;
    return { queued: row.n, oldestMs: row.oldest == null ? 0 : Math.max(0, now - row.oldest) };
  }

  /** Forgets ids seen longer ago than a sender would still retry. */
  pruneSeen(olderThanMs = 7 * 86_400_000, now = Date.now()): number {
    return this.#pruneSeen.run(now - olderThanMs).changes;
  }
}
