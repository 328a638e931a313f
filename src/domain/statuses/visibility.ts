import type { Directory } from "../directory/service.ts";
import { DomainError } from "../errors.ts";
import type { FollowService } from "../follows/service.ts";
import type { RelationQueries } from "../relations/queries.ts";
import type { StatusStore } from "./store.ts";
import type { StatusRow } from "./types.ts";
import { mayView, type ViewFacts, type VisibilityScope } from "./visibility-rule.ts";

/**
 * The closed network's rule (visibility-rule.ts) for a local viewer, with its
 * facts read from the stores: one status opened by id (`open`: blocks hide),
 * or a batch in a timeline, thread or stream (`feed`: blocks, mutes and
 * blocked instances hide), authors and hidden accounts loaded once.
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

  #facts(viewerId: string, lookups: Pick<ViewFacts, "original" | "shownAuthor" | "hidden">): ViewFacts {
    const following = new Map<string, boolean>();
    return {
      ...lookups,
      follows: (accountId) => {
        let yes = following.get(accountId);
        if (yes === undefined) following.set(accountId, (yes = this.#follows.isFollowing(viewerId, accountId)));
        return yes;
      },
      mentioned: (statusId) => this.#store.mentionedIds(statusId).includes(viewerId),
    };
  }

  /** May the viewer open this status (by id or URL)? */
  canSee(viewerId: string, status: StatusRow): boolean {
    return mayView(
      viewerId,
      status,
      this.#facts(viewerId, {
        original: (id) => this.#store.get(id),
        shownAuthor: (accountId) => {
          const author = this.#directory.get(accountId);
          return author != null && (author.local || author.verified);
        },
        hidden: (accountId) => this.#relations.isBlockedEitherWay(viewerId, accountId),
      }),
    );
  }

  /**
   * The statuses the viewer may see, in their order: of a timeline, thread or stream (`feed`, the default), or
   * asked for by id (`open`). `hidden` is the scope's hidden accounts when the caller already has them.
   */
  visibleTo(
    viewerId: string,
    rows: readonly StatusRow[],
    options: { scope?: VisibilityScope; hidden?: ReadonlySet<string> } = {},
  ): StatusRow[] {
    if (rows.length === 0) return [];
    const hidden =
      options.hidden ?? (options.scope === "open" ? this.#relations.blockedEitherWay(viewerId) : this.#relations.hiddenFrom(viewerId));
    const originals = this.#store.getMany(rows.map((r) => r.reblogOfId).filter((id): id is string => id != null));
    const authors = this.#directory.getMany([...rows, ...originals.values()].map((r) => r.accountId));
    const facts = this.#facts(viewerId, {
      original: (id) => originals.get(id),
      shownAuthor: (accountId) => {
        const author = authors.get(accountId);
        return author != null && (author.local || author.verified);
      },
      hidden: (accountId) => hidden.has(accountId),
    });
    return rows.filter((status) => mayView(viewerId, status, facts));
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
