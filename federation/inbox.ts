import type { InboxContext, InboxListenerSetters } from "@fedify/fedify";
import {
  Accept,
  Announce,
  Application,
  Article,
  Create,
  Delete,
  Document,
  Follow,
  Like,
  Note,
  type Object as ApObject,
  Question,
  Reject,
  Undo,
  Update,
  isActor,
  type Actor,
} from "@fedify/vocab";
import type { AccountView } from "../src/domain/directory/service.ts";
import type { Services } from "../src/services.ts";
import { logger } from "../src/logging.ts";
import { findPhi } from "../src/domain/phi/guard.ts";
import { INSTANCE_ACTOR_ID } from "./actors.ts";
import { caseFromSource, fromInstant, pollFromQuestion, hashtagsOf, mentionHrefsOf, remoteActorInput, sanitizeRemoteHtml, stringOf, visibilityOf } from "./convert.ts";

const log = logger("federation", "inbox");

type Ctx = InboxContext<Services>;

async function loader(ctx: Ctx) {
  return ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR_ID });
}

/** The activity's actor, stored, if it is a physician of an active peer. */
async function peerPhysician(ctx: Ctx, activity: { actorId: URL | null; getActor(o?: object): Promise<Actor | null> }): Promise<AccountView | null> {
  const actorId = activity.actorId;
  if (!actorId || !ctx.data.peers.isActive(actorId.origin)) return null;
  const known = ctx.data.directory.findRemoteByUri(actorId.href);
  // A recent copy is good enough; Update(Person) refreshes it.
  if (known && !known.gone && Date.now() - known.fetchedAt.getTime() < 24 * 3600_000) {
    return ctx.data.directory.remoteView(await ctx.data.verifier.ensure(known));
  }
  const actor = await activity.getActor({ documentLoader: await loader(ctx), contextLoader: ctx.contextLoader });
  if (!isActor(actor) || actor instanceof Application) return null;
  const input = await remoteActorInput(actor);
  if (!input || input.uri !== actorId.href) return null;
  return ctx.data.directory.remoteView(await ctx.data.verifier.ensure(ctx.data.directory.upsertRemote(input)));
}

/** A vote: a Note with a name, replying to one of our polls (FEP-9967). */
function receiveVote(ctx: Ctx, voter: AccountView, note: Note): boolean {
  if (!note.name || note.content || !note.replyTargetId || note.replyTargetId.origin !== ctx.origin) return false;
  const poll = ctx.data.statuses.getByUri(note.replyTargetId.href);
  if (!poll || !ctx.data.polls.get(poll.id)) return false;
  if (note.id && note.attributionId?.href === voter.uri) ctx.data.polls.receiveVote(voter, poll, stringOf(note.name), note.id.href);
  return true;
}

