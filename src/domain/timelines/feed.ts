import type Database from "better-sqlite3";
import type { DomainEvent, DomainEvents } from "../events.ts";
import { idFloor } from "../ids.ts";
import { HOME_CANDIDATES, homeRule } from "./home-rule.ts";

export interface FeedPage {
  readonly maxId?: string;
  readonly sinceId?: string;
  readonly minId?: string;
  readonly limit: number;
}

/** Statuses written in this window are fanned out again at start (a crash between a post and its fan-out). */
const CATCH_UP_MS = 10 * 60_000;

/**
 * The home feed materialised on write (home_feed), kept to the home rule by
 * listening to domain events: a new or edited status is fanned out to the
 * local viewers the rule admits; a follow, unfollow, block or followed tag
 * reconciles that viewer's rows for the author or tag; a deleted status
 * leaves every feed.  A page is one indexed read.
 */
export class HomeFeed {
  readonly #sqlite: Database.Database;
  readonly #fanOut: Database.Statement;
  readonly #prune: Database.Statement;
  readonly #remove: Database.Statement;
  readonly #authorDrop: Database.Statement;
  readonly #authorAdd: Database.Statement;
  readonly #tagDrop: Database.Statement;
  readonly #tagAdd: Database.Statement;
  readonly #pages: Map<string, Database.Statement> = new Map();
  readonly #repliesDrop: Database.Statement;
  readonly #repliesAdd: Database.Statement;
  readonly #contains: Database.Statement<[string, string], number>;

