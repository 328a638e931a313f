import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { mediaProcessing } from "../../db/schema.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import { MEDIA_LIMITS, type MediaRow, type MediaService, type MediaUpload } from "./service.ts";

export type PendingMediaRow = typeof mediaProcessing.$inferSelect;

/** What `POST /api/v2/media` answers: the attachment, or the upload still being processed (202). */
export type Accepted = { readonly done: MediaRow } | { readonly pending: PendingMediaRow };

/**
 * Images off the request path (Mastodon's `POST /api/v2/media`, 202): an
 * upload over `MEDIA_LIMITS.syncPixels`, or any upload where its text is read
 * (OCR), is checked at once (everything that needs no decoding), answered, and
 * decoded and read in the background, one at a time.
 * The bytes wait on disk beside the media and a pending row says so, so a
 * restart resumes; a failure is kept for the client to read.
 */
export class MediaProcessing {
  readonly #db: Db;
  readonly #media: MediaService;
  readonly #running = new Map<string, Promise<void>>();

  constructor(deps: { db: Db; media: MediaService }) {
    this.#db = deps.db;
    this.#media = deps.media;
  }

  #bytesPath(id: string): string {
    return this.#media.filePath(`${id}.upload`);
  }

  async accept(input: MediaUpload, now = new Date()): Promise<Accepted> {
    const inspected = await this.#media.inspect(input);
    const id = newId(now.getTime());
    // Small images are finished at once, unless their text is to be read (OCR): then the client polls.
    if (inspected.pixels <= MEDIA_LIMITS.syncPixels && !this.#media.readsText)
      return { done: await this.#media.encode(input, inspected, id, now) };
    writeFileSync(this.#bytesPath(id), input.bytes);
    const pending = this.#db
      .insert(mediaProcessing)
      .values({ id, accountId: input.accountId, description: input.description ?? "", focus: input.focus ?? null, createdAt: now })
      .returning()
      .get();
    this.#start(pending);
    return { pending };
  }

  /** Uploads a restart interrupted are taken up again. */
  resume(): void {
    for (const row of this.#db.select().from(mediaProcessing).all()) if (!row.error) this.#start(row);
  }

  #start(row: PendingMediaRow): void {
    if (this.#running.has(row.id)) return;
    const run = this.#process(row).finally(() => this.#running.delete(row.id));
    this.#running.set(row.id, run);
  }

  async #process(row: PendingMediaRow): Promise<void> {
    try {
      const input: MediaUpload = {
        accountId: row.accountId,
        bytes: new Uint8Array(readFileSync(this.#bytesPath(row.id))),
        description: row.description,
        focus: row.focus ?? undefined,
      };
      const done = await this.#media.encode(input, await this.#media.inspect(input), row.id, row.createdAt);
      // Text burned into the image is checked like any text: with identifiers it is refused (the reason kept for the client).
      await this.#media.refuseIfTextIdentifies(done);
      // What the client changed meanwhile applies; what it withdrew goes.
      const now = this.#db.select().from(mediaProcessing).where(eq(mediaProcessing.id, row.id)).get();
      if (!now) this.#media.remove(row.accountId, row.id);
      else if (now.description !== row.description || now.focus !== row.focus)
        this.#media.update(row.accountId, row.id, { description: now.description, focus: now.focus ?? undefined });
      this.#db.delete(mediaProcessing).where(eq(mediaProcessing.id, row.id)).run();
      rmSync(this.#bytesPath(row.id), { force: true });
    } catch (error) {
      // The client reads why (GET /api/v1/media/:id answers 422 with it).
      const message = error instanceof DomainError ? error.message : "The image could not be processed";
      if (this.#db.select({ id: mediaProcessing.id }).from(mediaProcessing).where(eq(mediaProcessing.id, row.id)).get()) {
        this.#db.update(mediaProcessing).set({ error: message }).where(eq(mediaProcessing.id, row.id)).run();
      }
      rmSync(this.#bytesPath(row.id), { force: true });
    }
  }

  /** Resolves when the upload is done (tests; a graceful stop). */
  async settled(id: string): Promise<void> {
    await this.#running.get(id);
  }

  /** The owner's upload still being processed (or failed), if it is one. */
  pending(accountId: string, id: string): PendingMediaRow | undefined {
    const row = this.#db.select().from(mediaProcessing).where(eq(mediaProcessing.id, id)).get();
    return row && row.accountId === accountId ? row : undefined;
  }

  /** A description or focus given while the image is still being processed applies to the result. */
  updatePending(accountId: string, id: string, changes: { description?: string; focus?: string }): PendingMediaRow | undefined {
    const row = this.pending(accountId, id);
    if (!row) return undefined;
    this.#media.checkChanges(changes);
    return this.#db
      .update(mediaProcessing)
      .set({ description: changes.description ?? row.description, focus: changes.focus ?? row.focus })
      .where(eq(mediaProcessing.id, id))
      .returning()
      .get();
  }

  /** Withdraws an upload still being processed. */
  removePending(accountId: string, id: string): PendingMediaRow | undefined {
    const row = this.pending(accountId, id);
    if (!row) return undefined;
    this.#db.delete(mediaProcessing).where(eq(mediaProcessing.id, id)).run();
    return row;
  }
}
