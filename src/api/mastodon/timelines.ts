import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { pageParams, queryFlag } from "../../http/pagination.ts";
import { timelineJson } from "../../render/render.ts";

export const timelinesRouter = new Hono<AppEnv>()
  .get("/api/v1/timelines/home", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const rows = c.get("services").timelines.home(account.id, pageParams(c));
    return timelineJson(c, rows, account.id, "home");
  })
  .get("/api/v1/timelines/public", (c) => {
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
  .get("/api/v1/timelines/tag/:hashtag", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const options = { local: queryFlag(c, "local"), remote: queryFlag(c, "remote"), onlyMedia: queryFlag(c, "only_media") };
    const rows = c.get("services").timelines.tagTimeline(account.id, c.req.param("hashtag").replace(/^#/, ""), options, pageParams(c));
    return timelineJson(c, rows, account.id, "public");
  })
  .get("/api/v1/timelines/list/:id", (c) => {
    const { account } = requireUser(c, "read:lists");
    const rows = c.get("services").timelines.listTimeline(account.id, c.req.param("id"), pageParams(c));
    return timelineJson(c, rows, account.id, "home");
  })
  .get("/api/v1/timelines/direct", (c) => {
    const { account } = requireUser(c, "read:statuses");
    return timelineJson(c, c.get("services").timelines.direct(account.id, pageParams(c)), account.id, "thread");
  })
  .get("/api/v1/bookmarks", (c) => {
    const { account } = requireUser(c, "read:bookmarks");
    return timelineJson(c, c.get("services").timelines.bookmarksOf(account.id, pageParams(c)), account.id, "home");
  })
  .get("/api/v1/favourites", (c) => {
    const { account } = requireUser(c, "read:favourites");
    return timelineJson(c, c.get("services").timelines.favouritesOf(account.id, pageParams(c)), account.id, "home");
  });