  constructor(deps: { sqlite: Database.Database; events: DomainEvents }) {
    const db = deps.sqlite;
    this.#sqlite = db;
    this.#fanOut = db.prepare(
      `INSERT OR IGNORE INTO home_feed (account_id, status_id)
       SELECT c.id, s.id FROM (${HOME_CANDIDATES}) c JOIN statuses s ON s.id = :status WHERE ${homeRule("c.id")}`,
    );
    this.#prune = db.prepare(
      `DELETE FROM home_feed WHERE status_id = :status AND account_id NOT IN (
         SELECT c.id FROM (${HOME_CANDIDATES}) c JOIN statuses s ON s.id = :status WHERE ${homeRule("c.id")})`,
    );
    this.#remove = db.prepare("DELETE FROM home_feed WHERE status_id = ?");
    const local = "EXISTS (SELECT 1 FROM accounts WHERE id = :viewer)";
    this.#authorDrop = db.prepare(
      `DELETE FROM home_feed WHERE account_id = :viewer AND status_id IN (SELECT s.id FROM statuses s WHERE s.account_id = :author AND NOT ${homeRule(":viewer")})`,
    );
    this.#authorAdd = db.prepare(
      `INSERT OR IGNORE INTO home_feed (account_id, status_id) SELECT :viewer, s.id FROM statuses s WHERE ${local} AND s.account_id = :author AND ${homeRule(":viewer")}`,
    );
    const tagged = "SELECT status_id FROM status_tags WHERE tag = :tag";
    this.#tagDrop = db.prepare(
      `DELETE FROM home_feed WHERE account_id = :viewer AND status_id IN (SELECT s.id FROM statuses s WHERE s.id IN (${tagged}) AND NOT ${homeRule(":viewer")})`,
    );
    this.#tagAdd = db.prepare(
      `INSERT OR IGNORE INTO home_feed (account_id, status_id) SELECT :viewer, s.id FROM statuses s WHERE ${local} AND s.id IN (${tagged}) AND ${homeRule(":viewer")}`,
    );
    // Following (or no longer following) someone changes which replies to them belong at home.
    const repliesTo = "SELECT s.id FROM statuses s WHERE s.in_reply_to_account_id = :author";
    this.#repliesDrop = db.prepare(
      `DELETE FROM home_feed WHERE account_id = :viewer AND status_id IN (SELECT s.id FROM statuses s WHERE s.id IN (${repliesTo}) AND NOT ${homeRule(":viewer")})`,
    );
    this.#repliesAdd = db.prepare(
      `INSERT OR IGNORE INTO home_feed (account_id, status_id) SELECT :viewer, s.id FROM statuses s WHERE ${local} AND s.id IN (${repliesTo}) AND ${homeRule(":viewer")}`,
    );
    this.#contains = db.prepare<[string, string], number>("SELECT 1 FROM home_feed WHERE account_id = ? AND status_id = ?").pluck();
    deps.events.subscribe((event) => this.#apply(event));
  }

  #apply(event: DomainEvent): void {
    switch (event.type) {
      case "status.created":
        this.#fanOut.run({ status: event.status.id, author: event.status.accountId });
        return;
      case "status.updated":
        // An edit may add or remove a followed tag, or a held post may be released.
        this.#sqlite.transaction(() => {
          this.#prune.run({ status: event.status.id, author: event.status.accountId });
          this.#fanOut.run({ status: event.status.id, author: event.status.accountId });
        })();
        return;
      case "status.deleted":
        this.#remove.run(event.status.id);
        return;
      case "relationship.changed":
        if (event.change === "tag.follow" || event.change === "tag.unfollow") this.reconcileTag(event.accountId, event.targetId);
        else if (event.change === "list") this.reconcileAuthor(event.accountId, event.targetId);
        else if (["follow", "unfollow", "block", "unblock", "blocked_by", "unblocked_by"].includes(event.change)) {
          this.reconcileAuthor(event.accountId, event.targetId);
          this.reconcileAuthor(event.targetId, event.accountId);
        }
        return;
      default:
        return;
    }
  }

  /** Brings a viewer's rows for one author back to the rule (after a follow change either way). */
  reconcileAuthor(viewerId: string, authorId: string): void {
    this.#sqlite.transaction(() => {
      this.#authorDrop.run({ viewer: viewerId, author: authorId });
      this.#authorAdd.run({ viewer: viewerId, author: authorId });
      this.#repliesDrop.run({ viewer: viewerId, author: authorId });
      this.#repliesAdd.run({ viewer: viewerId, author: authorId });
    })();
  }

  /** Whether a status is in a viewer's home (the streaming API's user stream asks the same rule). */
  contains(viewerId: string, statusId: string): boolean {
    return this.#contains.get(viewerId, statusId) === 1;
  }

  reconcileTag(viewerId: string, tag: string): void {
    this.#sqlite.transaction(() => {
      this.#tagDrop.run({ viewer: viewerId, tag });
      this.#tagAdd.run({ viewer: viewerId, tag });
    })();
  }

  /** Every local viewer's feed from the statuses held (a new instance's first start, the benchmark's seed). */
  rebuildAll(): number {
    const pairs = `
      SELECT a.id AS viewer, s.id AS status FROM accounts a JOIN statuses s ON s.account_id = a.id
      UNION SELECT f.follower_id, s.id FROM follows f JOIN accounts a ON a.id = f.follower_id JOIN statuses s ON s.account_id = f.following_id WHERE f.state = 'accepted'
      UNION SELECT ft.account_id, st.status_id FROM followed_tags ft JOIN status_tags st ON st.tag = ft.tag`;
    return this.#sqlite
      .prepare(
        `INSERT OR IGNORE INTO home_feed (account_id, status_id) SELECT p.viewer, s.id FROM (${pairs}) p JOIN statuses s ON s.id = p.status WHERE ${homeRule("p.viewer")}`,
      )
      .run().changes;
  }

  /**
   * At start: an empty feed beside existing statuses is built once (an
   * instance upgraded to the feed); the last minutes are fanned out again,
   * in case the process stopped between a post and its fan-out.
   */
  start(now = Date.now()): void {
    const empty = this.#sqlite
      .prepare("SELECT NOT EXISTS (SELECT 1 FROM home_feed) AND EXISTS (SELECT 1 FROM statuses) AS needed")
      .get() as { needed: number };
    if (empty.needed) {
      this.rebuildAll();
      return;
    }
    const recent = this.#sqlite.prepare("SELECT id, account_id AS author FROM statuses WHERE id >= ?").all(idFloor(now - CATCH_UP_MS)) as {
      id: string;
      author: string;
    }[];
    this.#sqlite.transaction(() => {
      for (const r of recent) this.#fanOut.run({ status: r.id, author: r.author });
    })();
  }

  /**
   * A page of the viewer's home feed: status ids, newest first (min_id pages
   * are read oldest first, then reversed).  One range read of the feed's
   * primary key; held posts, blocks and mutes are left out by the caller's
   * visibility check, so it asks for a few more than it shows.
   */
  page(viewerId: string, page: FeedPage): string[] {
    const key = `${page.maxId ? "M" : ""}${page.sinceId ? "S" : ""}${page.minId ? "m" : ""}`;
    let statement = this.#pages.get(key);
    if (!statement) {
      const bounds = [
        page.maxId ? "status_id < :maxId" : "",
        page.sinceId ? "status_id > :sinceId" : "",
        page.minId ? "status_id > :minId" : "",
      ].filter(Boolean);
      statement = this.#sqlite
        .prepare(
          `SELECT status_id FROM home_feed WHERE account_id = :viewer ${bounds.map((b) => `AND ${b}`).join(" ")} ORDER BY status_id ${page.minId ? "ASC" : "DESC"} LIMIT :limit`,
        )
        .pluck();
      this.#pages.set(key, statement);
    }
    const ids = statement.all({
      viewer: viewerId,
      limit: page.limit,
      ...(page.maxId ? { maxId: page.maxId } : {}),
      ...(page.sinceId ? { sinceId: page.sinceId } : {}),
      ...(page.minId ? { minId: page.minId } : {}),
    }) as string[];
    return page.minId ? ids.reverse() : ids;
  }

  /** A viewer's whole feed (tests compare it with the rule). */
  all(viewerId: string): string[] {
    return this.#sqlite
      .prepare("SELECT status_id FROM home_feed WHERE account_id = ? ORDER BY status_id DESC")
      .pluck()
      .all(viewerId) as string[];
  }
}
