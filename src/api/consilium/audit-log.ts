import { Hono } from "hono";
import { requireStaff } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";

/** Consilium's own endpoints (specialties, register import, audit log). Mounted at /api/v1/consilium/audit_log. */
export const auditLog = new Hono<AppEnv>().get("/", (c) => {
  requireStaff(c, "admin:read", "audit");
  const entries = c.get("services").audit.list({ subjectId: c.req.query("account_id"), limit: 200 });
  return c.json(
    entries.map((e) => ({
      id: String(e.id),
      staff_id: e.staffId,
      account_id: e.subjectId,
      action: e.action,
      reason: e.reason,
      created_at: e.createdAt.toISOString(),
    })),
  );
});
