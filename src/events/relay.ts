import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { DomainEvent, DomainEvents } from "../domain/events.ts";
import { type EventRows, handOn, KEEP_MS, PRUNE_EVERY_MS, storedBody } from "./stored-event.ts";

export type { EventRows } from "./stored-event.ts";

export interface EventRelayOptions {
  /** How often the table is looked at for other processes' events (a cheap check when nothing changed). */
  readonly pollMs?: number;
}

/**
 * Domain events across processes on one database.  Each event this process
 * announces is appended to `domain_events` (after the change it reports has
 * committed); every process reads what the others appended since it last
 * looked, in order, and hands it to the listeners that hear every process
 * (streaming, caches).  So with a separate worker, a post that arrives by
 * federation streams to clients of the web process, and a suspension made in
 * the CLI refreshes the server's caches.  Events are stored by id (see
 * StoredEvent) and read back from the rows; SQLite tells a reader cheaply
 * whether another connection wrote at all (`PRAGMA data_version`).
 */
export class EventRelay {
  readonly #events: DomainEvents;
  readonly #rows: EventRows;
  readonly #process = randomUUID();
  readonly #pollMs: number;
  readonly #append: Database.Statement<[string, string, number]>;
  readonly #newer: Database.Statement<[number, string], { id: number; body: string }>;
  readonly #prune: Database.Statement<[number]>;
  readonly #dataVersion: Database.Statement<[], number>;
  readonly #sqlite: Database.Database;
  #seen: number;
  #version: number;
  #timer: NodeJS.Timeout | null = null;
  #prunedAt = 0;
  #unsubscribe: (() => void) | null = null;

  constructor(sqlite: Database.Database, events: DomainEvents, rows: EventRows, options: EventRelayOptions = {}) {
    this.#sqlite = sqlite;
    this.#events = events;
    this.#rows = rows;
    this.#pollMs = options.pollMs ?? 50;
    this.#append = sqlite.prepare("INSERT INTO domain_events (process, body, created_at) VALUES (?, ?, ?)");
    this.#newer = sqlite.prepare("SELECT id, body FROM domain_events WHERE id > ? AND process != ? ORDER BY id LIMIT 500");
    this.#prune = sqlite.prepare("DELETE FROM domain_events WHERE created_at < ?");
    this.#dataVersion = sqlite.prepare<[], number>("PRAGMA data_version").pluck();
    this.#seen = (sqlite.prepare("SELECT coalesce(max(id), 0) FROM domain_events").pluck().get() as number) ?? 0;
    this.#version = this.#dataVersion.get()!;
  }

  /** Appends this process's events and starts reading the others'. */
  start(): void {
    if (this.#timer) return;
    this.#unsubscribe = this.#events.subscribe((event) => this.#record(event));
    this.#timer = setInterval(() => this.poll(), this.#pollMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  #record(event: DomainEvent): void {
    if (this.#sqlite.open) this.#append.run(this.#process, storedBody(event), Date.now());
  }

  /** Hands on what other processes announced since the last look; returns how many. */
  poll(now = Date.now()): number {
    if (!this.#sqlite.open) return 0;
    const version = this.#dataVersion.get()!;
    // data_version moves only when another connection has committed.
    if (version === this.#version) return 0;
    this.#version = version;
    let handed = 0;
    for (let rows = this.#newer.all(this.#seen, this.#process); rows.length > 0; rows = this.#newer.all(this.#seen, this.#process)) {
      for (const row of rows) {
        this.#seen = row.id;
        if (handOn(row.body, this.#rows, this.#events)) handed++;
      }
    }
    if (now - this.#prunedAt > PRUNE_EVERY_MS) {
      this.#prunedAt = now;
      this.#prune.run(now - KEEP_MS);
    }
    return handed;
  }
}
