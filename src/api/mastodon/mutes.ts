import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { pageParams, paginationLinks } from "../../http/pagination.ts";
import { accountsJson } from "../../render/render.ts";

/** The accounts the viewer mutes. Mounted at /api/v1/mutes. */
export const mutes = new Hono<AppEnv>().get("/", (c) => {
  const { account } = requireUser(c, "read:mutes");
  const page = pageParams(c, 40, 80);
  const rows = c.get("services").relationQueries.page("mutes", account.id, page);
  paginationLinks(c, rows);
  return c.json(
    accountsJson(
      c,
      rows.map((r) => r.targetId),
    ),
  );
});
