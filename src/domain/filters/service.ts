import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { once } from "../../db/prepared.ts";
import { filterKeywords, filters, filterStatuses } from "../../db/schema.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import { newId } from "../ids.ts";
import { type CaseRecord, plainCaseText } from "../statuses/case.ts";
import { htmlToText } from "../statuses/text.ts";
import type { StatusRow } from "../statuses/types.ts";

export type FilterRow = typeof filters.$inferSelect;
export type FilterKeywordRow = typeof filterKeywords.$inferSelect;
export type FilterStatusRow = typeof filterStatuses.$inferSelect;

export const FILTER_CONTEXTS = ["home", "notifications", "public", "thread", "account"] as const;
export type FilterContext = (typeof FILTER_CONTEXTS)[number];
export const FILTER_ACTIONS = ["warn", "hide", "blur"] as const;

export interface FilterInput {
  readonly title?: string;
  readonly context?: readonly FilterContext[];
  readonly action?: (typeof FILTER_ACTIONS)[number];
  /** Seconds from now; null removes the expiry. */
  readonly expiresIn?: number | null;
}

export interface FilterMatch {
  readonly filter: FilterRow;
  readonly keywords: FilterKeywordRow[];
  readonly keywordMatches: string[] | null;
  readonly statusMatches: string[] | null;
}

const MAX_FILTERS = 100;
const MAX_KEYWORDS = 100;

function keywordPattern(keyword: string, wholeWord: boolean): RegExp {
  const escaped = keyword.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return wholeWord ? new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, "iu") : new RegExp(escaped, "iu");
}

/** The text a filter reads: content, content warning and the case's fields. */
function searchableText(status: StatusRow): string {
  const record = status.caseData ? (JSON.parse(status.caseData) as CaseRecord) : null;
  return [status.spoilerText, htmlToText(status.contentHtml), record ? plainCaseText(record) : ""].join("\n");
}

/**
 * Mastodon's filters: a physician hides or is warned about keywords or
 * particular statuses, in the contexts they choose (home, notifications,
 * public, thread, account).  Matches appear in each status's `filtered`;
 * "hide" removes the status from that context altogether.
 */
export class FilterService {
  readonly #db: Db;
  readonly #events: DomainEvents;
  constructor(deps: { db: Db; events: DomainEvents }) {
    this.#db = deps.db;
    this.#events = deps.events;
  }

