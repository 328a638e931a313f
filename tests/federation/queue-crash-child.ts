// Claims one message with a short lease and then hangs, so the parent test can
// kill it mid-handling.  Not a test file itself.
import { openDatabase } from "../../src/db/client.ts";
import { SqliteMessageQueue } from "../../federation/sqlite-queue.ts";

const handle = openDatabase(process.argv[2]!);
const queue = new SqliteMessageQueue(handle.sqlite, { pollIntervalMs: 10, leaseMs: 200 });
void queue.listen(async () => {
  process.send?.("claimed");
  await new Promise(() => {});
});
