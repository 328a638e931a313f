import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { assertNotNewer, migrationsFolder } from "./migrations.ts";
import * as schema from "./schema.ts";

/** Drizzle over the connection; `$client` is the raw connection for hand-prepared statements. */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface DatabaseHandle {
  /** The raw connection, for the Fedify KV and queue adapters' hot paths. */
  readonly sqlite: Database.Database;
  readonly db: Db;
  close(): void;
}

/**
 * Drizzle prepares every query anew, and compiling SQL was the largest single
 * cost in the benchmark's CPU profile.  Statements are reused by SQL text
 * instead.  Drizzle switches a statement to raw mode for some reads, so a
 * reused reader is switched back first.
 */
function cachePreparedStatements(sqlite: Database.Database, limit = 1000): void {
  const cache = new Map<string, Database.Statement>();
  const prepare = sqlite.prepare.bind(sqlite) as (source: string) => Database.Statement;
  (sqlite as unknown as { prepare: (source: string) => Database.Statement }).prepare = (source: string) => {
    const cached = cache.get(source);
    // A statement still iterating (a query run inside another's loop) is not handed out again: a fresh one is.
    if (cached && !cached.busy) {
      if (cached.reader) cached.raw(false);
      return cached;
    }
    const statement = prepare(source);
    if (cached) return statement;
    if (cache.size >= limit) cache.delete(cache.keys().next().value!);
    cache.set(source, statement);
    return statement;
  };
}

/** Opens (creating if needed) the SQLite file in WAL mode and applies migrations. */
export function openDatabase(path: string, options: { migrationsFolder?: string } = {}): DatabaseHandle {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // What is deleted (a post, an erased account) is overwritten in the file, not left in free pages.
  sqlite.pragma("secure_delete = ON");
  // 8 MB of page cache (SQLite's default is 16 MB per connection); the OS caches the file too.
  sqlite.pragma("cache_size = -8000");
  cachePreparedStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  try {
    assertNotNewer(sqlite);
    // Drizzle applies what is pending in one transaction: all of it, or nothing.
    migrate(db, { migrationsFolder: options.migrationsFolder ?? migrationsFolder });
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return { sqlite, db, close: () => sqlite.close() };
}
