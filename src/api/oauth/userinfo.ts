import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { accountViewJson } from "../../render/accounts-json.ts";

/** OpenID Connect's userinfo for a token with the profile scope: the pseudonym, never the legal name. Mounted at /oauth/userinfo. */
export const userinfo = new Hono<AppEnv>().get("/", (c) => {
  const { account } = requireUser(c, "profile");
  const services = c.get("services");
  const view = services.directory.localView(account);
  const json = accountViewJson(view, services);
  return c.json({
    iss: services.instance.origin,
    sub: view.uri,
    name: json.display_name,
    preferred_username: account.username,
    profile: json.url,
    picture: json.avatar,
  });
});
