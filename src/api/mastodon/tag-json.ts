import type { Services } from "../../services.ts";

/** Mastodon's Tag entity: name, link, a week of usage, and whether the viewer follows it. */
export function tagsJson(names: readonly string[], viewerId: string, services: Services) {
  const following = services.tags.following(viewerId, names);
  return names.map((name) => ({
    id: name,
    name,
    url: `${services.instance.origin}/tags/${encodeURIComponent(name)}`,
    history: services.tags.history(name),
    following: following.has(name),
  }));
}
