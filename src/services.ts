import type { EventRows } from "./events/relay.ts";
import type { Config } from "./config.ts";
import type { DatabaseHandle } from "./db/client.ts";
import { AccountReview } from "./domain/accounts/review.ts";
import { AccountService } from "./domain/accounts/service.ts";
import { AuditLog } from "./domain/audit.ts";
import { Clock } from "./domain/clock.ts";
import { ConversationService } from "./domain/conversations/service.ts";
import { CredentialIssuer } from "./domain/credentials/issuer.ts";
import { CredentialLifecycle } from "./domain/credentials/lifecycle.ts";
import { CredentialVerifier, type JwksFetcher } from "./domain/credentials/verifier.ts";
import { createKeyring } from "./domain/crypto/keyring.ts";
import { createPasswordHasher } from "./domain/crypto/password.ts";
import { AccountCounter } from "./domain/directory/counts.ts";
import { Directory } from "./domain/directory/service.ts";
import { DomainEvents } from "./domain/events.ts";
import type { FederationPort } from "./domain/federation-port.ts";
import { DurablePort } from "../federation/durable-port.ts";
import { FilterService } from "./domain/filters/service.ts";
import { FollowService } from "./domain/follows/service.ts";
import { createIdentityVault } from "./domain/identity/vault.ts";
import { type InstanceInfo, SOFTWARE_VERSION } from "./domain/instance.ts";
import { InstanceRules } from "./domain/instance-rules.ts";
import { ActorKeyStore } from "./domain/keys.ts";
import { ListService } from "./domain/lists/service.ts";
import { MediaService } from "./domain/media/service.ts";
import { MediaProcessing } from "./domain/media/processing.ts";
import { TextInImages } from "./domain/media/ocr.ts";
import { ProfileImages } from "./domain/media/profile-images.ts";
import { MediaUrlSigner } from "./domain/media/signed-urls.ts";
import { NotificationService } from "./domain/notifications/service.ts";
import { OAuthService } from "./domain/oauth/service.ts";
import { PeerService } from "./domain/peers/service.ts";
import { PollService } from "./domain/polls/service.ts";
import { RegisterService } from "./domain/registers/service.ts";
import { RelationQueries } from "./domain/relations/queries.ts";
import { RelationService } from "./domain/relations/service.ts";
import { DomainBlocks } from "./domain/relations/domain-blocks.ts";
import { EditHistory } from "./domain/statuses/history.ts";
import { ReactionService } from "./domain/statuses/reactions.ts";
import { ReceivedStatuses } from "./domain/statuses/received.ts";
import { StatusService } from "./domain/statuses/service.ts";
import { StatusStore } from "./domain/statuses/store.ts";
import { AccountActivity } from "./domain/accounts/activity.ts";
import { NetworkCollections, Tombstones } from "./domain/statuses/network-collections.ts";
import type { StatusRow } from "./domain/statuses/types.ts";
import { StatusVisibility } from "./domain/statuses/visibility.ts";
import { TagService } from "./domain/tags/service.ts";
import { FeaturedTags } from "./domain/tags/featured.ts";
import { AccountErasure } from "./domain/accounts/erasure.ts";
import { DataExports } from "./domain/exports/service.ts";
import { ModerationActions } from "./domain/moderation/actions.ts";
import { ReportService } from "./domain/moderation/reports.ts";
import { HomeFeed } from "./domain/timelines/feed.ts";
import { TimelineService } from "./domain/timelines/service.ts";
import { ReviewQueue } from "./domain/accounts/queue.ts";
import { RegisterImports } from "./domain/registers/imports.ts";
import { InstanceSettings } from "./domain/settings.ts";
import { SecondFactors } from "./domain/staff/second-factor.ts";
import { StaffSessions } from "./domain/staff/sessions.ts";

/** Deliveries waiting per remote origin, and accepted activities not yet applied (for staff and metrics). */
export interface QueueStatus {
  lanes(): { origin: string; queued: number; ready: number; oldestMs: number }[];
  inbox(): { queued: number; oldestMs: number };
}

/** The outgoing side of federation as the object dispatchers also need it. */
export interface FederationPortWithObjects extends FederationPort {
  objectFor(status: StatusRow): unknown;
  /** The activity a status was published with (Create, or Announce for a boost), as the outbox lists it. */
  activityFor(status: StatusRow): unknown;
}

