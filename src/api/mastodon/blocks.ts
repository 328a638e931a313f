import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { pageParams, paginationLinks } from "../../http/pagination.ts";
import { accountsJson } from "../../render/render.ts";

/** The accounts the viewer blocks. Mounted at /api/v1/blocks. */
export const blocks = new Hono<AppEnv>().get("/", (c) => {
  const { account } = requireUser(c, "read:blocks");
  const page = pageParams(c, 40, 80);
  const rows = c.get("services").relationQueries.page("blocks", account.id, page);
  paginationLinks(c, rows);
  return c.json(
    accountsJson(
      c,
      rows.map((r) => r.targetId),
    ),
  );
});
