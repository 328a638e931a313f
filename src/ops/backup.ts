import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import Database from "better-sqlite3";
import { extract, pack } from "tar-stream";
import { SOFTWARE_VERSION } from "../domain/instance.ts";
import { appliedMigrations, knownMigrations } from "../db/migrations.ts";

const DATABASE = "consilium.sqlite";
/** What a data directory holds that a backup carries: the database and the media files. Exports are rebuilt on request; the secret is kept apart on purpose. */
const MEDIA = "media";

export interface BackupManifest {
  readonly format: 1;
  readonly software: string;
  readonly createdAt: string;
  readonly migrations: number;
  readonly mediaFiles: number;
}

function* filesUnder(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/** Where an instance keeps what a backup carries: the database in the data directory, the images in the media directory. */
export interface DataPaths {
  readonly dataDir: string;
  readonly mediaDir: string;
}

/** What a directory holds (nothing when it does not exist), a development secret file left out: it is a key, not data. */
function contents(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => name !== "secret") : [];
}

/** Undoes a failed restore in a directory: one the restore created goes, one that was there is emptied again. */
function undo(dir: string, created: boolean): void {
  if (created) rmSync(dir, { recursive: true, force: true });
  else for (const name of contents(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}

/**
 * An online, consistent backup of a data directory into one .tar.gz: the
 * database copied with SQLite's backup API (a snapshot taken page by page
 * while the server keeps writing; WAL included), then the media files the
 * snapshot can refer to.  Written to FILE.partial and renamed, so a backup
 * that exists is complete.
 */
export async function createBackup(paths: DataPaths, file: string): Promise<BackupManifest> {
  const { dataDir, mediaDir } = paths;
  mkdirSync(dirname(file), { recursive: true });
  const snapshot = `${file}.db-${process.pid}`;
  const partial = `${file}.partial`;
  try {
    const source = new Database(join(dataDir, DATABASE), { readonly: true, fileMustExist: true });
    source.pragma("busy_timeout = 5000");
    try {
      await source.backup(snapshot);
    } finally {
      source.close();
    }
    const copy = new Database(snapshot);
    copy.pragma("journal_mode = DELETE");
    const migrations = appliedMigrations(copy);
    copy.close();
    const media = [...filesUnder(mediaDir)];
    const manifest: BackupManifest = {
      format: 1,
      software: SOFTWARE_VERSION,
      createdAt: new Date().toISOString(),
      migrations,
      mediaFiles: media.length,
    };

    const archive = pack();
    const written = pipeline(archive, createGzip(), createWriteStream(partial));
    const add = (name: string, body: Buffer) =>
      new Promise<void>((resolve, reject) => archive.entry({ name }, body, (error) => (error ? reject(error) : resolve())));
    const addFile = async (name: string, path: string) => {
      const size = (await stat(path)).size;
      await new Promise<void>((resolve, reject) => {
        const entry = archive.entry({ name, size }, (error) => (error ? reject(error) : resolve()));
        createReadStream(path).on("error", reject).pipe(entry);
      });
    };
    await add("manifest.json", Buffer.from(JSON.stringify(manifest, null, 2)));
    await addFile(DATABASE, snapshot);
    for (const path of media) {
      // A file removed after the snapshot (its post deleted) is simply not carried.
      if (!existsSync(path)) continue;
      await addFile([MEDIA, ...relative(mediaDir, path).split(sep)].join("/"), path);
    }
    archive.finalize();
    await written;
    renameSync(partial, file);
    return manifest;
  } finally {
    rmSync(snapshot, { force: true });
    rmSync(partial, { force: true });
  }
}

/**
 * Restores a backup into an empty (or absent) data directory, and its images
 * into the media directory (empty or absent too, when it is elsewhere).
 * Refuses a non-empty one, an archive with paths outside it, a database that
 * fails SQLite's integrity check, and one newer than this code.
 */
export async function restoreBackup(file: string, paths: DataPaths): Promise<BackupManifest> {
  const { dataDir, mediaDir } = paths;
  if (contents(dataDir).length > 0) throw new Error(`${dataDir} is not empty: restore only into an empty data directory`);
  const fromData = relative(dataDir, mediaDir);
  const mediaElsewhere = fromData.startsWith("..") || isAbsolute(fromData);
  if (mediaElsewhere && contents(mediaDir).length > 0)
    throw new Error(`${mediaDir} is not empty: restore only into an empty media directory`);
  const created = !existsSync(dataDir);
  const mediaCreated = mediaElsewhere && !existsSync(mediaDir);
  mkdirSync(dataDir, { recursive: true });
  let manifest: BackupManifest | null = null;
  const unpack = extract();
  unpack.on("entry", (header, stream, next) => {
    const name = header.name;
    const safe =
      name === "manifest.json" ||
      name === DATABASE ||
      (name.startsWith(`${MEDIA}/`) && !name.split("/").includes("..") && header.type === "file");
    if (!safe) {
      stream.resume();
      unpack.destroy(new Error(`unexpected entry in the backup: ${name}`));
      return;
    }
    if (name === "manifest.json") {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => chunks.push(c as Buffer));
      stream.on("end", () => {
        manifest = JSON.parse(Buffer.concat(chunks).toString("utf8")) as BackupManifest;
        next();
      });
      return;
    }
    const target = name.startsWith(`${MEDIA}/`) ? join(mediaDir, ...name.split("/").slice(1)) : join(dataDir, ...name.split("/"));
    mkdirSync(dirname(target), { recursive: true });
    pipeline(stream, createWriteStream(target)).then(
      () => next(),
      (error: Error) => unpack.destroy(error),
    );
  });
  try {
    await pipeline(createReadStream(file), createGunzip(), unpack);
    if (!manifest) throw new Error("the backup has no manifest.json");
    const databasePath = join(dataDir, DATABASE);
    if (!existsSync(databasePath)) throw new Error("the backup has no database");
    const restored = new Database(databasePath);
    try {
      const check = restored.pragma("integrity_check", { simple: true });
      if (check !== "ok") throw new Error(`the restored database failed its integrity check: ${String(check)}`);
      if (appliedMigrations(restored) > knownMigrations())
        throw new Error("the backup was taken by a newer version of Consilium; upgrade before restoring it");
    } finally {
      restored.close();
    }
    return manifest;
  } catch (error) {
    // Nothing half-restored is left to start from.
    undo(dataDir, created);
    if (mediaElsewhere) undo(mediaDir, mediaCreated);
    throw error;
  }
}

/** Backups named by time in a directory; the oldest beyond `keep` are removed. */
export class BackupSchedule {
  readonly #paths: DataPaths;
  readonly #dir: string;
  readonly #keep: number;
  #running: Promise<string> | null = null;

  constructor(options: { paths: DataPaths; dir: string; keep: number }) {
    this.#paths = { dataDir: options.paths.dataDir, mediaDir: options.paths.mediaDir };
    this.#dir = options.dir;
    this.#keep = options.keep;
  }

  /** One backup now (a second call while one runs waits for it). Returns the file. */
  run(): Promise<string> {
    this.#running ??= (async () => {
      const file = join(this.#dir, `consilium-${new Date().toISOString().replace(/[:.]/g, "-")}.tar.gz`);
      await createBackup(this.#paths, file);
      this.#prune();
      return file;
    })().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  list(): string[] {
    if (!existsSync(this.#dir)) return [];
    return readdirSync(this.#dir)
      .filter((name) => /^consilium-.*\.tar\.gz$/.test(name))
      .sort()
      .map((name) => join(this.#dir, name));
  }

  #prune(): void {
    const all = this.list();
    for (const old of all.slice(0, Math.max(0, all.length - this.#keep))) rmSync(old, { force: true });
  }

  /** When the newest backup was taken (for the readiness and metrics pages), or null. */
  latest(): { file: string; at: Date } | null {
    const newest = this.list().at(-1);
    return newest ? { file: basename(newest), at: statSync(newest).mtime } : null;
  }
}
