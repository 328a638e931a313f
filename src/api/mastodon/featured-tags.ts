import { Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { featuredTagJson, tagsJson } from "../../render/tag-json.ts";

const featureSchema = z.object({ name: z.string().min(1).max(101) });

/** * What a physician chooses for themselves: instances they hide (user-level domain blocks, never federated) and hashtags featured on their profile. Mounted at /api/v1/featured_tags. */
export const featuredTags = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    const me = services.directory.get(account.id)!;
    return c.json((await services.featuredTags.list(account.id)).map((t) => featuredTagJson(t, me, services)));
  })
  .post("/", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const { name } = await parseParams(c, featureSchema);
    const services = c.get("services");
    return c.json(featuredTagJson(await services.featuredTags.feature(account.id, name), services.directory.get(account.id)!, services));
  })
  .get("/suggestions", async (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    return c.json(await tagsJson(await services.featuredTags.suggestions(account.id), account.id, services));
  })
  .delete("/:id{[0-9]+}", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    if (!(await c.get("services").featuredTags.unfeature(account.id, { id: c.req.param("id") }))) fail("not_found", "Record not found");
    return c.json({});
  });
