import { AsyncLocalStorage } from "node:async_hooks";
import type { MessageQueue, MessageQueueDepth, MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type postgres from "postgres";
import { isEnded, PostgresWorkerRegistry } from "./postgres-queue-workers.ts";
import { type Handling, laneOf, messageIdOf, type QueueOptions } from "./queue-rules.ts";

const log = getLogger(["consilium", "federation", "queue"]);

/** Wakes idle listeners on every node (ids only: the payload is empty). */
const CHANNEL = "fedify_queue";
/** The transaction lock that serialises claims: per-key order and lane limits hold across nodes. */
const CLAIM_LOCK = 0x46_51_43_4c; // "FQCL"

export interface PostgresMessageQueueOptions extends QueueOptions {
  readonly workers?: PostgresWorkerRegistry;
}

interface Row {
  id: number;
  message: string;
}

/**
 * Fedify's MessageQueue on PostgreSQL, with the SQLite queue's promises
 * (sqlite-queue.ts) across any number of nodes: a message stays a row until
 * its handler has finished (a lease names its worker, and a dead worker's
 * leases are taken back), messages sharing an ordering key go one at a time
 * in order, a retry keeps its row and place, and each remote origin is a lane
 * with a limit of messages in flight.  Claims run one at a time under a
 * transaction lock, which is what makes the order and the lane limit hold
 * between nodes; an idle listener asks first, without the lock, whether
 * anything is due.  Enqueues wake listeners everywhere with NOTIFY.
 */
export class PostgresMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  readonly #sql: postgres.Sql;
  readonly #pollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #concurrency: number;
  readonly #laneLimit: number;
  readonly #workers: PostgresWorkerRegistry;
  readonly #handling = new AsyncLocalStorage<Handling>();
  readonly #wakers = new Set<() => void>();

  constructor(sql: postgres.Sql, options: PostgresMessageQueueOptions = {}) {
    this.#sql = sql;
    this.#pollIntervalMs = options.pollIntervalMs ?? 250;
    this.#leaseMs = options.leaseMs ?? 10 * 60_000;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#laneLimit = Math.max(1, options.laneLimit ?? 2);
    this.#workers = options.workers ?? new PostgresWorkerRegistry(sql);
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const delayMs = options?.delay == null ? 0 : Math.max(0, options.delay.total("millisecond"));
    const now = Date.now();
    const availableAt = now + delayMs;
    const handling = this.#handling.getStore();
    if (handling && messages.length === 1 && handling.messageId != null && messageIdOf(messages[0]) === handling.messageId) {
      // A retry (or a hold) of the message being handled: it keeps its row.
      await this
        .#sql`UPDATE fedify_queue SET message = ${JSON.stringify(messages[0])}, available_at = ${availableAt} WHERE id = ${handling.id}`;
      handling.kept = true;
      return;
    }
    if (messages.length === 0) return;
    const rows = messages.map((message) => ({
      message: JSON.stringify(message),
      ordering_key: options?.orderingKey ?? null,
      available_at: availableAt,
      lane: laneOf(message),
      enqueued_at: now,
    }));
    await this.#sql`INSERT INTO fedify_queue ${this.#sql(rows)}`;
    if (delayMs === 0) await this.#notify();
    else setTimeout(() => void this.#notify().catch(() => {}), delayMs).unref();
  }

  async #notify(): Promise<void> {
    this.#wakeHere();
    await this.#sql`SELECT pg_notify(${CHANNEL}, '')`;
  }

  #wakeHere(): void {
    for (const wake of this.#wakers) wake();
  }

  /** Makes a lane's waiting messages due now (its origin answered again). */
  async releaseLane(origin: string): Promise<number> {
    const now = Date.now();
    const { count } = await this.#sql`
      UPDATE fedify_queue SET available_at = ${now}
      WHERE lane = ${origin} AND available_at > ${now} AND (leased_until IS NULL OR leased_until <= ${now})`;
    if (count > 0) await this.#notify();
    return count;
  }

  async listen(handler: (message: unknown) => Promise<void> | void, options?: MessageQueueListenOptions): Promise<void> {
    let subscription: { unlisten(): Promise<void> };
    try {
      await this.#workers.start();
      subscription = await this.#sql.listen(CHANNEL, () => this.#wakeHere());
    } catch (error) {
      // The pool was ended while the listener was starting: nothing to listen to.
      await this.#workers.stop();
      if (isEnded(error)) return;
      throw error;
    }
    try {
      await Promise.all(Array.from({ length: this.#concurrency }, () => this.#worker(handler, options?.signal)));
    } finally {
      await subscription.unlisten().catch(() => {});
      await this.#workers.stop();
    }
  }

  async #worker(handler: (message: unknown) => Promise<void> | void, signal: AbortSignal | undefined): Promise<void> {
    // A wake-up that comes while the claim is on its way is kept, so it is not lost.
    const state = { woken: false, wake: () => {} };
    const waker = () => {
      state.woken = true;
      state.wake();
    };
    this.#wakers.add(waker);
    try {
      while (!signal?.aborted) {
        state.woken = false;
        let row: Row | undefined;
        try {
          row = await this.#claim(Date.now());
        } catch (error) {
          if (isEnded(error)) break;
          log.warn("Could not claim a queued message: {error}", { error });
        }
        if (row == null) {
          if (!state.woken) await this.#idle(signal, (done) => (state.wake = done));
          state.wake = () => {};
          continue;
        }
        await this.#handle(row, handler);
        // Let requests in: draining a long queue must not starve the server.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#wakers.delete(waker);
    }
  }

  #idle(signal: AbortSignal | undefined, onWake: (done: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.#pollIntervalMs);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      onWake(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  async #handle(row: Row, handler: (message: unknown) => Promise<void> | void): Promise<void> {
    const message = JSON.parse(row.message) as unknown;
    const handling: Handling = { id: row.id, messageId: messageIdOf(message), kept: false };
    try {
      await this.#handling.run(handling, () => handler(message));
    } catch {
      // Fedify retries failed deliveries itself by enqueueing them again
      // (nativeRetrial is false); an error here must not stop the listener.
    }
    try {
      if (handling.kept) await this.#sql`UPDATE fedify_queue SET leased_until = NULL, leased_by = NULL WHERE id = ${row.id}`;
      else await this.#sql`DELETE FROM fedify_queue WHERE id = ${row.id}`;
    } catch (error) {
      // The row stays leased: a new life of this worker (or the lease's end) hands it out again.
      if (!isEnded(error)) log.warn("Could not finish queued message {id}: {error}", { id: row.id, error });
    }
  }

  async #claim(now: number): Promise<Row | undefined> {
    const [due] = await this.#sql`
      SELECT 1 FROM fedify_queue WHERE available_at <= ${now} AND (leased_until IS NULL OR leased_until <= ${now}) LIMIT 1`;
    if (due == null) return undefined;
    return this.#sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`;
      // The oldest due message whose ordering key has no earlier message still
      // waiting or in flight, in a lane that is not at its limit.
      const [row] = await tx<Row[]>`
        UPDATE fedify_queue SET leased_until = ${now + this.#leaseMs}, leased_by = ${this.#workers.id}
        WHERE id = (
          SELECT q.id FROM fedify_queue q
          WHERE q.available_at <= ${now} AND (q.leased_until IS NULL OR q.leased_until <= ${now})
            AND (q.ordering_key IS NULL OR NOT EXISTS (
              SELECT 1 FROM fedify_queue p WHERE p.ordering_key = q.ordering_key AND p.id < q.id))
            AND (q.lane IS NULL OR (
              SELECT count(*) FROM fedify_queue l WHERE l.lane = q.lane AND l.leased_until > ${now}) < ${this.#laneLimit})
          ORDER BY q.available_at, q.id LIMIT 1)
        RETURNING id, message`;
      return row;
    });
  }

  async getDepth(): Promise<MessageQueueDepth> {
    const now = Date.now();
    const [depth] = await this.#sql<{ queued: number; ready: number }[]>`
      SELECT count(*) AS queued, count(*) FILTER (WHERE available_at <= ${now}) AS ready FROM fedify_queue`;
    const { queued, ready } = depth!;
    return { queued, ready, delayed: queued - ready };
  }

  /** Messages waiting per lane (remote origin), with the age of the oldest, for staff and metrics. */
  async lanes(now = Date.now()): Promise<{ origin: string; queued: number; ready: number; oldestMs: number }[]> {
    const rows = await this.#sql<{ origin: string; queued: number; ready: number; oldest: number }[]>`
      SELECT lane AS origin, count(*) AS queued, count(*) FILTER (WHERE available_at <= ${now}) AS ready,
             min(coalesce(enqueued_at, available_at)) AS oldest
      FROM fedify_queue WHERE lane IS NOT NULL GROUP BY lane ORDER BY lane`;
    return rows.map((r) => ({ origin: r.origin, queued: r.queued, ready: r.ready, oldestMs: Math.max(0, now - r.oldest) }));
  }
}
