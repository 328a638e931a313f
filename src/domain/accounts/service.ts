import { and, count, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts } from "../../db/schema.ts";
import type { AuditLog } from "../audit.ts";
import type { PasswordHasher } from "../crypto/password.ts";
import { DomainError, type FieldErrors, validationFailed } from "../errors.ts";
import { newId } from "../ids.ts";
import { legalNamePartsIn } from "../identity/names.ts";
import { assertNoPhi } from "../phi/enforce.ts";
import type { Identity, IdentityVault, ReviewEvent } from "../identity/vault.ts";
import type { RegisterService } from "../registers/service.ts";
import { findSpecialty } from "../specialties.ts";
import { type AccountRow, type AccountStatus, HANDLE_PATTERN, JURISDICTION_PATTERN, type Role } from "./types.ts";

export interface Application {
  readonly username: string;
  readonly email: string;
  readonly password: string;
  readonly agreement: boolean;
  readonly locale?: string;
  readonly reason?: string;
  readonly displayName?: string;
  readonly legalName: string;
  readonly licenseNumber: string;
  readonly licenseJurisdiction: string;
  readonly specialty: string;
}

export interface StaffAccount {
  readonly username: string;
  readonly email: string;
  readonly password: string;
  readonly role: Role;
}

export interface ProfileUpdate {
  readonly displayName?: string;
  readonly note?: string;
  readonly disclosures?: string;
  readonly locked?: boolean;
}

const RESERVED_HANDLES = new Set([
  "admin", "administrator", "root", "support", "help", "webmaster", "mod", "moderator",
  "staff", "verifier", "actor", "instance", "consilium", "system", "postmaster", "abuse",
]);
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;

const err = (error: string, description: string) => [{ error, description }];

/** Applications, approval, profiles and identity reads for local accounts. */
export class AccountService {
  readonly #db: Db;
  readonly #vault: IdentityVault;
  readonly #passwords: PasswordHasher;
  readonly #audit: AuditLog;
  readonly #registers: RegisterService;

  constructor(deps: {
    db: Db;
    vault: IdentityVault;
    passwords: PasswordHasher;
    audit: AuditLog;
    registers: RegisterService;
  }) {
    this.#db = deps.db;
    this.#vault = deps.vault;
    this.#passwords = deps.passwords;
    this.#audit = deps.audit;
    this.#registers = deps.registers;
  }

  get(id: string): AccountRow | undefined {
    if (!/^\d{1,20}$/.test(id)) return undefined;
    return this.#db.select().from(accounts).where(eq(accounts.id, id)).get();
  }

  findByUsername(username: string): AccountRow | undefined {
    return this.#db.select().from(accounts).where(eq(accounts.usernameKey, username.toLowerCase())).get();
  }

  /** An approved account by handle: the only kind that exists to the outside. */
  findApprovedByUsername(username: string): AccountRow | undefined {
    const account = this.findByUsername(username);
    return account?.status === "approved" ? account : undefined;
  }

  /** Approved accounts: the instance's users as NodeInfo and the instance API count them. */
  countApproved(): number {
    return this.#db.select({ n: count() }).from(accounts).where(eq(accounts.status, "approved")).get()!.n;
  }

  list(options: { status?: AccountStatus; maxId?: string; limit?: number } = {}): AccountRow[] {
    const conditions = [
      options.status ? eq(accounts.status, options.status) : undefined,
      options.maxId ? lt(accounts.id, options.maxId) : undefined,
    ].filter((c) => c != null);
    return this.#db
      .select()
      .from(accounts)
      .where(conditions.length > 0 ? and(...conditions) : undefined)
      .orderBy(desc(accounts.id))
      .limit(Math.min(options.limit ?? 100, 200))
      .all();
  }

