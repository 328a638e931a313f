import { randomBytes } from "node:crypto";
import { and, eq, inArray, isNull, or } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  accountNotes,
  accounts,
  accountWarnings,
  actorKeys,
  blocks,
  bookmarks,
  conversations,
  favourites,
  filterKeywords,
  filters,
  filterStatuses,
  followedTags,
  follows,
  homeFeed,
  idempotencyKeys,
  listAccounts,
  lists,
  markers,
  mediaAttachments,
  mutes,
  notifications,
  oauthCodes,
  oauthTokens,
  pins,
  staffSecondFactors,
  staffSessions,
  statuses,
  threadMutes,
} from "../../db/schema.ts";
import type { AuditLog } from "../audit.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import type { FederationPort } from "../federation-port.ts";
import type { IdentityVault } from "../identity/vault.ts";
import type { MediaService } from "../media/service.ts";
import type { ProfileImages } from "../media/profile-images.ts";
import type { ReportService } from "../moderation/reports.ts";
import type { StatusStore } from "../statuses/store.ts";
import type { AccountService } from "./service.ts";
import type { AccountRow } from "./types.ts";

/**
 * Leaving: a physician's account erased, by themselves (with their
 * password) or by staff for one who cannot sign in.  Every post goes, here
 * and on every peer (one Delete of the actor, sent by the instance actor);
 * follows, reactions, lists, filters, tokens and sessions go; the identity
 * vault entry is overwritten with nothing; the credential is revoked.  What
 * remains is the handle (reserved, so no one can take it to impersonate) and
 * an audit record that the account was deleted, and when.
 */
export class AccountErasure {
  readonly #db: Db;
  readonly #accounts: AccountService;
  readonly #vault: IdentityVault;
  readonly #store: StatusStore;
  readonly #media: MediaService;
  readonly #profileImages: ProfileImages;
  readonly #reports: ReportService;
  readonly #audit: AuditLog;
  readonly #events: DomainEvents;
  readonly #deleteExports: (accountId: string) => void;
  readonly #port: FederationPort;

  constructor(deps: {
    db: Db;
    accounts: AccountService;
    vault: IdentityVault;
    store: StatusStore;
    media: MediaService;
    profileImages: ProfileImages;
    reports: ReportService;
    audit: AuditLog;
    events: DomainEvents;
    port: FederationPort;
    deleteExports: (accountId: string) => void;
  }) {
    this.#db = deps.db;
    this.#accounts = deps.accounts;
    this.#vault = deps.vault;
    this.#store = deps.store;
    this.#media = deps.media;
    this.#profileImages = deps.profileImages;
    this.#reports = deps.reports;
    this.#audit = deps.audit;
    this.#events = deps.events;
    this.#deleteExports = deps.deleteExports;
    this.#port = deps.port;
  }

  /** The physician's own request: their password confirms it. */
  async deleteOwn(accountId: string, password: string, now = new Date()): Promise<void> {
    const account = this.#accounts.require(accountId);
    const email = this.#vault.open(account.id, account.identity).email;
    const confirmed = await this.#accounts.authenticate(email, password);
    if (confirmed?.id !== account.id) throw new DomainError("forbidden", "The password is not right");
    await this.#erase(account, null, "the physician's request", now);
  }

  /** Staff carry out an erasure request (a physician who cannot sign in). */
  async eraseByStaff(staffId: string, accountId: string, reason: string, now = new Date()): Promise<void> {
    const account = this.#accounts.require(accountId);
    if (!reason.trim()) throw new DomainError("unprocessable", "Validation failed: record the request being carried out");
    if (account.role !== "physician") throw new DomainError("forbidden", "Staff accounts are removed by changing their role first");
    await this.#erase(account, staffId, reason.trim(), now);
  }

