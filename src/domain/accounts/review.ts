import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts } from "../../db/schema.ts";
import type { AuditLog } from "../audit.ts";
import { DomainError } from "../errors.ts";
import type { Identity, IdentityVault, ReviewEvent } from "../identity/vault.ts";
import type { RegisterService } from "../registers/service.ts";
import type { AccountService } from "./service.ts";
import type { AccountRow, AccountStatus } from "./types.ts";

/**
 * Verifiers' work on accounts: reading a sealed identity (audited), the
 * decisions (approve, reject, suspend, unsuspend, re-verify), asking the
 * applicant for more and their answer, the licence expiry, and register
 * re-matching.  Every decision is appended to the sealed review history and
 * the audit log in one transaction.
 */
export class AccountReview {
  readonly #db: Db;
  readonly #vault: IdentityVault;
  readonly #audit: AuditLog;
  readonly #registers: RegisterService;
  readonly #accounts: AccountService;

  constructor(deps: { db: Db; vault: IdentityVault; audit: AuditLog; registers: RegisterService; accounts: AccountService }) {
    this.#db = deps.db;
    this.#vault = deps.vault;
    this.#audit = deps.audit;
    this.#registers = deps.registers;
    this.#accounts = deps.accounts;
  }

  /**
   * What the applicant is told about their application: the verifiers'
   * requests and reasons, and their own answers (never who decided).
   */
  applicationMessages(accountId: string): { at: string; from: "verifier" | "applicant"; kind: string; text: string }[] {
    const account = this.#accounts.require(accountId);
    const shown: Record<string, "verifier" | "applicant"> = { request_info: "verifier", reject: "verifier", info_provided: "applicant" };
    return this.#vault
      .open(account.id, account.identity)
      .reviewHistory.filter((e) => shown[e.action] && e.note)
      .map((e) => ({ at: e.at, from: shown[e.action]!, kind: e.action, text: e.note! }));
  }

  /** A staff member reads an identity: always written to the audit log. */
  readIdentity(staffId: string, accountId: string, reason: string): Identity {
    const account = this.#accounts.require(accountId);
    this.#audit.record({ staffId, subjectId: accountId, action: "identity.read", reason });
    return this.#vault.open(account.id, account.identity);
  }

  approve(staffId: string, accountId: string, note?: string): AccountRow {
    return this.#decide(staffId, accountId, ["pending", "rejected"], "approved", "approve", note);
  }

  reject(staffId: string, accountId: string, note?: string): AccountRow {
    return this.#decide(staffId, accountId, ["pending"], "rejected", "reject", note);
  }

  suspend(staffId: string, accountId: string, note?: string): AccountRow {
    return this.#decide(staffId, accountId, ["approved"], "suspended", "suspend", note);
  }

  unsuspend(staffId: string, accountId: string, note?: string): AccountRow {
    return this.#decide(staffId, accountId, ["suspended"], "approved", "unsuspend", note);
  }

  /** Back to the queue: the credential is withdrawn until a verifier approves again. */
  reverify(staffId: string, accountId: string, note?: string): AccountRow {
    return this.#decide(staffId, accountId, ["approved"], "pending", "reverify", note);
  }

  /** The verifier asks the applicant for more; the applicant reads it on the /apply status page. */
  requestInformation(staffId: string, accountId: string, message: string): AccountRow {
    if (!message.trim()) throw new DomainError("unprocessable", "Validation failed: say what information is needed");
    return this.#decide(staffId, accountId, ["pending"], "pending", "request_info", message.trim(), { awaiting: "applicant" });
  }

  /** The applicant answers; the application is back with the verifiers. */
  provideInformation(accountId: string, message: string): AccountRow {
    const account = this.#accounts.require(accountId);
    if (account.status !== "pending" || account.awaiting !== "applicant")
      throw new DomainError("forbidden", "Nothing was asked of this application");
    if (!message.trim()) throw new DomainError("unprocessable", "Validation failed: write your answer");
    return this.#decide(null, accountId, ["pending"], "pending", "info_provided", message.trim(), { awaiting: null });
  }

