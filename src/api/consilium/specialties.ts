import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { SPECIALTIES } from "../../domain/specialties.ts";

/** Consilium's own endpoints (specialties, register import, audit log). Mounted at /api/v1/consilium/specialties. */
export const specialties = new Hono<AppEnv>()
  // Public like /api/v1/instance: the apply form and clients need it before login.
  .get("/", (c) => c.json(SPECIALTIES.map((s) => ({ code: s.code, label: s.label, nucc_code: s.nucc }))));
