import { and, eq, sql } from "drizzle-orm";
import { follows } from "../db/schema.ts";
import type { StatusRow } from "../domain/statuses/types.ts";
import { mayView } from "../domain/statuses/visibility-rule.ts";
import type { Services } from "../services.ts";
import type { StreamSpec } from "./streams.ts";

/**
 * Who may receive a status on which stream, worked out once per event with
 * the same rules the REST API applies: the closed network's visibility,
 * blocks and mutes either way, the home timeline's follows and followed
 * tags, list membership.
 */
export class StatusAudience {
  readonly status: StatusRow;
  /** The status whose audience governs (the boosted one, for a boost). */
  readonly subject: StatusRow;
  /** The authors (of the status and of what it boosts) a viewer may be shown: local, or with a valid credential. */
  readonly #shownAuthors: Set<string>;
  readonly #followers: Set<string>;
  readonly #subjectFollowers: Set<string>;
  readonly #mentioned: Set<string>;
  readonly #hidden: Set<string>;
  readonly #listOwners: Map<string, string>;
  readonly #tags: string[];
  readonly #hasMedia: boolean;
  /** The author is limited by staff: network streams carry it to followers only. */
  readonly #limited: boolean;
  readonly #inHome: (viewerId: string, statusId: string) => boolean;

  constructor(services: Services, status: StatusRow, mentionedIds?: readonly string[]) {
    this.#inHome = (viewerId, statusId) => services.homeFeed.contains(viewerId, statusId);
    const db = services.database.db;
    this.status = status;
    this.subject = (status.reblogOfId ? services.store.get(status.reblogOfId) : undefined) ?? status;
    const authors = [...new Set([status.accountId, this.subject.accountId])];
    const views = services.directory.getMany(authors);
    this.#limited = authors.some((id) => views.get(id)?.silenced === true);
    this.#shownAuthors = new Set(
      authors.filter((id) => {
        const a = views.get(id);
        return a != null && (a.local || a.verified);
      }),
    );
    const followersOf = (id: string) =>
      new Set(
        db
          .select({ id: follows.followerId })
          .from(follows)
          .where(and(eq(follows.followingId, id), eq(follows.state, "accepted")))
          .all()
          .map((r) => r.id),
      );
    this.#followers = followersOf(status.accountId);
    this.#subjectFollowers = this.subject === status ? this.#followers : followersOf(this.subject.accountId);
    this.#tags = services.store.tagsOf([this.subject.id]).get(this.subject.id) ?? [];
    this.#mentioned = new Set(mentionedIds ?? services.store.mentionedIds(this.subject.id));
    this.#hidden = services.relationQueries.hidersOf(authors);
    this.#listOwners = new Map(services.lists.listsWithMember(status.accountId).map((l) => [l.id, l.ownerId]));
    this.#hasMedia =
      (db.get<{ n: number }>(sql`SELECT count(*) AS n FROM media_attachments WHERE status_id = ${this.subject.id}`)?.n ?? 0) > 0;
  }

  /** May this viewer see the status at all? The one rule, with the facts gathered once for the event. */
  canSee(viewerId: string): boolean {
    const subject = this.subject;
    return mayView(viewerId, this.status, {
      original: (id) => (id === subject.id && subject !== this.status ? subject : undefined),
      shownAuthor: (accountId) => this.#shownAuthors.has(accountId),
      hidden: () => this.#hidden.has(viewerId),
      follows: (accountId) =>
        (accountId === this.status.accountId ? this.#followers : accountId === subject.accountId ? this.#subjectFollowers : new Set()).has(
          viewerId,
        ),
      mentioned: (statusId) => statusId === subject.id && this.#mentioned.has(viewerId),
    });
  }

  /** Does this subscription of this viewer carry the status? */
  carries(spec: StreamSpec, viewerId: string): boolean {
    const local = this.subject.local;
    if (!this.canSee(viewerId)) return false;
    const isBoost = this.status !== this.subject;
    const publicOnly =
      this.subject.visibility === "public" &&
      !isBoost &&
      (!this.#limited || this.#subjectFollowers.has(viewerId) || viewerId === this.subject.accountId);
    switch (spec.name) {
      case "user":
        // The home rule, once: the feed was filled by it before the stream hears of the status.
        return this.#inHome(viewerId, this.status.id);
      case "public":
      case "public:media":
      case "public:local":
      case "public:local:media":
      case "public:remote":
      case "public:remote:media":
        if (!publicOnly) return false;
        if (spec.name.includes(":local") && !local) return false;
        if (spec.name.includes(":remote") && local) return false;
        return !spec.name.endsWith(":media") || this.#hasMedia;
      case "hashtag":
      case "hashtag:local":
        return publicOnly && this.#tags.includes(spec.param!) && (spec.name === "hashtag" || local);
      case "list":
        return this.status.visibility !== "direct" && this.#listOwners.get(spec.param!) === viewerId;
      default:
        return false;
    }
  }
}
