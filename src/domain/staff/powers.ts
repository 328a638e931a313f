import type { Role } from "../accounts/types.ts";
import { DomainError } from "../errors.ts";

/**
 * Who may do what, once: the staff console and the admin API both ask this
 * table, so a power a role lacks in one is lacking in the other too.
 */
export const STAFF_POWERS = {
  /** The verification queue: read applications, approve, reject, ask, re-verify, record a licence. */
  review: "verifier",
  /** Open a sealed identity (audited). */
  "identity.read": "verifier",
  /** Warn, limit, mark sensitive, disable, suspend, and lift those; decide appeals. */
  moderate: "verifier",
  /** Read and work reports; remove a post. */
  reports: "verifier",
  /** Import register extracts. */
  registers: "verifier",
  /** Read the audit log. */
  audit: "verifier",
  /** See, add, approve, reject and end peerings (the instance then sends signed requests there). */
  peers: "admin",
  /** Erase an account here and on every peer. */
  erase: "admin",
  /** Name, description, contact, rules, registrations. */
  settings: "admin",
  /** Add verifiers; reset a verifier's second factor. */
  "staff.verifiers": "admin",
  /** Add administrators; reset an administrator's second factor; require second factors. */
  "staff.admins": "owner",
} as const satisfies Record<string, StaffRole>;

export type StaffPower = keyof typeof STAFF_POWERS;
export type StaffRole = "verifier" | "admin" | "owner";

const RANK: Record<Role, number> = { physician: 0, verifier: 1, admin: 2, owner: 3 };

export const isStaffRole = (role: string): role is StaffRole => (RANK[role as Role] ?? 0) > 0;

/** Whether a role reaches another (an owner is also an admin and a verifier). */
export const roleReaches = (role: Role, needed: StaffRole): boolean => (RANK[role] ?? 0) >= RANK[needed];

export function may(role: Role, power: StaffPower): boolean {
  return roleReaches(role, STAFF_POWERS[power]);
}

export function assertMay(role: Role, power: StaffPower): void {
  if (!may(role, power)) throw new DomainError("forbidden", `This needs the ${STAFF_POWERS[power]} role`);
}
