import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { idList, inIdList, once } from "../../db/prepared.ts";
import { pollVotes, polls } from "../../db/schema.ts";
import { newId } from "../ids.ts";

export type PollRow = typeof polls.$inferSelect;
export type PollVoteRow = typeof pollVotes.$inferSelect;

const statusId = () => eq(polls.statusId, sql.placeholder("pollId"));
const votesOf = () => eq(pollVotes.pollId, sql.placeholder("pollId"));
const voterOf = () => and(votesOf(), eq(pollVotes.accountId, sql.placeholder("accountId")));

/**
 * The polls and poll_votes tables.  Every statement is prepared once, on
 * first use: a vote or a rendered poll runs several, and the flusher reads
 * the dirty polls every second on every instance.
 */
export class PollStore {
  readonly #db: Db;

  readonly #byStatusId = once(() => this.#db.select().from(polls).where(statusId()).prepare());
  readonly #byStatusIds = once(() => this.#db.select().from(polls).where(inIdList(polls.statusId)).prepare());
  readonly #choiceCounts = once(() =>
    this.#db
      .select({ choice: pollVotes.choice, n: sql<number>`count(*)` })
      .from(pollVotes)
      .where(votesOf())
      .groupBy(pollVotes.choice)
      .prepare(),
  );
  readonly #voterCount = once(() =>
    this.#db
      .select({ n: sql<number>`count(DISTINCT ${pollVotes.accountId})` })
      .from(pollVotes)
      .where(votesOf())
      .prepare(),
  );
  readonly #voterIds = once(() => this.#db.selectDistinct({ id: pollVotes.accountId }).from(pollVotes).where(votesOf()).prepare());
  readonly #votes = once(() => this.#db.select().from(pollVotes).where(votesOf()).prepare());
  readonly #ownChoices = once(() => this.#db.select({ choice: pollVotes.choice }).from(pollVotes).where(voterOf()).prepare());
  readonly #dropVotes = once(() => this.#db.delete(pollVotes).where(voterOf()).prepare());
  readonly #addVote = once(() =>
    this.#db
      .insert(pollVotes)
      .values({
        id: sql.placeholder("id"),
        pollId: sql.placeholder("pollId"),
        accountId: sql.placeholder("accountId"),
        choice: sql.placeholder("choice"),
        uri: sql.placeholder("uri"),
        createdAt: sql.placeholder("createdAt"),
      })
      .prepare(),
  );
  readonly #markDirty = once(() => this.#db.update(polls).set({ dirty: true }).where(statusId()).prepare());
  readonly #claimUpdate = once(() =>
    this.#db
      .update(polls)
      .set({ dirty: false, updatesSent: sql`${polls.updatesSent} + 1`, lastUpdateAt: sql`${sql.placeholder("now")}` })
      .where(and(statusId(), eq(polls.dirty, true)))
      .prepare(),
  );
  readonly #close = once(() =>
    this.#db
      .update(polls)
      .set({ closed: true, dirty: true })
      .where(and(statusId(), eq(polls.closed, false)))
      .prepare(),
  );
  readonly #setOwnTally = once(() =>
    this.#db
      .update(polls)
      .set({ remoteCounts: sql`${sql.placeholder("counts")}`, remoteVotersCount: sql`${sql.placeholder("voters")}` })
      .where(statusId())
      .prepare(),
  );
  readonly #expired = once(() =>
    this.#db
      .select()
      .from(polls)
      .where(and(eq(polls.local, true), eq(polls.closed, false), sql`${polls.expiresAt} <= ${sql.placeholder("now")}`))
      .prepare(),
  );
  readonly #dirty = once(() =>
    this.#db
      .select()
      .from(polls)
      .where(and(eq(polls.local, true), eq(polls.dirty, true)))
      .prepare(),
  );

  constructor(db: Db) {
    this.#db = db;
  }

  get(pollId: string): PollRow | undefined {
    return this.#byStatusId().get({ pollId });
  }

  getMany(pollIds: readonly string[]): PollRow[] {
    return pollIds.length === 0 ? [] : this.#byStatusIds().all({ ids: idList(pollIds) });
  }

  insert(row: PollRow): void {
    this.#db.insert(polls).values(row).run();
  }

  /** Local polls past their end that are not closed yet. */
  expired(now: number): PollRow[] {
    return this.#expired().all({ now });
  }

  /** Local polls whose counts changed since the last update went out. */
  dirty(): PollRow[] {
    return this.#dirty().all();
  }

  /** Closes a poll; false if another process closed it first. */
  close(pollId: string): boolean {
    return this.#close().run({ pollId }).changes > 0;
  }

  markDirty(pollId: string): void {
    this.#markDirty().run({ pollId });
  }

  /** Takes a dirty poll's update for this process; false if another process took it first. */
  claimUpdate(pollId: string, now: number): boolean {
    return this.#claimUpdate().run({ pollId, now }).changes > 0;
  }

  choiceCounts(pollId: string): { choice: number; n: number }[] {
    return this.#choiceCounts().all({ pollId });
  }

  voterCount(pollId: string): number {
    return this.#voterCount().get({ pollId })?.n ?? 0;
  }

  voterIds(pollId: string): string[] {
    return this.#voterIds()
      .all({ pollId })
      .map((r) => r.id);
  }

  votes(pollId: string): PollVoteRow[] {
    return this.#votes().all({ pollId });
  }

  ownChoices(pollId: string, accountId: string): number[] {
    return this.#ownChoices()
      .all({ pollId, accountId })
      .map((r) => r.choice);
  }

  /** A voter's choices replace their earlier ones (call inside a transaction). */
  replaceVotes(pollId: string, accountId: string, choices: readonly number[], uri: string | null, now: Date): void {
    this.#dropVotes().run({ pollId, accountId });
    for (const choice of choices) this.#addVote().run({ id: newId(now.getTime()), pollId, accountId, choice, uri, createdAt: now });
  }

  /** A remote poll's counts as this instance shows them until the origin's next update. */
  setRemoteTally(pollId: string, counts: readonly number[], voters: number): void {
    this.#setOwnTally().run({ pollId, counts: JSON.stringify(counts), voters });
  }

  /** The origin's counts (and breakdown, when it sent one) for a remote poll. */
  setRemoteResults(
    pollId: string,
    results: { counts: readonly number[]; voters: number | null; closed: boolean; breakdown: string | null },
  ): void {
    this.#db
      .update(polls)
      .set({
        remoteCounts: JSON.stringify(results.counts),
        remoteVotersCount: results.voters,
        closed: results.closed,
        remoteBreakdown: results.breakdown,
      })
      .where(eq(polls.statusId, pollId))
      .run();
  }

  upsertRemote(
    pollId: string,
    values: { options: string; multiple: boolean; expiresAt: Date; eligibleSpecialties: string; eligibleJurisdictions: string },
  ): void {
    this.#db
      .insert(polls)
      .values({ statusId: pollId, local: false, ...values })
      .onConflictDoUpdate({ target: polls.statusId, set: values })
      .run();
  }

  transaction(work: () => void): void {
    this.#db.transaction(() => work());
  }
}
