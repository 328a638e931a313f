import { Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { pageParams, queryFlag } from "../../http/pagination.ts";
import { timelineJson } from "../../render/render.ts";
import { statusJson } from "../../render/statuses-json.ts";

const solveSchema = z.object({
  accepted_reply_id: z
    .string()
    .regex(/^\d{1,20}$/, "must be an id")
    .optional()
    .nullable(),
  note: z.string().trim().max(5000).optional().nullable(),
});

/** Solved cases, case listings and response-time statistics. Mounted at /api/v1/consilium/cases. */
export const cases = new Hono<AppEnv>()
  .get("/", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    const status = c.req.query("status");
    if (status && status !== "open" && status !== "solved") fail("bad_request", "status must be open or solved");
    const rows = services.timelines.cases(
      account.id,
      {
        status: status as "open" | "solved" | undefined,
        specialty: c.req.query("specialty"),
        unanswered: queryFlag(c, "unanswered"),
        local: queryFlag(c, "local"),
      },
      pageParams(c),
    );
    return timelineJson(c, rows, account.id, "public");
  })
  .post("/:id/solve", async (c) => {
    const { account } = requireUser(c, "write:statuses");
    const params = await parseParams(c, solveSchema);
    const services = c.get("services");
    services.visibility.getVisible(account.id, c.req.param("id"));
    const status = await services.statuses.setCaseStatus(account.id, c.req.param("id"), {
      solved: true,
      acceptedReplyId: params.accepted_reply_id,
      note: params.note,
    });
    return c.json(statusJson(status, account.id, services));
  })
  .post("/:id/reopen", async (c) => {
    const { account } = requireUser(c, "write:statuses");
    const services = c.get("services");
    services.visibility.getVisible(account.id, c.req.param("id"));
    const status = await services.statuses.setCaseStatus(account.id, c.req.param("id"), { solved: false });
    return c.json(statusJson(status, account.id, services));
  });

/** Response-time statistics of cases. Mounted at /api/v1/consilium/stats. */
export const caseStats = new Hono<AppEnv>().get("/", (c) => {
  requireUser(c, "read:statuses");
  const days = Number(c.req.query("window_days") ?? 30);
  if (!Number.isFinite(days) || days <= 0 || days > 3650) fail("bad_request", "window_days must be between 1 and 3650");
  const services = c.get("services");
  const until = services.clock.now();
  const since = new Date(until.getTime() - days * 86_400_000);
  return c.json({
    window: { since: since.toISOString(), until: until.toISOString(), days },
    ...services.timelines.caseStats(since, until),
  });
});
