import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { bookmarks, favourites, mediaAttachments, pins, statusMentions, statuses, statusTags } from "../../db/schema.ts";
import type { DomainEvents } from "../events.ts";
import type { MediaService } from "../media/service.ts";
import type { NotificationService } from "../notifications/service.ts";
import type { CaseRecord } from "./case.ts";
import { plainCaseText } from "./case.ts";
import { htmlToText } from "./text.ts";
import type { StatusRow } from "./types.ts";

const ID = /^\d{1,20}$/;

/**
 * The statuses table and its satellites (tags, mentions, media, search), as
 * every status service reads them, and the one way a status is removed.
 */
export class StatusStore {
  readonly #db: Db;
  readonly #media: MediaService;
  readonly #notifications: NotificationService;
  readonly #events: DomainEvents;

  constructor(deps: { db: Db; media: MediaService; notifications: NotificationService; events: DomainEvents }) {
    this.#db = deps.db;
    this.#media = deps.media;
    this.#notifications = deps.notifications;
    this.#events = deps.events;
  }

  get(id: string): StatusRow | undefined {
    if (!ID.test(id)) return undefined;
    return this.#db.select().from(statuses).where(eq(statuses.id, id)).get();
  }

  getByUri(uri: string): StatusRow | undefined {
    return this.#db.select().from(statuses).where(eq(statuses.uri, uri)).get();
  }

