import { Temporal } from "@js-temporal/polyfill";
import {
  Article,
  Collection,
  Document,
  Hashtag,
  LanguageString,
  Link,
  Mention,
  Note,
  type Object as ApObject,
  PropertyValue,
  Question,
  Source,
  type Actor,
  isActor,
} from "@fedify/vocab";
import { peerLink } from "../src/domain/urls.ts";
import { offlineLoader, preloadedContextLoader } from "./loaders.ts";
import sanitizeHtml from "sanitize-html";
import type { AccountView, RemoteActorInput } from "../src/domain/directory/service.ts";
import { POLL_MEDIA_TYPE, type PollSourceRecord } from "../src/domain/polls/service.ts";
import { CASE_MEDIA_TYPE, CASE_TEXT_FIELDS, type CaseRecord, caseRecordSchema } from "../src/domain/statuses/case.ts";
import type { StatusRow, Visibility } from "../src/domain/statuses/types.ts";
import { htmlToPlainText } from "../src/domain/text.ts";

/** The media type of the credential link on actors (issue: credentials). */
export const CREDENTIAL_MEDIA_TYPE = "application/vc+jwt";

const toInstant = (d: Date) => Temporal.Instant.fromEpochMilliseconds(d.getTime());
export const fromInstant = (i: Temporal.Instant | null | undefined): Date | null => (i ? new Date(i.epochMilliseconds) : null);

/** What a status is addressed to, as ActivityStreams audiences (never as:Public). */
export interface Audience {
  readonly to: URL[];
  readonly cc: URL[];
}

/**
 * Network visibility goes to the author's followers and the instance actor's
 * followers (the active peers); `unlisted` puts the network in `cc`.
 */
export function audienceOf(status: StatusRow, authorFollowers: URL, networkFollowers: URL, mentioned: readonly AccountView[]): Audience {
  const mentions = mentioned.map((a) => new URL(a.uri));
  switch (status.visibility) {
    case "public":
      return { to: [networkFollowers, authorFollowers], cc: mentions };
    case "unlisted":
      return { to: [authorFollowers], cc: [networkFollowers, ...mentions] };
    case "private":
      return { to: [authorFollowers], cc: mentions };
    case "direct":
      return { to: mentions, cc: [] };
  }
}

/** The receiving side of `audienceOf`. */
export function visibilityOf(
  to: readonly URL[],
  cc: readonly URL[],
  networkFollowers: string | null,
  authorFollowers: string | null,
): Visibility {
  const has = (list: readonly URL[], uri: string | null) => uri != null && list.some((u) => u.href === uri);
  if (has(to, networkFollowers)) return "public";
  if (has(cc, networkFollowers)) return "unlisted";
  if (has(to, authorFollowers) || has(cc, authorFollowers)) return "private";
  return "direct";
}

/** A poll as it travels: options with counts, end, and the origin's eligibility and breakdown. */
export interface PollOut {
  readonly titles: readonly string[];
  readonly counts: readonly number[];
  readonly voters: number;
  readonly multiple: boolean;
  readonly endTime: Date;
  readonly closed: boolean;
  readonly source: PollSourceRecord;
}

export interface AttachmentOut {
  readonly url: string;
  readonly mediaType: string;
  readonly width: number;
  readonly height: number;
  readonly description: string;
}

/**
 * A text with its language: `content` plus `contentMap` (likewise
 * `summaryMap`, `nameMap`) when the author's language is known, so a peer's
 * clients can translate or filter by it; the plain property alone otherwise.
 */
function languageMaps(language: string | null) {
  return <S extends string, P extends string>(single: S, plural: P, value: string | null) => {
    if (value == null) return { [single]: null } as Record<S, null>;
    if (!language) return { [single]: value } as Record<S, string>;
    return { [plural]: [value, new LanguageString(value, language)] } as Record<P, (string | LanguageString)[]>;
  };
}

/** The language a peer declared for an object (from contentMap, summaryMap or nameMap), as an ISO 639 code. */
export function languageOf(object: ApObject): string | null {
  for (const value of [...object.contents, ...object.summaries, ...object.names]) {
    if (value instanceof LanguageString) {
      const code = value.locale.language.toLowerCase();
      if (/^[a-z]{2,3}$/.test(code) && code !== "und") return code;
    }
  }
  return null;
}

