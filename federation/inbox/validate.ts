import { preloadedContexts } from "@fedify/fedify";

/**
 * What an activity may carry before any work is done on it.  Mastodon keeps
 * at most 16 attachments of a remote post (ACTIVITYPUB_STATUS_ATTACHMENT_MAX);
 * the other figures are generous for a clinical case and far below what
 * stalled the event loop (14,000 mentions, 20,000 hashtags).
 */
export const INBOX_LIMITS = {
  depth: 32,
  nodes: 20_000,
  addressees: 200,
  mentions: 50,
  hashtags: 50,
  tags: 100,
  attachments: 16,
  pollOptions: 20,
  /** Votes one option (or the poll's voters) may count: far above any network of physicians. */
  pollCount: 1_000_000,
  /** Pixels an attachment may claim on a side. */
  dimension: 100_000,
} as const;

/** Dates a peer may give (published, updated, a poll's end): from 2000 to a year ahead. */
const EARLIEST_DATE = Date.UTC(2000, 0, 1);
const LATEST_AHEAD_MS = 366 * 86_400_000;

export class InvalidActivity extends Error {
  readonly status: 400 | 401 | 403 | 413;
  constructor(message: string, status: 400 | 401 | 403 | 413 = 400) {
    super(message);
    this.name = "InvalidActivity";
    this.status = status;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** What the accept stage learns of an activity before storing it. */
export interface ActivityShape {
  readonly id: string;
  readonly type: string;
  readonly actor: string;
  readonly actorOrigin: string;
  /** The object the activity is about (its id), for per-object order. */
  readonly objectId: string | null;
  readonly json: JsonObject;
}

function isObject(value: Json | undefined): value is JsonObject {
  return value != null && typeof value === "object" && !Array.isArray(value);
}

function asArray(value: Json | undefined): Json[] {
  return value == null ? [] : Array.isArray(value) ? value : [value];
}

function absoluteUrl(value: unknown, what: string): URL {
  if (typeof value !== "string") throw new InvalidActivity(`${what} must be a URL`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidActivity(`${what} is not a valid URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new InvalidActivity(`${what} must be an http(s) URL`);
  return url;
}

/** The id of a property that is either a URL or an object with one. */
function idOf(value: Json | undefined): string | null {
  if (typeof value === "string") return value;
  if (isObject(value) && typeof value["id"] === "string") return value["id"];
  return null;
}

/** Counts nodes and depth without recursion (deep nesting was a stack overflow). */
function measure(root: Json): void {
  const stack: [Json, number][] = [[root, 1]];
  let nodes = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > INBOX_LIMITS.depth) throw new InvalidActivity(`The activity is nested more than ${INBOX_LIMITS.depth} levels deep`);
    if (++nodes > INBOX_LIMITS.nodes) throw new InvalidActivity(`The activity has more than ${INBOX_LIMITS.nodes} values`, 413);
    if (Array.isArray(value)) for (const v of value) stack.push([v, depth + 1]);
    else if (value != null && typeof value === "object") for (const v of Object.values(value)) stack.push([v, depth + 1]);
  }
}

/**
 * Only contexts this server already holds: a body naming any other would make
 * the JSON-LD processor fetch it (from anywhere) before the activity is read.
 */
function checkContext(context: Json | undefined): void {
  if (context == null) throw new InvalidActivity("The activity has no @context");
  const visit = (value: Json | undefined, inline: boolean): void => {
    if (typeof value === "string") {
      if (!(value in preloadedContexts)) throw new InvalidActivity(`Unsupported @context: ${value.slice(0, 200)}`);
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v, inline);
    } else if (isObject(value)) {
      // Inline definitions may not pull in further contexts.
      for (const [key, v] of Object.entries(value)) {
        if (key === "@import") throw new InvalidActivity("Unsupported @context: @import");
        if (key === "@context") visit(v, true);
        else if (isObject(v) && "@context" in v) visit(v["@context"], true);
      }
    } else if (!(inline && value === null)) {
      throw new InvalidActivity("Unsupported @context value");
    }
  };
  visit(context, false);
}

function checkAudience(holder: JsonObject, where: string): void {
  for (const key of ["to", "cc", "bto", "bcc", "audience"]) {
    if (asArray(holder[key]).length > INBOX_LIMITS.addressees) {
      throw new InvalidActivity(`${where} addresses more than ${INBOX_LIMITS.addressees} recipients in ${key}`, 413);
    }
  }
}

function typesOf(value: Json | undefined): string[] {
  return asArray(value).filter((t): t is string => typeof t === "string");
}

function nonNegativeInteger(value: Json | undefined): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** A Question's counts must be counts: whole, not negative, voters at most the votes. */
function checkQuestion(question: JsonObject): void {
  const options = [...asArray(question["oneOf"]), ...asArray(question["anyOf"])];
  if (options.length > INBOX_LIMITS.pollOptions) throw new InvalidActivity(`A poll may have at most ${INBOX_LIMITS.pollOptions} options`);
  let total = 0;
  for (const option of options) {
    if (!isObject(option)) continue;
    const replies = option["replies"];
    if (replies == null) continue;
    const count = isObject(replies) ? replies["totalItems"] : undefined;
    if (count === undefined) continue;
    if (!nonNegativeInteger(count)) throw new InvalidActivity("Poll counts must be whole numbers, not negative");
    if ((count as number) > INBOX_LIMITS.pollCount)
      throw new InvalidActivity(`Poll counts above ${INBOX_LIMITS.pollCount} are not believable`);
    total += count as number;
  }
  const voters = question["votersCount"];
  if (voters !== undefined && voters !== null) {
    if (!nonNegativeInteger(voters)) throw new InvalidActivity("votersCount must be a whole number, not negative");
    if ((voters as number) > INBOX_LIMITS.pollCount)
      throw new InvalidActivity(`votersCount above ${INBOX_LIMITS.pollCount} is not believable`);
    if ((voters as number) > total) throw new InvalidActivity("votersCount cannot exceed the votes counted");
  }
}

/** Tags, attachments and addressing of a posted object, within the limits. */
function checkObject(object: JsonObject): void {
  checkAudience(object, "The object");
  const tags = asArray(object["tag"]);
  if (tags.length > INBOX_LIMITS.tags) throw new InvalidActivity(`The object has more than ${INBOX_LIMITS.tags} tags`, 413);
  const count = (type: string) => tags.filter((t) => isObject(t) && typesOf(t["type"]).includes(type)).length;
  if (count("Mention") > INBOX_LIMITS.mentions)
    throw new InvalidActivity(`The object mentions more than ${INBOX_LIMITS.mentions} accounts`, 413);
  if (count("Hashtag") > INBOX_LIMITS.hashtags)
    throw new InvalidActivity(`The object has more than ${INBOX_LIMITS.hashtags} hashtags`, 413);
  if (asArray(object["attachment"]).length > INBOX_LIMITS.attachments) {
    throw new InvalidActivity(`The object has more than ${INBOX_LIMITS.attachments} attachments`, 413);
  }
  if (typesOf(object["type"]).includes("Question")) checkQuestion(object);
  for (const key of ["published", "updated", "endTime", "closed"]) checkDate(object[key], key);
  for (const attachment of asArray(object["attachment"])) {
    if (!isObject(attachment)) continue;
    for (const key of ["width", "height"]) {
      const value = attachment[key];
      if (value != null && !(nonNegativeInteger(value) && (value as number) <= INBOX_LIMITS.dimension)) {
        throw new InvalidActivity(`An attachment's ${key} must be a whole number up to ${INBOX_LIMITS.dimension}`);
      }
    }
  }
}

/** A date a peer gives must be one: parseable, after 2000 and at most a year ahead. */
function checkDate(value: Json | undefined, key: string): void {
  // `closed` may be a boolean (Mastodon sends a date, others true).
  if (value == null || typeof value === "boolean") return;
  const at = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(at) || at < EARLIEST_DATE || at > Date.now() + LATEST_AHEAD_MS) {
    throw new InvalidActivity(`The object's ${key} is not a believable date`);
  }
}

