// Starts one throwaway PostgreSQL server for the whole run when Debian's
// postgresql package is installed (or uses CONSILIUM_TEST_POSTGRES_URL).
// Without one the PostgreSQL tests are skipped, unless
// CONSILIUM_REQUIRE_POSTGRES=1 (CI), which makes its absence a failure.
import type { TestProject } from "vitest/node";
import { postgresBinaries, startPostgresServer, type PostgresServer } from "./helpers/postgres-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

let server: PostgresServer | null = null;

export async function setup(project: TestProject): Promise<void> {
  const given = process.env.CONSILIUM_TEST_POSTGRES_URL;
  if (given) {
    project.provide("postgresUrl", given);
    return;
  }
  const bin = postgresBinaries();
  if (bin == null) {
    if (process.env.CONSILIUM_REQUIRE_POSTGRES === "1") throw new Error("CONSILIUM_REQUIRE_POSTGRES=1, but PostgreSQL is not installed");
    project.provide("postgresUrl", null);
    return;
  }
  server = await startPostgresServer(bin);
  project.provide("postgresUrl", server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  server = null;
}
