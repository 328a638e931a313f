import type { FeaturedTag } from "../domain/tags/featured.ts";
import type { Services } from "../services.ts";

/** Mastodon's Tag entity: name, link, a week of usage, and whether the viewer follows it. */
export async function tagsJson(names: readonly string[], viewerId: string, services: Services) {
  const [following, featuring, histories] = await Promise.all([
    services.tags.following(viewerId, names),
    services.featuredTags.featuring(viewerId, names),
    Promise.all(names.map((name) => services.tags.history(name))),
  ]);
  return names.map((name, i) => ({
    id: name,
    name,
    url: `${services.instance.origin}/tags/${encodeURIComponent(name)}`,
    history: histories[i]!,
    following: following.has(name),
    featuring: featuring.has(name),
  }));
}

/** Mastodon's FeaturedTag entity: the tag on the account's profile, with the account's own use of it. */
export function featuredTagJson(tag: FeaturedTag, account: { username: string; local: boolean; uri: string }, services: Services) {
  const profile = account.local ? `${services.instance.origin}/@${account.username}` : account.uri;
  return {
    id: tag.id,
    name: tag.name,
    url: `${profile}/tagged/${encodeURIComponent(tag.name)}`,
    statuses_count: String(tag.statusesCount),
    last_status_at: tag.lastStatusAt ? tag.lastStatusAt.toISOString().slice(0, 10) : null,
  };
}
