import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Local accounts.  Nothing here identifies the physician: the real identity
 * lives encrypted in `identity` (the vault) and login uses `email_hmac`.
 */
export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    usernameKey: text("username_key").notNull(),
    displayName: text("display_name").notNull().default(""),
    note: text("note").notNull().default(""),
    disclosures: text("disclosures").notNull().default(""),
    role: text("role", { enum: ["physician", "verifier", "admin", "owner"] })
      .notNull()
      .default("physician"),
    status: text("status", { enum: ["pending", "approved", "rejected", "suspended"] })
      .notNull()
      .default("pending"),
    specialty: text("specialty"),
    jurisdiction: text("jurisdiction"),
    locale: text("locale").notNull().default("en"),
    locked: integer("locked", { mode: "boolean" }).notNull().default(false),
    emailHmac: text("email_hmac").notNull(),
    passwordHash: text("password_hash").notNull(),
    identity: text("identity").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    approvedAt: integer("approved_at", { mode: "timestamp_ms" }),
    /** The current physician credential (VC-JWT), while the account may hold one. */
    credential: text("credential"),
    credentialExpiresAt: integer("credential_expires_at", { mode: "timestamp_ms" }),
    /** The register check's outcome (exact, partial, inactive, none), kept in clear to sort the queue; the entry stays sealed. */
    registerMatch: text("register_match", { enum: ["exact", "partial", "inactive", "none"] }),
    /** Who a pending application waits for: the verifiers (null) or the applicant, asked for more information. */
    awaiting: text("awaiting", { enum: ["applicant"] }),
    /** Moderation: limited (posts only to followers and mentions), media forced sensitive, sign-in disabled. */
    silenced: integer("silenced", { mode: "boolean" }).notNull().default(false),
    sensitized: integer("sensitized", { mode: "boolean" }).notNull().default(false),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    /** Set when the physician left (or was erased): the handle stays reserved, nothing else is kept. */
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
    /** The last day this account used the API (NodeInfo's active users); kept to the hour. */
    lastActiveAt: integer("last_active_at", { mode: "timestamp_ms" }),
    /** Staff: tokens issued before this (a second factor set up or reset) no longer carry admin scopes. */
    staffTokensSince: integer("staff_tokens_since", { mode: "timestamp_ms" }),
    /** The uploaded avatar and header (files in the media directory, re-encoded); null: the generated default. */
    avatarFile: text("avatar_file"),
    headerFile: text("header_file"),
  },
  (t) => [
    uniqueIndex("accounts_username_key").on(t.usernameKey),
    uniqueIndex("accounts_email_hmac").on(t.emailHmac),
    index("accounts_status").on(t.status, t.id),
  ],
);

/** Persisted actor key pairs; private keys are encrypted with the secret. */
export const actorKeys = sqliteTable(
  "actor_keys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    owner: text("owner").notNull(),
    algorithm: text("algorithm", { enum: ["RSASSA-PKCS1-v1_5", "Ed25519"] }).notNull(),
    publicJwk: text("public_jwk").notNull(),
    privateJwk: text("private_jwk").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("actor_keys_owner_algorithm").on(t.owner, t.algorithm)],
);

/** Every staff read of an identity, and every decision about one. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    staffId: text("staff_id"),
    subjectId: text("subject_id"),
    action: text("action").notNull(),
    reason: text("reason").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("audit_log_subject").on(t.subjectId)],
);

/**
 * Imported register entries.  Names and licence numbers are kept only as
 * keyed hashes (for matching) and inside an encrypted blob (for review), so
 * the database file never links a person to a register entry in clear.
 */
export const registerEntries = sqliteTable(
  "register_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    source: text("source", { enum: ["gmc-lrmp", "nppes"] }).notNull(),
    jurisdiction: text("jurisdiction").notNull(),
    licenceHmac: text("licence_hmac").notNull(),
    surnameHmac: text("surname_hmac").notNull(),
    nameHmacs: text("name_hmacs").notNull(),
    active: integer("active", { mode: "boolean" }).notNull(),
    specialty: text("specialty"),
    sealed: text("sealed").notNull(),
    importedAt: integer("imported_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("register_entries_licence").on(t.source, t.jurisdiction, t.licenceHmac),
    index("register_entries_surname").on(t.surnameHmac),
  ],
);

