import type { Config } from "./config.ts";
import type { DatabaseHandle } from "./db/client.ts";
import { AccountService } from "./domain/accounts/service.ts";
import { AuditLog } from "./domain/audit.ts";
import { Clock } from "./domain/clock.ts";
import { CredentialIssuer } from "./domain/credentials/issuer.ts";
import { CredentialLifecycle } from "./domain/credentials/lifecycle.ts";
import { CredentialVerifier, type JwksFetcher } from "./domain/credentials/verifier.ts";
import { createKeyring } from "./domain/crypto/keyring.ts";
import { createPasswordHasher } from "./domain/crypto/password.ts";
import { Directory } from "./domain/directory/service.ts";
import { type FederationPort, OfflinePort } from "./domain/federation-port.ts";
import { FollowService } from "./domain/follows/service.ts";
import { createIdentityVault } from "./domain/identity/vault.ts";
import { type InstanceInfo, SOFTWARE_VERSION } from "./domain/instance.ts";
import { ActorKeyStore } from "./domain/keys.ts";
import { ListService } from "./domain/lists/service.ts";
import { MediaService } from "./domain/media/service.ts";
import { MediaUrlSigner } from "./domain/media/signed-urls.ts";
import { NotificationService } from "./domain/notifications/service.ts";
import { OAuthService } from "./domain/oauth/service.ts";
import { PeerService } from "./domain/peers/service.ts";
import { PollService } from "./domain/polls/service.ts";
import { RegisterService } from "./domain/registers/service.ts";
import { type MentionResolver, StatusService } from "./domain/statuses/service.ts";
import type { StatusRow } from "./domain/statuses/types.ts";

/** Deliveries waiting per remote origin, and accepted activities not yet applied (for staff and metrics). */
export interface QueueStatus {
  lanes(): { origin: string; queued: number; ready: number; oldestMs: number }[];
  inbox(): { queued: number; oldestMs: number };
}

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
  readonly polls: PollService;
  readonly lists: ListService;
  readonly clock: Clock;
  readonly credentials: CredentialIssuer;
  readonly credentialLifecycle: CredentialLifecycle;
  readonly verifier: CredentialVerifier;
  readonly sessionKey: Uint8Array;
  /** Set once federation is wired (server); the CLI runs without it. */
  federationPort: FederationPortWithObjects;
  queueStatus: QueueStatus;
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
  const clock = new Clock();
  const directory = new Directory(db, instance, clock);
  const notifications = new NotificationService(db);
  const media = new MediaService(db, config.dataDir);
  const follows = new FollowService({ db, directory, notifications, port: offline });
  const keys = new ActorKeyStore(db, keyring);
  const accounts = new AccountService({ db, vault: createIdentityVault(keyring), passwords: createPasswordHasher(config.passwordCost), audit, registers });
  const peers = new PeerService(db, config.origin, offline);
  const credentials = new CredentialIssuer({ db, keys, instance, clock, lifetimeDays: config.credentialDays });
  const polls = new PollService({ db, directory, notifications, clock, port: offline });
  return {
    config,
    instance,
    database,
    accounts,
    oauth: new OAuthService(db),
    registers,
    audit,
    keys,
    media,
    mediaUrls: new MediaUrlSigner(keyring.mediaKey, config.origin),
    directory,
    peers,
    follows,
    notifications,
    statuses: new StatusService({ db, directory, follows, notifications, media, audit, instance, polls, port: offline }),
    polls,
    lists: new ListService({ db, directory, follows }),
    clock,
    credentials,
    credentialLifecycle: new CredentialLifecycle({ issuer: credentials, accounts, port: offline }),
    verifier: new CredentialVerifier({ db, clock, isActivePeer: (origin) => peers.isActive(origin), fetchJwks: noJwks }),
    sessionKey: keyring.sessionKey,
    federationPort: offline,
    queueStatus: { lanes: () => [], inbox: () => ({ queued: 0, oldestMs: 0 }) },
  };
}

/** Points every service at the real federation port. */
export function connectFederation(services: Services, port: FederationPortWithObjects, resolveMention: MentionResolver): void {
  services.federationPort = port;
  services.peers.setPort(port);
  services.follows.setPort(port);
  services.statuses.setPort(port, resolveMention);
  services.credentialLifecycle.setPort(port);
  services.polls.setPort(port);
}

/** Offline (the CLI): credentials of peers are checked only by a running server, through its guarded client. */
const noJwks: JwksFetcher = async (origin) => {
  throw new Error(`JWKS of ${origin}: federation is not available in this process`);
};
