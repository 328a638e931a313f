import type { AccountRow, Role } from "../../domain/accounts/types.ts";
import type { Identity } from "../../domain/identity/vault.ts";
import type { Services } from "../../services.ts";
import { accountViewJson } from "./statuses-json.ts";

/** Placeholder images: uploads of avatars are not offered yet. */
export const DEFAULT_AVATAR_PATH = "/avatars/original/missing.png";
export const DEFAULT_HEADER_PATH = "/headers/original/missing.png";

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
export function credentialAccountJson(account: AccountRow, services: Services, counts?: { followers: number; following: number; statuses: number }) {
  return {
    ...accountViewJson(services.directory.localView(account), services, counts),
    source: {
      privacy: "public",
      sensitive: false,
      language: account.locale,
      note: account.note,
      fields: services.directory.localView(account).fields.map((f) => ({ name: f.name, value: f.value, verified_at: null })),
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
export function adminAccountJson(account: AccountRow, services: Services, identity?: Identity) {
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
    account: accountViewJson(services.directory.localView(account), services),
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
