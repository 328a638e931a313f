import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";

/** The viewer's posting and reading preferences. Mounted at /api/v1/preferences. */
export const preferences = new Hono<AppEnv>().get("/", (c) => {
  const { account } = requireUser(c, "read:accounts");
  return c.json({
    "posting:default:visibility": "public",
    "posting:default:sensitive": false,
    "posting:default:language": account.locale,
    "reading:expand:media": "default",
    "reading:expand:spoilers": false,
  });
});