  async #erase(account: AccountRow, staffId: string | null, reason: string, now: Date): Promise<void> {
    if (account.deletedAt) throw new DomainError("unprocessable", "This account was already deleted");
    if (account.role === "owner") throw new DomainError("forbidden", "The owner account cannot be deleted");
    const id = account.id;
    // Peers first: they remove the actor and everything of theirs they hold.
    if (account.status === "approved" || account.status === "suspended") await this.#port.accountDeleted(account);
    for (const status of this.#db.select().from(statuses).where(eq(statuses.accountId, id)).all()) this.#store.removeWithBoosts(status);
    const uploads = this.#db.select().from(mediaAttachments).where(eq(mediaAttachments.accountId, id)).all();
    this.#media.deleteFiles(uploads);
    // The avatar and header go too (files and their names).
    this.#profileImages.clearLocal(id, "avatar");
    this.#profileImages.clearLocal(id, "header");
    this.#deleteExports(id);
    const severed = this.#db.transaction(
      (tx) => {
        const ended = tx
          .delete(follows)
          .where(or(eq(follows.followerId, id), eq(follows.followingId, id)))
          .returning()
          .all();
        tx.delete(mediaAttachments).where(eq(mediaAttachments.accountId, id)).run();
        tx.delete(favourites).where(eq(favourites.accountId, id)).run();
        tx.delete(bookmarks).where(eq(bookmarks.accountId, id)).run();
        tx.delete(pins).where(eq(pins.accountId, id)).run();
        tx.delete(notifications)
          .where(or(eq(notifications.accountId, id), eq(notifications.fromAccountId, id)))
          .run();
        const ownLists = tx
          .select({ id: lists.id })
          .from(lists)
          .where(eq(lists.accountId, id))
          .all()
          .map((l) => l.id);
        if (ownLists.length > 0) tx.delete(listAccounts).where(inArray(listAccounts.listId, ownLists)).run();
        tx.delete(listAccounts).where(eq(listAccounts.accountId, id)).run();
        tx.delete(lists).where(eq(lists.accountId, id)).run();
        const ownFilters = tx
          .select({ id: filters.id })
          .from(filters)
          .where(eq(filters.accountId, id))
          .all()
          .map((f) => f.id);
        if (ownFilters.length > 0) {
          tx.delete(filterKeywords).where(inArray(filterKeywords.filterId, ownFilters)).run();
          tx.delete(filterStatuses).where(inArray(filterStatuses.filterId, ownFilters)).run();
        }
        tx.delete(filters).where(eq(filters.accountId, id)).run();
        tx.delete(mutes)
          .where(or(eq(mutes.accountId, id), eq(mutes.targetId, id)))
          .run();
        tx.delete(blocks)
          .where(or(eq(blocks.accountId, id), eq(blocks.targetId, id)))
          .run();
        tx.delete(threadMutes).where(eq(threadMutes.accountId, id)).run();
        tx.delete(followedTags).where(eq(followedTags.accountId, id)).run();
        tx.delete(markers).where(eq(markers.accountId, id)).run();
        tx.delete(conversations).where(eq(conversations.accountId, id)).run();
        tx.delete(accountNotes)
          .where(or(eq(accountNotes.accountId, id), eq(accountNotes.targetId, id)))
          .run();
        tx.delete(homeFeed).where(eq(homeFeed.accountId, id)).run();
        tx.delete(oauthTokens).where(eq(oauthTokens.accountId, id)).run();
        tx.delete(oauthCodes).where(eq(oauthCodes.accountId, id)).run();
        tx.delete(idempotencyKeys).where(eq(idempotencyKeys.accountId, id)).run();
        tx.delete(staffSessions).where(eq(staffSessions.accountId, id)).run();
        tx.delete(staffSecondFactors).where(eq(staffSecondFactors.accountId, id)).run();
        tx.delete(accountWarnings).where(eq(accountWarnings.accountId, id)).run();
        tx.delete(actorKeys).where(eq(actorKeys.owner, id)).run();
        // The identity is overwritten, not kept: nothing left to open.
        tx.update(accounts)
          .set({
            status: "suspended",
            deletedAt: now,
            displayName: "",
            note: "",
            disclosures: "",
            specialty: null,
            jurisdiction: null,
            emailHmac: `deleted:${id}`,
            passwordHash: `deleted:${randomBytes(16).toString("base64url")}`,
            identity: this.#vault.seal(id, {
              legalName: "",
              email: "",
              licenseNumber: "",
              licenseJurisdiction: "",
              licenseExpiresAt: null,
              registerMatch: { status: "none", matchedOn: [], checkedAt: now.toISOString() },
              reviewHistory: [],
            }),
            registerMatch: null,
            awaiting: null,
            credential: null,
            credentialExpiresAt: null,
            updatedAt: now,
          })
          .where(and(eq(accounts.id, id), isNull(accounts.deletedAt)))
          .run();
        return ended;
      },
      { behavior: "immediate" },
    );
    this.#reports.forgetReporter(id);
    for (const f of severed)
      this.#events.emit({ type: "relationship.changed", accountId: f.followerId, targetId: f.followingId, change: "unfollow" });
    this.#audit.record(
      { staffId, subjectId: id, action: "account.delete", reason: staffId ? `erasure carried out by staff: ${reason}` : reason },
      now,
    );
  }
}
