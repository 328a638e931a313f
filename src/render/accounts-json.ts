import type { AccountRow, Role } from "../domain/accounts/types.ts";
import type { AccountCounts } from "../domain/directory/counts.ts";
import type { AccountView } from "../domain/directory/service.ts";
import type { Identity } from "../domain/identity/vault.ts";
import { findSpecialty } from "../domain/specialties.ts";
import { escapeHtml } from "../domain/text.ts";
import type { Services } from "../services.ts";
import { ProfileImages } from "../domain/media/profile-images.ts";
import { renderableLink } from "../domain/urls.ts";

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

function midnight(date: Date): string {
  return `${date.toISOString().slice(0, 10)}T00:00:00.000Z`;
}

/** "Verified physician · Specialty · Jurisdiction · verified by <instance>", for valid credentials only. */
function verificationField(view: AccountView, services: Services) {
  if (!view.verified) return [];
  let label: string;
  if (view.local) {
    const account = view.localAccount!;
    label = `Verified physician · ${findSpecialty(account.specialty ?? "")?.label ?? account.specialty} · ${account.jurisdiction} · verified by ${services.instance.name}`;
  } else {
    const claims = JSON.parse(view.remote!.credentialClaims ?? "{}") as {
      specialty?: { label?: string };
      jurisdiction?: string;
      issuer?: string;
    };
    label = `Verified physician · ${claims.specialty?.label ?? "?"} · ${claims.jurisdiction ?? "?"} · verified by ${claims.issuer ? new URL(claims.issuer).host : "?"}`;
  }
  return [{ name: "Verification", value: escapeHtml(label), verified_at: null }];
}

/** The avatar held here, or the generated one (a pattern from a hash of the address: it reveals nothing). */
export function avatarUrl(view: AccountView, services: Services): string {
  return view.avatarFile
    ? services.profileUrls.url(view.avatarFile)
    : `${services.instance.origin}/avatars/default/${ProfileImages.seedOf(view.uri)}.png`;
}

export function headerUrl(view: AccountView, services: Services): string {
  return view.headerFile ? services.profileUrls.url(view.headerFile) : `${services.instance.origin}${DEFAULT_HEADER_PATH}`;
}

/** Mastodon's Account entity, for a local or remote account (counts from `accountsJson` or given). */
export function accountViewJson(
  view: AccountView,
  services: Services,
  counts: AccountCounts = services.accountCounts.get([view.id]).get(view.id)!,
) {
  return {
    id: view.id,
    username: view.username,
    acct: view.local ? view.username : `${view.username}@${view.host}`,
    url: renderableLink(view.url) ?? view.uri,
    uri: view.uri,
    display_name: view.displayName,
    note: view.noteHtml,
    avatar: avatarUrl(view, services),
    avatar_static: avatarUrl(view, services),
    header: headerUrl(view, services),
    header_static: headerUrl(view, services),
    locked: view.locked,
    fields: [...verificationField(view, services), ...view.fields.map((f) => ({ name: f.name, value: f.value, verified_at: null }))],
    emojis: [],
    bot: false,
    group: false,
    discoverable: false,
    indexable: false,
    hide_collections: false,
    noindex: true,
    roles: [],
    created_at: midnight(view.createdAt),
    last_status_at: counts.lastStatusAt ? counts.lastStatusAt.toISOString().slice(0, 10) : null,
    statuses_count: counts.statuses,
    followers_count: counts.followers,
    following_count: counts.following,
    // Consilium: whether a valid physician credential backs this account.
    verified: view.verified,
  };
}

/** Many accounts, their counts loaded in one go, in the given order. */
export function accountsJson(views: readonly AccountView[], services: Services) {
  const counts = services.accountCounts.get(views.map((v) => v.id));
  return views.map((v) => accountViewJson(v, services, counts.get(v.id)));
}

/** Accounts by id, in the given order, skipping any that no longer exist. */
export function accountsByIdJson(ids: readonly string[], services: Services) {
  const views = services.directory.getMany(ids);
  return accountsJson(
    ids.map((id) => views.get(id)).filter((v): v is AccountView => v != null),
    services,
  );
}

/** The caller's own account (CredentialAccount): adds `source` and `role`. */
export function credentialAccountJson(account: AccountRow, services: Services) {
  const view = services.directory.localView(account);
  return {
    ...accountViewJson(view, services),
    source: {
      privacy: "public",
      sensitive: false,
      language: account.locale,
      note: account.note,
      fields: view.fields.map((f) => ({ name: f.name, value: f.value, verified_at: null })),
      follow_requests_count: services.follows.followerIds(account.id, { limit: 1000, state: "pending" }).length,
      hide_collections: false,
      discoverable: false,
      indexable: false,
      attribution_domains: [],
    },
    role: roleJson(account.role),
  };
}

/** Mastodon 4.6's Profile entity: what the owner edits, as stored. */
export function profileJson(account: AccountRow, services: Services) {
  const view = services.directory.localView(account);
  return {
    id: account.id,
    display_name: view.displayName,
    note: account.note,
    fields: view.fields.map((f) => ({ name: f.name, value: f.value, verified_at: null })),
    avatar: null,
    avatar_static: null,
    avatar_description: "",
    header: null,
    header_static: null,
    header_description: "",
    locked: account.locked,
    bot: false,
    discoverable: false,
    indexable: false,
    hide_collections: false,
    show_media: true,
    show_media_replies: true,
    show_featured: false,
    attribution_domains: [],
  };
}

/** Mastodon's Admin::Account for a peer's physician (only what this instance knows and decided). */
export function adminRemoteAccountJson(view: AccountView, services: Services, remote = view.remote!) {
  return {
    id: remote.id,
    username: remote.username,
    domain: remote.host,
    created_at: remote.createdAt.toISOString(),
    email: "",
    ip: null,
    ips: [],
    locale: null,
    invite_request: null,
    role: roleJson("physician"),
    confirmed: true,
    approved: true,
    disabled: false,
    silenced: remote.silenced,
    sensitized: false,
    suspended: remote.suspended,
    account: accountViewJson(view, services),
    created_by_application_id: null,
    invited_by_account_id: null,
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
    disabled: account.disabled,
    silenced: account.silenced,
    sensitized: account.sensitized,
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
