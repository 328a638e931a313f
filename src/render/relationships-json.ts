import type { Services } from "../services.ts";

/** Mastodon's Relationship entity for each id, told truthfully. */
export function relationshipsJson(services: Services, viewerId: string, ids: readonly string[]) {
  const follows = services.follows.relationships(viewerId, ids);
  const flags = services.relationQueries.flags(viewerId, ids);
  const notes = services.relationQueries.notes(viewerId, ids);
  const views = services.directory.getMany(ids);
  const blockedHosts = services.domainBlocks.blockedHosts(viewerId);
  return follows.map((r) => {
    const f = flags.get(r.id)!;
    return {
      id: r.id,
      following: r.following,
      showing_reblogs: r.following,
      notifying: false,
      languages: null,
      followed_by: r.followed_by,
      blocking: f.blocking,
      blocked_by: f.blockedBy,
      muting: f.muting,
      muting_notifications: f.muting && f.mutingNotifications,
      requested: r.requested,
      requested_by: r.requested_by,
      domain_blocking: blockedHosts.has(views.get(r.id)?.host?.toLowerCase() ?? ""),
      endorsed: false,
      note: notes.get(r.id) ?? "",
    };
  });
}

/** One account's Relationship. */
export function relationshipJson(services: Services, viewerId: string, id: string) {
  return relationshipsJson(services, viewerId, [id])[0]!;
}
