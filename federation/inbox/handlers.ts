import type { DocumentLoader } from "@fedify/fedify";
import {
  Accept,
  type Activity,
  Add,
  Announce,
  Block,
  Application,
  Article,
  Create,
  Delete,
  Document,
  Flag,
  Follow,
  Like,
  Note,
  type Object as ApObject,
  Question,
  Reject,
  Remove,
  Undo,
  Update,
  isActor,
  type Actor,
} from "@fedify/vocab";
import type { AccountView } from "../../src/domain/directory/service.ts";
import { findPhi } from "../../src/domain/phi/guard.ts";
import { htmlToPlainText } from "../../src/domain/text.ts";
import { peerLink } from "../../src/domain/urls.ts";
import { copyProfileImages } from "../profile-images.ts";
import { logger } from "../../src/logging.ts";
import type { Services } from "../../src/services.ts";
import {
  caseFromSource,
  fromInstant,
  hashtagsOf,
  languageOf,
  mentionHrefsOf,
  pollFromQuestion,
  remoteActorInput,
  sanitizeRemoteHtml,
  stringOf,
  visibilityOf,
} from "../convert.ts";

const log = logger("federation", "inbox");

/** What applying one accepted activity needs. */
export interface InboxWork {
  readonly data: Services;
  /** Our own origin. */
  readonly origin: string;
  readonly instanceActorUri: string;
  /** Signed by our instance actor, and only to active peers and the sender's own origin. */
  readonly documentLoader: DocumentLoader;
  readonly contextLoader: DocumentLoader;
  /** The guarded client, for media. */
  readonly fetch: typeof fetch;
  /** Keys of an actor that deleted itself are forgotten. */
  readonly forgetKeys: (owner: string) => void;
}

const loaders = (work: InboxWork) => ({ documentLoader: work.documentLoader, contextLoader: work.contextLoader });

/** The activity's actor, stored, if it is a physician of an active peer. */
async function peerPhysician(
  work: InboxWork,
  activity: { actorId: URL | null; getActor(o?: object): Promise<Actor | null> },
): Promise<AccountView | null> {
  const actorId = activity.actorId;
  if (!actorId || !work.data.peers.isActive(actorId.origin)) return null;
  const known = work.data.directory.findRemoteByUri(actorId.href);
  // Suspended here by staff: nothing of theirs is taken.
  if (known?.suspended) return null;
  // A recent copy is good enough; Update(Person) refreshes it.
  if (known && !known.gone && Date.now() - known.fetchedAt.getTime() < 24 * 3600_000) {
    return work.data.directory.remoteView(await work.data.verifier.ensure(known));
  }
  const actor = await activity.getActor(loaders(work));
  if (!isActor(actor) || actor instanceof Application) return null;
  const input = await remoteActorInput(actor, { allowHttp: work.data.config.allowPrivateAddress });
  if (!input || input.uri !== actorId.href) return null;
  const ensured = await work.data.verifier.ensure(work.data.directory.upsertRemote(input));
  await copyProfileImages(work.data, work.fetch, ensured, input);
  return work.data.directory.remoteView(work.data.directory.findRemoteByUri(input.uri) ?? ensured);
}

/** A vote: a Note with a name, replying to one of our polls (FEP-9967). */
function receiveVote(work: InboxWork, voter: AccountView, note: Note): boolean {
  if (!note.name || note.content || !note.replyTargetId || note.replyTargetId.origin !== work.origin) return false;
  const poll = work.data.store.getByUri(note.replyTargetId.href);
  if (!poll || !work.data.polls.get(poll.id)) return false;
  if (note.id && note.attributionId?.href === voter.uri)
    work.data.polls.receiveVote(voter, poll, htmlToPlainText(stringOf(note.name)), note.id.href);
  return true;
}

