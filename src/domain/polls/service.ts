import { z } from "zod";
import type { Db } from "../../db/client.ts";
import type { Clock } from "../clock.ts";
import type { AccountView, Directory } from "../directory/service.ts";
import { DomainError } from "../errors.ts";
import type { FederationPort } from "../federation-port.ts";
import type { NotificationService } from "../notifications/service.ts";
import { findSpecialty, specialtyFromNucc } from "../specialties.ts";
import type { StatusStore } from "../statuses/store.ts";
import type { StatusRow } from "../statuses/types.ts";
import { type PollRow, PollStore } from "./store.ts";

export type { PollRow } from "./store.ts";
export const POLL_MEDIA_TYPE = "application/vnd.consilium.poll+json";
/** k-anonymity: a breakdown cell with fewer voters than this is suppressed. */
export const BREAKDOWN_K = 5;
/** Counts go out at most this often per poll, however fast votes arrive. */
export const UPDATE_INTERVAL_MS = 1000;

export const pollInputSchema = z.object({
  options: z
    .array(z.string().trim().min(1, "can't be blank").max(200))
    .min(2, "needs at least 2 options")
    .max(10, "allows at most 10 options"),
  expires_in: z.coerce.number().int().min(300, "must be at least 300 seconds").max(2_629_746, "must be at most a month"),
  multiple: z.unknown().optional(),
  hide_totals: z.unknown().optional(),
  eligible_specialties: z
    .array(z.string())
    .max(20)
    .optional()
    .default([])
    .refine((c) => c.every((x) => findSpecialty(x)), "must be known specialty codes"),
  eligible_jurisdictions: z
    .array(z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, "must be ISO 3166 codes"))
    .max(50)
    .optional()
    .default([]),
});

export interface PollInput {
  readonly options: readonly string[];
  readonly expiresInSeconds: number;
  readonly multiple: boolean;
  readonly hideTotals: boolean;
  readonly eligibleSpecialties: readonly string[];
  readonly eligibleJurisdictions: readonly string[];
}

/** What the origin publishes in `source` (poll+json): eligibility and its breakdown. */
export interface PollSourceRecord {
  eligible_specialties: string[];
  eligible_jurisdictions: string[];
  breakdown: Breakdown | null;
}

export interface BreakdownRow {
  readonly key: string;
  readonly label: string;
  readonly voters: number | null;
  readonly options: (number | null)[] | null;
  readonly suppressed: boolean;
}

export interface Breakdown {
  readonly k: number;
  readonly by_specialty: BreakdownRow[];
  readonly by_jurisdiction: BreakdownRow[];
}

export interface PollView {
  readonly poll: PollRow;
  readonly options: { title: string; votes: number }[];
  readonly votersCount: number;
  readonly votesCount: number;
  readonly expired: boolean;
}

/** The voter's standing, from the local account or the checked credential. */
interface VoterProfile {
  readonly verified: boolean;
  readonly specialty: string | null;
  readonly jurisdiction: string | null;
}

function jurisdictionMatches(allowed: readonly string[], jurisdiction: string | null): boolean {
  if (allowed.length === 0) return true;
  if (!jurisdiction) return false;
  return allowed.some((a) => jurisdiction === a || jurisdiction.startsWith(`${a}-`));
}

/**
 * Polls of verified physicians (FEP-9967).  The origin alone counts votes:
 * it checks each voter's eligibility, counts a voter once, and publishes the
 * totals in coalesced Update(Question)s and a final one at closing.
 */
export class PollService {
  readonly #store: PollStore;
  readonly #statuses: Pick<StatusStore, "get">;
  readonly #directory: Directory;
  readonly #notifications: NotificationService;
  readonly #clock: Clock;
  readonly #port: FederationPort;

  constructor(deps: {
    db: Db;
    statuses: Pick<StatusStore, "get">;
    directory: Directory;
    notifications: NotificationService;
    clock: Clock;
    port: FederationPort;
  }) {
    this.#store = new PollStore(deps.db);
    this.#statuses = deps.statuses;
    this.#directory = deps.directory;
    this.#notifications = deps.notifications;
    this.#clock = deps.clock;
    this.#port = deps.port;
  }

