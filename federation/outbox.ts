import type { Context } from "@fedify/fedify";
import type { Recipient } from "@fedify/vocab";
import {
  Add,
  Announce,
  type Activity,
  Article,
  Block,
  Create,
  Delete,
  Flag,
  Follow,
  Accept,
  Reject,
  Like,
  Note,
  Question,
  Remove,
  Tombstone,
  Undo,
  Update,
  isActor,
} from "@fedify/vocab";
import { randomUUID } from "node:crypto";
import { Temporal } from "@js-temporal/polyfill";
import type { AccountRow } from "../src/domain/accounts/types.ts";
import type { AccountView } from "../src/domain/directory/service.ts";
import type { FederationPort, InstanceActorInfo } from "../src/domain/federation-port.ts";
import type { PeerRow } from "../src/domain/peers/service.ts";
import type { BlockRow } from "../src/domain/relations/service.ts";
import type { ReportRow } from "../src/domain/moderation/reports.ts";
import type { FavouriteRow, FollowRow, StatusRow } from "../src/domain/statuses/types.ts";
import type { Services } from "../src/services.ts";
import { INSTANCE_ACTOR_ID, physicianActor } from "./actors.ts";
import { audienceOf, statusObject } from "./convert.ts";
import type { ConsiliumFederation } from "./federation.ts";
import { logger } from "../src/logging.ts";

const log = logger("federation", "outbox");

function recipientOf(account: AccountView): Recipient | null {
  if (account.local || !account.inboxUrl) return null;
  return {
    id: new URL(account.uri),
    inboxId: new URL(account.inboxUrl),
    endpoints: account.sharedInboxUrl ? { sharedInbox: new URL(account.sharedInboxUrl) } : null,
  };
}

function peerRecipient(peer: PeerRow): Recipient | null {
  if (!peer.actorUri || !peer.inboxUrl) return null;
  return {
    id: new URL(peer.actorUri),
    inboxId: new URL(peer.inboxUrl),
    endpoints: peer.sharedInboxUrl ? { sharedInbox: new URL(peer.sharedInboxUrl) } : null,
  };
}

/**
 * Turns domain events into activities and queues them with Fedify (the
 * durable SQLite queue).  Network posts go to every active peer's shared
 * inbox: one request per peer however many followers live there.
 */
export class FedifyPort implements FederationPort {
  readonly #federation: ConsiliumFederation;
  readonly #services: Services;

  constructor(federation: ConsiliumFederation, services: Services) {
    this.#federation = federation;
    this.#services = services;
  }

