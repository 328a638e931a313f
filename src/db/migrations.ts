import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";

/** The migrations beside the sources (src/db/) or the bundle (dist/): the nearest `migrations/` up the tree. */
function findMigrations(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "migrations", "meta", "_journal.json"))) return join(dir, "migrations");
    if (dirname(dir) === dir) throw new Error("The migrations folder was not found");
  }
}
export const migrationsFolder = findMigrations();

interface Journal {
  readonly entries: readonly { readonly tag: string; readonly when: number }[];
}
const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as Journal;

/** How many migrations this code knows. */
export function knownMigrations(): number {
  return journal.entries.length;
}

/** How many migrations a database has had applied (0 for a new file). */
export function appliedMigrations(sqlite: Database.Database): number {
  const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!table) return 0;
  return (sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n;
}

export class NewerDatabaseError extends Error {}

/**
 * Refuses a database that a newer Consilium has migrated: running old code
 * on it could write what the new schema no longer means.  (Drizzle would
 * otherwise skip the check and start.)
 */
export function assertNotNewer(sqlite: Database.Database): void {
  const applied = appliedMigrations(sqlite);
  const latest = journal.entries.at(-1)?.when ?? 0;
  const newest =
    applied === 0 ? 0 : ((sqlite.prepare("SELECT max(created_at) AS t FROM __drizzle_migrations").get() as { t: number | null }).t ?? 0);
  if (applied > knownMigrations() || Number(newest) > latest) {
    throw new NewerDatabaseError(
      `The database has ${applied} migrations, the newest from ${new Date(Number(newest)).toISOString()}; this code knows ${knownMigrations()} (up to ${new Date(latest).toISOString()}). Run the newer version, or restore a backup taken by this one.`,
    );
  }
}

/** Every migration this code knows is applied (readiness). */
export function migrationsApplied(sqlite: Database.Database): boolean {
  return appliedMigrations(sqlite) >= knownMigrations();
}