/** The domain services one instance runs with, wired to its database and secret. */
export interface Services {
  readonly config: Config;
  readonly instance: InstanceInfo;
  readonly database: DatabaseHandle;
  readonly events: DomainEvents;
  readonly accounts: AccountService;
  /** Verifiers' decisions, identity reads and licence records. */
  readonly review: AccountReview;
  readonly oauth: OAuthService;
  readonly registers: RegisterService;
  readonly registerImports: RegisterImports;
  readonly audit: AuditLog;
  /** What staff set from the console (name, description, contact, registrations, second factor). */
  readonly settings: InstanceSettings;
  readonly reviewQueue: ReviewQueue;
  readonly secondFactors: SecondFactors;
  readonly staffSessions: StaffSessions;
  readonly keys: ActorKeyStore;
  readonly media: MediaService;
  /** Large uploads decoded off the request path (POST /api/v2/media answers 202). */
  readonly mediaProcessing: MediaProcessing;
  /** Reads text in images (tesseract.js, started on first use). */
  readonly textInImages: TextInImages;
  readonly mediaUrls: MediaUrlSigner;
  /** Avatars and headers (uploaded, copied from peers, or generated). */
  readonly profileImages: ProfileImages;
  /** Signed links to avatar and header files. */
  readonly profileUrls: MediaUrlSigner;
  readonly directory: Directory;
  readonly peers: PeerService;
  readonly follows: FollowService;
  readonly relations: RelationService;
  readonly relationQueries: RelationQueries;
  /** A physician hides a whole peer instance for themselves. */
  readonly domainBlocks: DomainBlocks;
  readonly notifications: NotificationService;
  /** Reads of statuses shared by every status service. */
  readonly store: StatusStore;
  readonly accountActivity: AccountActivity;
  readonly networkCollections: NetworkCollections;
  readonly tombstones: Tombstones;
  readonly visibility: StatusVisibility;
  /** What local physicians write. */
  readonly statuses: StatusService;
  readonly reactions: ReactionService;
  /** What peers send. */
  readonly received: ReceivedStatuses;
  readonly timelines: TimelineService;
  /** Followers, following and posts per account, kept until an event changes them. */
  readonly accountCounts: AccountCounter;
  /** The home feed, materialised on write (kept by domain events). */
  readonly homeFeed: HomeFeed;
  readonly history: EditHistory;
  readonly conversations: ConversationService;
  readonly tags: TagService;
  /** Hashtags physicians feature on their profiles. */
  readonly featuredTags: FeaturedTags;
  readonly filters: FilterService;
  readonly rules: InstanceRules;
  readonly reports: ReportService;
  /** Staff decisions on accounts, posts and peers, warnings and appeals. */
  readonly moderation: ModerationActions;
  /** Leaving: an account erased here and on every peer. */
  readonly erasure: AccountErasure;
  readonly exports: DataExports;
  /** Expiring links to a physician's archive. */
  readonly exportUrls: MediaUrlSigner;
  readonly polls: PollService;
  readonly lists: ListService;
  readonly clock: Clock;
  readonly credentials: CredentialIssuer;
  readonly credentialLifecycle: CredentialLifecycle;
  readonly verifier: CredentialVerifier;
  readonly sessionKey: Uint8Array;
  /** Set once federation is wired (server); the CLI runs without it. */
  /** The port every service announces through (durable: federation/durable-port.ts). */
  federationPort: DurablePort;
  queueStatus: QueueStatus;
}

