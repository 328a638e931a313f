import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { Hono } from "hono";
import { z } from "zod";
import { exportJson } from "../../render/export-json.ts";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";

const deleteSchema = z.object({ password: z.string().min(1, "confirm with your password").max(1024) });
const FILE = /^\d+-[A-Za-z0-9_-]{16}\.tar\.gz$/;

/** A physician's own account: an archive of their data, and leaving. */
export const accountDataRouter = new Hono<AppEnv>()
  .post("/api/v1/consilium/account/export", (c) => {
    const { account } = requireUser(c, "read");
    const services = c.get("services");
    return c.json(exportJson(services.exports.request(account), services), 202);
  })
  .get("/api/v1/consilium/account/export", (c) => {
    const { account } = requireUser(c, "read");
    const services = c.get("services");
    return c.json(exportJson(services.exports.latest(account.id), services));
  })
  /** Leaving, confirmed with the password: erased here and on every peer. */
  .post("/api/v1/consilium/account/delete", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const params = await parseParams(c, deleteSchema);
    await c.get("services").erasure.deleteOwn(account.id, params.password);
    return c.json({});
  })
  /** The archive itself: only through its signed, expiring link. */
  .get("/exports/:file", (c) => {
    const services = c.get("services");
    const file = c.req.param("file");
    if (!FILE.test(file) || !services.exportUrls.verify(file, c.req.query("expires"), c.req.query("sig")))
      return c.json({ error: "This link is invalid or has expired" }, 403);
    if (!services.exports.byFileName(file)) fail("not_found", "Record not found");
    c.header("Content-Type", "application/gzip");
    c.header("Content-Disposition", `attachment; filename="consilium-archive-${file.slice(0, file.indexOf("-"))}.tar.gz"`);
    c.header("Cache-Control", "private, no-store");
    return c.body(Readable.toWeb(createReadStream(services.exports.filePath(file))) as ReadableStream);
  });
