import type Database from "better-sqlite3";
import { migrationsApplied } from "../db/migrations.ts";

export interface Readiness {
  readonly ready: boolean;
  /** Which checks failed, by name only: the page carries no data. */
  readonly failing: readonly ("database" | "migrations" | "queue_worker")[];
}

/** A queue worker beats every 5 s; silent for 30 s it is taken for dead (as the registry does). */
const WORKER_STALE_MS = 30_000;

/**
 * What a load balancer asks before sending traffic: the database takes a
 * write (the lock is taken and released, nothing written), every migration
 * is applied, and a queue worker, here or in `npm run worker`, has beaten
 * its heartbeat recently.  A few microseconds: fine to poll every second.
 * The write probe does not wait for a lock another connection holds: the
 * connection's busy timeout would stop the whole process for that long.
 */
export function checkReadiness(sqlite: Database.Database): Readiness {
  const failing: ("database" | "migrations" | "queue_worker")[] = [];
  const busyTimeout = sqlite.pragma("busy_timeout", { simple: true }) as number;
  sqlite.pragma("busy_timeout = 0");
  try {
    sqlite.prepare("BEGIN IMMEDIATE").run();
    sqlite.prepare("ROLLBACK").run();
  } catch {
    failing.push("database");
  } finally {
    sqlite.pragma(`busy_timeout = ${busyTimeout}`);
  }
  try {
    if (!migrationsApplied(sqlite)) failing.push("migrations");
    const alive = sqlite.prepare("SELECT 1 FROM queue_workers WHERE heartbeat_at > ? LIMIT 1").get(Date.now() - WORKER_STALE_MS);
    if (!alive) failing.push("queue_worker");
  } catch {
    failing.push("migrations");
  }
  return { ready: failing.length === 0, failing };
}