/** Posts arrive as Note (replies, comments), Article (cases) or Question (polls). */
async function receiveObject(work: InboxWork, author: AccountView, object: ApObject): Promise<void> {
  if (object instanceof Note && receiveVote(work, author, object)) return;
  if (!(object instanceof Note || object instanceof Article || object instanceof Question) || !object.id) return;
  if (object.id.origin !== new URL(author.uri).origin || object.attributionId?.href !== author.uri) {
    log.warn("Ignored {object}: not attributed to the activity's actor", { object: object.id.href });
    return;
  }
  // Deleted already (its Delete was not held back behind it): it stays deleted.
  if (work.data.received.isDeleted(object.id.href)) return;
  const peer = work.data.peers.get(object.id.origin);
  const visibility = visibilityOf(object.toIds, object.ccIds, peer?.followersUrl ?? null, author.remote?.followersUrl ?? null);
  const mentionHrefs = await mentionHrefsOf(object);
  const mentioned = mentionHrefs.map((href) => work.data.directory.byUri(href)).filter((a): a is AccountView => a != null);
  // Direct and followers-only posts are kept only if someone here may read them.
  if (visibility === "direct" && !mentioned.some((a) => a.local)) return;
  const caseRecord = object instanceof Article ? caseFromSource(object.source) : null;
  const contexts = object.contextIds;
  const existed = work.data.store.getByUri(object.id.href) != null;
  const stored = work.data.received.receive({
    uri: object.id.href,
    url: peerLink(object.url instanceof URL ? object.url : null, work.data.config.allowPrivateAddress),
    authorId: author.id,
    kind: caseRecord ? "case" : "note",
    visibility,
    contentHtml: sanitizeRemoteHtml(stringOf(object.content)),
    // A content warning is plain text here, whatever markup the peer sent.
    spoilerText: htmlToPlainText(stringOf(object.summary)),
    sensitive: object.sensitive ?? false,
    language: languageOf(object),
    inReplyToUri: object.replyTargetId?.href ?? null,
    contextUri: contexts[0]?.href ?? null,
    caseRecord,
    tags: await hashtagsOf(object),
    mentionedAccountIds: mentioned.map((a) => a.id),
    published: fromInstant(object.published) ?? new Date(),
    updated: fromInstant(object.updated),
  });
  if (object instanceof Question) {
    const poll = await pollFromQuestion(object);
    work.data.polls.upsertRemote(stored.id, {
      options: poll.options,
      multiple: poll.multiple,
      expiresAt: poll.endTime,
      closed: poll.closed,
      eligibleSpecialties: poll.record.eligible_specialties,
      eligibleJurisdictions: poll.record.eligible_jurisdictions,
      counts: poll.counts,
      voters: poll.voters,
      breakdown: poll.record.breakdown,
    });
  }
  if (!existed && !(object instanceof Question)) await importAttachments(work, author, object, stored.id);
}

const MAX_ATTACHMENTS = 4;

/**
 * A peer's images are copied here (fetched from its origin, decoded and
 * re-encoded like our own uploads), so our clients load them from us through
 * our own signed links and never from another origin.
 */
