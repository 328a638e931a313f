import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../env.ts";

export const miscRouter = new Hono<AppEnv>()
  // Mastodon's load-balancer check: the process answers (the streaming API has its own).
  .get("/health", (c) => c.text("OK"))
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
