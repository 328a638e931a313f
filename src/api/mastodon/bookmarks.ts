import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { pageParams } from "../../http/pagination.ts";
import { timelineJson } from "../../render/render.ts";

/** The viewer's bookmarks, newest first. Mounted at /api/v1/bookmarks. */
export const bookmarks = new Hono<AppEnv>().get("/", (c) => {
  const { account } = requireUser(c, "read:bookmarks");
  return timelineJson(c, c.get("services").timelines.bookmarksOf(account.id, pageParams(c)), account.id, "home");
});
