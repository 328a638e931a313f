import { and, desc, eq, inArray, isNotNull, isNull, lt, ne, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, reports } from "../../db/schema.ts";
import type { AuditLog } from "../audit.ts";
import type { Directory } from "../directory/service.ts";
import { DomainError } from "../errors.ts";
import type { FederationPort } from "../federation-port.ts";
import { newId } from "../ids.ts";
import type { InstanceRules } from "../instance-rules.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { StatusStore } from "../statuses/store.ts";

export type ReportRow = typeof reports.$inferSelect;
export const REPORT_CATEGORIES = ["spam", "legal", "violation", "other"] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export interface ReportInput {
  readonly targetId: string;
  readonly statusIds?: readonly string[];
  readonly comment?: string;
  readonly category?: ReportCategory;
  readonly ruleIds?: readonly string[];
  readonly forward?: boolean;
}

const MAX_COMMENT = 1000;

/**
 * Reports, Mastodon's model across borders: a physician reports an account
 * (and some of its posts) to this instance's staff; about a peer's
 * physician, it may be forwarded as a `Flag` from the instance actor, so the
 * reporter is never named to the other instance.  A peer's `Flag` becomes a
 * report naming only the reporting instance.
 */
export class ReportService {
  readonly #db: Db;
  readonly #directory: Directory;
  readonly #store: StatusStore;
  readonly #rules: InstanceRules;
  readonly #audit: AuditLog;
  readonly #notifications: NotificationService;
  readonly #port: FederationPort;

  constructor(deps: {
    db: Db;
    directory: Directory;
    store: StatusStore;
    rules: InstanceRules;
    audit: AuditLog;
    notifications: NotificationService;
    port: FederationPort;
  }) {
    this.#db = deps.db;
    this.#directory = deps.directory;
    this.#store = deps.store;
    this.#rules = deps.rules;
    this.#audit = deps.audit;
    this.#notifications = deps.notifications;
    this.#port = deps.port;
  }

  get(id: string): ReportRow | undefined {
    return /^\d{1,20}$/.test(id) ? this.#db.select().from(reports).where(eq(reports.id, id)).get() : undefined;
  }

  require(id: string): ReportRow {
    const report = this.get(id);
    if (!report) throw new DomainError("not_found", "Record not found");
    return report;
  }

