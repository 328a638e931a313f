import type { AccountRow } from "../domain/accounts/types.ts";
import type { OAuthApp, OAuthToken } from "../domain/oauth/service.ts";
import type { RemoteLookup } from "../../federation/lookup.ts";
import type { Services } from "../services.ts";
import type { ConsoleStaff } from "../web/admin/auth.ts";

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
    /** The console's signed-in staff member (src/web/admin), on console routes. */
    staff?: ConsoleStaff;
  };
}
