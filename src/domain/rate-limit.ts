/**
 * Fixed-window failure counter (per key) for login attempts.  Kept in
 * memory: a restart forgives, which is acceptable for a brute-force brake.
 */
export class FailureLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #entries = new Map<string, { count: number; resetAt: number }>();

  constructor(max: number, windowMs: number) {
    this.#max = max;
    this.#windowMs = windowMs;
  }

  /** Seconds until the key may try again, or 0 when it may now. */
  retryAfter(key: string, now = Date.now()): number {
    const entry = this.#entries.get(key);
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= this.#max ? Math.ceil((entry.resetAt - now) / 1000) : 0;
  }

  fail(key: string, now = Date.now()): void {
    const entry = this.#entries.get(key);
    if (!entry || entry.resetAt <= now) {
      this.#entries.set(key, { count: 1, resetAt: now + this.#windowMs });
      if (this.#entries.size > 10_000) this.#sweep(now);
    } else {
      entry.count++;
    }
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  #sweep(now: number): void {
    for (const [key, entry] of this.#entries) if (entry.resetAt <= now) this.#entries.delete(key);
  }
}

/**
 * A brake that slows rather than locks: the first `free` failures of a key
 * cost nothing; after that each one doubles the wait before the key may try
 * again (1 s, 2 s, 4 s … up to `maxDelayMs`).  Quiet for `windowMs`, a key is
 * forgiven.  Kept in memory, like FailureLimiter.
 */
export class ProgressiveBrake {
  readonly #free: number;
  readonly #windowMs: number;
  readonly #firstDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #entries = new Map<string, { count: number; last: number }>();

  constructor(options: { free: number; windowMs: number; firstDelayMs?: number; maxDelayMs?: number }) {
    this.#free = options.free;
    this.#windowMs = options.windowMs;
    this.#firstDelayMs = options.firstDelayMs ?? 1000;
    this.#maxDelayMs = options.maxDelayMs ?? options.windowMs;
  }

  #live(key: string, now: number) {
    const entry = this.#entries.get(key);
    if (entry && now - entry.last >= this.#windowMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
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
    const until = entry.last + this.delayAfter(entry.count);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  fail(key: string, now = Date.now()): void {
    const entry = this.#live(key, now);
    if (entry) {
      entry.count++;
      entry.last = now;
      return;
    }
    this.#entries.set(key, { count: 1, last: now });
    if (this.#entries.size > 10_000) for (const [k, e] of this.#entries) if (now - e.last >= this.#windowMs) this.#entries.delete(k);
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }
}
