import { type Context, Hono } from "hono";
import { requireUser } from "../auth.ts";
import { readParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { mediaJson, pendingMediaJson } from "../../render/media-json.ts";

function optionalString(value: unknown, field: string): string | undefined {
  if (value == null || value === "") return undefined;
  if (typeof value !== "string") fail("unprocessable", `Validation failed: ${field} must be a string`);
  return value;
}

async function readUpload(c: Context<AppEnv>) {
  const { account } = requireUser(c, "write:media");
  const params = await readParams(c);
  const file = params["file"];
  if (!(file instanceof File)) fail("unprocessable", "Validation failed: file must be an uploaded image (multipart field named file)");
  return {
    accountId: account.id,
    bytes: new Uint8Array(await file.arrayBuffer()),
    description: optionalString(params["description"], "description"),
    focus: optionalString(params["focus"], "focus"),
  };
}

/** Media attachments v1 (processed before answering). Mounted at /api/v1/media. */
export const mediaV1 = new Hono<AppEnv>()
  // v1 is synchronous, as Mastodon's: the finished attachment or the reason it was refused.
  .post("/", async (c) => {
    const services = c.get("services");
    return c.json(mediaJson(await services.media.upload(await readUpload(c)), services.mediaUrls));
  })
  .get("/:id", (c) => {
    const { account } = requireUser(c, "write:media");
    const services = c.get("services");
    const pending = services.mediaProcessing.pending(account.id, c.req.param("id"));
    if (pending?.error) fail("unprocessable", pending.error);
    if (pending) return c.json(pendingMediaJson(pending), 206);
    return c.json(mediaJson(services.media.getOwned(account.id, c.req.param("id")), services.mediaUrls));
  })
  .put("/:id", async (c) => {
    const { account } = requireUser(c, "write:media");
    const params = await readParams(c);
    const services = c.get("services");
    const changes = { description: optionalString(params["description"], "description"), focus: optionalString(params["focus"], "focus") };
    const pending = services.mediaProcessing.updatePending(account.id, c.req.param("id"), changes);
    if (pending) return c.json(pendingMediaJson(pending));
    return c.json(mediaJson(services.media.update(account.id, c.req.param("id"), changes), services.mediaUrls));
  })
  .delete("/:id", (c) => {
    const { account } = requireUser(c, "write:media");
    const services = c.get("services");
    const pending = services.mediaProcessing.removePending(account.id, c.req.param("id"));
    if (pending) return c.json(pendingMediaJson(pending));
    return c.json(mediaJson(services.media.remove(account.id, c.req.param("id")), services.mediaUrls));
  });

/** Media attachments v2. Mounted at /api/v2/media. */
export const mediaV2 = new Hono<AppEnv>()
  // v2: small images are finished at once (200); large ones are decoded off the request path (202, then GET).
  .post("/", async (c) => {
    const services = c.get("services");
    const accepted = await services.mediaProcessing.accept(await readUpload(c));
    if ("done" in accepted) return c.json(mediaJson(accepted.done, services.mediaUrls));
    return c.json(pendingMediaJson(accepted.pending), 202);
  });
