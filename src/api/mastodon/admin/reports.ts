import { Hono } from "hono";
import { z } from "zod";
import { REPORT_CATEGORIES } from "../../../domain/moderation/reports.ts";
import { requireStaff } from "../../auth.ts";
import { parseParams } from "../../../http/body.ts";
import type { AppEnv } from "../../../http/env.ts";
import { paginationLinks, queryFlag } from "../../../http/pagination.ts";
import { idListParam } from "../../../http/params.ts";
import { adminReportJson } from "../../../render/report-json.ts";

const updateSchema = z.object({ category: z.enum(REPORT_CATEGORIES).optional(), rule_ids: idListParam.optional() });

/** Mastodon's reports: a physician files one; staff work them through the admin API (and the console). Mounted at /api/v1/admin/reports. */
export const adminReports = new Hono<AppEnv>()
  .get("/", (c) => {
    const { account } = requireStaff(c, "admin:read:reports", "reports");
    const services = c.get("services");
    const rows = services.reports.list({
      resolved: queryFlag(c, "resolved"),
      targetId: c.req.query("target_account_id"),
      reporterId: c.req.query("account_id"),
      maxId: c.req.query("max_id"),
      limit: Number(c.req.query("limit")) || 100,
    });
    paginationLinks(c, rows);
    return c.json(rows.map((r) => adminReportJson(r, account.id, services)));
  })
  .get("/:id{[0-9]+}", (c) => {
    const { account } = requireStaff(c, "admin:read:reports", "reports");
    const services = c.get("services");
    return c.json(adminReportJson(services.reports.require(c.req.param("id")), account.id, services));
  })
  .put("/:id{[0-9]+}", async (c) => {
    const { account } = requireStaff(c, "admin:write:reports", "reports");
    const params = await parseParams(c, updateSchema);
    const services = c.get("services");
    return c.json(
      adminReportJson(
        services.reports.categorise(account.id, c.req.param("id"), { category: params.category, ruleIds: params.rule_ids }),
        account.id,
        services,
      ),
    );
  })
  .post("/:id{[0-9]+}/:action{assign_to_self|unassign|resolve|reopen}", (c) => {
    const { account } = requireStaff(c, "admin:write:reports", "reports");
    const services = c.get("services");
    const id = c.req.param("id");
    const action = c.req.param("action");
    const report =
      action === "assign_to_self"
        ? services.reports.assign(account.id, id)
        : action === "unassign"
          ? services.reports.assign(account.id, id, null)
          : action === "resolve"
            ? services.reports.resolve(account.id, id)
            : services.reports.reopen(account.id, id);
    return c.json(adminReportJson(report, account.id, services));
  });