  /** Clients reload filters when told (the user stream's filters_changed). */
  #changed<T>(accountId: string, result: T): T {
    this.#events.emit({ type: "filters.changed", accountId });
    return result;
  }

  // Every rendered timeline asks for the viewer's active filters.
  readonly #activeOf = once(() =>
    this.#db
      .select()
      .from(filters)
      .where(
        and(
          eq(filters.accountId, sql.placeholder("viewer")),
          or(isNull(filters.expiresAt), sql`${filters.expiresAt} > ${sql.placeholder("now")}`),
        ),
      )
      .prepare(),
  );

  list(accountId: string): FilterRow[] {
    return this.#db.select().from(filters).where(eq(filters.accountId, accountId)).orderBy(asc(filters.id)).all();
  }

  get(accountId: string, id: string): FilterRow {
    const row = /^\d{1,20}$/.test(id)
      ? this.#db
          .select()
          .from(filters)
          .where(and(eq(filters.id, id), eq(filters.accountId, accountId)))
          .get()
      : undefined;
    if (!row) throw new DomainError("not_found", "Record not found");
    return row;
  }

  keywordsOf(filterIds: readonly string[]): Map<string, FilterKeywordRow[]> {
    const out = new Map<string, FilterKeywordRow[]>(filterIds.map((id) => [id, []]));
    if (filterIds.length === 0) return out;
    for (const k of this.#db
      .select()
      .from(filterKeywords)
      .where(inArray(filterKeywords.filterId, [...filterIds]))
      .orderBy(asc(filterKeywords.id))
      .all())
      out.get(k.filterId)?.push(k);
    return out;
  }

  statusesOf(filterIds: readonly string[]): Map<string, FilterStatusRow[]> {
    const out = new Map<string, FilterStatusRow[]>(filterIds.map((id) => [id, []]));
    if (filterIds.length === 0) return out;
    for (const s of this.#db
      .select()
      .from(filterStatuses)
      .where(inArray(filterStatuses.filterId, [...filterIds]))
      .orderBy(asc(filterStatuses.id))
      .all())
      out.get(s.filterId)?.push(s);
    return out;
  }

  create(
    accountId: string,
    input: FilterInput & { keywords?: readonly { keyword: string; wholeWord?: boolean }[] },
    now = new Date(),
  ): FilterRow {
    if (!input.title?.trim()) throw new DomainError("unprocessable", "Validation failed: Title can't be blank");
    if (!input.context || input.context.length === 0) throw new DomainError("unprocessable", "Validation failed: Context can't be blank");
    if (this.list(accountId).length >= MAX_FILTERS)
      throw new DomainError("unprocessable", `Validation failed: at most ${MAX_FILTERS} filters`);
    return this.#changed(
      accountId,
      this.#db.transaction((tx) => {
        const row = tx
          .insert(filters)
          .values({
            id: newId(now.getTime()),
            accountId,
            title: input.title!.trim(),
            context: JSON.stringify([...new Set(input.context)]),
            action: input.action ?? "warn",
            expiresAt: input.expiresIn ? new Date(now.getTime() + input.expiresIn * 1000) : null,
            createdAt: now,
          })
          .returning()
          .get();
        for (const k of input.keywords ?? []) {
          if (!k.keyword.trim()) continue;
          tx.insert(filterKeywords)
            .values({ id: newId(), filterId: row.id, keyword: k.keyword.trim(), wholeWord: k.wholeWord ?? true })
            .run();
        }
        return row;
      }),
    );
  }

  update(accountId: string, id: string, input: FilterInput, now = new Date()): FilterRow {
    this.get(accountId, id);
    if (input.title !== undefined && !input.title.trim()) throw new DomainError("unprocessable", "Validation failed: Title can't be blank");
    if (input.context !== undefined && input.context.length === 0)
      throw new DomainError("unprocessable", "Validation failed: Context can't be blank");
    return this.#changed(
      accountId,
      this.#db
        .update(filters)
        .set({
          ...(input.title !== undefined ? { title: input.title.trim() } : {}),
          ...(input.context !== undefined ? { context: JSON.stringify([...new Set(input.context)]) } : {}),
          ...(input.action !== undefined ? { action: input.action } : {}),
          ...(input.expiresIn !== undefined
            ? { expiresAt: input.expiresIn ? new Date(now.getTime() + input.expiresIn * 1000) : null }
            : {}),
        })
        .where(eq(filters.id, id))
        .returning()
        .get(),
    );
  }

  delete(accountId: string, id: string): void {
    this.get(accountId, id);
    this.#db.transaction((tx) => {
      tx.delete(filterKeywords).where(eq(filterKeywords.filterId, id)).run();
      tx.delete(filterStatuses).where(eq(filterStatuses.filterId, id)).run();
      tx.delete(filters).where(eq(filters.id, id)).run();
    });
    this.#changed(accountId, null);
  }

  addKeyword(accountId: string, filterId: string, keyword: string, wholeWord = true): FilterKeywordRow {
    this.get(accountId, filterId);
    if (!keyword.trim()) throw new DomainError("unprocessable", "Validation failed: Keyword can't be blank");
    if ((this.keywordsOf([filterId]).get(filterId) ?? []).length >= MAX_KEYWORDS)
      throw new DomainError("unprocessable", `Validation failed: at most ${MAX_KEYWORDS} keywords`);
    return this.#changed(
      accountId,
      this.#db.insert(filterKeywords).values({ id: newId(), filterId, keyword: keyword.trim(), wholeWord }).returning().get(),
    );
  }

  keyword(accountId: string, id: string): FilterKeywordRow {
    const row = /^\d{1,20}$/.test(id) ? this.#db.select().from(filterKeywords).where(eq(filterKeywords.id, id)).get() : undefined;
    if (!row) throw new DomainError("not_found", "Record not found");
    this.get(accountId, row.filterId);
    return row;
  }

  updateKeyword(accountId: string, id: string, change: { keyword?: string; wholeWord?: boolean }): FilterKeywordRow {
    this.keyword(accountId, id);
    if (change.keyword !== undefined && !change.keyword.trim())
      throw new DomainError("unprocessable", "Validation failed: Keyword can't be blank");
    return this.#changed(
      accountId,
      this.#db
        .update(filterKeywords)
        .set({
          ...(change.keyword !== undefined ? { keyword: change.keyword.trim() } : {}),
          ...(change.wholeWord !== undefined ? { wholeWord: change.wholeWord } : {}),
        })
        .where(eq(filterKeywords.id, id))
        .returning()
        .get(),
    );
  }

  removeKeyword(accountId: string, id: string): void {
    this.keyword(accountId, id);
    this.#db.delete(filterKeywords).where(eq(filterKeywords.id, id)).run();
    this.#changed(accountId, null);
  }

  addStatus(accountId: string, filterId: string, statusId: string): FilterStatusRow {
    this.get(accountId, filterId);
    const existing = this.#db
      .select()
      .from(filterStatuses)
      .where(and(eq(filterStatuses.filterId, filterId), eq(filterStatuses.statusId, statusId)))
      .get();
    if (existing) throw new DomainError("unprocessable", "Validation failed: Status has already been taken");
    return this.#changed(accountId, this.#db.insert(filterStatuses).values({ id: newId(), filterId, statusId }).returning().get());
  }

  filteredStatus(accountId: string, id: string): FilterStatusRow {
    const row = /^\d{1,20}$/.test(id) ? this.#db.select().from(filterStatuses).where(eq(filterStatuses.id, id)).get() : undefined;
    if (!row) throw new DomainError("not_found", "Record not found");
    this.get(accountId, row.filterId);
    return row;
  }

  removeStatus(accountId: string, id: string): void {
    this.filteredStatus(accountId, id);
    this.#db.delete(filterStatuses).where(eq(filterStatuses.id, id)).run();
    this.#changed(accountId, null);
  }

  /** The viewer's active filters that match each status in this context. */
  matches(viewerId: string, rows: readonly StatusRow[], context: FilterContext, now = new Date()): Map<string, FilterMatch[]> {
    const out = new Map<string, FilterMatch[]>();
    const active = this.#activeOf()
      .all({ viewer: viewerId, now: now.getTime() })
      .filter((f) => (JSON.parse(f.context) as string[]).includes(context));
    if (active.length === 0 || rows.length === 0) return out;
    const keywords = this.keywordsOf(active.map((f) => f.id));
    const statusIds = this.statusesOf(active.map((f) => f.id));
    for (const status of rows) {
      let text: string | null = null;
      for (const filter of active) {
        const words = keywords.get(filter.id) ?? [];
        text ??= searchableText(status);
        const keywordMatches = words.filter((k) => keywordPattern(k.keyword, k.wholeWord).test(text!)).map((k) => k.keyword);
        const statusMatches = (statusIds.get(filter.id) ?? [])
          .filter((s) => s.statusId === status.id || s.statusId === status.reblogOfId)
          .map((s) => s.statusId);
        if (keywordMatches.length === 0 && statusMatches.length === 0) continue;
        out.set(status.id, [
          ...(out.get(status.id) ?? []),
          {
            filter,
            keywords: words,
            keywordMatches: keywordMatches.length > 0 ? keywordMatches : null,
            statusMatches: statusMatches.length > 0 ? statusMatches : null,
          },
        ]);
      }
    }
    return out;
  }
}
