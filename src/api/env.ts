import type { AccountRow } from "../domain/accounts/types.ts";
import type { OAuthApp, OAuthToken } from "../domain/oauth/service.ts";
import type { RemoteLookup } from "../../federation/lookup.ts";
import type { Services } from "../services.ts";

export interface Auth {
  readonly token: OAuthToken;
  readonly app: OAuthApp;
  readonly scopes: string[];
  readonly account: AccountRow | null;
}

/** Hono's environment for every router: the services and the caller. */
export interface AppEnv {
  Variables: {
    services: Services;
    lookup: RemoteLookup;
    auth: Auth | null;
  };
}
