import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { and, desc, eq } from "drizzle-orm";
import { pack } from "tar-stream";
import type { Db } from "../../db/client.ts";
import { dataExports } from "../../db/schema.ts";
import type { AccountRow } from "../accounts/types.ts";
import type { AuditLog } from "../audit.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";

export type ExportRow = typeof dataExports.$inferSelect;

/** What goes in the archive, in Mastodon's layout; built by the federation layer (ActivityStreams). */
export interface ArchiveContents {
  readonly actor: unknown;
  readonly outbox: unknown;
  readonly likes: unknown;
  readonly bookmarks: unknown;
  /** The physician's own media files: their path in the archive and on disk. */
  readonly media: readonly { readonly name: string; readonly path: string }[];
}

/** One archive a day per physician (it is the whole account, built from scratch). */
const MIN_INTERVAL_MS = 24 * 3600_000;

/**
 * A physician's data, taken with them: a .tar.gz in Mastodon's archive
 * format (actor.json, outbox.json, likes.json, bookmarks.json, the media
 * files), built in the background into the data directory and handed out
 * through a link that expires.  Only the physician's own posts, likes and
 * bookmarks (the latter two as addresses) go in.
 */
export class DataExports {
  readonly #db: Db;
  readonly #dir: string;
  readonly #audit: AuditLog;
  #contents: (account: AccountRow) => Promise<ArchiveContents> = async () => {
    throw new Error("archives are built by a running server");
  };
  readonly #running = new Map<string, Promise<void>>();

  constructor(deps: { db: Db; dataDir: string; audit: AuditLog }) {
    this.#db = deps.db;
    this.#dir = join(deps.dataDir, "exports");
    this.#audit = deps.audit;
    // An archive cut off by a restart is not left "running" for ever.
    this.#db.update(dataExports).set({ state: "failed", finishedAt: new Date() }).where(eq(dataExports.state, "running")).run();
  }

  /** The federation layer supplies the ActivityStreams documents. */
  setContents(contents: (account: AccountRow) => Promise<ArchiveContents>): void {
    this.#contents = contents;
  }

  latest(accountId: string): ExportRow | undefined {
    return this.#db.select().from(dataExports).where(eq(dataExports.accountId, accountId)).orderBy(desc(dataExports.id)).limit(1).get();
  }

  byFileName(fileName: string): ExportRow | undefined {
    return this.#db
      .select()
      .from(dataExports)
      .where(and(eq(dataExports.fileName, fileName), eq(dataExports.state, "done")))
      .get();
  }

  filePath(fileName: string): string {
    return join(this.#dir, fileName);
  }

  /** Starts an archive (at most one a day); returns at once. */
  request(account: AccountRow, now = new Date()): ExportRow {
    const last = this.latest(account.id);
    if (last?.state === "running") return last;
    if (last && now.getTime() - last.createdAt.getTime() < MIN_INTERVAL_MS) {
      throw new DomainError("rate_limited", "An archive can be requested once a day; the last one is still available");
    }
    const row = this.#db
      .insert(dataExports)
      .values({ id: newId(now.getTime()), accountId: account.id, state: "running", createdAt: now })
      .returning()
      .get();
    this.#audit.record({ staffId: null, subjectId: account.id, action: "account.export", reason: "archive requested" }, now);
    this.#running.set(
      row.id,
      this.#build(row, account).finally(() => this.#running.delete(row.id)),
    );
    return row;
  }

  finished(id: string): Promise<void> {
    return this.#running.get(id) ?? Promise.resolve();
  }

  async #build(row: ExportRow, account: AccountRow): Promise<void> {
    const fileName = `${row.id}-${randomBytes(12).toString("base64url")}.tar.gz`;
    const path = this.filePath(fileName);
    try {
      const contents = await this.#contents(account);
      mkdirSync(this.#dir, { recursive: true });
      const archive = pack();
      const written = pipeline(archive, createGzip(), createWriteStream(path, { mode: 0o600 }));
      const json = (name: string, value: unknown) => archive.entry({ name, mtime: row.createdAt }, `${JSON.stringify(value, null, 2)}\n`);
      json("actor.json", contents.actor);
      json("outbox.json", contents.outbox);
      json("likes.json", contents.likes);
      json("bookmarks.json", contents.bookmarks);
      for (const file of contents.media) {
        const size = statSync(file.path, { throwIfNoEntry: false })?.size;
        if (size == null) continue;
        const entry = archive.entry({ name: file.name, size, mtime: row.createdAt });
        await pipeline(createReadStream(file.path), entry);
      }
      archive.finalize();
      await written;
      this.#db
        .update(dataExports)
        .set({ state: "done", fileName, size: statSync(path).size, finishedAt: new Date() })
        .where(eq(dataExports.id, row.id))
        .run();
    } catch (error) {
      rmSync(path, { force: true });
      this.#db.update(dataExports).set({ state: "failed", finishedAt: new Date() }).where(eq(dataExports.id, row.id)).run();
      throw error;
    }
  }

  /** An erased account's archives go with it. */
  deleteFor(accountId: string): void {
    for (const row of this.#db.select().from(dataExports).where(eq(dataExports.accountId, accountId)).all()) {
      if (row.fileName) rmSync(this.filePath(row.fileName), { force: true });
    }
    this.#db.delete(dataExports).where(eq(dataExports.accountId, accountId)).run();
  }
}
