import { Hono } from "hono";
import { z } from "zod";
import type { AccountStatus } from "../../../domain/accounts/types.ts";
import { requireStaff } from "../../auth.ts";
import { parseParams } from "../../../http/body.ts";
import type { AppEnv } from "../../../http/env.ts";
import { fail } from "../../../http/errors.ts";
import { paginationLinks, queryFlag } from "../../../http/pagination.ts";
import { adminAccountJson } from "../../../render/accounts-json.ts";
import { anyAdminAccountJson } from "../../../render/report-json.ts";
import { ACCOUNT_ACTIONS, type UndoAction } from "../../../domain/moderation/actions.ts";
import { idParam } from "../../../http/params.ts";

const noteSchema = z.object({ text: z.string().max(1000).optional(), reason: z.string().max(1000).optional() });
const actionSchema = z.object({
  type: z.enum(ACCOUNT_ACTIONS),
  text: z.string().max(2000).optional(),
  report_id: idParam.optional(),
  warning_preset_id: z.unknown().optional(),
  send_email_notification: z.unknown().optional(),
});
const eraseSchema = z.object({ reason: z.string().trim().min(1).max(1000).optional() });

const licenceSchema = z.object({ expires_at: z.iso.date().or(z.iso.datetime()).nullable().optional() });

const V1_FILTERS: Record<string, AccountStatus> = { pending: "pending", active: "approved", suspended: "suspended", disabled: "suspended" };
const V2_STATUS: Record<string, AccountStatus> = { pending: "pending", active: "approved", suspended: "suspended", disabled: "suspended" };

function limitParam(value: string | undefined): number {
  const n = Number(value ?? 100);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 200) : 100;
}

/** Mastodon's admin account API, for verifiers reviewing applications. Mounted at /api/v1/admin/accounts. */
export const adminAccountsV1 = new Hono<AppEnv>()
  .get("/", (c) => {
    requireStaff(c, "admin:read:accounts", "review");
    const services = c.get("services");
    if (queryFlag(c, "remote")) return c.json([]);
    const status = Object.entries(V1_FILTERS).find(([flag]) => queryFlag(c, flag))?.[1];
    const rows = services.accounts.list({ status, maxId: c.req.query("max_id"), limit: limitParam(c.req.query("limit")) });
    paginationLinks(c, rows);
    return c.json(rows.map((a) => adminAccountJson(a, services)));
  })
  /** The review view: the sealed identity is opened and the read audited. */
  .get("/:id", (c) => {
    const { account: staff } = requireStaff(c, "admin:read:accounts", "identity.read");
    const services = c.get("services");
    const account = services.accounts.get(c.req.param("id"));
    if (!account) fail("not_found", "Record not found");
    const reason = c.req.query("reason")?.slice(0, 200) || "application review";
    const identity = services.review.readIdentity(staff.id, account.id, reason);
    return c.json(adminAccountJson(account, services, identity));
  })
  /**
   * Mastodon deletes a suspended account's data; here it is the erasure of a
   * local physician (as if they had asked) or, for a peer's physician, the
   * removal of what this instance holds of theirs.
   */
  .delete("/:id", async (c) => {
    const services = c.get("services");
    const id = c.req.param("id");
    const local = services.accounts.get(id) != null;
    const { account: staff } = requireStaff(c, "admin:write:accounts", local ? "erase" : "moderate");
    const params = await parseParams(c, eraseSchema);
    if (local) await services.erasure.eraseByStaff(staff.id, id, params.reason ?? "deletion through the admin API");
    else {
      const remote = services.directory.findRemoteById(id);
      if (!remote) fail("not_found", "Record not found");
      await services.moderation.act(staff.id, id, { type: "suspend", text: params.reason });
    }
    return c.json({});
  })
  .post("/:id/approve", async (c) => {
    const { account: staff } = requireStaff(c, "admin:write:accounts", "review");
    const params = await parseParams(c, noteSchema);
    const services = c.get("services");
    const account = await services.credentialLifecycle.sync(
      services.review.approve(staff.id, c.req.param("id"), params.text ?? params.reason),
      { announce: false },
    );
    return c.json(adminAccountJson(account, services));
  })
  .post("/:id/reject", async (c) => {
    const { account: staff } = requireStaff(c, "admin:write:accounts", "review");
    const params = await parseParams(c, noteSchema);
    const services = c.get("services");
    const account = await services.credentialLifecycle.sync(
      services.review.reject(staff.id, c.req.param("id"), params.text ?? params.reason),
    );
    return c.json(adminAccountJson(account, services));
  })
  /** Mastodon's moderation actions; on a peer's physician `silence` and `suspend` apply here only. */
  .post("/:id/action", async (c) => {
    const { account: staff } = requireStaff(c, "admin:write:accounts", "moderate");
    const params = await parseParams(c, actionSchema);
    await c
      .get("services")
      .moderation.act(staff.id, c.req.param("id"), { type: params.type, text: params.text, reportId: params.report_id ?? null });
    return c.json({});
  })
  /** Consilium: a verifier records the licence's expiry; the credential follows it. */
  .post("/:id/licence", async (c) => {
    const { account: staff } = requireStaff(c, "admin:write:accounts", "review");
    const params = await parseParams(c, licenceSchema);
    const services = c.get("services");
    const account = await services.credentialLifecycle.sync(
      services.review.setLicenceExpiry(staff.id, c.req.param("id"), params.expires_at ?? null),
    );
    return c.json(adminAccountJson(account, services));
  })
  .post("/:id/:undo{unsilence|unsensitive|enable|unsuspend}", async (c) => {
    const { account: staff } = requireStaff(c, "admin:write:accounts", "moderate");
    const services = c.get("services");
    const id = c.req.param("id");
    await services.moderation.undo(staff.id, id, c.req.param("undo") as UndoAction);
    return c.json(anyAdminAccountJson(id, services));
  });

/** Mastodon's admin accounts v2 (filtered by origin, status and role). Mounted at /api/v2/admin/accounts. */
export const adminAccountsV2 = new Hono<AppEnv>().get("/", (c) => {
  requireStaff(c, "admin:read:accounts", "review");
  const services = c.get("services");
  if (c.req.query("origin") === "remote") return c.json([]);
  const statusParam = c.req.query("status");
  const status = statusParam ? V2_STATUS[statusParam] : undefined;
  if (statusParam && !status) fail("unprocessable", "status must be one of active, pending, disabled, silenced, suspended");
  const rows = services.accounts.list({ status, maxId: c.req.query("max_id"), limit: limitParam(c.req.query("limit")) });
  paginationLinks(c, rows);
  return c.json(rows.map((a) => adminAccountJson(a, services)));
});
