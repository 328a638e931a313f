import type { Keyring } from "../crypto/keyring.ts";
import { open, seal } from "../crypto/sealed-box.ts";
import type { RegisterMatch } from "../registers/matching.ts";

export interface ReviewEvent {
  readonly at: string;
  readonly staffId: string | null;
  readonly action: string;
  readonly note?: string;
}

/** Everything that identifies a physician.  Only ever stored sealed. */
export interface Identity {
  readonly legalName: string;
  readonly email: string;
  readonly licenseNumber: string;
  readonly licenseJurisdiction: string;
  readonly licenseExpiresAt?: string | null;
  readonly registerMatch: RegisterMatch;
  readonly reviewHistory: readonly ReviewEvent[];
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface IdentityVault {
  seal(accountId: string, identity: Identity): string;
  open(accountId: string, sealed: string): Identity;
  emailLookupKey(email: string): string;
}

/** AES-256-GCM, bound to the account id so a blob cannot be moved to another row. */
export function createIdentityVault(keyring: Keyring): IdentityVault {
  return {
    seal: (accountId, identity) => seal(keyring.vaultKey, `identity:${accountId}`, JSON.stringify(identity)),
    open: (accountId, sealed) => JSON.parse(open(keyring.vaultKey, `identity:${accountId}`, sealed)) as Identity,
    emailLookupKey: (email) => keyring.lookupHash("email", normaliseEmail(email)),
  };
}
