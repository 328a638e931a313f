import { type SQL, sql } from "drizzle-orm";
import type { Visibility } from "./types.ts";

/**
 * The closed network's one rule for who may see a status, written twice side
 * by side: a predicate over facts (for rows already in hand: a thread, a
 * stream's event, a status opened by id) and its SQL twin (for pages read
 * straight from the tables).  tests/domain/statuses/visibility-rule.test.ts
 * holds both to a plain model of random states.
 *
 * - A boost is seen only with what it boosts: the original exists, is not
 *   itself a boost, and is seen by the viewer.
 * - The author always sees their own.
 * - Otherwise nobody sees a held post (a peer's post the privacy guard held),
 *   a post by an account the viewer does not see, or a post by a peer's actor
 *   without a valid credential.
 * - Public and unlisted are seen by all; followers-only by accepted followers
 *   and the mentioned; direct by the mentioned.
 *
 * "Does not see" has two scopes: a status opened by id or URL (`open`)
 * hides only blocks, either way; every list of statuses (`feed`: timelines,
 * threads, streams, notifications, search) also hides muted accounts and the
 * instances the viewer blocked.
 */
export type VisibilityScope = "open" | "feed";

export interface RuleStatus {
  readonly id: string;
  readonly accountId: string;
  readonly visibility: Visibility;
  readonly held: boolean;
  readonly reblogOfId: string | null;
}

/** What the rule asks about one viewer, answered from wherever the caller has it. */
export interface ViewFacts {
  /** The status a boost boosts, if it is here. */
  original(id: string): RuleStatus | undefined;
  /** An approved local account, or a peer's actor (neither gone nor suspended) with a credential valid now. */
  shownAuthor(accountId: string): boolean;
  /** The viewer does not see this account, in the caller's scope. */
  hidden(accountId: string): boolean;
  /** The viewer's follow of this account is accepted. */
  follows(accountId: string): boolean;
  /** The viewer is mentioned in this status. */
  mentioned(statusId: string): boolean;
}

export function mayView(viewerId: string, status: RuleStatus, facts: ViewFacts): boolean {
  if (status.reblogOfId != null) {
    const original = facts.original(status.reblogOfId);
    if (!original || original.reblogOfId != null || !mayView(viewerId, original, facts)) return false;
  }
  if (status.accountId === viewerId) return true;
  if (status.held || facts.hidden(status.accountId) || !facts.shownAuthor(status.accountId)) return false;
  switch (status.visibility) {
    case "public":
    case "unlisted":
      return true;
    case "private":
      return facts.follows(status.accountId) || facts.mentioned(status.id);
    case "direct":
      return facts.mentioned(status.id);
  }
}

/** The accounts a viewer does not see, as SQL over an account id column (the `hidden` fact). */
export function hiddenAccountSql(viewerId: string, account: SQL, scope: VisibilityScope, now: number): SQL {
  const blocked = sql`EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = ${viewerId} AND b.target_id = ${account}) OR (b.target_id = ${viewerId} AND b.account_id = ${account}))`;
  if (scope === "open") return sql`(${blocked})`;
  return sql`(${blocked}
    OR EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = ${viewerId} AND m.target_id = ${account} AND (m.expires_at IS NULL OR m.expires_at > ${now}))
    OR EXISTS (SELECT 1 FROM remote_actors r JOIN domain_blocks d ON d.domain = r.host WHERE r.id = ${account} AND d.account_id = ${viewerId}))`;
}

/** mayView as SQL over a status row alias (`s` by default); `now` decides credentials and mutes that run out. */
export function visibleSql(viewerId: string, scope: VisibilityScope, now: number, alias = "s"): SQL {
  const own = (x: SQL) => {
    const account = sql`${x}.account_id`;
    const shown = sql`(EXISTS (SELECT 1 FROM accounts la WHERE la.id = ${account} AND la.status = 'approved')
      OR EXISTS (SELECT 1 FROM remote_actors ra WHERE ra.id = ${account} AND ra.gone = 0 AND ra.suspended = 0
        AND ra.credential_status = 'valid' AND ra.credential_expires_at > ${now}))`;
    const mentioned = sql`EXISTS (SELECT 1 FROM status_mentions sm WHERE sm.status_id = ${x}.id AND sm.account_id = ${viewerId})`;
    const followed = sql`EXISTS (SELECT 1 FROM follows vf WHERE vf.follower_id = ${viewerId} AND vf.following_id = ${account} AND vf.state = 'accepted')`;
    const audience = sql`(${x}.visibility IN ('public', 'unlisted') OR (${x}.visibility = 'private' AND (${followed} OR ${mentioned}))
      OR (${x}.visibility = 'direct' AND ${mentioned}))`;
    return sql`(${account} = ${viewerId} OR (${x}.held = 0 AND NOT ${hiddenAccountSql(viewerId, account, scope, now)} AND ${shown} AND ${audience}))`;
  };
  const s = sql.raw(alias);
  const o = sql.raw(`${alias}_original`);
  return sql`(${own(s)} AND (${s}.reblog_of_id IS NULL OR EXISTS (SELECT 1 FROM statuses ${o} WHERE ${o}.id = ${s}.reblog_of_id AND ${o}.reblog_of_id IS NULL AND ${own(o)})))`;
}
