// Claims one message from the PostgreSQL queue and then hangs, so the parent
// test can kill it mid-handling.  Not a test file itself.
import { openPostgres } from "../../src/db/postgres.ts";
import { PostgresMessageQueue } from "../../federation/postgres-queue.ts";

const handle = await openPostgres(process.argv[2]!);
const queue = new PostgresMessageQueue(handle.sql, { pollIntervalMs: 10 });
void queue.listen(async () => {
  process.send?.("claimed");
  await new Promise(() => {});
});
