// A fresh PostgreSQL database per test (or per instance), on the run's
// server (tests/global-setup.ts).  `describe.skipIf(!hasPostgres)` keeps a
// machine without PostgreSQL green; CI requires it.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";

const serverUrl = inject("postgresUrl");
export const hasPostgres = serverUrl != null;

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  if (serverUrl == null) throw new Error("No PostgreSQL server in this run");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await sql.end();
    },
  };
}
