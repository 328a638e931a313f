/**
 * The home timeline's one rule, as SQL over a status row `s` and a viewer
 * expression: the viewer's own posts, posts (and boosts) of accounts the
 * viewer follows, and network posts carrying a hashtag the viewer follows;
 * never a direct post (those are conversations).  As in Mastodon, a reply
 * shows only when it answers its own author, the viewer, or someone the
 * viewer follows (others' conversations stay out), and the members of the
 * viewer's exclusive lists are read in those lists, not at home.  Blocks,
 * mutes, held posts and per-post visibility are applied when a page is read.
 *
 * The feed is filled with it (fan-out on write, backfill on follow), pruned
 * with it (unfollow, tag unfollow), and checked against it in the tests.
 */
export function homeRule(viewer: string, s = "s"): string {
  return `(${s}.visibility != 'direct' AND (
    ${s}.account_id = ${viewer}
    OR ((EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ${viewer} AND f.following_id = ${s}.account_id AND f.state = 'accepted')
      OR (${s}.visibility IN ('public', 'unlisted') AND EXISTS (
        SELECT 1 FROM status_tags st JOIN followed_tags ft ON ft.tag = st.tag WHERE st.status_id = ${s}.id AND ft.account_id = ${viewer})))
      AND ${replyShown(viewer, s)}
      AND NOT EXISTS (SELECT 1 FROM list_accounts la JOIN lists l ON l.id = la.list_id
        WHERE l.account_id = ${viewer} AND l.exclusive = 1 AND la.account_id = ${s}.account_id))))`;
}

/** A reply belongs in a viewer's home if it answers its own author, the viewer, or an account the viewer follows. */
export function replyShown(viewer: string, s = "s"): string {
  return `(${s}.kind = 'boost' OR (${s}.in_reply_to_id IS NULL AND ${s}.in_reply_to_uri IS NULL)
    OR ${s}.in_reply_to_account_id = ${s}.account_id OR ${s}.in_reply_to_account_id = ${viewer}
    OR EXISTS (SELECT 1 FROM follows fr WHERE fr.follower_id = ${viewer} AND fr.following_id = ${s}.in_reply_to_account_id AND fr.state = 'accepted'))`;
}

/**
 * The local accounts a status may concern under the rule (its author, the
 * author's followers here, the followers of its tags): the candidates the
 * rule is then applied to, so fan-out never scans every account.
 */
export const HOME_CANDIDATES = `
  SELECT a.id AS id FROM accounts a WHERE a.id = :author
  UNION SELECT f.follower_id FROM follows f JOIN accounts a ON a.id = f.follower_id WHERE f.following_id = :author AND f.state = 'accepted'
  UNION SELECT ft.account_id FROM status_tags st JOIN followed_tags ft ON ft.tag = st.tag WHERE st.status_id = :status`;
