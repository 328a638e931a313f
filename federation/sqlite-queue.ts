import { AsyncLocalStorage } from "node:async_hooks";
import type { MessageQueue, MessageQueueDepth, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import type Database from "better-sqlite3";
import { type Handling, laneOf, messageIdOf, type QueueOptions } from "./queue-rules.ts";
import { WorkerRegistry } from "./queue-workers.ts";

export interface SqliteMessageQueueOptions extends QueueOptions {
  readonly workers?: WorkerRegistry;
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
 * restart.  Messages sharing an ordering key are handed out one at a time, in
 * order; a message that is retried keeps its place (Fedify re-enqueues a
 * failed delivery, and a new row would let later messages for the same object
 * overtake it).  Each remote origin is a lane with a small limit of messages
 * in flight, so one slow or dead host never takes every worker.
 */
export class SqliteMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  readonly #sqlite: Database.Database;
  readonly #pollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #concurrency: number;
  readonly #laneLimit: number;
  readonly #workers: WorkerRegistry;
  readonly #handling = new AsyncLocalStorage<Handling>();
  readonly #insert: Database.Statement<[string, string | null, number, string | null, number]>;
  readonly #claim: (now: number) => Row | undefined;
  readonly #finish: Database.Statement<[number]>;
  readonly #replace: Database.Statement<[string, number, number]>;
  readonly #unlease: Database.Statement<[number]>;
  readonly #depth: Database.Statement<[number], { queued: number; ready: number }>;
  readonly #releaseLane: Database.Statement<[number, string, number, number]>;
  readonly #lanes: Database.Statement<[number], { origin: string; queued: number; ready: number; oldest: number }>;

  constructor(sqlite: Database.Database, options: SqliteMessageQueueOptions = {}) {
    this.#sqlite = sqlite;
    this.#pollIntervalMs = options.pollIntervalMs ?? 250;
    this.#leaseMs = options.leaseMs ?? 10 * 60_000;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#laneLimit = Math.max(1, options.laneLimit ?? 2);
    this.#workers = options.workers ?? new WorkerRegistry(sqlite);
    this.#insert = sqlite.prepare(
      "INSERT INTO fedify_queue (message, ordering_key, available_at, lane, enqueued_at) VALUES (?, ?, ?, ?, ?)",
    );
    // The oldest due message whose ordering key has no earlier message still
    // waiting or in flight (per-key order across listeners), in a lane that
    // is not already at its limit.
    const pick = sqlite.prepare<[{ now: number; laneLimit: number }], Row>(`
      SELECT q.id, q.message FROM fedify_queue q
      WHERE q.available_at <= @now AND (q.leased_until IS NULL OR q.leased_until <= @now)
        AND (q.ordering_key IS NULL OR NOT EXISTS (
          SELECT 1 FROM fedify_queue p WHERE p.ordering_key = q.ordering_key AND p.id < q.id))
        AND (q.lane IS NULL OR (
          SELECT count(*) FROM fedify_queue l WHERE l.lane = q.lane AND l.leased_until > @now) < @laneLimit)
      ORDER BY q.available_at, q.id LIMIT 1`);
    const lease = sqlite.prepare<[number, string, number]>("UPDATE fedify_queue SET leased_until = ?, leased_by = ? WHERE id = ?");
    this.#claim = sqlite.transaction((now: number) => {
      const row = pick.get({ now, laneLimit: this.#laneLimit });
      if (row) lease.run(now + this.#leaseMs, this.#workers.id, row.id);
      return row;
    });
    this.#finish = sqlite.prepare("DELETE FROM fedify_queue WHERE id = ?");
    this.#replace = sqlite.prepare("UPDATE fedify_queue SET message = ?, available_at = ? WHERE id = ?");
    this.#unlease = sqlite.prepare("UPDATE fedify_queue SET leased_until = NULL, leased_by = NULL WHERE id = ?");
    this.#depth = sqlite.prepare("SELECT count(*) AS queued, coalesce(sum(available_at <= ?), 0) AS ready FROM fedify_queue");
    this.#releaseLane = sqlite.prepare(
      "UPDATE fedify_queue SET available_at = ? WHERE lane = ? AND available_at > ? AND (leased_until IS NULL OR leased_until <= ?)",
    );
    this.#lanes = sqlite.prepare(
      "SELECT lane AS origin, count(*) AS queued, coalesce(sum(available_at <= ?), 0) AS ready, min(coalesce(enqueued_at, available_at)) AS oldest FROM fedify_queue WHERE lane IS NOT NULL GROUP BY lane ORDER BY lane",
    );
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const delayMs = options?.delay == null ? 0 : Math.max(0, options.delay.total("millisecond"));
    const now = Date.now();
    const availableAt = now + delayMs;
    const handling = this.#handling.getStore();
    if (handling && messages.length === 1 && handling.messageId != null && messageIdOf(messages[0]) === handling.messageId) {
      // A retry (or a hold) of the message being handled: it keeps its row.
      this.#replace.run(JSON.stringify(messages[0]), availableAt, handling.id);
      handling.kept = true;
      return Promise.resolve();
    }
    this.#sqlite.transaction(() => {
      for (const message of messages) {
        this.#insert.run(JSON.stringify(message), options?.orderingKey ?? null, availableAt, laneOf(message), now);
      }
    })();
    if (delayMs === 0) this.#wake();
    else setTimeout(() => this.#wake(), delayMs).unref();
    return Promise.resolve();
  }

  #wake(): void {
    for (const w of localWakers.get(this.#sqlite.name) ?? []) w();
  }

  /** Makes a lane's waiting messages due now (its origin answered again). */
  releaseLane(origin: string): number {
    const now = Date.now();
    const changes = this.#releaseLane.run(now, origin, now, now).changes;
    if (changes > 0) this.#wake();
    return changes;
  }

  async listen(handler: (message: unknown) => Promise<void> | void, options?: MessageQueueListenOptions): Promise<void> {
    this.#workers.start();
    try {
      await Promise.all(Array.from({ length: this.#concurrency }, () => this.#worker(handler, options?.signal)));
    } finally {
      this.#workers.stop();
    }
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
        const message = JSON.parse(row.message) as unknown;
        const handling: Handling = { id: row.id, messageId: messageIdOf(message), kept: false };
        try {
          await this.#handling.run(handling, () => handler(message));
        } catch {
          // Fedify retries failed deliveries itself by enqueueing them again
          // (nativeRetrial is false); an error here must not stop the listener.
        }
        if (this.#sqlite.open) {
          if (handling.kept) this.#unlease.run(row.id);
          else this.#finish.run(row.id);
        }
        // Let requests in: draining a long queue must not starve the server.
        await new Promise((resolve) => setImmediate(resolve));
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

  /** Messages waiting per lane (remote origin), with the age of the oldest, for staff and metrics. */
  lanes(now = Date.now()): { origin: string; queued: number; ready: number; oldestMs: number }[] {
    const rows = this.#lanes.all(now);
    return rows.map((r) => ({ origin: r.origin, queued: r.queued, ready: r.ready, oldestMs: Math.max(0, now - r.oldest) }));
  }
}
