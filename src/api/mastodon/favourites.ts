import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { pageParams } from "../../http/pagination.ts";
import { timelineJson } from "../../render/render.ts";

/** The viewer's favourites, newest first. Mounted at /api/v1/favourites. */
export const favourites = new Hono<AppEnv>().get("/", (c) => {
  const { account } = requireUser(c, "read:favourites");
  return timelineJson(c, c.get("services").timelines.favouritesOf(account.id, pageParams(c)), account.id, "home");
});
