/** Mastodon's OAuth scopes, with their sub-scopes. */
const READ = [
  "accounts",
  "blocks",
  "bookmarks",
  "favourites",
  "filters",
  "follows",
  "lists",
  "mutes",
  "notifications",
  "search",
  "statuses",
];
const WRITE = [
  "accounts",
  "blocks",
  "bookmarks",
  "conversations",
  "favourites",
  "filters",
  "follows",
  "lists",
  "media",
  "mutes",
  "notifications",
  "reports",
  "statuses",
];
const ADMIN_READ = ["accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks", "canonical_email_blocks"];
const ADMIN_WRITE = ADMIN_READ;

export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  "read",
  "write",
  "follow",
  "push",
  "profile",
  "admin:read",
  "admin:write",
  ...READ.map((s) => `read:${s}`),
  ...WRITE.map((s) => `write:${s}`),
  ...ADMIN_READ.map((s) => `admin:read:${s}`),
  ...ADMIN_WRITE.map((s) => `admin:write:${s}`),
]);

/** The legacy `follow` scope stands for these (as in Mastodon). */
const FOLLOW_EXPANSION = ["read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes"];

export function parseScopes(value: string | undefined | null): string[] {
  return [...new Set((value ?? "").split(/[\s+]+/).filter((s) => s.length > 0))];
}

export function unknownScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !KNOWN_SCOPES.has(s));
}

/**
 * Whether a granted set allows `required`: a parent grants its children
 * (read -> read:accounts, admin:read -> admin:read:accounts), `follow`
 * grants the follow/block/mute sub-scopes, and `read:accounts` allows `profile`.
 */
export function scopeAllows(granted: readonly string[], required: string): boolean {
  for (const scope of granted) {
    if (scope === required) return true;
    if (required.startsWith(`${scope}:`)) return true;
    if (scope === "follow" && FOLLOW_EXPANSION.includes(required)) return true;
    if (required === "profile" && (scope === "read" || scope === "read:accounts")) return true;
  }
  return false;
}

/** Every requested scope must be covered by what the app registered. */
export function isSubset(requested: readonly string[], allowed: readonly string[]): boolean {
  return requested.every((s) => scopeAllows(allowed, s));
}
