import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type { AppEnv } from "../api/env.ts";
import type { AccountRow } from "../domain/accounts/types.ts";
import { FailureLimiter } from "../domain/rate-limit.ts";

export type SignInResult =
  | { readonly ok: true; readonly account: AccountRow }
  | { readonly ok: false; readonly status: 401 | 429; readonly message: string; readonly retryAfter?: number };

function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * Checking an e-mail and password from a page, with the brute-force brake:
 * at most 5 failures per e-mail and 20 per address in 15 minutes (per e-mail
 * and per address, so one attacker cannot lock everyone out).  Shared by the
 * OAuth sign-in, the web sign-in and the staff console.
 */
export class PasswordSignIn {
  readonly #perAccount = new FailureLimiter(5, 15 * 60_000);
  readonly #perAddress = new FailureLimiter(20, 15 * 60_000);

  async attempt(c: Context<AppEnv>, email: string, password: string): Promise<SignInResult> {
    const accountKey = `email:${email.trim().toLowerCase()}`;
    const addressKey = `ip:${clientIp(c)}`;
    const wait = Math.max(this.#perAccount.retryAfter(accountKey), this.#perAddress.retryAfter(addressKey));
    if (wait > 0) return { ok: false, status: 429, message: `Too many failed attempts. Try again in ${Math.ceil(wait / 60)} minutes.`, retryAfter: wait };
    const account = await c.get("services").accounts.authenticate(email, password);
    if (!account) {
      this.#perAccount.fail(accountKey);
      this.#perAddress.fail(addressKey);
      return { ok: false, status: 401, message: "Invalid e-mail or password." };
    }
    this.#perAccount.reset(accountKey);
    return { ok: true, account };
  }
}
