import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { idempotencyKeys, mediaAttachments, statuses } from "../../db/schema.ts";
import type { AccountView, Directory } from "../directory/service.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import type { FederationPort } from "../federation-port.ts";
import { newId } from "../ids.ts";
import type { InstanceInfo } from "../instance.ts";
import type { MediaService } from "../media/service.ts";
import type { NotificationService } from "../notifications/service.ts";
import { assertNoPhi } from "../phi/enforce.ts";
import type { PollInput, PollService } from "../polls/service.ts";
import { type CaseFields, type CaseRecord, caseHtml } from "./case.ts";
import type { StatusStore } from "./store.ts";
import { extractHashtags, extractMentions, type MentionRef, renderStatusHtml } from "./text.ts";
import type { StatusRow, Visibility } from "./types.ts";
import type { StatusVisibility } from "./visibility.ts";

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

/** Resolves @user@host mentions the directory does not know yet (WebFinger, in federation). */
export type MentionResolver = (mention: MentionRef) => Promise<AccountView | undefined>;

/**
 * What a local physician writes: posts, cases, replies and polls, their edits,
 * solving a case, deleting.  Each is checked (PHI, limits), stored, announced
 * (domain events) and handed to federation.
 */
export class StatusService {
  readonly #db: Db;
  readonly #store: StatusStore;
  readonly #visibility: StatusVisibility;
  readonly #directory: Directory;
  readonly #notifications: NotificationService;
  readonly #media: MediaService;
  readonly #instance: InstanceInfo;
  readonly #polls: PollService;
  readonly #events: DomainEvents;
  readonly #port: FederationPort;
  readonly #resolveMention: MentionResolver;

  constructor(deps: {
    db: Db;
    store: StatusStore;
    visibility: StatusVisibility;
    directory: Directory;
    notifications: NotificationService;
    media: MediaService;
    instance: InstanceInfo;
    polls: PollService;
    events: DomainEvents;
    port: FederationPort;
    /** Finds a mentioned account on its instance (WebFinger); undefined where this process cannot ask. */
    resolveMention: MentionResolver;
  }) {
    this.#db = deps.db;
    this.#store = deps.store;
    this.#visibility = deps.visibility;
    this.#directory = deps.directory;
    this.#notifications = deps.notifications;
    this.#media = deps.media;
    this.#instance = deps.instance;
    this.#polls = deps.polls;
    this.#events = deps.events;
    this.#port = deps.port;
    this.#resolveMention = deps.resolveMention;
  }

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