  getMany(ids: readonly string[]): Map<string, StatusRow> {
    const valid = [...new Set(ids)].filter((id) => ID.test(id));
    if (valid.length === 0) return new Map();
    return new Map(this.#db.select().from(statuses).where(inArray(statuses.id, valid)).all().map((s) => [s.id, s]));
  }

  boostsOf(statusId: string): StatusRow[] {
    return this.#db.select().from(statuses).where(eq(statuses.reblogOfId, statusId)).all();
  }

  mentionedIds(statusId: string): string[] {
    return this.#db.select({ id: statusMentions.accountId }).from(statusMentions).where(eq(statusMentions.statusId, statusId)).all().map((r) => r.id);
  }

  /** Counts and the viewer's own flags for a batch of statuses (one query each). */
  stats(viewerId: string, ids: readonly string[]) {
    const list = [...new Set(ids)];
    const count = (rows: { id: string | null; n: number }[]) => new Map(rows.map((r) => [r.id!, r.n]));
    if (list.length === 0) return { replies: new Map<string, number>(), reblogs: new Map<string, number>(), favourites: new Map<string, number>(), favourited: new Set<string>(), reblogged: new Set<string>(), bookmarked: new Set<string>(), pinned: new Set<string>() };
    const replies = count(this.#db.select({ id: statuses.inReplyToId, n: sql<number>`count(*)` }).from(statuses).where(inArray(statuses.inReplyToId, list)).groupBy(statuses.inReplyToId).all());
    const reblogs = count(this.#db.select({ id: statuses.reblogOfId, n: sql<number>`count(*)` }).from(statuses).where(inArray(statuses.reblogOfId, list)).groupBy(statuses.reblogOfId).all());
    const favs = count(this.#db.select({ id: favourites.statusId, n: sql<number>`count(*)` }).from(favourites).where(inArray(favourites.statusId, list)).groupBy(favourites.statusId).all());
    const favourited = new Set(this.#db.select({ id: favourites.statusId }).from(favourites).where(and(eq(favourites.accountId, viewerId), inArray(favourites.statusId, list))).all().map((r) => r.id));
    const reblogged = new Set(this.#db.select({ id: statuses.reblogOfId }).from(statuses).where(and(eq(statuses.accountId, viewerId), inArray(statuses.reblogOfId, list))).all().map((r) => r.id!));
    const bookmarked = new Set(this.#db.select({ id: bookmarks.statusId }).from(bookmarks).where(and(eq(bookmarks.accountId, viewerId), inArray(bookmarks.statusId, list))).all().map((r) => r.id));
    const pinned = new Set(this.#db.select({ id: pins.statusId }).from(pins).where(and(eq(pins.accountId, viewerId), inArray(pins.statusId, list))).all().map((r) => r.id));
    return { replies, reblogs, favourites: favs, favourited, reblogged, bookmarked, pinned };
  }

  tagsOf(ids: readonly string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    for (const r of this.#db.select().from(statusTags).where(inArray(statusTags.statusId, [...ids])).all()) {
      out.set(r.statusId, [...(out.get(r.statusId) ?? []), r.tag]);
    }
    return out;
  }

  mentionsOf(ids: readonly string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    for (const r of this.#db.select().from(statusMentions).where(inArray(statusMentions.statusId, [...ids])).all()) {
      out.set(r.statusId, [...(out.get(r.statusId) ?? []), r.accountId]);
    }
    return out;
  }

  mediaOf(ids: readonly string[]) {
    const out = new Map<string, (typeof mediaAttachments.$inferSelect)[]>();
    if (ids.length === 0) return out;
    for (const m of this.#db.select().from(mediaAttachments).where(inArray(mediaAttachments.statusId, [...ids])).orderBy(asc(mediaAttachments.id)).all()) {
      out.set(m.statusId!, [...(out.get(m.statusId!) ?? []), m]);
    }
    return out;
  }

  /** Posts written here (boosts excluded), for NodeInfo and the instance API. */
  countLocal(): number {
    return this.#db.select({ n: sql<number>`count(*)` }).from(statuses).where(and(eq(statuses.local, true), ne(statuses.kind, "boost"))).get()?.n ?? 0;
  }

  countByAccount(accountId: string): number {
    return this.#db.select({ n: sql<number>`count(*)` }).from(statuses).where(and(eq(statuses.accountId, accountId), ne(statuses.kind, "boost"))).get()?.n ?? 0;
  }

  /** Hashtags in use that start with the prefix (for search). */
  tagsLike(prefix: string, limit: number): string[] {
    const p = prefix.replace(/^#/, "").toLowerCase().replace(/[%_]/g, "");
    if (!p) return [];
    return this.#db
      .selectDistinct({ tag: statusTags.tag })
      .from(statusTags)
      .where(sql`${statusTags.tag} LIKE ${`${p}%`}`)
      .limit(limit)
      .all()
      .map((r) => r.tag);
  }

  /** The text full-text search reads for a status. */
  searchBody(status: { contentHtml: string; spoilerText: string }, record: CaseRecord | null): string {
    return [status.spoilerText, record ? plainCaseText(record) : "", htmlToText(status.contentHtml)].filter(Boolean).join("\n");
  }

  index(statusId: string, body: string): void {
    this.#db.run(sql`DELETE FROM status_search WHERE status_id = ${statusId}`);
    if (body) this.#db.run(sql`INSERT INTO status_search (status_id, body) VALUES (${statusId}, ${body})`);
  }

  /** Removes a status with everything hanging off it, and announces it. */
  remove(status: StatusRow): void {
    const media = this.#db.select().from(mediaAttachments).where(eq(mediaAttachments.statusId, status.id)).all();
    const mentionedIds = this.mentionedIds(status.id);
    this.#db.transaction((tx) => {
      tx.delete(statuses).where(eq(statuses.id, status.id)).run();
      tx.delete(statusTags).where(eq(statusTags.statusId, status.id)).run();
      tx.delete(statusMentions).where(eq(statusMentions.statusId, status.id)).run();
      tx.delete(favourites).where(eq(favourites.statusId, status.id)).run();
      tx.delete(bookmarks).where(eq(bookmarks.statusId, status.id)).run();
      tx.delete(pins).where(eq(pins.statusId, status.id)).run();
      tx.delete(mediaAttachments).where(eq(mediaAttachments.statusId, status.id)).run();
      tx.run(sql`DELETE FROM status_search WHERE status_id = ${status.id}`);
    });
    this.#media.deleteFiles(media);
    this.#notifications.forgetStatus(status.id);
    this.#events.emit({ type: "status.deleted", status, mentionedIds });
  }

  /** A status and its boosts. */
  removeWithBoosts(status: StatusRow): void {
    const boosts = this.boostsOf(status.id);
    this.remove(status);
    for (const boost of boosts) this.remove(boost);
  }
}
