import { Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth.ts";
import { readParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { flagParam } from "../../http/params.ts";
import type { AccountRow } from "../../domain/accounts/types.ts";
import type { Services } from "../../services.ts";
import { credentialAccountJson, profileJson } from "../../render/accounts-json.ts";

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
export async function updateProfile(services: Services, accountId: string, raw: Record<string, unknown>): Promise<AccountRow> {
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

/** The physician's own avatar and header. Mounted at /api/v1/profile. */
export const profile = new Hono<AppEnv>()
  /** Mastodon 4.6's profile API: the same profile, in its own shape. */
  .get("/", (c) => {
    const { account } = requireUser(c, "profile");
    return c.json(profileJson(account, c.get("services")));
  })
  .patch("/", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const services = c.get("services");
    return c.json(profileJson(await updateProfile(services, account.id, await readParams(c)), services));
  })
  // Back to the generated avatar, or no header; peers are told.
  .delete("/:kind{avatar|header}", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const services = c.get("services");
    services.profileImages.clearLocal(account.id, c.req.param("kind") as "avatar" | "header");
    const updated = services.accounts.get(account.id)!;
    await services.federationPort.accountUpdated(updated);
    return c.json(credentialAccountJson(updated, services));
  });
