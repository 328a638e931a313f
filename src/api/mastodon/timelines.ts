import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { pageParams, queryFlag } from "../pagination.ts";
import { timelineJson } from "./render.ts";

export const timelinesRouter = new Hono<AppEnv>()
  .get("/api/v1/timelines/home", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    const rows = services.statuses.home(account.id, pageParams(c));
    return timelineJson(c, rows, account.id);
  })
  .get("/api/v1/timelines/public", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    const rows = services.statuses.publicTimeline(
      account.id,
      { local: queryFlag(c, "local"), remote: queryFlag(c, "remote"), onlyMedia: queryFlag(c, "only_media") },
      pageParams(c),
    );
    return timelineJson(c, rows, account.id);
  })
  .get("/api/v1/timelines/tag/:hashtag", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    const rows = services.statuses.tagTimeline(account.id, c.req.param("hashtag").replace(/^#/, ""), { local: queryFlag(c, "local"), remote: queryFlag(c, "remote") }, pageParams(c));
    return timelineJson(c, rows, account.id);
  })
  .get("/api/v1/timelines/list/:id", (c) => {
    const { account } = requireUser(c, "read:lists");
    const services = c.get("services");
    const rows = services.statuses.listTimeline(account.id, c.req.param("id"), pageParams(c));
    return timelineJson(c, rows, account.id);
  })
  .get("/api/v1/bookmarks", (c) => {
    const { account } = requireUser(c, "read:bookmarks");
    const services = c.get("services");
    const rows = services.statuses.bookmarksOf(account.id, pageParams(c));
    return timelineJson(c, rows, account.id);
  })
  .get("/api/v1/favourites", (c) => {
    const { account } = requireUser(c, "read:favourites");
    const services = c.get("services");
    const rows = services.statuses.favouritesOf(account.id, pageParams(c));
    return timelineJson(c, rows, account.id);
  });
