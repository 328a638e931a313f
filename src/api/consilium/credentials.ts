import { Hono } from "hono";
import { decodeJwt } from "jose";
import { credentialToken } from "../../domain/credentials/verifier.ts";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";

/** A physician's licence credential, for peers and clients. Mounted at /api/v1/consilium/accounts. */
export const accountCredentials = new Hono<AppEnv>()
  /** The decoded, checked claims of an account's credential, and the check's result. */
  .get("/:id/credential", async (c) => {
    requireUser(c, "read:accounts");
    const services = c.get("services");
    const view = services.directory.get(c.req.param("id"));
    if (!view) fail("not_found", "Record not found");
    if (view.local) {
      const token = view.localAccount!.credential;
      return c.json({
        account_id: view.id,
        credential: token,
        claims: token ? decodeJwt(token) : null,
        check: {
          valid: view.verified,
          reason: view.verified ? null : token ? "expired" : "no credential",
          checked_at: null,
          expires_at: view.localAccount!.credentialExpiresAt?.toISOString() ?? null,
        },
      });
    }
    const actor = await services.verifier.ensure(view.remote!);
    const token = actor.credential ? credentialToken(actor.credential) : null;
    const claims = (() => {
      try {
        return token ? decodeJwt(token) : null;
      } catch {
        return null;
      }
    })();
    return c.json({
      account_id: view.id,
      credential: token,
      claims,
      check: {
        valid: actor.credentialStatus === "valid",
        reason: actor.credentialReason,
        checked_at: actor.credentialCheckedAt?.toISOString() ?? null,
        expires_at: actor.credentialExpiresAt?.toISOString() ?? null,
      },
    });
  });
