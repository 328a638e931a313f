import { AsyncLocalStorage } from "node:async_hooks";
import type Database from "better-sqlite3";
import { drizzle, type SqliteRemoteDatabase } from "drizzle-orm/sqlite-proxy";
import * as schema from "./schema.ts";

/**
 * The asynchronous face of the SQLite connection, for domain code that must run
 * unchanged over PostgreSQL later: every query is awaited (a leftover `.all()`
 * returns a promise, so using it as rows is a type error), statements are
 * prepared once per SQL text and reused, and transactions are serialised.
 *
 * One connection serves every request, so a transaction that awaits would let
 * another request's statements run inside it (and a rollback would take them
 * along). The gate admits one transaction at a time; a statement from outside
 * the open transaction waits until it ends.
 *
 * Rows travel as arrays of values, which Drizzle maps to what the query builder
 * selected; a raw `db.all(sql)` gets the arrays, so select through the builder.
 */
export type AsyncDb = SqliteRemoteDatabase<typeof schema>;

export interface AsyncSqlite {
  readonly db: AsyncDb;
  /** Statements prepared so far (one per distinct SQL text). */
  preparedCount(): number;
}

class TransactionGate {
  readonly #owner = new AsyncLocalStorage<symbol>();
  #open: { token: symbol; done: Promise<void> } | null = null;
  #queue: Promise<void> = Promise.resolve();

  /** Runs `work` as the only transaction; statements made inside it (any depth of awaits) pass the gate. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#open && this.#owner.getStore() === this.#open.token) return work();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const turn = this.#queue;
    this.#queue = turn.then(() => done);
    await turn;
    const token = Symbol("transaction");
    this.#open = { token, done };
    try {
      return await this.#owner.run(token, work);
    } finally {
      this.#open = null;
      release();
    }
  }

  /** Resolves when a statement may run: at once inside the open transaction or with none open. */
  async admit(): Promise<void> {
    while (this.#open && this.#owner.getStore() !== this.#open.token) await this.#open.done;
  }
}

/** Wraps the connection's raw statements in Drizzle's SQLite proxy (rows as arrays, as the proxy maps them). */
export function openAsyncSqlite(sqlite: Database.Database): AsyncSqlite {
  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = sqlite.prepare(text)));
    return statement;
  };
  const gate = new TransactionGate();
  const db = drizzle(
    async (text, params, method) => {
      await gate.admit();
      const statement = prepare(text);
      if (method === "run" || !statement.reader) {
        statement.run(...params);
        return { rows: [] };
      }
      // (no row is `rows: undefined`, which the proxy reads as "none")
      if (method === "get") return { rows: statement.raw(true).get(...params) as unknown[] };
      return { rows: statement.raw(true).all(...params) as unknown[] };
    },
    { schema },
  );
  // (Drizzle's own transaction sends BEGIN, COMMIT and ROLLBACK through the callback above, inside the gate;
  // IMMEDIATE takes the write lock at once, so another process's writer makes it wait at the start, not midway)
  const transaction = db.transaction.bind(db);
  db.transaction = ((work, config) =>
    gate.exclusive(() => transaction(work, { behavior: "immediate", ...config }))) as typeof db.transaction;
  return { db, preparedCount: () => statements.size };
}
