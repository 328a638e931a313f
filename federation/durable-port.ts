import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { getLogger } from "@logtape/logtape";
import type Database from "better-sqlite3";
import type { FederationPort, InstanceActorInfo } from "../src/domain/federation-port.ts";
import type { AccountRow } from "../src/domain/accounts/types.ts";
import type { AccountView } from "../src/domain/directory/service.ts";
import type { ReportRow } from "../src/domain/moderation/reports.ts";
import type { PeerRow } from "../src/domain/peers/service.ts";
import type { BlockRow } from "../src/domain/relations/service.ts";
import type { FavouriteRow, FollowRow, StatusRow } from "../src/domain/statuses/types.ts";
import type { FederationPortWithObjects } from "../src/services.ts";
import type { MentionRef } from "../src/domain/statuses/text.ts";
import type { MentionResolver } from "../src/domain/statuses/service.ts";
import { rowsFromJson, rowsToJson } from "../src/db/row-json.ts";
import { processIsAlive } from "./queue-workers.ts";

const log = getLogger(["consilium", "federation", "intents"]);

/** The port's calls that announce a change; the two that ask a peer something and wait for its answer are not recorded. */
type Announcement = Exclude<keyof FederationPort, "resolveInstanceActor" | "peerFollow">;

export interface DurablePortOptions {
  /** How long a delivery may take before another process takes it over. */
  readonly leaseMs?: number;
  /** The wait before a failed delivery is tried again (it grows with the attempts). */
  readonly retryMs?: number;
}

/** The ports open in this process (tests run several instances, and restart them, in one). */
const liveOwners = new Set<string>();

/** About half an hour of back-off (5 s doubling, capped at 320 s). */
const MAX_ATTEMPTS = 12;

interface IntentRow {
  id: number;
  method: Announcement;
  args: string;
  owner: string;
  leasedUntil: number;
  attempts: number;
}

/**
 * Every announcement the domain makes (a post created, a follow, a vote) is
 * written to `federation_intents` before the federation layer starts on it,
 * on the same connection, so a call made inside a domain transaction commits
 * or rolls back with it; the row goes once the activity is in Fedify's
 * durable queue.  A process killed in between leaves the row, and `recover`
 * (at start and every few seconds) replays it: on this host as soon as its
 * process is gone, from elsewhere once its lease has run out.  A replay may
 * queue an activity a second time; peers drop the repeat by its id.
 */
export class DurablePort implements FederationPortWithObjects {
  #inner: FederationPortWithObjects | null = null;
  #resolveMention: MentionResolver = async () => undefined;
  // The uuid tells this life of a pid from an earlier one.
  readonly #owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  readonly #leaseMs: number;
  readonly #retryMs: number;
  readonly #insert: Database.Statement<[string, string, number, string, number]>;
  readonly #exists: Database.Statement<[number]>;
  readonly #done: Database.Statement<[number]>;
  readonly #failed: Database.Statement<[number, number]>;
  readonly #pending: Database.Statement<[], IntentRow>;
  readonly #claim: Database.Statement<[string, number, number, string, number]>;
  #recovering: Promise<number> | null = null;

