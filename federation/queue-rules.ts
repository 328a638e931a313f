/*
 * What a message queue of ours promises, whichever database holds it (the
 * SQLite and PostgreSQL queues share these): its tuning, the lane a message
 * belongs to, and how a message's own retry is recognised.
 */

export interface QueueOptions {
  /** How often an idle listener looks for due messages (ms). */
  readonly pollIntervalMs?: number;
  /**
   * How long a claimed message stays invisible to other listeners.  A
   * backstop only: a dead worker's leases are taken back through its
   * heartbeat (see WorkerRegistry) long before this runs out.
   */
  readonly leaseMs?: number;
  /**
   * Messages handled at once by one listener.  Each worker finishes its
   * message before taking the next, so a crash loses none, and the ordering
   * rule in the claim keeps same-key messages in order across workers.
   */
  readonly concurrency?: number;
  /** Messages of one lane (one remote origin) handled at once, across workers. */
  readonly laneLimit?: number;
}

/** The message being handled, so that its own retry can take its place. */
export interface Handling {
  readonly id: number;
  readonly messageId: unknown;
  kept: boolean;
}

/**
 * The lane of a message: the origin a delivery goes to.  Fedify's outbox
 * messages name their inbox; anything else (fan-out) has no lane.
 */
export function laneOf(message: unknown): string | null {
  if (message == null || typeof message !== "object") return null;
  const { type, inbox } = message as { type?: unknown; inbox?: unknown };
  if (type !== "outbox" || typeof inbox !== "string") return null;
  try {
    return new URL(inbox).origin;
  } catch {
    return null;
  }
}

export function messageIdOf(message: unknown): unknown {
  return message != null && typeof message === "object" ? (message as { id?: unknown }).id : undefined;
}
