import { Hono } from "hono";
import { requireStaff } from "../auth.ts";
import { readParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";

const MAX_REGISTER_BYTES = 20 * 1024 * 1024;

/** Consilium's own endpoints (specialties, register import, audit log). Mounted at /api/v1/consilium/registers. */
export const registers = new Hono<AppEnv>()
  /**
   * A register extract as text/csv, or as a multipart `file`.  Imported in
   * one transaction; pending applications are matched again afterwards.
   */
  .post("/", async (c) => {
    const { account: staff } = requireStaff(c, "admin:write:accounts", "registers");
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    let csv: string;
    if (type === "text/csv" || type === "text/plain") {
      csv = await c.req.text();
    } else {
      const params = await readParams(c);
      const file = params["file"];
      if (file instanceof File) csv = await file.text();
      else if (typeof file === "string") csv = file;
      else fail("unprocessable", "Send the register extract as text/csv or as a multipart field named file");
    }
    if (csv.length > MAX_REGISTER_BYTES) fail("unprocessable", "The register extract is too large");
    if (csv.trim() === "") fail("unprocessable", "The register extract is empty");
    const services = c.get("services");
    const result = services.registers.import(csv);
    const rematched = services.review.rematchPending();
    services.audit.record({
      staffId: staff.id,
      subjectId: null,
      action: "register.import",
      reason: `${result.source}: ${result.imported} entries`,
    });
    return c.json({ source: result.source, imported: result.imported, skipped: result.skipped, rematched_applications: rematched });
  });
