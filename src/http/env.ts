import type { AccountRow } from "../domain/accounts/types.ts";
import type { StaffSessionRow } from "../domain/staff/sessions.ts";
import type { OAuthApp, OAuthToken } from "../domain/oauth/service.ts";
import type { RemoteLookup } from "../../federation/lookup.ts";
import type { Services } from "../services.ts";

/** The console's signed-in staff member and their session (set by src/web/admin/auth.ts). */
export interface ConsoleStaff {
  readonly account: AccountRow;
  readonly session: StaffSessionRow;
}

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