  /** A physician's application: stored pending, identity sealed, register checked. */
  async apply(input: Application, now = new Date()): Promise<AccountRow> {
    const fields: FieldErrors = {};
    if (!HANDLE_PATTERN.test(input.username)) {
      fields["username"] = err("ERR_INVALID", "must contain only letters, numbers and underscores (at most 30)");
    } else if (RESERVED_HANDLES.has(input.username.toLowerCase())) {
      fields["username"] = err("ERR_RESERVED", "is reserved");
    }
    if (!EMAIL_PATTERN.test(input.email.trim())) fields["email"] = err("ERR_INVALID", "is invalid");
    if (input.password.length < PASSWORD_MIN) fields["password"] = err("ERR_TOO_SHORT", `is too short (minimum is ${PASSWORD_MIN} characters)`);
    if (input.password.length > PASSWORD_MAX) fields["password"] = err("ERR_TOO_LONG", `is too long (maximum is ${PASSWORD_MAX} characters)`);
    if (!input.agreement) fields["agreement"] = err("ERR_ACCEPTED", "must be accepted");
    if (input.legalName.trim().length < 2) fields["legal_name"] = err("ERR_BLANK", "can't be blank");
    if (input.licenseNumber.trim().length === 0) fields["license_number"] = err("ERR_BLANK", "can't be blank");
    const jurisdiction = input.licenseJurisdiction.trim().toUpperCase();
    if (!JURISDICTION_PATTERN.test(jurisdiction)) {
      fields["license_jurisdiction"] = err("ERR_INVALID", "must be an ISO 3166 code such as GB or US-CA");
    }
    if (!findSpecialty(input.specialty)) fields["specialty"] = err("ERR_INVALID", "is not a known specialty code");
    this.#checkPseudonym(fields, input.legalName, { username: input.username, display_name: input.displayName ?? "" });
    if (Object.keys(fields).length > 0) throw validationFailed(fields);
    assertNoPhi({ display_name: input.displayName });

    const passwordHash = await this.#passwords.hash(input.password);
    const id = newId(now.getTime());
    const identity: Identity = {
      legalName: input.legalName.trim(),
      email: input.email.trim(),
      licenseNumber: input.licenseNumber.trim(),
      licenseJurisdiction: jurisdiction,
      registerMatch: this.#registers.match(
        { legalName: input.legalName, licenseNumber: input.licenseNumber, licenseJurisdiction: jurisdiction },
        now,
      ),
      reviewHistory: [{ at: now.toISOString(), staffId: null, action: "applied", note: input.reason?.slice(0, 1000) }],
    };
    return this.#insert({
      id,
      username: input.username,
      displayName: input.displayName ?? "",
      role: "physician",
      status: "pending",
      specialty: input.specialty,
      jurisdiction,
      locale: input.locale ?? "en",
      email: input.email,
      passwordHash,
      identity,
      now,
    });
  }

  /** Staff accounts (the owner from the CLI): approved at once, no licence. */
  async createStaff(input: StaffAccount, now = new Date()): Promise<AccountRow> {
    const fields: FieldErrors = {};
    if (!HANDLE_PATTERN.test(input.username)) fields["username"] = err("ERR_INVALID", "must contain only letters, numbers and underscores (at most 30)");
    if (!EMAIL_PATTERN.test(input.email.trim())) fields["email"] = err("ERR_INVALID", "is invalid");
    if (input.password.length < PASSWORD_MIN) fields["password"] = err("ERR_TOO_SHORT", `is too short (minimum is ${PASSWORD_MIN} characters)`);
    if (Object.keys(fields).length > 0) throw validationFailed(fields);
    const passwordHash = await this.#passwords.hash(input.password);
    return this.#insert({
      id: newId(now.getTime()),
      username: input.username,
      displayName: "",
      role: input.role,
      status: "approved",
      specialty: null,
      jurisdiction: null,
      locale: "en",
      email: input.email,
      passwordHash,
      identity: {
        legalName: "",
        email: input.email.trim(),
        licenseNumber: "",
        licenseJurisdiction: "",
        registerMatch: { status: "none", matchedOn: [], checkedAt: now.toISOString() },
        reviewHistory: [{ at: now.toISOString(), staffId: null, action: `created as ${input.role}` }],
      },
      now,
      approvedAt: now,
    });
  }

  #insert(row: {
    id: string;
    username: string;
    displayName: string;
    role: Role;
    status: AccountStatus;
    specialty: string | null;
    jurisdiction: string | null;
    locale: string;
    email: string;
    passwordHash: string;
    identity: Identity;
    now: Date;
    approvedAt?: Date;
  }): AccountRow {
    const emailHmac = this.#vault.emailLookupKey(row.email);
    const usernameKey = row.username.toLowerCase();
    return this.#db.transaction((tx) => {
      const fields: FieldErrors = {};
      if (tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.usernameKey, usernameKey)).get()) {
        fields["username"] = err("ERR_TAKEN", "has already been taken");
      }
      if (tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.emailHmac, emailHmac)).get()) {
        fields["email"] = err("ERR_TAKEN", "has already been taken");
      }
      if (Object.keys(fields).length > 0) throw validationFailed(fields);
      return tx
        .insert(accounts)
        .values({
          id: row.id,
          username: row.username,
          usernameKey,
          displayName: row.displayName,
          role: row.role,
          status: row.status,
          specialty: row.specialty,
          jurisdiction: row.jurisdiction,
          locale: row.locale,
          emailHmac,
          passwordHash: row.passwordHash,
          identity: this.#vault.seal(row.id, row.identity),
          createdAt: row.now,
          updatedAt: row.now,
          approvedAt: row.approvedAt ?? null,
        })
        .returning()
        .get();
      // IMMEDIATE: another process (the CLI beside the server) may write too.
    }, { behavior: "immediate" });
  }

  #checkPseudonym(fields: FieldErrors, legalName: string, candidates: Record<string, string>): void {
    for (const [field, value] of Object.entries(candidates)) {
      if (!value) continue;
      const parts = legalNamePartsIn(legalName, value);
      if (parts.length > 0) {
        fields[field] = err("ERR_CONTAINS_LEGAL_NAME", "must not contain any part of your legal name");
      }
    }
  }

  /** Checks e-mail and password; the same work is done for unknown e-mails. */
  async authenticate(email: string, password: string): Promise<AccountRow | null> {
    const account = this.#db.select().from(accounts).where(eq(accounts.emailHmac, this.#vault.emailLookupKey(email))).get();
    if (!account) {
      await this.#passwords.burn(password);
      return null;
    }
    return (await this.#passwords.verify(password, account.passwordHash)) ? account : null;
  }

  /** A staff member reads an identity: always written to the audit log. */
  readIdentity(staffId: string, accountId: string, reason: string): Identity {
    const account = this.#require(accountId);
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

  #require(accountId: string): AccountRow {
    const account = this.get(accountId);
    if (!account) throw new DomainError("not_found", "Record not found");
    return account;
  }

  #decide(
    staffId: string,
    accountId: string,
    from: readonly AccountStatus[],
    to: AccountStatus,
    action: string,
    note?: string,
    now = new Date(),
  ): AccountRow {
    return this.#db.transaction((tx) => {
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
        })
        .where(eq(accounts.id, accountId))
        .returning()
        .get();
      this.#audit.record({ staffId, subjectId: accountId, action: `account.${action}`, reason: note ?? action }, now);
      return updated;
    }, { behavior: "immediate" });
  }

  updateProfile(accountId: string, update: ProfileUpdate, now = new Date()): AccountRow {
    const account = this.#require(accountId);
    const identity = this.#vault.open(account.id, account.identity);
    const fields: FieldErrors = {};
    if (update.displayName != null && update.displayName.length > 30) fields["display_name"] = err("ERR_TOO_LONG", "is too long (maximum is 30 characters)");
    if (update.note != null && update.note.length > 500) fields["note"] = err("ERR_TOO_LONG", "is too long (maximum is 500 characters)");
    if (update.disclosures != null && update.disclosures.length > 255) fields["disclosures"] = err("ERR_TOO_LONG", "is too long (maximum is 255 characters)");
    this.#checkPseudonym(fields, identity.legalName, {
      display_name: update.displayName ?? "",
      note: update.note ?? "",
      disclosures: update.disclosures ?? "",
    });
    if (Object.keys(fields).length > 0) throw validationFailed(fields);
    assertNoPhi({ display_name: update.displayName, note: update.note, disclosures: update.disclosures });
    return this.#db
      .update(accounts)
      .set({
        ...(update.displayName != null ? { displayName: update.displayName } : {}),
        ...(update.note != null ? { note: update.note } : {}),
        ...(update.disclosures != null ? { disclosures: update.disclosures } : {}),
        ...(update.locked != null ? { locked: update.locked } : {}),
        updatedAt: now,
      })
      .where(eq(accounts.id, accountId))
      .returning()
      .get();
  }

  /** The licence expiry a verifier recorded, for credential renewal (not a staff read). */
  licenceExpiry(accountId: string): string | null {
    const account = this.get(accountId);
    return account ? (this.#vault.open(account.id, account.identity).licenseExpiresAt ?? null) : null;
  }

  /** Records (or clears) the licence expiry date a verifier confirmed. */
  setLicenceExpiry(staffId: string, accountId: string, expiresAt: string | null): AccountRow {
    const account = this.#require(accountId);
    const identity = this.#vault.open(account.id, account.identity);
    const event: ReviewEvent = { at: new Date().toISOString(), staffId, action: "licence_expiry", note: expiresAt ?? "none" };
    const updated = this.#db
      .update(accounts)
      .set({ identity: this.#vault.seal(account.id, { ...identity, licenseExpiresAt: expiresAt, reviewHistory: [...identity.reviewHistory, event] }) })
      .where(eq(accounts.id, accountId))
      .returning()
      .get();
    this.#audit.record({ staffId, subjectId: accountId, action: "account.licence_expiry", reason: expiresAt ?? "cleared" });
    return updated;
  }

  /** Re-checks pending applications after a register import. */
  rematchPending(now = new Date()): number {
    let changed = 0;
    const pending: AccountRow[] = [];
    for (let page = this.list({ status: "pending", limit: 200 }); page.length > 0; ) {
      pending.push(...page);
      page = this.list({ status: "pending", limit: 200, maxId: page.at(-1)!.id });
    }
    for (const account of pending) {
      const identity = this.#vault.open(account.id, account.identity);
      const registerMatch = this.#registers.match(identity, now);
      if (registerMatch.status === identity.registerMatch.status) continue;
      this.#db
        .update(accounts)
        .set({ identity: this.#vault.seal(account.id, { ...identity, registerMatch }) })
        .where(eq(accounts.id, account.id))
        .run();
      changed++;
    }
    return changed;
  }
}
