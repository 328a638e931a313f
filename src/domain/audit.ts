import { and, count, desc, eq, gte, like, lt, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { auditLog } from "../db/schema.ts";

export interface AuditEntry {
  readonly staffId: string | null;
  readonly subjectId: string | null;
  readonly action: string;
  readonly reason: string;
}

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditFilter {
  readonly staffId?: string;
  readonly subjectId?: string;
  /** An action, or a family of them ("account." matches every account decision). */
  readonly action?: string;
  readonly from?: Date;
  readonly until?: Date;
}

/** Who read or decided what about whom, and why.  Append-only. */
export class AuditLog {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  record(entry: AuditEntry, now = new Date()): void {
    this.#db
      .insert(auditLog)
      .values({ ...entry, createdAt: now })
      .run();
  }

  list(options: { subjectId?: string; limit?: number } = {}) {
    return this.search({ subjectId: options.subjectId }, { limit: options.limit ?? 100, offset: 0 }).rows;
  }

  #where(filter: AuditFilter): SQL | undefined {
    return and(
      filter.staffId ? eq(auditLog.staffId, filter.staffId) : undefined,
      filter.subjectId ? eq(auditLog.subjectId, filter.subjectId) : undefined,
      filter.action
        ? filter.action.endsWith(".")
          ? like(auditLog.action, `${filter.action}%`)
          : eq(auditLog.action, filter.action)
        : undefined,
      filter.from ? gte(auditLog.createdAt, filter.from) : undefined,
      filter.until ? lt(auditLog.createdAt, filter.until) : undefined,
    );
  }

  /** Newest first, filtered, a page at a time (limit Infinity for an export). */
  search(filter: AuditFilter, page: { limit: number; offset: number }): { rows: AuditRow[]; total: number } {
    const where = this.#where(filter);
    const query = this.#db.select().from(auditLog).where(where).orderBy(desc(auditLog.id));
    const rows = Number.isFinite(page.limit) ? query.limit(page.limit).offset(page.offset).all() : query.all();
    const total = this.#db.select({ n: count() }).from(auditLog).where(where).get()?.n ?? 0;
    return { rows, total };
  }

  /** The actions recorded so far (for the console's filter). */
  actions(): string[] {
    return this.#db
      .selectDistinct({ action: auditLog.action })
      .from(auditLog)
      .orderBy(auditLog.action)
      .all()
      .map((r) => r.action);
  }
}
