import { sql } from "drizzle-orm";
import { bigint, bigserial, index, pgTable, text } from "drizzle-orm/pg-core";

/*
 * The PostgreSQL backend's tables (drizzle-kit generates migrations-pg/ from
 * this file with drizzle.pg.config.ts).  So far the shared federation
 * infrastructure: Fedify's queue and key-value store, the queue workers and
 * the domain events relayed between processes, which several web nodes and
 * workers use at once.  Times
 * are epoch milliseconds, as in the SQLite schema, so that both backends'
 * adapters share their rules.
 */

/** Fedify's key-value store: a key is the JSON text of Fedify's key array. */
export const fedifyKv = pgTable(
  "fedify_kv",
  {
    key: text("key").primaryKey(),
    value: text("value").notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }),
  },
  (t) => [
    index("fedify_kv_expires")
      .on(t.expiresAt)
      .where(sql`expires_at IS NOT NULL`),
  ],
);

/** Fedify's durable message queue: rows leave only once handled. */
export const fedifyQueue = pgTable(
  "fedify_queue",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    message: text("message").notNull(),
    orderingKey: text("ordering_key"),
    availableAt: bigint("available_at", { mode: "number" }).notNull(),
    leasedUntil: bigint("leased_until", { mode: "number" }),
    /** The queue worker holding the lease (see queue_workers). */
    leasedBy: text("leased_by"),
    /** The remote origin a delivery goes to: one slow origin holds only its own lane. */
    lane: text("lane"),
    enqueuedAt: bigint("enqueued_at", { mode: "number" }),
  },
  (t) => [
    index("fedify_queue_available").on(t.availableAt, t.id),
    index("fedify_queue_ordering").on(t.orderingKey, t.id),
    index("fedify_queue_lane").on(t.lane, t.leasedUntil),
  ],
);

/** Live queue workers (one row a process), so leases of a dead one are taken back at once. */
export const queueWorkers = pgTable("queue_workers", {
  id: text("id").primaryKey(),
  host: text("host").notNull(),
  pid: bigint("pid", { mode: "number" }).notNull(),
  heartbeatAt: bigint("heartbeat_at", { mode: "number" }).notNull(),
});

/** Domain events relayed between processes (src/events/postgres-relay.ts): ids, not rows, as in the SQLite table. */
export const domainEvents = pgTable(
  "domain_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    process: text("process").notNull(),
    body: text("body").notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [index("domain_events_created").on(t.createdAt)],
);
