import { Hono } from "hono";
import { z } from "zod";
import { type ListRow, REPLIES_POLICIES } from "../../domain/lists/service.ts";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import { flagParam, idListParam } from "../../http/params.ts";
import type { AppEnv } from "../../http/env.ts";
import { accountsJson } from "../../render/render.ts";

export const listJson = (l: ListRow) => ({ id: l.id, title: l.title, replies_policy: l.repliesPolicy, exclusive: l.exclusive });
const listSchema = z.object({
  title: z.string().trim().min(1, "can't be blank").max(200).optional(),
  replies_policy: z.enum(REPLIES_POLICIES).optional(),
  exclusive: flagParam.optional(),
});
const accountIdsSchema = z.object({ account_ids: idListParam });

/** Lists and their members. Mounted at /api/v1/lists. */
export const lists = new Hono<AppEnv>()
  .get("/", (c) => {
    const { account } = requireUser(c, "read:lists");
    return c.json(c.get("services").lists.all(account.id).map(listJson));
  })
  .post("/", async (c) => {
    const { account } = requireUser(c, "write:lists");
    const params = await parseParams(c, listSchema.required({ title: true }));
    return c.json(
      listJson(
        c
          .get("services")
          .lists.create(account.id, { title: params.title, repliesPolicy: params.replies_policy, exclusive: params.exclusive }),
      ),
    );
  })
  .get("/:id", (c) => {
    const { account } = requireUser(c, "read:lists");
    return c.json(listJson(c.get("services").lists.get(account.id, c.req.param("id"))));
  })
  .put("/:id", async (c) => {
    const { account } = requireUser(c, "write:lists");
    const params = await parseParams(c, listSchema);
    return c.json(
      listJson(
        c.get("services").lists.update(account.id, c.req.param("id"), {
          title: params.title,
          repliesPolicy: params.replies_policy,
          exclusive: params.exclusive,
        }),
      ),
    );
  })
  .delete("/:id", (c) => {
    const { account } = requireUser(c, "write:lists");
    c.get("services").lists.delete(account.id, c.req.param("id"));
    return c.json({});
  })
  .get("/:id/accounts", (c) => {
    const { account } = requireUser(c, "read:lists");
    return c.json(accountsJson(c, c.get("services").lists.accountIds(account.id, c.req.param("id"))));
  })
  .post("/:id/accounts", async (c) => {
    const { account } = requireUser(c, "write:lists");
    const params = await parseParams(c, accountIdsSchema);
    c.get("services").lists.addAccounts(account.id, c.req.param("id"), params.account_ids);
    return c.json({});
  })
  .delete("/:id/accounts", async (c) => {
    const { account } = requireUser(c, "write:lists");
    const params = await parseParams(c, accountIdsSchema);
    c.get("services").lists.removeAccounts(account.id, c.req.param("id"), params.account_ids);
    return c.json({});
  });
