import type { AddressInfo } from "node:net";
import { serve as startServer } from "@hono/node-server";
import { createInboxPipeline } from "../federation/inbox/pipeline.ts";
import { signedLoader } from "../federation/loaders.ts";
import { installFetchGuard, OutgoingHttp } from "../federation/outgoing-http.ts";
import type { SqliteMessageQueue } from "../federation/sqlite-queue.ts";
import { createApp } from "./app.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/client.ts";
import { SOFTWARE_VERSION } from "./domain/instance.ts";
import { createServices, eventRows, type Services } from "./services.ts";
import { EventRelay } from "./events/relay.ts";
import { wireFederation } from "./federation-wiring.ts";
import { StreamingHub } from "./streaming/hub.ts";
import { sseRouter } from "./streaming/sse.ts";
import { archiveContents } from "../federation/archive.ts";
import type { StreamingLimits } from "./streaming/streams.ts";
import { attachWebSocketStreaming } from "./streaming/websocket.ts";
import { logger } from "./logging.ts";
import { BackupSchedule } from "./ops/backup.ts";
import { JobLeases } from "./ops/job-leases.ts";
import { InstanceMetrics, serveMetrics } from "./ops/metrics.ts";
import { startTracing } from "./ops/tracing.ts";

const log = logger("server");

export interface RunningInstance {
  readonly url: string;
  readonly services: Services;
  /** Deliveries waiting per peer, and accepted activities not yet applied. */
  readonly queues: { readonly outbox: SqliteMessageQueue; readonly inbox: { depth(): { queued: number; oldestMs: number } } };
  readonly streaming: StreamingHub;
  close(): Promise<void>;
}

/** Opens the database, wires services, Fedify and Hono, and listens. */
export interface StartOptions {
  /** Tests turn the queue off to hold deliveries, as a crash before delivery would. */
  readonly startQueue?: boolean;
  /** False for `npm run worker`: queues and background jobs, no HTTP server. */
  readonly serve?: boolean;
  /** Tests shorten heartbeats and shrink the slow-consumer limit. */
  readonly streaming?: StreamingLimits;
}

const RENEWAL = "credential-renewal";
const RENEWAL_EVERY_MS = 60 * 60_000;
const BACKUP = "backup";

