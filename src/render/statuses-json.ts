import type { AccountView } from "../domain/directory/service.ts";
import type { FilterContext, FilterMatch } from "../domain/filters/service.ts";
import { findSpecialty } from "../domain/specialties.ts";
import type { CaseRecord } from "../domain/statuses/case.ts";
import type { StatusRow } from "../domain/statuses/types.ts";
import type { Services } from "../services.ts";
import { accountViewJson } from "./accounts-json.ts";
import { filterResultJson } from "./filter-json.ts";
import { mediaJson } from "./media-json.ts";
import { pollJson } from "./poll-json.ts";
import { renderableLink } from "../domain/urls.ts";

export interface RenderOptions {
  /** Where the statuses are shown, for the viewer's filters (Mastodon's filter contexts). */
  readonly context?: FilterContext;
}

/** Statuses rendered, plus those a "hide" filter removes in this context. */
export interface RenderedStatuses {
  readonly json: Record<string, unknown>[];
  readonly hiddenByFilter: ReadonlySet<string>;
}

/**
 * Renders statuses as Mastodon's Status entity, loading accounts, counts,
 * tags, mentions, media, polls, thread mutes and filter matches for the
 * whole batch at once.
 */
export function renderStatuses(
  rows: readonly StatusRow[],
  viewerId: string,
  services: Services,
  options: RenderOptions = {},
): RenderedStatuses {
  const { store, directory, instance } = services;
  const reblogIds = rows.map((r) => r.reblogOfId).filter((id): id is string => id != null);
  const originals = store.getMany(reblogIds);
  const all = [...rows, ...originals.values()];
  const ids = all.map((s) => s.id);
  const mentions = store.mentionsOf(ids);
  const authorIds = all.map((s) => s.accountId);
  const accounts = directory.getMany([...authorIds, ...[...mentions.values()].flat()]);
  const counts = services.accountCounts.get(authorIds);
  const stats = store.stats(viewerId, ids);
  const tags = store.tagsOf(ids);
  const media = store.mediaOf(ids);
  const polls = services.polls.getMany(ids);
  const mutedThreads = services.relationQueries.mutedThreads(
    viewerId,
    all.map((s) => s.contextUri ?? `${s.uri}#context`),
  );
  const filtered = options.context ? services.filters.matches(viewerId, all, options.context) : new Map<string, FilterMatch[]>();
  const hiddenByFilter = new Set<string>();

  const render = (s: StatusRow): Record<string, unknown> | null => {
    const account = accounts.get(s.accountId);
    if (!account) return null;
    const original = s.reblogOfId ? originals.get(s.reblogOfId) : undefined;
    const reblog = original ? render(original) : null;
    if (s.kind === "boost" && !reblog) return null;
    const matches = filtered.get(s.id) ?? (original ? filtered.get(original.id) : undefined) ?? [];
    if (matches.some((m) => m.filter.action === "hide")) hiddenByFilter.add(s.id);
    const record = s.caseData ? (JSON.parse(s.caseData) as CaseRecord) : null;
    // A boost's own flags follow the boosted status, as Mastodon shows them.
    const about = original ?? s;
    return {
      id: s.id,
      uri: s.uri,
      url: renderableLink(s.url) ?? s.uri,
      created_at: s.createdAt.toISOString(),
      edited_at: s.editedAt?.toISOString() ?? null,
      account: accountViewJson(account, services, counts.get(s.accountId)),
      content: s.kind === "boost" ? "" : s.contentHtml,
      text: s.local ? s.sourceText : null,
      visibility: s.visibility,
      // Staff may have marked all of an account's media sensitive.
      sensitive: s.sensitive || account.sensitized,
      spoiler_text: s.spoilerText,
      media_attachments: (media.get(s.id) ?? []).map((m) => mediaJson(m, services.mediaUrls)),
      application: null,
      mentions: (mentions.get(s.id) ?? [])
        .map((id) => accounts.get(id))
        .filter((a): a is AccountView => a != null)
        .map((a) => ({
          id: a.id,
          username: a.username,
          url: renderableLink(a.url) ?? a.uri,
          acct: a.local ? a.username : `${a.username}@${a.host}`,
        })),
      tags: (tags.get(s.id) ?? []).map((t) => ({ name: t, url: `${instance.origin}/tags/${encodeURIComponent(t)}` })),
      emojis: [],
      reblogs_count: stats.reblogs.get(s.id) ?? 0,
      favourites_count: stats.favourites.get(s.id) ?? 0,
      replies_count: stats.replies.get(s.id) ?? 0,
      in_reply_to_id: s.inReplyToId,
      in_reply_to_account_id: s.inReplyToAccountId,
      reblog,
      poll: polls.has(s.id) ? pollJson(s.id, viewerId, services, polls.get(s.id)) : null,
      card: null,
      language: s.language,
      favourited: stats.favourited.has(about.id),
      reblogged: stats.reblogged.has(about.id),
      muted: mutedThreads.has(about.contextUri ?? `${about.uri}#context`),
      bookmarked: stats.bookmarked.has(about.id),
      pinned: about.accountId === viewerId ? stats.pinned.has(about.id) : undefined,
      filtered: matches.map(filterResultJson),
      // Consilium: the structured case beside the Mastodon fields.
      case: record ? caseJson(record, services) : null,
    };
  };
  const json = rows.map(render).filter((s) => s != null);
  return { json, hiddenByFilter };
}

export function statusesJson(rows: readonly StatusRow[], viewerId: string, services: Services, options: RenderOptions = {}) {
  return renderStatuses(rows, viewerId, services, options).json;
}

export function caseJson(record: CaseRecord, services: Services) {
  const accepted = record.accepted_answer ? services.store.getByUri(record.accepted_answer) : undefined;
  return {
    kind: record.kind,
    title: record.title,
    age_band: record.age_band,
    sex: record.sex,
    presenting_complaint: record.presenting_complaint,
    history: record.history,
    examination: record.examination,
    investigations: record.investigations,
    question: record.question,
    specialties: record.specialties.map((code) => ({ code, label: findSpecialty(code)?.label ?? code })),
    status: record.status,
    accepted_answer_id: accepted?.id ?? null,
    accepted_answer_uri: record.accepted_answer,
    solution_note: record.solution_note,
    solved_at: record.solved_at ?? null,
  };
}

export function statusJson(row: StatusRow, viewerId: string, services: Services, options: RenderOptions = { context: "thread" }) {
  return statusesJson([row], viewerId, services, options)[0] ?? null;
}