export const oauthApps = sqliteTable(
  "oauth_apps",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    website: text("website"),
    redirectUris: text("redirect_uris").notNull(),
    scopes: text("scopes").notNull(),
    clientId: text("client_id").notNull(),
    clientSecretHash: text("client_secret_hash").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("oauth_apps_client_id").on(t.clientId)],
);

export const oauthCodes = sqliteTable("oauth_codes", {
  codeHash: text("code_hash").primaryKey(),
  appId: text("app_id").notNull(),
  accountId: text("account_id").notNull(),
  redirectUri: text("redirect_uri").notNull(),
  scopes: text("scopes").notNull(),
  codeChallenge: text("code_challenge"),
  codeChallengeMethod: text("code_challenge_method"),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  usedAt: integer("used_at", { mode: "timestamp_ms" }),
  /** When the signed-in staff member passed their second factor before this code was issued. */
  secondFactorAt: integer("second_factor_at", { mode: "timestamp_ms" }),
});

export const oauthTokens = sqliteTable(
  "oauth_tokens",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    appId: text("app_id").notNull(),
    accountId: text("account_id"),
    scopes: text("scopes").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    /** Carried from the code: the second factor was passed for this token (staff). */
    secondFactorAt: integer("second_factor_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("oauth_tokens_hash").on(t.tokenHash), index("oauth_tokens_app").on(t.appId)],
);

/** Fedify's key-value store. */
export const fedifyKv = sqliteTable(
  "fedify_kv",
  {
    key: text("key").primaryKey(),
    value: text("value").notNull(),
    expiresAt: integer("expires_at"),
  },
  (t) => [
    index("fedify_kv_expires")
      .on(t.expiresAt)
      .where(sql`expires_at IS NOT NULL`),
  ],
);

/** Fedify's durable message queue: rows leave only once handled. */
export const fedifyQueue = sqliteTable(
  "fedify_queue",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    message: text("message").notNull(),
    orderingKey: text("ordering_key"),
    availableAt: integer("available_at").notNull(),
    leasedUntil: integer("leased_until"),
    /** The queue worker holding the lease (see queue_workers). */
    leasedBy: text("leased_by"),
    /** The remote origin a delivery goes to: one slow origin holds only its own lane. */
    lane: text("lane"),
    enqueuedAt: integer("enqueued_at"),
  },
  (t) => [
    index("fedify_queue_available").on(t.availableAt, t.id),
    index("fedify_queue_ordering").on(t.orderingKey, t.id),
    index("fedify_queue_lane").on(t.lane, t.leasedUntil),
  ],
);

/** Live queue workers (one row a process), so leases of a dead one are taken back at once. */
export const queueWorkers = sqliteTable("queue_workers", {
  id: text("id").primaryKey(),
  host: text("host").notNull(),
  pid: integer("pid").notNull(),
  heartbeatAt: integer("heartbeat_at").notNull(),
});

/**
 * Failed sign-ins and second-factor codes per key (src/domain/failure-counts.ts),
 * shared by every process so that a brake holds behind a load balancer.  The
 * key is a SHA-256 digest (of an e-mail and client address, or an account id).
 */
export const failureCounts = sqliteTable(
  "failure_counts",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    /** When the window began, or the last failure (for a progressive brake). */
    at: integer("at").notNull(),
  },
  (t) => [index("failure_counts_at").on(t.at)],
);

/**
 * Scheduled jobs that one process at a time may run (src/ops/job-leases.ts):
 * credential renewal and backups.  The holder keeps a job by claiming it again
 * before `until`; when it dies, the job passes to whoever claims it next.
 */
