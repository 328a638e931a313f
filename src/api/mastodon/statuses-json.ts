import type { AccountView } from "../../domain/directory/service.ts";
import type { CaseRecord } from "../../domain/statuses/case.ts";
import { findSpecialty } from "../../domain/specialties.ts";
import { escapeHtml } from "../../domain/text.ts";
import type { StatusRow } from "../../domain/statuses/types.ts";
import type { Services } from "../../services.ts";
import { DEFAULT_AVATAR_PATH, DEFAULT_HEADER_PATH } from "./accounts-json.ts";
import { mediaJson } from "./media-json.ts";

function midnight(date: Date): string {
  return `${date.toISOString().slice(0, 10)}T00:00:00.000Z`;
}

/** Any account (local or remote) as Mastodon's Account entity. */
export function accountViewJson(view: AccountView, services: Services, counts?: { followers: number; following: number; statuses: number }) {
  const { instance } = services;
  return {
    id: view.id,
    username: view.username,
    acct: view.local ? view.username : `${view.username}@${view.host}`,
    url: view.url,
    uri: view.uri,
    display_name: view.displayName,
    note: view.noteHtml,
    avatar: `${instance.origin}${DEFAULT_AVATAR_PATH}`,
    avatar_static: `${instance.origin}${DEFAULT_AVATAR_PATH}`,
    header: `${instance.origin}${DEFAULT_HEADER_PATH}`,
    header_static: `${instance.origin}${DEFAULT_HEADER_PATH}`,
    locked: view.locked,
    fields: [...verificationField(view, services), ...view.fields.map((f) => ({ name: f.name, value: f.value, verified_at: null }))],
    emojis: [],
    bot: false,
    group: false,
    discoverable: false,
    indexable: false,
    hide_collections: false,
    noindex: true,
    roles: [],
    created_at: midnight(view.createdAt),
    last_status_at: null,
    statuses_count: counts?.statuses ?? 0,
    followers_count: counts?.followers ?? 0,
    following_count: counts?.following ?? 0,
    // Consilium: whether a valid physician credential backs this account.
    verified: view.verified,
  };
}

/** "Verified physician · Specialty · Jurisdiction · verified by <instance>", for valid credentials only. */
function verificationField(view: AccountView, services: Services) {
  if (!view.verified) return [];
  let label: string;
  if (view.local) {
    const account = view.localAccount!;
    label = `Verified physician · ${findSpecialty(account.specialty ?? "")?.label ?? account.specialty} · ${account.jurisdiction} · verified by ${services.instance.name}`;
  } else {
    const claims = JSON.parse(view.remote!.credentialClaims ?? "{}") as { specialty?: { label?: string }; jurisdiction?: string; issuer?: string };
    label = `Verified physician · ${claims.specialty?.label ?? "?"} · ${claims.jurisdiction ?? "?"} · verified by ${claims.issuer ? new URL(claims.issuer).host : "?"}`;
  }
  return [{ name: "Verification", value: escapeHtml(label), verified_at: null }];
}

/**
 * Renders statuses as Mastodon's Status entity, loading accounts, counts,
 * tags, mentions and media for the whole batch at once.
 */
export function statusesJson(rows: readonly StatusRow[], viewerId: string, services: Services) {
  const { statuses, directory, instance } = services;
  const reblogIds = rows.map((r) => r.reblogOfId).filter((id): id is string => id != null);
  const originals = statuses.getMany(reblogIds);
  const all = [...rows, ...originals.values()];
  const ids = all.map((s) => s.id);
  const mentions = statuses.mentionsOf(ids);
  const accounts = directory.getMany([...all.map((s) => s.accountId), ...[...mentions.values()].flat()]);
  const stats = statuses.stats(viewerId, ids);
  const tags = statuses.tagsOf(ids);
  const media = statuses.mediaOf(ids);
  const polls = services.polls.getMany(ids);

  const render = (s: StatusRow): Record<string, unknown> | null => {
    const account = accounts.get(s.accountId);
    if (!account) return null;
    const original = s.reblogOfId ? originals.get(s.reblogOfId) : undefined;
    const reblog = original ? render(original) : null;
    if (s.kind === "boost" && !reblog) return null;
    const record = s.caseData ? (JSON.parse(s.caseData) as CaseRecord) : null;
    return {
      id: s.id,
      uri: s.uri,
      url: s.url ?? s.uri,
      created_at: s.createdAt.toISOString(),
      edited_at: s.editedAt?.toISOString() ?? null,
      account: accountViewJson(account, services),
      content: s.kind === "boost" ? "" : s.contentHtml,
      text: s.local ? s.sourceText : null,
      visibility: s.visibility,
      sensitive: s.sensitive,
      spoiler_text: s.spoilerText,
      media_attachments: (media.get(s.id) ?? []).map((m) => mediaJson(m, services.mediaUrls)),
      application: null,
      mentions: (mentions.get(s.id) ?? [])
        .map((id) => accounts.get(id))
        .filter((a): a is AccountView => a != null)
        .map((a) => ({ id: a.id, username: a.username, url: a.url, acct: a.local ? a.username : `${a.username}@${a.host}` })),
      tags: (tags.get(s.id) ?? []).map((t) => ({ name: t, url: `${instance.origin}/tags/${encodeURIComponent(t)}` })),
      emojis: [],
      reblogs_count: stats.reblogs.get(s.id) ?? 0,
      favourites_count: stats.favourites.get(s.id) ?? 0,
      replies_count: stats.replies.get(s.id) ?? 0,
      in_reply_to_id: s.inReplyToId,
      in_reply_to_account_id: s.inReplyToAccountId,
      reblog,
      poll: polls.has(s.id) ? pollJson(s.id, viewerId, services) : null,
      card: null,
      language: s.language,
      favourited: stats.favourited.has(s.id),
      reblogged: stats.reblogged.has(s.id),
      muted: false,
      bookmarked: stats.bookmarked.has(s.id),
      pinned: false,
      filtered: [],
      // Consilium: the structured case beside the Mastodon fields.
      case: record ? caseJson(record, services) : null,
    };
  };
  return rows.map(render).filter((s) => s != null);
}

/** Mastodon's Poll entity, plus the poll's eligibility (Consilium). */
export function pollJson(statusId: string, viewerId: string, services: Services) {
  const poll = services.polls.get(statusId);
  if (!poll) return null;
  const view = services.polls.view(poll);
  const own = services.polls.ownVotes(statusId, viewerId);
  const hide = poll.hideTotals && !view.expired;
  return {
    id: statusId,
    expires_at: poll.expiresAt.toISOString(),
    expired: view.expired,
    multiple: poll.multiple,
    votes_count: view.votesCount,
    voters_count: view.votersCount,
    options: view.options.map((o) => ({ title: o.title, votes_count: hide ? null : o.votes })),
    emojis: [],
    voted: own.length > 0,
    own_votes: own,
    eligibility: {
      specialties: JSON.parse(poll.eligibleSpecialties) as string[],
      jurisdictions: JSON.parse(poll.eligibleJurisdictions) as string[],
    },
  };
}

export function caseJson(record: CaseRecord, services: Services) {
  const accepted = record.accepted_answer ? services.statuses.getByUri(record.accepted_answer) : undefined;
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

export function statusJson(row: StatusRow, viewerId: string, services: Services) {
  return statusesJson([row], viewerId, services)[0] ?? null;
}
