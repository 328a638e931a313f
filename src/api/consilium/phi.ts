import { Hono } from "hono";
import { z } from "zod";
import { findPhiInFields, phiErrorMessage } from "../../domain/phi/guard.ts";
import { requireUser } from "../auth.ts";
import { parseParams } from "../body.ts";
import type { AppEnv } from "../env.ts";

const checkSchema = z.union([
  z.object({ text: z.string().max(100_000) }),
  z.object({ fields: z.record(z.string(), z.string().max(100_000)) }),
]);

/** Lets a client check a draft before posting; the same guard blocks the post itself. */
export const phiRouter = new Hono<AppEnv>().post("/api/v1/consilium/phi/check", async (c) => {
  requireUser(c, "write:statuses");
  const params = await parseParams(c, checkSchema);
  const fields = "text" in params ? { text: params.text } : params.fields;
  const findings = findPhiInFields(fields);
  return c.json({
    ok: findings.length === 0,
    message: findings.length === 0 ? null : phiErrorMessage(findings),
    findings,
  });
});
