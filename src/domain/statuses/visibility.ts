import type { Directory } from "../directory/service.ts";
import { DomainError } from "../errors.ts";
import type { FollowService } from "../follows/service.ts";
import type { RelationQueries } from "../relations/queries.ts";
import type { StatusStore } from "./store.ts";
import type { StatusRow } from "./types.ts";

/**
 * The closed network's rule for a local viewer: who may see a status.
 * Held posts and unverified peers' posts are seen by nobody but their
 * author; followers-only by followers and the mentioned; direct by the
 * mentioned.  Blocks hide both ways, everywhere; mutes hide from timelines,
 * threads and streams (a muted account's post can still be opened).
 */
export class StatusVisibility {
  readonly #store: StatusStore;
  readonly #directory: Directory;
  readonly #follows: FollowService;
  readonly #relations: RelationQueries;

  constructor(deps: { store: StatusStore; directory: Directory; follows: FollowService; relations: RelationQueries }) {
    this.#store = deps.store;
    this.#directory = deps.directory;
    this.#follows = deps.follows;
    this.#relations = deps.relations;
  }

  #audienceAllows(viewerId: string, status: StatusRow): boolean {
    switch (status.visibility) {
      case "public":
      case "unlisted":
        return true;
      case "private":
        return this.#follows.isFollowing(viewerId, status.accountId) || this.#store.mentionedIds(status.id).includes(viewerId);
      case "direct":
        return this.#store.mentionedIds(status.id).includes(viewerId);
    }
  }

  /** May the viewer open this status (by id or URL)? */
  canSee(viewerId: string, status: StatusRow): boolean {
    if (status.accountId === viewerId) return true;
    if (status.held) return false;
    const author = this.#directory.get(status.accountId);
    // Unverified remote actors (no valid credential) are not shown.
    if (!author || (!author.local && !author.verified)) return false;
    if (this.#relations.isBlockedEitherWay(viewerId, status.accountId)) return false;
    if (status.reblogOfId) {
      const original = this.#store.get(status.reblogOfId);
      if (!original || !this.canSee(viewerId, original)) return false;
    }
    return this.#audienceAllows(viewerId, status);
  }

  /**
   * canSee for a batch in a timeline, thread or stream: authors and hidden
   * accounts are loaded once; muted accounts are left out too, and so are
   * boosts of statuses the viewer may not see.
   */
  visibleTo(viewerId: string, rows: readonly StatusRow[], hidden: ReadonlySet<string> = this.#relations.hiddenFrom(viewerId)): StatusRow[] {
    const originals = this.#store.getMany(rows.map((r) => r.reblogOfId).filter((id): id is string => id != null));
    const authors = this.#directory.getMany([...rows, ...originals.values()].map((r) => r.accountId));
    const one = (status: StatusRow): boolean => {
      if (status.reblogOfId) {
        const original = originals.get(status.reblogOfId);
        if (!original || original.reblogOfId != null || !one(original)) return false;
      }
      if (status.accountId === viewerId) return true;
      if (status.held || hidden.has(status.accountId)) return false;
      const author = authors.get(status.accountId);
      if (!author || (!author.local && !author.verified)) return false;
      return status.visibility === "public" || status.visibility === "unlisted" || this.#audienceAllows(viewerId, status);
    };
    return rows.filter(one);
  }

  /** A status the viewer may see, or a 404 that does not reveal whether it exists. */
  getVisible(viewerId: string, id: string): StatusRow {
    const status = this.#store.get(id);
    if (!status || !this.canSee(viewerId, status)) throw new DomainError("not_found", "Record not found");
    return status;
  }

  hiddenFrom(viewerId: string): Set<string> {
    return this.#relations.hiddenFrom(viewerId);
  }
}
