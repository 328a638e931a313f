import { asc, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { once } from "../../db/prepared.ts";
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
  // Run for every status stored: prepared once.
  readonly #mediaIds = once(() =>
    this.#db
      .select({ id: mediaAttachments.id })
      .from(mediaAttachments)
      .where(eq(mediaAttachments.statusId, sql.placeholder("statusId")))
      .orderBy(asc(mediaAttachments.id))
      .prepare(),
  );
  readonly #pollOptions = once(() =>
    this.#db
      .select({ options: polls.options })
      .from(polls)
      .where(eq(polls.statusId, sql.placeholder("statusId")))
      .prepare(),
  );
  readonly #latest = once(() =>
    this.#db
      .select()
      .from(statusEdits)
      .where(eq(statusEdits.statusId, sql.placeholder("statusId")))
      .orderBy(desc(statusEdits.id))
      .limit(1)
      .prepare(),
  );
  readonly #insert = once(() =>
    this.#db
      .insert(statusEdits)
      .values({
        id: sql.placeholder("id"),
        statusId: sql.placeholder("statusId"),
        contentHtml: sql.placeholder("contentHtml"),
        spoilerText: sql.placeholder("spoilerText"),
        sensitive: sql.placeholder("sensitive"),
        caseData: sql.placeholder("caseData"),
        pollOptions: sql.placeholder("pollOptions"),
        mediaIds: sql.placeholder("mediaIds"),
        createdAt: sql.placeholder("createdAt"),
      })
      .prepare(),
  );

  constructor(deps: { db: Db; events: DomainEvents }) {
    this.#db = deps.db;
    deps.events.subscribe((event) => {
      if ((event.type === "status.created" || event.type === "status.updated") && event.status.kind !== "boost") this.#record(event.status);
      // A deleted post's earlier versions go with it.
      else if (event.type === "status.deleted") this.#db.delete(statusEdits).where(eq(statusEdits.statusId, event.status.id)).run();
    });
  }

  #snapshot(status: StatusRow) {
    const media = this.#mediaIds().all({ statusId: status.id });
    const poll = this.#pollOptions().get({ statusId: status.id });
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
    const last = this.#latest().get({ statusId: status.id });
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
    this.#insert().run({ id: newId(at.getTime()), statusId: status.id, createdAt: at, ...snapshot });
  }

  /** Oldest first; a status stored before history was kept shows as its one version. */
  versions(status: StatusRow): Omit<StatusEditRow, "id" | "statusId">[] {
    const rows = this.#db.select().from(statusEdits).where(eq(statusEdits.statusId, status.id)).orderBy(asc(statusEdits.id)).all();
    return rows.length > 0 ? rows : [{ ...this.#snapshot(status), createdAt: status.editedAt ?? status.createdAt }];
  }
}
