import { and, desc, eq, inArray, or } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, accountWarnings, favourites, follows, notifications, remoteActors, statuses as statusesTable } from "../../db/schema.ts";
import type { AccountReview } from "../accounts/review.ts";
import type { AccountService } from "../accounts/service.ts";
import type { AuditLog } from "../audit.ts";
import type { CredentialLifecycle } from "../credentials/lifecycle.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import { newId } from "../ids.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { PeerService } from "../peers/service.ts";
import type { StatusService } from "../statuses/service.ts";
import type { StatusStore } from "../statuses/store.ts";
import type { ReportService } from "./reports.ts";

export type WarningRow = typeof accountWarnings.$inferSelect;
/** Mastodon's admin account actions. */
export const ACCOUNT_ACTIONS = ["none", "sensitive", "disable", "silence", "suspend"] as const;
export type AccountAction = (typeof ACCOUNT_ACTIONS)[number];
export type UndoAction = "unsilence" | "unsensitive" | "enable" | "unsuspend";

/**
 * What staff do about an account, local or a peer's, and what reaches
 * whom.  On a local physician: a warning, limiting, forced-sensitive media,
 * disabled sign-in, suspension (credential withdrawn, peers told), a post
 * removed everywhere; each comes with a reason the physician reads and may
 * appeal once.  On a peer's physician: limited or suspended *here* (their
 * posts removed here, nothing of theirs accepted).  On a whole peer: the
 * peering ended, and optionally what we held of theirs removed.
 */
export class ModerationActions {
  readonly #db: Db;
  readonly #accounts: AccountService;
  readonly #review: AccountReview;
  readonly #store: StatusStore;
  readonly #statuses: StatusService;
  readonly #notifications: NotificationService;
  readonly #audit: AuditLog;
  readonly #credentials: CredentialLifecycle;
  readonly #reports: ReportService;
  readonly #peers: PeerService;
  readonly #events: DomainEvents;

  constructor(deps: {
    db: Db;
    accounts: AccountService;
    review: AccountReview;
    store: StatusStore;
    statuses: StatusService;
    notifications: NotificationService;
    audit: AuditLog;
    credentials: CredentialLifecycle;
    reports: ReportService;
    peers: PeerService;
    events: DomainEvents;
  }) {
    this.#db = deps.db;
    this.#accounts = deps.accounts;
    this.#review = deps.review;
    this.#store = deps.store;
    this.#statuses = deps.statuses;
    this.#notifications = deps.notifications;
    this.#audit = deps.audit;
    this.#credentials = deps.credentials;
    this.#reports = deps.reports;
    this.#peers = deps.peers;
    this.#events = deps.events;
  }

