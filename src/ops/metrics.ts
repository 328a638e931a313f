import { createHash, timingSafeEqual } from "node:crypto";
import { statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { observe } from "../domain/observations.ts";
import type { Services } from "../services.ts";

/**
 * A route label without ids or handles, so the number of series stays bounded:
 * Hono's pattern when a route matched, else the path with its variable parts
 * replaced (Fedify's actor, object and inbox paths), and one label for 404s.
 */
export function routeLabel(pattern: string | undefined, path: string, status: number): string {
  if (pattern && pattern !== "*" && pattern !== "/*") return pattern;
  if (status === 404) return "unmatched";
  return path
    .replace(/^\/users\/[^/]+/, "/users/:handle")
    .replace(/\/\d+(?=\/|$)/g, "/:id")
    .replace(/^\/tags\/[^/]+/, "/tags/:name");
}

function outcomeOf(status: number | null, error?: string): string {
  if (status == null) return error ?? "error";
  return `${Math.floor(status / 100)}xx`;
}

/**
 * The instance's Prometheus metrics, in a registry of its own.  Request
 * metrics come from a Hono middleware; everything else is read when scraped
 * (queues, streams, SQLite) or counted from what the domain and the
 * federation layer announce, never by reaching into routers.
 */
export class InstanceMetrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({
    name: "consilium_http_requests_total",
    help: "HTTP requests by method, route and status",
    labelNames: ["method", "route", "status"],
    registers: [this.registry],
  });
  readonly #latency = new Histogram({
    name: "consilium_http_request_duration_seconds",
    help: "HTTP request latency by method and route",
    labelNames: ["method", "route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly #outgoing = new Counter({
    name: "consilium_outgoing_requests_total",
    help: "Requests to other hosts by method, peer host and outcome (deliveries are method POST)",
    labelNames: ["method", "peer", "outcome"],
    registers: [this.registry],
  });
  readonly #inbox = new Counter({
    name: "consilium_inbox_activities_total",
    help: "Accepted activities applied by type and outcome",
    labelNames: ["type", "outcome"],
    registers: [this.registry],
  });
  readonly #credentials = new Counter({
    name: "consilium_credential_checks_total",
    help: "Peer physicians' credential checks by outcome",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  readonly #phi = new Counter({
    name: "consilium_phi_refusals_total",
    help: "Texts refused by the privacy guard, by identifier type found",
    labelNames: ["identifier"],
    registers: [this.registry],
  });
  readonly #background = new Counter({
    name: "consilium_background_errors_total",
    help: "Failures of background work (queues, renewal, poll flushing, pruning, backups) by loop",
    labelNames: ["loop"],
    registers: [this.registry],
  });
  readonly #unobserve: () => void;

  constructor(services: Services, live: { streams: () => number }) {
    collectDefaultMetrics({ register: this.registry, prefix: "consilium_" });
    const sqlite = services.database.sqlite;
    new Gauge({
      name: "consilium_queue_depth",
      help: "Messages waiting per queue (outbox: deliveries; inbox: accepted activities not yet applied)",
      labelNames: ["queue"],
      registers: [this.registry],
      collect() {
        const lanes = services.queueStatus.lanes();
        this.set(
          { queue: "outbox" },
          lanes.reduce((n, l) => n + l.queued, 0),
        );
        this.set({ queue: "inbox" }, services.queueStatus.inbox().queued);
      },
    });
    new Gauge({
      name: "consilium_queue_oldest_seconds",
      help: "Age of the oldest waiting message per queue",
      labelNames: ["queue"],
      registers: [this.registry],
      collect() {
        const lanes = services.queueStatus.lanes();
        this.set({ queue: "outbox" }, Math.max(0, ...lanes.map((l) => l.oldestMs)) / 1000);
        this.set({ queue: "inbox" }, services.queueStatus.inbox().oldestMs / 1000);
      },
    });
    new Gauge({
      name: "consilium_streams_active",
      help: "Open streaming connections (WebSocket and server-sent events)",
      registers: [this.registry],
      collect() {
        this.set(live.streams());
      },
    });
    new Gauge({
      name: "consilium_sqlite_bytes",
      help: "SQLite: the database file, its write-ahead log, free pages, and the page cache allowed per connection",
      labelNames: ["part"],
      registers: [this.registry],
      collect() {
        const pageSize = sqlite.pragma("page_size", { simple: true }) as number;
        const pages = sqlite.pragma("page_count", { simple: true }) as number;
        const free = sqlite.pragma("freelist_count", { simple: true }) as number;
        const cache = sqlite.pragma("cache_size", { simple: true }) as number;
        let wal = 0;
        try {
          wal = statSync(`${sqlite.name}-wal`).size;
        } catch {
          // no log yet
        }
        this.set({ part: "database" }, pages * pageSize);
        this.set({ part: "wal" }, wal);
        this.set({ part: "free" }, free * pageSize);
        // cache_size is pages when positive, KiB when negative.
        this.set({ part: "page_cache" }, cache < 0 ? -cache * 1024 : cache * pageSize);
      },
    });
    this.#unobserve = observe((o) => {
      if (o.type === "phi.refused") for (const identifier of o.identifierTypes) this.#phi.inc({ identifier });
      else if (o.type === "credential.checked") this.#credentials.inc({ outcome: o.valid ? "valid" : "invalid" });
    });
  }

  requestMiddleware(): MiddlewareHandler {
    return async (c, next) => {
      const started = performance.now();
      try {
        await next();
      } finally {
        const status = c.res?.status ?? 500;
        const route = routeLabel(routePath(c, -1), c.req.path, status);
        this.#requests.inc({ method: c.req.method, route, status: String(status) });
        this.#latency.observe({ method: c.req.method, route }, (performance.now() - started) / 1000);
      }
    };
  }

  outgoing(result: { method: string; host: string; status: number | null; error?: string }): void {
    this.#outgoing.inc({ method: result.method, peer: result.host, outcome: outcomeOf(result.status, result.error) });
  }

  backgroundError(loop: string): void {
    this.#background.inc({ loop });
  }

  inboxActivity(type: string, outcome: "applied" | "failed"): void {
    this.#inbox.inc({ type, outcome });
  }

  close(): void {
    this.#unobserve();
    this.registry.clear();
  }
}

/** GET /metrics behind `Authorization: Bearer <CONSILIUM_METRICS_TOKEN>`; without a token configured it does not exist. */
export function metricsRoute(metrics: InstanceMetrics, token: string | null): MiddlewareHandler {
  const expected = token ? createHash("sha256").update(token).digest() : null;
  return async (c) => {
    if (!expected) return c.json({ error: "Record not found" }, 404);
    const given = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!timingSafeEqual(createHash("sha256").update(given).digest(), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      return c.json({ error: "The metrics token is missing or wrong" }, 401);
    }
    c.header("Content-Type", metrics.registry.contentType);
    c.header("Cache-Control", "no-store");
    return c.body(await metrics.registry.metrics());
  };
}

/** The metrics on a port of their own (loopback by default), for a scraper on the host or a private network. */
export async function serveMetrics(metrics: InstanceMetrics, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "/").split("?")[0] !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { "Content-Type": metrics.registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return server;
}