/** A local status as the Note or Article peers receive. */
export function statusObject(
  status: StatusRow,
  author: AccountView,
  audience: Audience,
  extra: {
    tags: readonly string[];
    mentioned: readonly AccountView[];
    origin: string;
    inReplyTo: string | null;
    attachments: readonly AttachmentOut[];
    poll?: PollOut | null;
  },
): Note | Article | Question {
  const record = status.caseData ? (JSON.parse(status.caseData) as CaseRecord) : null;
  const inLanguage = languageMaps(status.language);
  const common = {
    id: new URL(status.uri),
    attribution: new URL(author.uri),
    url: new URL(status.url ?? status.uri),
    ...inLanguage("content", "contents", status.contentHtml),
    ...inLanguage("summary", "summaries", status.spoilerText || null),
    sensitive: status.sensitive,
    published: toInstant(status.createdAt),
    updated: status.editedAt ? toInstant(status.editedAt) : null,
    replyTarget: extra.inReplyTo ? new URL(extra.inReplyTo) : null,
    contexts: status.contextUri ? [new URL(status.contextUri)] : [],
    tos: audience.to,
    ccs: audience.cc,
    tags: [
      ...extra.tags.map((t) => new Hashtag({ name: `#${t}`, href: new URL(`${extra.origin}/tags/${encodeURIComponent(t)}`) })),
      ...extra.mentioned.map((a) => new Mention({ href: new URL(a.uri), name: `@${a.username}@${a.host ?? new URL(extra.origin).host}` })),
    ],
    // Fedify's vocabulary has no toot:blurhash, so receivers compute their own.
    attachments: extra.attachments.map(
      (m) => new Document({ url: new URL(m.url), mediaType: m.mediaType, width: m.width, height: m.height, name: m.description || null }),
    ),
  };
  if (record) {
    return new Article({
      ...common,
      ...inLanguage("name", "names", record.title),
      source: new Source({ content: JSON.stringify(record), mediaType: CASE_MEDIA_TYPE }),
    });
  }
  if (extra.poll) {
    const p = extra.poll;
    const options = p.titles.map((title, i) => new Note({ name: title, replies: new Collection({ totalItems: p.counts[i] ?? 0 }) }));
    return new Question({
      ...common,
      ...(p.multiple ? { inclusiveOptions: options } : { exclusiveOptions: options }),
      endTime: toInstant(p.endTime),
      closed: p.closed ? toInstant(p.endTime) : null,
      voters: p.voters,
      source: new Source({ content: JSON.stringify(p.source), mediaType: POLL_MEDIA_TYPE }),
    });
  }
  return new Note({
    ...common,
    source: status.sourceText != null ? new Source({ content: status.sourceText, mediaType: "text/plain" }) : null,
  });
}

/** The poll of a received Question: options, counts, and what the origin published in source. */
export async function pollFromQuestion(question: Question) {
  const exclusive: { name: string; count: number }[] = [];
  const inclusive: { name: string; count: number }[] = [];
  for await (const o of question.getExclusiveOptions()) {
    if (o instanceof Note && o.name)
      exclusive.push({ name: htmlToPlainText(stringOf(o.name)), count: (await o.getReplies())?.totalItems ?? 0 });
  }
  for await (const o of question.getInclusiveOptions()) {
    if (o instanceof Note && o.name)
      inclusive.push({ name: htmlToPlainText(stringOf(o.name)), count: (await o.getReplies())?.totalItems ?? 0 });
  }
  const options = exclusive.length > 0 ? exclusive : inclusive;
  let record: PollSourceRecord = { eligible_specialties: [], eligible_jurisdictions: [], breakdown: null };
  const source = question.source;
  if (source?.mediaType === POLL_MEDIA_TYPE) {
    try {
      record = { ...record, ...(JSON.parse(stringOf(source.content)) as Partial<PollSourceRecord>) };
    } catch {
      // a malformed source leaves the poll open to all verified physicians
    }
  }
  const closed = question.closed;
  return {
    options: options.map((o) => o.name),
    counts: options.map((o) => o.count),
    multiple: exclusive.length === 0 && inclusive.length > 0,
    endTime: fromInstant(question.endTime) ?? new Date(Date.now() + 86_400_000),
    closed: closed === true || (closed != null && typeof closed !== "boolean"),
    voters: question.voters ?? null,
    record,
  };
}

