import { Hono } from "hono";
import { z } from "zod";
import { findPhiInFields, phiErrorMessage } from "../../domain/phi/guard.ts";
import { guardLanguage } from "../../domain/phi/language.ts";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";

/** ISO 639-1, as a status's `language`; detected when absent.  Every language's cue rules run on every text (posts mix languages); the language decides the rules that depend on it. */
const language = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, "must be an ISO 639 language code")
  .optional();
const checkSchema = z.union([
  z.object({ text: z.string().max(100_000), language }),
  z.object({ fields: z.record(z.string(), z.string().max(100_000)), language }),
]);

/** Lets a client check a draft before posting; the same guard blocks the post itself. Mounted at /api/v1/consilium/phi. */
export const phi = new Hono<AppEnv>().post("/check", async (c) => {
  requireUser(c, "write:statuses");
  const params = await parseParams(c, checkSchema);
  const fields = "text" in params ? { text: params.text } : params.fields;
  const language = guardLanguage(Object.values(fields).join("\n"), params.language);
  const findings = findPhiInFields(fields, language);
  return c.json({
    ok: findings.length === 0,
    language: params.language ?? language,
    message: findings.length === 0 ? null : phiErrorMessage(findings),
    findings,
  });
});
