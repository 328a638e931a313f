import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { accountData } from "./account.ts";
import { auditLog } from "./audit-log.ts";
import { caseStats, cases } from "./cases.ts";
import { accountCredentials } from "./credentials.ts";
import { adminAppeals, adminStatuses, warnings } from "./moderation.ts";
import { peers } from "./peers.ts";
import { phi } from "./phi.ts";
import { pollBreakdowns } from "./polls.ts";
import { registers } from "./registers.ts";
import { specialties } from "./specialties.ts";

/** Consilium's own API (cases, credentials, peers, the privacy guard, moderation, registers), each resource at its path under /api/v1/consilium. */
export const consiliumApi = new Hono<AppEnv>()
  .route("/account", accountData)
  .route("/accounts", accountCredentials)
  .route("/admin/appeals", adminAppeals)
  .route("/admin/statuses", adminStatuses)
  .route("/audit_log", auditLog)
  .route("/cases", cases)
  .route("/peers", peers)
  .route("/phi", phi)
  .route("/polls", pollBreakdowns)
  .route("/registers", registers)
  .route("/specialties", specialties)
  .route("/stats", caseStats)
  .route("/warnings", warnings);
