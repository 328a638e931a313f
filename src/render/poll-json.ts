import type { PollRow } from "../domain/polls/service.ts";
import type { Services } from "../services.ts";

/** Mastodon's Poll entity, plus the poll's eligibility (Consilium); `row` when the caller has read it already. */
export function pollJson(statusId: string, viewerId: string, services: Services, row?: PollRow) {
  const poll = row ?? services.polls.get(statusId);
  if (!poll) return null;
  const view = services.polls.view(poll);
  const own = services.polls.ownVotes(statusId, viewerId);
  const hide = poll.hideTotals && !view.expired;
  return {
    id: statusId,
    expires_at: poll.expiresAt.toISOString(),
    expired: view.expired,
    multiple: poll.multiple,
    votes_count: view.votesCount,
    voters_count: view.votersCount,
    options: view.options.map((o) => ({ title: o.title, votes_count: hide ? null : o.votes })),
    emojis: [],
    voted: own.length > 0,
    own_votes: own,
    eligibility: {
      specialties: JSON.parse(poll.eligibleSpecialties) as string[],
      jurisdictions: JSON.parse(poll.eligibleJurisdictions) as string[],
    },
  };
}
