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
