import { createFederation, type Federation, type KvStore, type MessageQueue, type RequestContext } from "@fedify/fedify";
import { Article, Note, Question } from "@fedify/vocab";
import type { Services } from "../src/services.ts";
import { INSTANCE_KEY_OWNER } from "../src/domain/keys.ts";
import { INSTANCE_ACTOR_ID, instanceActor, physicianActor } from "./actors.ts";
import { registerInboxListeners } from "./inbox.ts";
import { logger } from "../src/logging.ts";

export interface FederationOptions {
  readonly kv: KvStore;
  readonly queue: MessageQueue;
  readonly allowPrivateAddress: boolean;
  /** The public origin: URIs use it whatever Host a request came in on. */
  readonly origin: string;
}

export type ConsiliumFederation = Federation<Services>;

const log = logger("federation");

/**
 * Authorized fetch: physicians, posts and collections are served only to
 * requests signed by a key of an active peer.  The signature is checked by
 * Fedify; the key's origin decides.
 */
async function fromActivePeer(ctx: RequestContext<Services>): Promise<boolean> {
  const key = await ctx.getSignedKey();
  if (!key?.id) return false;
  return ctx.data.peers.isActive(key.id.origin);
}

export function buildFederation(options: FederationOptions): ConsiliumFederation {
  const federation = createFederation<Services>({
    kv: options.kv,
    queue: options.queue,
    origin: options.origin,
    allowPrivateAddress: options.allowPrivateAddress,
    // Started by the server at boot, so messages left by a crash resume at once.
    manuallyStartQueue: true,
    userAgent: { software: "Consilium/0.1.0" },
    // 410 Gone and 404 end delivery to that inbox for good (see the handler below).
    permanentFailureStatusCodes: [404, 410],
  });

  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR_ID) return instanceActor(ctx, ctx.data.instance);
      // Pending, rejected and suspended applicants do not exist to the outside.
      const account = ctx.data.accounts.findApprovedByUsername(identifier);
      if (!account || account.username !== identifier) return null;
      return physicianActor(ctx, account);
    })
    .mapActorAlias("/actor", INSTANCE_ACTOR_ID)
    .mapHandle((ctx, username) => {
      if (username.toLowerCase() === ctx.data.instance.host.toLowerCase()) return INSTANCE_ACTOR_ID;
      return ctx.data.accounts.findApprovedByUsername(username)?.username ?? null;
    })
    .setKeyPairsDispatcher(async (ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR_ID) return ctx.data.keys.keyPairs(INSTANCE_KEY_OWNER);
      const account = ctx.data.accounts.findApprovedByUsername(identifier);
      return account ? ctx.data.keys.keyPairs(account.id) : [];
    })
    // The instance actor and its keys stay public so peers can verify us.
    .authorize(async (ctx, identifier) => identifier === INSTANCE_ACTOR_ID || (await fromActivePeer(ctx)));

  const objectDispatcher = async (ctx: RequestContext<Services>, values: { identifier: string; id: string }) => {
    const status = ctx.data.statuses.get(values.id);
    const author = status ? ctx.data.directory.get(status.accountId) : undefined;
    if (!status || !status.local || status.kind === "boost" || author?.username !== values.identifier) return null;
    if (status.visibility === "direct" || status.visibility === "private") return null;
    return ctx.data.federationPort.objectFor(status);
  };
  federation
    .setObjectDispatcher(Note, "/users/{identifier}/statuses/{id}", async (ctx, values) => {
      const object = await objectDispatcher(ctx, values);
      return object instanceof Note ? object : null;
    })
    .authorize((ctx) => fromActivePeer(ctx));
  federation
    .setObjectDispatcher(Article, "/users/{identifier}/cases/{id}", async (ctx, values) => {
      const object = await objectDispatcher(ctx, values);
      return object instanceof Article ? object : null;
    })
    .authorize((ctx) => fromActivePeer(ctx));

  federation
    .setObjectDispatcher(Question, "/users/{identifier}/polls/{id}", async (ctx, values) => {
      const object = await objectDispatcher(ctx, values);
      return object instanceof Question ? object : null;
    })
    .authorize((ctx) => fromActivePeer(ctx));

  federation
    .setFollowersDispatcher("/users/{identifier}/followers", async (ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR_ID) {
        const items = ctx.data.peers
          .list()
          .filter((p) => ctx.data.peers.isActive(p.origin) && p.actorUri && p.inboxUrl)
          .map((p) => ({ id: new URL(p.actorUri!), inboxId: new URL(p.inboxUrl!), endpoints: p.sharedInboxUrl ? { sharedInbox: new URL(p.sharedInboxUrl) } : null }));
        return { items };
      }
      const account = ctx.data.accounts.findApprovedByUsername(identifier);
      if (!account) return null;
      const items = ctx.data.follows
        .remoteFollowers(account.id)
        .map((a) => ({ id: new URL(a.uri), inboxId: new URL(a.inboxUrl!), endpoints: a.sharedInboxUrl ? { sharedInbox: new URL(a.sharedInboxUrl) } : null }));
      return { items };
    })
    .setCounter((ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR_ID) return ctx.data.peers.activeOrigins().length;
      const account = ctx.data.accounts.findApprovedByUsername(identifier);
      return account ? ctx.data.follows.counts(account.id).followers : null;
    })
    .authorize((ctx) => fromActivePeer(ctx));

  federation
    .setFollowingDispatcher("/users/{identifier}/following", async (ctx, identifier) => {
      const account = ctx.data.accounts.findApprovedByUsername(identifier);
      if (!account) return null;
      const rows = ctx.data.follows.followingIds(account.id, { limit: 1000 });
      const accounts = ctx.data.directory.getMany(rows.map((r) => r.followingId));
      return { items: rows.map((r) => accounts.get(r.followingId)).filter((a) => a != null).map((a) => new URL(a.uri)) };
    })
    .authorize((ctx) => fromActivePeer(ctx));

  const inbox = federation.setInboxListeners("/users/{identifier}/inbox", "/inbox");
  // Key fetches and lookups made while handling inbox traffic are signed by the
  // instance actor, since peers serve their physicians only to signed requests.
  inbox.setSharedKeyDispatcher(() => ({ identifier: INSTANCE_ACTOR_ID }));
  registerInboxListeners(inbox);

  federation.setOutboxPermanentFailureHandler((ctx, { inbox: failed, statusCode }) => {
    log.warn("Giving up on {inbox} after HTTP {statusCode}", { inbox: failed.href, statusCode });
    if (statusCode === 410) ctx.data.directory.markGoneByInbox(failed.href);
  });

  return federation;
}
