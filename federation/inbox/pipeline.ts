import { KeyObject } from "node:crypto";
import { type DocumentLoader, fetchKey } from "@fedify/fedify";
import { Activity, CryptographicKey } from "@fedify/vocab";
import type { Services } from "../../src/services.ts";
import { instanceActorUri as instanceActorUriOf } from "../actors.ts";
import { preloadedContextLoader, restrictedLoader } from "../loaders.ts";
import { WorkerRegistry } from "../queue-workers.ts";
import { inboxRouter } from "./accept.ts";
import { applyActivity, type InboxWork } from "./handlers.ts";
import { RemoteKeyStore } from "./remote-keys.ts";
import { InboxStore, type PendingActivity } from "./store.ts";
import { InboxWorker } from "./worker.ts";

export interface InboxPipelineDeps {
  readonly services: Services;
  /** Signed by our instance actor (loaders.ts). */
  readonly documentLoader: DocumentLoader;
  /** The guarded client (outgoing-http.ts). */
  readonly fetch: typeof fetch;
  readonly heardFrom: (origin: string) => void;
  /** Told how each accepted activity ended (metrics). */
  readonly observe?: (type: string, outcome: "applied" | "failed") => void;
  /** Runs work whose outgoing requests must all end within `ms` (outgoing-http.ts). */
  readonly within?: <T>(ms: number, fn: () => T) => T;
}

/** All the fetches one activity needs (actor, credential keys, object, images) end within this. */
export const INBOX_ACTIVITY_FETCH_MS = 8_000;

/**
 * The inbox in two stages: `router` accepts (verify, check, store, 202);
 * `run` persists in the background.  Both share the key store and the
 * durable table of accepted activities.
 */
export function createInboxPipeline(deps: InboxPipelineDeps) {
  const { services } = deps;
  const sqlite = services.database.sqlite;
  const origin = services.instance.origin;
  const instanceActorUri = instanceActorUriOf(origin);
  // A key is fetched from its own origin only, signed by our instance actor.
  const keys = new RemoteKeyStore(
    sqlite,
    async (keyId) => {
      const { key } = await fetchKey(keyId, CryptographicKey, {
        documentLoader: restrictedLoader(deps.documentLoader, (o) => o === keyId.origin),
        contextLoader: preloadedContextLoader,
      });
      if (!key?.publicKey) return null;
      const publicKey = KeyObject.from(key.publicKey);
      return {
        keyId: key.id?.href ?? keyId.href,
        owner: key.ownerId?.href ?? null,
        publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
      };
    },
    { isActivePeer: (o) => services.peers.isActive(o) },
  );
  const store = new InboxStore(sqlite, { laneLimit: 2 });

  const within = deps.within ?? (<T>(_ms: number, fn: () => T) => fn());
  const apply = async (row: PendingActivity) => {
    // Closed network: documents come from active peers and the sender itself, nowhere else.
    const documentLoader = restrictedLoader(deps.documentLoader, (o) => o === row.origin || services.peers.isActive(o));
    const activity = await Activity.fromJsonLd(JSON.parse(row.body), { documentLoader, contextLoader: preloadedContextLoader });
    const work: InboxWork = {
      data: services,
      origin,
      instanceActorUri,
      documentLoader,
      contextLoader: preloadedContextLoader,
      fetch: deps.fetch,
      forgetKeys: (owner) => keys.forgetOwner(owner),
    };
    const type = activity.constructor.name;
    try {
      await applyActivity(work, activity);
      deps.observe?.(type, "applied");
    } catch (error) {
      deps.observe?.(type, "failed");
      throw error;
    }
  };
  // A peer that hangs frees the worker within the bound; the activity is retried later.
  const process = (row: PendingActivity) => within(INBOX_ACTIVITY_FETCH_MS, () => apply(row));
  const worker = new InboxWorker({
    store,
    workers: new WorkerRegistry(sqlite),
    process,
    onGiveUp: (row, error) =>
      services.audit.record({
        staffId: null,
        subjectId: null,
        action: "inbox.given_up",
        reason: `${row.activityId} from ${row.origin}: ${error.message}`.slice(0, 500),
      }),
  });
  const router = inboxRouter({ keys, store, keyDocumentLoader: deps.documentLoader, heardFrom: deps.heardFrom });
  return { router, store, keys, run: (signal: AbortSignal) => worker.run(signal) };
}

export type InboxPipeline = ReturnType<typeof createInboxPipeline>;
