import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import type { Clock } from "../clock.ts";
import { bookmarks, favourites, listAccounts, lists, pins, statuses, statusTags } from "../../db/schema.ts";
import { DomainError } from "../errors.ts";
import type { CaseRecord } from "../statuses/case.ts";
import type { StatusStore } from "../statuses/store.ts";
import type { StatusRow } from "../statuses/types.ts";
import type { StatusVisibility } from "../statuses/visibility.ts";
import { visibleSql } from "../statuses/visibility-rule.ts";
import type { HomeFeed } from "./feed.ts";

const HOME_SLACK = 10;

export interface Page {
  readonly maxId?: string;
  readonly sinceId?: string;
  readonly minId?: string;
  readonly limit: number;
}

/**
 * Which replies a list shows, as Mastodon's `replies_policy`: always those to
 * their own author or to the list's owner; `followed` also those to anyone the
 * owner follows, `list` those to the list's members, `none` no others.
 */
function listReplies(list: { id: string; accountId: string; repliesPolicy: string }) {
  const others =
    list.repliesPolicy === "followed"
      ? sql`OR EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ${list.accountId} AND f.following_id = ${statuses.inReplyToAccountId} AND f.state = 'accepted')`
      : list.repliesPolicy === "list"
        ? sql`OR EXISTS (SELECT 1 FROM list_accounts la WHERE la.list_id = ${list.id} AND la.account_id = ${statuses.inReplyToAccountId})`
        : sql``;
  return sql`(${statuses.kind} = 'boost' OR (${statuses.inReplyToId} IS NULL AND ${statuses.inReplyToUri} IS NULL)
    OR ${statuses.inReplyToAccountId} = ${statuses.accountId} OR ${statuses.inReplyToAccountId} = ${list.accountId} ${others})`;
}

/**
 * Timelines, threads, case listings and search: every way a physician reads
 * many statuses.  Each page comes from one query in id order, then the
 * closed network's visibility rule (StatusVisibility) for the viewer.
 */
export class TimelineService {
  readonly #db: Db;
  readonly #store: StatusStore;
  readonly #visibility: StatusVisibility;
  readonly #feed: HomeFeed;

  readonly #clock: Clock;

  constructor(deps: { db: Db; store: StatusStore; visibility: StatusVisibility; feed: HomeFeed; clock: Clock }) {
    this.#clock = deps.clock;
    this.#feed = deps.feed;
    this.#db = deps.db;
    this.#store = deps.store;
    this.#visibility = deps.visibility;
  }

