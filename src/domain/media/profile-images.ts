import { createHash } from "node:crypto";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, remoteActors } from "../../db/schema.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import type { MediaService } from "./service.ts";
import { loadSharp } from "./sharp.ts";

export type ProfileImageKind = "avatar" | "header";

/** Mastodon's sizes: a square avatar, a 3:1 header. */
const SIZES: Record<ProfileImageKind, { width: number; height: number }> = {
  avatar: { width: 400, height: 400 },
  header: { width: 1500, height: 500 },
};

const FILE = /^profile-\d{1,20}\.jpg$/;

/**
 * Avatars and headers: uploaded by physicians (update_credentials) or copied
 * from a peer's actor (`icon`, `image`), checked as media are, cropped to
 * Mastodon's sizes and re-encoded (so no metadata survives), kept in the
 * media directory and served only through signed links.  Everyone without an
 * avatar gets a generated one that reveals nothing: a pattern drawn from a
 * hash of their pseudonymous address.
 */
export class ProfileImages {
  readonly #db: Db;
  readonly #media: MediaService;
  readonly #defaults = new Map<string, Promise<Buffer>>();

  constructor(deps: { db: Db; media: MediaService }) {
    this.#db = deps.db;
    this.#media = deps.media;
  }

  static isFileName(name: string): boolean {
    return FILE.test(name);
  }

  filePath(name: string): string | null {
    if (!FILE.test(name)) return null;
    const path = this.#media.filePath(name);
    return existsSync(path) ? path : null;
  }

  async #encode(kind: ProfileImageKind, bytes: Uint8Array, accountId: string): Promise<string> {
    // The same checks as any upload (size, kind, pixels, bit depth), then a crop to the size.
    const inspected = await this.#media.inspect({ accountId, bytes, skipPhiCheck: true });
    const { width, height } = SIZES[kind];
    let data: Buffer;
    try {
      data = await inspected
        .sharp(bytes, { failOn: "error", pages: 1 })
        .rotate()
        .toColourspace("srgb")
        .resize(width, height, { fit: "cover" })
        .flatten({ background: "#ffffff" })
        .jpeg({ quality: 85 })
        .toBuffer();
    } catch {
      throw new DomainError("unprocessable", "The image could not be decoded (is the file truncated?)");
    }
    const name = `profile-${newId()}.jpg`;
    writeFileSync(this.#media.filePath(name), data);
    return name;
  }

  #remove(name: string | null): void {
    if (name && FILE.test(name)) rmSync(this.#media.filePath(name), { force: true });
  }

  /** A physician's upload; the previous file goes. */
  async setLocal(accountId: string, kind: ProfileImageKind, bytes: Uint8Array): Promise<void> {
    const row = this.#db
      .select({ avatar: accounts.avatarFile, header: accounts.headerFile })
      .from(accounts)
      .where(eq(accounts.id, accountId))
      .get();
    if (!row) throw new DomainError("not_found", "Record not found");
    const name = await this.#encode(kind, bytes, accountId);
    this.#db
      .update(accounts)
      .set(kind === "avatar" ? { avatarFile: name } : { headerFile: name })
      .where(eq(accounts.id, accountId))
      .run();
    this.#remove(kind === "avatar" ? row.avatar : row.header);
  }

  clearLocal(accountId: string, kind: ProfileImageKind): void {
    const row = this.#db
      .select({ avatar: accounts.avatarFile, header: accounts.headerFile })
      .from(accounts)
      .where(eq(accounts.id, accountId))
      .get();
    if (!row) return;
    this.#db
      .update(accounts)
      .set(kind === "avatar" ? { avatarFile: null } : { headerFile: null })
      .where(eq(accounts.id, accountId))
      .run();
    this.#remove(kind === "avatar" ? row.avatar : row.header);
  }

  /** Whether a peer's published image (by its URL) differs from the copy held here. */
  remoteNeedsCopy(actor: typeof remoteActors.$inferSelect, kind: ProfileImageKind, source: string | null): boolean {
    return (kind === "avatar" ? actor.avatarSource : actor.headerSource) !== source;
  }

  /** A copy of a peer's image (null bytes: the actor has none any more). */
  async setRemote(actorId: string, kind: ProfileImageKind, source: string | null, bytes: Uint8Array | null): Promise<void> {
    const row = this.#db.select().from(remoteActors).where(eq(remoteActors.id, actorId)).get();
    if (!row) return;
    const name = bytes ? await this.#encode(kind, bytes, actorId) : null;
    this.#db
      .update(remoteActors)
      .set(kind === "avatar" ? { avatarSource: source, avatarFile: name } : { headerSource: source, headerFile: name })
      .where(eq(remoteActors.id, actorId))
      .run();
    this.#remove(kind === "avatar" ? row.avatarFile : row.headerFile);
  }

  /** The seed of someone's generated avatar: a hash of their address, nothing else. */
  static seedOf(uri: string): string {
    return createHash("sha256").update(uri).digest("hex").slice(0, 20);
  }

  /** A generated avatar for a seed (a symmetric 5 x 5 pattern in a colour of the seed), as PNG. */
  defaultAvatar(seed: string): Promise<Buffer> {
    if (!/^[0-9a-f]{20}$/.test(seed)) throw new DomainError("not_found", "Record not found");
    let png = this.#defaults.get(seed);
    if (!png) {
      png = loadSharp().then((sharp) =>
        sharp(Buffer.from(identiconSvg(seed)))
          .png()
          .toBuffer(),
      );
      if (this.#defaults.size > 2_000) this.#defaults.clear();
      this.#defaults.set(seed, png);
    }
    return png;
  }
}

function identiconSvg(seed: string): string {
  const bits = [...Buffer.from(seed, "hex")].flatMap((byte) => [...Array(8)].map((_, i) => (byte >> i) & 1));
  const hue = parseInt(seed.slice(0, 3), 16) % 360;
  const cells: string[] = [];
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 3; x++) {
      if (!bits[y * 3 + x + 8]) continue;
      for (const cx of new Set([x, 4 - x])) cells.push(`<rect x="${40 + cx * 64}" y="${40 + y * 64}" width="64" height="64"/>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400"><rect width="400" height="400" fill="hsl(${hue},25%,93%)"/><g fill="hsl(${hue},55%,42%)">${cells.join("")}</g></svg>`;
}
