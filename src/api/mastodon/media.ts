import { readFileSync } from "node:fs";
import { type Context, Hono } from "hono";
import { requireUser } from "../auth.ts";
import { readParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { mediaJson, pendingMediaJson } from "../../render/media-json.ts";
import { ProfileImages } from "../../domain/media/profile-images.ts";

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

const FILE_NAME = /^\d+(\.small)?\.(jpg|png)$/;

export const mediaRouter = new Hono<AppEnv>()
  // v1 is synchronous, as Mastodon's: the finished attachment or the reason it was refused.
  .post("/api/v1/media", async (c) => {
    const services = c.get("services");
    return c.json(mediaJson(await services.media.upload(await readUpload(c)), services.mediaUrls));
  })
  // v2: small images are finished at once (200); large ones are decoded off the request path (202, then GET).
  .post("/api/v2/media", async (c) => {
    const services = c.get("services");
    const accepted = await services.mediaProcessing.accept(await readUpload(c));
    if ("done" in accepted) return c.json(mediaJson(accepted.done, services.mediaUrls));
    return c.json(pendingMediaJson(accepted.pending), 202);
  })
  .get("/api/v1/media/:id", (c) => {
    const { account } = requireUser(c, "write:media");
    const services = c.get("services");
    const pending = services.mediaProcessing.pending(account.id, c.req.param("id"));
    if (pending?.error) fail("unprocessable", pending.error);
    if (pending) return c.json(pendingMediaJson(pending), 206);
    return c.json(mediaJson(services.media.getOwned(account.id, c.req.param("id")), services.mediaUrls));
  })
  .put("/api/v1/media/:id", async (c) => {
    const { account } = requireUser(c, "write:media");
    const params = await readParams(c);
    const services = c.get("services");
    const changes = { description: optionalString(params["description"], "description"), focus: optionalString(params["focus"], "focus") };
    const pending = services.mediaProcessing.updatePending(account.id, c.req.param("id"), changes);
    if (pending) return c.json(pendingMediaJson(pending));
    return c.json(mediaJson(services.media.update(account.id, c.req.param("id"), changes), services.mediaUrls));
  })
  .delete("/api/v1/media/:id", (c) => {
    const { account } = requireUser(c, "write:media");
    const services = c.get("services");
    const pending = services.mediaProcessing.removePending(account.id, c.req.param("id"));
    if (pending) return c.json(pendingMediaJson(pending));
    return c.json(mediaJson(services.media.remove(account.id, c.req.param("id")), services.mediaUrls));
  })
  /** Avatars and headers, like media: only against a valid signature, and only while the file is the current one. */
  .get("/profile-images/:file", (c) => {
    const fileName = c.req.param("file");
    const services = c.get("services");
    if (!ProfileImages.isFileName(fileName) || !services.profileUrls.verify(fileName, c.req.query("expires"), c.req.query("sig"))) {
      return c.json({ error: "This link is invalid or has expired" }, 403);
    }
    const path = services.profileImages.filePath(fileName);
    if (!path) return c.json({ error: "Record not found" }, 404);
    c.header("Content-Type", "image/jpeg");
    c.header("Cache-Control", "private, max-age=86400");
    c.header("X-Content-Type-Options", "nosniff");
    return c.body(new Uint8Array(readFileSync(path)));
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