  constructor(sqlite: Database.Database, options: DurablePortOptions = {}) {
    liveOwners.add(this.#owner);
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#retryMs = options.retryMs ?? 5_000;
    this.#insert = sqlite.prepare("INSERT INTO federation_intents (method, args, created_at, owner, leased_until) VALUES (?, ?, ?, ?, ?)");
    this.#exists = sqlite.prepare("SELECT 1 FROM federation_intents WHERE id = ?");
    this.#done = sqlite.prepare("DELETE FROM federation_intents WHERE id = ?");
    this.#failed = sqlite.prepare("UPDATE federation_intents SET attempts = attempts + 1, leased_until = ?, owner = '' WHERE id = ?");
    this.#pending = sqlite.prepare(
      "SELECT id, method, args, owner, leased_until AS leasedUntil, attempts FROM federation_intents ORDER BY id LIMIT 500",
    );
    this.#claim = sqlite.prepare(
      "UPDATE federation_intents SET owner = ?, leased_until = ? WHERE id = ? AND owner = ? AND leased_until = ?",
    );
  }

  /**
   * Gives the port its deliverer (Fedify, once the federation is built) and
   * the way to find mentioned accounts.  Until then, and in a process that
   * never has one, announcements are recorded for whichever process does
   * deliver (the server or the worker replays them within seconds).
   */
  attach(inner: FederationPortWithObjects, resolveMention: MentionResolver): void {
    this.#inner = inner;
    this.#resolveMention = resolveMention;
  }

  /** What delivers for this port (null until attached). */
  get deliverer(): FederationPortWithObjects | null {
    return this.#inner;
  }

  /** Finds a mentioned account on its instance; undefined in a process that cannot ask peers. */
  resolveMention(mention: MentionRef): Promise<AccountView | undefined> {
    return this.#resolveMention(mention);
  }

  #delivering(): FederationPortWithObjects {
    if (this.#inner == null) throw new Error("Federation is not available in this process");
    return this.#inner;
  }

  async #announce(method: Announcement, args: unknown[]): Promise<void> {
    const now = Date.now();
    if (this.#inner == null) {
      // Nobody here delivers: the row is anyone's at once.
      this.#insert.run(method, rowsToJson(args), now, "", now);
      return;
    }
    const id = Number(this.#insert.run(method, rowsToJson(args), now, this.#owner, now + this.#leaseMs).lastInsertRowid);
    // The caller's transaction (if any) commits before the work starts; one rolled back took the row with it.
    await Promise.resolve();
    if (!this.#exists.get(id)) return;
    await this.#deliver(id, method, args, 0);
  }

  async #deliver(id: number, method: Announcement, args: unknown[], attempts: number): Promise<void> {
    try {
      const inner = this.#delivering();
      await (inner[method] as (...a: unknown[]) => Promise<void>).apply(inner, args);
      this.#done.run(id);
    } catch (error) {
      // Nobody holds it now: the next recovery, here or elsewhere, tries again after the back-off.
      this.#failed.run(Date.now() + this.#retryMs * 2 ** Math.min(attempts, 6), id);
      throw error;
    }
  }

  /** Whether a row's delivery is nobody's any more: its lease ran out, or its process on this host is gone. */
  #abandoned(row: IntentRow, now: number): boolean {
    if (liveOwners.has(row.owner)) return false;
    if (row.leasedUntil <= now) return true;
    const [host, pid] = row.owner.split(":");
    if (host !== hostname()) return false;
    return Number(pid) === process.pid || !processIsAlive(Number(pid));
  }

  /** This process stops delivering: what it left is anyone's (on this host at once). */
  close(): void {
    liveOwners.delete(this.#owner);
  }

  /** Replays what stopped processes left and what failed before; returns how many went out. */
  recover(now = Date.now()): Promise<number> {
    this.#recovering ??= this.#recover(now).finally(() => (this.#recovering = null));
    return this.#recovering;
  }

  async #recover(now: number): Promise<number> {
    if (this.#inner == null) return 0;
    let delivered = 0;
    for (const row of this.#pending.all()) {
      if (!this.#abandoned(row, now)) continue;
      if (row.attempts >= MAX_ATTEMPTS) {
        log.error("A recorded delivery ({method}) failed {attempts} times and is given up", { method: row.method, attempts: row.attempts });
        this.#done.run(row.id);
        continue;
      }
      if (this.#claim.run(this.#owner, now + this.#leaseMs, row.id, row.owner, row.leasedUntil).changes === 0) continue;
      try {
        await this.#deliver(row.id, row.method, rowsFromJson<unknown[]>(row.args), row.attempts);
        delivered++;
      } catch (error) {
        log.warn("A recorded delivery ({method}) failed again; it is tried again later: {error}", { method: row.method, error });
      }
    }
    if (delivered > 0) log.info("Queued {delivered} recorded deliveries that an earlier attempt had not", { delivered });
    return delivered;
  }

  objectFor(status: StatusRow): unknown {
    return this.#inner?.objectFor(status) ?? null;
  }
  activityFor(status: StatusRow): unknown {
    return this.#inner?.activityFor(status) ?? null;
  }
  resolveInstanceActor(origin: string): Promise<InstanceActorInfo> {
    return this.#delivering().resolveInstanceActor(origin);
  }
  peerFollow(peer: PeerRow): Promise<string | null> {
    return this.#delivering().peerFollow(peer);
  }
  peerAccept(peer: PeerRow): Promise<void> {
    return this.#announce("peerAccept", [peer]);
  }
  peerReject(peer: PeerRow): Promise<void> {
    return this.#announce("peerReject", [peer]);
  }
  peerUndo(peer: PeerRow): Promise<void> {
    return this.#announce("peerUndo", [peer]);
  }
  statusCreated(status: StatusRow): Promise<void> {
    return this.#announce("statusCreated", [status]);
  }
  statusUpdated(status: StatusRow): Promise<void> {
    return this.#announce("statusUpdated", [status]);
  }
  statusDeleted(status: StatusRow): Promise<void> {
    return this.#announce("statusDeleted", [status]);
  }
  pollResultsChanged(status: StatusRow, voterIds: readonly string[]): Promise<void> {
    return this.#announce("pollResultsChanged", [status, voterIds]);
  }
  favourited(favourite: FavouriteRow, status: StatusRow): Promise<void> {
    return this.#announce("favourited", [favourite, status]);
  }
  unfavourited(favourite: FavouriteRow, status: StatusRow): Promise<void> {
    return this.#announce("unfavourited", [favourite, status]);
  }
  reblogged(boost: StatusRow, original: StatusRow): Promise<void> {
    return this.#announce("reblogged", [boost, original]);
  }
  unreblogged(boost: StatusRow, original: StatusRow): Promise<void> {
    return this.#announce("unreblogged", [boost, original]);
  }
  followRequested(follow: FollowRow): Promise<void> {
    return this.#announce("followRequested", [follow]);
  }
  followAccepted(follow: FollowRow): Promise<void> {
    return this.#announce("followAccepted", [follow]);
  }
  followRejected(follow: FollowRow): Promise<void> {
    return this.#announce("followRejected", [follow]);
  }
  unfollowed(follow: FollowRow): Promise<void> {
    return this.#announce("unfollowed", [follow]);
  }
  accountUpdated(account: AccountRow): Promise<void> {
    return this.#announce("accountUpdated", [account]);
  }
  pollVoted(voter: AccountView, poll: StatusRow, optionTitles: readonly string[]): Promise<void> {
    return this.#announce("pollVoted", [voter, poll, optionTitles]);
  }
  blocked(block: BlockRow): Promise<void> {
    return this.#announce("blocked", [block]);
  }
  unblocked(block: BlockRow): Promise<void> {
    return this.#announce("unblocked", [block]);
  }
  pinned(status: StatusRow): Promise<void> {
    return this.#announce("pinned", [status]);
  }
  unpinned(status: StatusRow): Promise<void> {
    return this.#announce("unpinned", [status]);
  }
  reportForwarded(report: ReportRow, target: AccountView, statuses: readonly StatusRow[]): Promise<void> {
    return this.#announce("reportForwarded", [report, target, statuses]);
  }
  accountDeleted(account: AccountRow): Promise<void> {
    return this.#announce("accountDeleted", [account]);
  }
}
