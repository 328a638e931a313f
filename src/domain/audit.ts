import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { auditLog } from "../db/schema.ts";

export interface AuditEntry {
  readonly staffId: string | null;
  readonly subjectId: string | null;
  readonly action: string;
  readonly reason: string;
}

/** Who read or decided what about whom, and why.  Append-only. */
export class AuditLog {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  record(entry: AuditEntry, now = new Date()): void {
    this.#db.insert(auditLog).values({ ...entry, createdAt: now }).run();
  }

  list(options: { subjectId?: string; limit?: number } = {}) {
    const query = this.#db.select().from(auditLog);
    const filtered = options.subjectId ? query.where(eq(auditLog.subjectId, options.subjectId)) : query;
    return filtered.orderBy(desc(auditLog.id)).limit(options.limit ?? 100).all();
  }
}
