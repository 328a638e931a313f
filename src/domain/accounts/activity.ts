import { and, count, eq, gte, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { once } from "../../db/prepared.ts";
import { accounts } from "../../db/schema.ts";
import type { Clock } from "../clock.ts";
import type { AccountRow } from "./types.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface PhysicianUsage {
  readonly total: number;
  readonly activeMonth: number;
  readonly activeHalfyear: number;
}

/**
 * Who uses the instance: physicians (never staff) who used the API in the
 * last 30 and 180 days, as NodeInfo and the instance API report them.  The
 * last activity is written at most once an hour per account, so a busy
 * client costs no writes.
 */
export class AccountActivity {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #touch = once(() =>
    this.#db
      .update(accounts)
      .set({ lastActiveAt: sql`${sql.placeholder("at")}` })
      .where(eq(accounts.id, sql.placeholder("id")))
      .prepare(),
  );
  readonly #written = new Map<string, number>();
  #usage: { at: number; value: PhysicianUsage } | null = null;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  markActive(account: AccountRow): void {
    const now = this.#clock.now().getTime();
    const last = Math.max(this.#written.get(account.id) ?? 0, account.lastActiveAt?.getTime() ?? 0);
    if (now - last < HOUR) return;
    this.#written.set(account.id, now);
    this.#touch().run({ id: account.id, at: now });
    this.#usage = null;
  }

  /** Counted at most once a minute: NodeInfo is polled by crawlers. */
  physicians(): PhysicianUsage {
    const now = this.#clock.now().getTime();
    if (this.#usage && now - this.#usage.at < 60_000) return this.#usage.value;
    const physicians = and(eq(accounts.role, "physician"), eq(accounts.status, "approved"), isNull(accounts.deletedAt));
    const countWhere = (since?: number) =>
      this.#db
        .select({ n: count() })
        .from(accounts)
        .where(and(physicians, since ? gte(accounts.lastActiveAt, new Date(since)) : undefined))
        .get()!.n;
    const value = { total: countWhere(), activeMonth: countWhere(now - 30 * DAY), activeHalfyear: countWhere(now - 180 * DAY) };
    this.#usage = { at: now, value };
    return value;
  }
}
