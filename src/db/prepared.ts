import { type Column, type SQL, sql } from "drizzle-orm";

/**
 * Hot reads are prepared once and reused: Drizzle builds the SQL a single
 * time, and a list of ids travels as one JSON array parameter (json_each),
 * so one statement serves any number of ids.  Building the query on every
 * call was a third of a timeline request's CPU.
 */
export function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

/** `column IN (the ids in the JSON array bound as \`name\`)`. */
export function inIdList(column: Column | SQL, name = "ids"): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${sql.placeholder(name)}))`;
}

/** The JSON array an id list is bound as. */
export function idList(ids: Iterable<string>): string {
  return JSON.stringify([...ids]);
}

/**
 * Whether another process (the CLI, a separate worker) has committed to the
 * database since the last call: SQLite's data_version moves only for other
 * connections' writes.  In-memory caches of rarely-changing tables use it.
 */
export function externalChanges(sqlite: { prepare(source: string): { pluck(): { get(): unknown } } }, everyMs = 250): () => boolean {
  const statement = sqlite.prepare("PRAGMA data_version").pluck();
  let seen = statement.get();
  let checkedAt = Date.now();
  return () => {
    // Asked on hot paths (every rendered account names the instance): looked at a few times a second.
    const now = Date.now();
    if (now - checkedAt < everyMs) return false;
    checkedAt = now;
    const version = statement.get();
    if (version === seen) return false;
    seen = version;
    return true;
  };
}
