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

/** An activity still failing this long after it was accepted is given up, with a record staff can see. */
export const GIVE_UP_AFTER_MS = 60 * 60_000;
/** An activity that took this long (or failed for a peer) marks its origin slow … */
const SLOW_ACTIVITY_MS = 2_000;
/** … for this long. */
const SLOW_FOR_MS = 60_000;

export interface InboxWorkerOptions {
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Workers side by side; each takes batches from one sender at a time. */
  readonly concurrency?: number;
  /** Workers that slow origins may hold together (default: half). */
  readonly slowShare?: number;
  readonly giveUpAfterMs?: number;
}

type Outcome = "applied" | "retry" | "dropped";

/**
 * The persist stage of the inbox: takes accepted activities in batches and
 * applies each through the domain services.  An activity that cannot be read
 * or is refused by the rules is dropped (it was answered 202 and is logged);
 * one that failed because a peer did not answer is retried with back-off,
 * keeping its place in its object's order, and given up (with a record for
 * staff) an hour after it arrived.  No sender, and no group of slow senders,
 * can take every worker: an origin whose activities fail or take long is
 * marked slow for a minute, and the slow origins together get at most
 * `slowShare` workers; a worker that meets a slow activity hands the rest of
 * its batch back at once.  The worker yields to the event loop between
 * activities so requests are never starved.
 */
export class InboxWorker {
  readonly #store: InboxStore;
  readonly #workers: WorkerRegistry;
  readonly #process: (row: PendingActivity) => Promise<void>;
  readonly #onGiveUp: (row: PendingActivity, error: Error) => void;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number;
  readonly #concurrency: number;
  readonly #slowShare: number;
  readonly #giveUpAfterMs: number;
  /** Origins judged slow, until when (epoch ms). */
  readonly #slowUntil = new Map<string, number>();
  /** Activities being applied now: an origin whose activity has run long is slow already. */
  readonly #running = new Map<number, { origin: string; since: number }>();

  constructor(deps: {
    store: InboxStore;
    workers: WorkerRegistry;
    /** Reads the stored activity and applies it. */
    process: (row: PendingActivity) => Promise<void>;
    /** An activity given up after failing for `giveUpAfterMs`. */
    onGiveUp?: (row: PendingActivity, error: Error) => void;
    options?: InboxWorkerOptions;
  }) {
    this.#store = deps.store;
    this.#workers = deps.workers;
    this.#process = deps.process;
    this.#onGiveUp = deps.onGiveUp ?? (() => {});
    this.#batchSize = deps.options?.batchSize ?? 16;
    this.#pollIntervalMs = deps.options?.pollIntervalMs ?? 250;
    // Workers mostly wait on peers (fetches), not on the CPU: eight overlap those waits.
    this.#concurrency = deps.options?.concurrency ?? 8;
    this.#slowShare = deps.options?.slowShare ?? Math.max(1, Math.floor(this.#concurrency / 2));
    this.#giveUpAfterMs = deps.options?.giveUpAfterMs ?? GIVE_UP_AFTER_MS;
  }

  /** The origins slow right now. */
  slowOrigins(now = Date.now()): Set<string> {
    const slow = new Set<string>();
    for (const [origin, until] of this.#slowUntil) {
      if (until > now) slow.add(origin);
      else this.#slowUntil.delete(origin);
    }
    for (const { origin, since } of this.#running.values()) if (now - since > SLOW_ACTIVITY_MS) slow.add(origin);
    return slow;
  }

  async #handle(row: PendingActivity): Promise<Outcome> {
    const started = Date.now();
    this.#running.set(row.id, { origin: row.origin, since: started });
    try {
      await this.#process(row);
      this.#store.finish(row.id);
      if (Date.now() - started > SLOW_ACTIVITY_MS) this.#slowUntil.set(row.origin, Date.now() + SLOW_FOR_MS);
      return "applied";
    } catch (error) {
      if (isTransient(error)) {
        this.#slowUntil.set(row.origin, Date.now() + SLOW_FOR_MS);
        if (Date.now() - row.receivedAt < this.#giveUpAfterMs) {
          log.info("Will retry {activity} (attempt {attempt}): {error}", {
            activity: row.activityId,
            attempt: row.attempts + 1,
            error: (error as Error).message,
          });
          this.#store.retryLater(row.id, retryDelayMs(row.attempts));
          return "retry";
        }
        log.warn("Gave up {activity} from {origin} after {minutes} minutes: {error}", {
          activity: row.activityId,
          origin: row.origin,
          minutes: Math.round((Date.now() - row.receivedAt) / 60_000),
          error: (error as Error).message,
        });
        this.#store.finish(row.id);
        this.#onGiveUp(row, error as Error);
        return "dropped";
      }
      log.warn("Dropped {activity} from {origin}: {error}", {
        activity: row.activityId,
        origin: row.origin,
        error: (error as Error).message,
      });
      this.#store.finish(row.id);
      return "dropped";
    } finally {
      this.#running.delete(row.id);
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
      const batch = this.#store.claim(leaseId, this.#batchSize, Date.now(), { slow: this.slowOrigins(), slowShare: this.#slowShare });
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
      for (let i = 0; i < batch.length; i++) {
        if (signal.aborted) return;
        const row = batch[i]!;
        await this.#handle(row);
        // A slow sender keeps no worker longer than one activity: the rest of its batch goes back.
        if (this.#slowUntil.has(row.origin) && this.#slowUntil.get(row.origin)! > Date.now()) {
          for (const rest of batch.slice(i + 1)) this.#store.release(rest.id);
          break;
        }
        // Let requests in between activities.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
}