  #ctx(): Context<Services> {
    return this.#federation.createContext(new URL(this.#services.instance.origin), this.#services);
  }

  #activePeers(): Recipient[] {
    return this.#services.peers
      .list()
      .filter((p) => this.#services.peers.isActive(p.origin))
      .map(peerRecipient)
      .filter((r): r is Recipient => r != null);
  }

  async #send(sender: string, recipients: Recipient[], activity: Activity, orderingKey?: string, preferSharedInbox = true): Promise<void> {
    if (recipients.length === 0) return;
    // Staff are not physicians on the network: what they do stays on this instance.
    if (sender !== INSTANCE_ACTOR_ID && this.#services.accounts.findByUsername(sender)?.role !== "physician") {
      log.debug("Not federated: {sender} is staff", { sender });
      return;
    }
    const unique = [...new Map(recipients.map((r) => [r.id!.href, r])).values()];
    await this.#ctx().sendActivity({ identifier: sender }, unique, activity, {
      preferSharedInbox,
      orderingKey,
      excludeBaseUris: [new URL(this.#services.instance.origin)],
    });
    log.debug("Queued {type} from {sender} to {count} recipients", { type: activity.constructor.name, sender, count: unique.length });
  }

  async resolveInstanceActor(origin: string): Promise<InstanceActorInfo> {
    const ctx = this.#ctx();
    const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR_ID });
    const actor = await ctx.lookupObject(`${origin}/actor`, { documentLoader });
    if (!isActor(actor) || !actor.id || !actor.inboxId) throw new Error("no instance actor found at /actor");
    if (actor.id.origin !== origin) throw new Error("the instance actor belongs to another origin");
    return {
      actorUri: actor.id.href,
      followersUrl: actor.followersId?.href ?? null,
      inboxUrl: actor.inboxId.href,
      sharedInboxUrl: actor.endpoints?.sharedInbox?.href ?? null,
    };
  }

  /**
   * Every peering request is a new activity with a new id: receivers drop an
   * id they have seen, so a reused one would stall a second peering after an
   * ending.  (Ids before this change had no time part; the Undo still names them.)
   */
  #newInstanceFollowId(peer: PeerRow): URL {
    return new URL(
      `${this.#services.instance.origin}/actor#peer-follows/${encodeURIComponent(peer.origin)}/${Date.now()}-${randomUUID().slice(0, 8)}`,
    );
  }

  #sentFollowId(peer: PeerRow): URL {
    return new URL(peer.outgoingFollowUri ?? `${this.#services.instance.origin}/actor#peer-follows/${encodeURIComponent(peer.origin)}`);
  }

  async peerFollow(peer: PeerRow): Promise<string | null> {
    const ctx = this.#ctx();
    const to = peerRecipient(peer);
    if (!to) return null;
    const id = this.#newInstanceFollowId(peer);
    await this.#send(
      INSTANCE_ACTOR_ID,
      [to],
      new Follow({ id, actor: ctx.getActorUri(INSTANCE_ACTOR_ID), object: to.id }),
      undefined,
      false,
    );
    return id.href;
  }

  async #answerPeer(peer: PeerRow, kind: typeof Accept | typeof Reject): Promise<void> {
    const ctx = this.#ctx();
    const to = peerRecipient(peer);
    if (!to) return;
    if (!peer.incomingFollowUri) return;
    const follow = new URL(peer.incomingFollowUri);
    const id = new URL(
      `${this.#services.instance.origin}/actor#${kind === Accept ? "accepts" : "rejects"}/${encodeURIComponent(peer.origin)}/${Date.now()}`,
    );
    await this.#send(
      INSTANCE_ACTOR_ID,
      [to],
      new kind({ id, actor: ctx.getActorUri(INSTANCE_ACTOR_ID), object: follow }),
      undefined,
      false,
    );
  }

  peerAccept(peer: PeerRow): Promise<void> {
    return this.#answerPeer(peer, Accept);
  }

  peerReject(peer: PeerRow): Promise<void> {
    return this.#answerPeer(peer, Reject);
  }

  async peerUndo(peer: PeerRow): Promise<void> {
    const ctx = this.#ctx();
    const to = peerRecipient(peer);
    if (!to) return;
    const follow = new Follow({ id: this.#sentFollowId(peer), actor: ctx.getActorUri(INSTANCE_ACTOR_ID), object: to.id });
    await this.#send(
      INSTANCE_ACTOR_ID,
      [to],
      new Undo({ id: new URL(`${follow.id!.href}/undo/${Date.now()}`), actor: ctx.getActorUri(INSTANCE_ACTOR_ID), object: follow }),
      undefined,
      false,
    );
  }

  // ---------------------------------------------------------------- statuses

  #author(status: StatusRow): AccountView {
    const author = this.#services.directory.get(status.accountId);
    if (!author?.local) throw new Error(`status ${status.id} has no local author`);
    return author;
  }

  /** Who receives a status: peers for network posts, plus followers and mentions. */
  #audienceRecipients(status: StatusRow, author: AccountView, mentioned: readonly AccountView[]): Recipient[] {
    const followers = status.visibility === "direct" ? [] : this.#services.follows.remoteFollowers(author.id);
    const network = status.visibility === "public" || status.visibility === "unlisted" ? this.#activePeers() : [];
    return [...network, ...[...followers, ...mentioned].map(recipientOf).filter((r): r is Recipient => r != null)];
  }

  #build(status: StatusRow) {
    const ctx = this.#ctx();
    const author = this.#author(status);
    const mentionIds = this.#services.store.mentionedIds(status.id);
    const mentioned = [...this.#services.directory.getMany(mentionIds).values()];
    const audience = audienceOf(status, ctx.getFollowersUri(author.username), ctx.getFollowersUri(INSTANCE_ACTOR_ID), mentioned);
    const media = this.#services.store.mediaOf([status.id]).get(status.id) ?? [];
    const pollRow = this.#services.polls.get(status.id);
    const pollView = pollRow ? this.#services.polls.view(pollRow) : null;
    const object = statusObject(status, author, audience, {
      tags: this.#services.store.tagsOf([status.id]).get(status.id) ?? [],
      mentioned,
      origin: this.#services.instance.origin,
      inReplyTo: status.inReplyToUri,
      attachments: media.map((m) => ({
        url: this.#services.mediaUrls.url(m.fileName),
        mediaType: m.mimeType,
        width: m.width,
        height: m.height,
        description: m.description,
      })),
      poll:
        pollRow && pollView
          ? {
              titles: pollView.options.map((o) => o.title),
              counts: pollView.options.map((o) => o.votes),
              voters: pollView.votersCount,
              multiple: pollRow.multiple,
              endTime: pollRow.expiresAt,
              closed: pollRow.closed,
              source: {
                eligible_specialties: JSON.parse(pollRow.eligibleSpecialties),
                eligible_jurisdictions: JSON.parse(pollRow.eligibleJurisdictions),
                breakdown: this.#services.polls.breakdown(pollRow),
              },
            }
          : null,
    });
    return { ctx, author, audience, object, recipients: this.#audienceRecipients(status, author, mentioned) };
  }

  /** The Note or Article for a local status, as its object dispatcher serves it. */
  objectFor(status: StatusRow) {
    return this.#build(status).object;
  }

  #create(
    built: { ctx: Context<Services>; author: AccountView; audience: { to: URL[]; cc: URL[] }; object: Note | Article | Question },
    status: StatusRow,
  ): Create {
    return new Create({
      id: new URL(`${status.uri}#create`),
      actor: built.ctx.getActorUri(built.author.username),
      object: built.object,
      tos: built.audience.to,
      ccs: built.audience.cc,
      published: Temporal.Instant.fromEpochMilliseconds(status.createdAt.getTime()),
    });
  }

  /** The activity a status went out with: what the actor's outbox and a data archive list. */
  activityFor(status: StatusRow): Create | Announce | null {
    if (status.kind !== "boost") return this.#create(this.#build(status), status);
    const original = status.reblogOfId ? this.#services.store.get(status.reblogOfId) : undefined;
    return original ? this.#announce(status, original, this.#author(status)) : null;
  }

  async statusCreated(status: StatusRow): Promise<void> {
    const built = this.#build(status);
    await this.#send(built.author.username, built.recipients, this.#create(built, status), status.uri);
  }

  async statusUpdated(status: StatusRow): Promise<void> {
    const { ctx, author, audience, object, recipients } = this.#build(status);
    const activity = new Update({
      id: new URL(`${status.uri}#update/${(status.editedAt ?? new Date()).getTime()}-${randomUUID().slice(0, 8)}`),
      actor: ctx.getActorUri(author.username),
      object,
      tos: audience.to,
      ccs: audience.cc,
    });
    await this.#send(author.username, recipients, activity, status.uri);
  }

  /**
   * New results only.  The Question keeps the `updated` of its last real
   * edit (none if never edited), as Mastodon sends it: a newer `updated`
   * reads as an edit to Mastodon (and to us), and the post would show as
   * edited on every vote.  Each update has its own id, or receivers would
   * drop the second as already seen.
   */
  async pollResultsChanged(status: StatusRow, voterIds: readonly string[]): Promise<void> {
    const { ctx, author, audience, object, recipients } = this.#build(status);
    const voters = [...this.#services.directory.getMany(voterIds).values()].map(recipientOf).filter((r): r is Recipient => r != null);
    const activity = new Update({
      id: new URL(`${status.uri}#results/${Date.now()}-${randomUUID().slice(0, 8)}`),
      actor: ctx.getActorUri(author.username),
      object,
      tos: audience.to,
      ccs: audience.cc,
    });
    await this.#send(author.username, [...recipients, ...voters], activity, status.uri);
  }

  async statusDeleted(status: StatusRow): Promise<void> {
    const ctx = this.#ctx();
    const author = this.#author(status);
    const mentioned = [...this.#services.directory.getMany(this.#services.store.mentionedIds(status.id)).values()];
    const audience = audienceOf(status, ctx.getFollowersUri(author.username), ctx.getFollowersUri(INSTANCE_ACTOR_ID), mentioned);
    const activity = new Delete({
      id: new URL(`${status.uri}#delete`),
      actor: ctx.getActorUri(author.username),
      object: new Tombstone({ id: new URL(status.uri) }),
      tos: audience.to,
      ccs: audience.cc,
    });
    await this.#send(author.username, this.#audienceRecipients(status, author, mentioned), activity, status.uri);
  }

  /** Reactions go to the author and, for network posts, to every peer so counts agree. */
  #reactionRecipients(status: StatusRow): Recipient[] {
    const author = this.#services.directory.get(status.accountId);
    const direct = author ? recipientOf(author) : null;
    const network = status.visibility === "public" || status.visibility === "unlisted" ? this.#activePeers() : [];
    return [...network, ...(direct ? [direct] : [])];
  }

  async favourited(favourite: FavouriteRow, status: StatusRow): Promise<void> {
    const ctx = this.#ctx();
    const liker = this.#services.directory.get(favourite.accountId);
    if (!liker?.local) return;
    const like = new Like({ id: new URL(favourite.uri), actor: ctx.getActorUri(liker.username), object: new URL(status.uri) });
    await this.#send(liker.username, this.#reactionRecipients(status), like, status.uri);
  }

  async unfavourited(favourite: FavouriteRow, status: StatusRow): Promise<void> {
    const ctx = this.#ctx();
    const liker = this.#services.directory.get(favourite.accountId);
    if (!liker?.local) return;
    const like = new Like({ id: new URL(favourite.uri), actor: ctx.getActorUri(liker.username), object: new URL(status.uri) });
    const undo = new Undo({ id: new URL(`${favourite.uri}#undo`), actor: ctx.getActorUri(liker.username), object: like });
    await this.#send(liker.username, this.#reactionRecipients(status), undo, status.uri);
  }

  #announce(boost: StatusRow, original: StatusRow, booster: AccountView): Announce {
    const ctx = this.#ctx();
    const originalAuthor = this.#services.directory.get(original.accountId);
    return new Announce({
      id: new URL(boost.uri),
      actor: ctx.getActorUri(booster.username),
      object: new URL(original.uri),
      tos: [ctx.getFollowersUri(INSTANCE_ACTOR_ID), ctx.getFollowersUri(booster.username)],
      ccs: originalAuthor ? [new URL(originalAuthor.uri)] : [],
      published: Temporal.Instant.fromEpochMilliseconds(boost.createdAt.getTime()),
    });
  }

  async reblogged(boost: StatusRow, original: StatusRow): Promise<void> {
    const booster = this.#author(boost);
    const followers = this.#services.follows
      .remoteFollowers(booster.id)
      .map(recipientOf)
      .filter((r): r is Recipient => r != null);
    await this.#send(
      booster.username,
      [...this.#reactionRecipients(original), ...followers],
      this.#announce(boost, original, booster),
      original.uri,
    );
  }

  async unreblogged(boost: StatusRow, original: StatusRow): Promise<void> {
    const ctx = this.#ctx();
    const booster = this.#author(boost);
    const followers = this.#services.follows
      .remoteFollowers(booster.id)
      .map(recipientOf)
      .filter((r): r is Recipient => r != null);
    const undo = new Undo({
      id: new URL(`${boost.uri}#undo`),
      actor: ctx.getActorUri(booster.username),
      object: this.#announce(boost, original, booster),
    });
    await this.#send(booster.username, [...this.#reactionRecipients(original), ...followers], undo, original.uri);
  }

  // ---------------------------------------------------------------- follows

  #followActivity(follow: FollowRow): { follower: AccountView; target: AccountView; activity: Follow } | null {
    const follower = this.#services.directory.get(follow.followerId);
    const target = this.#services.directory.get(follow.followingId);
    if (!follower || !target) return null;
    return {
      follower,
      target,
      activity: new Follow({ id: new URL(follow.uri), actor: new URL(follower.uri), object: new URL(target.uri) }),
    };
  }

  async followRequested(follow: FollowRow): Promise<void> {
    const f = this.#followActivity(follow);
    const to = f && recipientOf(f.target);
    if (f && to && f.follower.local) await this.#send(f.follower.username, [to], f.activity);
  }

  async unfollowed(follow: FollowRow): Promise<void> {
    const f = this.#followActivity(follow);
    const to = f && recipientOf(f.target);
    if (f && to && f.follower.local) {
      await this.#send(
        f.follower.username,
        [to],
        new Undo({ id: new URL(`${follow.uri}#undo`), actor: new URL(f.follower.uri), object: f.activity }),
      );
    }
  }

  async #answerFollow(follow: FollowRow, kind: typeof Accept | typeof Reject): Promise<void> {
    const f = this.#followActivity(follow);
    const to = f && recipientOf(f.follower);
    if (!f || !to || !f.target.local) return;
    const id = new URL(`${f.target.uri}#${kind === Accept ? "accepts" : "rejects"}/${follow.id}`);
    await this.#send(f.target.username, [to], new kind({ id, actor: new URL(f.target.uri), object: new URL(follow.uri) }));
  }

  followAccepted(follow: FollowRow): Promise<void> {
    return this.#answerFollow(follow, Accept);
  }

  followRejected(follow: FollowRow): Promise<void> {
    return this.#answerFollow(follow, Reject);
  }

  /** One Create(Note{name, inReplyTo}) per chosen option, to the poll's author only. */
  async pollVoted(voter: AccountView, poll: StatusRow, optionTitles: readonly string[]): Promise<void> {
    const author = this.#services.directory.get(poll.accountId);
    const to = author && recipientOf(author);
    if (!to || !voter.local) return;
    const ctx = this.#ctx();
    for (const title of optionTitles) {
      const id = new URL(`${voter.uri}#votes/${poll.id}/${encodeURIComponent(title)}/${Date.now()}`);
      const note = new Note({
        id,
        attribution: new URL(voter.uri),
        name: title,
        replyTarget: new URL(poll.uri),
        tos: [new URL(author.uri)],
      });
      await this.#send(
        voter.username,
        [to],
        new Create({
          id: new URL(`${id.href}/activity`),
          actor: ctx.getActorUri(voter.username),
          object: note,
          tos: [new URL(author.uri)],
        }),
        poll.uri,
      );
    }
  }

  #block(block: BlockRow): { blocker: AccountView; to: Recipient; activity: Block } | null {
    const blocker = this.#services.directory.get(block.accountId);
    const target = this.#services.directory.get(block.targetId);
    const to = target && recipientOf(target);
    if (!blocker?.local || !target || !to) return null;
    return { blocker, to, activity: new Block({ id: new URL(block.uri), actor: new URL(blocker.uri), object: new URL(target.uri) }) };
  }

  /** A block goes to the blocked physician only (as Mastodon sends it). */
  async blocked(block: BlockRow): Promise<void> {
    const b = this.#block(block);
    if (b) await this.#send(b.blocker.username, [b.to], b.activity, undefined, false);
  }

  async unblocked(block: BlockRow): Promise<void> {
    const b = this.#block(block);
    if (b)
      await this.#send(
        b.blocker.username,
        [b.to],
        new Undo({ id: new URL(`${block.uri}#undo`), actor: new URL(b.blocker.uri), object: b.activity }),
        undefined,
        false,
      );
  }

  /** Pins change the actor's `featured` collection: Add or Remove, to whoever received the post. */
  async #featured(status: StatusRow, kind: typeof Add | typeof Remove): Promise<void> {
    const ctx = this.#ctx();
    const author = this.#author(status);
    const mentioned = [...this.#services.directory.getMany(this.#services.store.mentionedIds(status.id)).values()];
    const activity = new kind({
      id: new URL(`${status.uri}#${kind === Add ? "pin" : "unpin"}/${Date.now()}`),
      actor: ctx.getActorUri(author.username),
      object: new URL(status.uri),
      target: ctx.getFeaturedUri(author.username),
      tos: [ctx.getFollowersUri(author.username)],
    });
    await this.#send(author.username, this.#audienceRecipients(status, author, mentioned), activity, status.uri);
  }

  pinned(status: StatusRow): Promise<void> {
    return this.#featured(status, Add);
  }

  unpinned(status: StatusRow): Promise<void> {
    return this.#featured(status, Remove);
  }

  /**
   * The profile, re-sent.  A physician who may no longer act (suspended,
   * rejected on re-verification) has no keys served any more, so the
   * withdrawal of their credential is sent, and signed, by the instance actor,
   * which peers accept as speaking for its own physicians.
   */
  async accountUpdated(account: AccountRow): Promise<void> {
    if (account.status === "pending") return;
    const ctx = this.#ctx();
    const person = await physicianActor(ctx, account);
    const followers = this.#services.follows
      .remoteFollowers(account.id)
      .map(recipientOf)
      .filter((r): r is Recipient => r != null);
    const sender = account.status === "approved" ? account.username : INSTANCE_ACTOR_ID;
    const update = new Update({
      id: new URL(`${ctx.getActorUri(sender).href}#update/${account.username}/${Date.now()}`),
      actor: ctx.getActorUri(sender),
      object: person,
      tos: [ctx.getFollowersUri(INSTANCE_ACTOR_ID)],
    });
    await this.#send(sender, [...this.#activePeers(), ...followers], update, ctx.getActorUri(account.username).href);
  }

  // ---------------------------------------------------------------- moderation and leaving

  /** Mastodon's forwarded report: a Flag from the instance actor, naming the account and the posts, never the reporter. */
  async reportForwarded(report: ReportRow, target: AccountView, statuses: readonly StatusRow[]): Promise<void> {
    const to = recipientOf(target);
    if (!to) return;
    const ctx = this.#ctx();
    const flag = new Flag({
      id: new URL(`${ctx.getActorUri(INSTANCE_ACTOR_ID).href}#reports/${report.id}`),
      actor: ctx.getActorUri(INSTANCE_ACTOR_ID),
      objects: [new URL(target.uri), ...statuses.map((s) => new URL(s.uri))],
      content: report.comment,
      tos: [new URL(target.uri)],
    });
    await this.#send(INSTANCE_ACTOR_ID, [to], flag);
  }

  /** The physician is gone: every peer removes the actor and what it has of theirs. */
  async accountDeleted(account: AccountRow): Promise<void> {
    const ctx = this.#ctx();
    const actor = ctx.getActorUri(account.username);
    const deletion = new Delete({
      id: new URL(`${actor.href}#delete/${Date.now()}`),
      actor: ctx.getActorUri(INSTANCE_ACTOR_ID),
      object: actor,
      tos: [ctx.getFollowersUri(INSTANCE_ACTOR_ID)],
    });
    await this.#send(INSTANCE_ACTOR_ID, this.#activePeers(), deletion, actor.href);
  }
}
