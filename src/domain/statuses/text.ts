import { escapeHtml } from "../text.ts";

export interface MentionRef {
  readonly acct: string;
  readonly username: string;
  readonly host: string | null;
}

const MENTION = /(?<![\w@/])@([A-Za-z0-9_]{1,30})(?:@([A-Za-z0-9.-]+(?::\d+)?))?/g;
const HASHTAG = /(?<![\w#/&])#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)/gu;

export function extractMentions(text: string): MentionRef[] {
  const seen = new Map<string, MentionRef>();
  for (const m of text.matchAll(MENTION)) {
    const host = m[2]?.toLowerCase() ?? null;
    const acct = host ? `${m[1]}@${host}` : m[1]!;
    seen.set(acct.toLowerCase(), { acct, username: m[1]!, host });
  }
  return [...seen.values()];
}

export function extractHashtags(text: string): string[] {
  return [...new Set([...text.matchAll(HASHTAG)].map((m) => m[1]!.toLowerCase()))];
}

/** Plain text -> Mastodon-style HTML with linked mentions and hashtags. */
export function renderStatusHtml(
  text: string,
  origin: string,
  resolveMention: (mention: MentionRef) => { url: string; username: string } | undefined,
): string {
  const linked = (line: string) => {
    let out = "";
    let last = 0;
    const tokens = [
      ...[...line.matchAll(MENTION)].map((m) => ({ index: m.index!, length: m[0].length, kind: "mention" as const, m })),
      ...[...line.matchAll(HASHTAG)].map((m) => ({ index: m.index!, length: m[0].length, kind: "tag" as const, m })),
    ].sort((a, b) => a.index - b.index);
    for (const t of tokens) {
      if (t.index < last) continue;
      out += escapeHtml(line.slice(last, t.index));
      if (t.kind === "tag") {
        const tag = t.m[1]!;
        out += `<a href="${origin}/tags/${encodeURIComponent(tag.toLowerCase())}" class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`;
      } else {
        const host = t.m[2]?.toLowerCase() ?? null;
        const target = resolveMention({ acct: host ? `${t.m[1]}@${host}` : t.m[1]!, username: t.m[1]!, host });
        out += target
          ? `<span class="h-card"><a href="${escapeHtml(target.url)}" class="u-url mention">@<span>${escapeHtml(target.username)}</span></a></span>`
          : escapeHtml(t.m[0]);
      }
      last = t.index + t.length;
    }
    return out + escapeHtml(line.slice(last));
  };
  return text
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${p.split("\n").map(linked).join("<br>")}</p>`)
    .join("");
}

/** Removes tags for search and previews. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>\s*<p>/gi, "\n\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}
