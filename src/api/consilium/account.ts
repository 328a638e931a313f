import { Hono } from "hono";
import { z } from "zod";
import { exportJson } from "../../render/export-json.ts";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";

const deleteSchema = z.object({ password: z.string().min(1, "confirm with your password").max(1024) });
/** A physician's own account: an archive of their data, and leaving. Mounted at /api/v1/consilium/account. */
export const accountData = new Hono<AppEnv>()
  .post("/export", (c) => {
    const { account } = requireUser(c, "read");
    const services = c.get("services");
    return c.json(exportJson(services.exports.request(account), services), 202);
  })
  .get("/export", (c) => {
    const { account } = requireUser(c, "read");
    const services = c.get("services");
    return c.json(exportJson(services.exports.latest(account.id), services));
  })
  /** Leaving, confirmed with the password: erased here and on every peer. */
  .post("/delete", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const params = await parseParams(c, deleteSchema);
    await c.get("services").erasure.deleteOwn(account.id, params.password);
    return c.json({});
  });
