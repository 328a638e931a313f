import { Hono } from "hono";
import { z } from "zod";
import { requireStaff, requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { idParam } from "../../http/params.ts";
import { warningJson } from "../../render/report-json.ts";

const deleteSchema = z.object({
  reason: z.string().trim().min(1, "give the reason the author will read").max(2000),
  report_id: idParam.optional(),
});
const appealSchema = z.object({ text: z.string().trim().min(1).max(2000) });

/** * Consilium's moderation endpoints beside Mastodon's: staff remove a post (with the reason its author reads); physicians read the decisions about them and appeal each once; staff decide appeals. Mounted at /api/v1/consilium/admin/statuses. */
export const adminStatuses = new Hono<AppEnv>().delete("/:id{[0-9]+}", async (c) => {
  const { account } = requireStaff(c, "admin:write", "reports");
  const params = await parseParams(c, deleteSchema);
  await c.get("services").moderation.deleteStatus(account.id, c.req.param("id"), params.reason, params.report_id ?? null);
  return c.json({});
});

/** The moderation decisions about a physician, and their appeals. Mounted at /api/v1/consilium/warnings. */
export const warnings = new Hono<AppEnv>()
  .get("/", (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    return c.json(services.moderation.warnings(account.id).map((w) => warningJson(w, services)));
  })
  .post("/:id{[0-9]+}/appeal", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const params = await parseParams(c, appealSchema);
    const services = c.get("services");
    return c.json(warningJson(services.moderation.appeal(account.id, c.req.param("id"), params.text), services));
  });

/** Staff decide appeals. Mounted at /api/v1/consilium/admin/appeals. */
export const adminAppeals = new Hono<AppEnv>()
  .get("/", (c) => {
    requireStaff(c, "admin:read:accounts", "moderate");
    const services = c.get("services");
    return c.json(services.moderation.pendingAppeals().map((w) => warningJson(w, services)));
  })
  .post("/:id{[0-9]+}/:decision{approve|reject}", async (c) => {
    const { account } = requireStaff(c, "admin:write:accounts", "moderate");
    const services = c.get("services");
    return c.json(
      warningJson(await services.moderation.decideAppeal(account.id, c.req.param("id"), c.req.param("decision") === "approve"), services),
    );
  });
