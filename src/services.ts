import type { Config } from "./config.ts";
import type { DatabaseHandle } from "./db/client.ts";
import { AccountService } from "./domain/accounts/service.ts";
import { AuditLog } from "./domain/audit.ts";
import { createKeyring } from "./domain/crypto/keyring.ts";
import { createPasswordHasher } from "./domain/crypto/password.ts";
import { Directory } from "./domain/directory/service.ts";
import { type FederationPort, OfflinePort } from "./domain/federation-port.ts";
import { FollowService } from "./domain/follows/service.ts";
import { createIdentityVault } from "./domain/identity/vault.ts";
import { type InstanceInfo, SOFTWARE_VERSION } from "./domain/instance.ts";
import { ActorKeyStore } from "./domain/keys.ts";
import { MediaService } from "./domain/media/service.ts";
import { MediaUrlSigner } from "./domain/media/signed-urls.ts";
import { NotificationService } from "./domain/notifications/service.ts";
import { OAuthService } from "./domain/oauth/service.ts";
import { PeerService } from "./domain/peers/service.ts";
import { RegisterService } from "./domain/registers/service.ts";
import { type MentionResolver, StatusService } from "./domain/statuses/service.ts";
import type { StatusRow } from "./domain/statuses/types.ts";

/** The outgoing side of federation as the object dispatchers also need it. */
export interface FederationPortWithObjects extends FederationPort {
  objectFor(status: StatusRow): unknown;
}

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
  readonly directory: Directory;
  readonly peers: PeerService;
  readonly follows: FollowService;
  readonly notifications: NotificationService;
  readonly statuses: StatusService;
  readonly sessionKey: Uint8Array;
  /** Set once federation is wired (server); the CLI runs without it. */
  federationPort: FederationPortWithObjects;
}

export function createServices(config: Config, database: DatabaseHandle): Services {
  const keyring = createKeyring(config.secret);
  const { db } = database;
  const audit = new AuditLog(db);
  const registers = new RegisterService(db, keyring);
  const instance: InstanceInfo = {
    origin: config.origin,
    host: new URL(config.origin).host,
    name: config.instanceName,
    country: config.country,
    version: SOFTWARE_VERSION,
  };
  const offline = Object.assign(new OfflinePort(), { objectFor: () => null });
  const directory = new Directory(db, instance);
  const notifications = new NotificationService(db);
  const media = new MediaService(db, config.dataDir);
  const follows = new FollowService({ db, directory, notifications, port: offline });
  return {
    config,
    instance,
    database,
    accounts: new AccountService({ db, vault: createIdentityVault(keyring), passwords: createPasswordHasher(config.passwordCost), audit, registers }),
    oauth: new OAuthService(db),
    registers,
    audit,
    keys: new ActorKeyStore(db, keyring),
    media,
    mediaUrls: new MediaUrlSigner(keyring.mediaKey, config.origin),
    directory,
    peers: new PeerService(db, config.origin, offline),
    follows,
    notifications,
    statuses: new StatusService({ db, directory, follows, notifications, media, audit, instance, port: offline }),
    sessionKey: keyring.sessionKey,
    federationPort: offline,
  };
}

/** Points every service at the real federation port. */
export function connectFederation(services: Services, port: FederationPortWithObjects, resolveMention: MentionResolver): void {
  services.federationPort = port;
  services.peers.setPort(port);
  services.follows.setPort(port);
  services.statuses.setPort(port, resolveMention);
}
