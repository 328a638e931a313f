import { Hono } from "hono";
import { checkReadiness } from "../../ops/readiness.ts";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";

export const miscRouter = new Hono<AppEnv>()
  // Mastodon's load-balancer check: the process answers (the streaming API has its own).
  .get("/health", (c) => c.text("OK"))
  // Readiness for a load balancer or an orchestrator: 503 and the failing checks' names when not.
  .get("/ready", (c) => {
    c.header("Cache-Control", "no-store");
    const readiness = checkReadiness(c.get("services").database.sqlite);
    return readiness.ready ? c.text("READY") : c.json({ error: "Not ready", failing: readiness.failing }, 503);
  })
  .get("/api/v1/preferences", (c) => {
    const { account } = requireUser(c, "read:accounts");
    return c.json({
      "posting:default:visibility": "public",
      "posting:default:sensitive": false,
      "posting:default:language": account.locale,
      "reading:expand:media": "default",
      "reading:expand:spoilers": false,
    });
  });
