import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { getLogger } from "@logtape/logtape";
import type postgres from "postgres";
import { deadWorkers, ownWorker, type RegisteredWorker, type WorkerRegistryOptions } from "./queue-workers.ts";

const log = getLogger(["consilium", "federation", "queue"]);

/** The driver's errors once its pool has been ended (also mid-query): the process is shutting down, not failing. */
export function isEnded(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "CONNECTION_ENDED" || code === "CONNECTION_DESTROYED";
}

/**
 * The PostgreSQL twin of WorkerRegistry (queue-workers.ts): queue workers on
 * every node register and beat a heartbeat in queue_workers, and the leases
 * of a worker that is gone are taken back (at once on its own host, after
 * `staleMs` from any other).  Which workers are gone is decided by the same
 * rule, deadWorkers().
 */
export class PostgresWorkerRegistry {
  readonly id = randomUUID();
  readonly #sql: postgres.Sql;
  readonly #heartbeatMs: number;
  readonly #staleMs: number;
  #timer: NodeJS.Timeout | null = null;

  constructor(sql: postgres.Sql, options: WorkerRegistryOptions = {}) {
    this.#sql = sql;
    this.#heartbeatMs = options.heartbeatMs ?? 5_000;
    this.#staleMs = options.staleMs ?? 30_000;
  }

  async start(): Promise<void> {
    if (this.#timer) return;
    ownWorker(this.id, true);
    this.#timer = setInterval(() => void this.#beat(), this.#heartbeatMs);
    this.#timer.unref();
    await this.#sql`
      INSERT INTO queue_workers (id, host, pid, heartbeat_at) VALUES (${this.id}, ${hostname()}, ${process.pid}, ${Date.now()})
      ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`;
    await this.sweep();
  }

  async #beat(): Promise<void> {
    try {
      await this.#sql`UPDATE queue_workers SET heartbeat_at = ${Date.now()} WHERE id = ${this.id}`;
      await this.sweep();
    } catch (error) {
      if (!isEnded(error)) log.warn("Queue heartbeat failed: {error}", { error });
    }
  }

  /** Gives back this worker's own leases and leaves (a graceful stop). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    ownWorker(this.id, false);
    try {
      await this.#release([this.id]);
    } catch (error) {
      if (!isEnded(error)) throw error;
    }
  }

  /** Takes back the leases of workers that are gone; returns how many workers were. */
  async sweep(now = Date.now()): Promise<number> {
    const workers = await this.#sql<RegisteredWorker[]>`SELECT id, host, pid, heartbeat_at AS "heartbeatAt" FROM queue_workers`;
    const dead = deadWorkers(workers, now, this.#staleMs);
    if (dead.length > 0) await this.#release(dead);
    return dead.length;
  }

  async #release(ids: readonly string[]): Promise<void> {
    await this.#sql.begin(async (tx) => {
      await tx`UPDATE fedify_queue SET leased_until = NULL, leased_by = NULL WHERE leased_by IN ${tx(ids)}`;
      await tx`DELETE FROM queue_workers WHERE id IN ${tx(ids)}`;
    });
  }
}