export const jobLeases = sqliteTable("job_leases", {
  job: text("job").primaryKey(),
  /** The holding process (a random id per start). */
  holder: text("holder").notNull(),
  until: integer("until").notNull(),
});

/**
 * Domain events as each process announced them (src/events/relay.ts), so
 * that the others (a separate worker, the CLI, another web node) stream them
 * and refresh their caches.  Kept ten minutes.
 */
export const domainEvents = sqliteTable(
  "domain_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The announcing process (a random id per start). */
    process: text("process").notNull(),
    /** The event as JSON (rows with their dates; secrets left out). */
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("domain_events_created").on(t.createdAt)],
);

/**
 * Deliveries the domain asked for and the federation layer has not queued
 * yet (federation/durable-port.ts).  A row is written with the change it
 * announces (in its transaction where the service calls the port there) and
 * deleted once the activity is in Fedify's queue; a process that dies in
 * between leaves it for the next one to replay.
 */
export const federationIntents = sqliteTable(
  "federation_intents",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    method: text("method").notNull(),
    /** The port call's arguments as JSON (secrets left out). */
    args: text("args").notNull(),
    createdAt: integer("created_at").notNull(),
    /** "host:pid" of the process delivering it. */
    owner: text("owner").notNull(),
    leasedUntil: integer("leased_until").notNull(),
    attempts: integer("attempts").notNull().default(0),
  },
  (t) => [index("federation_intents_lease").on(t.leasedUntil)],
);

/**
 * Activities accepted at an inbox (signature verified, peer checked) and
 * waiting to be applied.  A row leaves once its activity is persisted.
 */
export const inboxActivities = sqliteTable(
  "inbox_activities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    activityId: text("activity_id").notNull(),
    actorUri: text("actor_uri").notNull(),
    /** The sender's origin: the lane its activities are applied in. */
    origin: text("origin").notNull(),
    /** The local handle of a personal inbox, null for the shared inbox. */
    recipient: text("recipient"),
    /** The object the activity is about: activities on one object are applied in order. */
    orderingKey: text("ordering_key"),
    body: text("body").notNull(),
    receivedAt: integer("received_at").notNull(),
    availableAt: integer("available_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    leasedUntil: integer("leased_until"),
    leasedBy: text("leased_by"),
  },
  (t) => [
    index("inbox_activities_due").on(t.availableAt, t.id),
    index("inbox_activities_origin").on(t.origin, t.leasedUntil),
    index("inbox_activities_ordering").on(t.orderingKey, t.id),
  ],
);

/** Activity ids already accepted: a re-delivery is answered 202 and changes nothing. */
export const seenActivities = sqliteTable(
  "seen_activities",
  {
    activityId: text("activity_id").primaryKey(),
    seenAt: integer("seen_at").notNull(),
  },
  (t) => [index("seen_activities_at").on(t.seenAt)],
);

/**
 * Public keys of remote actors, as fetched from their own origin (signed by
 * our instance actor).  Only a successful fetch writes here: a request that
 * fails verification never changes what is stored.
 */
export const remoteKeys = sqliteTable("remote_keys", {
  keyId: text("key_id").primaryKey(),
  owner: text("owner").notNull(),
  algorithm: text("algorithm").notNull(),
  publicKeyPem: text("public_key_pem").notNull(),
  fetchedAt: integer("fetched_at").notNull(),
});

/** Uploaded images, re-encoded and stripped of metadata; files live in the data dir. */
export const mediaAttachments = sqliteTable(
  "media_attachments",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    statusId: text("status_id"),
    mimeType: text("mime_type").notNull(),
    fileName: text("file_name").notNull(),
    previewFileName: text("preview_file_name").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    previewWidth: integer("preview_width").notNull(),
    previewHeight: integer("preview_height").notNull(),
    size: integer("size").notNull(),
    blurhash: text("blurhash").notNull(),
    description: text("description").notNull().default(""),
    focusX: real("focus_x").notNull().default(0),
    focusY: real("focus_y").notNull().default(0),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("media_attachments_account").on(t.accountId, t.id), index("media_attachments_status").on(t.statusId)],
);

