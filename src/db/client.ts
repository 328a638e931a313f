import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { type AsyncDb, openAsyncSqlite } from "./async-sqlite.ts";
import { assertNotNewer, migrationsFolder } from "./migrations.ts";
import * as schema from "./schema.ts";

/**
 * Drizzle over the connection; `$client` is the raw connection for hand-prepared statements.
 * Drizzle compiles a query each time it runs, so a query on a hot path is
 * prepared once by the store that owns its table (`once(() => ….prepare())`,
 * src/db/prepared.ts); the connection itself is stock better-sqlite3.
 */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface DatabaseHandle {
  /** The raw connection, for the Fedify KV and queue adapters' hot paths. */
  readonly sqlite: Database.Database;
  readonly db: Db;
  /**
   * The same connection behind awaited queries and serialised transactions (src/db/async-sqlite.ts): the data
   * layer domain code moves to, folder by folder, so that PostgreSQL can sit under it.
   */
  readonly adb: AsyncDb;
  close(): void;
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
  const db = drizzle(sqlite, { schema });
  try {
    assertNotNewer(sqlite);
    // Drizzle applies what is pending in one transaction: all of it, or nothing.
    migrate(db, { migrationsFolder: options.migrationsFolder ?? migrationsFolder });
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return { sqlite, db, adb: openAsyncSqlite(sqlite).db, close: () => sqlite.close() };
}