async function importAttachments(work: InboxWork, author: AccountView, object: Note | Article | Question, statusId: string): Promise<void> {
  let count = 0;
  for await (const attachment of object.getAttachments(loaders(work))) {
    if (count >= MAX_ATTACHMENTS || !(attachment instanceof Document)) continue;
    const url = attachment.url instanceof URL ? attachment.url : null;
    if (!url || url.origin !== new URL(author.uri).origin || !/^image\//.test(attachment.mediaType ?? "")) continue;
    count++;
    try {
      // The guarded client: timeouts, and every redirect checked (no bounce to loopback).
      const response = await work.fetch(url);
      if (!response.ok) continue;
      const bytes = new Uint8Array(await response.arrayBuffer());
      const description = htmlToPlainText(stringOf(attachment.name));
      const findings = findPhi(description);
      if (findings.length > 0) work.data.received.hold(statusId, `image description: ${findings.map((f) => f.type).join(", ")}`);
      const row = await work.data.media.upload({ accountId: author.id, bytes, description, statusId, skipPhiCheck: true });
      // Text burned into a peer's image is read like its words: with identifiers, the post is held here.
      const burned = await work.data.media.textFindings(row);
      if (burned.length > 0) work.data.received.hold(statusId, `text in an image: ${[...new Set(burned.map((f) => f.type))].join(", ")}`);
    } catch (error) {
      log.warn("Could not import an attachment of {status}: {error}", { status: object.id?.href, error: (error as Error).message });
    }
  }
}

/** Peering handshakes: instance actor to instance actor, from any origin. */
async function peerActorInfo(work: InboxWork, activity: Follow) {
  const actor = await activity.getActor(loaders(work));
  if (!(actor instanceof Application) || !actor.id || !actor.inboxId) return null;
  return {
    actorUri: actor.id.href,
    followersUrl: actor.followersId?.href ?? null,
    inboxUrl: actor.inboxId.href,
    sharedInboxUrl: actor.endpoints?.sharedInbox?.href ?? null,
  };
}

/** A peer's answer (Accept or Reject) to a Follow we sent: peering or a physician's follow. */
function answerToOurFollow(work: InboxWork, answer: Accept | Reject, accepted: boolean): void {
  const followId = answer.objectId;
  if (!followId || !answer.actorId || followId.origin !== work.origin) return;
  if (followId.href.startsWith(`${work.instanceActorUri}#peer-follows/`)) {
    if (answer.actorId.href !== work.data.peers.get(answer.actorId.origin)?.actorUri) return;
    if (accepted) work.data.peers.receivedAccept(answer.actorId.origin);
    else work.data.peers.receivedReject(answer.actorId.origin);
    return;
  }
  const follow = work.data.follows.findByUri(followId.href);
  const target = work.data.directory.byUri(answer.actorId.href);
  if (!follow || !target || follow.followingId !== target.id) return;
  if (accepted) work.data.follows.receivedAccept({ uri: followId.href });
  else work.data.follows.receivedReject(follow.followerId, follow.followingId);
}

/** The peer's instance actor: it may speak for the physicians of its origin (withdrawals). */
function isPeerInstanceActor(work: InboxWork, actorId: URL | null): boolean {
  return actorId != null && actorId.href === work.data.peers.get(actorId.origin)?.actorUri;
}

async function onFollow(work: InboxWork, follow: Follow): Promise<void> {
  if (!follow.id || !follow.actorId) return;
  if (follow.objectId?.href === work.instanceActorUri) {
    const info = await peerActorInfo(work, follow);
    if (info && info.actorUri === follow.actorId.href) await work.data.peers.receivedFollow(follow.actorId.origin, info, follow.id.href);
    return;
  }
  const follower = await peerPhysician(work, follow);
  const target = follow.objectId ? work.data.directory.byUri(follow.objectId.href) : undefined;
  if (follower && target?.local) await work.data.follows.receivedFollow(follower.id, target.id, follow.id.href);
}

async function onUndo(work: InboxWork, undo: Undo): Promise<void> {
  if (!undo.actorId) return;
  const object = await undo.getObject(loaders(work)).catch(() => null);
  if (object instanceof Follow && object.objectId?.href === work.instanceActorUri) {
    if (isPeerInstanceActor(work, undo.actorId)) work.data.peers.receivedUndo(undo.actorId.origin);
    return;
  }
  const actor = await peerPhysician(work, undo);
  if (!actor) return;
  if (object instanceof Follow) {
    const target = object.objectId ? work.data.directory.byUri(object.objectId.href) : undefined;
    if (target?.local) work.data.follows.receivedUndo(actor.id, target.id);
  } else if (object instanceof Like && object.id) {
    work.data.received.receiveUndoLike(actor.id, object.id.href, object.objectId?.href ?? null);
  } else if (object instanceof Announce && object.id) {
    work.data.received.receiveUndoAnnounce(actor.id, object.id.href);
  } else if (object instanceof Block) {
    const target = object.objectId ? work.data.directory.byUri(object.objectId.href) : undefined;
    work.data.relations.receivedUndoBlock(actor.id, object.id?.href ?? null, target?.local ? target.id : null);
  }
}

/** A peer's physician blocked one of ours. */
async function onBlock(work: InboxWork, block: Block): Promise<void> {
  const actor = await peerPhysician(work, block);
  const target = block.objectId ? work.data.directory.byUri(block.objectId.href) : undefined;
  if (actor && target?.local && block.id) work.data.relations.receivedBlock(actor.id, target.id, block.id.href);
}

/** Add or Remove on the actor's own `featured` collection: a pin or an unpin. */
async function onFeatured(work: InboxWork, activity: Add | Remove, pinned: boolean): Promise<void> {
  const actor = await peerPhysician(work, activity);
  if (!actor || !activity.objectId || !activity.targetId) return;
  if (!actor.remote?.featuredUrl || activity.targetId.href !== actor.remote.featuredUrl) return;
  work.data.received.receivePin(actor.id, activity.objectId.href, pinned);
}

async function onUpdate(work: InboxWork, update: Update): Promise<void> {
  if (!update.actorId || !work.data.peers.isActive(update.actorId.origin)) return;
  const object = await update.getObject(loaders(work));
  if (isActor(object)) {
    // A profile update carries the actor itself, signed by it, or by its
    // instance actor when the home instance withdraws a credential (the
    // physician's own keys are no longer served once suspended).
    if (object instanceof Application || !object.id || object.id.origin !== update.actorId.origin) return;
    if (object.id.href !== update.actorId.href && !isPeerInstanceActor(work, update.actorId)) return;
    const input = await remoteActorInput(object, { allowHttp: work.data.config.allowPrivateAddress });
    // Re-checked on receipt: a withdrawn credential takes effect at once.
    if (input)
      await copyProfileImages(work.data, work.fetch, await work.data.verifier.recheck(work.data.directory.upsertRemote(input)), input);
    return;
  }
  const actor = await peerPhysician(work, update);
  if (actor && object) await receiveObject(work, actor, object);
}

function onDelete(work: InboxWork, del: Delete): void {
  if (!del.actorId || !work.data.peers.isActive(del.actorId.origin)) return;
  const objectId = del.objectId;
  if (!objectId) return;
  // An actor deleting itself, or a peer's instance actor deleting one of its physicians (who left):
  // the actor and everything held of theirs go.
  const byInstance = work.data.peers.get(del.actorId.origin)?.actorUri === del.actorId.href && objectId.origin === del.actorId.origin;
  if (objectId.href === del.actorId.href || byInstance) {
    const gone = work.data.directory.findRemoteByUri(objectId.href);
    if (gone) work.data.moderation.removeContentOf([gone.id]);
    work.data.directory.markGone(objectId.href);
    work.forgetKeys(objectId.href);
    return;
  }
  const actor = work.data.directory.findRemoteByUri(del.actorId.href);
  if (actor) work.data.received.receiveDelete(actor.id, objectId.href);
}

/** A peer's report about one of ours: kept for staff, naming only the reporting instance. */
function onFlag(work: InboxWork, flag: Flag): void {
  if (!flag.actorId || !flag.id || !work.data.peers.isActive(flag.actorId.origin)) return;
  const ours = flag.objectIds.filter((u) => u.origin === work.origin);
  let targetId: string | null = null;
  const statusIds: string[] = [];
  for (const uri of ours) {
    const status = work.data.store.getByUri(uri.href);
    if (status?.local) {
      statusIds.push(status.id);
      continue;
    }
    const handle = /^\/users\/([^/]+)$/.exec(uri.pathname)?.[1];
    const account = handle ? work.data.accounts.findApprovedByUsername(decodeURIComponent(handle)) : undefined;
    if (account) targetId ??= account.id;
  }
  targetId ??= statusIds.length > 0 ? (work.data.store.get(statusIds[0]!)?.accountId ?? null) : null;
  if (!targetId) return;
  work.data.reports.receiveFlag({
    origin: flag.actorId.origin,
    uri: flag.id.href,
    targetId,
    statusIds,
    comment: htmlToPlainText(stringOf(flag.content)),
  });
}

/** Applies one accepted (verified, stored) activity through the domain services. */
export async function applyActivity(work: InboxWork, activity: Activity): Promise<void> {
  if (activity instanceof Follow) return onFollow(work, activity);
  // Accept and Reject name our own Follow by id (an embedded copy from
  // another origin is not trusted, so the id is what counts).
  if (activity instanceof Accept) return answerToOurFollow(work, activity, true);
  if (activity instanceof Reject) return answerToOurFollow(work, activity, false);
  if (activity instanceof Undo) return onUndo(work, activity);
  if (activity instanceof Create) {
    const author = await peerPhysician(work, activity);
    if (!author) return;
    const object = await activity.getObject(loaders(work));
    if (object) await receiveObject(work, author, object);
    return;
  }
  if (activity instanceof Update) return onUpdate(work, activity);
  if (activity instanceof Delete) return onDelete(work, activity);
  if (activity instanceof Like) {
    const actor = await peerPhysician(work, activity);
    if (actor && activity.id && activity.objectId) work.data.received.receiveLike(actor.id, activity.objectId.href, activity.id.href);
    return;
  }
  if (activity instanceof Announce) {
    const actor = await peerPhysician(work, activity);
    if (!actor || !activity.id || !activity.objectId) return;
    // Network posts reach every peer directly, so a boost of something unknown is dropped.
    work.data.received.receiveAnnounce(actor.id, activity.objectId.href, activity.id.href, fromInstant(activity.published) ?? new Date());
    return;
  }
  if (activity instanceof Block) return onBlock(work, activity);
  if (activity instanceof Flag) return onFlag(work, activity);
  if (activity instanceof Add) return onFeatured(work, activity, true);
  if (activity instanceof Remove) return onFeatured(work, activity, false);
  log.debug("Ignored an activity of type {type}", { type: activity.constructor.name });
}
