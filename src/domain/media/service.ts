import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encode as encodeBlurhash } from "blurhash";
import { and, eq, isNull } from "drizzle-orm";
import type { OutputInfo } from "sharp";
import { loadSharp } from "./sharp.ts";
import type { Db } from "../../db/client.ts";
import { mediaAttachments, mediaProcessing } from "../../db/schema.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import { assertNoPhi } from "../phi/enforce.ts";
import { type FieldFinding, findPhiInFields, phiErrorMessage } from "../phi/guard.ts";
import type { TextInImages } from "./ocr.ts";
import { announce } from "../observations.ts";

export type MediaRow = typeof mediaAttachments.$inferSelect;

export const MEDIA_LIMITS = {
  maxBytes: 16 * 1024 * 1024,
  maxPixels: 33_177_600, // 7680 x 4320, Mastodon's image_matrix_limit
  /** Deeper than 8 bits a channel, decoding costs several times more: 3840 x 2160 at most. */
  maxDeepPixels: 8_294_400,
  /** Larger images are decoded off the request path on POST /api/v2/media (202). */
  syncPixels: 8_294_400,
  maxDimension: 4096,
  previewSize: 400,
  descriptionLength: 1500,
} as const;

const ACCEPTED_FORMATS = new Set(["jpeg", "png", "webp", "heif", "gif", "tiff"]);

/** Recognises what we refuse by name, so the error can say why. */
function refusedKind(bytes: Uint8Array): string | null {
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString("latin1");
  if (bytes.length > 132 && ascii(128, 132) === "DICM") {
    return "DICOM files are not accepted yet: export the image as JPEG or PNG (and check it carries no burnt-in patient details)";
  }
  if (ascii(4, 8) === "ftyp" && /^(heic|heix|hevc|hevx|heim|heis)$/.test(ascii(8, 12))) {
    return "HEIC (HEVC) photos cannot be decoded on this server: export the photo as JPEG";
  }
  if (ascii(0, 5) === "%PDF-") return "PDF files are not images: export the page as PNG";
  return null;
}

export interface MediaUpload {
  readonly accountId: string;
  readonly bytes: Uint8Array;
  readonly description?: string;
  readonly focus?: string;
  /** Set when importing a peer's attachment for a status already stored. */
  readonly statusId?: string;
  /** Peers' descriptions were checked at their origin; ours are checked here. */
  readonly skipPhiCheck?: boolean;
}

function parseFocus(focus: string | undefined): { x: number; y: number } {
  if (!focus) return { x: 0, y: 0 };
  const [x, y] = focus.split(",").map(Number);
  if (x == null || y == null || !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 1 || Math.abs(y) > 1) {
    throw new DomainError("unprocessable", "Validation failed: focus must be two numbers between -1.0 and 1.0, like 0.2,-0.5");
  }
  return { x, y };
}

function checkDescription(description: string | undefined): void {
  if (description != null && description.length > MEDIA_LIMITS.descriptionLength) {
    throw new DomainError(
      "unprocessable",
      `Validation failed: description is too long (maximum is ${MEDIA_LIMITS.descriptionLength} characters)`,
    );
  }
  assertNoPhi({ description });
}

/** An upload that passed every check that needs no decoding. */
export interface InspectedImage {
  readonly sharp: Awaited<ReturnType<typeof loadSharp>>;
  readonly format: string;
  readonly hasAlpha: boolean;
  readonly focus: { x: number; y: number };
  /** Width x height: what decoding will cost. */
  readonly pixels: number;
}

/** Runs tasks one after another (a tiny mutex). */
class OneAtATime {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => {});
    return result;
  }
}

/**
 * Images are decoded and re-encoded: orientation applied, colours converted
 * to sRGB, and every metadata block (EXIF, GPS, XMP, IPTC, ICC, comments)
 * left behind, because only pixels are copied into the new file.
 */
export class MediaService {
  readonly #db: Db;
  readonly #dir: string;
  readonly #decoding = new OneAtATime();
  readonly #ocr: TextInImages | null;

