import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { pageParams, queryFlag } from "../../http/pagination.ts";
import { timelineJson } from "../../render/render.ts";

/** Timelines: home, public (the network, never outside it), tag, list and direct. Mounted at /api/v1/timelines. */
export const timelines = new Hono<AppEnv>()
  // Not offered (see not-offered.ts): Mastodon's empty shapes.
  .get("/link", (c) => (requireUser(c), c.json([])))
  .get("/home", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const rows = c.get("services").timelines.home(account.id, pageParams(c));
    return timelineJson(c, rows, account.id, "home");
  })
  .get("/public", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const rows = c
      .get("services")
      .timelines.publicTimeline(
        account.id,
        { local: queryFlag(c, "local"), remote: queryFlag(c, "remote"), onlyMedia: queryFlag(c, "only_media") },
        pageParams(c),
      );
    return timelineJson(c, rows, account.id, "public");
  })
  .get("/direct", (c) => {
    const { account } = requireUser(c, "read:statuses");
    return timelineJson(c, c.get("services").timelines.direct(account.id, pageParams(c)), account.id, "thread");
  })
  .get("/tag/:hashtag", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const options = { local: queryFlag(c, "local"), remote: queryFlag(c, "remote"), onlyMedia: queryFlag(c, "only_media") };
    const rows = c.get("services").timelines.tagTimeline(account.id, c.req.param("hashtag").replace(/^#/, ""), options, pageParams(c));
    return timelineJson(c, rows, account.id, "public");
  })
  .get("/list/:id", (c) => {
    const { account } = requireUser(c, "read:lists");
    const rows = c.get("services").timelines.listTimeline(account.id, c.req.param("id"), pageParams(c));
    return timelineJson(c, rows, account.id, "home");
  });
