import { and, asc, desc, eq, gt, inArray, isNull, lt, ne, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { bookmarks, favourites, idempotencyKeys, listAccounts, lists, mediaAttachments, statusMentions, statuses, statusTags } from "../../db/schema.ts";
import type { AuditLog } from "../audit.ts";
import type { AccountView, Directory } from "../directory/service.ts";
import { DomainError } from "../errors.ts";
import type { FederationPort } from "../federation-port.ts";
import type { FollowService } from "../follows/service.ts";
import { newId } from "../ids.ts";
import type { InstanceInfo } from "../instance.ts";
import type { MediaService } from "../media/service.ts";
import type { NotificationService } from "../notifications/service.ts";
import { assertNoPhi } from "../phi/enforce.ts";
import { findPhiInFields } from "../phi/guard.ts";
import { type CaseFields, type CaseRecord, caseHtml, plainCaseText } from "./case.ts";
import { extractHashtags, extractMentions, htmlToText, type MentionRef, renderStatusHtml } from "./text.ts";
import type { FavouriteRow, StatusRow, Visibility } from "./types.ts";
import type { PollInput, PollService } from "../polls/service.ts";
import { polls as pollsTable } from "../../db/schema.ts";

export const MAX_STATUS_CHARACTERS = 10_000;

export interface StatusInput {
  readonly text: string;
  readonly spoilerText?: string;
  readonly sensitive?: boolean;
  readonly visibility?: Visibility;
  readonly language?: string | null;
  readonly inReplyToId?: string | null;
  readonly mediaIds?: readonly string[];
  readonly caseFields?: CaseFields | null;
  readonly poll?: PollInput | null;
  readonly idempotencyKey?: string | null;
}

export interface Page {
  readonly maxId?: string;
  readonly sinceId?: string;
  readonly minId?: string;
  readonly limit: number;
}

/** A post from a peer, already converted from ActivityStreams and sanitised. */
export interface RemoteStatusInput {
  readonly uri: string;
  readonly url: string | null;
  readonly authorId: string;
  readonly kind: "note" | "case";
  readonly visibility: Visibility;
  readonly contentHtml: string;
  readonly spoilerText: string;
  readonly sensitive: boolean;
  readonly language: string | null;
  readonly inReplyToUri: string | null;
  readonly contextUri: string | null;
  readonly caseRecord: CaseRecord | null;
  readonly tags: readonly string[];
  readonly mentionedAccountIds: readonly string[];
  readonly published: Date;
  readonly updated: Date | null;
}

/** Resolves @user@host mentions the directory does not know yet (WebFinger, in federation). */
export type MentionResolver = (mention: MentionRef) => Promise<AccountView | undefined>;

/**
 * Posts, cases, replies, boosts and favourites: who may see what, threads,
 * timelines, and what federation delivers and receives.
 */
export class StatusService {
  readonly #db: Db;
  readonly #directory: Directory;
  readonly #follows: FollowService;
  readonly #notifications: NotificationService;
  readonly #media: MediaService;
  readonly #audit: AuditLog;
  readonly #instance: InstanceInfo;
  readonly #polls: PollService;
  #port: FederationPort;
  #resolveMention: MentionResolver = async () => undefined;

  constructor(deps: {
    db: Db;
    directory: Directory;
    follows: FollowService;
    notifications: NotificationService;
    media: MediaService;
    audit: AuditLog;
    instance: InstanceInfo;
    polls: PollService;
    port: FederationPort;
  }) {
    this.#db = deps.db;
    this.#directory = deps.directory;
    this.#follows = deps.follows;
    this.#notifications = deps.notifications;
    this.#media = deps.media;
    this.#audit = deps.audit;
    this.#instance = deps.instance;
    this.#polls = deps.polls;
    this.#port = deps.port;
  }

  setPort(port: FederationPort, resolveMention: MentionResolver): void {
    this.#port = port;
    this.#resolveMention = resolveMention;
  }

  get(id: string): StatusRow | undefined {
    if (!/^\d{1,20}$/.test(id)) return undefined;
    return this.#db.select().from(statuses).where(eq(statuses.id, id)).get();
  }

  getByUri(uri: string): StatusRow | undefined {
    return this.#db.select().from(statuses).where(eq(statuses.uri, uri)).get();
  }

  getMany(ids: readonly string[]): Map<string, StatusRow> {
    if (ids.length === 0) return new Map();
    return new Map(this.#db.select().from(statuses).where(inArray(statuses.id, [...new Set(ids)])).all().map((s) => [s.id, s]));
  }

  // ------------------------------------------------------------ visibility

  mentionedIds(statusId: string): string[] {
    return this.#db.select({ id: statusMentions.accountId }).from(statusMentions).where(eq(statusMentions.statusId, statusId)).all().map((r) => r.id);
  }

  /** The closed network's rule for a local viewer. */
  canSee(viewerId: string, status: StatusRow): boolean {
    if (status.accountId === viewerId) return true;
    if (status.held) return false;
    const author = this.#directory.get(status.accountId);
    // Unverified remote actors (no valid credential) are not shown.
    if (!author || (!author.local && !author.verified)) return false;
    switch (status.visibility) {
      case "public":
      case "unlisted":
        return true;
      case "private":
        return this.#follows.isFollowing(viewerId, status.accountId) || this.mentionedIds(status.id).includes(viewerId);
      case "direct":
        return this.mentionedIds(status.id).includes(viewerId);
    }
  }

  /** canSee for a batch: authors are loaded once instead of per status. */
  visibleTo(viewerId: string, rows: readonly StatusRow[]): StatusRow[] {
    const authors = this.#directory.getMany(rows.map((r) => r.accountId));
    return rows.filter((status) => {
      if (status.accountId === viewerId) return true;
      if (status.held) return false;
      const author = authors.get(status.accountId);
      if (!author || (!author.local && !author.verified)) return false;
      if (status.visibility === "public" || status.visibility === "unlisted") return true;
      return this.canSee(viewerId, status);
    });
  }

  /** A status the viewer may see, or a 404 that does not reveal whether it exists. */
  getVisible(viewerId: string, id: string): StatusRow {
    const status = this.get(id);
    if (!status || !this.canSee(viewerId, status)) throw new DomainError("not_found", "Record not found");
    return status;
  }

  // ------------------------------------------------------------ writing

  /** Cases are Articles, polls Questions and the rest Notes, each with its own object path. */
  #statusUri(author: AccountView, id: string, kind: "cases" | "polls" | "statuses"): string {
    return `${author.uri}/${kind}/${id}`;
  }

  async #resolveMentions(text: string): Promise<AccountView[]> {
    const out: AccountView[] = [];
    for (const mention of extractMentions(text)) {
      const host = mention.host === this.#instance.host.toLowerCase() ? null : mention.host;
      let account: AccountView | undefined;
      if (!host) {
        const local = this.#directory.byUri(`${this.#instance.origin}/users/${mention.username}`);
        account = local;
      } else {
        const known = this.#directory.findRemoteByHandle(mention.username, host);
        account = known ? this.#directory.remoteView(known) : await this.#resolveMention({ ...mention, host });
      }
      if (account && !out.some((a) => a.id === account.id)) out.push(account);
    }
    return out;
  }

  #checkPhi(input: Pick<StatusInput, "text" | "spoilerText" | "caseFields" | "poll">): void {
    const c = input.caseFields;
    assertNoPhi({
      status: input.text,
      spoiler_text: input.spoilerText,
      ...Object.fromEntries((input.poll?.options ?? []).map((o, i) => [`poll.options.${i}`, o])),
      ...(c
        ? {
            "case.title": c.title,
            "case.presenting_complaint": c.presenting_complaint,
            "case.history": c.history,
            "case.examination": c.examination,
            "case.investigations": c.investigations,
            "case.question": c.question,
          }
        : {}),
    });
  }

  #render(text: string, mentions: readonly AccountView[], record: CaseRecord | null): string {
    const html = text.trim()
      ? renderStatusHtml(text, this.#instance.origin, (m) => {
          const hit = mentions.find((a) => a.username.toLowerCase() === m.username.toLowerCase() && (m.host == null || a.host === m.host || (a.local && m.host === this.#instance.host)));
          return hit ? { url: hit.url, username: hit.username } : undefined;
        })
      : "";
    return record ? caseHtml(record, html) : html;
  }

  #tags(text: string, record: CaseRecord | null): string[] {
    return [...new Set([...extractHashtags(text), ...(record?.specialties ?? [])])];
  }

  #searchBody(status: { contentHtml: string; spoilerText: string }, record: CaseRecord | null): string {
    return [status.spoilerText, record ? plainCaseText(record) : "", htmlToText(status.contentHtml)].filter(Boolean).join("\n");
  }

  #index(statusId: string, body: string): void {
    this.#db.run(sql`DELETE FROM status_search WHERE status_id = ${statusId}`);
    if (body) this.#db.run(sql`INSERT INTO status_search (status_id, body) VALUES (${statusId}, ${body})`);
  }

  async create(authorId: string, input: StatusInput, now = new Date()): Promise<StatusRow> {
    const author = this.#directory.get(authorId);
    if (!author?.local) throw new DomainError("forbidden", "This action is not allowed");
    if (input.idempotencyKey) {
      const seen = this.#db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.accountId, authorId), eq(idempotencyKeys.key, input.idempotencyKey)))
        .get();
      const earlier = seen ? this.get(seen.statusId) : undefined;
      if (earlier) return earlier;
    }
    const text = input.text ?? "";
    const mediaIds = input.mediaIds ?? [];
    if (input.poll && input.caseFields) throw new DomainError("unprocessable", "Validation failed: a case cannot also be a poll; post the poll as a reply");
    if (input.poll && mediaIds.length > 0) throw new DomainError("unprocessable", "Validation failed: a poll cannot have media attached");
    if (!text.trim() && mediaIds.length === 0 && !input.caseFields) {
      throw new DomainError("unprocessable", "Validation failed: Text can't be blank");
    }
    if (text.length > MAX_STATUS_CHARACTERS) {
      throw new DomainError("unprocessable", `Validation failed: Text character limit of ${MAX_STATUS_CHARACTERS} exceeded`);
    }
    if (mediaIds.length > 4) throw new DomainError("unprocessable", "Validation failed: no more than 4 images can be attached");
    this.#checkPhi(input);
    const media = this.#media.unattached(authorId, mediaIds);
    const parent = input.inReplyToId ? this.getVisible(authorId, input.inReplyToId) : null;
    if (parent?.kind === "boost") throw new DomainError("unprocessable", "Validation failed: cannot reply to a boost");
    const mentions = await this.#resolveMentions(text);
    const record: CaseRecord | null = input.caseFields ? { ...input.caseFields, status: "open", accepted_answer: null, solution_note: null } : null;
    const id = newId(now.getTime());
    const uri = this.#statusUri(author, id, record ? "cases" : input.poll ? "polls" : "statuses");
    const visibility = input.visibility ?? "public";
    const contentHtml = this.#render(text, mentions, record);
    const tags = this.#tags(text, record);
    // A reply also reaches the parent's author, as in Mastodon.
    const mentionIds = [...new Set([...mentions.map((m) => m.id), ...(parent && parent.accountId !== authorId ? [parent.accountId] : [])])];
    const row = this.#db.transaction((tx) => {
      const inserted = tx
        .insert(statuses)
        .values({
          id,
          uri,
          url: uri,
          accountId: authorId,
          local: true,
          kind: record ? "case" : "note",
          visibility,
          contentHtml,
          sourceText: text,
          spoilerText: input.spoilerText ?? "",
          sensitive: input.sensitive ?? Boolean(input.spoilerText),
          language: input.language ?? null,
          inReplyToId: parent?.id ?? null,
          inReplyToUri: parent?.uri ?? null,
          inReplyToAccountId: parent?.accountId ?? null,
          contextUri: parent ? (parent.contextUri ?? parent.uri) : `${uri}#context`,
          caseData: record ? JSON.stringify(record) : null,
          caseStatus: record ? "open" : null,
          createdAt: now,
        })
        .returning()
        .get();
      for (const tag of tags) tx.insert(statusTags).values({ statusId: id, tag }).onConflictDoNothing().run();
      for (const accountId of mentionIds) tx.insert(statusMentions).values({ statusId: id, accountId }).onConflictDoNothing().run();
      if (media.length > 0) tx.update(mediaAttachments).set({ statusId: id }).where(inArray(mediaAttachments.id, media.map((m) => m.id))).run();
      if (input.idempotencyKey) tx.insert(idempotencyKeys).values({ accountId: authorId, key: input.idempotencyKey, statusId: id, createdAt: now }).run();
      if (input.poll) tx.insert(pollsTable).values(this.#polls.localRow(id, input.poll)).run();
      return inserted;
    });
    this.#index(row.id, this.#searchBody(row, record));
    this.#notifyNew(row, mentionIds, parent);
    await this.#port.statusCreated(row);
    return row;
  }

  #notifyNew(status: StatusRow, mentionIds: readonly string[], parent: StatusRow | null): void {
    for (const id of mentionIds) {
      this.#notifications.notify(id, parent && parent.accountId === id ? "reply" : "mention", status.accountId, status.id, status.createdAt);
    }
  }

  async edit(authorId: string, id: string, input: StatusInput, now = new Date()): Promise<StatusRow> {
    const status = this.get(id);
    if (!status || status.accountId !== authorId || status.kind === "boost") throw new DomainError("not_found", "Record not found");
    const text = input.text ?? "";
    if (!text.trim() && !input.caseFields && !status.caseData) throw new DomainError("unprocessable", "Validation failed: Text can't be blank");
    if (text.length > MAX_STATUS_CHARACTERS) throw new DomainError("unprocessable", `Validation failed: Text character limit of ${MAX_STATUS_CHARACTERS} exceeded`);
    this.#checkPhi(input);
    const previous = status.caseData ? (JSON.parse(status.caseData) as CaseRecord) : null;
    const record: CaseRecord | null = input.caseFields
      ? { ...input.caseFields, status: previous?.status ?? "open", accepted_answer: previous?.accepted_answer ?? null, solution_note: previous?.solution_note ?? null }
      : previous;
    const mentions = await this.#resolveMentions(text);
    const updated = this.#db.transaction((tx) => {
      const row = tx
        .update(statuses)
        .set({
          contentHtml: this.#render(text, mentions, record),
          sourceText: text,
          spoilerText: input.spoilerText ?? "",
          sensitive: input.sensitive ?? Boolean(input.spoilerText),
          language: input.language ?? status.language,
          caseData: record ? JSON.stringify(record) : null,
          editedAt: now,
        })
        .where(eq(statuses.id, id))
        .returning()
        .get();
      tx.delete(statusTags).where(eq(statusTags.statusId, id)).run();
      for (const tag of this.#tags(text, record)) tx.insert(statusTags).values({ statusId: id, tag }).onConflictDoNothing().run();
      return row;
    });
    this.#index(id, this.#searchBody(updated, record));
    await this.#port.statusUpdated(updated);
    return updated;
  }

  /** Marks a case solved (optionally with the accepted reply) or reopens it. */
  async setCaseStatus(authorId: string, id: string, change: { solved: boolean; acceptedReplyId?: string | null; note?: string | null }, now = new Date()): Promise<StatusRow> {
    const status = this.get(id);
    if (!status || status.kind !== "case" || !status.caseData) throw new DomainError("not_found", "Record not found");
    if (status.accountId !== authorId) throw new DomainError("forbidden", "Only the author can mark a case solved");
    let accepted: StatusRow | null = null;
    if (change.acceptedReplyId) {
      accepted = this.get(change.acceptedReplyId) ?? null;
      if (!accepted || accepted.contextUri !== (status.contextUri ?? `${status.uri}#context`) || accepted.id === status.id) {
        throw new DomainError("unprocessable", "Validation failed: the accepted answer must be a reply in this case's thread");
      }
    }
    if (change.note) assertNoPhi({ note: change.note });
    const record = JSON.parse(status.caseData) as CaseRecord;
    const next: CaseRecord = change.solved
      ? { ...record, status: "solved", accepted_answer: accepted?.uri ?? null, solution_note: change.note ?? null, solved_at: now.toISOString() }
      : { ...record, status: "open", accepted_answer: null, solution_note: null, solved_at: null };
    const updated = this.#db
      .update(statuses)
      .set({ caseData: JSON.stringify(next), caseStatus: next.status, contentHtml: caseHtml(next, this.#render(status.sourceText ?? "", [], null)), editedAt: now })
      .where(eq(statuses.id, id))
      .returning()
      .get();
    await this.#port.statusUpdated(updated);
    return updated;
  }

  async delete(authorId: string, id: string): Promise<StatusRow> {
    const status = this.get(id);
    if (!status || status.accountId !== authorId || status.kind === "boost") throw new DomainError("not_found", "Record not found");
    const boosts = this.#db.select().from(statuses).where(eq(statuses.reblogOfId, id)).all();
    this.#remove(status);
    for (const boost of boosts) this.#remove(boost);
    await this.#port.statusDeleted(status);
    return status;
  }

  #remove(status: StatusRow): void {
    const media = this.#db.select().from(mediaAttachments).where(eq(mediaAttachments.statusId, status.id)).all();
    this.#db.transaction((tx) => {
      tx.delete(statuses).where(eq(statuses.id, status.id)).run();
      tx.delete(statusTags).where(eq(statusTags.statusId, status.id)).run();
      tx.delete(statusMentions).where(eq(statusMentions.statusId, status.id)).run();
      tx.delete(favourites).where(eq(favourites.statusId, status.id)).run();
      tx.delete(bookmarks).where(eq(bookmarks.statusId, status.id)).run();
      tx.delete(mediaAttachments).where(eq(mediaAttachments.statusId, status.id)).run();
      tx.run(sql`DELETE FROM status_search WHERE status_id = ${status.id}`);
    });
    this.#media.deleteFiles(media);
    this.#notifications.forgetStatus(status.id);
  }

  // ------------------------------------------------------------ reactions

  async favourite(accountId: string, statusId: string, now = new Date()): Promise<StatusRow> {
    const status = this.getVisible(accountId, statusId);
    if (status.kind === "boost") throw new DomainError("not_found", "Record not found");
    const account = this.#directory.get(accountId)!;
    const id = newId(now.getTime());
    const fav = this.#db
      .insert(favourites)
      .values({ id, accountId, statusId, uri: `${account.uri}#likes/${id}`, createdAt: now })
      .onConflictDoNothing()
      .returning()
      .get();
    if (fav) {
      this.#notifications.notify(status.accountId, "favourite", accountId, status.id, now);
      await this.#port.favourited(fav, status);
    }
    return status;
  }

  async unfavourite(accountId: string, statusId: string): Promise<StatusRow> {
    const status = this.getVisible(accountId, statusId);
    const fav = this.#db.select().from(favourites).where(and(eq(favourites.accountId, accountId), eq(favourites.statusId, statusId))).get();
    if (fav) {
      this.#db.delete(favourites).where(eq(favourites.id, fav.id)).run();
      await this.#port.unfavourited(fav, status);
    }
    return status;
  }

  async reblog(accountId: string, statusId: string, now = new Date()): Promise<StatusRow> {
    const original = this.getVisible(accountId, statusId);
    if (original.kind === "boost") return this.reblog(accountId, original.reblogOfId!, now);
    if (original.visibility !== "public" && original.visibility !== "unlisted") {
      throw new DomainError("unprocessable", "Validation failed: this post cannot be boosted");
    }
    const existing = this.#db.select().from(statuses).where(and(eq(statuses.accountId, accountId), eq(statuses.reblogOfId, original.id))).get();
    if (existing) return existing;
    const account = this.#directory.get(accountId)!;
    const id = newId(now.getTime());
    const boost = this.#db
      .insert(statuses)
      .values({ id, uri: `${account.uri}/statuses/${id}/activity`, url: null, accountId, local: true, kind: "boost", visibility: original.visibility, reblogOfId: original.id, createdAt: now })
      .returning()
      .get();
    this.#notifications.notify(original.accountId, "reblog", accountId, original.id, now);
    await this.#port.reblogged(boost, original);
    return boost;
  }

  async unreblog(accountId: string, statusId: string): Promise<StatusRow> {
    const original = this.getVisible(accountId, statusId);
    const boost = this.#db.select().from(statuses).where(and(eq(statuses.accountId, accountId), eq(statuses.reblogOfId, original.id))).get();
    if (boost) {
      this.#remove(boost);
      await this.#port.unreblogged(boost, original);
    }
    return original;
  }

  bookmark(accountId: string, statusId: string, on: boolean): StatusRow {
    const status = this.getVisible(accountId, statusId);
    if (on) this.#db.insert(bookmarks).values({ id: newId(), accountId, statusId }).onConflictDoNothing().run();
    else this.#db.delete(bookmarks).where(and(eq(bookmarks.accountId, accountId), eq(bookmarks.statusId, statusId))).run();
    return status;
  }

  favouritedBy(viewerId: string, statusId: string, limit: number): string[] {
    this.getVisible(viewerId, statusId);
    return this.#db.select({ id: favourites.accountId }).from(favourites).where(eq(favourites.statusId, statusId)).orderBy(desc(favourites.id)).limit(limit).all().map((r) => r.id);
  }

  rebloggedBy(viewerId: string, statusId: string, limit: number): string[] {
    this.getVisible(viewerId, statusId);
    return this.#db.select({ id: statuses.accountId }).from(statuses).where(eq(statuses.reblogOfId, statusId)).orderBy(desc(statuses.id)).limit(limit).all().map((r) => r.id);
  }

  // ------------------------------------------------------------ reading

  /** Counts and the viewer's own flags for a batch of statuses (one query each). */
  stats(viewerId: string, ids: readonly string[]) {
    const list = [...new Set(ids)];
    const count = (rows: { id: string | null; n: number }[]) => new Map(rows.map((r) => [r.id!, r.n]));
    if (list.length === 0) return { replies: new Map(), reblogs: new Map(), favourites: new Map(), favourited: new Set<string>(), reblogged: new Set<string>(), bookmarked: new Set<string>() };
    const replies = count(this.#db.select({ id: statuses.inReplyToId, n: sql<number>`count(*)` }).from(statuses).where(inArray(statuses.inReplyToId, list)).groupBy(statuses.inReplyToId).all());
    const reblogs = count(this.#db.select({ id: statuses.reblogOfId, n: sql<number>`count(*)` }).from(statuses).where(inArray(statuses.reblogOfId, list)).groupBy(statuses.reblogOfId).all());
    const favs = count(this.#db.select({ id: favourites.statusId, n: sql<number>`count(*)` }).from(favourites).where(inArray(favourites.statusId, list)).groupBy(favourites.statusId).all());
    const favourited = new Set(this.#db.select({ id: favourites.statusId }).from(favourites).where(and(eq(favourites.accountId, viewerId), inArray(favourites.statusId, list))).all().map((r) => r.id));
    const reblogged = new Set(this.#db.select({ id: statuses.reblogOfId }).from(statuses).where(and(eq(statuses.accountId, viewerId), inArray(statuses.reblogOfId, list))).all().map((r) => r.id!));
    const bookmarked = new Set(this.#db.select({ id: bookmarks.statusId }).from(bookmarks).where(and(eq(bookmarks.accountId, viewerId), inArray(bookmarks.statusId, list))).all().map((r) => r.id));
    return { replies, reblogs, favourites: favs, favourited, reblogged, bookmarked };
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

  /** Ancestors up the reply chain, and every visible descendant in the thread. */
  context(viewerId: string, id: string): { ancestors: StatusRow[]; descendants: StatusRow[] } {
    const status = this.getVisible(viewerId, id);
    const ancestors: StatusRow[] = [];
    for (let cursor = status.inReplyToId ? this.get(status.inReplyToId) : undefined; cursor && ancestors.length < 100; cursor = cursor.inReplyToId ? this.get(cursor.inReplyToId) : undefined) {
      if (this.canSee(viewerId, cursor)) ancestors.unshift(cursor);
    }
    const thread = status.contextUri
      ? this.#db.select().from(statuses).where(and(eq(statuses.contextUri, status.contextUri), ne(statuses.kind, "boost"))).all()
      : [];
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
    return { ancestors, descendants: this.visibleTo(viewerId, descendants) };
  }

  #paged(conditions: (SQL | undefined)[], page: Page): StatusRow[] {
    const where = and(
      ...conditions.filter((c) => c != null),
      page.maxId ? lt(statuses.id, page.maxId) : undefined,
      page.sinceId ? gt(statuses.id, page.sinceId) : undefined,
      page.minId ? gt(statuses.id, page.minId) : undefined,
      eq(statuses.held, false),
    );
    const rows = this.#db.select().from(statuses).where(where).orderBy(page.minId ? asc(statuses.id) : desc(statuses.id)).limit(page.limit).all();
    return page.minId ? rows.reverse() : rows;
  }

  /**
   * Own posts and those of accounts followed, including their boosts.  Walks
   * the newest posts and keeps those whose author is followed (an indexed
   * EXISTS), which reads about limit / (share of posts followed) rows instead
   * of every post of every followed account.
   */
  home(viewerId: string, page: Page): StatusRow[] {
    const followed = sql`(${statuses.accountId} = ${viewerId} OR EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ${viewerId} AND f.following_id = ${statuses.accountId} AND f.state = 'accepted'))`;
    const rows = this.#paged([followed, ne(statuses.visibility, "direct")], page);
    return this.visibleTo(viewerId, rows);
  }

  /** The network timeline: public posts (no boosts), local, remote or both. */
  publicTimeline(viewerId: string, options: { local?: boolean; remote?: boolean; onlyMedia?: boolean }, page: Page): StatusRow[] {
    const media = options.onlyMedia ? sql`EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = ${statuses.id})` : undefined;
    return this.visibleTo(viewerId, this.#paged(
      [
        eq(statuses.visibility, "public"),
        ne(statuses.kind, "boost"),
        options.local ? eq(statuses.local, true) : undefined,
        options.remote ? eq(statuses.local, false) : undefined,
        media,
      ],
      page,
    ));
  }

  tagTimeline(viewerId: string, tag: string, options: { local?: boolean; remote?: boolean }, page: Page): StatusRow[] {
    const tagged = this.#db.select({ id: statusTags.statusId }).from(statusTags).where(eq(statusTags.tag, tag.toLowerCase()));
    return this.visibleTo(viewerId, this.#paged(
      [
        inArray(statuses.id, tagged),
        eq(statuses.visibility, "public"),
        options.local ? eq(statuses.local, true) : undefined,
        options.remote ? eq(statuses.local, false) : undefined,
      ],
      page,
    ));
  }

  listTimeline(viewerId: string, listId: string, page: Page): StatusRow[] {
    const list = this.#db.select().from(lists).where(and(eq(lists.id, listId), eq(lists.accountId, viewerId))).get();
    if (!list) throw new DomainError("not_found", "Record not found");
    const members = this.#db.select({ id: listAccounts.accountId }).from(listAccounts).where(eq(listAccounts.listId, listId));
    return this.visibleTo(viewerId, this.#paged([inArray(statuses.accountId, members), ne(statuses.visibility, "direct")], page));
  }

  accountStatuses(viewerId: string, accountId: string, options: { excludeReplies?: boolean; excludeReblogs?: boolean; onlyMedia?: boolean }, page: Page): StatusRow[] {
    const media = options.onlyMedia ? sql`EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = ${statuses.id})` : undefined;
    return this.visibleTo(viewerId, this.#paged(
      [
        eq(statuses.accountId, accountId),
        options.excludeReplies ? isNull(statuses.inReplyToId) : undefined,
        options.excludeReblogs ? ne(statuses.kind, "boost") : undefined,
        media,
      ],
      page,
    ));
  }

  bookmarksOf(viewerId: string, page: Page): StatusRow[] {
    const marked = this.#db.select({ id: bookmarks.statusId }).from(bookmarks).where(eq(bookmarks.accountId, viewerId));
    return this.visibleTo(viewerId, this.#paged([inArray(statuses.id, marked)], page));
  }

  favouritesOf(viewerId: string, page: Page): StatusRow[] {
    const faved = this.#db.select({ id: favourites.statusId }).from(favourites).where(eq(favourites.accountId, viewerId));
    return this.visibleTo(viewerId, this.#paged([inArray(statuses.id, faved)], page));
  }

  /** Cases, filtered by status, specialty and whether anyone has replied yet. */
  cases(viewerId: string, options: { status?: "open" | "solved"; specialty?: string; unanswered?: boolean; local?: boolean }, page: Page): StatusRow[] {
    const tagged = options.specialty ? this.#db.select({ id: statusTags.statusId }).from(statusTags).where(eq(statusTags.tag, options.specialty.toLowerCase())) : null;
    const unanswered = options.unanswered ? sql`NOT EXISTS (SELECT 1 FROM statuses r WHERE r.in_reply_to_id = ${statuses.id})` : undefined;
    return this.visibleTo(viewerId, this.#paged(
      [
        eq(statuses.kind, "case"),
        options.status ? eq(statuses.caseStatus, options.status) : undefined,
        tagged ? inArray(statuses.id, tagged) : undefined,
        unanswered,
        options.local ? eq(statuses.local, true) : undefined,
      ],
      page,
    ));
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
      .where(and(eq(statuses.kind, "case"), eq(statuses.held, false), sql`${statuses.createdAt} >= ${since.getTime()}`, sql`${statuses.createdAt} < ${until.getTime()}`))
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
    const median = delays.length === 0 ? null : delays.length % 2 ? delays[(delays.length - 1) / 2]! : (delays[delays.length / 2 - 1]! + delays[delays.length / 2]!) / 2;
    const solvedWithinDay = cases.filter((c) => {
      const record = c.caseData ? (JSON.parse(c.caseData) as CaseRecord) : null;
      return record?.status === "solved" && record.solved_at && new Date(record.solved_at).getTime() - c.createdAt.getTime() <= 24 * 3600_000;
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

  /** Full-text search over posts and cases this instance holds (FTS5). */
  search(viewerId: string, query: string, limit: number, offset = 0): StatusRow[] {
    const terms = query
      .split(/\s+/)
      .map((t) => t.replace(/["*^():]/g, ""))
      .filter(Boolean)
      .map((t) => `"${t}"`);
    if (terms.length === 0) return [];
    const ids = this.#db
      .all<{ status_id: string }>(sql`SELECT status_id FROM status_search WHERE status_search MATCH ${terms.join(" ")} ORDER BY rank LIMIT ${limit + offset + 20}`)
      .map((r) => r.status_id);
    const rows = this.getMany(ids);
    return ids
      .map((id) => rows.get(id))
      .filter((s): s is StatusRow => s != null && this.canSee(viewerId, s))
      .slice(offset, offset + limit);
  }

  // ------------------------------------------------------------ from federation

  /** Creates or updates a peer's post.  Re-deliveries change nothing. */
  receive(input: RemoteStatusInput): StatusRow {
    const existing = this.getByUri(input.uri);
    if (existing && existing.accountId !== input.authorId) throw new DomainError("forbidden", "The activity's actor does not own this object");
    if (existing && (!input.updated || (existing.editedAt && existing.editedAt.getTime() >= input.updated.getTime()))) return existing;
    const parent = input.inReplyToUri ? this.getByUri(input.inReplyToUri) : undefined;
    const text = htmlToText(input.contentHtml);
    const findings = findPhiInFields({ content: text, spoiler_text: input.spoilerText });
    const held = findings.length > 0;
    const values = {
      url: input.url,
      visibility: input.visibility,
      kind: input.kind,
      contentHtml: input.contentHtml,
      spoilerText: input.spoilerText,
      sensitive: input.sensitive,
      language: input.language,
      caseData: input.caseRecord ? JSON.stringify(input.caseRecord) : null,
      caseStatus: input.caseRecord?.status ?? null,
      held,
    };
    const now = new Date();
    const row = existing
      ? this.#db.update(statuses).set({ ...values, editedAt: input.updated ?? now }).where(eq(statuses.id, existing.id)).returning().get()
      : this.#db
          .insert(statuses)
          .values({
            id: newId(Math.min(now.getTime(), input.published.getTime() + 60_000)),
            uri: input.uri,
            accountId: input.authorId,
            local: false,
            inReplyToId: parent?.id ?? null,
            inReplyToUri: input.inReplyToUri,
            inReplyToAccountId: parent?.accountId ?? null,
            contextUri: parent ? (parent.contextUri ?? parent.uri) : (input.contextUri ?? `${input.uri}#context`),
            createdAt: input.published,
            editedAt: input.updated,
            ...values,
          })
          .onConflictDoNothing()
          .returning()
          .get();
    if (!row) return this.getByUri(input.uri)!;
    this.#db.delete(statusTags).where(eq(statusTags.statusId, row.id)).run();
    for (const tag of input.tags) this.#db.insert(statusTags).values({ statusId: row.id, tag: tag.toLowerCase() }).onConflictDoNothing().run();
    for (const accountId of input.mentionedAccountIds) this.#db.insert(statusMentions).values({ statusId: row.id, accountId }).onConflictDoNothing().run();
    this.#index(row.id, this.#searchBody(row, input.caseRecord));
    if (held) {
      this.#audit.record({ staffId: null, subjectId: input.authorId, action: "phi.held", reason: `incoming post ${input.uri}: ${findings.map((f) => f.type).join(", ")}` });
    } else if (!existing) {
      const mentionIds = [...new Set([...input.mentionedAccountIds, ...(parent ? [parent.accountId] : [])])];
      this.#notifyNew(row, mentionIds, parent ?? null);
    } else {
      for (const f of this.#db.select({ id: statuses.accountId }).from(statuses).where(eq(statuses.reblogOfId, row.id)).all()) {
        this.#notifications.notify(f.id, "update", row.accountId, row.id);
      }
    }
    return row;
  }

  /** Holds a received post back from every timeline and flags it for staff. */
  hold(statusId: string, reason: string): void {
    const status = this.get(statusId);
    if (!status || status.held) return;
    this.#db.update(statuses).set({ held: true }).where(eq(statuses.id, statusId)).run();
    this.#audit.record({ staffId: null, subjectId: status.accountId, action: "phi.held", reason: `incoming post ${status.uri}: ${reason}` });
  }

  receiveDelete(actorId: string, uri: string): void {
    const status = this.getByUri(uri);
    if (!status || status.accountId !== actorId) return;
    const boosts = this.#db.select().from(statuses).where(eq(statuses.reblogOfId, status.id)).all();
    this.#remove(status);
    for (const boost of boosts) this.#remove(boost);
  }

  receiveLike(actorId: string, objectUri: string, likeUri: string, now = new Date()): FavouriteRow | undefined {
    const status = this.getByUri(objectUri);
    // A like of a post the liker may not read (a direct post not addressed to them) is refused.
    if (!status || status.kind === "boost" || !this.canSee(actorId, status)) return undefined;
    const fav = this.#db
      .insert(favourites)
      .values({ id: newId(now.getTime()), accountId: actorId, statusId: status.id, uri: likeUri, createdAt: now })
      .onConflictDoNothing()
      .returning()
      .get();
    if (fav) this.#notifications.notify(status.accountId, "favourite", actorId, status.id, now);
    return fav;
  }

  receiveUndoLike(actorId: string, likeUri: string, objectUri: string | null): void {
    const byUri = this.#db.select().from(favourites).where(eq(favourites.uri, likeUri)).get();
    if (byUri && byUri.accountId === actorId) {
      this.#db.delete(favourites).where(eq(favourites.id, byUri.id)).run();
      return;
    }
    const status = objectUri ? this.getByUri(objectUri) : undefined;
    if (status) this.#db.delete(favourites).where(and(eq(favourites.accountId, actorId), eq(favourites.statusId, status.id))).run();
  }

  receiveAnnounce(actorId: string, objectUri: string, announceUri: string, published: Date): void {
    const original = this.getByUri(objectUri);
    if (!original || (original.visibility !== "public" && original.visibility !== "unlisted")) return;
    const inserted = this.#db
      .insert(statuses)
      .values({ id: newId(), uri: announceUri, url: null, accountId: actorId, local: false, kind: "boost", visibility: original.visibility, reblogOfId: original.id, createdAt: published })
      .onConflictDoNothing()
      .returning()
      .get();
    if (inserted) this.#notifications.notify(original.accountId, "reblog", actorId, original.id);
  }

  receiveUndoAnnounce(actorId: string, announceUri: string): void {
    const boost = this.getByUri(announceUri);
    if (boost && boost.accountId === actorId && boost.kind === "boost") this.#remove(boost);
  }
}
