import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";

/** Web Push subscriptions. Not offered yet (see not-offered.ts). Mounted at /api/v1/push. */
export const push = new Hono<AppEnv>()
  // No Web Push: nothing is subscribed (Mastodon answers 404 then; Elk's notifications page relies on it), and a subscription cannot be made.
  .get("/subscription", (c) => (requireUser(c, "push"), c.json({ error: "Record not found" }, 404)))
  .delete("/subscription", (c) => (requireUser(c, "push"), c.json({})))
  .post("/subscription", (c) => {
    requireUser(c, "push");
    fail("unprocessable", "Web Push is not offered by this server (it publishes no VAPID key)");
  })
  .put("/subscription", (c) => {
    requireUser(c, "push");
    fail("unprocessable", "Web Push is not offered by this server (it publishes no VAPID key)");
  });