/** Activities whose object is written by the actor (and so must live on the actor's origin). */
const AUTHORED = new Set(["Create", "Update", "Delete"]);

/**
 * Reads what the accept stage needs and refuses, with a reason, anything that
 * is not an activity this server will take: before a single fetch, JSON-LD
 * expansion or database write happens.
 */
export function checkActivity(parsed: unknown): ActivityShape {
  if (!isObject(parsed as Json)) throw new InvalidActivity("The body must be a JSON object");
  const json = parsed as JsonObject;
  measure(json);
  checkContext(json["@context"]);
  const id = absoluteUrl(json["id"], "The activity's id");
  const types = typesOf(json["type"]);
  if (types.length === 0) throw new InvalidActivity("The activity has no type");
  const actorId = idOf(json["actor"]);
  if (actorId == null || asArray(json["actor"]).length !== 1) throw new InvalidActivity("The activity must have exactly one actor");
  const actor = absoluteUrl(actorId, "The actor");
  // An activity speaks only for its own origin: an Announce or Create with an
  // id elsewhere would claim that id before its real owner could.
  if (id.origin !== actor.origin) throw new InvalidActivity("The activity's id must be on its actor's origin");
  checkAudience(json, "The activity");
  const object = json["object"];
  // A report (Flag) names the account and some of its posts: several addresses, never embedded objects.
  if (types.includes("Flag")) {
    const named = asArray(object);
    if (named.length === 0 || named.length > 100 || named.some((o) => typeof o !== "string"))
      throw new InvalidActivity("A Flag names 1 to 100 objects by address");
    for (const o of named) absoluteUrl(o as string, "A flagged object");
    return { id: id.href, type: "Flag", actor: actor.href, actorOrigin: actor.origin, objectId: named[0] as string, json };
  }
  if (asArray(object).length > 1) throw new InvalidActivity("The activity may have one object only");
  const objectId = idOf(object);
  if (objectId != null) absoluteUrl(objectId, "The object's id");
  if (isObject(object)) {
    checkObject(object);
    if (types.some((t) => AUTHORED.has(t)) && objectId != null && new URL(objectId).origin !== actor.origin) {
      throw new InvalidActivity("An object may only be created, updated or deleted from its own origin");
    }
    const attributed = asArray(object["attributedTo"]).map(idOf);
    if (types.some((t) => t === "Create" || t === "Update") && attributed.length > 0 && !attributed.includes(actor.href)) {
      throw new InvalidActivity("The object is attributed to someone other than the activity's actor");
    }
  } else if (types.some((t) => AUTHORED.has(t)) && objectId != null && new URL(objectId).origin !== actor.origin) {
    throw new InvalidActivity("An object may only be created, updated or deleted from its own origin");
  }
  return { id: id.href, type: types[0]!, actor: actor.href, actorOrigin: actor.origin, objectId, json };
}
