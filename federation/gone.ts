import { Article, Note, Question, Tombstone } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { Services } from "../src/services.ts";
import type { ConsiliumFederation } from "./federation.ts";

const FORMER_TYPES = { Note, Article, Question } as const;

function wantsActivityPub(request: Request): boolean {
  const accept = request.headers.get("accept") ?? "";
  return /application\/(activity\+json|ld\+json)/.test(accept);
}

/**
 * A deleted local post fetched as ActivityPub answers 410 Gone with a
 * Tombstone (to active peers, as the post itself was), so a peer that missed
 * the Delete learns it rather than retrying a 404.  Null: not ours to answer.
 */
export function goneResponder(federation: ConsiliumFederation, services: Services) {
  return async (request: Request): Promise<Response | null> => {
    if (request.method !== "GET" && request.method !== "HEAD") return null;
    if (!wantsActivityPub(request)) return null;
    const uri = `${services.instance.origin}${new URL(request.url).pathname}`;
    const stone = services.tombstones.get(uri);
    if (!stone) return null;
    const ctx = federation.createContext(request, services);
    const key = await ctx.getSignedKey();
    if (!key?.id || !services.peers.isActive(key.id.origin))
      return new Response("Unauthorized", { status: 401, headers: { Vary: "Accept, Signature" } });
    const tombstone = new Tombstone({
      id: new URL(uri),
      formerType: FORMER_TYPES[stone.formerType as keyof typeof FORMER_TYPES] ?? null,
      deleted: Temporal.Instant.fromEpochMilliseconds(stone.deletedAt.getTime()),
    });
    const body = await tombstone.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
    return new Response(JSON.stringify(body), { status: 410, headers: { "Content-Type": "application/activity+json", Vary: "Accept" } });
  };
}
