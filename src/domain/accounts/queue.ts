import { and, asc, count, desc, eq, isNotNull, isNull, min, ne, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts } from "../../db/schema.ts";
import type { RegisterMatchStatus } from "../registers/matching.ts";
import type { AccountRow, AccountStatus } from "./types.ts";

export interface QueueFilter {
  readonly jurisdiction?: string;
  readonly specialty?: string;
  readonly match?: RegisterMatchStatus;
  /** Whose move it is: the verifiers' (default) or the applicant's. */
  readonly waitingFor?: "verifiers" | "applicant";
}

export interface QueueSummary {
  readonly waitingForVerifiers: number;
  readonly waitingForApplicants: number;
  readonly oldest: Date | null;
}

/**
 * The verification queue and the staff's account search: reads over the
 * clear columns only (pseudonym, specialty, jurisdiction, register match),
 * never the sealed identity.
 */
export class ReviewQueue {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  #pendingWhere(filter: QueueFilter): SQL | undefined {
    return and(
      eq(accounts.status, "pending"),
      eq(accounts.role, "physician"),
      filter.waitingFor === "applicant" ? isNotNull(accounts.awaiting) : isNull(accounts.awaiting),
      filter.jurisdiction ? eq(accounts.jurisdiction, filter.jurisdiction) : undefined,
      filter.specialty ? eq(accounts.specialty, filter.specialty) : undefined,
      filter.match ? eq(accounts.registerMatch, filter.match) : undefined,
    );
  }

  /** Pending applications, oldest first. */
  pending(filter: QueueFilter, page: { limit: number; offset: number }): { rows: AccountRow[]; total: number } {
    const where = this.#pendingWhere(filter);
    const rows = this.#db
      .select()
      .from(accounts)
      .where(where)
      .orderBy(asc(accounts.createdAt), asc(accounts.id))
      .limit(page.limit)
      .offset(page.offset)
      .all();
    const total = this.#db.select({ n: count() }).from(accounts).where(where).get()?.n ?? 0;
    return { rows, total };
  }

  summary(): QueueSummary {
    const base = and(eq(accounts.status, "pending"), eq(accounts.role, "physician"));
    const verifiers = this.#db
      .select({ n: count(), oldest: min(accounts.createdAt) })
      .from(accounts)
      .where(and(base, isNull(accounts.awaiting)))
      .get();
    const applicants = this.#db
      .select({ n: count() })
      .from(accounts)
      .where(and(base, isNotNull(accounts.awaiting)))
      .get();
    return { waitingForVerifiers: verifiers?.n ?? 0, waitingForApplicants: applicants?.n ?? 0, oldest: verifiers?.oldest ?? null };
  }

  /** Jurisdictions among pending applications (for the queue's filter). */
  pendingJurisdictions(): string[] {
    return this.#db
      .selectDistinct({ j: accounts.jurisdiction })
      .from(accounts)
      .where(and(eq(accounts.status, "pending"), ne(accounts.role, "owner")))
      .orderBy(asc(accounts.jurisdiction))
      .all()
      .map((r) => r.j)
      .filter((j): j is string => j != null);
  }

  /** Staff search: by handle (prefix or part), status and specialty, newest first. */
  search(
    query: { q?: string; status?: AccountStatus; specialty?: string; staff?: boolean },
    page: { limit: number; offset: number },
  ): { rows: AccountRow[]; total: number } {
    const q = query.q?.trim().replace(/^@/, "").toLowerCase();
    const where = and(
      // Handles have underscores, LIKE's wildcard: escaped.
      q ? sql`${accounts.usernameKey} LIKE ${`%${q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`} ESCAPE '\\'` : undefined,
      query.status ? eq(accounts.status, query.status) : undefined,
      query.specialty ? eq(accounts.specialty, query.specialty) : undefined,
      query.staff === undefined ? undefined : query.staff ? ne(accounts.role, "physician") : eq(accounts.role, "physician"),
    );
    const rows = this.#db.select().from(accounts).where(where).orderBy(desc(accounts.id)).limit(page.limit).offset(page.offset).all();
    const total = this.#db.select({ n: count() }).from(accounts).where(where).get()?.n ?? 0;
    return { rows, total };
  }
}
