import { Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { pollJson } from "../../render/poll-json.ts";

const votesSchema = z.object({
  choices: z.union([
    z.array(z.coerce.number().int()),
    z.coerce
      .number()
      .int()
      .transform((n) => [n]),
  ]),
});

/** Polls: reading one and voting (a credential must be valid for a vote to count). Mounted at /api/v1/polls. */
export const polls = new Hono<AppEnv>()
  .get("/:id", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    const status = services.visibility.getVisible(account.id, c.req.param("id"));
    const poll = pollJson(status.id, account.id, services);
    if (!poll) fail("not_found", "Record not found");
    return c.json(poll);
  })
  .post("/:id/votes", async (c) => {
    const { account } = requireUser(c, "write:statuses");
    const params = await parseParams(c, votesSchema);
    const services = c.get("services");
    const status = services.visibility.getVisible(account.id, c.req.param("id"));
    await services.polls.vote(account.id, status, params.choices);
    return c.json(pollJson(status.id, account.id, services));
  });
