import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { buildFederation } from "../federation/federation.ts";
import { RemoteLookup } from "../federation/lookup.ts";
import { FedifyPort } from "../federation/outbox.ts";
import { SqliteKvStore } from "../federation/sqlite-kv.ts";
import { SqliteMessageQueue } from "../federation/sqlite-queue.ts";
import { createApp } from "./app.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/client.ts";
import { INSTANCE_KEY_OWNER } from "./domain/keys.ts";
import { connectFederation, createServices, type Services } from "./services.ts";

export interface RunningInstance {
  readonly url: string;
  readonly services: Services;
  close(): Promise<void>;
}

/** Opens the database, wires services, Fedify and Hono, and listens. */
export interface StartOptions {
  /** Tests turn the queue off to hold deliveries, as a crash before delivery would. */
  readonly startQueue?: boolean;
}

export async function startInstance(config: Config, options: StartOptions = {}): Promise<RunningInstance> {
  const database = openDatabase(config.databasePath);
  const services = createServices(config, database);
  // The instance actor's keys exist before anyone asks for them.
  await services.keys.keyPairs(INSTANCE_KEY_OWNER);
  const federation = buildFederation({
    kv: new SqliteKvStore(database.sqlite),
    queue: new SqliteMessageQueue(database.sqlite, { concurrency: 4 }),
    allowPrivateAddress: config.allowPrivateAddress,
    origin: config.origin,
  });
  const lookup = new RemoteLookup(federation, services);
  connectFederation(services, new FedifyPort(federation, services), (mention) => lookup.account(mention));
  const app = createApp({ services, federation, lookup });
  const queueStop = new AbortController();
  const queueStopped = options.startQueue !== false ? federation.startQueue(services, { signal: queueStop.signal }).catch(() => {}) : Promise.resolve();
  // Credentials are renewed before they expire and withdrawn when they may no longer be held.
  const renewal = setInterval(() => void services.credentialLifecycle.renewDue().catch(() => {}), 60 * 60_000);
  renewal.unref();
  void services.credentialLifecycle.renewDue().catch(() => {});
  // Poll counts go out coalesced (at most one Update(Question) a second per poll) and polls close on time.
  const pollFlush = setInterval(() => void services.polls.flush().catch(() => {}), 250);
  pollFlush.unref();
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`,
    services,
    close: async () => {
      queueStop.abort();
      clearInterval(renewal);
      clearInterval(pollFlush);
      // Let a delivery in flight finish before the database goes away.
      await Promise.race([queueStopped, new Promise((r) => setTimeout(r, 2000))]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would otherwise hold the port open.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      // Handlers of requests cut off above may still be finishing.
      await new Promise((r) => setTimeout(r, 100));
      database.close();
    },
  };
}
