import { randomBytes } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import type { Db } from "../../db/client.ts";
import { once } from "../../db/prepared.ts";
import { accounts, staffSecondFactors } from "../../db/schema.ts";
import { type AccountRow, isStaff } from "../accounts/types.ts";
import type { AuditLog } from "../audit.ts";
import type { Keyring } from "../crypto/keyring.ts";
import { open, seal } from "../crypto/sealed-box.ts";
import { DomainError } from "../errors.ts";

const PERIOD = 30;
const RECOVERY_CODES = 10;

export interface PendingSetup {
  /** Base32, for typing into an authenticator by hand. */
  readonly secret: string;
  /** The otpauth:// URI the QR code carries. */
  readonly uri: string;
}

/**
 * TOTP second factors for staff (RFC 6238: SHA-1, 6 digits, 30 s, one step of
 * drift either way), with single-use recovery codes.  The secret is sealed
 * with the vault key; an accepted code cannot be used again.
 */
export class SecondFactors {
  readonly #db: Db;
  readonly #keyring: Keyring;
  readonly #audit: AuditLog;
  readonly #issuer: string;
  readonly #required: () => boolean;

  constructor(deps: { db: Db; keyring: Keyring; audit: AuditLog; issuer: string; required: () => boolean }) {
    this.#db = deps.db;
    this.#keyring = deps.keyring;
    this.#audit = deps.audit;
    this.#issuer = deps.issuer;
    this.#required = deps.required;
  }

  /**
   * What a staff member still has to do after the password, on any door to
   * staff power (the console and the OAuth pages alike): nothing, enter a
   * code, or set the factor up first.  Physicians: nothing.
   */
  stepAfterPassword(account: AccountRow): "none" | "code" | "setup" {
    if (!isStaff(account.role)) return "none";
    if (this.enabled(account.id)) return "code";
    return this.#required() ? "setup" : "none";
  }

  /**
   * Whether a staff member's token may use admin scopes: issued after the
   * factor was last set up or reset, and with the factor passed when there is
   * one (or none is required).  A leaked password alone never opens the vault.
   */
  tokenCarriesStaffPower(account: AccountRow, token: { createdAt: Date; secondFactorAt: Date | null }): boolean {
    if (!isStaff(account.role)) return false;
    if (account.staffTokensSince && token.createdAt.getTime() < account.staffTokensSince.getTime()) return false;
    const step = this.stepAfterPassword(account);
    // The factor passed must be the current one (not one since reset).
    if (step === "code")
      return token.secondFactorAt != null && token.secondFactorAt.getTime() >= (account.staffTokensSince?.getTime() ?? 0);
    return step === "none";
  }

