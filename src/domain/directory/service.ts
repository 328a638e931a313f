import { type AnyColumn, and, eq, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { idList, inIdList, once } from "../../db/prepared.ts";
import { accounts, remoteActors } from "../../db/schema.ts";
import { newId } from "../ids.ts";
import type { InstanceInfo } from "../instance.ts";
import { findSpecialty } from "../specialties.ts";
import { escapeHtml, plainTextToHtml } from "../text.ts";
import type { AccountRow } from "../accounts/types.ts";
import type { Clock } from "../clock.ts";

export type RemoteActorRow = typeof remoteActors.$inferSelect;

/** A local or remote account, as the client API and timelines see it. */
export interface AccountView {
  readonly id: string;
  readonly local: boolean;
  readonly username: string;
  /** null for local accounts */
  readonly host: string | null;
  readonly uri: string;
  readonly url: string;
  readonly displayName: string;
  readonly noteHtml: string;
  readonly locked: boolean;
  readonly fields: readonly { name: string; value: string }[];
  readonly createdAt: Date;
  readonly inboxUrl: string | null;
  readonly sharedInboxUrl: string | null;
  /** Holds a valid physician credential (checked, for remote actors). */
  readonly verified: boolean;
  /** Limited by this instance's staff: shown only to followers and in what addresses the viewer. */
  readonly silenced: boolean;
  /** Media always marked sensitive (staff's decision). */
  readonly sensitized: boolean;
  /** The avatar and header files held here (an upload, or a copy of a peer's); null: the generated default. */
  readonly avatarFile: string | null;
  readonly headerFile: string | null;
  readonly remote?: RemoteActorRow;
  readonly localAccount?: AccountRow;
}

export interface RemoteActorInput {
  readonly uri: string;
  readonly username: string;
  readonly displayName: string;
  readonly summaryHtml: string;
  readonly url: string | null;
  readonly inboxUrl: string;
  readonly sharedInboxUrl: string | null;
  readonly followersUrl: string | null;
  readonly featuredUrl?: string | null;
  readonly locked: boolean;
  readonly fields: readonly { name: string; value: string }[];
  readonly actorType: string;
  readonly credential: string | null;
  /** The actor's `icon` and `image` URLs (copied here by the federation edge, not stored as links). */
  readonly iconUrl?: string | null;
  readonly imageUrl?: string | null;
}

/** Local accounts and remote actors behind one set of ids and one view. */
export class Directory {
  readonly #db: Db;
  readonly #localByUsernameKey = once(() =>
    this.#db
      .select()
      .from(accounts)
      .where(eq(accounts.usernameKey, sql.placeholder("key")))
      .prepare(),
  );
  readonly #accountsByIds = once(() => this.#db.select().from(accounts).where(inIdList(accounts.id)).prepare());
  readonly #remoteByUri = once(() =>
    this.#db
      .select()
      .from(remoteActors)
      .where(eq(remoteActors.uri, sql.placeholder("uri")))
      .prepare(),
  );
  readonly #remoteByIds = once(() => this.#db.select().from(remoteActors).where(inIdList(remoteActors.id)).prepare());
  readonly #instance: InstanceInfo;
  readonly #clock: Clock;
  constructor(db: Db, instance: InstanceInfo, clock: Clock) {
    this.#db = db;
    this.#instance = instance;
    this.#clock = clock;
  }

  localView(account: AccountRow): AccountView {
    const uri = `${this.#instance.origin}/users/${account.username}`;
    const specialty = account.specialty ? findSpecialty(account.specialty) : undefined;
    return {
      id: account.id,
      local: true,
      username: account.username,
      host: null,
      uri,
      url: uri,
      displayName: account.displayName,
      noteHtml: plainTextToHtml(account.note),
      locked: account.locked,
      fields: [
        ...(specialty ? [{ name: "Specialty", value: escapeHtml(specialty.label) }] : []),
        ...(account.jurisdiction ? [{ name: "Jurisdiction", value: account.jurisdiction }] : []),
        ...(account.disclosures ? [{ name: "Disclosures", value: escapeHtml(account.disclosures) }] : []),
      ],
      createdAt: account.createdAt,
      inboxUrl: `${uri}/inbox`,
      sharedInboxUrl: `${this.#instance.origin}/inbox`,
      verified: account.credential != null && (account.credentialExpiresAt?.getTime() ?? 0) > this.#clock.now().getTime(),
      silenced: account.silenced,
      sensitized: account.sensitized,
      avatarFile: account.avatarFile,
      headerFile: account.headerFile,
      localAccount: account,
    };
  }

  remoteView(actor: RemoteActorRow): AccountView {
    return {
      id: actor.id,
      local: false,
      username: actor.username,
      host: actor.host,
      uri: actor.uri,
      url: actor.url ?? actor.uri,
      displayName: actor.displayName,
      noteHtml: actor.summaryHtml,
      locked: actor.locked,
      fields: JSON.parse(actor.fields),
      createdAt: actor.createdAt,
      inboxUrl: actor.inboxUrl,
      sharedInboxUrl: actor.sharedInboxUrl,
      verified: actor.credentialStatus === "valid" && (actor.credentialExpiresAt?.getTime() ?? 0) > this.#clock.now().getTime(),
      silenced: actor.silenced,
      sensitized: false,
      avatarFile: actor.avatarFile,
      headerFile: actor.headerFile,
      remote: actor,
    };
  }

  /** An account by id: approved local physicians and known remote actors only. */
  get(id: string): AccountView | undefined {
    if (!/^\d{1,20}$/.test(id)) return undefined;
    const local = this.#accountsByIds().get({ ids: idList([id]) });
    if (local) return local.status === "approved" ? this.localView(local) : undefined;
    const remote = this.#remoteByIds().get({ ids: idList([id]) });
    return remote && !remote.gone && !remote.suspended ? this.remoteView(remote) : undefined;
  }

  getMany(ids: readonly string[]): Map<string, AccountView> {
    const unique = [...new Set(ids)];
    const out = new Map<string, AccountView>();
    if (unique.length === 0) return out;
    for (const a of this.#accountsByIds().all({ ids: idList(unique) })) {
      if (a.status === "approved") out.set(a.id, this.localView(a));
    }
    const missing = unique.filter((id) => !out.has(id));
    if (missing.length > 0) {
      for (const r of this.#remoteByIds().all({ ids: idList(missing) })) {
        if (!r.gone && !r.suspended) out.set(r.id, this.remoteView(r));
      }
    }
    return out;
  }

  /** A peer's physician as stored, suspended or not (for staff). */
  findRemoteById(id: string): RemoteActorRow | undefined {
    return /^\d{1,20}$/.test(id) ? this.#remoteByIds().get({ ids: idList([id]) }) : undefined;
  }

  findRemoteByUri(uri: string): RemoteActorRow | undefined {
    return this.#remoteByUri().get({ uri });
  }

  findRemoteByHandle(username: string, host: string): RemoteActorRow | undefined {
    return this.#db
      .select()
      .from(remoteActors)
      .where(and(eq(remoteActors.username, username), eq(remoteActors.host, host.toLowerCase())))
      .get();
  }

  /** The actor's URI -> our account view (local accounts by their actor URI too). */
  byUri(uri: string): AccountView | undefined {
    const prefix = `${this.#instance.origin}/users/`;
    if (uri.startsWith(prefix)) {
      const username = uri.slice(prefix.length);
      const local = this.#localByUsernameKey().get({ key: username.toLowerCase() });
      return local?.status === "approved" ? this.localView(local) : undefined;
    }
    const remote = this.findRemoteByUri(uri);
    return remote && !remote.gone ? this.remoteView(remote) : undefined;
  }

  upsertRemote(input: RemoteActorInput, now = new Date()): RemoteActorRow {
    const url = new URL(input.uri);
    const previous = this.findRemoteByUri(input.uri);
    // A changed credential is checked again; an unchanged one keeps its cached result.
    const credentialChanged = previous?.credential !== input.credential;
    const values = {
      uri: input.uri,
      origin: url.origin,
      username: input.username,
      host: url.host.toLowerCase(),
      displayName: input.displayName,
      summaryHtml: input.summaryHtml,
      url: input.url,
      inboxUrl: input.inboxUrl,
      sharedInboxUrl: input.sharedInboxUrl,
      followersUrl: input.followersUrl,
      featuredUrl: input.featuredUrl ?? null,
      locked: input.locked,
      fields: JSON.stringify(input.fields),
      actorType: input.actorType,
      credential: input.credential,
      gone: false,
      fetchedAt: now,
      ...(credentialChanged ? { credentialCheckedAt: null, credentialStatus: "none" as const } : {}),
    };
    return this.#db
      .insert(remoteActors)
      .values({ id: newId(now.getTime()), createdAt: now, ...values })
      .onConflictDoUpdate({ target: remoteActors.uri, set: values })
      .returning()
      .get();
  }

  /** A 410 from an inbox: the actor behind it is gone. */
  markGoneByInbox(inboxUrl: string): void {
    this.#db.update(remoteActors).set({ gone: true }).where(eq(remoteActors.inboxUrl, inboxUrl)).run();
  }

  markGone(uri: string): void {
    this.#db.update(remoteActors).set({ gone: true }).where(eq(remoteActors.uri, uri)).run();
  }

  /**
   * Account search: local handles and display names, and known remote ones;
   * "name@host" narrows to that host (our own host means a local account).
   */
  search(query: string, limit: number): AccountView[] {
    const [name = "", host] = query.replace(/^@/, "").split("@");
    // Handles have underscores: LIKE's wildcards are escaped, not dropped.
    const q = `${name.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const startsWith = (column: AnyColumn, pattern: string) => sql`${column} LIKE ${pattern} ESCAPE '\\'`;
    const ownHost = host != null && host.toLowerCase() === this.#instance.host.toLowerCase();
    const local =
      host != null && !ownHost
        ? []
        : this.#db
            .select()
            .from(accounts)
            .where(
              and(
                eq(accounts.status, "approved"),
                or(startsWith(accounts.usernameKey, q.toLowerCase()), startsWith(accounts.displayName, q)),
              ),
            )
            .limit(limit)
            .all()
            .map((a) => this.localView(a));
    const remote = ownHost
      ? []
      : this.#db
          .select()
          .from(remoteActors)
          .where(
            and(
              eq(remoteActors.gone, false),
              or(startsWith(remoteActors.username, q), startsWith(remoteActors.displayName, q)),
              host ? startsWith(remoteActors.host, `${host.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`) : undefined,
            ),
          )
          .limit(limit)
          .all()
          .map((r) => this.remoteView(r));
    return [...local, ...remote].slice(0, limit);
  }
}
