import type { accounts } from "../../db/schema.ts";

export type AccountRow = typeof accounts.$inferSelect;
export type Role = AccountRow["role"];
export type AccountStatus = AccountRow["status"];

export const STAFF_ROLES: readonly Role[] = ["verifier", "admin", "owner"];

export function isStaff(role: Role): boolean {
  return STAFF_ROLES.includes(role);
}

/** Handles follow Mastodon's rule: letters, digits and underscores, at most 30. */
export const HANDLE_PATTERN = /^[A-Za-z0-9_]{1,30}$/;

/** A licence jurisdiction: ISO 3166-1 alpha-2, optionally with a subdivision (US-CA). */
export const JURISDICTION_PATTERN = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
