import { readFileSync } from "node:fs";
import { type Context, Hono } from "hono";
import { requireUser } from "../auth.ts";
import { readParams } from "../body.ts";
import type { AppEnv } from "../env.ts";
import { fail } from "../errors.ts";
import { mediaJson } from "./media-json.ts";

function optionalString(value: unknown, field: string): string | undefined {
  if (value == null || value === "") return undefined;
  if (typeof value !== "string") fail("unprocessable", `Validation failed: ${field} must be a string`);
  return value;
}

async function upload(c: Context<AppEnv>) {
  const { account } = requireUser(c, "write:media");
  const params = await readParams(c);
  const file = params["file"];
  if (!(file instanceof File)) fail("unprocessable", "Validation failed: file must be an uploaded image (multipart field named file)");
  const services = c.get("services");
  const media = await services.media.upload({
    accountId: account.id,
    bytes: new Uint8Array(await file.arrayBuffer()),
    description: optionalString(params["description"], "description"),
    focus: optionalString(params["focus"], "focus"),
  });
  return c.json(mediaJson(media, services.mediaUrls));
}

const FILE_NAME = /^\d+(\.small)?\.(jpg|png)$/;

export const mediaRouter = new Hono<AppEnv>()
  .post("/api/v1/media", upload)
  // Processing is synchronous, so v2 answers 200 with the finished attachment.
  .post("/api/v2/media", upload)
  .get("/api/v1/media/:id", (c) => {
    const { account } = requireUser(c, "write:media");
    const services = c.get("services");
    return c.json(mediaJson(services.media.getOwned(account.id, c.req.param("id")), services.mediaUrls));
  })
  .put("/api/v1/media/:id", async (c) => {
    const { account } = requireUser(c, "write:media");
    const params = await readParams(c);
    const services = c.get("services");
    const media = services.media.update(account.id, c.req.param("id"), {
      description: optionalString(params["description"], "description"),
      focus: optionalString(params["focus"], "focus"),
    });
    return c.json(mediaJson(media, services.mediaUrls));
  })
  .delete("/api/v1/media/:id", (c) => {
    const { account } = requireUser(c, "write:media");
    const services = c.get("services");
    return c.json(mediaJson(services.media.remove(account.id, c.req.param("id")), services.mediaUrls));
  })
  /** Files are served only against a valid signature (closed network: no public URLs). */
  .get("/media/:file", (c) => {
    const fileName = c.req.param("file");
    const services = c.get("services");
    if (!FILE_NAME.test(fileName) || !services.mediaUrls.verify(fileName, c.req.query("expires"), c.req.query("sig"))) {
      return c.json({ error: "This link is invalid or has expired" }, 403);
    }
    if (!services.media.byFileName(fileName)) return c.json({ error: "Record not found" }, 404);
    let bytes: Buffer;
    try {
      bytes = readFileSync(services.media.filePath(fileName));
    } catch {
      return c.json({ error: "Record not found" }, 404);
    }
    c.header("Content-Type", fileName.endsWith(".png") ? "image/png" : "image/jpeg");
    c.header("Cache-Control", "private, max-age=86400");
    c.header("X-Content-Type-Options", "nosniff");
    return c.body(new Uint8Array(bytes));
  });
