import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { once } from "../../db/prepared.ts";
import { accounts } from "../../db/schema.ts";
import type { PasswordHasher } from "../crypto/password.ts";
import { DomainError, type FieldErrors, validationFailed } from "../errors.ts";
import { newId } from "../ids.ts";
import { legalNamePartsIn } from "../identity/names.ts";
import { assertNoPhi } from "../phi/enforce.ts";
import type { Identity, IdentityVault } from "../identity/vault.ts";
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
  "admin",
  "administrator",
  "root",
  "support",
  "help",
  "webmaster",
  "mod",
  "moderator",
  "staff",
  "verifier",
  "actor",
  "instance",
  "consilium",
  "system",
  "postmaster",
  "abuse",
]);
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;

const err = (error: string, description: string) => [{ error, description }];

/** Local accounts: applications, staff accounts, sign-in and profiles (decisions are in review.ts). */
export class AccountService {
  readonly #db: Db;
  readonly #vault: IdentityVault;
  readonly #passwords: PasswordHasher;
  readonly #registers: RegisterService;
  readonly #registrationsOpen: () => boolean;

  constructor(deps: {
    db: Db;
    vault: IdentityVault;
    passwords: PasswordHasher;
    registers: RegisterService;
    /** Staff may close applications from the console. */
    registrationsOpen?: () => boolean;
  }) {
    this.#registrationsOpen = deps.registrationsOpen ?? (() => true);
    this.#db = deps.db;
    this.#vault = deps.vault;
    this.#passwords = deps.passwords;
    this.#registers = deps.registers;
  }

  readonly #byId = once(() =>
    this.#db
      .select()
      .from(accounts)
      .where(eq(accounts.id, sql.placeholder("id")))
      .prepare(),
  );

  get(id: string): AccountRow | undefined {
    if (!/^\d{1,20}$/.test(id)) return undefined;
    return this.#byId().get({ id });
  }

  readonly #byUsernameKey = once(() =>
    this.#db
      .select()
      .from(accounts)
      .where(eq(accounts.usernameKey, sql.placeholder("key")))
      .prepare(),
  );

  findByUsername(username: string): AccountRow | undefined {
    return this.#byUsernameKey().get({ key: username.toLowerCase() });
  }

  /** An approved account by handle: the only kind that exists to the outside. */
  findApprovedByUsername(username: string): AccountRow | undefined {
    const account = this.findByUsername(username);
    return account?.status === "approved" ? account : undefined;
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
    if (!this.#registrationsOpen()) throw new DomainError("forbidden", "This instance is not taking applications at the moment");
    const fields: FieldErrors = {};
    if (!HANDLE_PATTERN.test(input.username)) {
      fields["username"] = err("ERR_INVALID", "must contain only letters, numbers and underscores (at most 30)");
    } else if (RESERVED_HANDLES.has(input.username.toLowerCase())) {
      fields["username"] = err("ERR_RESERVED", "is reserved");
    }
    if (!EMAIL_PATTERN.test(input.email.trim())) fields["email"] = err("ERR_INVALID", "is invalid");
    if (input.password.length < PASSWORD_MIN)
      fields["password"] = err("ERR_TOO_SHORT", `is too short (minimum is ${PASSWORD_MIN} characters)`);
    if (input.password.length > PASSWORD_MAX)
      fields["password"] = err("ERR_TOO_LONG", `is too long (maximum is ${PASSWORD_MAX} characters)`);
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
    if (!HANDLE_PATTERN.test(input.username))
      fields["username"] = err("ERR_INVALID", "must contain only letters, numbers and underscores (at most 30)");
    if (!EMAIL_PATTERN.test(input.email.trim())) fields["email"] = err("ERR_INVALID", "is invalid");
    if (input.password.length < PASSWORD_MIN)
      fields["password"] = err("ERR_TOO_SHORT", `is too short (minimum is ${PASSWORD_MIN} characters)`);
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
    return this.#db.transaction(
      (tx) => {
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
            registerMatch: row.role === "physician" ? row.identity.registerMatch.status : null,
            createdAt: row.now,
            updatedAt: row.now,
            approvedAt: row.approvedAt ?? null,
          })
          .returning()
          .get();
        // IMMEDIATE: another process (the CLI beside the server) may write too.
      },
      { behavior: "immediate" },
    );
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
    const account = this.#db
      .select()
      .from(accounts)
      .where(eq(accounts.emailHmac, this.#vault.emailLookupKey(email)))
      .get();
    if (!account) {
      await this.#passwords.burn(password);
      return null;
    }
    return (await this.#passwords.verify(password, account.passwordHash)) ? account : null;
  }

  /** The account, or not_found. */
  require(accountId: string): AccountRow {
    const account = this.get(accountId);
    if (!account) throw new DomainError("not_found", "Record not found");
    return account;
  }

  updateProfile(accountId: string, update: ProfileUpdate, now = new Date()): AccountRow {
    const account = this.require(accountId);
    const identity = this.#vault.open(account.id, account.identity);
    const fields: FieldErrors = {};
    if (update.displayName != null && update.displayName.length > 30)
      fields["display_name"] = err("ERR_TOO_LONG", "is too long (maximum is 30 characters)");
    if (update.note != null && update.note.length > 500) fields["note"] = err("ERR_TOO_LONG", "is too long (maximum is 500 characters)");
    if (update.disclosures != null && update.disclosures.length > 255)
      fields["disclosures"] = err("ERR_TOO_LONG", "is too long (maximum is 255 characters)");
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
}