export async function startInstance(config: Config, options: StartOptions = {}): Promise<RunningInstance> {
  installFetchGuard();
  const database = openDatabase(config.databasePath);
  const services = createServices(config, database);
  // Events of the other processes on this database (a worker, the CLI) stream here and refresh caches.
  const relay = new EventRelay(database.sqlite, services.events, eventRows(services));
  relay.start();
  // One guarded client for every outgoing request this instance makes.
  let metrics: InstanceMetrics | null = null;
  const outgoing = new OutgoingHttp({
    ...config.http,
    allowPrivateAddress: config.allowPrivateAddress,
    trustedOrigins: () => services.peers.trustedOrigins(),
    redirectOrigins: () => services.peers.activeOrigins(),
    observe: (result) => metrics?.outgoing(result),
  });
  const http = (input: RequestInfo | URL, init?: RequestInit) => outgoing.fetch(input, init);
  services.verifier.setFetcher(async (origin) => {
    const response = await http(`${origin}/.well-known/jwks.json`, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`JWKS of ${origin}: HTTP ${response.status}`);
    return (await response.json()) as Awaited<ReturnType<Parameters<typeof services.verifier.setFetcher>[0]>>;
  });
  const tracing = config.otlpEndpoint ? await startTracing(config.otlpEndpoint) : null;
  const { identity, queue, reachability, federation, lookup, intents } = await wireFederation(config, database, services, http, {
    tracerProvider: tracing?.provider,
  });
  services.exports.setContents(archiveContents(federation, services));
  const inbox = createInboxPipeline({
    services,
    documentLoader: signedLoader(identity, `Consilium/${SOFTWARE_VERSION}`),
    fetch: http,
    heardFrom: (origin) => reachability.heard(origin),
    observe: (type, outcome) => metrics?.inboxActivity(type, outcome),
    within: (ms, fn) => outgoing.within(ms, fn),
  });
  services.queueStatus = { lanes: () => queue.lanes(), inbox: () => inbox.store.depth() };
  // Live updates: the hub listens to domain events; WebSocket and SSE share it.
  const streaming = new StreamingHub(services);
  metrics = new InstanceMetrics(services, { streams: () => streaming.size });
  const app = createApp({
    services,
    federation,
    lookup,
    inbox: inbox.router,
    outgoing,
    streaming: sseRouter(streaming, options.streaming),
    metrics: { registry: metrics, token: config.metrics.token },
  });
  const metricsServer = config.metrics.port ? await serveMetrics(metrics, config.metrics.host, config.metrics.port) : null;

  // Background work runs as this instance, so its requests use its client.
  const stop = new AbortController();
  // Queues and jobs run here unless a separate worker process (npm run worker) takes them.
  const serve = options.serve !== false;
  const runsWork = !serve || config.queues === "embedded";
  // Scheduled jobs run in one process at a time across everything on this database.
  const jobs = new JobLeases(database.sqlite);
  const background = outgoing.run(() => {
    if (!runsWork) return { stopped: Promise.resolve([]), timers: [] as NodeJS.Timeout[] };
    // A failing loop is logged with what it was doing and counted; it does not stop the others.
    const failed = (loop: string) => (error: unknown) => {
      log.error("Background work {loop} failed: {error}", { loop, error: error instanceof Error ? error.message : String(error) });
      metrics?.backgroundError(loop);
    };
    const queueStopped =
      options.startQueue !== false
        ? federation.startQueue(services, { signal: stop.signal }).catch(failed("outbox queue"))
        : Promise.resolve();
    const inboxStopped = inbox.run(stop.signal).catch(failed("inbox worker"));
    // Credentials are renewed before they expire and withdrawn when they may no longer be held: by one process at a time.
    const renew = () =>
      void jobs.runIfLeader(RENEWAL, RENEWAL_EVERY_MS, () => services.credentialLifecycle.renewDue()).catch(failed("credential renewal"));
    const renewal = setInterval(renew, RENEWAL_EVERY_MS);
    renew();
    // Poll counts go out coalesced (at most one Update(Question) a second per poll) and polls close on time.
    const pollFlush = setInterval(() => void services.polls.flush().catch(failed("poll flush")), 250);
    // Announcements a stopped process recorded but never queued (and failed ones, after their back-off).
    const replay = setInterval(() => void intents.recover().catch(failed("recorded deliveries")), 5_000);
    void intents.recover().catch(failed("recorded deliveries"));
    // Re-deliveries are recognised for a week; older ids are forgotten.
    const prune = setInterval(() => {
      try {
        inbox.store.pruneSeen();
      } catch (error) {
        failed("seen-activity pruning")(error);
      }
    }, 3600_000);
    const timers = [renewal, pollFlush, replay, prune];
    // Scheduled backups (CONSILIUM_BACKUP_DIR): one at start if the newest is older than the interval.
    if (config.backup.dir) {
      const schedule = new BackupSchedule({ paths: config, dir: config.backup.dir, keep: config.backup.keep });
      const backup = () =>
        void jobs
          .runIfLeader(BACKUP, config.backup.intervalMs, async () => log.info("Backed up to {file}", { file: await schedule.run() }))
          .catch(failed("scheduled backup"));
      const latest = schedule.latest();
      if (!latest || Date.now() - latest.at.getTime() > config.backup.intervalMs) setTimeout(backup, 5_000).unref();
      timers.push(setInterval(backup, config.backup.intervalMs));
    }
    for (const timer of timers) timer.unref();
    return { stopped: Promise.all([queueStopped, inboxStopped]), timers };
  });

  if (!serve) {
    return {
      url: "",
      services,
      queues: { outbox: queue, inbox: inbox.store },
      streaming,
      close: async () => {
        stop.abort();
        for (const timer of background.timers) clearInterval(timer);
        await Promise.race([background.stopped, new Promise((r) => setTimeout(r, config.shutdownMs))]);
        await outgoing.close().catch(() => {});
        await tracing?.shutdown();
        metrics?.close();
        await services.textInImages.close();
        intents.close();
        relay.stop();
        jobs.releaseAll();
        database.close();
      },
    };
  }
  // Requests in flight, so a graceful stop can wait for them (streams are long-lived and not counted).
  let inFlight = 0;
  let drained: (() => void) | null = null;
  const fetchHandler = async (request: Request, env: unknown) => {
    // The path starts at the first "/" after "scheme://": no URL parse on every request.
    const counted = !request.url.startsWith("/api/v1/streaming", request.url.indexOf("/", request.url.indexOf("//") + 2));
    if (counted) inFlight++;
    try {
      return await app.fetch(request, env as never);
    } finally {
      if (counted && --inFlight === 0) drained?.();
    }
  };
  const server = startServer({ fetch: fetchHandler, hostname: config.host, port: config.port });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  // Uploads a restart cut off are decoded again (by the process that serves the API).
  services.mediaProcessing.resume();
  const webSocket = attachWebSocketStreaming(server as unknown as import("node:http").Server, streaming, services, options.streaming);
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`,
    services,
    queues: { outbox: queue, inbox: inbox.store },
    streaming,
    /**
     * A graceful stop, bounded by CONSILIUM_SHUTDOWN_SECONDS: no new
     * connections; requests in flight finish (what they queue is durable);
     * then the queues stop and the deliveries in flight finish; then the
     * database closes.  What did not finish in time is still queued (or
     * unacknowledged, so the sender retries) and goes after the restart.
     */
    close: async () => {
      const deadline = Date.now() + config.shutdownMs;
      const remaining = () => Math.max(0, deadline - Date.now());
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      webSocket.close();
      if (inFlight > 0) await Promise.race([new Promise<void>((r) => (drained = r)), new Promise((r) => setTimeout(r, remaining()))]);
      // Keep-alive connections would otherwise hold the port open.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      stop.abort();
      for (const timer of background.timers) clearInterval(timer);
      await Promise.race([background.stopped, new Promise((r) => setTimeout(r, remaining()))]);
      // Handlers of requests cut off at the deadline may still be finishing.
      await new Promise((r) => setTimeout(r, 100));
      metricsServer?.close();
      await outgoing.close().catch(() => {});
      await tracing?.shutdown();
      metrics?.close();
      await services.textInImages.close();
      intents.close();
      relay.stop();
      jobs.releaseAll();
      database.close();
    },
  };
}
