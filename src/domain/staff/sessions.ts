import { createHash, randomBytes } from "node:crypto";
import { and, eq, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { staffSessions } from "../../db/schema.ts";

/** A console session lasts at most this long, and ends after this long idle. */
export const STAFF_SESSION_HOURS = 8;
export const STAFF_IDLE_MINUTES = 30;

export type StaffSessionRow = typeof staffSessions.$inferSelect;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/**
 * Console sessions, kept server-side so they can be ended: one, or all of a
 * staff member's ("sign out everywhere"), or all when the second factor is
 * reset.  The cookie carries a random token; only its hash is stored.
 */
export class StaffSessions {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  start(accountId: string, options: { secondFactor: boolean }, now = new Date()): string {
    const token = randomBytes(32).toString("base64url");
    this.#db
      .insert(staffSessions)
      .values({
        id: hashToken(token),
        accountId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + STAFF_SESSION_HOURS * 3600_000),
        secondFactorAt: options.secondFactor ? now : null,
      })
      .run();
    // Expired sessions are cleared as new ones start.
    this.#db
      .delete(staffSessions)
      .where(or(lt(staffSessions.expiresAt, now), lt(staffSessions.lastSeenAt, new Date(now.getTime() - STAFF_IDLE_MINUTES * 60_000))))
      .run();
    return token;
  }

  /** The live session for a cookie token (and marks it used), or undefined. */
  resolve(token: string | undefined, now = new Date()): StaffSessionRow | undefined {
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const row = this.#db
      .select()
      .from(staffSessions)
      .where(eq(staffSessions.id, hashToken(token)))
      .get();
    if (!row) return undefined;
    if (row.expiresAt <= now || row.lastSeenAt.getTime() + STAFF_IDLE_MINUTES * 60_000 <= now.getTime()) {
      this.#db.delete(staffSessions).where(eq(staffSessions.id, row.id)).run();
      return undefined;
    }
    this.#db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.id, row.id)).run();
    return { ...row, lastSeenAt: now };
  }

  passedSecondFactor(sessionId: string, now = new Date()): void {
    this.#db.update(staffSessions).set({ secondFactorAt: now }).where(eq(staffSessions.id, sessionId)).run();
  }

  end(sessionId: string): void {
    this.#db.delete(staffSessions).where(eq(staffSessions.id, sessionId)).run();
  }

  endAll(accountId: string): number {
    return this.#db.delete(staffSessions).where(eq(staffSessions.accountId, accountId)).run().changes;
  }

  count(accountId: string, now = new Date()): number {
    return this.#db
      .select({ id: staffSessions.id })
      .from(staffSessions)
      .where(and(eq(staffSessions.accountId, accountId), lt(staffSessions.lastSeenAt, new Date(now.getTime() + 1))))
      .all().length;
  }
}
