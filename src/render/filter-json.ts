import type { FilterKeywordRow, FilterMatch, FilterRow, FilterStatusRow } from "../domain/filters/service.ts";

export function filterKeywordJson(k: FilterKeywordRow) {
  return { id: k.id, keyword: k.keyword, whole_word: k.wholeWord };
}

export function filterStatusJson(s: FilterStatusRow) {
  return { id: s.id, status_id: s.statusId };
}

/** Mastodon's Filter (v2) entity. */
export function filterJson(f: FilterRow, keywords: readonly FilterKeywordRow[], statuses: readonly FilterStatusRow[]) {
  return {
    id: f.id,
    title: f.title,
    context: JSON.parse(f.context) as string[],
    expires_at: f.expiresAt?.toISOString() ?? null,
    filter_action: f.action,
    keywords: keywords.map(filterKeywordJson),
    statuses: statuses.map(filterStatusJson),
  };
}

/** Mastodon's FilterResult, as it appears in a status's `filtered`. */
export function filterResultJson(m: FilterMatch) {
  return { filter: filterJson(m.filter, m.keywords, []), keyword_matches: m.keywordMatches, status_matches: m.statusMatches };
}

/** Mastodon's V1::Filter: one keyword of a filter. */
export function v1FilterJson(f: FilterRow, k: FilterKeywordRow) {
  return {
    id: k.id,
    phrase: k.keyword,
    context: JSON.parse(f.context) as string[],
    whole_word: k.wholeWord,
    expires_at: f.expiresAt?.toISOString() ?? null,
    irreversible: f.action === "hide",
  };
}