/**
 * An upload accepted (202) and not yet decoded: large images are processed off
 * the request path.  The bytes wait beside the media files; a restart resumes.
 */
export const mediaProcessing = sqliteTable("media_processing", {
  id: text("id").primaryKey(),
  accountId: text("account_id").notNull(),
  description: text("description").notNull().default(""),
  focus: text("focus"),
  /** Why processing failed (the client reads it); null while waiting or working. */
  error: text("error"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

/**
 * Peering with another instance.  Each side's instance actor follows the
 * other; the peering is active only when both follows are accepted.
 */
export const peers = sqliteTable("peers", {
  origin: text("origin").primaryKey(),
  actorUri: text("actor_uri"),
  /** Their instance actor's followers: posts addressed to it are for the whole network. */
  followersUrl: text("followers_url"),
  inboxUrl: text("inbox_url"),
  sharedInboxUrl: text("shared_inbox_url"),
  /** Our follow of them: none | requested | accepted | rejected. */
  outgoing: text("outgoing", { enum: ["none", "requested", "accepted", "rejected"] })
    .notNull()
    .default("none"),
  outgoingFollowUri: text("outgoing_follow_uri"),
  /** Their follow of us: none | pending | accepted | rejected. */
  incoming: text("incoming", { enum: ["none", "pending", "accepted", "rejected"] })
    .notNull()
    .default("none"),
  incomingFollowUri: text("incoming_follow_uri"),
  endedAt: integer("ended_at", { mode: "timestamp_ms" }),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/** Physicians of peer instances, as last fetched. */
export const remoteActors = sqliteTable(
  "remote_actors",
  {
    id: text("id").primaryKey(),
    uri: text("uri").notNull(),
    origin: text("origin").notNull(),
    username: text("username").notNull(),
    host: text("host").notNull(),
    displayName: text("display_name").notNull().default(""),
    summaryHtml: text("summary_html").notNull().default(""),
    url: text("url"),
    inboxUrl: text("inbox_url").notNull(),
    sharedInboxUrl: text("shared_inbox_url"),
    followersUrl: text("followers_url"),
    /** The actor's `featured` collection (pinned posts). */
    featuredUrl: text("featured_url"),
    locked: integer("locked", { mode: "boolean" }).notNull().default(false),
    fields: text("fields").notNull().default("[]"),
    actorType: text("actor_type").notNull().default("Person"),
    /** The raw credential (VC-JWT) as published on the actor, if any. */
    credential: text("credential"),
    /** Result of checking that credential: valid | invalid | none, cached until it expires. */
    credentialStatus: text("credential_status", { enum: ["valid", "invalid", "none"] })
      .notNull()
      .default("none"),
    credentialReason: text("credential_reason"),
    credentialClaims: text("credential_claims"),
    credentialCheckedAt: integer("credential_checked_at", { mode: "timestamp_ms" }),
    credentialExpiresAt: integer("credential_expires_at", { mode: "timestamp_ms" }),
    gone: integer("gone", { mode: "boolean" }).notNull().default(false),
    /** Moderated here: limited (shown only to their followers here), or suspended (nothing of theirs kept or accepted). */
    silenced: integer("silenced", { mode: "boolean" }).notNull().default(false),
    suspended: integer("suspended", { mode: "boolean" }).notNull().default(false),
    /** The actor's `icon` and `image` as published (their URLs) and as copied here (re-encoded files). */
    avatarSource: text("avatar_source"),
    avatarFile: text("avatar_file"),
    headerSource: text("header_source"),
    headerFile: text("header_file"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    fetchedAt: integer("fetched_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("remote_actors_uri").on(t.uri),
    uniqueIndex("remote_actors_handle").on(t.username, t.host),
    index("remote_actors_host").on(t.host),
  ],
);

/** Posts, replies, cases and boosts, local and remote. */
export const statuses = sqliteTable(
  "statuses",
  {
    id: text("id").primaryKey(),
    uri: text("uri").notNull(),
    url: text("url"),
    accountId: text("account_id").notNull(),
    local: integer("local", { mode: "boolean" }).notNull(),
    kind: text("kind", { enum: ["note", "case", "boost"] }).notNull(),
    visibility: text("visibility", { enum: ["public", "unlisted", "private", "direct"] }).notNull(),
    contentHtml: text("content_html").notNull().default(""),
    sourceText: text("source_text"),
    spoilerText: text("spoiler_text").notNull().default(""),
    sensitive: integer("sensitive", { mode: "boolean" }).notNull().default(false),
    language: text("language"),
    inReplyToId: text("in_reply_to_id"),
    inReplyToUri: text("in_reply_to_uri"),
    inReplyToAccountId: text("in_reply_to_account_id"),
    reblogOfId: text("reblog_of_id"),
    contextUri: text("context_uri"),
    caseData: text("case_data"),
    caseStatus: text("case_status", { enum: ["open", "solved"] }),
    /** Incoming posts with PHI findings are held back from timelines for staff. */
    held: integer("held", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    editedAt: integer("edited_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("statuses_uri").on(t.uri),
    index("statuses_account").on(t.accountId, t.id),
    index("statuses_reply").on(t.inReplyToId, t.id),
    index("statuses_context").on(t.contextUri, t.id),
    index("statuses_reblog").on(t.reblogOfId),
    // Replies to an account, for the home rule when a follow of it changes.
    index("statuses_reply_account")
      .on(t.inReplyToAccountId)
      .where(sql`in_reply_to_account_id IS NOT NULL`),
    index("statuses_timeline").on(t.visibility, t.local, t.id),
  ],
);

export const statusTags = sqliteTable(
  "status_tags",
  {
    statusId: text("status_id").notNull(),
    tag: text("tag").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tag, t.statusId] }), index("status_tags_status").on(t.statusId)],
);

export const statusMentions = sqliteTable(
  "status_mentions",
  {
    statusId: text("status_id").notNull(),
    accountId: text("account_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.statusId, t.accountId] }), index("status_mentions_account").on(t.accountId)],
);

export const favourites = sqliteTable(
  "favourites",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    statusId: text("status_id").notNull(),
    uri: text("uri").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("favourites_account_status").on(t.accountId, t.statusId),
    index("favourites_status").on(t.statusId),
    uniqueIndex("favourites_uri").on(t.uri),
  ],
);

export const bookmarks = sqliteTable(
  "bookmarks",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    statusId: text("status_id").notNull(),
  },
  (t) => [uniqueIndex("bookmarks_account_status").on(t.accountId, t.statusId)],
);

export const follows = sqliteTable(
  "follows",
  {
    id: text("id").primaryKey(),
    followerId: text("follower_id").notNull(),
    followingId: text("following_id").notNull(),
    state: text("state", { enum: ["pending", "accepted"] }).notNull(),
    uri: text("uri").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("follows_pair").on(t.followerId, t.followingId),
    index("follows_following").on(t.followingId, t.state),
    uniqueIndex("follows_uri").on(t.uri),
  ],
);

/**
 * Each account's followers, following and posts (boosts and held posts left
 * out) and its last post's time, kept by triggers on statuses and follows in
 * the transaction of the change (migrations/0020_account_stats_triggers.sql),
 * so that rendering an account never counts its history.
 */
export const accountStats = sqliteTable("account_stats", {
  accountId: text("account_id").primaryKey(),
  followers: integer("followers").notNull().default(0),
  following: integer("following").notNull().default(0),
  statuses: integer("statuses").notNull().default(0),
  lastStatusAt: integer("last_status_at", { mode: "timestamp_ms" }),
});

export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    type: text("type").notNull(),
    fromAccountId: text("from_account_id").notNull(),
    statusId: text("status_id"),
    /** What a moderation notification is about: a warning's or a report's id. */
    subjectId: text("subject_id"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("notifications_account").on(t.accountId, t.id),
    uniqueIndex("notifications_unique").on(t.accountId, t.type, t.fromAccountId, t.statusId),
  ],
);

export const markers = sqliteTable(
  "markers",
  {
    accountId: text("account_id").notNull(),
    timeline: text("timeline").notNull(),
    lastReadId: text("last_read_id").notNull(),
    version: integer("version").notNull().default(1),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.timeline] })],
);

export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    accountId: text("account_id").notNull(),
    key: text("key").notNull(),
    statusId: text("status_id").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] })],
);

