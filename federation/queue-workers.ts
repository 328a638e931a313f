import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type Database from "better-sqlite3";

/** Tables whose rows are leased by queue workers. */
const LEASED_TABLES = ["fedify_queue", "inbox_activities"] as const;

/** Worker ids registered by this very process (several queues may share one). */
const ownWorkers = new Set<string>();

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface RegisteredWorker {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly heartbeatAt: number;
}

/**
 * The registered workers that are gone: silent for `staleMs` on any host, or
 * on this host a pid that no longer runs (or is this process's own pid under
 * another id: an earlier life of this process).  Both backends' registries
 * decide by this.
 */
export function deadWorkers(workers: readonly RegisteredWorker[], now: number, staleMs: number): string[] {
  const here = hostname();
  return workers
    .filter((w) => {
      if (ownWorkers.has(w.id)) return false;
      if (now - w.heartbeatAt > staleMs) return true;
      if (w.host !== here) return false;
      return w.pid === process.pid || !processIsAlive(w.pid);
    })
    .map((w) => w.id);
}

/** Marks a worker id as this process's own (never swept by a sibling registry here). */
export function ownWorker(id: string, own: boolean): void {
  if (own) ownWorkers.add(id);
  else ownWorkers.delete(id);
}

export interface WorkerRegistryOptions {
  readonly heartbeatMs?: number;
  /** A worker silent for this long is taken for dead, on any host. */
  readonly staleMs?: number;
}

/**
 * Queue workers register themselves and beat a heartbeat.  A lease names its
 * worker, so when a process dies (kill -9, power loss) its leases are taken
 * back as soon as that is known: at once on the same host (the pid is gone,
 * or a restarted process got the same pid), after `staleMs` elsewhere.
 * Without this a crashed delivery waited out its whole lease.
 */
export class WorkerRegistry {
  readonly id = randomUUID();
  readonly #sqlite: Database.Database;
  readonly #heartbeatMs: number;
  readonly #staleMs: number;
  readonly #register: Database.Statement<[string, string, number, number]>;
  readonly #beat: Database.Statement<[number, string]>;
  readonly #workers: Database.Statement<[], RegisteredWorker>;
  readonly #unleaseWorker: Database.Statement<[string, string]>[];
  readonly #forget: Database.Statement<[string]>;
  #timer: NodeJS.Timeout | null = null;

  constructor(sqlite: Database.Database, options: WorkerRegistryOptions = {}) {
    this.#sqlite = sqlite;
    this.#heartbeatMs = options.heartbeatMs ?? 5_000;
    this.#staleMs = options.staleMs ?? 30_000;
    this.#register = sqlite.prepare("INSERT OR REPLACE INTO queue_workers (id, host, pid, heartbeat_at) VALUES (?, ?, ?, ?)");
    this.#beat = sqlite.prepare("UPDATE queue_workers SET heartbeat_at = ? WHERE id = ?");
    this.#workers = sqlite.prepare("SELECT id, host, pid, heartbeat_at AS heartbeatAt FROM queue_workers");
    this.#unleaseWorker = LEASED_TABLES.map((table) =>
      sqlite.prepare<[string, string]>(`UPDATE ${table} SET leased_until = NULL, leased_by = NULL WHERE leased_by = ? OR leased_by LIKE ?`),
    );
    this.#forget = sqlite.prepare("DELETE FROM queue_workers WHERE id = ?");
  }

  start(): void {
    if (this.#timer) return;
    ownWorkers.add(this.id);
    this.#register.run(this.id, hostname(), process.pid, Date.now());
    this.sweep();
    this.#timer = setInterval(() => {
      if (!this.#sqlite.open) return;
      this.#beat.run(Date.now(), this.id);
      this.sweep();
    }, this.#heartbeatMs);
    this.#timer.unref();
  }

  /** Gives back this worker's own leases and leaves (a graceful stop). */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    ownWorkers.delete(this.id);
    if (this.#sqlite.open) this.#release([this.id]);
  }

  /** Takes back the leases of workers that are gone; returns how many workers were. */
  sweep(now = Date.now()): number {
    const dead = deadWorkers(this.#workers.all(), now, this.#staleMs);
    if (dead.length > 0) this.#release(dead);
    return dead.length;
  }

  /** A worker's leases name it, or it and a slot number ("<id>#2"). */
  #release(ids: readonly string[]): void {
    this.#sqlite.transaction(() => {
      for (const id of ids) {
        for (const unlease of this.#unleaseWorker) unlease.run(id, `${id}#%`);
        this.#forget.run(id);
      }
    })();
  }
}
