import type { Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import type { AccountRow } from "../domain/accounts/types.ts";
import type { FailureCounts } from "../domain/failure-counts.ts";
import { FailureLimiter, ProgressiveBrake } from "../domain/rate-limit.ts";
import type { ClientAddresses } from "../http/client-address.ts";

export type SignInResult =
  | { readonly ok: true; readonly account: AccountRow }
  | { readonly ok: false; readonly status: 401 | 429; readonly message: string; readonly retryAfter?: number };

/**
 * Checking an e-mail and password from a page, with a brute-force brake that
 * an attacker cannot turn against the account's owner: failures count per
 * account *and* client address together, and per address; past 5 (per pair)
 * or 20 (per address) in 15 minutes each failure doubles the wait (30 s, 1 min, 2 min …) before that
 * pair or address may try again, up to 15 minutes.  The owner, signing in
 * from another address, is never slowed by an attacker's failures.  Shared by
 * the OAuth sign-in, the web sign-in and the staff console.  The counts are
 * kept in the database, so every process behind a load balancer brakes alike.
 */
export class PasswordSignIn {
  readonly #perPair: ProgressiveBrake;
  readonly #perAddress: ProgressiveBrake;
  readonly #addresses: ClientAddresses;

  constructor(addresses: ClientAddresses, counts: FailureCounts) {
    this.#addresses = addresses;
    this.#perPair = new ProgressiveBrake({ free: 5, windowMs: 15 * 60_000, firstDelayMs: 30_000, counts, scope: "sign-in:pair" });
    this.#perAddress = new ProgressiveBrake({ free: 20, windowMs: 15 * 60_000, firstDelayMs: 30_000, counts, scope: "sign-in:address" });
  }

  async attempt(c: Context<AppEnv>, email: string, password: string): Promise<SignInResult> {
    const address = this.#addresses.of(c);
    const pairKey = `${email.trim().toLowerCase()}|${address}`;
    const wait = Math.max(this.#perPair.retryAfter(pairKey), this.#perAddress.retryAfter(address));
    if (wait > 0)
      return {
        ok: false,
        status: 429,
        message: `Too many failed attempts. Try again in ${wait < 60 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`}.`,
        retryAfter: wait,
      };
    const account = await c.get("services").accounts.authenticate(email, password);
    if (!account) {
      this.#perPair.fail(pairKey);
      this.#perAddress.fail(address);
      return { ok: false, status: 401, message: "Invalid e-mail or password." };
    }
    this.#perPair.reset(pairKey);
    return { ok: true, account };
  }
}

export type CodeResult =
  | { readonly ok: true; readonly how: "totp" | "recovery" }
  | { readonly ok: false; readonly status: 401 | 429; readonly message: string; readonly retryAfter?: number };

/**
 * Checking a staff member's second-factor code, with its brake (codes are six
 * digits: at most 5 wrong ones per staff member in 15 minutes).  One brake for
 * every door to staff power: the console and the OAuth pages share it.
 */
export class SecondFactorCheck {
  readonly #failures: FailureLimiter;

  constructor(counts: FailureCounts) {
    this.#failures = new FailureLimiter(5, 15 * 60_000, { counts, scope: "second-factor" });
  }

  /** Seconds until this staff member may try a code again (0: now). */
  wait(accountId: string): number {
    return this.#failures.retryAfter(accountId);
  }

  failed(accountId: string): void {
    this.#failures.fail(accountId);
  }

  passed(accountId: string): void {
    this.#failures.reset(accountId);
  }

  attempt(c: Context<AppEnv>, accountId: string, code: string, door: "console" | "oauth"): CodeResult {
    const services = c.get("services");
    const wait = this.wait(accountId);
    if (wait > 0)
      return { ok: false, status: 429, message: `Too many wrong codes. Try again in ${Math.ceil(wait / 60)} minutes.`, retryAfter: wait };
    const how = services.secondFactors.verify(accountId, code.trim());
    if (!how) {
      this.failed(accountId);
      services.audit.record({
        staffId: accountId,
        subjectId: accountId,
        action: "staff.second_factor_failed",
        reason: `wrong or reused code${door === "console" ? "" : ` (${door})`}`,
      });
      return { ok: false, status: 401, message: "That code is not right (or was already used)." };
    }
    this.passed(accountId);
    services.audit.record({
      staffId: accountId,
      subjectId: accountId,
      action: "staff.sign_in",
      reason: `${how === "totp" ? "second factor" : "recovery code"}${door === "console" ? "" : ` (${door})`}`,
    });
    return { ok: true, how };
  }
}
