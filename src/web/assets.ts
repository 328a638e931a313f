import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { REGISTER_PROGRESS_SCRIPT } from "./admin/registers-script.ts";

/**
 * The pages' scripts, served from our origin so the Content-Security-Policy
 * can forbid every inline script (`script-src 'self'`).  Each page works
 * without them; they only add what a browser with JavaScript can do.
 */
const SCRIPTS: Record<string, string> = {
  // OAuth's form_post response mode: post the result to the client at once.
  "form-post.js": `document.addEventListener("DOMContentLoaded", () => document.forms[0]?.submit());`,
  "register-progress.js": REGISTER_PROGRESS_SCRIPT,
};

/** The instance's icon: a plain mark, so browsers asking for a favicon are answered. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#1f5f8b"/><path d="M28 14h8v14h14v8H36v14h-8V36H14v-8h14z" fill="#fff"/></svg>`;

export const assetsRouter = new Hono<AppEnv>()
  .get("/assets/:name{[a-z-]+\\.js}", (c) => {
    const script = SCRIPTS[c.req.param("name")];
    if (!script) return c.json({ error: "Record not found" }, 404);
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(script);
  })
  .get("/favicon.ico", (c) => {
    c.header("Content-Type", "image/svg+xml");
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(FAVICON);
  })
  .get("/favicon.svg", (c) => {
    c.header("Content-Type", "image/svg+xml");
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(FAVICON);
  });
