import type { AccountRow, Role } from "../../domain/accounts/types.ts";
import type { Identity } from "../../domain/identity/vault.ts";
import type { InstanceInfo } from "../../domain/instance.ts";
import { findSpecialty } from "../../domain/specialties.ts";
import { escapeHtml, plainTextToHtml } from "../../domain/text.ts";

export const DEFAULT_AVATAR_PATH = "/avatars/original/missing.png";
export const DEFAULT_HEADER_PATH = "/headers/original/missing.png";

/** Mastodon shows account creation as a date at midnight UTC. */
function midnight(date: Date): string {
  return `${date.toISOString().slice(0, 10)}T00:00:00.000Z`;
}

function profileFields(account: AccountRow): { name: string; value: string }[] {
  const specialty = account.specialty ? findSpecialty(account.specialty) : undefined;
  return [
    ...(specialty ? [{ name: "Specialty", value: specialty.label }] : []),
    ...(account.jurisdiction ? [{ name: "Jurisdiction", value: account.jurisdiction }] : []),
    ...(account.disclosures ? [{ name: "Disclosures", value: account.disclosures }] : []),
  ];
}

/** A local account as Mastodon's Account entity: pseudonym only. */
export function accountJson(account: AccountRow, instance: InstanceInfo, counts?: { followers: number; following: number; statuses: number }) {
  // No public profile page exists (closed network): the actor id is the url.
  const url = `${instance.origin}/users/${account.username}`;
  return {
    id: account.id,
    username: account.username,
    acct: account.username,
    url,
    uri: url,
    display_name: account.displayName,
    note: plainTextToHtml(account.note),
    avatar: `${instance.origin}${DEFAULT_AVATAR_PATH}`,
    avatar_static: `${instance.origin}${DEFAULT_AVATAR_PATH}`,
    header: `${instance.origin}${DEFAULT_HEADER_PATH}`,
    header_static: `${instance.origin}${DEFAULT_HEADER_PATH}`,
    locked: account.locked,
    fields: profileFields(account).map((f) => ({ name: f.name, value: escapeHtml(f.value), verified_at: null })),
    emojis: [],
    bot: false,
    group: false,
    discoverable: false,
    indexable: false,
    hide_collections: false,
    noindex: true,
    roles: [],
    created_at: midnight(account.createdAt),
    last_status_at: null,
    statuses_count: counts?.statuses ?? 0,
    followers_count: counts?.followers ?? 0,
    following_count: counts?.following ?? 0,
  };
}

const ROLE_JSON: Record<Role, { id: string; name: string; permissions: string; color: string; highlighted: boolean }> = {
  physician: { id: "-99", name: "", permissions: "65536", color: "", highlighted: false },
  // manage_users (1024) | manage_reports (16) | view_audit_log (128)
  verifier: { id: "1", name: "Verifier", permissions: "1168", color: "", highlighted: true },
  admin: { id: "2", name: "Admin", permissions: "1", color: "", highlighted: true },
  owner: { id: "3", name: "Owner", permissions: "1", color: "", highlighted: true },
};

export function roleJson(role: Role) {
  return ROLE_JSON[role];
}

/** The caller's own account (CredentialAccount): adds `source` and `role`. */
export function credentialAccountJson(account: AccountRow, instance: InstanceInfo, counts?: { followers: number; following: number; statuses: number }) {
  return {
    ...accountJson(account, instance, counts),
    source: {
      privacy: "public",
      sensitive: false,
      language: account.locale,
      note: account.note,
      fields: profileFields(account).map((f) => ({ name: f.name, value: f.value, verified_at: null })),
      follow_requests_count: 0,
      hide_collections: false,
      discoverable: false,
      indexable: false,
      attribution_domains: [],
    },
    role: roleJson(account.role),
  };
}

/**
 * Mastodon's Admin::Account.  The identity is included only when a verifier
 * has asked for it (an audited read); lists never carry it.
 */
export function adminAccountJson(account: AccountRow, instance: InstanceInfo, identity?: Identity) {
  return {
    id: account.id,
    username: account.username,
    domain: null,
    created_at: account.createdAt.toISOString(),
    email: identity?.email ?? "",
    ip: null,
    ips: [],
    locale: account.locale,
    invite_request: null,
    role: roleJson(account.role),
    confirmed: true,
    approved: account.status === "approved" || account.status === "suspended",
    disabled: account.status === "suspended",
    silenced: false,
    suspended: account.status === "suspended",
    account: accountJson(account, instance),
    created_by_application_id: null,
    invited_by_account_id: null,
    consilium: {
      status: account.status,
      specialty: account.specialty,
      jurisdiction: account.jurisdiction,
      ...(identity
        ? {
            identity: {
              legal_name: identity.legalName,
              email: identity.email,
              license_number: identity.licenseNumber,
              license_jurisdiction: identity.licenseJurisdiction,
              license_expires_at: identity.licenseExpiresAt ?? null,
              register_match: identity.registerMatch.status,
              register_match_detail: identity.registerMatch,
              review_history: identity.reviewHistory,
            },
          }
        : {}),
    },
  };
}