  /** Limited (silenced) accounts reach the network timelines only of those who follow them. */
  #notLimited(viewerId: string) {
    return sql`(NOT EXISTS (SELECT 1 FROM accounts la WHERE la.id = ${statuses.accountId} AND la.silenced = 1)
      AND NOT EXISTS (SELECT 1 FROM remote_actors ra WHERE ra.id = ${statuses.accountId} AND ra.silenced = 1)
      OR ${statuses.accountId} = ${viewerId}
      OR EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ${viewerId} AND f.following_id = ${statuses.accountId} AND f.state = 'accepted'))`;
  }

  #paged(viewerId: string, conditions: (SQL | undefined)[], page: Page): StatusRow[] {
    const where = and(
      ...conditions.filter((c) => c != null),
      page.maxId ? lt(statuses.id, page.maxId) : undefined,
      page.sinceId ? gt(statuses.id, page.sinceId) : undefined,
      page.minId ? gt(statuses.id, page.minId) : undefined,
      // The visibility rule's SQL twin: a page is full of what the viewer may see, with nothing to filter after.
      // On the domain's clock, as the directory judges credentials (tests advance it).
      visibleSql(viewerId, "feed", this.#clock.now().getTime(), "statuses"),
    );
    const rows = this.#db
      .select()
      .from(statuses)
      .where(where)
      .orderBy(page.minId ? asc(statuses.id) : desc(statuses.id))
      .limit(page.limit)
      .all();
    return page.minId ? rows.reverse() : rows;
  }

  /**
   * Own posts, those of accounts followed (their boosts included), and
   * network posts carrying a followed hashtag: the home feed (materialised on
   * write by HomeFeed to the home rule), then each status's visibility.
   */
  home(viewerId: string, page: Page): StatusRow[] {
    // A few more than the page, for those the visibility check leaves out (held, blocked, muted).
    const ids = this.#feed.page(viewerId, { ...page, limit: page.limit + HOME_SLACK });
    const rows = this.#store.getMany(ids);
    const visible = this.#visibility.visibleTo(
      viewerId,
      ids.map((id) => rows.get(id)).filter((r): r is StatusRow => r != null),
    );
    return page.minId ? visible.slice(-page.limit) : visible.slice(0, page.limit);
  }

  /** Direct posts the viewer wrote or is addressed in (Mastodon's old direct timeline). */
  direct(viewerId: string, page: Page): StatusRow[] {
    const involved = sql`(${statuses.accountId} = ${viewerId} OR EXISTS (SELECT 1 FROM status_mentions m WHERE m.status_id = ${statuses.id} AND m.account_id = ${viewerId}))`;
    return this.#paged(viewerId, [eq(statuses.visibility, "direct"), involved], page);
  }

  /** The network timeline: public posts (no boosts), local, remote or both. */
  publicTimeline(viewerId: string, options: { local?: boolean; remote?: boolean; onlyMedia?: boolean }, page: Page): StatusRow[] {
    const media = options.onlyMedia ? sql`EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = ${statuses.id})` : undefined;
    return this.#paged(
      viewerId,
      [
        eq(statuses.visibility, "public"),
        ne(statuses.kind, "boost"),
        this.#notLimited(viewerId),
        options.local ? eq(statuses.local, true) : undefined,
        options.remote ? eq(statuses.local, false) : undefined,
        media,
      ],
      page,
    );
  }

  tagTimeline(viewerId: string, tag: string, options: { local?: boolean; remote?: boolean; onlyMedia?: boolean }, page: Page): StatusRow[] {
    const tagged = this.#db.select({ id: statusTags.statusId }).from(statusTags).where(eq(statusTags.tag, tag.toLowerCase()));
    const media = options.onlyMedia ? sql`EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = ${statuses.id})` : undefined;
    return this.#paged(
      viewerId,
      [
        inArray(statuses.id, tagged),
        eq(statuses.visibility, "public"),
        this.#notLimited(viewerId),
        options.local ? eq(statuses.local, true) : undefined,
        options.remote ? eq(statuses.local, false) : undefined,
        media,
      ],
      page,
    );
  }

  listTimeline(viewerId: string, listId: string, page: Page): StatusRow[] {
    const list = this.#db
      .select()
      .from(lists)
      .where(and(eq(lists.id, listId), eq(lists.accountId, viewerId)))
      .get();
    if (!list) throw new DomainError("not_found", "Record not found");
    const members = this.#db.select({ id: listAccounts.accountId }).from(listAccounts).where(eq(listAccounts.listId, listId));
    return this.#paged(viewerId, [inArray(statuses.accountId, members), ne(statuses.visibility, "direct"), listReplies(list)], page);
  }

  accountStatuses(
    viewerId: string,
    accountId: string,
    options: { excludeReplies?: boolean; excludeReblogs?: boolean; onlyMedia?: boolean; pinned?: boolean; tagged?: string },
    page: Page,
  ): StatusRow[] {
    const media = options.onlyMedia ? sql`EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = ${statuses.id})` : undefined;
    const pinned = options.pinned
      ? inArray(statuses.id, this.#db.select({ id: pins.statusId }).from(pins).where(eq(pins.accountId, accountId)))
      : undefined;
    const tagged = options.tagged
      ? inArray(
          statuses.id,
          this.#db.select({ id: statusTags.statusId }).from(statusTags).where(eq(statusTags.tag, options.tagged.toLowerCase())),
        )
      : undefined;
    return this.#paged(
      viewerId,
      [
        eq(statuses.accountId, accountId),
        options.excludeReplies ? isNull(statuses.inReplyToId) : undefined,
        options.excludeReblogs ? ne(statuses.kind, "boost") : undefined,
        media,
        pinned,
        tagged,
      ],
      page,
    );
  }

  bookmarksOf(viewerId: string, page: Page): StatusRow[] {
    const marked = this.#db.select({ id: bookmarks.statusId }).from(bookmarks).where(eq(bookmarks.accountId, viewerId));
    return this.#paged(viewerId, [inArray(statuses.id, marked)], page);
  }

  favouritesOf(viewerId: string, page: Page): StatusRow[] {
    const faved = this.#db.select({ id: favourites.statusId }).from(favourites).where(eq(favourites.accountId, viewerId));
    return this.#paged(viewerId, [inArray(statuses.id, faved)], page);
  }

  /** Cases, filtered by status, specialty and whether anyone has replied yet. */
  cases(
    viewerId: string,
    options: { status?: "open" | "solved"; specialty?: string; unanswered?: boolean; local?: boolean },
    page: Page,
  ): StatusRow[] {
    const tagged = options.specialty
      ? this.#db.select({ id: statusTags.statusId }).from(statusTags).where(eq(statusTags.tag, options.specialty.toLowerCase()))
      : null;
    const unanswered = options.unanswered ? sql`NOT EXISTS (SELECT 1 FROM statuses r WHERE r.in_reply_to_id = ${statuses.id})` : undefined;
    return this.#paged(
      viewerId,
      [
        eq(statuses.kind, "case"),
        options.status ? eq(statuses.caseStatus, options.status) : undefined,
        tagged ? inArray(statuses.id, tagged) : undefined,
        unanswered,
        options.local ? eq(statuses.local, true) : undefined,
      ],
      page,
    );
  }

  /** Ancestors up the reply chain, and every visible descendant in the thread. */
  context(viewerId: string, id: string): { ancestors: StatusRow[]; descendants: StatusRow[] } {
    const status = this.#visibility.getVisible(viewerId, id);
    const hidden = this.#visibility.hiddenFrom(viewerId);
    const chain: StatusRow[] = [];
    for (
      let cursor = status.inReplyToId ? this.#store.get(status.inReplyToId) : undefined;
      cursor && chain.length < 100;
      cursor = cursor.inReplyToId ? this.#store.get(cursor.inReplyToId) : undefined
    ) {
      chain.unshift(cursor);
    }
    const thread = status.contextUri ? this.#store.inContext(status.contextUri) : [];
    // Published time and URI order the thread, so every instance shows it the same way.
    thread.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.uri.localeCompare(b.uri));
    const inThread = new Set([status.id]);
    const descendants: StatusRow[] = [];
    for (const s of thread) {
      if (s.inReplyToId && inThread.has(s.inReplyToId)) {
        inThread.add(s.id);
        descendants.push(s);
      }
    }
    return {
      ancestors: this.#visibility.visibleTo(viewerId, chain, { hidden }),
      descendants: this.#visibility.visibleTo(viewerId, descendants, { hidden }),
    };
  }

  /** Full-text search over posts and cases this instance holds (FTS5). */
  search(viewerId: string, query: string, limit: number, offset = 0): StatusRow[] {
    const terms = query
      .split(/\s+/)
      .map((t) => t.replace(/["*^():]/g, ""))
      .filter(Boolean)
      .map((t) => `"${t}"`);
    if (terms.length === 0) return [];
    const ids = this.#db
      .all<{ status_id: string }>(
        sql`SELECT status_id FROM status_search WHERE status_search MATCH ${terms.join(" ")} ORDER BY rank LIMIT ${limit + offset + 20}`,
      )
      .map((r) => r.status_id);
    const rows = this.#store.getMany(ids);
    const found = ids.map((id) => rows.get(id)).filter((s): s is StatusRow => s != null);
    return this.#visibility.visibleTo(viewerId, found).slice(offset, offset + limit);
  }

  /**
   * For the network as this instance sees it: of the cases opened in the
   * window, the median minutes to a first reply, the share answered within
   * 90 minutes, and the share solved within 24 hours.
   */
  caseStats(since: Date, until: Date) {
    const cases = this.#db
      .select()
      .from(statuses)
      .where(
        and(
          eq(statuses.kind, "case"),
          eq(statuses.held, false),
          sql`${statuses.createdAt} >= ${since.getTime()}`,
          sql`${statuses.createdAt} < ${until.getTime()}`,
        ),
      )
      .all();
    const firstReplies = new Map(
      this.#db
        .all<{ id: string; first: number }>(
          sql`SELECT c.id AS id, MIN(r.created_at) AS first FROM statuses c JOIN statuses r ON r.in_reply_to_id = c.id AND r.account_id <> c.account_id
              WHERE c.kind = 'case' AND c.created_at >= ${since.getTime()} AND c.created_at < ${until.getTime()} GROUP BY c.id`,
        )
        .map((r) => [r.id, r.first]),
    );
    const delays = cases
      .map((c) => (firstReplies.has(c.id) ? (firstReplies.get(c.id)! - c.createdAt.getTime()) / 60_000 : null))
      .filter((d): d is number => d != null)
      .sort((a, b) => a - b);
    const median =
      delays.length === 0
        ? null
        : delays.length % 2
          ? delays[(delays.length - 1) / 2]!
          : (delays[delays.length / 2 - 1]! + delays[delays.length / 2]!) / 2;
    const solvedWithinDay = cases.filter((c) => {
      const record = c.caseData ? (JSON.parse(c.caseData) as CaseRecord) : null;
      return (
        record?.status === "solved" && record.solved_at && new Date(record.solved_at).getTime() - c.createdAt.getTime() <= 24 * 3600_000
      );
    }).length;
    const share = (n: number) => (cases.length === 0 ? null : n / cases.length);
    return {
      cases: cases.length,
      answered: delays.length,
      median_minutes_to_first_reply: median,
      share_replied_within_90_minutes: share(delays.filter((d) => d <= 90).length),
      share_solved_within_24_hours: share(solvedWithinDay),
    };
  }
}
