import { Hono } from "hono";
import { checkReadiness } from "../ops/readiness.ts";
import type { AppEnv } from "../http/env.ts";

/** Mastodon's load-balancer check: the process answers (the streaming API has its own). Mounted at /health. */
export const health = new Hono<AppEnv>().get("/", (c) => c.text("OK"));

/** Readiness for a load balancer or an orchestrator: 503 and the failing checks' names when not. Mounted at /ready. */
export const readiness = new Hono<AppEnv>().get("/", (c) => {
  c.header("Cache-Control", "no-store");
  const readiness = checkReadiness(c.get("services").database.sqlite);
  return readiness.ready ? c.text("READY") : c.json({ error: "Not ready", failing: readiness.failing }, 503);
});
