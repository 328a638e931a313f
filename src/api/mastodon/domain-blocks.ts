import { Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { pageParams, paginationLinks } from "../../http/pagination.ts";

const domainSchema = z.object({ domain: z.string().min(1).max(300) });
/** * What a physician chooses for themselves: instances they hide (user-level domain blocks, never federated) and hashtags featured on their profile. Mounted at /api/v1/domain_blocks. */
export const domainBlocks = new Hono<AppEnv>()
  .get("/", (c) => {
    const { account } = requireUser(c, "read:blocks");
    const page = pageParams(c, 40, 200);
    const rows = c.get("services").domainBlocks.list(account.id, { maxId: page.maxId, limit: page.limit });
    paginationLinks(c, rows);
    return c.json(rows.map((r) => r.domain));
  })
  .post("/", async (c) => {
    const { account } = requireUser(c, "write:blocks");
    const { domain } = await parseParams(c, domainSchema);
    await c.get("services").domainBlocks.block(account.id, domain);
    return c.json({});
  })
  .delete("/", async (c) => {
    const { account } = requireUser(c, "write:blocks");
    const { domain } = await parseParams(c, domainSchema);
    c.get("services").domainBlocks.unblock(account.id, domain);
    return c.json({});
  });