export const lists = sqliteTable(
  "lists",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    title: text("title").notNull(),
    repliesPolicy: text("replies_policy").notNull().default("list"),
    exclusive: integer("exclusive", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("lists_account").on(t.accountId)],
);

export const listAccounts = sqliteTable(
  "list_accounts",
  {
    listId: text("list_id").notNull(),
    accountId: text("account_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.accountId] })],
);

/** Polls (FEP-9967): local ones are counted here, remote ones mirror their origin. */
export const polls = sqliteTable("polls", {
  statusId: text("status_id").primaryKey(),
  local: integer("local", { mode: "boolean" }).notNull(),
  options: text("options").notNull(),
  multiple: integer("multiple", { mode: "boolean" }).notNull().default(false),
  hideTotals: integer("hide_totals", { mode: "boolean" }).notNull().default(false),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  closed: integer("closed", { mode: "boolean" }).notNull().default(false),
  eligibleSpecialties: text("eligible_specialties").notNull().default("[]"),
  eligibleJurisdictions: text("eligible_jurisdictions").notNull().default("[]"),
  /** Counts as the origin last reported them (remote polls). */
  remoteCounts: text("remote_counts"),
  remoteVotersCount: integer("remote_voters_count"),
  /** The origin's k-anonymised breakdown (remote polls). */
  remoteBreakdown: text("remote_breakdown"),
  /** Local polls: counts changed since the last Update(Question). */
  dirty: integer("dirty", { mode: "boolean" }).notNull().default(false),
  updatesSent: integer("updates_sent").notNull().default(0),
  /** When the last Update(Question) went out (ms), so that every process coalesces alike. */
  lastUpdateAt: integer("last_update_at").notNull().default(0),
});

export const pollVotes = sqliteTable(
  "poll_votes",
  {
    id: text("id").primaryKey(),
    pollId: text("poll_id").notNull(),
    accountId: text("account_id").notNull(),
    choice: integer("choice").notNull(),
    uri: text("uri"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("poll_votes_unique").on(t.pollId, t.accountId, t.choice), index("poll_votes_poll").on(t.pollId)],
);

/** Blocks, local and remote (a remote physician's Block of a local one arrives by federation). */
export const blocks = sqliteTable(
  "blocks",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    targetId: text("target_id").notNull(),
    uri: text("uri").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("blocks_pair").on(t.accountId, t.targetId), index("blocks_target").on(t.targetId)],
);

/** Mutes of accounts by local physicians (never federated). */
/** A physician's private note on another account (Mastodon's relationship `note`); never federated. */
export const accountNotes = sqliteTable(
  "account_notes",
  {
    accountId: text("account_id").notNull(),
    targetId: text("target_id").notNull(),
    comment: text("comment").notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.targetId] })],
);

