import { type FailureCounts, MemoryFailureCounts } from "./failure-counts.ts";

/**
 * Fixed-window failure counter (per key), for second-factor codes.  The
 * counts live where `counts` keeps them: the database in a running instance,
 * so every process sees the same ones.
 */
export class FailureLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #counts: FailureCounts;
  readonly #scope: string;

  constructor(max: number, windowMs: number, options: { counts?: FailureCounts; scope?: string } = {}) {
    this.#max = max;
    this.#windowMs = windowMs;
    this.#counts = options.counts ?? new MemoryFailureCounts();
    this.#scope = options.scope ?? "limit";
  }

  /** Seconds until the key may try again, or 0 when it may now. */
  retryAfter(key: string, now = Date.now()): number {
    const entry = this.#counts.get(`${this.#scope}:${key}`);
    const resetAt = entry ? entry.at + this.#windowMs : 0;
    if (!entry || resetAt <= now) return 0;
    return entry.count >= this.#max ? Math.ceil((resetAt - now) / 1000) : 0;
  }

  fail(key: string, now = Date.now()): void {
    const scoped = `${this.#scope}:${key}`;
    const entry = this.#counts.get(scoped);
    if (!entry || entry.at + this.#windowMs <= now) this.#counts.put(scoped, { count: 1, at: now });
    else this.#counts.put(scoped, { count: entry.count + 1, at: entry.at });
  }

  reset(key: string): void {
    this.#counts.delete(`${this.#scope}:${key}`);
  }
}

/**
 * A brake that slows rather than locks: the first `free` failures of a key
 * cost nothing; after that each one doubles the wait before the key may try
 * again (1 s, 2 s, 4 s … up to `maxDelayMs`).  Quiet for `windowMs`, a key is
 * forgiven.  Counts kept as FailureLimiter's are.
 */
export class ProgressiveBrake {
  readonly #free: number;
  readonly #windowMs: number;
  readonly #firstDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #counts: FailureCounts;
  readonly #scope: string;

  constructor(options: {
    free: number;
    windowMs: number;
    firstDelayMs?: number;
    maxDelayMs?: number;
    counts?: FailureCounts;
    scope?: string;
  }) {
    this.#free = options.free;
    this.#windowMs = options.windowMs;
    this.#firstDelayMs = options.firstDelayMs ?? 1000;
    this.#maxDelayMs = options.maxDelayMs ?? options.windowMs;
    this.#counts = options.counts ?? new MemoryFailureCounts();
    this.#scope = options.scope ?? "brake";
  }

  /** The key's failures while it is not forgiven yet (`at`: the last one). */
  #live(key: string, now: number) {
    const entry = this.#counts.get(`${this.#scope}:${key}`);
    return entry && now - entry.at < this.#windowMs ? entry : undefined;
  }

  /** The wait (ms) after `count` failures. */
  delayAfter(count: number): number {
    if (count < this.#free) return 0;
    return Math.min(this.#firstDelayMs * 2 ** (count - this.#free), this.#maxDelayMs);
  }

  /** Seconds until the key may try again, or 0 when it may now. */
  retryAfter(key: string, now = Date.now()): number {
    const entry = this.#live(key, now);
    if (!entry) return 0;
    const until = entry.at + this.delayAfter(entry.count);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  fail(key: string, now = Date.now()): void {
    const entry = this.#live(key, now);
    this.#counts.put(`${this.#scope}:${key}`, { count: (entry?.count ?? 0) + 1, at: now });
  }

  reset(key: string): void {
    this.#counts.delete(`${this.#scope}:${key}`);
  }
}
