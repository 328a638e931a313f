import { randomUUID } from "node:crypto";
import { getLogger } from "@logtape/logtape";
import type postgres from "postgres";
import type { DomainEvent, DomainEvents } from "../domain/events.ts";
import { type EventRows, handOn, KEEP_MS, PRUNE_EVERY_MS, storedBody } from "./stored-event.ts";

const CHANNEL = "domain_events";
const log = getLogger(["consilium", "events", "relay"]);

/**
 * A sequence hands out ids before the rows commit, so two processes' events can become visible out of id order:
 * a reader looks this far back (by id) again, and remembers what it has handed on within that window.
 */
const LOOKBACK = 256;

export interface PostgresEventRelayOptions {
  /** A look at the table now and then, besides the NOTIFY wake-ups (a connection lost meanwhile misses those). */
  readonly pollMs?: number;
}

/**
 * Domain events across processes and machines on one PostgreSQL database, as
 * EventRelay does on SQLite: each event this process announces is appended to
 * `domain_events` (by id, see StoredEvent) with a NOTIFY in the same
 * statement, and every process reads what the others appended, in id order,
 * when woken (and every `pollMs` in case a wake-up was missed), handing it to
 * the listeners that hear every process.
 */
export class PostgresEventRelay {
  readonly #sql: postgres.Sql;
  readonly #events: DomainEvents;
  readonly #rows: EventRows;
  readonly #process = randomUUID();
  readonly #pollMs: number;
  /** Ids above the window's floor already handed on (or this process's own). */
  readonly #handled = new Set<number>();
  #floor = 0;
  #appends: Promise<unknown> = Promise.resolve();
  #reading: Promise<number> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #prunedAt = 0;
  #unsubscribe: (() => void) | null = null;
  #listening: { unlisten(): Promise<void> } | null = null;

  constructor(sql: postgres.Sql, events: DomainEvents, rows: EventRows, options: PostgresEventRelayOptions = {}) {
    this.#sql = sql;
    this.#events = events;
    this.#rows = rows;
    this.#pollMs = options.pollMs ?? 2_000;
  }

  /** Starts from what the table holds now: earlier events are not this process's to hear. */
  async start(): Promise<void> {
    if (this.#timer) return;
    const [row] = await this.#sql<{ max: number | null }[]>`SELECT max(id) AS max FROM domain_events`;
    this.#floor = row?.max ?? 0;
    this.#unsubscribe = this.#events.subscribe((event) => this.#record(event));
    this.#listening = await this.#sql.listen(CHANNEL, () => void this.poll());
    this.#timer = setInterval(() => void this.poll(), this.#pollMs);
    this.#timer.unref();
  }

  /** Stops reading; what this process announced before is written first. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#appends;
    await this.#reading;
    await this.#listening?.unlisten().catch(() => {});
    this.#listening = null;
  }

  /** Written in order of announcement (one statement after the other), the NOTIFY with it. */
  #record(event: DomainEvent): void {
    const body = storedBody(event);
    this.#appends = this.#appends.then(() =>
      this.#sql`WITH added AS (
          INSERT INTO domain_events (process, body, created_at) VALUES (${this.#process}, ${body}, ${Date.now()}) RETURNING id
        )
        SELECT pg_notify(${CHANNEL}, id::text) FROM added`.catch((error: unknown) =>
        log.warn("Could not relay a {type} event to other processes: {error}", { type: event.type, error }),
      ),
    );
  }

  /** Hands on what other processes announced since the last look; one read at a time, another after it if woken meanwhile. */
  poll(): Promise<number> {
    if (this.#reading) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = (async () => {
      let handed = 0;
      do {
        this.#again = false;
        handed += await this.#read();
      } while (this.#again);
      return handed;
    })().finally(() => {
      this.#reading = null;
    });
    return this.#reading;
  }

  async #read(): Promise<number> {
    let handed = 0;
    let rows: { id: number; process: string; body: string }[];
    try {
      rows = await this
        .#sql`SELECT id, process, body FROM domain_events WHERE id > ${Math.max(0, this.#floor - LOOKBACK)} ORDER BY id LIMIT 1000`;
    } catch (error) {
      // The database is away, or the pool ended (shutting down): the next wake-up or poll reads again.
      log.warn("Could not read other processes' events: {error}", { error });
      return 0;
    }
    for (const row of rows) {
      if (row.id <= this.#floor - LOOKBACK || this.#handled.has(row.id)) continue;
      this.#handled.add(row.id);
      this.#floor = Math.max(this.#floor, row.id);
      if (row.process === this.#process) continue;
      if (handOn(row.body, this.#rows, this.#events)) handed++;
    }
    for (const id of this.#handled) if (id <= this.#floor - LOOKBACK) this.#handled.delete(id);
    if (rows.length === 1000) this.#again = true;
    const now = Date.now();
    if (now - this.#prunedAt > PRUNE_EVERY_MS) {
      this.#prunedAt = now;
      await this.#sql`DELETE FROM domain_events WHERE created_at < ${now - KEEP_MS}`.catch((error: unknown) =>
        log.warn("Could not prune relayed events: {error}", { error }),
      );
    }
    return handed;
  }
}
