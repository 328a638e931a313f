import type { RequestContext } from "@fedify/fedify";
import { type Activity, Article, Note, Object as ApObject, Question } from "@fedify/vocab";
import type { AccountRow } from "../src/domain/accounts/types.ts";
import type { Services } from "../src/services.ts";
import type { StatusRow } from "../src/domain/statuses/types.ts";
import { INSTANCE_ACTOR_ID } from "./actors.ts";
import type { ConsiliumFederation } from "./federation.ts";

const PAGE_SIZE = 20;

/** Whether an account exists to peers: an approved physician (not staff, not an applicant, not gone). */
export function onTheNetwork(account: AccountRow, identifier: string): boolean {
  return account.username === identifier && account.status === "approved" && account.role === "physician" && !account.deletedAt;
}

/** The physician an actor path names, if peers may see them. */
export function networkPhysician(data: Services, identifier: string): AccountRow | undefined {
  const account = data.accounts.findByUsername(identifier);
  return account && onTheNetwork(account, identifier) ? account : undefined;
}

/** One page from a newest-first list keyed by status id: the cursor is the last id of the previous page. */
function page<T>(rows: StatusRow[], map: (row: StatusRow) => T | null) {
  const items = rows.map(map).filter((item): item is NonNullable<T> => item != null);
  return { items, nextCursor: rows.length === PAGE_SIZE ? rows[rows.length - 1]!.id : null };
}

/**
 * The collections ActivityPub asks of every actor beyond followers (an outbox,
 * ActivityPub §4.1), and what a Hashtag's `href` answers with.  Served only to
 * active peers, like every other collection; the instance actor's outbox is
 * public and empty (it publishes nothing but peering and moderation messages).
 */
export function registerCollections(
  federation: ConsiliumFederation,
  access: {
    fromActivePeer: (ctx: RequestContext<Services>) => Promise<boolean>;
    instanceActorOrPeer: (ctx: RequestContext<Services>, identifier: string) => Promise<boolean>;
  },
): void {
  federation
    .setOutboxDispatcher("/users/{identifier}/outbox", (ctx, identifier, cursor) => {
      if (identifier === INSTANCE_ACTOR_ID) return { items: [] };
      const account = networkPhysician(ctx.data, identifier);
      if (!account) return null;
      if (cursor == null) return null;
      const rows = ctx.data.networkCollections.postsOf(account.id, cursor || null, PAGE_SIZE);
      return page(rows, (row) => ctx.data.federationPort.activityFor(row) as Activity | null);
    })
    .setCounter((ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR_ID) return 0;
      const account = networkPhysician(ctx.data, identifier);
      return account ? ctx.data.networkCollections.countPostsOf(account.id) : null;
    })
    // Paged for a physician (null: not one here, or the instance actor's empty list inline).
    .setFirstCursor((ctx, identifier) => (networkPhysician(ctx.data, identifier) ? "" : null))
    .authorize(access.instanceActorOrPeer);

  federation
    .setOrderedCollectionDispatcher("hashtag", ApObject, "/tags/{name}", (ctx, values, cursor) => {
      if (cursor == null) return null;
      const rows = ctx.data.networkCollections.tagged(values.name, cursor || null, PAGE_SIZE);
      return page(rows, (row) => {
        const object = ctx.data.federationPort.objectFor(row);
        return object instanceof Note || object instanceof Article || object instanceof Question ? object : null;
      });
    })
    .setCounter((ctx, values) => ctx.data.networkCollections.countTagged(values.name))
    .setFirstCursor(() => "")
    .authorize((ctx) => access.fromActivePeer(ctx));
}