  /** Tokens issued until now stop carrying admin scopes. */
  #retireTokens(accountId: string, now: Date): void {
    this.#db.update(accounts).set({ staffTokensSince: now }).where(eq(accounts.id, accountId)).run();
  }

  // Read at every staff sign-in and every admin request's scope check.
  readonly #byAccount = once(() =>
    this.#db
      .select()
      .from(staffSecondFactors)
      .where(eq(staffSecondFactors.accountId, sql.placeholder("accountId")))
      .prepare(),
  );

  #row(accountId: string) {
    return this.#byAccount().get({ accountId });
  }

  #totp(accountId: string, label: string, secret: Secret): TOTP {
    return new TOTP({ issuer: this.#issuer, label, algorithm: "SHA1", digits: 6, period: PERIOD, secret });
  }

  #secretOf(accountId: string, sealed: string): Secret {
    return Secret.fromBase32(open(this.#keyring.vaultKey, `totp:${accountId}`, sealed));
  }

  #hashCode(accountId: string, code: string): string {
    return this.#keyring.lookupHash("recovery-code", `${accountId}:${code.replace(/[^a-z0-9]/gi, "").toLowerCase()}`);
  }

  enabled(accountId: string): boolean {
    return this.#row(accountId)?.confirmedAt != null;
  }

  /** Starts (or restarts) setup: a new secret waits for its first code. */
  beginSetup(accountId: string, label: string, now = new Date()): PendingSetup {
    if (this.enabled(accountId)) throw new DomainError("forbidden", "A second factor is already set up; reset it first");
    const secret = new Secret({ size: 20 });
    const sealed = seal(this.#keyring.vaultKey, `totp:${accountId}`, secret.base32);
    this.#db
      .insert(staffSecondFactors)
      .values({ accountId, secret: sealed, createdAt: now })
      .onConflictDoUpdate({
        target: staffSecondFactors.accountId,
        set: { secret: sealed, confirmedAt: null, lastStep: 0, recoveryCodes: "[]", createdAt: now },
      })
      .run();
    return { secret: secret.base32, uri: this.#totp(accountId, label, secret).toString() };
  }

  /** The pending setup's URI again (the page was reloaded), or null. */
  pendingSetup(accountId: string, label: string): PendingSetup | null {
    const row = this.#row(accountId);
    if (!row || row.confirmedAt) return null;
    const secret = this.#secretOf(accountId, row.secret);
    return { secret: secret.base32, uri: this.#totp(accountId, label, secret).toString() };
  }

  /** Confirms setup with a first code; returns the recovery codes, shown once. */
  confirmSetup(accountId: string, code: string, now = new Date()): string[] {
    const row = this.#row(accountId);
    if (!row || row.confirmedAt) throw new DomainError("forbidden", "There is no second factor waiting to be confirmed");
    const step = this.#acceptedStep(accountId, row.secret, code, row.lastStep, now);
    if (step === null) throw new DomainError("unprocessable", "That code is not right; check the time on your device and try the next one");
    const codes = Array.from({ length: RECOVERY_CODES }, () =>
      randomBytes(5)
        .toString("hex")
        .replace(/(.{5})/, "$1-"),
    );
    this.#db
      .update(staffSecondFactors)
      .set({ confirmedAt: now, lastStep: step, recoveryCodes: JSON.stringify(codes.map((c) => this.#hashCode(accountId, c))) })
      .where(eq(staffSecondFactors.accountId, accountId))
      .run();
    this.#retireTokens(accountId, now);
    this.#audit.record({ staffId: accountId, subjectId: accountId, action: "second_factor.enable", reason: "TOTP set up" }, now);
    return codes;
  }

  #acceptedStep(accountId: string, sealed: string, code: string, lastStep: number, now: Date): number | null {
    if (!/^\d{6}$/.test(code.replace(/\s/g, ""))) return null;
    const totp = this.#totp(accountId, accountId, this.#secretOf(accountId, sealed));
    const delta = totp.validate({ token: code.replace(/\s/g, ""), timestamp: now.getTime(), window: 1 });
    if (delta === null) return null;
    const step = Math.floor(now.getTime() / 1000 / PERIOD) + delta;
    return step > lastStep ? step : null;
  }

  /** Checks a TOTP code (once per code) or a recovery code (once each). */
  verify(accountId: string, code: string, now = new Date()): "totp" | "recovery" | null {
    const row = this.#row(accountId);
    if (!row?.confirmedAt) return null;
    const step = this.#acceptedStep(accountId, row.secret, code, row.lastStep, now);
    if (step !== null) {
      // Conditional on the step not having moved: two requests with one code, one wins.
      const won = this.#db
        .update(staffSecondFactors)
        .set({ lastStep: step })
        .where(and(eq(staffSecondFactors.accountId, accountId), lt(staffSecondFactors.lastStep, step)))
        .run().changes;
      return won > 0 ? "totp" : null;
    }
    const hashes = JSON.parse(row.recoveryCodes) as string[];
    const hash = this.#hashCode(accountId, code);
    if (!hashes.includes(hash)) return null;
    this.#db
      .update(staffSecondFactors)
      .set({ recoveryCodes: JSON.stringify(hashes.filter((h) => h !== hash)) })
      .where(eq(staffSecondFactors.accountId, accountId))
      .run();
    this.#audit.record(
      { staffId: accountId, subjectId: accountId, action: "second_factor.recovery_code", reason: `${hashes.length - 1} left` },
      now,
    );
    return "recovery";
  }

  remainingRecoveryCodes(accountId: string): number {
    return JSON.parse(this.#row(accountId)?.recoveryCodes ?? "[]").length;
  }

  /** Removes a second factor (another staff member, or the CLI with no actor). */
  reset(staffId: string | null, accountId: string, reason: string, now = new Date()): boolean {
    const removed = this.#db.delete(staffSecondFactors).where(eq(staffSecondFactors.accountId, accountId)).run().changes > 0;
    if (removed) this.#retireTokens(accountId, now);
    if (removed) this.#audit.record({ staffId, subjectId: accountId, action: "second_factor.reset", reason }, now);
    return removed;
  }
}
