import { asc, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { mediaAttachments, polls, statusEdits } from "../../db/schema.ts";
import type { DomainEvents } from "../events.ts";
import { newId } from "../ids.ts";
import type { StatusRow } from "./types.ts";

export type StatusEditRow = typeof statusEdits.$inferSelect;

/**
 * Every version of a status, the first included, kept as statuses are
 * stored and edited (here or by peers), for GET /api/v1/statuses/:id/history.
 */
export class EditHistory {
  readonly #db: Db;

  constructor(deps: { db: Db; events: DomainEvents }) {
    this.#db = deps.db;
    deps.events.subscribe((event) => {
      if ((event.type === "status.created" || event.type === "status.updated") && event.status.kind !== "boost") this.#record(event.status);
      // A deleted post's earlier versions go with it.
      else if (event.type === "status.deleted") this.#db.delete(statusEdits).where(eq(statusEdits.statusId, event.status.id)).run();
    });
  }

  #snapshot(status: StatusRow) {
    const media = this.#db
      .select({ id: mediaAttachments.id })
      .from(mediaAttachments)
      .where(eq(mediaAttachments.statusId, status.id))
      .orderBy(asc(mediaAttachments.id))
      .all();
    const poll = this.#db.select({ options: polls.options }).from(polls).where(eq(polls.statusId, status.id)).get();
    return {
      contentHtml: status.contentHtml,
      spoilerText: status.spoilerText,
      sensitive: status.sensitive,
      caseData: status.caseData,
      pollOptions: poll?.options ?? null,
      mediaIds: JSON.stringify(media.map((m) => m.id)),
    };
  }

  #record(status: StatusRow): void {
    const snapshot = this.#snapshot(status);
    const last = this.#db
      .select()
      .from(statusEdits)
      .where(eq(statusEdits.statusId, status.id))
      .orderBy(desc(statusEdits.id))
      .limit(1)
      .get();
    // Only what a reader can see counts as a new version (not a count change).
    if (
      last &&
      last.contentHtml === snapshot.contentHtml &&
      last.spoilerText === snapshot.spoilerText &&
      last.sensitive === snapshot.sensitive &&
      last.caseData === snapshot.caseData &&
      last.pollOptions === snapshot.pollOptions &&
      last.mediaIds === snapshot.mediaIds
    )
      return;
    const at = last ? (status.editedAt ?? new Date()) : status.createdAt;
    this.#db
      .insert(statusEdits)
      .values({ id: newId(at.getTime()), statusId: status.id, createdAt: at, ...snapshot })
      .run();
  }

  /** Oldest first; a status stored before history was kept shows as its one version. */
  versions(status: StatusRow): Omit<StatusEditRow, "id" | "statusId">[] {
    const rows = this.#db.select().from(statusEdits).where(eq(statusEdits.statusId, status.id)).orderBy(asc(statusEdits.id)).all();
    return rows.length > 0 ? rows : [{ ...this.#snapshot(status), createdAt: status.editedAt ?? status.createdAt }];
  }
}
