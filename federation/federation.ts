import { createFederation, type Federation, type KvStore, type MessageQueue, type RequestContext, type RetryPolicy } from "@fedify/fedify";
import type { TracerProvider } from "@opentelemetry/api";
import { Temporal } from "@js-temporal/polyfill";
import { Article, Note, Person, Question, Tombstone } from "@fedify/vocab";
import type { Services } from "../src/services.ts";
import { SOFTWARE_VERSION } from "../src/domain/instance.ts";
import { INSTANCE_KEY_OWNER } from "../src/domain/keys.ts";
import { INSTANCE_ACTOR_ID, instanceActor, physicianActor } from "./actors.ts";
import { networkPhysician, onTheNetwork, registerCollections } from "./collections.ts";
import { preloadedContextLoader, type SigningIdentity, signedLoader } from "./loaders.ts";
import { logger } from "../src/logging.ts";

export interface FederationOptions {
  readonly kv: KvStore;
  readonly queue: MessageQueue;
  /** The public origin: URIs use it whatever Host a request came in on. */
  readonly origin: string;
  /** Our instance actor's signing key: every document fetch is signed with it. */
  readonly instanceIdentity: SigningIdentity;
  /** Fedify's breaker closed for a host: its held deliveries may go now. */
  readonly onHostReachable?: (host: string) => void;
  /** OpenTelemetry: where Fedify's spans go (src/ops/tracing.ts), if anywhere. */
  readonly tracerProvider?: TracerProvider;
}

export type ConsiliumFederation = Federation<Services>;

const log = logger("federation");
const USER_AGENT = `Consilium/${SOFTWARE_VERSION}`;

/**
 * Retries for a closed network of known peers: quickly at first, never more
 * than half a minute apart in the first hour (a peer back from a short outage
 * gets everything within the minute), then every ten minutes, for three days.
 */
export const peerRetryPolicy: RetryPolicy = ({ elapsedTime, attempts }) => {
  const elapsedMs = elapsedTime.total("millisecond");
  if (elapsedMs > 3 * 86_400_000) return null;
  const cap = elapsedMs < 3600_000 ? 30_000 : 600_000;
  const ms = Math.min(1000 * 2 ** attempts, cap) * (1 + Math.random() * 0.2);
  return Temporal.Duration.from({ milliseconds: Math.round(ms) });
};

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

/** The instance actor's collections are public (its peers are listed at /api/v1/instance/peers too); a physician's are for peers. */
async function instanceActorOrPeer(ctx: RequestContext<Services>, identifier: string): Promise<boolean> {
  return identifier === INSTANCE_ACTOR_ID || (await fromActivePeer(ctx));
}

/** Fedify's circuit breaker per peer host, as README's reliability section states it. */
export const PEER_CIRCUIT_BREAKER = {
  failureThreshold: 5,
  failureWindow: { minutes: 2 },
  // Peers are known and come back: probe again after 20 seconds, not 30 minutes.
  recoveryDelay: { seconds: 20 },
  heldActivityTtl: { days: 3 },
} as const;

