import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";

/** A poll's breakdown by specialty and country (cells under the minimum suppressed). Mounted at /api/v1/consilium/polls. */
export const pollBreakdowns = new Hono<AppEnv>()
  /** Counts by specialty and jurisdiction, cells under 5 voters suppressed; computed by the poll's origin. */
  .get("/:id/breakdown", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    const status = services.visibility.getVisible(account.id, c.req.param("id"));
    const poll = services.polls.get(status.id);
    if (!poll) fail("not_found", "Record not found");
    const breakdown = services.polls.breakdown(poll);
    return c.json({ poll_id: status.id, computed_by: poll.local ? services.instance.origin : new URL(status.uri).origin, breakdown });
  });
