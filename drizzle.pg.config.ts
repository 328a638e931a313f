import { defineConfig } from "drizzle-kit";

// The PostgreSQL backend's migrations (src/db/pg-schema.ts); the SQLite ones are drizzle.config.ts's.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/pg-schema.ts",
  out: "./migrations-pg",
});
