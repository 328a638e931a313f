import { Application, Article, Note, isActor } from "@fedify/vocab";
import type { AccountView } from "../src/domain/directory/service.ts";
import type { MentionRef } from "../src/domain/statuses/text.ts";
import type { StatusRow } from "../src/domain/statuses/types.ts";
import type { Services } from "../src/services.ts";
import { INSTANCE_ACTOR_ID } from "./actors.ts";
import { remoteActorInput } from "./convert.ts";
import { copyProfileImages } from "./profile-images.ts";
import type { ConsiliumFederation } from "./federation.ts";

/**
 * Finds physicians and posts of active peers by handle or URL.  WebFinger is
 * requested with the peer's own scheme (Fedify's lookup always uses https,
 * which plain-http development and test instances do not serve).
 */
export class RemoteLookup {
  readonly #federation: ConsiliumFederation;
  readonly #services: Services;
  readonly #fetch: typeof fetch;

  /** `http` is the instance's guarded client (timeouts, no private addresses). */
  constructor(federation: ConsiliumFederation, services: Services, http: typeof fetch) {
    this.#federation = federation;
    this.#services = services;
    this.#fetch = http;
  }

  #ctx() {
    return this.#federation.createContext(new URL(this.#services.instance.origin), this.#services);
  }

  #peerOriginForHost(host: string): string | undefined {
    return this.#services.peers.activeOrigins().find((o) => new URL(o).host.toLowerCase() === host.toLowerCase());
  }

  async #lookup(url: string) {
    const ctx = this.#ctx();
    const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR_ID });
    return ctx.lookupObject(url, { documentLoader, contextLoader: ctx.contextLoader });
  }

  async #actor(url: string): Promise<AccountView | undefined> {
    const actor = await this.#lookup(url).catch(() => null);
    if (!isActor(actor) || actor instanceof Application) return undefined;
    const input = await remoteActorInput(actor, { allowHttp: this.#services.config.allowPrivateAddress });
    if (!input) return undefined;
    const ensured = await this.#services.verifier.ensure(this.#services.directory.upsertRemote(input));
    await copyProfileImages(this.#services, this.#fetch, ensured, input);
    return this.#services.directory.remoteView(this.#services.directory.findRemoteByUri(input.uri) ?? ensured);
  }

  async account(mention: Pick<MentionRef, "username" | "host">): Promise<AccountView | undefined> {
    if (!mention.host) return undefined;
    const known = this.#services.directory.findRemoteByHandle(mention.username, mention.host);
    if (known && !known.gone) return this.#services.directory.remoteView(known);
    const origin = this.#peerOriginForHost(mention.host);
    if (!origin) return undefined;
    const resource = `acct:${mention.username}@${mention.host}`;
    const response = await this.#fetch(`${origin}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`, {
      headers: { Accept: "application/jrd+json" },
    }).catch(() => null);
    if (!response?.ok) return undefined;
    const jrd = (await response.json().catch(() => null)) as { links?: { rel?: string; type?: string; href?: string }[] } | null;
    const self = jrd?.links?.find((l) => l.rel === "self" && /activity\+json|ld\+json/.test(l.type ?? ""))?.href;
    if (!self || new URL(self).origin !== origin) return undefined;
    return this.#actor(self);
  }

  /** A URL from an active peer: an actor, or a post (stored so it can be shown). */
  async url(url: string): Promise<{ account?: AccountView; status?: StatusRow }> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return {};
    }
    if (parsed.origin === this.#services.instance.origin) {
      const local = this.#services.directory.byUri(parsed.href);
      const status = this.#services.store.getByUri(parsed.href);
      return { account: local, status };
    }
    if (!this.#services.peers.isActive(parsed.origin)) return {};
    const known = this.#services.store.getByUri(parsed.href);
    if (known) return { status: known };
    const object = await this.#lookup(parsed.href).catch(() => null);
    if (isActor(object)) return { account: await this.#actor(parsed.href) };
    if ((object instanceof Note || object instanceof Article) && object.attributionId) {
      // Re-delivery through the inbox path would need an activity; the object is
      // authoritative here because it was fetched from its own origin.
      return { status: undefined };
    }
    return {};
  }
}