/** Remote HTML keeps Mastodon's small set of tags and nothing that runs. */
export function sanitizeRemoteHtml(html: string, options: { allowHttp?: boolean } = {}): string {
  return sanitizeHtml(html, {
    allowedTags: ["p", "br", "a", "span", "strong", "b", "em", "i", "u", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li"],
    allowedAttributes: { a: ["href", "rel", "class"], span: ["class"] },
    allowedSchemes: options.allowHttp === false ? ["https"] : ["http", "https"],
    transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "nofollow noopener noreferrer", target: "_blank" }) },
  });
}

/** The structured case a receiver restores exactly, or null if absent or malformed. */
export function caseFromSource(source: Source | null): CaseRecord | null {
  if (!source || source.mediaType !== CASE_MEDIA_TYPE) return null;
  const content = typeof source.content === "string" ? source.content : source.content?.toString();
  if (!content) return null;
  try {
    const parsed = caseRecordSchema.safeParse(JSON.parse(content));
    if (!parsed.success) return null;
    // The fields are plain text: whatever markup a peer put in them is removed.
    const record = parsed.data as CaseRecord;
    for (const field of CASE_TEXT_FIELDS) record[field] = htmlToPlainText(record[field]);
    if (record.solution_note) record.solution_note = htmlToPlainText(record.solution_note);
    return record;
  } catch {
    return null;
  }
}

export function stringOf(value: unknown): string {
  if (value == null) return "";
  return typeof value === "string" ? value : String(value);
}

/** Hashtag names on an object, without the leading #. */
export async function hashtagsOf(object: ApObject): Promise<string[]> {
  const out: string[] = [];
  for await (const tag of object.getTags()) {
    if (tag instanceof Hashtag && tag.name) out.push(stringOf(tag.name).replace(/^#/, "").toLowerCase());
  }
  return out;
}

export async function mentionHrefsOf(object: ApObject): Promise<string[]> {
  const out: string[] = [];
  for await (const tag of object.getTags()) {
    if (tag instanceof Mention && tag.href) out.push(tag.href.href);
  }
  return out;
}

/** A remote actor's public profile, with its HTML sanitised. */
export async function remoteActorInput(actor: Actor, links: { allowHttp: boolean }): Promise<RemoteActorInput | null> {
  if (!actor.id || !actor.preferredUsername || !actor.inboxId) return null;
  // A handle is a handle: no markup, no spaces, no room for a look-alike.
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(stringOf(actor.preferredUsername))) return null;
  const fields: { name: string; value: string }[] = [];
  let credential: string | null = null;
  for await (const attachment of actor.getAttachments()) {
    if (attachment instanceof PropertyValue) {
      fields.push({ name: htmlToPlainText(stringOf(attachment.name)), value: sanitizeRemoteHtml(stringOf(attachment.value), links) });
    } else if (attachment instanceof Link && attachment.mediaType === CREDENTIAL_MEDIA_TYPE && attachment.href) {
      credential = attachment.href.href;
    }
  }
  return {
    uri: actor.id.href,
    username: stringOf(actor.preferredUsername),
    displayName: htmlToPlainText(stringOf(actor.name)),
    summaryHtml: sanitizeRemoteHtml(stringOf(actor.summary)),
    url: peerLink(actor.url instanceof URL ? actor.url : actor.url instanceof Link ? actor.url.href : null, links.allowHttp),
    inboxUrl: actor.inboxId.href,
    sharedInboxUrl: actor.endpoints?.sharedInbox?.href ?? null,
    followersUrl: actor.followersId?.href ?? null,
    featuredUrl: actor.featuredId?.href ?? null,
    locked: actor.manuallyApprovesFollowers ?? false,
    fields,
    actorType: actor.constructor.name,
    credential,
    iconUrl: await imageUrlOf(actor, "icon", links.allowHttp),
    imageUrl: await imageUrlOf(actor, "image", links.allowHttp),
  };
}

/** An actor's avatar or header URL, if it is one we may fetch (on the actor's own origin). */
async function imageUrlOf(actor: Actor, which: "icon" | "image", allowHttp: boolean): Promise<string | null> {
  // Only an embedded Image (as Mastodon sends it): nothing is fetched to read it.
  const options = { documentLoader: offlineLoader, contextLoader: preloadedContextLoader };
  const image = await (which === "icon" ? actor.getIcon(options) : actor.getImage(options)).catch(() => null);
  const u = image?.url;
  const url = u instanceof URL ? u : u instanceof Link ? (u.href ?? null) : null;
  const link = peerLink(url, allowHttp);
  return link && actor.id && new URL(link).origin === actor.id.origin ? link : null;
}

export { isActor };
