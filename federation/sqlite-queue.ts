import type { MessageQueue, MessageQueueDepth, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import type Database from "better-sqlite3";

export interface SqliteMessageQueueOptions {
  /** How often an idle listener looks for due messages (ms). */
  readonly pollIntervalMs?: number;
  /**
   * How long a claimed message stays invisible to other listeners.  A
   * listener that dies mid-message (a crash, a kill) leaves the row behind,
   * and it is handed out again once the lease runs out.
   */
  readonly leaseMs?: number;
  /**
   * Messages handled at once by one listener.  Each worker finishes its
   * message before taking the next, so a crash loses none, and the ordering
   * rule in the claim keeps same-key messages in order across workers.
   */
  readonly concurrency?: number;
}

interface Row {
  id: number;
  message: string;
}

/** Listeners in this process, woken at once on enqueue instead of at the next poll. */
const localWakers = new Map<string, Set<() => void>>();

/**
 * Fedify's MessageQueue on the application's SQLite database.  A message is
 * a row from enqueue until its handler has finished, so nothing is lost on a
 * restart; messages sharing an ordering key are handed out one at a time, in
 * order.
 */
export class SqliteMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  readonly #sqlite: Database.Database;
  readonly #pollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #concurrency: number;
  readonly #insert: Database.Statement<[string, string | null, number]>;
  readonly #claim: (now: number) => Row | undefined;
  readonly #finish: Database.Statement<[number]>;
  readonly #depth: Database.Statement<[number], { queued: number; ready: number }>;

  constructor(sqlite: Database.Database, options: SqliteMessageQueueOptions = {}) {
    this.#sqlite = sqlite;
    this.#pollIntervalMs = options.pollIntervalMs ?? 250;
    this.#leaseMs = options.leaseMs ?? 5 * 60_000;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#insert = sqlite.prepare("INSERT INTO fedify_queue (message, ordering_key, available_at) VALUES (?, ?, ?)");
    // The oldest due message whose ordering key has no earlier message still
    // waiting or in flight: that keeps per-key order across listeners.
    const pick = sqlite.prepare<[{ now: number }], Row>(`
      SELECT q.id, q.message FROM fedify_queue q
      WHERE q.available_at <= @now AND (q.leased_until IS NULL OR q.leased_until <= @now)
        AND (q.ordering_key IS NULL OR NOT EXISTS (
          SELECT 1 FROM fedify_queue p WHERE p.ordering_key = q.ordering_key AND p.id < q.id))
      ORDER BY q.available_at, q.id LIMIT 1`);
    const lease = sqlite.prepare<[number, number]>("UPDATE fedify_queue SET leased_until = ? WHERE id = ?");
    this.#claim = sqlite.transaction((now: number) => {
      const row = pick.get({ now });
      if (row) lease.run(now + this.#leaseMs, row.id);
      return row;
    });
    this.#finish = sqlite.prepare("DELETE FROM fedify_queue WHERE id = ?");
    this.#depth = sqlite.prepare(
      "SELECT count(*) AS queued, coalesce(sum(available_at <= ?), 0) AS ready FROM fedify_queue",
    );
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const delayMs = options?.delay == null ? 0 : Math.max(0, options.delay.total("millisecond"));
    const availableAt = Date.now() + delayMs;
    const insertAll = this.#sqlite.transaction(() => {
      for (const message of messages) {
        this.#insert.run(JSON.stringify(message), options?.orderingKey ?? null, availableAt);
      }
    });
    insertAll();
    const wake = () => {
      for (const w of localWakers.get(this.#sqlite.name) ?? []) w();
    };
    if (delayMs === 0) wake();
    else setTimeout(wake, delayMs).unref();
    return Promise.resolve();
  }

  async listen(handler: (message: unknown) => Promise<void> | void, options?: MessageQueueListenOptions): Promise<void> {
    await Promise.all(Array.from({ length: this.#concurrency }, () => this.#worker(handler, options?.signal)));
  }

  async #worker(handler: (message: unknown) => Promise<void> | void, signal: AbortSignal | undefined): Promise<void> {
    let wake: () => void = () => {};
    const waker = () => wake();
    const wakers = localWakers.get(this.#sqlite.name) ?? new Set();
    localWakers.set(this.#sqlite.name, wakers);
    wakers.add(waker);
    try {
      while (!signal?.aborted) {
        const row = this.#sqlite.open ? this.#claim(Date.now()) : undefined;
        if (!this.#sqlite.open) break;
        if (row == null) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, this.#pollIntervalMs);
            function done() {
              clearTimeout(timer);
              signal?.removeEventListener("abort", done);
              resolve();
            }
            wake = done;
            signal?.addEventListener("abort", done, { once: true });
          });
          continue;
        }
        try {
          await handler(JSON.parse(row.message));
        } catch {
          // Fedify retries failed deliveries itself by enqueueing them again
          // (nativeRetrial is false); an error here must not stop the listener.
        }
        if (this.#sqlite.open) this.#finish.run(row.id);
      }
    } finally {
      wakers.delete(waker);
    }
  }

  getDepth(): Promise<MessageQueueDepth> {
    const now = Date.now();
    const { queued, ready } = this.#depth.get(now)!;
    return Promise.resolve({ queued, ready, delayed: queued - ready });
  }
}
