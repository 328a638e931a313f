import { Hono } from "hono";
import { z } from "zod";
import { requireApp, requireUser } from "../auth.ts";
import { parseParams, readParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { queryArray, queryFlag } from "../../http/pagination.ts";
import { flagParam } from "../../http/params.ts";
import type { AccountRow } from "../../domain/accounts/types.ts";
import type { Services } from "../../services.ts";
import { registrationSchema } from "../../http/registration.ts";
import { accountsByIdJson, accountsJson, accountViewJson, credentialAccountJson, profileJson } from "../../render/accounts-json.ts";

const text = (max: number) => z.string().trim().max(max);

const updateSchema = z.object({
  display_name: text(100).optional(),
  note: text(1000).optional(),
  locked: flagParam.optional(),
  disclosures: text(500).optional(),
  fields_attributes: z
    .array(z.object({ name: z.string().max(255).optional(), value: z.string().max(255).optional() }))
    .max(4)
    .optional(),
});

/** Applies a profile edit from either profile endpoint and tells the peers. */
async function updateProfile(services: Services, accountId: string, raw: Record<string, unknown>): Promise<AccountRow> {
  const { avatar, header, ...rest } = raw;
  const params = updateSchema.parse(rest);
  // Images first: one that is refused leaves the profile as it was.
  for (const [kind, file] of [
    ["avatar", avatar],
    ["header", header],
  ] as const) {
    if (file == null || file === "") continue;
    if (!(file instanceof File)) fail("unprocessable", `Validation failed: ${kind} must be an uploaded image`);
    await services.profileImages.setLocal(accountId, kind, new Uint8Array(await file.arrayBuffer()));
  }
  // Clients edit the "Disclosures" profile field; the other fields are derived.
  const disclosuresField = params.fields_attributes?.find((f) => f.name?.trim().toLowerCase() === "disclosures");
  const updated = services.accounts.updateProfile(accountId, {
    displayName: params.display_name,
    note: params.note,
    locked: params.locked,
    disclosures: params.disclosures ?? disclosuresField?.value,
  });
  await services.federationPort.accountUpdated(updated);
  return updated;
}

export const accountsRouter = new Hono<AppEnv>()
  /** Registration from a client (app token): the account waits for a verifier. */
  .post("/api/v1/accounts", async (c) => {
    const auth = requireApp(c, "write:accounts");
    const params = await parseParams(c, registrationSchema);
    const services = c.get("services");
    const account = await services.accounts.apply({
      username: params.username,
      email: params.email,
      password: params.password,
      agreement: params.agreement,
      locale: params.locale,
      reason: params.reason,
      displayName: params.display_name,
      legalName: params.legal_name,
      licenseNumber: params.license_number,
      licenseJurisdiction: params.license_jurisdiction,
      specialty: params.specialty,
    });
    const scopes = auth.scopes.filter((s) => !s.startsWith("admin:"));
    const token = services.oauth.issueForAccount(auth.app.id, account.id, scopes);
    // Mastodon's Token entity, plus a plain statement that a verifier must approve first.
    return c.json({
      access_token: token.accessToken,
      token_type: "Bearer",
      scope: token.scopes.join(" "),
      created_at: Math.floor(token.createdAt.getTime() / 1000),
      approval_pending: true,
      account_status: account.status,
      message: "Your application was received. A verifier will check your licence; you can log in once it is approved.",
    });
  })
  .get("/api/v1/accounts/verify_credentials", (c) => {
    const { account } = requireUser(c, "profile");
    const services = c.get("services");
    return c.json(credentialAccountJson(account, services));
  })
  .patch("/api/v1/accounts/update_credentials", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const services = c.get("services");
    return c.json(credentialAccountJson(await updateProfile(services, account.id, await readParams(c)), services));
  })
  /** OpenID Connect claims about the signed-in physician: the pseudonym, never the legal name. */
  .get("/oauth/userinfo", (c) => {
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
  })
  /** Mastodon 4.6's profile API: the same profile, in its own shape. */
  .get("/api/v1/profile", (c) => {
    const { account } = requireUser(c, "profile");
    return c.json(profileJson(account, c.get("services")));
  })
  .patch("/api/v1/profile", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const services = c.get("services");
    return c.json(profileJson(await updateProfile(services, account.id, await readParams(c)), services));
  })
  // Back to the generated avatar, or no header; peers are told.
  .delete("/api/v1/profile/:kind{avatar|header}", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const services = c.get("services");
    services.profileImages.clearLocal(account.id, c.req.param("kind") as "avatar" | "header");
    const updated = services.accounts.get(account.id)!;
    await services.federationPort.accountUpdated(updated);
    return c.json(credentialAccountJson(updated, services));
  })
  /** Several accounts at once (Mastodon 4.3); unknown ids are left out. */
  .get("/api/v1/accounts", (c) => {
    requireUser(c, "read:accounts");
    const services = c.get("services");
    return c.json(accountsByIdJson(queryArray(c, "id").slice(0, 40), services));
  })
  .get("/api/v1/accounts/lookup", (c) => {
    requireUser(c, "read:accounts");
    const services = c.get("services");
    const acct = (c.req.query("acct") ?? "").replace(/^@/, "");
    const [username, domain] = acct.split("@");
    if (!username) fail("bad_request", "The acct parameter is required");
    const view =
      !domain || domain.toLowerCase() === services.instance.host.toLowerCase()
        ? services.directory.byUri(`${services.instance.origin}/users/${username}`)
        : (() => {
            const remote = services.directory.findRemoteByHandle(username, domain);
            return remote && !remote.gone ? services.directory.remoteView(remote) : undefined;
          })();
    if (!view) fail("not_found", "Record not found");
    return c.json(accountViewJson(view, services));
  })
  /** Handles and display names, here and (with resolve=true) on active peers. */
  .get("/api/v1/accounts/search", async (c) => {
    const { account } = requireUser(c, "read:accounts");
    const services = c.get("services");
    const q = (c.req.query("q") ?? "").trim().replace(/^@/, "");
    if (!q) fail("bad_request", "The q parameter is required");
    const limit = Math.min(Math.max(Number(c.req.query("limit")) || 40, 1), 80);
    const offset = Math.max(Number(c.req.query("offset")) || 0, 0);
    const [username, host] = q.split("@");
    let found = services.directory.search(q, limit + offset).slice(offset);
    if (username && host && queryFlag(c, "resolve") && found.length === 0) {
      const remote = await c.get("lookup").account({ username, host });
      found = remote ? [remote] : [];
    }
    const hidden = services.visibility.hiddenFrom(account.id);
    found = found.filter((a) => !hidden.has(a.id) && a.id !== undefined);
    if (queryFlag(c, "following")) {
      const rel = new Map(
        services.follows
          .relationships(
            account.id,
            found.map((a) => a.id),
          )
          .map((r) => [r.id, r]),
      );
      found = found.filter((a) => rel.get(a.id)?.following);
    }
    return c.json(accountsJson(found.slice(0, limit), services));
  })
  .get("/api/v1/accounts/:id", (c) => {
    requireUser(c, "read:accounts");
    const services = c.get("services");
    const view = services.directory.get(c.req.param("id"));
    if (!view) fail("not_found", "Record not found");
    return c.json(accountViewJson(view, services));
  });
