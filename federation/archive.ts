import { Announce, Create, OrderedCollection } from "@fedify/vocab";
import { and, asc, eq } from "drizzle-orm";
import { bookmarks, favourites, mediaAttachments, statuses } from "../src/db/schema.ts";
import type { AccountRow } from "../src/domain/accounts/types.ts";
import type { ArchiveContents } from "../src/domain/exports/service.ts";
import type { Services } from "../src/services.ts";
import { physicianActor } from "./actors.ts";
import type { ConsiliumFederation } from "./federation.ts";

/**
 * A physician's archive in Mastodon's format: the actor, an outbox of their
 * own posts (Create) and boosts (Announce of the address only), the addresses
 * they liked and bookmarked, and their media files.  Nothing of anyone else's.
 */
export function archiveContents(federation: ConsiliumFederation, services: Services) {
  return async (account: AccountRow): Promise<ArchiveContents> => {
    const ctx = federation.createContext(new URL(services.instance.origin), services);
    const db = services.database.db;
    const actor = await (await physicianActor(ctx, account)).toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
    const own = db.select().from(statuses).where(eq(statuses.accountId, account.id)).orderBy(asc(statuses.id)).all();
    const items = own.map((status) => services.federationPort.activityFor(status) as Create | Announce | null).filter((a) => a != null);
    const outbox = await new OrderedCollection({
      id: new URL(`${ctx.getActorUri(account.username).href}/outbox`),
      totalItems: items.length,
      items,
    }).toJsonLd({
      format: "compact",
      contextLoader: ctx.contextLoader,
    });
    const addresses = (ids: string[]) => {
      const rows = services.store.getMany(ids);
      return ids.map((id) => rows.get(id)?.uri).filter((u): u is string => u != null);
    };
    const liked = addresses(
      db
        .select({ id: favourites.statusId })
        .from(favourites)
        .where(eq(favourites.accountId, account.id))
        .all()
        .map((r) => r.id),
    );
    const marked = addresses(
      db
        .select({ id: bookmarks.statusId })
        .from(bookmarks)
        .where(eq(bookmarks.accountId, account.id))
        .all()
        .map((r) => r.id),
    );
    const collection = (name: string, uris: string[]) => ({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${name}.json`,
      type: "OrderedCollection",
      totalItems: uris.length,
      orderedItems: uris,
    });
    const media = db
      .select()
      .from(mediaAttachments)
      .where(and(eq(mediaAttachments.accountId, account.id)))
      .all()
      .map((m) => ({ name: `media_attachments/files/${m.fileName}`, path: services.media.filePath(m.fileName) }));
    return { actor, outbox, likes: collection("likes", liked), bookmarks: collection("bookmarks", marked), media };
  };
}
