import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";

/**
 * Scheduled jobs under a lease in the database, so that with several
 * processes on one database (web nodes and workers) a job runs in one of
 * them at a time.  A claim is one conditional upsert: it succeeds when the
 * job is free, its lease has run out, or this process already holds it.
 * A lease as long as the job's interval means one run per interval across
 * the cluster; when the holder dies, another process takes the job at the
 * first claim after the lease ends.
 */
export class JobLeases {
  readonly holder = randomUUID();
  readonly #claim: Database.Statement<[string, string, number, number]>;
  readonly #release: Database.Statement<[string, string]>;
  readonly #releaseAll: Database.Statement<[string]>;

  constructor(sqlite: Database.Database) {
    this.#claim = sqlite.prepare(`
      INSERT INTO job_leases (job, holder, until) VALUES (?, ?, ?)
      ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, until = excluded.until
      WHERE job_leases.until <= ? OR job_leases.holder = excluded.holder`);
    this.#release = sqlite.prepare("DELETE FROM job_leases WHERE job = ? AND holder = ?");
    this.#releaseAll = sqlite.prepare("DELETE FROM job_leases WHERE holder = ?");
  }

  /** Takes (or keeps) `job` for `ms`; false when another process holds it. */
  claim(job: string, ms: number, now = Date.now()): boolean {
    return this.#claim.run(job, this.holder, now + ms, now).changes > 0;
  }

  /** Gives a job up at once (a graceful stop), so that another process need not wait out the lease. */
  release(job: string): void {
    this.#release.run(job, this.holder);
  }

  /** Gives up every job this process holds (it is stopping). */
  releaseAll(): void {
    this.#releaseAll.run(this.holder);
  }

  /** Runs `work` if this process may run `job` now; answers whether it ran. */
  async runIfLeader(job: string, ms: number, work: () => Promise<unknown>): Promise<boolean> {
    if (!this.claim(job, ms)) return false;
    await work();
    return true;
  }
}
