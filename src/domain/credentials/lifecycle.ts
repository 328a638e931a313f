import type { AccountReview } from "../accounts/review.ts";
import type { AccountRow } from "../accounts/types.ts";
import type { FederationPort } from "../federation-port.ts";
import type { CredentialIssuer } from "./issuer.ts";

/**
 * Keeps each account's credential in step with its standing: issued on
 * approval, re-issued before expiry while the licence is valid, withdrawn at
 * once on suspension, rejection or a lapsed licence.  Every change re-sends
 * the actor (Update Person) so peers see it.
 */
export class CredentialLifecycle {
  readonly #issuer: CredentialIssuer;
  readonly #review: AccountReview;
  readonly #port: FederationPort;

  constructor(deps: { issuer: CredentialIssuer; review: AccountReview; port: FederationPort }) {
    this.#issuer = deps.issuer;
    this.#review = deps.review;
    this.#port = deps.port;
  }

  /**
   * After any decision about an account (approve, reject, suspend, unsuspend).
   * A first approval is not announced: until then the actor did not exist to
   * peers, who fetch it (credential included) when they first meet it.
   */
  async sync(account: AccountRow, options: { announce?: boolean } = {}): Promise<AccountRow> {
    const licenceExpiry = this.#review.licenceExpiry(account.id);
    let current: AccountRow;
    if (this.#issuer.eligible(account, licenceExpiry)) {
      current = await this.#issuer.issue(account);
    } else if (account.credential) {
      current = this.#issuer.revoke(account);
    } else {
      return account;
    }
    if (options.announce !== false) await this.#port.accountUpdated(current);
    return current;
  }

  /** The scheduled job: renew what is due, withdraw what may no longer be held. */
  async renewDue(): Promise<{ renewed: number; revoked: number }> {
    let renewed = 0;
    let revoked = 0;
    for (const account of [...this.#issuer.due(), ...this.#issuer.stale()]) {
      const before = account.credential;
      // Peers only need telling about credentials they may have seen.
      const after = await this.sync(account, { announce: before != null });
      if (after.credential && after.credential !== before) renewed++;
      else if (!after.credential && before) revoked++;
    }
    return { renewed, revoked };
  }
}
