import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { idList, inIdList, once } from "../../db/prepared.ts";
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
  #localCount: number | null = null;

  readonly #byId = once(() =>
    this.#db
      .select()
      .from(statuses)
      .where(eq(statuses.id, sql.placeholder("id")))
      .prepare(),
  );
  readonly #byUri = once(() =>
    this.#db
      .select()
      .from(statuses)
      .where(eq(statuses.uri, sql.placeholder("uri")))
      .prepare(),
  );
  readonly #byIds = once(() => this.#db.select().from(statuses).where(inIdList(statuses.id)).prepare());
  readonly #tags = once(() => this.#db.select().from(statusTags).where(inIdList(statusTags.statusId)).prepare());
  readonly #mentions = once(() => this.#db.select().from(statusMentions).where(inIdList(statusMentions.statusId)).prepare());
  readonly #mediaRows = once(() =>
    this.#db.select().from(mediaAttachments).where(inIdList(mediaAttachments.statusId)).orderBy(asc(mediaAttachments.id)).prepare(),
  );
  // Counts and the viewer's own flags for a batch, in one statement.
  readonly #stats = once(() =>
    this.#db.$client.prepare(`SELECT j.value AS id,
      (SELECT count(*) FROM statuses r WHERE r.in_reply_to_id = j.value) AS replies,
      (SELECT count(*) FROM statuses b WHERE b.reblog_of_id = j.value) AS reblogs,
      (SELECT count(*) FROM favourites f WHERE f.status_id = j.value) AS favourites,
      EXISTS (SELECT 1 FROM favourites f WHERE f.status_id = j.value AND f.account_id = :viewer) AS favourited,
      EXISTS (SELECT 1 FROM statuses b WHERE b.reblog_of_id = j.value AND b.account_id = :viewer) AS reblogged,
      EXISTS (SELECT 1 FROM bookmarks k WHERE k.status_id = j.value AND k.account_id = :viewer) AS bookmarked,
      EXISTS (SELECT 1 FROM pins p WHERE p.status_id = j.value AND p.account_id = :viewer) AS pinned
      FROM json_each(:ids) j`),
  );

  constructor(deps: { db: Db; media: MediaService; notifications: NotificationService; events: DomainEvents }) {
    this.#db = deps.db;
    this.#media = deps.media;
    this.#notifications = deps.notifications;
    this.#events = deps.events;
    this.#events.subscribe(
      (event, from) => {
        if (this.#localCount === null || (event.type !== "status.created" && event.type !== "status.deleted")) return;
        if (!event.status.local || event.status.kind === "boost") return;
        // Another process's post may be in the count already: counted again when next asked.
        if (from === "elsewhere") this.#localCount = null;
        else this.#localCount += event.type === "status.created" ? 1 : -1;
      },
      { everyProcess: true },
    );
  }

  get(id: string): StatusRow | undefined {
    if (!ID.test(id)) return undefined;
    return this.#byId().get({ id });
  }

  getByUri(uri: string): StatusRow | undefined {
    return this.#byUri().get({ uri });
  }

  getMany(ids: readonly string[]): Map<string, StatusRow> {
    const valid = [...new Set(ids)].filter((id) => ID.test(id));
    if (valid.length === 0) return new Map();
    return new Map(
      this.#byIds()
        .all({ ids: idList(valid) })
        .map((s) => [s.id, s]),
    );
  }

  boostsOf(statusId: string): StatusRow[] {
    return this.#db.select().from(statuses).where(eq(statuses.reblogOfId, statusId)).all();
  }

  readonly #mentionedIds = once(() =>
    this.#db
      .select({ id: statusMentions.accountId })
      .from(statusMentions)
      .where(eq(statusMentions.statusId, sql.placeholder("statusId")))
      .prepare(),
  );
  readonly #dropTags = once(() =>
    this.#db
      .delete(statusTags)
      .where(eq(statusTags.statusId, sql.placeholder("statusId")))
      .prepare(),
  );
  readonly #addTag = once(() =>
    this.#db
      .insert(statusTags)
      .values({ statusId: sql.placeholder("statusId"), tag: sql.placeholder("tag") })
      .onConflictDoNothing()
      .prepare(),
  );
  readonly #addMention = once(() =>
    this.#db
      .insert(statusMentions)
      .values({ statusId: sql.placeholder("statusId"), accountId: sql.placeholder("accountId") })
      .onConflictDoNothing()
      .prepare(),
  );

  readonly #inContext = once(() =>
    this.#db
      .select()
      .from(statuses)
      .where(and(eq(statuses.contextUri, sql.placeholder("contextUri")), ne(statuses.kind, "boost")))
      .prepare(),
  );

  /** Every post of a conversation (boosts left out), in no particular order. */
  inContext(contextUri: string): StatusRow[] {
    return this.#inContext().all({ contextUri });
  }

  mentionedIds(statusId: string): string[] {
    return this.#mentionedIds()
      .all({ statusId })
      .map((r) => r.id);
  }

  /** A status's tags become these (lower-cased); call inside the status's transaction. */
  replaceTags(statusId: string, tags: Iterable<string>): void {
    this.#dropTags().run({ statusId });
    for (const tag of tags) this.#addTag().run({ statusId, tag: tag.toLowerCase() });
  }

  addMentions(statusId: string, accountIds: Iterable<string>): void {
    for (const accountId of accountIds) this.#addMention().run({ statusId, accountId });
  }

  /** Counts and the viewer's own flags for a batch of statuses. */
  stats(viewerId: string, ids: readonly string[]) {
    const out = {
      replies: new Map<string, number>(),
      reblogs: new Map<string, number>(),
      favourites: new Map<string, number>(),
      favourited: new Set<string>(),
      reblogged: new Set<string>(),
      bookmarked: new Set<string>(),
      pinned: new Set<string>(),
    };
    const list = [...new Set(ids)];
    if (list.length === 0) return out;
    type Row = {
      id: string;
      replies: number;
      reblogs: number;
      favourites: number;
      favourited: number;
      reblogged: number;
      bookmarked: number;
      pinned: number;
    };
    for (const r of this.#stats().all({ viewer: viewerId, ids: idList(list) }) as Row[]) {
      if (r.replies) out.replies.set(r.id, r.replies);
      if (r.reblogs) out.reblogs.set(r.id, r.reblogs);
      if (r.favourites) out.favourites.set(r.id, r.favourites);
      if (r.favourited) out.favourited.add(r.id);
      if (r.reblogged) out.reblogged.add(r.id);
      if (r.bookmarked) out.bookmarked.add(r.id);
      if (r.pinned) out.pinned.add(r.id);
    }
    return out;
  }

  tagsOf(ids: readonly string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    for (const r of this.#tags().all({ ids: idList(ids) })) {
      out.set(r.statusId, [...(out.get(r.statusId) ?? []), r.tag]);
    }
    return out;
  }

  mentionsOf(ids: readonly string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    for (const r of this.#mentions().all({ ids: idList(ids) })) {
      out.set(r.statusId, [...(out.get(r.statusId) ?? []), r.accountId]);
    }
    return out;
  }

  mediaOf(ids: readonly string[]) {
    const out = new Map<string, (typeof mediaAttachments.$inferSelect)[]>();
    if (ids.length === 0) return out;
    for (const m of this.#mediaRows().all({ ids: idList(ids) })) {
      out.set(m.statusId!, [...(out.get(m.statusId!) ?? []), m]);
    }
    return out;
  }

  /** Posts written here (boosts excluded), for NodeInfo and the instance API: counted once, then kept by events. */
  countLocal(): number {
    this.#localCount ??=
      this.#db
        .select({ n: sql<number>`count(*)` })
        .from(statuses)
        .where(and(eq(statuses.local, true), ne(statuses.kind, "boost")))
        .get()?.n ?? 0;
    return this.#localCount;
  }

  countByAccount(accountId: string): number {
    return (
      this.#db
        .select({ n: sql<number>`count(*)` })
        .from(statuses)
        .where(and(eq(statuses.accountId, accountId), ne(statuses.kind, "boost")))
        .get()?.n ?? 0
    );
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

  readonly #unindex = once(() => this.#db.$client.prepare<[string]>("DELETE FROM status_search WHERE status_id = ?"));
  readonly #addToIndex = once(() =>
    this.#db.$client.prepare<[string, string]>("INSERT INTO status_search (status_id, body) VALUES (?, ?)"),
  );

  index(statusId: string, body: string): void {
    this.#unindex().run(statusId);
    if (body) this.#addToIndex().run(statusId, body);
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