  /** Every staff member hears of a new report (Mastodon's `admin.report`). */
  #tellStaff(report: ReportRow, fromAccountId: string): void {
    const staff = this.#db
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(ne(accounts.role, "physician"), eq(accounts.status, "approved")))
      .all();
    for (const s of staff) this.#notifications.notify(s.id, "admin.report", fromAccountId, null, report.createdAt, report.id);
  }

  /** A local physician's report. */
  async create(reporterId: string, input: ReportInput, now = new Date()): Promise<ReportRow> {
    const target = this.#directory.get(input.targetId);
    if (!target) throw new DomainError("not_found", "Record not found");
    if (target.id === reporterId) throw new DomainError("unprocessable", "Validation failed: you cannot report yourself");
    const category = input.category ?? (input.ruleIds && input.ruleIds.length > 0 ? "violation" : "other");
    if (!REPORT_CATEGORIES.includes(category))
      throw new DomainError("unprocessable", `Validation failed: category must be one of ${REPORT_CATEGORIES.join(", ")}`);
    const comment = (input.comment ?? "").trim();
    if (comment.length > MAX_COMMENT)
      throw new DomainError("unprocessable", `Validation failed: comment is too long (maximum is ${MAX_COMMENT} characters)`);
    const statusIds = [...new Set(input.statusIds ?? [])];
    const statuses = this.#store.getMany(statusIds);
    if (statusIds.some((id) => statuses.get(id)?.accountId !== target.id))
      throw new DomainError("unprocessable", "Validation failed: the statuses must be the reported account's own");
    const rules = new Set(this.#rules.list().map((r) => String(r.id)));
    const ruleIds = [...new Set(input.ruleIds ?? [])];
    if (category === "violation" && ruleIds.length === 0)
      throw new DomainError("unprocessable", "Validation failed: name the rules that were broken");
    if (ruleIds.some((id) => !rules.has(id))) throw new DomainError("unprocessable", "Validation failed: an unknown rule was named");
    const forward = input.forward === true && !target.local;
    const report = this.#db
      .insert(reports)
      .values({
        id: newId(now.getTime()),
        accountId: reporterId,
        targetAccountId: target.id,
        statusIds: JSON.stringify(statusIds),
        ruleIds: JSON.stringify(category === "violation" ? ruleIds : []),
        comment,
        category,
        forwarded: forward,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    this.#tellStaff(report, reporterId);
    if (forward)
      await this.#port.reportForwarded(
        report,
        target,
        statusIds.map((id) => statuses.get(id)!),
      );
    return report;
  }

  /** A peer's `Flag` about one of ours: kept once per Flag, naming only the instance. */
  receiveFlag(
    input: { origin: string; uri: string; targetId: string; statusIds: readonly string[]; comment: string },
    now = new Date(),
  ): ReportRow | null {
    const target = this.#directory.get(input.targetId);
    if (!target?.local) return null;
    const statuses = this.#store.getMany(input.statusIds);
    const own = input.statusIds.filter((id) => statuses.get(id)?.accountId === target.id);
    const report = this.#db
      .insert(reports)
      .values({
        id: newId(now.getTime()),
        accountId: null,
        origin: input.origin,
        uri: input.uri,
        targetAccountId: target.id,
        statusIds: JSON.stringify(own),
        comment: input.comment.slice(0, MAX_COMMENT),
        category: "other",
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning()
      .get();
    if (report) this.#tellStaff(report, target.id);
    return report ?? null;
  }

  /** Staff's list: unresolved by default, newest first. */
  list(filter: { resolved?: boolean; targetId?: string; reporterId?: string; maxId?: string; limit?: number } = {}): ReportRow[] {
    const conditions: (SQL | undefined)[] = [
      filter.resolved === undefined ? undefined : eq(reports.actionTaken, filter.resolved),
      filter.targetId ? eq(reports.targetAccountId, filter.targetId) : undefined,
      filter.reporterId ? eq(reports.accountId, filter.reporterId) : undefined,
      filter.maxId ? lt(reports.id, filter.maxId) : undefined,
    ];
    return this.#db
      .select()
      .from(reports)
      .where(and(...conditions))
      .orderBy(desc(reports.id))
      .limit(Math.min(filter.limit ?? 100, 200))
      .all();
  }

  /** Open reports (for the dashboard and the menu). */
  openCount(): number {
    return this.#db.select({ id: reports.id }).from(reports).where(eq(reports.actionTaken, false)).all().length;
  }

  #update(staffId: string, id: string, set: Partial<ReportRow>, action: string, now = new Date()): ReportRow {
    const report = this.require(id);
    const updated = this.#db
      .update(reports)
      .set({ ...set, updatedAt: now })
      .where(eq(reports.id, report.id))
      .returning()
      .get();
    this.#audit.record({ staffId, subjectId: report.targetAccountId, action: `report.${action}`, reason: `report ${report.id}` }, now);
    return updated;
  }

  assign(staffId: string, id: string, to: string | null = staffId): ReportRow {
    return this.#update(staffId, id, { assignedAccountId: to }, to ? "assign" : "unassign");
  }

  /** Resolved: the local reporter is told (never by whom, never what was done to whom). */
  resolve(staffId: string, id: string, now = new Date()): ReportRow {
    const report = this.require(id);
    if (report.actionTaken) return report;
    const resolved = this.#update(staffId, id, { actionTaken: true, actionTakenAt: now, actionTakenByAccountId: staffId }, "resolve", now);
    if (report.accountId) this.#notifications.notify(report.accountId, "report_resolved", report.accountId, null, now, report.id);
    return resolved;
  }

  reopen(staffId: string, id: string): ReportRow {
    return this.#update(staffId, id, { actionTaken: false, actionTakenAt: null, actionTakenByAccountId: null }, "reopen");
  }

  /** Staff may correct the category and the rules named. */
  categorise(staffId: string, id: string, change: { category?: ReportCategory; ruleIds?: readonly string[] }): ReportRow {
    if (change.category && !REPORT_CATEGORIES.includes(change.category))
      throw new DomainError("unprocessable", `Validation failed: category must be one of ${REPORT_CATEGORIES.join(", ")}`);
    return this.#update(
      staffId,
      id,
      { ...(change.category ? { category: change.category } : {}), ...(change.ruleIds ? { ruleIds: JSON.stringify(change.ruleIds) } : {}) },
      "update",
    );
  }

  /** Reports a physician made (erasure leaves them, without the reporter). */
  forgetReporter(accountId: string): void {
    this.#db.update(reports).set({ accountId: null }).where(eq(reports.accountId, accountId)).run();
  }

  /** Open reports about these accounts (for the console's account page). */
  aboutAccounts(ids: readonly string[]): ReportRow[] {
    if (ids.length === 0) return [];
    return this.#db
      .select()
      .from(reports)
      .where(and(inArray(reports.targetAccountId, [...ids]), isNull(reports.actionTakenAt)))
      .all();
  }

  /** Reports with an origin (from peers), for tests and the console's filter. */
  fromPeers(): ReportRow[] {
    return this.#db.select().from(reports).where(isNotNull(reports.origin)).orderBy(desc(reports.id)).all();
  }
}
