import type { PeerRow } from "./peers/service.ts";
import type { FollowRow, StatusRow, FavouriteRow } from "./statuses/types.ts";
import type { AccountRow } from "./accounts/types.ts";
import type { AccountView } from "./directory/service.ts";
import type { BlockRow } from "./relations/service.ts";
import type { ReportRow } from "./moderation/reports.ts";

/** What a peer's instance actor looks like, as far as peering needs. */
export interface InstanceActorInfo {
  readonly actorUri: string;
  readonly followersUrl: string | null;
  readonly inboxUrl: string;
  readonly sharedInboxUrl: string | null;
}

/**
 * The domain announces what happened; `federation/` turns each event into
 * activities and queues them (durably).  The domain never sees Fedify.
 */
export interface FederationPort {
  resolveInstanceActor(origin: string): Promise<InstanceActorInfo>;
  /** Sends a new Follow to the peer's instance actor; returns its id (for the Undo), or null if nothing was sent. */
  peerFollow(peer: PeerRow): Promise<string | null>;
  peerAccept(peer: PeerRow): Promise<void>;
  peerReject(peer: PeerRow): Promise<void>;
  peerUndo(peer: PeerRow): Promise<void>;
  statusCreated(status: StatusRow): Promise<void>;
  statusUpdated(status: StatusRow): Promise<void>;
  statusDeleted(status: StatusRow): Promise<void>;
  /** A local poll's counts changed (or it closed): Update(Question) to its audience and every voter. */
  pollResultsChanged(status: StatusRow, voterIds: readonly string[]): Promise<void>;
  favourited(favourite: FavouriteRow, status: StatusRow): Promise<void>;
  unfavourited(favourite: FavouriteRow, status: StatusRow): Promise<void>;
  reblogged(boost: StatusRow, original: StatusRow): Promise<void>;
  unreblogged(boost: StatusRow, original: StatusRow): Promise<void>;
  followRequested(follow: FollowRow): Promise<void>;
  followAccepted(follow: FollowRow): Promise<void>;
  followRejected(follow: FollowRow): Promise<void>;
  unfollowed(follow: FollowRow): Promise<void>;
  accountUpdated(account: AccountRow): Promise<void>;
  /** A local physician's vote on a peer's poll: sent to the poll's author only. */
  pollVoted(voter: AccountView, poll: StatusRow, optionTitles: readonly string[]): Promise<void>;
  /** A local physician blocked (or unblocked) a peer's physician: sent to that physician only. */
  blocked(block: BlockRow): Promise<void>;
  unblocked(block: BlockRow): Promise<void>;
  /** A post pinned to (or taken off) its author's profile: the actor's `featured` collection. */
  pinned(status: StatusRow): Promise<void>;
  unpinned(status: StatusRow): Promise<void>;
  /** A report about a peer's physician, forwarded as a Flag from the instance actor (never the reporter). */
  reportForwarded(report: ReportRow, target: AccountView, statuses: readonly StatusRow[]): Promise<void>;
  /** A physician left or was erased: Delete(Person) from the instance actor to every peer. */
  accountDeleted(account: AccountRow): Promise<void>;
}

/** A port that sends nothing, for unit tests of one service (the running code announces through federation/durable-port.ts). */
export class OfflinePort implements FederationPort {
  async resolveInstanceActor(): Promise<InstanceActorInfo> {
    throw new Error("Federation is not available in this process");
  }
  async peerFollow() {
    return null;
  }
  async peerAccept() {}
  async peerReject() {}
  async peerUndo() {}
  async pollResultsChanged() {}
  async statusCreated() {}
  async statusUpdated() {}
  async statusDeleted() {}
  async favourited() {}
  async unfavourited() {}
  async reblogged() {}
  async unreblogged() {}
  async followRequested() {}
  async followAccepted() {}
  async followRejected() {}
  async unfollowed() {}
  async accountUpdated() {}
  async pollVoted() {}
  async blocked() {}
  async unblocked() {}
  async reportForwarded() {}
  async accountDeleted() {}
  async pinned() {}
  async unpinned() {}
}
