import { Hono } from "hono";
import { z } from "zod";
import { REPORT_CATEGORIES } from "../../domain/moderation/reports.ts";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { flagParam, idListParam, idParam } from "../../http/params.ts";
import { reportJson } from "../../render/report-json.ts";

const reportSchema = z.object({
  account_id: idParam,
  status_ids: idListParam.optional(),
  comment: z.string().max(1000).optional(),
  category: z.enum(REPORT_CATEGORIES).optional(),
  rule_ids: idListParam.optional(),
  forward: flagParam.optional(),
});

/** Mastodon's reports: a physician files one; staff work them through the admin API (and the console). Mounted at /api/v1/reports. */
export const reports = new Hono<AppEnv>().post("/", async (c) => {
  const { account } = requireUser(c, "write:reports");
  const params = await parseParams(c, reportSchema);
  const services = c.get("services");
  const report = await services.reports.create(account.id, {
    targetId: params.account_id,
    statusIds: params.status_ids,
    comment: params.comment,
    category: params.category,
    ruleIds: params.rule_ids,
    forward: params.forward,
  });
  return c.json(reportJson(report, services));
});
