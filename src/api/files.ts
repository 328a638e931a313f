import { readFileSync, createReadStream } from "node:fs";
import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { fail } from "../http/errors.ts";
import { ProfileImages } from "../domain/media/profile-images.ts";
import { Readable } from "node:stream";
import { loadSharp } from "../domain/media/sharp.ts";
import { DEFAULT_AVATAR_PATH, DEFAULT_HEADER_PATH } from "../render/accounts-json.ts";

const MEDIA_FILE_NAME = /^\d+(\.small)?\.(jpg|png)$/;

const EXPORT_FILE_NAME = /^\d+-[A-Za-z0-9_-]{16}\.tar\.gz$/;

/** Avatars and headers, served like media. Mounted at /profile-images. */
export const profileImageFiles = new Hono<AppEnv>()
  /** Avatars and headers, like media: only against a valid signature, and only while the file is the current one. */
  .get("/:file", (c) => {
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
  });

/** Media files. Mounted at /media. */
export const mediaFiles = new Hono<AppEnv>()
  /** Files are served only against a valid signature (closed network: no public URLs). */
  .get("/:file", (c) => {
    const fileName = c.req.param("file");
    const services = c.get("services");
    if (!MEDIA_FILE_NAME.test(fileName) || !services.mediaUrls.verify(fileName, c.req.query("expires"), c.req.query("sig"))) {
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

/** A physician's data archives. Mounted at /exports. */
export const exportFiles = new Hono<AppEnv>()
  /** The archive itself: only through its signed, expiring link. */
  .get("/:file", (c) => {
    const services = c.get("services");
    const file = c.req.param("file");
    if (!EXPORT_FILE_NAME.test(file) || !services.exportUrls.verify(file, c.req.query("expires"), c.req.query("sig")))
      return c.json({ error: "This link is invalid or has expired" }, 403);
    if (!services.exports.byFileName(file)) fail("not_found", "Record not found");
    c.header("Content-Type", "application/gzip");
    c.header("Content-Disposition", `attachment; filename="consilium-archive-${file.slice(0, file.indexOf("-"))}.tar.gz"`);
    c.header("Cache-Control", "private, no-store");
    return c.body(Readable.toWeb(createReadStream(services.exports.filePath(file))) as ReadableStream);
  });

let placeholder: Promise<Buffer> | undefined;
/** One neutral grey square serves as every avatar and header (no uploads yet). */
function placeholderPng(): Promise<Buffer> {
  placeholder ??= loadSharp().then((sharp) =>
    sharp({ create: { width: 120, height: 120, channels: 3, background: { r: 200, g: 205, b: 212 } } })
      .png()
      .toBuffer(),
  );
  return placeholder;
}

/** The part of a full path under the router's mount point (the path itself is named once, where URLs are rendered). */
function underMount(path: string, mount: string): string {
  if (!path.startsWith(mount + "/")) throw new Error(`${path} is not under ${mount}`);
  return path.slice(mount.length);
}

/** Mounted at /avatars: generated avatars and the placeholder. */
export const avatars = new Hono<AppEnv>()
  // Generated avatars: drawn from the seed alone (a hash of an address), so the URL reveals nothing.
  .get("/default/:file{[0-9a-f]{20}\\.png}", async (c) => {
    const png = await c.get("services").profileImages.defaultAvatar(c.req.param("file").slice(0, 20));
    c.header("Content-Type", "image/png");
    c.header("Cache-Control", "public, max-age=604800, immutable");
    return c.body(new Uint8Array(png));
  })
  .get(underMount(DEFAULT_AVATAR_PATH, "/avatars"), async (c) => {
    c.header("Content-Type", "image/png");
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(new Uint8Array(await placeholderPng()));
  });

/** Mounted at /headers: the placeholder header. */
export const headers = new Hono<AppEnv>().get(underMount(DEFAULT_HEADER_PATH, "/headers"), async (c) => {
  c.header("Content-Type", "image/png");
  c.header("Cache-Control", "public, max-age=86400");
  return c.body(new Uint8Array(await placeholderPng()));
});
