import type { KvStore } from "@fedify/fedify";
import type { SqliteMessageQueue } from "./sqlite-queue.ts";

/** Where Fedify keeps its circuit breaker state, one key per remote host. */
export const CIRCUIT_PREFIX = ["_fedify", "circuit"] as const;

/**
 * Deliveries to a peer that was down wait in its lane (held by Fedify's
 * circuit breaker, or between retries).  As soon as the peer is known to be
 * up again, because a verified activity arrived from it or a probe went
 * through, its breaker is closed and its waiting messages are made due now,
 * so a short outage costs seconds, not the back-off of the last retry.
 */
export class PeerReachability {
  readonly #kv: KvStore;
  readonly #queue: SqliteMessageQueue;
  readonly #lastHeard = new Map<string, number>();
  readonly #minIntervalMs: number;

  constructor(kv: KvStore, queue: SqliteMessageQueue, options: { minIntervalMs?: number } = {}) {
    this.#kv = kv;
    this.#queue = queue;
    this.#minIntervalMs = options.minIntervalMs ?? 2_000;
  }

  /** A verified request came from this origin (called on every accepted inbox POST). */
  heard(origin: string, now = Date.now()): void {
    const last = this.#lastHeard.get(origin) ?? 0;
    if (now - last < this.#minIntervalMs) return;
    this.#lastHeard.set(origin, now);
    void this.#kv.delete([...CIRCUIT_PREFIX, new URL(origin).host]).catch(() => {});
    this.#queue.releaseLane(origin);
  }

  /** Fedify's breaker closed for a host (a probe was delivered). */
  closed(host: string): void {
    for (const lane of this.#queue.lanes()) {
      if (new URL(lane.origin).host === host) this.#queue.releaseLane(lane.origin);
    }
  }
}