export function buildFederation(options: FederationOptions): ConsiliumFederation {
  // Built once (Fedify rebuilt its loaders for every context, six times an
  // activity).  Documents are always fetched signed by the instance actor, so
  // a key fetch never fails because it was sent as somebody a peer will not
  // serve; the guarded client under fetch() enforces timeouts and addresses.
  const documentLoader = signedLoader(options.instanceIdentity, USER_AGENT);
  const federation = createFederation<Services>({
    kv: options.kv,
    queue: options.queue,
    origin: options.origin,
    documentLoaderFactory: () => documentLoader,
    contextLoaderFactory: () => preloadedContextLoader,
    authenticatedDocumentLoaderFactory: (identity) => signedLoader(identity, USER_AGENT),
    // Started by the server at boot, so messages left by a crash resume at once.
    manuallyStartQueue: true,
    ...(options.tracerProvider ? { tracerProvider: options.tracerProvider } : {}),
    // Consilium peers verify draft-cavage on their fast path: knock with it first.
    firstKnock: "draft-cavage-http-signatures-12",
    outboxRetryPolicy: peerRetryPolicy,
    circuitBreaker: {
      ...PEER_CIRCUIT_BREAKER,
      onStateChange: (host, _from, to) => {
        log.info("Deliveries to {host}: circuit {state}", { host, state: to });
        if (to === "closed") options.onHostReachable?.(host);
      },
    },
    // Refused for good: retrying the same body cannot help (410 also marks the actor gone).
    permanentFailureStatusCodes: [400, 403, 404, 410, 413, 422],
  });

  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR_ID) return instanceActor(ctx, ctx.data.instance);
      const account = ctx.data.accounts.findByUsername(identifier);
      if (!account || account.username !== identifier) return null;
      // A physician who left: 410 Gone, so peers drop the actor rather than retry.
      if (account.deletedAt) {
        return new Tombstone({
          id: ctx.getActorUri(identifier),
          formerType: Person,
          deleted: Temporal.Instant.fromEpochMilliseconds(account.deletedAt.getTime()),
        });
      }
      // Pending, rejected and suspended applicants, and staff, do not exist to the outside.
      return onTheNetwork(account, identifier) ? physicianActor(ctx, account) : null;
    })
    .mapActorAlias("/actor", INSTANCE_ACTOR_ID)
    .mapHandle((ctx, username) => {
      if (username.toLowerCase() === ctx.data.instance.host.toLowerCase()) return INSTANCE_ACTOR_ID;
      const account = ctx.data.accounts.findByUsername(username);
      return account && onTheNetwork(account, account.username) ? account.username : null;
    })
    .setKeyPairsDispatcher(async (ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR_ID) return ctx.data.keys.keyPairs(INSTANCE_KEY_OWNER);
      const account = networkPhysician(ctx.data, identifier);
      return account ? ctx.data.keys.keyPairs(account.id) : [];
    })
    // The instance actor and its keys stay public so peers can verify us.
    .authorize(instanceActorOrPeer);

  const objectDispatcher = async (ctx: RequestContext<Services>, values: { identifier: string; id: string }) => {
    const status = ctx.data.store.get(values.id);
    const author = status ? ctx.data.directory.get(status.accountId) : undefined;
    if (!status || !status.local || status.kind === "boost" || author?.username !== values.identifier) return null;
    if (!networkPhysician(ctx.data, values.identifier)) return null;
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
          .map((p) => ({
            id: new URL(p.actorUri!),
            inboxId: new URL(p.inboxUrl!),
            endpoints: p.sharedInboxUrl ? { sharedInbox: new URL(p.sharedInboxUrl) } : null,
          }));
        return { items };
      }
      const account = networkPhysician(ctx.data, identifier);
      if (!account) return null;
      const items = ctx.data.follows.remoteFollowers(account.id).map((a) => ({
        id: new URL(a.uri),
        inboxId: new URL(a.inboxUrl!),
        endpoints: a.sharedInboxUrl ? { sharedInbox: new URL(a.sharedInboxUrl) } : null,
      }));
      return { items };
    })
    .setCounter((ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR_ID) return ctx.data.peers.activeOrigins().length;
      const account = networkPhysician(ctx.data, identifier);
      return account ? ctx.data.follows.counts(account.id).followers : null;
    })
    .authorize(instanceActorOrPeer);

  // Pinned posts: the actor's `featured` collection (Mastodon's toot:featured).
  const featured = (data: Services, identifier: string) => {
    if (identifier === INSTANCE_ACTOR_ID) return [];
    const account = networkPhysician(data, identifier);
    if (!account) return null;
    const rows = data.store.getMany(data.reactions.pinnedOf(account.id));
    return [...rows.values()]
      .filter((s) => s.visibility === "public" || s.visibility === "unlisted")
      .map((s) => data.federationPort.objectFor(s))
      .filter((o): o is Note | Article | Question => o instanceof Note || o instanceof Article || o instanceof Question);
  };
  federation
    .setFeaturedDispatcher("/users/{identifier}/featured", async (ctx, identifier) => {
      const items = featured(ctx.data, identifier);
      return items ? { items } : null;
    })
    .setCounter((ctx, identifier) => featured(ctx.data, identifier)?.length ?? null)
    .authorize(instanceActorOrPeer);

  // Whom an actor follows: a physician's follows; the instance actor follows its active peers' instance actors.
  const following = (data: Services, identifier: string): URL[] | null => {
    if (identifier === INSTANCE_ACTOR_ID) {
      return data.peers
        .list()
        .filter((p) => p.actorUri && data.peers.isActive(p.origin))
        .map((p) => new URL(p.actorUri!));
    }
    const account = networkPhysician(data, identifier);
    if (!account) return null;
    const rows = data.follows.followingIds(account.id, { limit: 1000 });
    const accounts = data.directory.getMany(rows.map((r) => r.followingId));
    return rows
      .map((r) => accounts.get(r.followingId))
      .filter((a) => a != null)
      .map((a) => new URL(a.uri));
  };
  federation
    .setFollowingDispatcher("/users/{identifier}/following", async (ctx, identifier) => {
      const items = following(ctx.data, identifier);
      return items ? { items } : null;
    })
    .setCounter((ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR_ID) return ctx.data.peers.activeOrigins().length;
      const account = networkPhysician(ctx.data, identifier);
      return account ? ctx.data.follows.counts(account.id).following : null;
    })
    .authorize(instanceActorOrPeer);

  registerCollections(federation, { fromActivePeer, instanceActorOrPeer });

  // Inbox POSTs are taken by our own two-stage inbox (federation/inbox/);
  // Fedify still needs the paths to name the actors' inboxes.
  federation.setInboxListeners("/users/{identifier}/inbox", "/inbox").setSharedKeyDispatcher(() => ({ identifier: INSTANCE_ACTOR_ID }));

  federation.setOutboxPermanentFailureHandler((ctx, { inbox: failed, statusCode }) => {
    log.warn("Giving up on {inbox} after HTTP {statusCode}", { inbox: failed.href, statusCode });
    if (statusCode === 410) ctx.data.directory.markGoneByInbox(failed.href);
  });

  return federation;
}