  #checkPhi(input: Pick<StatusInput, "text" | "spoilerText" | "caseFields" | "poll" | "language">): void {
    const c = input.caseFields;
    assertNoPhi(
      {
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
      },
      input.language,
    );
  }

  #render(text: string, mentions: readonly AccountView[], record: CaseRecord | null): string {
    const html = text.trim()
      ? renderStatusHtml(text, this.#instance.origin, (m) => {
          const hit = mentions.find(
            (a) =>
              a.username.toLowerCase() === m.username.toLowerCase() &&
              (m.host == null || a.host === m.host || (a.local && m.host === this.#instance.host)),
          );
          return hit ? { url: hit.url, username: hit.username } : undefined;
        })
      : "";
    return record ? caseHtml(record, html) : html;
  }

  #tags(text: string, record: CaseRecord | null): string[] {
    return [...new Set([...extractHashtags(text), ...(record?.specialties ?? [])])];
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
      const earlier = seen ? this.#store.get(seen.statusId) : undefined;
      if (earlier) return earlier;
    }
    const text = input.text ?? "";
    const mediaIds = input.mediaIds ?? [];
    if (input.poll && input.caseFields)
      throw new DomainError("unprocessable", "Validation failed: a case cannot also be a poll; post the poll as a reply");
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
    const parent = input.inReplyToId ? this.#visibility.getVisible(authorId, input.inReplyToId) : null;
    if (parent?.kind === "boost") throw new DomainError("unprocessable", "Validation failed: cannot reply to a boost");
    const mentions = await this.#resolveMentions(text);
    const record: CaseRecord | null = input.caseFields
      ? { ...input.caseFields, status: "open", accepted_answer: null, solution_note: null }
      : null;
    const id = newId(now.getTime());
    const uri = this.#statusUri(author, id, record ? "cases" : input.poll ? "polls" : "statuses");
    const visibility = input.visibility ?? "public";
    const contentHtml = this.#render(text, mentions, record);
    const tags = this.#tags(text, record);
    // A reply also reaches the parent's author, as in Mastodon.
    const mentionIds = [...new Set([...mentions.map((m) => m.id), ...(parent && parent.accountId !== authorId ? [parent.accountId] : [])])];
    let delivery: Promise<void> = Promise.resolve();
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
      this.#store.replaceTags(id, tags);
      this.#store.addMentions(id, mentionIds);
      if (media.length > 0)
        tx.update(mediaAttachments)
          .set({ statusId: id })
          .where(
            inArray(
              mediaAttachments.id,
              media.map((m) => m.id),
            ),
          )
          .run();
      if (input.idempotencyKey)
        tx.insert(idempotencyKeys).values({ accountId: authorId, key: input.idempotencyKey, statusId: id, createdAt: now }).run();
      if (input.poll) this.#polls.insertLocal(id, input.poll);
      // Announced inside the transaction: the port records the delivery with the post, so a post
      // that is committed is never left unannounced by a crash (the port starts only after commit).
      delivery = this.#port.statusCreated(inserted);
      return inserted;
    });
    // Awaited below; if indexing or notifying throws first, the rejection is still handled.
    delivery.catch(() => undefined);
    this.#store.index(row.id, this.#store.searchBody(row, record));
    this.#notifyNew(row, mentionIds, parent);
    this.#events.emit({ type: "status.created", status: row });
    await delivery;
    return row;
  }

  #notifyNew(status: StatusRow, mentionIds: readonly string[], parent: StatusRow | null): void {
    for (const id of mentionIds) {
      this.#notifications.notify(
        id,
        parent && parent.accountId === id ? "reply" : "mention",
        status.accountId,
        status.id,
        status.createdAt,
      );
    }
  }

  async edit(authorId: string, id: string, input: StatusInput, now = new Date()): Promise<StatusRow> {
    const status = this.#store.get(id);
    if (!status || status.accountId !== authorId || status.kind === "boost") throw new DomainError("not_found", "Record not found");
    const text = input.text ?? "";
    if (!text.trim() && !input.caseFields && !status.caseData)
      throw new DomainError("unprocessable", "Validation failed: Text can't be blank");
    if (text.length > MAX_STATUS_CHARACTERS)
      throw new DomainError("unprocessable", `Validation failed: Text character limit of ${MAX_STATUS_CHARACTERS} exceeded`);
    this.#checkPhi({ ...input, language: input.language ?? status.language });
    const previous = status.caseData ? (JSON.parse(status.caseData) as CaseRecord) : null;
    const record: CaseRecord | null = input.caseFields
      ? {
          ...input.caseFields,
          status: previous?.status ?? "open",
          accepted_answer: previous?.accepted_answer ?? null,
          solution_note: previous?.solution_note ?? null,
        }
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
      this.#store.replaceTags(id, this.#tags(text, record));
      return row;
    });
    this.#store.index(id, this.#store.searchBody(updated, record));
    this.#events.emit({ type: "status.updated", status: updated });
    await this.#port.statusUpdated(updated);
    return updated;
  }

  /** Marks a case solved (optionally with the accepted reply) or reopens it. */
  async setCaseStatus(
    authorId: string,
    id: string,
    change: { solved: boolean; acceptedReplyId?: string | null; note?: string | null },
    now = new Date(),
  ): Promise<StatusRow> {
    const status = this.#store.get(id);
    if (!status || status.kind !== "case" || !status.caseData) throw new DomainError("not_found", "Record not found");
    if (status.accountId !== authorId) throw new DomainError("forbidden", "Only the author can mark a case solved");
    let accepted: StatusRow | null = null;
    if (change.acceptedReplyId) {
      accepted = this.#store.get(change.acceptedReplyId) ?? null;
      if (!accepted || accepted.contextUri !== (status.contextUri ?? `${status.uri}#context`) || accepted.id === status.id) {
        throw new DomainError("unprocessable", "Validation failed: the accepted answer must be a reply in this case's thread");
      }
    }
    if (change.note) assertNoPhi({ note: change.note });
    const record = JSON.parse(status.caseData) as CaseRecord;
    const next: CaseRecord = change.solved
      ? {
          ...record,
          status: "solved",
          accepted_answer: accepted?.uri ?? null,
          solution_note: change.note ?? null,
          solved_at: now.toISOString(),
        }
      : { ...record, status: "open", accepted_answer: null, solution_note: null, solved_at: null };
    const updated = this.#db
      .update(statuses)
      .set({
        caseData: JSON.stringify(next),
        caseStatus: next.status,
        contentHtml: caseHtml(next, this.#render(status.sourceText ?? "", [], null)),
        editedAt: now,
      })
      .where(eq(statuses.id, id))
      .returning()
      .get();
    this.#events.emit({ type: "status.updated", status: updated });
    await this.#port.statusUpdated(updated);
    return updated;
  }

  async delete(authorId: string, id: string): Promise<StatusRow> {
    const status = this.#store.get(id);
    if (!status || status.accountId !== authorId || status.kind === "boost") throw new DomainError("not_found", "Record not found");
    // The recipients are worked out before the rows (mentions) are gone.
    const deletion = this.#port.statusDeleted(status);
    this.#store.removeWithBoosts(status);
    await deletion;
    return status;
  }
}