  constructor(db: Db, mediaDir: string, ocr: TextInImages | null = null) {
    this.#db = db;
    this.#dir = mediaDir;
    this.#ocr = ocr?.enabled ? ocr : null;
    mkdirSync(this.#dir, { recursive: true });
  }

  /** Whether images are read for text (OCR) before they may be used. */
  get readsText(): boolean {
    return this.#ocr != null;
  }

  /** Identifiers in the text burned into a stored image (none when OCR is off). */
  async textFindings(row: MediaRow): Promise<FieldFinding[]> {
    if (!this.#ocr) return [];
    const text = await this.#ocr.read(readFileSync(this.filePath(row.fileName)));
    return findPhiInFields({ "the image's text": text });
  }

  filePath(fileName: string): string {
    return join(this.#dir, fileName);
  }

  async upload(input: MediaUpload, now = new Date()): Promise<MediaRow> {
    const row = await this.encode(input, await this.inspect(input), newId(now.getTime()), now);
    // A physician's upload with a name, a date or a number burned in is refused, and nothing is kept.
    if (!input.skipPhiCheck) await this.refuseIfTextIdentifies(row);
    return row;
  }

  /** Reads the image's text; with identifiers in it the attachment goes and the error says what was found. */
  async refuseIfTextIdentifies(row: MediaRow): Promise<void> {
    const findings = await this.textFindings(row);
    if (findings.length === 0) return;
    this.#db.delete(mediaAttachments).where(eq(mediaAttachments.id, row.id)).run();
    this.deleteFiles([row]);
    announce({ type: "phi.refused", identifierTypes: [...new Set(findings.map((f) => f.type))] });
    throw new DomainError("unprocessable", phiErrorMessage(findings), findings);
  }

  /**
   * Everything that can be refused without decoding the pixels: size, kind,
   * description, focus, format and dimensions (read from the header).
   */
  async inspect(input: MediaUpload): Promise<InspectedImage> {
    if (input.bytes.length === 0) throw new DomainError("unprocessable", "The file is empty");
    if (input.bytes.length > MEDIA_LIMITS.maxBytes) {
      throw new DomainError("unprocessable", `The file is too large (maximum is ${MEDIA_LIMITS.maxBytes / 1024 / 1024} MB)`);
    }
    if (!input.skipPhiCheck) checkDescription(input.description);
    const focus = parseFocus(input.focus);
    const refused = refusedKind(input.bytes);
    if (refused) throw new DomainError("unprocessable", refused);

    const sharp = await loadSharp();
    let meta: { format?: string; hasAlpha?: boolean; depth?: string; width?: number; height?: number; pages?: number };
    try {
      meta = await sharp(input.bytes, { limitInputPixels: MEDIA_LIMITS.maxPixels, failOn: "error" }).metadata();
    } catch (error) {
      if (/pixel limit/i.test((error as Error).message)) {
        throw new DomainError("unprocessable", `The image has too many pixels (maximum is ${MEDIA_LIMITS.maxPixels})`);
      }
      throw new DomainError("unprocessable", "The file is not an image this server can read (JPEG, PNG, WebP, AVIF, GIF or TIFF)");
    }
    const format = meta.format;
    const hasAlpha = meta.hasAlpha ?? false;
    const deep = meta.depth != null && meta.depth !== "uchar" && meta.depth !== "char";
    if (deep && (meta.width ?? 0) * (meta.height ?? 0) > MEDIA_LIMITS.maxDeepPixels) {
      throw new DomainError(
        "unprocessable",
        `The image has more than 8 bits per channel and too many pixels for that (maximum is ${MEDIA_LIMITS.maxDeepPixels}, 3840 x 2160): export it as an 8-bit image`,
      );
    }
    if (!format || !ACCEPTED_FORMATS.has(format)) {
      throw new DomainError("unprocessable", `Images of type ${format ?? "unknown"} are not accepted (JPEG, PNG, WebP, AVIF, GIF or TIFF)`);
    }

    return { sharp, format, hasAlpha, focus, pixels: (meta.width ?? 0) * (meta.height ?? 0) };
  }

  /** Decodes and re-encodes an inspected image into the attachment `id`; one image at a time per process. */
  encode(input: MediaUpload, inspected: InspectedImage, id: string, now = new Date()): Promise<MediaRow> {
    // A burst of large uploads cannot take every core and the memory.
    return this.#decoding.run(() => this.#encode(input, inspected, id, now));
  }

  async #encode(input: MediaUpload, { sharp, format, hasAlpha, focus }: InspectedImage, id: string, now: Date): Promise<MediaRow> {
    const base = () =>
      sharp(input.bytes, { limitInputPixels: MEDIA_LIMITS.maxPixels, failOn: "error", pages: 1 }).rotate().toColourspace("srgb");
    const keepAlpha = hasAlpha && format !== "jpeg";
    let original: { data: Buffer; info: OutputInfo };
    let preview: { data: Buffer; info: OutputInfo };
    let pixels: { data: Buffer; info: OutputInfo };
    try {
      const resized = () =>
        base().resize(MEDIA_LIMITS.maxDimension, MEDIA_LIMITS.maxDimension, { fit: "inside", withoutEnlargement: true });
      original = await (keepAlpha ? resized().png({ compressionLevel: 8 }) : resized().jpeg({ quality: 88, mozjpeg: true })).toBuffer({
        resolveWithObject: true,
      });
      preview = await base()
        .resize(MEDIA_LIMITS.previewSize, MEDIA_LIMITS.previewSize, { fit: "inside", withoutEnlargement: true })
        .flatten({ background: "#ffffff" })
        .jpeg({ quality: 80 })
        .toBuffer({ resolveWithObject: true });
      pixels = await base().resize(32, 32, { fit: "inside" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    } catch {
      throw new DomainError("unprocessable", "The image could not be decoded (is the file truncated?)");
    }
    const blurhash = encodeBlurhash(new Uint8ClampedArray(pixels.data), pixels.info.width, pixels.info.height, 4, 3);
    const ext = keepAlpha ? "png" : "jpg";
    const fileName = `${id}.${ext}`;
    const previewFileName = `${id}.small.jpg`;
    writeFileSync(this.filePath(fileName), original.data);
    writeFileSync(this.filePath(previewFileName), preview.data);
    try {
      return this.#db
        .insert(mediaAttachments)
        .values({
          id,
          accountId: input.accountId,
          mimeType: keepAlpha ? "image/png" : "image/jpeg",
          fileName,
          previewFileName,
          width: original.info.width,
          height: original.info.height,
          previewWidth: preview.info.width,
          previewHeight: preview.info.height,
          size: original.data.length,
          blurhash,
          description: (input.description ?? "").slice(0, MEDIA_LIMITS.descriptionLength),
          statusId: input.statusId ?? null,
          focusX: focus.x,
          focusY: focus.y,
          createdAt: now,
        })
        .returning()
        .get();
    } catch (error) {
      rmSync(this.filePath(fileName), { force: true });
      rmSync(this.filePath(previewFileName), { force: true });
      throw error;
    }
  }

  /**
   * The attachment a served file belongs to, if it still exists: a link to
   * the media of a deleted post stops working at once, however long its
   * signature would have lasted.
   */
  byFileName(fileName: string): MediaRow | undefined {
    const id = /^(\d{1,20})\./.exec(fileName)?.[1];
    const row = id ? this.get(id) : undefined;
    return row && (row.fileName === fileName || row.previewFileName === fileName) ? row : undefined;
  }

  /** Removes the files of attachments whose rows are gone. */
  deleteFiles(rows: readonly MediaRow[]): void {
    for (const row of rows) {
      rmSync(this.filePath(row.fileName), { force: true });
      rmSync(this.filePath(row.previewFileName), { force: true });
    }
  }

  get(id: string): MediaRow | undefined {
    return this.#db.select().from(mediaAttachments).where(eq(mediaAttachments.id, id)).get();
  }

  /** The owner's media, for GET/PUT /api/v1/media/:id. */
  getOwned(accountId: string, id: string): MediaRow {
    const row = this.get(id);
    if (!row || row.accountId !== accountId) throw new DomainError("not_found", "Record not found");
    return row;
  }

  /** The checks a changed description or focus must pass (also for an upload still being processed). */
  checkChanges(changes: { description?: string; focus?: string }): void {
    checkDescription(changes.description);
    if (changes.focus != null) parseFocus(changes.focus);
  }

  update(accountId: string, id: string, changes: { description?: string; focus?: string }): MediaRow {
    const row = this.getOwned(accountId, id);
    checkDescription(changes.description);
    const focus = changes.focus != null ? parseFocus(changes.focus) : { x: row.focusX, y: row.focusY };
    return this.#db
      .update(mediaAttachments)
      .set({ description: changes.description ?? row.description, focusX: focus.x, focusY: focus.y })
      .where(eq(mediaAttachments.id, id))
      .returning()
      .get();
  }

  /** Deletes an upload that no status uses (Mastodon 4.4's DELETE /api/v1/media/:id). */
  remove(accountId: string, id: string): MediaRow {
    const row = this.getOwned(accountId, id);
    if (row.statusId) throw new DomainError("unprocessable", "Media attachment is currently used by a status");
    this.#db.delete(mediaAttachments).where(eq(mediaAttachments.id, id)).run();
    this.deleteFiles([row]);
    return row;
  }

  /** Unattached media of an account, for attaching to a new status. */
  unattached(accountId: string, ids: readonly string[]): MediaRow[] {
    return ids.map((id) => {
      const row = this.#db
        .select()
        .from(mediaAttachments)
        .where(and(eq(mediaAttachments.id, id), eq(mediaAttachments.accountId, accountId), isNull(mediaAttachments.statusId)))
        .get();
      if (!row) {
        const processing = this.#db
          .select({ id: mediaProcessing.id })
          .from(mediaProcessing)
          .where(and(eq(mediaProcessing.id, id), eq(mediaProcessing.accountId, accountId)))
          .get();
        if (processing)
          throw new DomainError("unprocessable", "Cannot attach files that have not finished processing. Try again in a moment!");
        throw new DomainError("unprocessable", `Media ${id} was not found or is already attached`);
      }
      return row;
    });
  }
}
