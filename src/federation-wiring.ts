import type { TracerProvider } from "@opentelemetry/api";
import { instanceKeyId } from "../federation/actors.ts";
import { buildFederation } from "../federation/federation.ts";
import { RemoteLookup } from "../federation/lookup.ts";
import { FedifyPort } from "../federation/outbox.ts";
import { WorkerRegistry } from "../federation/queue-workers.ts";
import { PeerReachability } from "../federation/reachability.ts";
import { SqliteKvStore } from "../federation/sqlite-kv.ts";
import { SqliteMessageQueue } from "../federation/sqlite-queue.ts";
import type { Config } from "./config.ts";
import type { DatabaseHandle } from "./db/client.ts";
import { INSTANCE_KEY_OWNER } from "./domain/keys.ts";
import type { Services } from "./services.ts";

/**
 * Fedify over the instance's SQLite (its key-value store and durable queue),
 * with every service pointed at the real federation port.  The server and
 * the worker run the queue; the command line only adds to it, so what an
 * operator does there (a suspension, an approval) reaches the peers as soon
 * as the running server's or worker's queue picks it up, as the admin API's
 * does.
 */
export async function wireFederation(
  config: Config,
  database: DatabaseHandle,
  services: Services,
  http: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>,
  options: { tracerProvider?: TracerProvider } = {},
) {
  // The instance actor's keys exist before anyone asks for them, and sign every fetch.
  const [rsa] = await services.keys.keyPairs(INSTANCE_KEY_OWNER);
  const identity = { keyId: instanceKeyId(config.origin), privateKey: rsa!.privateKey };
  const kv = new SqliteKvStore(database.sqlite, { uncachedFailurePrefixes: [["_fedify", "publicKey"]] });
  const queue = new SqliteMessageQueue(database.sqlite, { concurrency: 8, laneLimit: 2, workers: new WorkerRegistry(database.sqlite) });
  const reachability = new PeerReachability(kv, queue);
  const federation = buildFederation({
    kv,
    queue,
    origin: config.origin,
    instanceIdentity: identity,
    onHostReachable: (host) => reachability.closed(host),
    tracerProvider: options.tracerProvider,
  });
  const lookup = new RemoteLookup(federation, services, http);
  // What the domain announces is recorded before it is queued, so a crash in between loses nothing.
  const intents = services.federationPort;
  intents.attach(new FedifyPort(federation, services), (mention) => lookup.account(mention));
  return { identity, kv, queue, reachability, federation, lookup, intents };
}
