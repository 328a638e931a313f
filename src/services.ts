import type { Config } from "./config.ts";
import type { DatabaseHandle } from "./db/client.ts";
import { AccountService } from "./domain/accounts/service.ts";
import { AuditLog } from "./domain/audit.ts";
import { createKeyring } from "./domain/crypto/keyring.ts";
import { createPasswordHasher } from "./domain/crypto/password.ts";
import { createIdentityVault } from "./domain/identity/vault.ts";
import { type InstanceInfo, SOFTWARE_VERSION } from "./domain/instance.ts";
import { ActorKeyStore } from "./domain/keys.ts";
import { MediaService } from "./domain/media/service.ts";
import { MediaUrlSigner } from "./domain/media/signed-urls.ts";
import { OAuthService } from "./domain/oauth/service.ts";
import { RegisterService } from "./domain/registers/service.ts";

/** The domain services one instance runs with, wired to its database and secret. */
export interface Services {
  readonly config: Config;
  readonly instance: InstanceInfo;
  readonly database: DatabaseHandle;
  readonly accounts: AccountService;
  readonly oauth: OAuthService;
  readonly registers: RegisterService;
  readonly audit: AuditLog;
  readonly keys: ActorKeyStore;
  readonly media: MediaService;
  readonly mediaUrls: MediaUrlSigner;
  readonly sessionKey: Uint8Array;
}

export function createServices(config: Config, database: DatabaseHandle): Services {
  const keyring = createKeyring(config.secret);
  const { db } = database;
  const audit = new AuditLog(db);
  const registers = new RegisterService(db, keyring);
  return {
    config,
    instance: {
      origin: config.origin,
      host: new URL(config.origin).host,
      name: config.instanceName,
      country: config.country,
      version: SOFTWARE_VERSION,
    },
    database,
    accounts: new AccountService({
      db,
      vault: createIdentityVault(keyring),
      passwords: createPasswordHasher(config.passwordCost),
      audit,
      registers,
    }),
    oauth: new OAuthService(db),
    registers,
    audit,
    keys: new ActorKeyStore(db, keyring),
    media: new MediaService(db, config.dataDir),
    mediaUrls: new MediaUrlSigner(keyring.mediaKey, config.origin),
    sessionKey: keyring.sessionKey,
  };
}