export function createServices(config: Config, database: DatabaseHandle): Services {
  const keyring = createKeyring(config.secret);
  const { db } = database;
  const events = new DomainEvents();
  const audit = new AuditLog(db);
  const registers = new RegisterService(db, keyring);
  const settings = new InstanceSettings({
    db,
    audit,
    events,
    defaults: {
      name: config.instanceName,
      contactEmail: config.contactEmail,
      registrationsOpen: true,
      // Required in production; elsewhere staff may turn it on.
      staffSecondFactorRequired: config.env === "production",
    },
  });
  const instance: InstanceInfo = {
    origin: config.origin,
    host: new URL(config.origin).host,
    get name() {
      return settings.current().name;
    },
    country: config.country,
    version: SOFTWARE_VERSION,
  };
  // The one port every service announces through, from the start: what is announced before (or without)
  // a deliverer is recorded and delivered by whichever process on this database runs federation.
  const port = new DurablePort(database.sqlite);
  const clock = new Clock();
  const directory = new Directory(db, instance, clock);
  const relationQueries = new RelationQueries(db);
  events.subscribe(
    (event) => {
      if (event.type !== "relationship.changed") return;
      relationQueries.forget(event.accountId);
      relationQueries.forget(event.targetId);
    },
    { everyProcess: true },
  );
  const notifications = new NotificationService({ db, events, relations: relationQueries });
  // Text burned into images is read (OCR) and checked by the privacy guard, off the request path.
  const textInImages = new TextInImages({ languages: config.ocrLanguages, dataDir: config.dataDir });
  const media = new MediaService(db, config.mediaDir, textInImages);
  const follows = new FollowService({ db, directory, notifications, events, port });
  const relations = new RelationService({ db, directory, follows, events, port });
  const keys = new ActorKeyStore(db, keyring);
  const vault = createIdentityVault(keyring);
  const accounts = new AccountService({
    db,
    vault,
    passwords: createPasswordHasher(config.passwordCost),
    registers,
    registrationsOpen: () => settings.current().registrationsOpen,
  });
  const review = new AccountReview({ db, vault, audit, registers, accounts });
  review.backfillRegisterMatch();
  const peers = new PeerService(db, config.origin, port, events);
  const credentials = new CredentialIssuer({ db, keys, instance, clock, lifetimeDays: config.credentialDays });
  const credentialLifecycle = new CredentialLifecycle({ issuer: credentials, review, port });
  const store = new StatusStore({ db, media, notifications, events });
  const polls = new PollService({ db, statuses: store, directory, notifications, clock, port });
  const profileImages = new ProfileImages({ db, media });
  const rules = new InstanceRules(db);
  const reports = new ReportService({ db, directory, store, rules, audit, notifications, port });
  const exports = new DataExports({ db, dataDir: config.dataDir, audit });
  const visibility = new StatusVisibility({ store, directory, follows, relations: relationQueries });
  const homeFeed = new HomeFeed({ sqlite: database.sqlite, events });
  const statuses = new StatusService({
    db,
    store,
    visibility,
    directory,
    notifications,
    media,
    instance,
    polls,
    events,
    port,
    resolveMention: (mention) => port.resolveMention(mention),
  });
  homeFeed.start();
  return {
    config,
    instance,
    database,
    events,
    accounts,
    review,
    oauth: new OAuthService(db),
    registers,
    registerImports: new RegisterImports({ db, registers, review, audit }),
    audit,
    settings,
    reviewQueue: new ReviewQueue(db),
    secondFactors: new SecondFactors({
      db,
      keyring,
      audit,
      issuer: config.instanceName,
      required: () => settings.current().staffSecondFactorRequired,
    }),
    staffSessions: new StaffSessions(db),
    keys,
    media,
    mediaProcessing: new MediaProcessing({ db, media }),
    textInImages,
    mediaUrls: new MediaUrlSigner(keyring.mediaKey, config.origin),
    profileImages,
    profileUrls: new MediaUrlSigner(keyring.mediaKey, config.origin, { path: "/profile-images" }),
    directory,
    peers,
    follows,
    relations,
    relationQueries,
    domainBlocks: new DomainBlocks({ db, follows, events, ownHost: instance.host }),
    notifications,
    store,
    accountActivity: new AccountActivity(db, clock),
    networkCollections: new NetworkCollections(db),
    tombstones: new Tombstones(db, events),
    visibility,
    statuses,
    reactions: new ReactionService({ db, store, visibility, directory, notifications, events, port }),
    received: new ReceivedStatuses({ db, store, visibility, notifications, audit, events }),
    timelines: new TimelineService({ db, store, visibility, feed: homeFeed, clock }),
    homeFeed,
    accountCounts: new AccountCounter({ db, events }),
    history: new EditHistory({ db, events }),
    conversations: new ConversationService({ db, events }),
    tags: new TagService({ db: database.adb, events }),
    featuredTags: new FeaturedTags(database.adb),
    filters: new FilterService({ db, events }),
    rules,
    reports,
    moderation: new ModerationActions({
      db,
      accounts,
      review,
      store,
      statuses,
      notifications,
      audit,
      credentials: credentialLifecycle,
      reports,
      peers,
      events,
    }),
    erasure: new AccountErasure({
      db,
      accounts,
      vault,
      store,
      media,
      profileImages,
      reports,
      audit,
      events,
      port,
      deleteExports: (id) => exports.deleteFor(id),
    }),
    exports,
    exportUrls: new MediaUrlSigner(keyring.mediaKey, config.origin, { path: "/exports", lifetimeDays: 2 }),
    polls,
    lists: new ListService({ db, directory, follows, events }),
    clock,
    credentials,
    credentialLifecycle,
    verifier: new CredentialVerifier({ db, clock, isActivePeer: (origin) => peers.isActive(origin), fetchJwks: noJwks }),
    sessionKey: keyring.sessionKey,
    federationPort: port,
    queueStatus: { lanes: () => [], inbox: () => ({ queued: 0, oldestMs: 0 }) },
  };
}

/** Offline (the CLI): credentials of peers are checked only by a running server, through its guarded client. */
const noJwks: JwksFetcher = async (origin) => {
  throw new Error(`JWKS of ${origin}: federation is not available in this process`);
};

/** How the event relay reads back the rows another process's events name. */
export function eventRows(services: Services): EventRows {
  return {
    status: (id) => services.store.get(id),
    notification: (accountId, id) => services.notifications.get(accountId, id),
  };
}