export const mutes = sqliteTable(
  "mutes",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    targetId: text("target_id").notNull(),
    notifications: integer("notifications", { mode: "boolean" }).notNull().default(true),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("mutes_pair").on(t.accountId, t.targetId)],
);

/** Threads a physician muted (no more notifications from them). */
export const threadMutes = sqliteTable(
  "thread_mutes",
  {
    accountId: text("account_id").notNull(),
    contextUri: text("context_uri").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.contextUri] })],
);

/** Hashtags (specialty channels) a physician follows into the home timeline. */
/** A physician hides one peer instance for themselves (Mastodon's user-level domain blocks); never federated. */
export const domainBlocks = sqliteTable(
  "domain_blocks",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    domain: text("domain").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("domain_blocks_pair").on(t.accountId, t.domain), index("domain_blocks_domain").on(t.domain)],
);

/** Hashtags a physician features on their profile (Mastodon's featured tags). */
export const featuredTags = sqliteTable(
  "featured_tags",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    tag: text("tag").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("featured_tags_pair").on(t.accountId, t.tag)],
);

export const followedTags = sqliteTable(
  "followed_tags",
  {
    id: text("id").notNull(),
    accountId: text("account_id").notNull(),
    tag: text("tag").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.tag] }), index("followed_tags_tag").on(t.tag)],
);

