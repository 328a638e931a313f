import { Hono } from "hono";
import { z } from "zod";
import { requireApp } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";

const appSchema = z.object({
  client_name: z.string({ error: "can't be blank" }).trim().min(1, "can't be blank").max(200),
  redirect_uris: z.union([z.string(), z.array(z.string())], { error: "can't be blank" }),
  scopes: z.string().max(1000).optional(),
  website: z.string().max(2000).optional().nullable(),
});

/** Client applications (OAuth). Mounted at /api/v1/apps. */
export const apps = new Hono<AppEnv>()
  .post("/", async (c) => {
    const params = await parseParams(c, appSchema);
    const redirectUris = (Array.isArray(params.redirect_uris) ? params.redirect_uris : params.redirect_uris.split(/\s+/))
      .map((u) => u.trim())
      .filter(Boolean);
    const { app, clientSecret } = c.get("services").oauth.createApp({
      name: params.client_name,
      redirectUris,
      scopes: params.scopes ?? "read",
      website: params.website,
    });
    const uris = app.redirectUris.split("\n");
    return c.json({
      id: app.id,
      name: app.name,
      website: app.website,
      scopes: app.scopes.split(" "),
      redirect_uris: uris,
      redirect_uri: uris.join("\n"),
      // Web Push is not offered; Mastodon documents an empty key for that case.
      vapid_key: "",
      client_id: app.clientId,
      client_secret: clientSecret,
      client_secret_expires_at: 0,
    });
  })
  .get("/verify_credentials", (c) => {
    const { app } = requireApp(c);
    const uris = app.redirectUris.split("\n");
    return c.json({
      id: app.id,
      name: app.name,
      website: app.website,
      scopes: app.scopes.split(" "),
      redirect_uris: uris,
      redirect_uri: uris.join("\n"),
      vapid_key: "",
    });
  });
