import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./pg-schema.ts";

/** The PostgreSQL migrations beside the sources or the bundle: the nearest `migrations-pg/` up the tree. */
function findMigrations(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "migrations-pg", "meta", "_journal.json"))) return join(dir, "migrations-pg");
    if (dirname(dir) === dir) throw new Error("The migrations-pg folder was not found");
  }
}

export type PgDb = PostgresJsDatabase<typeof schema>;

export interface PostgresHandle {
  /** postgres.js, for the queue's and KV's hand-written statements (prepared by the driver). */
  readonly sql: postgres.Sql;
  readonly db: PgDb;
  close(): Promise<void>;
}

export interface OpenPostgresOptions {
  /** Connections in the pool. */
  readonly max?: number;
}

/** Connects to CONSILIUM_DATABASE_URL's database and applies pending migrations (one transaction, under drizzle's lock). */
export async function openPostgres(url: string, options: OpenPostgresOptions = {}): Promise<PostgresHandle> {
  const sql = postgres(url, {
    max: options.max ?? 10,
    // The server's notices ("relation already exists, skipping") are not ours to print.
    onnotice: () => {},
    // Epoch-millisecond columns and counts are int8: read as numbers (exact up to 2^53, 285,000 years of milliseconds).
    types: { int8: { to: 20, from: [20], serialize: (n: number) => String(n), parse: (s: string) => Number(s) } },
  });
  const db = drizzle(sql, { schema });
  try {
    await migrate(db, { migrationsFolder: findMigrations() });
  } catch (error) {
    await sql.end({ timeout: 0 });
    throw error;
  }
  return { sql, db, close: () => sql.end({ timeout: 5 }) };
}