  static parseInput(raw: z.input<typeof pollInputSchema>, truthy: (v: unknown) => boolean | undefined): PollInput {
    const p = pollInputSchema.parse(raw);
    if (new Set(p.options.map((o) => o.toLowerCase())).size !== p.options.length) {
      throw new DomainError("unprocessable", "Validation failed: poll options must be different");
    }
    return {
      options: p.options,
      expiresInSeconds: p.expires_in,
      multiple: truthy(p.multiple) ?? false,
      hideTotals: truthy(p.hide_totals) ?? false,
      eligibleSpecialties: p.eligible_specialties,
      eligibleJurisdictions: p.eligible_jurisdictions,
    };
  }

  /** A new local status's poll (call inside the status's transaction); it ends by the poll clock. */
  insertLocal(statusId: string, input: PollInput): void {
    this.#store.insert(this.#localRow(statusId, input));
  }

  #localRow(statusId: string, input: PollInput): PollRow {
    const now = this.#clock.now();
    return {
      statusId,
      local: true,
      options: JSON.stringify(input.options),
      multiple: input.multiple,
      hideTotals: input.hideTotals,
      expiresAt: new Date(now.getTime() + input.expiresInSeconds * 1000),
      closed: false,
      eligibleSpecialties: JSON.stringify(input.eligibleSpecialties),
      eligibleJurisdictions: JSON.stringify(input.eligibleJurisdictions),
      remoteCounts: null,
      remoteVotersCount: null,
      remoteBreakdown: null,
      dirty: false,
      updatesSent: 0,
      lastUpdateAt: 0,
    };
  }

  get(statusId: string): PollRow | undefined {
    return this.#store.get(statusId);
  }

  getMany(statusIds: readonly string[]): Map<string, PollRow> {
    return new Map(this.#store.getMany(statusIds).map((p) => [p.statusId, p]));
  }

  view(poll: PollRow): PollView {
    const titles = JSON.parse(poll.options) as string[];
    const expired = poll.closed || poll.expiresAt.getTime() <= this.#clock.now().getTime();
    if (!poll.local) {
      const counts = poll.remoteCounts ? (JSON.parse(poll.remoteCounts) as number[]) : titles.map(() => 0);
      return {
        poll,
        options: titles.map((title, i) => ({ title, votes: counts[i] ?? 0 })),
        votersCount: poll.remoteVotersCount ?? 0,
        votesCount: counts.reduce((a, b) => a + b, 0),
        expired,
      };
    }
    const rows = this.#store.choiceCounts(poll.statusId);
    const voters = this.#store.voterCount(poll.statusId);
    const options = titles.map((title, i) => ({ title, votes: rows.find((r) => r.choice === i)?.n ?? 0 }));
    return { poll, options, votersCount: voters, votesCount: options.reduce((a, o) => a + o.votes, 0), expired };
  }

  /** Everyone who voted (FEP-9967: the new results go to each of them). */
  voterIds(statusId: string): string[] {
    return this.#store.voterIds(statusId);
  }

  ownVotes(statusId: string, accountId: string): number[] {
    return this.#store.ownChoices(statusId, accountId);
  }

  #profile(voter: AccountView): VoterProfile {
    if (voter.local) {
      const a = voter.localAccount!;
      return { verified: voter.verified, specialty: a.specialty, jurisdiction: a.jurisdiction };
    }
    const claims = voter.remote?.credentialClaims
      ? (JSON.parse(voter.remote.credentialClaims) as { specialty?: { code?: string; consilium?: string }; jurisdiction?: string })
      : null;
    const code =
      claims?.specialty?.consilium && findSpecialty(claims.specialty.consilium)
        ? claims.specialty.consilium
        : (specialtyFromNucc(claims?.specialty?.code ?? "")?.code ?? null);
    return { verified: voter.verified, specialty: code, jurisdiction: claims?.jurisdiction ?? null };
  }

  /** Why this voter may not vote in this poll, or null if they may. */
  ineligibility(poll: PollRow, voter: AccountView): string | null {
    const profile = this.#profile(voter);
    if (!profile.verified) return "Only verified physicians can vote: no valid credential";
    const specialties = JSON.parse(poll.eligibleSpecialties) as string[];
    if (specialties.length > 0 && (!profile.specialty || !specialties.includes(profile.specialty))) {
      return `This poll is open to ${specialties.map((s) => findSpecialty(s)?.label ?? s).join(", ")} only`;
    }
    const jurisdictions = JSON.parse(poll.eligibleJurisdictions) as string[];
    if (!jurisdictionMatches(jurisdictions, profile.jurisdiction))
      return `This poll is open to physicians licensed in ${jurisdictions.join(", ")} only`;
    return null;
  }

  #choices(poll: PollRow, choices: readonly number[]): number[] {
    const count = (JSON.parse(poll.options) as string[]).length;
    const unique = [...new Set(choices)];
    if (unique.length === 0 || unique.some((c) => !Number.isInteger(c) || c < 0 || c >= count)) {
      throw new DomainError("unprocessable", "Validation failed: choices must name options of this poll");
    }
    if (!poll.multiple && unique.length > 1) throw new DomainError("unprocessable", "Validation failed: this poll allows one choice only");
    return unique;
  }

  /** Replaces a voter's choices: a voter counts once, a re-vote replaces the earlier one. */
  #record(pollId: string, voterId: string, choices: readonly number[], uri: string | null, now: Date): void {
    this.#store.transaction(() => {
      this.#store.replaceVotes(pollId, voterId, choices, uri, now);
      this.#store.markDirty(pollId);
    });
  }

  /** A local physician votes (on a local poll, or a peer's: then the vote goes to its origin). */
  async vote(voterId: string, status: StatusRow, choices: readonly number[]): Promise<PollRow> {
    const poll = this.get(status.id);
    if (!poll) throw new DomainError("not_found", "Record not found");
    const voter = this.#directory.get(voterId)!;
    const now = this.#clock.now();
    if (poll.closed || poll.expiresAt.getTime() <= now.getTime())
      throw new DomainError("unprocessable", "Validation failed: the poll has already ended");
    const reason = this.ineligibility(poll, voter);
    if (reason) throw new DomainError("unprocessable", `Validation failed: ${reason}`);
    const picked = this.#choices(poll, choices);
    if (poll.local) {
      this.#record(poll.statusId, voterId, picked, null, now);
    } else {
      const previous = this.ownVotes(poll.statusId, voterId);
      this.#store.transaction(() => {
        this.#store.replaceVotes(poll.statusId, voterId, picked, null, now);
        // The voter sees their vote in the counts at once, as Mastodon shows it; the origin's next
        // results Update replaces these figures with its own (which count the vote).
        const counts = poll.remoteCounts
          ? (JSON.parse(poll.remoteCounts) as number[])
          : (JSON.parse(poll.options) as string[]).map(() => 0);
        for (const choice of previous) counts[choice] = Math.max(0, (counts[choice] ?? 0) - 1);
        for (const choice of picked) counts[choice] = (counts[choice] ?? 0) + 1;
        const voters = (poll.remoteVotersCount ?? 0) + (previous.length === 0 ? 1 : 0);
        this.#store.setRemoteTally(poll.statusId, counts, voters);
      });
      const titles = JSON.parse(poll.options) as string[];
      await this.#port.pollVoted(
        voter,
        status,
        picked.map((c) => titles[c]!),
      );
    }
    return this.get(status.id)!;
  }

  /** A vote from a peer's physician, at the origin. Ineligible and late votes are dropped. */
  receiveVote(voter: AccountView, status: StatusRow, optionTitle: string, uri: string): boolean {
    const poll = this.get(status.id);
    if (!poll?.local) return false;
    const now = this.#clock.now();
    if (poll.closed || poll.expiresAt.getTime() <= now.getTime()) return false;
    if (this.ineligibility(poll, voter)) return false;
    const index = (JSON.parse(poll.options) as string[]).indexOf(optionTitle);
    if (index < 0) return false;
    const previous = this.ownVotes(poll.statusId, voter.id);
    if (previous.includes(index)) return true;
    const choices = poll.multiple ? [...previous, index] : [index];
    this.#record(poll.statusId, voter.id, choices, uri, now);
    return true;
  }

  /** The origin's counts and breakdown, as received in an Update(Question). */
  receiveCounts(statusId: string, counts: readonly number[], voters: number | null, closed: boolean, breakdown: Breakdown | null): void {
    const poll = this.get(statusId);
    if (!poll || poll.local) return;
    const closing = closed && !poll.closed;
    this.#store.setRemoteResults(statusId, {
      counts,
      voters,
      closed,
      breakdown: breakdown ? JSON.stringify(breakdown) : poll.remoteBreakdown,
    });
    if (closing) this.#notifyClosed(statusId);
  }

  upsertRemote(
    statusId: string,
    input: {
      options: string[];
      multiple: boolean;
      expiresAt: Date;
      closed: boolean;
      eligibleSpecialties: string[];
      eligibleJurisdictions: string[];
      counts: number[];
      voters: number | null;
      breakdown: Breakdown | null;
    },
  ): void {
    const values = {
      options: JSON.stringify(input.options),
      multiple: input.multiple,
      expiresAt: input.expiresAt,
      eligibleSpecialties: JSON.stringify(input.eligibleSpecialties),
      eligibleJurisdictions: JSON.stringify(input.eligibleJurisdictions),
    };
    this.#store.upsertRemote(statusId, values);
    this.receiveCounts(statusId, input.counts, input.voters, input.closed, input.breakdown);
  }

  #notifyClosed(statusId: string): void {
    const status = this.#statuses.get(statusId);
    if (!status) return;
    for (const voterId of this.#store.voterIds(statusId)) this.#notifications.notify(voterId, "poll", status.accountId, statusId);
    const author = this.#directory.get(status.accountId);
    if (author?.local) this.#notifications.notify(status.accountId, "poll", `${status.accountId}`, statusId);
  }

  /**
   * The scheduled work: close expired local polls (final update, notifications)
   * and send one Update(Question) for each poll whose counts changed, at most
   * once per UPDATE_INTERVAL_MS.  Returns how many updates were queued.
   */
  async flush(): Promise<number> {
    const now = this.#clock.now().getTime();
    let sent = 0;
    // Every process may flush: the database decides which one closes a poll and sends an update.
    for (const poll of this.#store.expired(now)) {
      if (this.#store.close(poll.statusId)) this.#notifyClosed(poll.statusId);
    }
    for (const poll of this.#store.dirty()) {
      if (!poll.closed && Date.now() - poll.lastUpdateAt < UPDATE_INTERVAL_MS) continue;
      const status = this.#statuses.get(poll.statusId);
      if (!status) continue;
      if (!this.#store.claimUpdate(poll.statusId, Date.now())) continue;
      await this.#port.pollResultsChanged(status, this.voterIds(poll.statusId));
      sent++;
    }
    return sent;
  }

  /**
   * Counts by specialty and by jurisdiction, computed at the origin only.
   * Any row with fewer than k voters, and any cell with fewer than k votes,
   * is suppressed.
   */
  breakdown(poll: PollRow): Breakdown | null {
    if (!poll.local) return poll.remoteBreakdown ? (JSON.parse(poll.remoteBreakdown) as Breakdown) : null;
    const titles = JSON.parse(poll.options) as string[];
    const votes = this.#store.votes(poll.statusId);
    const voters = this.#directory.getMany(votes.map((v) => v.accountId));
    const group = (keyOf: (p: VoterProfile) => string | null, labelOf: (key: string) => string): BreakdownRow[] => {
      const rows = new Map<string, { voters: Set<string>; options: number[] }>();
      for (const vote of votes) {
        const voter = voters.get(vote.accountId);
        const key = voter ? keyOf(this.#profile(voter)) : null;
        if (!key) continue;
        const row = rows.get(key) ?? { voters: new Set(), options: titles.map(() => 0) };
        row.voters.add(vote.accountId);
        row.options[vote.choice] = (row.options[vote.choice] ?? 0) + 1;
        rows.set(key, row);
      }
      return [...rows.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, row]) => {
          const suppressed = row.voters.size < BREAKDOWN_K;
          return {
            key,
            label: labelOf(key),
            voters: suppressed ? null : row.voters.size,
            options: suppressed ? null : row.options.map((n) => (n < BREAKDOWN_K ? null : n)),
            suppressed,
          };
        });
    };
    return {
      k: BREAKDOWN_K,
      by_specialty: group(
        (p) => p.specialty,
        (k) => findSpecialty(k)?.label ?? k,
      ),
      by_jurisdiction: group(
        (p) => p.jurisdiction,
        (k) => k,
      ),
    };
  }
}
