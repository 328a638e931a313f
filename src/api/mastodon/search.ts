import { Hono } from "hono";
import type { AccountView } from "../../domain/directory/service.ts";
import type { StatusRow } from "../../domain/statuses/types.ts";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { queryFlag } from "../../http/pagination.ts";
import { accountsJson } from "../../render/accounts-json.ts";
import { statusesJson } from "../../render/statuses-json.ts";
import { tagsJson } from "../../render/tag-json.ts";

const HANDLE = /^@?([A-Za-z0-9_]{1,30})@([A-Za-z0-9.-]+(?::\d+)?)$/;

/** Mastodon's search v2: accounts, hashtags and full-text over the cases held here. Mounted at /api/v2/search. */
export const search = new Hono<AppEnv>().get("/", async (c) => {
  const { account } = requireUser(c, "read:search");
  const services = c.get("services");
  const q = (c.req.query("q") ?? "").trim();
  if (!q) fail("bad_request", "The q parameter is required");
  const type = c.req.query("type");
  if (type && !["accounts", "hashtags", "statuses"].includes(type)) fail("bad_request", "type must be accounts, hashtags or statuses");
  const limit = Math.min(Math.max(Number(c.req.query("limit")) || 20, 1), 40);
  const offset = Math.max(Number(c.req.query("offset")) || 0, 0);
  const resolve = queryFlag(c, "resolve");
  const want = (t: string) => !type || type === t;

  let accounts: AccountView[] = [];
  let statuses: StatusRow[] = [];
  const handle = HANDLE.exec(q);
  if (handle && want("accounts")) {
    const [, username, host] = handle;
    if (host!.toLowerCase() === services.instance.host.toLowerCase()) {
      const local = services.directory.byUri(`${services.instance.origin}/users/${username}`);
      accounts = local ? [local] : [];
    } else {
      const known = services.directory.findRemoteByHandle(username!, host!);
      const found = known
        ? services.directory.remoteView(known)
        : resolve
          ? await c.get("lookup").account({ username: username!, host: host! })
          : undefined;
      accounts = found ? [found] : [];
    }
  } else if (/^https?:\/\//.test(q)) {
    const found = resolve ? await c.get("lookup").url(q) : { account: services.directory.byUri(q), status: services.store.getByUri(q) };
    if (found.account && want("accounts")) accounts = [found.account];
    if (found.status && want("statuses") && services.visibility.canSee(account.id, found.status)) statuses = [found.status];
  } else {
    // A limited account is found by its exact handle only, or by those who follow it (as Mastodon does).
    if (want("accounts"))
      accounts = services.directory
        .search(q.replace(/^@/, ""), limit + offset)
        .filter((a) => !a.silenced || a.id === account.id || services.follows.isFollowing(account.id, a.id))
        .slice(offset);
    if (want("statuses")) statuses = services.timelines.search(account.id, q, limit, offset);
  }
  const hidden = services.visibility.hiddenFrom(account.id);
  const hashtags = want("hashtags") && !handle ? services.store.tagsLike(q, limit) : [];
  // An exact handle or address always resolves, muted or blocked or not: a client finds the
  // account this way to unmute or unblock it.  A search by words leaves them out.
  const bare = q.replace(/^@/, "").toLowerCase();
  const exact = (a: AccountView) =>
    handle != null ||
    /^https?:\/\//.test(q) ||
    (a.local ? a.username.toLowerCase() === bare : `${a.username}@${a.host}`.toLowerCase() === bare);
  return c.json({
    accounts: accountsJson(
      accounts.filter((a) => exact(a) || !hidden.has(a.id)),
      services,
    ),
    statuses: statusesJson(statuses, account.id, services, { context: "public" }),
    hashtags: await tagsJson(hashtags, account.id, services),
  });
});