/** Posts arrive as Note (replies, comments), Article (cases) or Question (polls). */
async function receiveObject(ctx: Ctx, author: AccountView, object: ApObject): Promise<void> {
  if (object instanceof Note && receiveVote(ctx, author, object)) return;
  if (!(object instanceof Note || object instanceof Article || object instanceof Question) || !object.id) return;
  if (object.id.origin !== new URL(author.uri).origin || object.attributionId?.href !== author.uri) {
    log.warn("Ignored {object}: not attributed to the activity's actor", { object: object.id.href });
    return;
  }
  const peer = ctx.data.peers.get(object.id.origin);
  const visibility = visibilityOf(object.toIds, object.ccIds, peer?.followersUrl ?? null, author.remote?.followersUrl ?? null);
  const mentionHrefs = await mentionHrefsOf(object);
  const mentioned = mentionHrefs.map((href) => ctx.data.directory.byUri(href)).filter((a): a is AccountView => a != null);
  // Direct and followers-only posts are kept only if someone here may read them.
  if (visibility === "direct" && !mentioned.some((a) => a.local)) return;
  const caseRecord = object instanceof Article ? caseFromSource(object.source) : null;
  const contexts = object.contextIds;
  const existed = ctx.data.statuses.getByUri(object.id.href) != null;
  const stored = ctx.data.statuses.receive({
    uri: object.id.href,
    url: object.url instanceof URL ? object.url.href : null,
    authorId: author.id,
    kind: caseRecord ? "case" : "note",
    visibility,
    contentHtml: sanitizeRemoteHtml(stringOf(object.content)),
    spoilerText: stringOf(object.summary),
    sensitive: object.sensitive ?? false,
    language: null,
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
    ctx.data.polls.upsertRemote(stored.id, {
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
  if (!existed && !(object instanceof Question)) await importAttachments(ctx, author, object, stored.id);
}

const MAX_ATTACHMENTS = 4;

/**
 * A peer's images are copied here (fetched from its origin, decoded and
 * re-encoded like our own uploads), so our clients load them from us through
 * our own signed links and never from another origin.
 */
async function importAttachments(ctx: Ctx, author: AccountView, object: Note | Article | Question, statusId: string): Promise<void> {
  let count = 0;
  for await (const attachment of object.getAttachments()) {
    if (count >= MAX_ATTACHMENTS || !(attachment instanceof Document)) continue;
    const url = attachment.url instanceof URL ? attachment.url : null;
    if (!url || url.origin !== new URL(author.uri).origin || !/^image\//.test(attachment.mediaType ?? "")) continue;
    count++;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
      if (!response.ok) continue;
      const bytes = new Uint8Array(await response.arrayBuffer());
      const findings = findPhi(stringOf(attachment.name));
      if (findings.length > 0) ctx.data.statuses.hold(statusId, `image description: ${findings.map((f) => f.type).join(", ")}`);
      await ctx.data.media.upload({ accountId: author.id, bytes, description: stringOf(attachment.name), statusId, skipPhiCheck: true });
    } catch (error) {
      log.warn("Could not import an attachment of {status}: {error}", { status: object.id?.href, error: (error as Error).message });
    }
  }
}

function isInstanceActor(ctx: Ctx, uri: URL | null): boolean {
  return uri?.href === ctx.getActorUri(INSTANCE_ACTOR_ID).href;
}

/** Peering handshakes: instance actor to instance actor, from any origin. */
async function peerActorInfo(ctx: Ctx, activity: Follow) {
  const actor = await activity.getActor({ documentLoader: await loader(ctx), contextLoader: ctx.contextLoader });
  if (!(actor instanceof Application) || !actor.id || !actor.inboxId) return null;
  return {
    actorUri: actor.id.href,
    followersUrl: actor.followersId?.href ?? null,
    inboxUrl: actor.inboxId.href,
    sharedInboxUrl: actor.endpoints?.sharedInbox?.href ?? null,
  };
}

/** A peer's answer (Accept or Reject) to a Follow we sent: peering or a physician's follow. */
function answerToOurFollow(ctx: Ctx, answer: Accept | Reject, accepted: boolean): void {
  const followId = answer.objectId;
  if (!followId || !answer.actorId || followId.origin !== ctx.origin) return;
  if (followId.href.startsWith(`${ctx.getActorUri(INSTANCE_ACTOR_ID).href}#peer-follows/`)) {
    if (answer.actorId.href !== ctx.data.peers.get(answer.actorId.origin)?.actorUri) return;
    if (accepted) ctx.data.peers.receivedAccept(answer.actorId.origin);
    else ctx.data.peers.receivedReject(answer.actorId.origin);
    return;
  }
  const follow = ctx.data.follows.findByUri(followId.href);
  const target = ctx.data.directory.byUri(answer.actorId.href);
  if (!follow || !target || follow.followingId !== target.id) return;
  if (accepted) ctx.data.follows.receivedAccept({ uri: followId.href });
  else ctx.data.follows.receivedReject(follow.followerId, follow.followingId);
}

export function registerInboxListeners(inbox: InboxListenerSetters<Services>): void {
  inbox
    .on(Follow, async (ctx, follow) => {
      if (!follow.id || !follow.actorId) return;
      if (isInstanceActor(ctx, follow.objectId)) {
        const info = await peerActorInfo(ctx, follow);
        if (info && info.actorUri === follow.actorId.href) {
          await ctx.data.peers.receivedFollow(follow.actorId.origin, info, follow.id.href);
        }
        return;
      }
      const follower = await peerPhysician(ctx, follow);
      const target = follow.objectId ? ctx.data.directory.byUri(follow.objectId.href) : undefined;
      if (follower && target?.local) await ctx.data.follows.receivedFollow(follower.id, target.id, follow.id.href);
    })
    // Accept and Reject name our own Follow by id (an embedded copy from
    // another origin is not trusted, so the id is what counts).
    .on(Accept, (ctx, accept) => answerToOurFollow(ctx, accept, true))
    .on(Reject, (ctx, reject) => answerToOurFollow(ctx, reject, false))
    .on(Undo, async (ctx, undo) => {
      if (!undo.actorId) return;
      const object = await undo.getObject({ documentLoader: await loader(ctx) }).catch(() => null);
      if (object instanceof Follow && isInstanceActor(ctx, object.objectId)) {
        if (undo.actorId.href === ctx.data.peers.get(undo.actorId.origin)?.actorUri) ctx.data.peers.receivedUndo(undo.actorId.origin);
        return;
      }
      const actor = await peerPhysician(ctx, undo);
      if (!actor) return;
      if (object instanceof Follow) {
        const target = object.objectId ? ctx.data.directory.byUri(object.objectId.href) : undefined;
        if (target?.local) ctx.data.follows.receivedUndo(actor.id, target.id);
      } else if (object instanceof Like && object.id) {
        ctx.data.statuses.receiveUndoLike(actor.id, object.id.href, object.objectId?.href ?? null);
      } else if (object instanceof Announce && object.id) {
        ctx.data.statuses.receiveUndoAnnounce(actor.id, object.id.href);
      }
    })
    .on(Create, async (ctx, create) => {
      const author = await peerPhysician(ctx, create);
      if (!author) return;
      const object = await create.getObject({ documentLoader: await loader(ctx), contextLoader: ctx.contextLoader });
      if (object) await receiveObject(ctx, author, object);
    })
    .on(Update, async (ctx, update) => {
      if (!update.actorId || !ctx.data.peers.isActive(update.actorId.origin)) return;
      const object = await update.getObject({ documentLoader: await loader(ctx), contextLoader: ctx.contextLoader });
      // A profile update carries the actor itself (signed by it): no need to fetch it again.
      if (isActor(object)) {
        if (object instanceof Application || object.id?.href !== update.actorId.href) return;
        const input = await remoteActorInput(object);
        if (input) await ctx.data.verifier.ensure(ctx.data.directory.upsertRemote(input));
        return;
      }
      const actor = await peerPhysician(ctx, update);
      if (actor && object) await receiveObject(ctx, actor, object);
    })
    .on(Delete, async (ctx, del) => {
      if (!del.actorId || !ctx.data.peers.isActive(del.actorId.origin)) return;
      const objectId = del.objectId;
      if (!objectId) return;
      if (objectId.href === del.actorId.href) {
        ctx.data.directory.markGone(del.actorId.href);
        return;
      }
      const actor = ctx.data.directory.findRemoteByUri(del.actorId.href);
      if (actor) ctx.data.statuses.receiveDelete(actor.id, objectId.href);
    })
    .on(Like, async (ctx, like) => {
      const actor = await peerPhysician(ctx, like);
      if (actor && like.id && like.objectId) ctx.data.statuses.receiveLike(actor.id, like.objectId.href, like.id.href);
    })
    .on(Announce, async (ctx, announce) => {
      const actor = await peerPhysician(ctx, announce);
      if (!actor || !announce.id || !announce.objectId) return;
      // Network posts reach every peer directly, so a boost of something unknown is dropped.
      ctx.data.statuses.receiveAnnounce(actor.id, announce.objectId.href, announce.id.href, fromInstant(announce.published) ?? new Date());
    })
    .onError((_ctx, error) => {
      log.error("Inbox listener failed: {error}", { error });
    });
}