/** Every version of a status, the first included (edit history). */
export const statusEdits = sqliteTable(
  "status_edits",
  {
    id: text("id").primaryKey(),
    statusId: text("status_id").notNull(),
    contentHtml: text("content_html").notNull(),
    spoilerText: text("spoiler_text").notNull().default(""),
    sensitive: integer("sensitive", { mode: "boolean" }).notNull().default(false),
    caseData: text("case_data"),
    pollOptions: text("poll_options"),
    mediaIds: text("media_ids").notNull().default("[]"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("status_edits_status").on(t.statusId, t.id)],
);

/** Direct threads, one row per participant and thread. */
export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    contextUri: text("context_uri").notNull(),
    lastStatusId: text("last_status_id").notNull(),
    unread: integer("unread", { mode: "boolean" }).notNull().default(true),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("conversations_thread").on(t.accountId, t.contextUri),
    index("conversations_account").on(t.accountId, t.lastStatusId),
  ],
);

/** Pinned (featured) statuses, local and as peers publish them. */
export const pins = sqliteTable(
  "pins",
  {
    accountId: text("account_id").notNull(),
    statusId: text("status_id").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.statusId] }), index("pins_status").on(t.statusId)],
);

/** Mastodon's filters (v2): keywords or statuses to warn about or hide, per context. */
export const filters = sqliteTable(
  "filters",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    title: text("title").notNull(),
    context: text("context").notNull(),
    action: text("action", { enum: ["warn", "hide", "blur"] })
      .notNull()
      .default("warn"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("filters_account").on(t.accountId)],
);

export const filterKeywords = sqliteTable(
  "filter_keywords",
  {
    id: text("id").primaryKey(),
    filterId: text("filter_id").notNull(),
    keyword: text("keyword").notNull(),
    wholeWord: integer("whole_word", { mode: "boolean" }).notNull().default(true),
  },
  (t) => [index("filter_keywords_filter").on(t.filterId)],
);

export const filterStatuses = sqliteTable(
  "filter_statuses",
  {
    id: text("id").primaryKey(),
    filterId: text("filter_id").notNull(),
    statusId: text("status_id").notNull(),
  },
  (t) => [index("filter_statuses_filter").on(t.filterId), uniqueIndex("filter_statuses_pair").on(t.filterId, t.statusId)],
);