  #decide(
    staffId: string | null,
    accountId: string,
    from: readonly AccountStatus[],
    to: AccountStatus,
    action: string,
    note?: string,
    change: { awaiting?: "applicant" | null } = {},
    now = new Date(),
  ): AccountRow {
    return this.#db.transaction(
      (tx) => {
        const account = tx.select().from(accounts).where(eq(accounts.id, accountId)).get();
        if (!account) throw new DomainError("not_found", "Record not found");
        if (account.id === staffId) throw new DomainError("forbidden", "You cannot review your own account");
        if (account.role === "owner") throw new DomainError("forbidden", "The owner account cannot be changed");
        if (!from.includes(account.status)) {
          throw new DomainError("forbidden", `Cannot ${action} an account that is ${account.status}`);
        }
        const identity = this.#vault.open(account.id, account.identity);
        const event: ReviewEvent = { at: now.toISOString(), staffId, action, ...(note ? { note: note.slice(0, 1000) } : {}) };
        const updated = tx
          .update(accounts)
          .set({
            status: to,
            updatedAt: now,
            identity: this.#vault.seal(account.id, { ...identity, reviewHistory: [...identity.reviewHistory, event] }),
            ...(to === "approved" && account.approvedAt == null ? { approvedAt: now } : {}),
            // A decision ends any wait for the applicant, unless it is the request itself.
            awaiting:
              change.awaiting !== undefined ? change.awaiting : to === "pending" && account.status === "pending" ? account.awaiting : null,
          })
          .where(eq(accounts.id, accountId))
          .returning()
          .get();
        this.#audit.record({ staffId, subjectId: accountId, action: `account.${action}`, reason: note ?? action }, now);
        return updated;
      },
      { behavior: "immediate" },
    );
  }

  /** The licence expiry a verifier recorded, for credential renewal (not a staff read). */
  licenceExpiry(accountId: string): string | null {
    const account = this.#accounts.get(accountId);
    return account ? (this.#vault.open(account.id, account.identity).licenseExpiresAt ?? null) : null;
  }

  /** Records (or clears) the licence expiry date a verifier confirmed. */
  setLicenceExpiry(staffId: string, accountId: string, expiresAt: string | null): AccountRow {
    const account = this.#accounts.require(accountId);
    const identity = this.#vault.open(account.id, account.identity);
    const event: ReviewEvent = { at: new Date().toISOString(), staffId, action: "licence_expiry", note: expiresAt ?? "none" };
    const updated = this.#db
      .update(accounts)
      .set({
        identity: this.#vault.seal(account.id, {
          ...identity,
          licenseExpiresAt: expiresAt,
          reviewHistory: [...identity.reviewHistory, event],
        }),
      })
      .where(eq(accounts.id, accountId))
      .returning()
      .get();
    this.#audit.record({ staffId, subjectId: accountId, action: "account.licence_expiry", reason: expiresAt ?? "cleared" });
    return updated;
  }

  /** Accounts from before the register-match column was kept in clear get it, once. */
  backfillRegisterMatch(): number {
    const rows = this.#db
      .select()
      .from(accounts)
      .where(and(eq(accounts.role, "physician"), isNull(accounts.registerMatch)))
      .all();
    for (const account of rows) {
      const status = this.#vault.open(account.id, account.identity).registerMatch.status;
      this.#db.update(accounts).set({ registerMatch: status }).where(eq(accounts.id, account.id)).run();
    }
    return rows.length;
  }

  /** Re-checks pending applications after a register import. */
  rematchPending(now = new Date()): number {
    let changed = 0;
    const pending: AccountRow[] = [];
    for (let page = this.#accounts.list({ status: "pending", limit: 200 }); page.length > 0;) {
      pending.push(...page);
      page = this.#accounts.list({ status: "pending", limit: 200, maxId: page.at(-1)!.id });
    }
    for (const account of pending) {
      const identity = this.#vault.open(account.id, account.identity);
      const registerMatch = this.#registers.match(identity, now);
      if (registerMatch.status === identity.registerMatch.status) continue;
      this.#db
        .update(accounts)
        .set({ identity: this.#vault.seal(account.id, { ...identity, registerMatch }), registerMatch: registerMatch.status })
        .where(eq(accounts.id, account.id))
        .run();
      changed++;
    }
    return changed;
  }
}
