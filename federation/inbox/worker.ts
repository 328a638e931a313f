import { logger } from "../../src/logging.ts";
import { OutgoingRequestRefused } from "../outgoing-http.ts";
import type { WorkerRegistry } from "../queue-workers.ts";
import type { InboxStore, PendingActivity } from "./store.ts";

const log = logger("federation", "inbox");

/** A failure worth trying again: the peer did not answer, or answered with an error. */
export function isTransient(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e != null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutgoingRequestRefused) return false;
    const name = (e as { name?: string }).name;
    if (name === "FetchError") {
      // A peer that answered 404 or 403 will answer so again; 5xx, 408 and 429 may pass.
      const status = (e as { response?: { status?: number } }).response?.status;
      return status == null || status >= 500 || status === 408 || status === 429;
    }
    if (name === "TimeoutError" || name === "AbortError") return true;
    if (e instanceof TypeError && /fetch failed/i.test(e.message)) return true;
    const code = (e as { code?: string }).code;
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") return true;
  }
  return false;
}

/** Seconds before the n-th retry: 1, 2, 4 … capped at a minute (peers are known and come back). */
export function retryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** attempts, 60_000) * (1 + Math.random() * 0.2);
}

/** Activities waiting on an unreachable peer are kept this long, then dropped with an error. */
const GIVE_UP_AFTER_ATTEMPTS = 1500; // about a day at one a minute

export interface InboxWorkerOptions {
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Workers side by side; each takes batches from one sender at a time. */
  readonly concurrency?: number;
}

/**
 * The persist stage of the inbox: takes accepted activities in batches and
 * applies each through the domain services.  An activity that cannot be read
 * or is refused by the rules is dropped (it was answered 202 and is logged);
 * one that failed because a peer did not answer is retried with back-off,
 * keeping its place in its object's order.  The worker yields to the event
 * loop between activities so requests are never starved.
 */
export class InboxWorker {
  readonly #store: InboxStore;
  readonly #workers: WorkerRegistry;
  readonly #process: (row: PendingActivity) => Promise<void>;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number;
  readonly #concurrency: number;

  constructor(deps: {
    store: InboxStore;
    workers: WorkerRegistry;
    /** Reads the stored activity and applies it. */
    process: (row: PendingActivity) => Promise<void>;
    options?: InboxWorkerOptions;
  }) {
    this.#store = deps.store;
    this.#workers = deps.workers;
    this.#process = deps.process;
    this.#batchSize = deps.options?.batchSize ?? 16;
    this.#pollIntervalMs = deps.options?.pollIntervalMs ?? 250;
    this.#concurrency = deps.options?.concurrency ?? 4;
  }

  async #handle(row: PendingActivity): Promise<void> {
    try {
      await this.#process(row);
      this.#store.finish(row.id);
    } catch (error) {
      if (isTransient(error) && row.attempts < GIVE_UP_AFTER_ATTEMPTS) {
        log.info("Will retry {activity} (attempt {attempt}): {error}", { activity: row.activityId, attempt: row.attempts + 1, error: (error as Error).message });
        this.#store.retryLater(row.id, retryDelayMs(row.attempts));
      } else {
        log.warn("Dropped {activity} from {origin}: {error}", { activity: row.activityId, origin: row.origin, error: (error as Error).message });
        this.#store.finish(row.id);
      }
    }
  }

  /** Runs `concurrency` workers until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    this.#workers.start();
    const wakers = new Set<() => void>();
    // One idle slot per new activity: waking them all would have each one look, and all but one find nothing.
    const unsubscribe = this.#store.onAppend(() => {
      for (const wake of wakers) {
        wake();
        return;
      }
    });
    try {
      await Promise.all(Array.from({ length: this.#concurrency }, (_, n) => this.#slot(`${this.#workers.id}#${n}`, signal, wakers)));
    } finally {
      unsubscribe();
      this.#workers.stop();
    }
  }

  /** One worker; its leases carry the registry's id and its number, so a lane counts workers. */
  async #slot(leaseId: string, signal: AbortSignal, wakers: Set<() => void>): Promise<void> {
    while (!signal.aborted) {
      const batch = this.#store.claim(leaseId, this.#batchSize);
      if (batch.length === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, this.#pollIntervalMs);
          function done() {
            clearTimeout(timer);
            signal.removeEventListener("abort", done);
            wakers.delete(done);
            resolve();
          }
          wakers.add(done);
          signal.addEventListener("abort", done, { once: true });
        });
        continue;
      }
      for (const row of batch) {
        if (signal.aborted) return;
        await this.#handle(row);
        // Let requests in between activities.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
}