  #warn(
    staffId: string,
    accountId: string,
    action: WarningRow["action"],
    text: string,
    statusIds: readonly string[],
    reportId: string | null,
    now = new Date(),
  ): WarningRow {
    const warning = this.#db
      .insert(accountWarnings)
      .values({
        id: newId(now.getTime()),
        accountId,
        action,
        text: text.slice(0, 2000),
        statusIds: JSON.stringify(statusIds),
        reportId,
        createdByAccountId: staffId,
        createdAt: now,
      })
      .returning()
      .get();
    // The physician reads it in their client (and on their account page if they cannot sign in).
    this.#notifications.notify(accountId, "moderation_warning", accountId, null, now, warning.id);
    return warning;
  }

  #remote(accountId: string) {
    return this.#db.select().from(remoteActors).where(eq(remoteActors.id, accountId)).get();
  }

  /**
   * Mastodon's `POST /api/v1/admin/accounts/:id/action`.  On a local
   * physician it records a warning with the reason; on a peer's physician
   * `silence` and `suspend` apply here only.  A report it answers is resolved.
   */
  async act(
    staffId: string,
    accountId: string,
    input: { type: AccountAction; text?: string; reportId?: string | null },
    now = new Date(),
  ): Promise<WarningRow | null> {
    if (!ACCOUNT_ACTIONS.includes(input.type))
      throw new DomainError("unprocessable", `Validation failed: type must be one of ${ACCOUNT_ACTIONS.join(", ")}`);
    const text = (input.text ?? "").trim();
    if (input.reportId) this.#reports.require(input.reportId);
    const local = this.#accounts.get(accountId);
    let warning: WarningRow | null = null;
    if (local) {
      if (local.id === staffId) throw new DomainError("forbidden", "You cannot act on your own account");
      if (local.role !== "physician")
        throw new DomainError("forbidden", "Staff accounts are not moderated here; change their role instead");
      if (local.deletedAt) throw new DomainError("unprocessable", "This account was deleted");
      switch (input.type) {
        case "sensitive":
          this.#db.update(accounts).set({ sensitized: true }).where(eq(accounts.id, local.id)).run();
          break;
        case "disable":
          this.#db.update(accounts).set({ disabled: true }).where(eq(accounts.id, local.id)).run();
          break;
        case "silence":
          this.#db.update(accounts).set({ silenced: true }).where(eq(accounts.id, local.id)).run();
          break;
        case "suspend":
          await this.#credentials.sync(this.#review.suspend(staffId, local.id, text || "suspended"));
          break;
        case "none":
          break;
      }
      warning = this.#warn(staffId, local.id, input.type, text, [], input.reportId ?? null, now);
      this.#audit.record(
        { staffId, subjectId: local.id, action: `account.${input.type === "none" ? "warn" : input.type}`, reason: text || input.type },
        now,
      );
    } else {
      const remote = this.#remote(accountId);
      if (!remote) throw new DomainError("not_found", "Record not found");
      if (input.type === "silence") this.#db.update(remoteActors).set({ silenced: true }).where(eq(remoteActors.id, remote.id)).run();
      else if (input.type === "suspend") this.#suspendRemote(remote.id);
      else if (input.type !== "none")
        throw new DomainError("unprocessable", `A peer's physician can be limited or suspended here, not given ${input.type}`);
      this.#audit.record(
        { staffId, subjectId: remote.id, action: `remote.${input.type}`, reason: `${remote.uri}: ${text || input.type}` },
        now,
      );
    }
    if (input.reportId) this.#reports.resolve(staffId, input.reportId, now);
    return warning;
  }

  /** A peer's physician suspended here: their posts, follows and reactions go; nothing of theirs is accepted. */
  #suspendRemote(remoteId: string): void {
    this.#db.update(remoteActors).set({ suspended: true }).where(eq(remoteActors.id, remoteId)).run();
    this.removeContentOf([remoteId]);
  }

  /** Everything held here of these peers' physicians: posts (with their boosts), follows, reactions, notifications. */
  removeContentOf(remoteIds: readonly string[]): number {
    if (remoteIds.length === 0) return 0;
    const ids = [...remoteIds];
    const rows = this.#db.select().from(statusesTable).where(inArray(statusesTable.accountId, ids)).all();
    for (const row of rows) this.#store.removeWithBoosts(row);
    const severed = this.#db
      .delete(follows)
      .where(or(inArray(follows.followerId, ids), inArray(follows.followingId, ids)))
      .returning()
      .all();
    this.#db.delete(favourites).where(inArray(favourites.accountId, ids)).run();
    this.#db.delete(notifications).where(inArray(notifications.fromAccountId, ids)).run();
    // Feeds and counts follow the follows that ended.
    for (const f of severed)
      this.#events.emit({ type: "relationship.changed", accountId: f.followerId, targetId: f.followingId, change: "unfollow" });
    return rows.length;
  }

  /** Takes a decision back. */
  async undo(staffId: string, accountId: string, action: UndoAction, now = new Date()): Promise<void> {
    const local = this.#accounts.get(accountId);
    if (local) {
      if (action === "unsuspend") await this.#credentials.sync(this.#review.unsuspend(staffId, local.id));
      else {
        const set = action === "unsilence" ? { silenced: false } : action === "unsensitive" ? { sensitized: false } : { disabled: false };
        this.#db.update(accounts).set(set).where(eq(accounts.id, local.id)).run();
      }
      this.#audit.record({ staffId, subjectId: local.id, action: `account.${action}`, reason: action }, now);
    } else {
      const remote = this.#remote(accountId);
      if (!remote) throw new DomainError("not_found", "Record not found");
      if (action === "unsilence") this.#db.update(remoteActors).set({ silenced: false }).where(eq(remoteActors.id, remote.id)).run();
      else if (action === "unsuspend") this.#db.update(remoteActors).set({ suspended: false }).where(eq(remoteActors.id, remote.id)).run();
      else throw new DomainError("unprocessable", `${action} does not apply to a peer's physician`);
      this.#audit.record({ staffId, subjectId: remote.id, action: `remote.${action}`, reason: remote.uri }, now);
    }
  }

  /**
   * A post removed by staff: a local one is deleted everywhere (federated
   * Delete) and its author warned with the reason; a peer's is removed here.
   */
  async deleteStatus(staffId: string, statusId: string, reason: string, reportId: string | null = null, now = new Date()): Promise<void> {
    const status = this.#store.get(statusId);
    if (!status) throw new DomainError("not_found", "Record not found");
    if (!reason.trim()) throw new DomainError("unprocessable", "Validation failed: give the reason the author will read");
    const author = this.#accounts.get(status.accountId);
    if (author) {
      await this.#statuses.delete(author.id, status.id);
      this.#warn(staffId, author.id, "delete_statuses", reason.trim(), [status.id], reportId, now);
    } else {
      this.#store.removeWithBoosts(status);
    }
    this.#audit.record({ staffId, subjectId: status.accountId, action: "status.delete", reason: `${status.uri}: ${reason.trim()}` }, now);
    if (reportId) this.#reports.resolve(staffId, reportId, now);
  }

  /** A whole peer: the peering ended, and (if chosen) everything held of its physicians removed here. */
  async endPeering(staffId: string, origin: string, reason: string, purge: boolean, now = new Date()): Promise<number> {
    const peer = await this.#peers.end(origin);
    let removed = 0;
    if (purge) {
      const ids = this.#db
        .select({ id: remoteActors.id })
        .from(remoteActors)
        .where(eq(remoteActors.origin, peer.origin))
        .all()
        .map((r) => r.id);
      removed = this.removeContentOf(ids);
      this.#db.update(remoteActors).set({ gone: true }).where(eq(remoteActors.origin, peer.origin)).run();
    }
    this.#audit.record(
      { staffId, subjectId: null, action: "peer.end", reason: `${peer.origin}: ${reason}${purge ? ` (removed ${removed} posts)` : ""}` },
      now,
    );
    return removed;
  }

  warnings(accountId: string): WarningRow[] {
    return this.#db.select().from(accountWarnings).where(eq(accountWarnings.accountId, accountId)).orderBy(desc(accountWarnings.id)).all();
  }

  warning(id: string): WarningRow | undefined {
    return /^\d{1,20}$/.test(id) ? this.#db.select().from(accountWarnings).where(eq(accountWarnings.id, id)).get() : undefined;
  }

  /** The physician's one appeal of a decision. */
  appeal(accountId: string, warningId: string, text: string, now = new Date()): WarningRow {
    const warning = this.warning(warningId);
    if (!warning || warning.accountId !== accountId) throw new DomainError("not_found", "Record not found");
    if (warning.appealedAt) throw new DomainError("unprocessable", "This decision has already been appealed");
    if (warning.action === "none") throw new DomainError("unprocessable", "A warning has nothing to appeal");
    const clean = text.trim();
    if (!clean || clean.length > 2000) throw new DomainError("unprocessable", "Validation failed: the appeal needs 1 to 2000 characters");
    const appealed = this.#db
      .update(accountWarnings)
      .set({ appealText: clean, appealedAt: now, appealState: "pending" })
      .where(eq(accountWarnings.id, warning.id))
      .returning()
      .get();
    this.#audit.record({ staffId: null, subjectId: accountId, action: "appeal.submit", reason: `warning ${warning.id}` }, now);
    return appealed;
  }

  /** Staff decide an appeal; approving takes the decision back. */
  async decideAppeal(staffId: string, warningId: string, approve: boolean, now = new Date()): Promise<WarningRow> {
    const warning = this.warning(warningId);
    if (!warning || warning.appealState !== "pending") throw new DomainError("unprocessable", "There is no pending appeal here");
    if (approve) {
      const undo: Partial<Record<WarningRow["action"], UndoAction>> = {
        silence: "unsilence",
        sensitive: "unsensitive",
        disable: "enable",
        suspend: "unsuspend",
      };
      const action = undo[warning.action];
      if (action) await this.undo(staffId, warning.accountId, action, now);
    }
    const decided = this.#db
      .update(accountWarnings)
      .set({ appealState: approve ? "approved" : "rejected" })
      .where(eq(accountWarnings.id, warning.id))
      .returning()
      .get();
    this.#audit.record(
      { staffId, subjectId: warning.accountId, action: approve ? "appeal.approve" : "appeal.reject", reason: `warning ${warning.id}` },
      now,
    );
    return decided;
  }

  /** Appeals waiting for staff. */
  pendingAppeals(): WarningRow[] {
    return this.#db
      .select()
      .from(accountWarnings)
      .where(and(eq(accountWarnings.appealState, "pending")))
      .orderBy(desc(accountWarnings.id))
      .all();
  }
}