/** The instance's rules (edited by staff), shown by the instance endpoints. */
export const instanceRules = sqliteTable("instance_rules", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  text: text("text").notNull(),
  hint: text("hint").notNull().default(""),
  position: integer("position").notNull().default(0),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

/** Settings staff change from the console (name, description, contact, registrations, second factor). */
export const instanceSettings = sqliteTable("instance_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/** A staff member's TOTP second factor: the secret sealed, recovery codes as keyed hashes. */
export const staffSecondFactors = sqliteTable("staff_second_factors", {
  accountId: text("account_id").primaryKey(),
  secret: text("secret").notNull(),
  confirmedAt: integer("confirmed_at", { mode: "timestamp_ms" }),
  /** The last TOTP time step accepted: a code is good once. */
  lastStep: integer("last_step").notNull().default(0),
  recoveryCodes: text("recovery_codes").notNull().default("[]"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

/** Console sessions: the cookie holds a random token, the table its hash. */
export const staffSessions = sqliteTable(
  "staff_sessions",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    secondFactorAt: integer("second_factor_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("staff_sessions_account").on(t.accountId)],
);

/** Register extracts imported in the background, with their progress. */
export const registerImports = sqliteTable("register_imports", {
  id: text("id").primaryKey(),
  source: text("source"),
  fileName: text("file_name").notNull().default(""),
  state: text("state", { enum: ["running", "done", "failed", "interrupted"] }).notNull(),
  total: integer("total").notNull().default(0),
  processed: integer("processed").notNull().default(0),
  imported: integer("imported").notNull().default(0),
  matchesChanged: integer("matches_changed").notNull().default(0),
  errors: text("errors").notNull().default("[]"),
  message: text("message"),
  startedBy: text("started_by"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
});

/**
 * The home feed, materialised on write: a row per (local viewer, status)
 * that the home timeline's rule admits (src/domain/timelines/home-rule.ts).
 * A page is one indexed read.
 */
export const homeFeed = sqliteTable(
  "home_feed",
  {
    accountId: text("account_id").notNull(),
    statusId: text("status_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.statusId] }), index("home_feed_status").on(t.statusId)],
);

/**
 * Reports: by a local physician (about anyone), or a peer's `Flag` (the
 * reporting instance only, never its physician).
 */
export const reports = sqliteTable(
  "reports",
  {
    id: text("id").primaryKey(),
    /** The local reporter; null for a report from a peer. */
    accountId: text("account_id"),
    /** A peer's report: its origin, and the Flag's id. */
    origin: text("origin"),
    uri: text("uri"),
    targetAccountId: text("target_account_id").notNull(),
    statusIds: text("status_ids").notNull().default("[]"),
    ruleIds: text("rule_ids").notNull().default("[]"),
    comment: text("comment").notNull().default(""),
    category: text("category", { enum: ["spam", "legal", "violation", "other"] })
      .notNull()
      .default("other"),
    forwarded: integer("forwarded", { mode: "boolean" }).notNull().default(false),
    assignedAccountId: text("assigned_account_id"),
    actionTaken: integer("action_taken", { mode: "boolean" }).notNull().default(false),
    actionTakenAt: integer("action_taken_at", { mode: "timestamp_ms" }),
    actionTakenByAccountId: text("action_taken_by_account_id"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("reports_open").on(t.actionTaken, t.id),
    index("reports_target").on(t.targetAccountId),
    uniqueIndex("reports_uri").on(t.uri),
  ],
);

/** Moderation decisions on local physicians (Mastodon's account warnings), with one appeal each. */
export const accountWarnings = sqliteTable(
  "account_warnings",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    action: text("action", { enum: ["none", "sensitive", "disable", "silence", "suspend", "delete_statuses"] }).notNull(),
    text: text("text").notNull().default(""),
    statusIds: text("status_ids").notNull().default("[]"),
    reportId: text("report_id"),
    createdByAccountId: text("created_by_account_id"),
    appealText: text("appeal_text"),
    appealedAt: integer("appealed_at", { mode: "timestamp_ms" }),
    appealState: text("appeal_state", { enum: ["pending", "approved", "rejected"] }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("account_warnings_account").on(t.accountId, t.id)],
);

/** Archives of a physician's data, built in the background and downloaded through an expiring link. */
export const dataExports = sqliteTable(
  "data_exports",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    state: text("state", { enum: ["running", "done", "failed"] }).notNull(),
    fileName: text("file_name"),
    size: integer("size"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("data_exports_account").on(t.accountId, t.id)],
);

/** Addresses of local objects that were deleted: fetched again, they answer 410 Gone with a Tombstone. */
export const tombstones = sqliteTable("tombstones", {
  uri: text("uri").primaryKey(),
  formerType: text("former_type").notNull(),
  deletedAt: integer("deleted_at", { mode: "timestamp_ms" }).notNull(),
});
