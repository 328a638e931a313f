import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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
  (t) => [index("fedify_kv_expires").on(t.expiresAt).where(sql`expires_at IS NOT NULL`)],
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
  },
  (t) => [
    index("fedify_queue_available").on(t.availableAt, t.id),
    index("fedify_queue_ordering").on(t.orderingKey, t.id),
  ],
);

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
